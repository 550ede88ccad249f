from datetime import UTC, date, datetime, timedelta

import time_machine

from samtale.core import clock


def test_today_is_the_danish_date_not_utc():
    # 23:30 UTC on 31 Dec is already 1 Jan in Copenhagen.
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2027, 1, 1)


def test_days_are_23_and_25_hours_on_dst_changes():
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    assert clock.end_of_day(spring) - clock.start_of_day(spring) == timedelta(hours=23)
    assert clock.end_of_day(autumn) - clock.start_of_day(autumn) == timedelta(hours=25)


def test_at_gives_local_wall_time():
    moment = clock.at(date(2026, 7, 1), 9, 30)
    assert moment.astimezone(UTC).hour == 7  # CEST = UTC+2
