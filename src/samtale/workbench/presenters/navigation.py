"""The workbench's main navigation. Entries whose URL does not exist (yet) are left out, so the
read and write sides can land independently."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# (section, URL name, label)
ENTRIES = (
    ("today", "workbench:today", "I dag"),
    ("calendar", "workbench:calendar", "Kalender"),
    ("citizens", "workbench:citizens", "Borgere"),
    ("offers", "workbench:offers", "Mødetilbud"),
)


@dataclass(frozen=True)
class NavEntry:
    section: str
    url: str
    label: str


def navigation() -> list[NavEntry]:
    entries = []
    for section, name, label in ENTRIES:
        try:
            entries.append(NavEntry(section, reverse(name), label))
        except NoReverseMatch:
            continue
    return entries


def url_if_exists(name: str, *args) -> str | None:
    """The address of a page that may not exist yet (the other side of the workbench), or None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
