"""Project register queries: filtered, searched, a page at a time."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from domain import errors
from domain.values import Category, Checkpoint, Region, Status
from projections.register import SCHEMA
from projections.rows import Page, RegisterRow, check_limit, decode_cursor, page
from projections.sql import as_uuid, opt_money, opt_uuid
from projections.sql import to_money as money
from projections.store import ViewStore

COLUMNS = ", ".join(SCHEMA.get("register_projects").column_names)
FILTERS = {
    "category": {c.value for c in Category},
    "checkpoint": {c.value for c in Checkpoint},
    "status": {s.value for s in Status},
}


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search(
    store: ViewStore, filters: dict[str, Any], q: str | None, limit: int, after: str | None
) -> Page[RegisterRow]:
    """Register rows in the order projects were proposed, filtered, a page at a time."""
    check_limit(limit)
    key = decode_cursor("register", after)
    where: list[str] = ["seq>?"]
    params: list[object] = [int(key[0]) if key else 0]
    for column, value in [*filters.items(), ("q", q)]:
        if isinstance(value, str) and CONTROL.search(value):
            # PostgreSQL text cannot hold NUL; no name or place holds a control character.
            raise errors.InvalidValue(f"{column} must not contain control characters")
    for column, value in filters.items():
        if value is None:
            continue
        allowed = FILTERS.get(column)
        if allowed is not None and value not in allowed:
            raise errors.InvalidValue(
                f"{column} {value!r} is not one of: {', '.join(sorted(allowed))}"
            )
        where.append(f"{column}=?")
        params.append(value)
    if q:
        where.append("name_folded LIKE ? ESCAPE '!'")
        params.append(f"%{_escape(q.casefold())}%")
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{register_projects}} WHERE {' AND '.join(where)} "
        "ORDER BY seq LIMIT ?",
        (*params, limit + 1),
    )
    return page("register", rows, limit, lambda r: [int(r[1])], _row)


def _escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _row(r: tuple[Any, ...]) -> RegisterRow:
    return RegisterRow(
        id=as_uuid(r[0]),
        name=r[2],
        region=Region(r[4], r[5], r[6], r[7]),
        category=r[8],
        checkpoint=r[9],
        status=r[10],
        fiscal_year=int(r[11]),
        planned_budget=money(r[12]),
        requested_amount=opt_money(r[13]),
        approved_amount=opt_money(r[14]),
        disbursed=money(r[15]),
        account_id=opt_uuid(r[16]),
        version=int(r[17]),
    )


def one(store: ViewStore, project_id: UUID) -> RegisterRow | None:
    """One project's register row, if proposed."""
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{register_projects}} WHERE project_id=?", (project_id,)
    )
    return _row(rows[0]) if rows else None
