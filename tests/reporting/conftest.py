import pytest

from tests.reporting.receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver()
    r.start()
    yield r
    r.stop()
