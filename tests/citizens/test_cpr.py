from datetime import date

import pytest
import time_machine

from samtale.citizens.selectors import normalise_cpr
from samtale.core.errors import InvalidInput


def test_accepts_dash_and_spaces():
    assert normalise_cpr("140385-1000") == "1403851000"
    assert normalise_cpr(" 1403851000 ") == "1403851000"


def test_no_modulus_11_check():
    # 010190-2001 fails modulus 11, yet numbers issued since 2007 may do exactly that.
    assert normalise_cpr("0101902001") == "0101902001"


@pytest.mark.parametrize("bad", ["", "12345", "abcdefghij", "14038510001", "3202851000", "0013851000"])
def test_refuses_bad_format_or_date(bad):
    with pytest.raises(InvalidInput) as exc:
        normalise_cpr(bad)
    assert exc.value.code == "invalid_cpr"
    assert bad == "" or bad not in exc.value.message


def test_refuses_birth_date_in_the_future():
    with time_machine.travel(date(2026, 11, 24)), pytest.raises(InvalidInput):
        normalise_cpr("0101304000")  # 1 Jan 2030
