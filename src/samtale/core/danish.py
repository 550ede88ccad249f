"""Danish dates and times as citizens read them (R-NT-5): "mandag den 10. juli 2017", "10. juli 2017",
"kl. 9.30". One table, so notices, messages and the portal always agree."""

from datetime import date, datetime

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def danish_date(day: date, *, weekday: bool = False) -> str:
    """ "10. juli 2017", or with the weekday "mandag den 10. juli 2017"."""
    text = f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} den {text}" if weekday else text


def danish_long_date(day: date) -> str:
    """R-NT-5: "mandag den 10. juli 2017"."""
    return danish_date(day, weekday=True)


def danish_time(local_moment: datetime) -> str:
    """ "kl. 9.30" — the caller passes a Copenhagen-local datetime."""
    return f"kl. {local_moment.hour}.{local_moment.minute:02d}"
