"""Django's SQLite backend with a LIKE that ignores case in every alphabet, not only in ASCII.

SQLite's built-in LIKE folds only A–Z, so on the embedded default a caseworker searching for "øster"
did not find "Østergaard", while PostgreSQL's ILIKE did. Django's SQLite lookups (`icontains`,
`istartswith`, `iexact`, and the case-insensitive `contains` SQLite has always had) all compile to
`LIKE … ESCAPE '\\'`, so replacing SQLite's `like()` function gives them PostgreSQL's answer. The cost
is SQLite's LIKE-prefix index optimisation, which the embedded default's tables are too small to need."""

from __future__ import annotations

import functools
import re

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts, literal = [], False
    for char in pattern:
        if literal:
            parts.append(re.escape(char))
            literal = False
        elif escape is not None and char == escape:
            literal = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern: str | None, value: str | None, escape: str | None = None) -> int | None:
    """SQLite's `X LIKE Y ESCAPE Z` calls like(Y, X, Z)."""
    if pattern is None or value is None:
        return None
    return int(_pattern(pattern, escape).fullmatch(str(value)) is not None)


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        conn.create_function("like", 2, like, deterministic=True)
        conn.create_function("like", 3, like, deterministic=True)
        return conn
