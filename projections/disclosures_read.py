"""Disclosure board queries: newest first, a page at a time."""

from __future__ import annotations

from typing import Any

from domain.values import Region
from projections.disclosures import SCHEMA
from projections.rows import DisclosureRow, Page, check_limit, decode_cursor, page
from projections.sql import as_date, as_uuid, opt_money
from projections.sql import to_money as money
from projections.store import ViewStore

COLUMNS = ", ".join(SCHEMA.get("board_disclosures").column_names)


def board(
    store: ViewStore, filters: dict[str, str | None], limit: int, after: str | None
) -> Page[DisclosureRow]:
    """Disclosures, newest first, optionally for a city, county or stage, a page at a time."""
    check_limit(limit)
    key = decode_cursor("disclosures", after)
    where: list[str] = []
    params: list[object] = []
    if key:
        where.append("seq<?")
        params.append(int(key[0]))
    for column, value in filters.items():
        if value is not None:
            where.append(f"{column}=?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{board_disclosures}} {clause}ORDER BY seq DESC LIMIT ?",
        (*params, limit + 1),
    )
    return page("disclosures", rows, limit, lambda r: [int(r[2])], _row)


def _row(r: tuple[Any, ...]) -> DisclosureRow:
    return DisclosureRow(
        project_id=as_uuid(r[0]),
        stage=r[1],
        project_name=r[3],
        region=Region(r[4], r[5], r[6], r[7]),
        published_on=as_date(r[8]),
        ends_on=as_date(r[9]),
        planned_budget=money(r[10]),
        approved_amount=opt_money(r[11]),
        disbursed=money(r[12]),
        beneficiaries=int(r[13]),
        objections_open=int(r[14]),
        objections_resolved=int(r[15]),
    )
