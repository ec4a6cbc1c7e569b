"""The look-back review (回头看), as of a business date, from the look-back view.

Three lists: evaluated projects whose benefited households differ from the planned ones;
earmarks unpaid for more than IDLE_DAYS (first in, first out: payments and releases use up
the oldest earmarked money first, so what remains of money earmarked before the cut-off is
idle); completed projects not evaluated.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from domain.values import Region
from projections.rows import HouseholdMismatch, IdleEarmark, LookBackReport, NotEvaluated
from projections.sql import as_date, as_uuid, to_money
from projections.store import ViewStore

IDLE_DAYS = 90
PLACE = "p.project_id, p.name, p.city, p.county, p.township, p.village"
ADDED = "m.kind IN ('earmark', 'reversal')"
AGED = (
    f"SUM(CASE WHEN {ADDED} AND m.effective_on<=? THEN m.amount ELSE 0 END) - "
    f"SUM(CASE WHEN {ADDED} THEN 0 ELSE m.amount END)"
)


def review(store: ViewStore, on: date, filters: dict[str, Any]) -> LookBackReport:
    """The three look-back lists as of `on`, for projects matching the filters."""
    where, params = _filters(filters)
    return LookBackReport(
        on,
        _mismatches(store, on, where, params),
        _idle(store, on, where, params),
        _not_evaluated(store, on, where, params),
    )


def _filters(filters: dict[str, Any]) -> tuple[str, list[object]]:
    clauses, params = [], []
    for column, value in filters.items():
        if value is not None:
            clauses.append(f" AND p.{column}=?")
            params.append(value)
    return "".join(clauses), params


def _region(r: tuple[Any, ...]) -> Region:
    return Region(r[2], r[3], r[4], r[5])


def _mismatches(
    store: ViewStore, on: date, where: str, params: list[object]
) -> list[HouseholdMismatch]:
    rows = store.select(
        f"SELECT {PLACE}, p.planned, p.benefited, p.evaluated_on FROM {{lookback_projects}} p "
        f"WHERE p.evaluated_on IS NOT NULL AND p.evaluated_on<=?{where} "
        "ORDER BY p.evaluated_on, p.project_id",
        (on, *params),
    )
    found = []
    for r in rows:
        planned, benefited = set(json.loads(r[6])), set(json.loads(r[7]))
        if planned != benefited:
            found.append(
                HouseholdMismatch(
                    as_uuid(r[0]),
                    r[1],
                    _region(r),
                    len(planned),
                    len(benefited),
                    sorted(planned - benefited),
                    sorted(benefited - planned),
                    as_date(r[8]),
                )
            )
    return found


def _idle(store: ViewStore, on: date, where: str, params: list[object]) -> list[IdleEarmark]:
    cutoff = on - timedelta(days=IDLE_DAYS)
    rows = store.select(
        f"SELECT {PLACE}, m.account_id, {AGED}, "
        f"SUM(CASE WHEN {ADDED} THEN m.amount ELSE -m.amount END) "
        "FROM {lookback_earmarks} m JOIN {lookback_projects} p ON p.project_id=m.project_id "
        f"WHERE m.effective_on<=?{where} GROUP BY {PLACE}, m.account_id "
        f"HAVING {AGED} > 0 ORDER BY p.project_id, m.account_id",
        (cutoff, on, *params, cutoff),
    )
    found = []
    for r in rows:
        since = _unpaid_since(store, r[0], r[6], on)
        found.append(
            IdleEarmark(
                as_uuid(r[0]),
                r[1],
                _region(r),
                as_uuid(r[6]),
                to_money(r[7]),
                to_money(r[8]),
                since,
                (on - since).days,
            )
        )
    return sorted(found, key=lambda i: (i.unpaid_since, str(i.project_id)))


def _unpaid_since(store: ViewStore, project_id: Any, account_id: Any, on: date) -> date:
    """The date of the oldest earmarked money not yet used up (first in, first out)."""
    rows = store.select(
        "SELECT kind, amount, effective_on FROM {lookback_earmarks} "
        "WHERE project_id=? AND account_id=? AND effective_on<=? ORDER BY effective_on, position",
        (project_id, account_id, on),
    )
    added = [(as_date(r[2]), int(r[1])) for r in rows if r[0] in ("earmark", "reversal")]
    used = sum(int(r[1]) for r in rows if r[0] not in ("earmark", "reversal"))
    total = 0
    for day, amount in added:
        total += amount
        if total > used:
            return day
    return on  # unreachable when the aged sum is positive


def _not_evaluated(
    store: ViewStore, on: date, where: str, params: list[object]
) -> list[NotEvaluated]:
    rows = store.select(
        f"SELECT {PLACE}, p.completed_on FROM {{lookback_projects}} p "
        "WHERE p.completion_recorded_on IS NOT NULL AND p.completion_recorded_on<=? "
        f"AND (p.evaluated_on IS NULL OR p.evaluated_on>?){where} "
        "ORDER BY p.completed_on, p.project_id",
        (on, on, *params),
    )
    return [
        NotEvaluated(as_uuid(r[0]), r[1], _region(r), as_date(r[6]), (on - as_date(r[6])).days)
        for r in rows
    ]
