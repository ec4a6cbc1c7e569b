"""Accountability queries: the people at each checkpoint, and a person's every decision."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.accountability import GROUPS
from projections.rows import AccountableAct, Decision, Page, check_limit, decode_cursor, page
from projections.sql import as_date, as_time, opt_uuid
from projections.store import ViewStore

COLUMNS = (
    "person_id, person_name, role, org, recorded_at, action, effective_on, detail, "
    "checkpoint, project_id, account_id, position"
)


def by_project(store: ViewStore, project_id: UUID) -> dict[str, list[AccountableAct]]:
    """Every act on a project, grouped under the six checkpoints, in order."""
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{acts}} WHERE project_id=? ORDER BY position", (project_id,)
    )
    groups: dict[str, list[AccountableAct]] = {g: [] for g in GROUPS}
    for r in rows:
        groups[r[8]].append(
            AccountableAct(
                person_id=r[0],
                name=r[1],
                role=r[2],
                org=r[3],
                recorded_at=as_time(r[4]),
                action=r[5],
                effective_on=as_date(r[6]),
                detail=r[7],
            )
        )
    return groups


def by_person(store: ViewStore, person_id: str, limit: int, after: str | None) -> Page[Decision]:
    """Every decision a person made, in the order recorded, a page at a time."""
    check_limit(limit)
    key = decode_cursor("decisions", after)
    rows = store.select(
        f"SELECT {COLUMNS} FROM {{acts}} WHERE person_id=? AND position>? "
        "ORDER BY position LIMIT ?",
        (person_id, int(key[0]) if key else 0, limit + 1),
    )
    return page("decisions", rows, limit, lambda r: [int(r[11])], _decision)


def _decision(r: tuple[Any, ...]) -> Decision:
    return Decision(
        project_id=opt_uuid(r[9]),
        account_id=opt_uuid(r[10]),
        checkpoint=r[8],
        action=r[5],
        role=r[2],
        org=r[3],
        recorded_at=as_time(r[4]),
        effective_on=as_date(r[6]),
        detail=r[7],
        name=r[1],
    )
