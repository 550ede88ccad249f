"""One row with some of its foreign keys' rows, as `select_related(...).filter(...).first()` would read
it, from SQL built once per process (issue 15).

On the booking path the ORM spent more CPU compiling such a query (the API token with its citizen,
the free time with its offer, jobcenter, type and caseworker) than PostgreSQL spent answering it. This
builds the same JOINs and column list from the models' metadata the first time, then only executes
it: the instances are Django's own (`Model.from_db`, the fields' and backend's value converters), with
the related objects cached on them as `select_related` leaves them, so the code that uses them does
not change. No ORDER BY: it is for look-ups by a unique key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Model

from samtale.core import prepared


@dataclass(frozen=True)
class _Part:
    model: type[Model]
    parent: int | None  # index of the part whose foreign key leads here (None: the base row)
    field: object | None  # that foreign key
    columns: list  # the model's concrete fields, in SELECT order
    first: int  # index of its first column in the row


def _converters(field, table_alias: str, connection) -> list:
    """What the ORM runs on `field`'s value as read from `table_alias` (the backend's and the field's
    converters, each with the column expression it expects)."""
    col = field.get_col(table_alias)
    return [(c, col) for c in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]


class Prejoined:
    """`Prejoined(Slot, ["offer", "offer__jobcenter"], "t0.public_id = %s", ["public_id"]).get([x])`
    is `Slot.objects.select_related("offer", "offer__jobcenter").filter(public_id=x).first()`.
    `where` refers to the base table as t0; every value is a parameter, prepared for the database as
    the base model's field of the same place in `fields` would prepare it.

    `extra` adds `(name, sql)` columns after the models' (subqueries of t0, say), set on the base
    instance as attributes the way `RawQuerySet` sets its annotations; a statement with such columns
    names its parameters (`%(name)s` in `where` and `extra`) and is read by `get_named(params)`, the
    values already as the database takes them. `with_` puts a WITH clause before the SELECT (its
    names can be read in `extra`)."""

    def __init__(
        self,
        model: type[Model],
        related: Sequence[str],
        where: str,
        fields: Sequence[str] = (),
        extra: Sequence[tuple[str, str]] = (),
        with_: str = "",
    ) -> None:
        self.model, self.related, self.where, self.with_ = model, list(related), where, with_
        self.fields = [model._meta.get_field(name) for name in fields]
        self.extra = list(extra)
        self._built: dict[str, tuple[str, list[_Part], list]] = {}

    def get(self, values: Sequence) -> Model | None:
        alias = router.db_for_read(self.model)
        row = self._fetch(alias, self._params(alias, values), many=False)
        return None if row is None else self._instance(alias, row)

    def get_named(self, params: dict) -> Model | None:
        alias = router.db_for_read(self.model)
        row = self._fetch(alias, params, many=False)
        return None if row is None else self._instance(alias, row)

    def all(self, values: Sequence) -> list[Model]:
        """Every row `where` finds, in its order (`where` may end in ORDER BY), as `get` builds one."""
        alias = router.db_for_read(self.model)
        return [
            self._instance(alias, row) for row in self._fetch(alias, self._params(alias, values), many=True)
        ]

    def row(self, values: Sequence) -> list | None:
        """The row `get(values)` would build its instances from (values converted as Django converts
        them), or None: for a caller that keeps it and builds fresh instances from it with `build`."""
        alias = router.db_for_read(self.model)
        row = self._fetch(alias, self._params(alias, values), many=False)
        return None if row is None else self._convert(alias, row)

    def _params(self, alias: str, values: Sequence) -> list:
        connection = connections[alias]
        return [f.get_db_prep_value(v, connection) for f, v in zip(self.fields, values, strict=True)]

    def _fetch(self, alias: str, params, *, many: bool):
        sql, _, _ = self._build(alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            prepared.execute(connection, cursor, sql, params)
            return cursor.fetchall() if many else cursor.fetchone()

    def build(self, row: list) -> Model:
        """New instances (the base row's and its related rows') from a row as `row` returned it."""
        return self._objects(router.db_for_read(self.model), row)

    def column(self, name: str) -> int:
        """Where the base model's field `name` is in a row."""
        _, parts, _ = self._build(router.db_for_read(self.model))
        return parts[0].first + parts[0].columns.index(self.model._meta.get_field(name))

    def _instance(self, alias: str, row) -> Model:
        return self._objects(alias, self._convert(alias, row))

    def _convert(self, alias: str, row) -> list:
        connection = connections[alias]
        _, _, converters = self._build(alias)
        row = list(row)
        for i, chain in converters:
            for converter, expression in chain:
                row[i] = converter(row[i], expression, connection)
        return row

    def _objects(self, alias: str, row: list) -> Model:
        _, parts, _ = self._build(alias)
        objects: list[Model | None] = []
        for part in parts:
            values = row[part.first : part.first + len(part.columns)]
            parent = objects[part.parent] if part.parent is not None else None
            if part.parent is not None and parent is None:
                objects.append(None)
                continue
            pk_index = part.columns.index(part.model._meta.pk)
            obj = (
                None
                if values[pk_index] is None
                else part.model.from_db(alias, [f.attname for f in part.columns], values)
            )
            if parent is not None:
                part.field.set_cached_value(parent, obj)
            objects.append(obj)
        base = objects[0]
        for (name, _), value in zip(self.extra, row[len(row) - len(self.extra) :], strict=True):
            setattr(base, name, value)
        return base

    def _build(self, alias: str):
        if alias in self._built:
            return self._built[alias]
        connection = connections[alias]
        qn = connection.ops.quote_name
        parts: list[_Part] = []
        joins: list[str] = []
        paths: dict[str, int] = {"": 0}
        selects: list[str] = []
        converters: list = []

        def add(model, parent, field, nullable):
            index = len(parts)
            table_alias = f"t{index}"
            columns = list(model._meta.concrete_fields)
            parts.append(_Part(model, parent, field, columns, len(selects)))
            for f in columns:
                selects.append(f"{table_alias}.{qn(f.column)}")
                chain = _converters(f, table_alias, connection)
                if chain:
                    converters.append((len(selects) - 1, chain))
            if field is not None:
                kind = "LEFT OUTER JOIN" if nullable else "INNER JOIN"
                target = field.target_field
                joins.append(
                    f"{kind} {qn(model._meta.db_table)} {table_alias} ON "
                    f"{table_alias}.{qn(target.column)} = t{parent}.{qn(field.column)}"
                )
            return index

        add(self.model, None, None, False)
        nullable_paths: set[str] = set()
        for path in self.related:
            head, _, name = path.rpartition("__")
            parent = paths[head]
            field = parts[parent].model._meta.get_field(name)
            nullable = field.null or head in nullable_paths
            if nullable:
                nullable_paths.add(path)
            paths[path] = add(field.related_model, parent, field, nullable)
        selects += [f"({expression}) AS {qn(name)}" for name, expression in self.extra]
        with_ = f"{self.with_} " if self.with_ else ""
        sql = (
            f"{with_}SELECT {', '.join(selects)} FROM {qn(self.model._meta.db_table)} t0 "  # noqa: S608
            f"{' '.join(joins)} WHERE {self.where}"
        )
        self._built[alias] = (sql, parts, converters)
        return self._built[alias]


