"""R-NT-1 … R-NT-5: the exact texts of SPEC.md § 6 (seed 004 § 2.3), in pure functions."""

from dataclasses import dataclass, field
from datetime import date

import pytest

from samtale.core.danish import danish_date
from samtale.deadlines import rules

DEADLINE = date(2017, 7, 10)  # "mandag den 10. juli 2017" in the seed's screenshots


@dataclass
class _Type:
    family: str


@dataclass
class _Deadline:
    family: str = "jobsamtale"
    status: str = "active"
    deadline_date: date = DEADLINE
    activation_date: date = date(2017, 6, 1)
    meeting_date: date | None = None
    expires_on: date = field(default_factory=lambda: rules.expires_on(date(2017, 6, 1)))

    @property
    def conversation_type(self):
        return _Type(self.family)


def test_r_nt_5_danish_long_dates():
    assert rules.danish_long_date(DEADLINE) == "mandag den 10. juli 2017"
    assert rules.danish_long_date(date(2026, 3, 29)) == "søndag den 29. marts 2026"
    assert rules.danish_long_date(date(2025, 12, 31)) == "onsdag den 31. december 2025"
    assert danish_date(DEADLINE) == "10. juli 2017"


@pytest.mark.parametrize(
    "family,noun,title",
    [("jobsamtale", "jobsamtale", "Jobsamtale"), ("opfoelgning", "opfølgningssamtale", "Opfølgningssamtale")],
)
def test_r_nt_1_more_than_8_days(family, noun, title):
    n = rules.notice_for(_Deadline(family=family), date(2017, 7, 1))  # 9 days
    assert n.rule == "R-NT-1" and n.heading == "Ny frist"
    assert n.text == (
        f"Du har fået en frist for, hvornår du senest skal booke den næste {noun}. "
        "Fristen for at booke samtalen er senest mandag den 10. juli 2017."
    )
    assert n.link_text == f"Book {title} med dit jobcenter"


@pytest.mark.parametrize("today,days", [(date(2017, 7, 2), 8), (date(2017, 7, 6), 4)])
def test_r_nt_2_four_to_eight_days(today, days):
    n = rules.notice_for(_Deadline(), today)
    assert n.rule == "R-NT-2" and n.heading == "Husk at booke møde" and not n.red_heading
    assert n.text == (
        f"Der er kun {days} dage til mandag den 10. juli 2017, hvor du senest skal booke din næste jobsamtale. "
        "Skynd dig at booke en tid til samtalen."
    )


@pytest.mark.parametrize(
    "today,days", [(date(2017, 7, 7), "3 dage"), (date(2017, 7, 8), "2 dage"), (date(2017, 7, 9), "1 dag")]
)
def test_r_nt_3_one_to_three_days_red_heading(today, days):
    n = rules.notice_for(_Deadline(family="opfoelgning"), today)
    assert n.rule == "R-NT-3" and n.red_heading and not n.all_red
    assert n.text == (
        f"Der er kun {days} til mandag den 10. juli 2017, hvor din næste opfølgningssamtale skal være booket. "
        "Skynd dig at booke en tid til samtalen."
    )


def test_r_nt_4_last_day_all_red():
    n = rules.notice_for(_Deadline(), DEADLINE)
    assert n.rule == "R-NT-4" and n.heading == "Sidste frist i dag" and n.all_red
    assert n.text == "Din næste jobsamtale skal være booket i dag, mandag den 10. juli 2017."


def test_no_notice_for_not_activated_fulfilled_closed_or_past():
    assert (
        rules.notice_for(_Deadline(status="fulfilled", meeting_date=date(2017, 7, 12)), date(2017, 7, 1))
        is None
    )
    assert rules.notice_for(_Deadline(status="closed_admin"), date(2017, 7, 1)) is None
    assert (
        rules.notice_for(
            _Deadline(status="not_activated", activation_date=date(2017, 7, 5)), date(2017, 7, 1)
        )
        is None
    )
    # …but the effective status counts: activation reached without the batch → shown.
    assert (
        rules.notice_for(
            _Deadline(status="not_activated", activation_date=date(2017, 7, 5)), date(2017, 7, 5)
        ).rule
        == "R-NT-2"
    )
    assert rules.notice_for(_Deadline(), date(2017, 7, 11)) is None
    assert rules.notice_for(None, date(2017, 7, 1)) is None
