"""Portable table definitions and value conversions for the SQLite and PostgreSQL views.

View SQL is written once, with `?` placeholders and `{table}` names; each dialect turns it
into its own text. Money is kept as integer fen (分) in view tables: exact on both stores
and summable in SQL (SQLite has no exact decimal type); it becomes Decimal yuan on the way
out. Dates are ISO text on SQLite and `date` on PostgreSQL; times are fixed-width UTC text
on SQLite (so text order is time order) and `timestamptz` on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Column:
    """A column: name, portable type (uuid, text, int, money, date, time, json), nullability."""

    name: str
    type: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    """A view table: its columns, primary key and secondary indexes."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in order."""
        return tuple(c.name for c in self.columns)


def table(name: str, spec: str, key: str, *indexes: str) -> Table:
    """Declare a table compactly: "col type[!], ..." (! = NOT NULL), key "a,b"."""
    columns = []
    for part in spec.split(","):
        col, type_ = part.split()
        columns.append(Column(col, type_.rstrip("!"), nullable=not type_.endswith("!")))
    return Table(name, tuple(columns), _split(key), tuple(_split(i) for i in indexes))


def insert(spec: Table, conflict: str = "") -> str:
    """An INSERT template for every column of a table, in order (one `?` each)."""
    cols = ", ".join(spec.column_names)
    marks = ", ".join("?" for _ in spec.columns)
    return f"INSERT INTO {{{spec.name}}} ({cols}) VALUES ({marks}){conflict}"


def _split(names: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in names.split(","))


@dataclass(frozen=True)
class Dialect:
    """What differs between the stores: type names, placeholders, parameter forms."""

    name: str
    types: Mapping[str, str]
    placeholder: str
    adapts: bool  # whether parameters need converting (psycopg adapts ours itself)

    def create_table(self, physical: str, spec: Table) -> str:
        """CREATE TABLE for a table spec under a physical name."""
        cols = ", ".join(
            f"{c.name} {self.types[c.type]}{'' if c.nullable else ' NOT NULL'}"
            for c in spec.columns
        )
        return (
            f"CREATE TABLE IF NOT EXISTS {physical} ({cols}, PRIMARY KEY ({', '.join(spec.key)}))"
        )

    def render(self, template: str, names: Mapping[str, str]) -> str:
        """Fill in table names and turn `?` into this dialect's placeholder."""
        text = template.format_map(names)
        if "%" in text:
            raise ValueError("view SQL must not contain '%': pass patterns as parameters")
        return text.replace("?", self.placeholder) if self.placeholder != "?" else text

    def adapt(self, value: object) -> object:
        """A Python value as this store takes it as a parameter."""
        if not self.adapts:
            return value
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime(TIME_FORMAT)
        if isinstance(value, date):
            return value.isoformat()
        return value


SQLITE = Dialect(
    "sqlite",
    {
        "uuid": "TEXT",
        "text": "TEXT",
        "int": "INTEGER",
        "money": "INTEGER",
        "date": "TEXT",
        "time": "TEXT",
        "json": "TEXT",
    },
    "?",
    adapts=True,
)
POSTGRES = Dialect(
    "postgres",
    {
        "uuid": "uuid",
        "text": "text",
        "int": "bigint",
        "money": "bigint",
        "date": "date",
        "time": "timestamptz",
        "json": "text",
    },
    "%s",
    adapts=False,
)


def check_name(name: str) -> str:
    """Refuse anything but a plain SQL identifier (names are formatted into SQL)."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a plain SQL identifier")
    return name


# --- values in and out ------------------------------------------------------------------


def to_fen(amount: Decimal) -> int:
    """Yuan with two places as integer fen (分)."""
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise ValueError(f"amount {amount} has more than two places")
    return int(fen)


def to_money(fen: Any) -> Decimal:
    """Integer fen back to yuan with two places (PostgreSQL sums come back as Decimal)."""
    return Decimal(int(fen)).scaleb(-2)


def opt_money(fen: Any) -> Decimal | None:
    """Like to_money, keeping None (a figure that does not apply)."""
    return None if fen is None else to_money(fen)


def as_date(value: Any) -> date:
    """A date read from either store."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def opt_date(value: Any) -> date | None:
    """Like as_date, keeping None."""
    return None if value is None else as_date(value)


def as_time(value: Any) -> datetime:
    """A timezone-aware time read from either store."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def as_uuid(value: Any) -> UUID:
    """A UUID read from either store."""
    return value if isinstance(value, UUID) else UUID(value)


def opt_uuid(value: Any) -> UUID | None:
    """Like as_uuid, keeping None."""
    return None if value is None else as_uuid(value)


@dataclass(frozen=True)
class Schema:
    """A view's name and the tables it owns."""

    view: str
    tables: tuple[Table, ...]

    def get(self, name: str) -> Table:
        """The table with this logical name."""
        return next(t for t in self.tables if t.name == name)