class Columns:
    """A model's columns (all concrete fields, or the named ones) under a table alias, as a piece of a
    hand-written statement that is built once per process, and the values or the instance a slice of
    its result row makes — converted as the ORM converts them (`Model.from_db`, the fields' and the
    backend's converters: SQLite's dates and booleans, for instance)."""

    def __init__(self, model: type[Model], table_alias: str, fields: Sequence[str] | None = None) -> None:
        self.model, self.table_alias = model, table_alias
        self.fields = (
            list(model._meta.concrete_fields)
            if fields is None
            else [model._meta.get_field(name) for name in fields]
        )
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, connection) -> str:
        qn = connection.ops.quote_name
        return ", ".join(f"{self.table_alias}.{qn(f.column)}" for f in self.fields)

    def values(self, row: Sequence, connection) -> list:
        """The slice `row` (this piece's columns, in order) as Python values."""
        chains = self._converters.get(connection.alias)
        if chains is None:
            chains = self._converters[connection.alias] = []
            chains += [_converters(f, self.table_alias, connection) for f in self.fields]
        out = list(row)
        for i, chain in enumerate(chains):
            for converter, expression in chain:
                out[i] = converter(out[i], expression, connection)
        return out

    def instance(self, row: Sequence, connection) -> Model | None:
        """The model instance of the slice `row`, or None when its primary key is NULL (an outer
        join that found nothing). Only for all concrete fields."""
        values = self.values(row, connection)
        pk = self.fields.index(self.model._meta.pk)
        if values[pk] is None:
            return None
        return self.model.from_db(connection.alias, [f.attname for f in self.fields], values)
