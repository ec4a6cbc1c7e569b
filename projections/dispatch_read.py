"""The monthly dispatch report, summed from the dispatch view's dated facts.

Rows per city (county None: the city's totals, with allocations to the city's accounts)
and per county (allocated None: allocations go to a city's account, not to a county).
Overdue items as of the month's end: an objection still open after its disclosure ended;
an approved project with no payment DUE_DAYS after approval; a completed project with no
benefit evaluation DUE_DAYS after completion.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain import errors
from domain.values import Checkpoint, Status
from projections.rows import DispatchReport, DispatchRow, OverdueItem
from projections.sql import as_date, as_uuid, to_money
from projections.store import ViewStore

DUE_DAYS = 90
RATE_PLACES = Decimal("0.0001")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# Project money kinds, as (approved, earmarked, disbursed) signs.
EFFECTS = {
    "approval": (1, 0, 0),
    "earmark": (0, 1, 0),
    "payment": (0, -1, 1),
    "reversal": (0, 1, -1),
    "earmark_release": (0, -1, 0),
    "return": (0, 0, -1),
}
LATEST_STEPS = (
    "SELECT s.project_id, p.name, p.city, p.county, s.checkpoint, s.status, s.effective_on "
    "FROM {dispatch_steps} s JOIN {dispatch_projects} p ON p.project_id=s.project_id "
    "WHERE s.position=(SELECT MAX(t.position) FROM {dispatch_steps} t "
    "WHERE t.project_id=s.project_id AND t.effective_on<=?)"
)
OPEN_OBJECTIONS = (
    "SELECT o.project_id, p.name, p.city, p.county, o.no, o.ends_on "
    "FROM {dispatch_objections} o JOIN {dispatch_projects} p ON p.project_id=o.project_id "
    "WHERE o.raised_on<=? AND o.ends_on<=? AND (o.resolved_on IS NULL OR o.resolved_on>?) "
    "ORDER BY o.project_id, o.no"
)


@dataclass
class _Tally:
    allocated: int = 0
    approved: int = 0
    earmarked: int = 0
    disbursed: int = 0
    projects: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    overdue: list[OverdueItem] = field(default_factory=list)


def month_end(month: str) -> date:
    """The last day of a YYYY-MM month, or InvalidValue."""
    match = _MONTH.fullmatch(month)
    if not match:
        raise errors.InvalidValue(f"month {month!r} must be YYYY-MM")
    year, mon = int(match[1]), int(match[2])
    if not (year >= 1 and 1 <= mon <= 12):
        raise errors.InvalidValue(f"month {month!r} is not a calendar month")
    return date(year, mon, calendar.monthrange(year, mon)[1])


def report(store: ViewStore, month: str) -> DispatchReport:
    """Figures per city and county, cumulative to the month's end by business date."""
    end = month_end(month)
    tallies: dict[tuple[str, str | None], _Tally] = {}

    def both(city: str, county: str) -> list[_Tally]:
        return [
            tallies.setdefault((city, county), _Tally()),
            tallies.setdefault((city, None), _Tally()),
        ]

    sums = store.select(
        "SELECT city, county, kind, SUM(amount) FROM {dispatch_money} WHERE effective_on<=? "
        "GROUP BY city, county, kind",
        (end,),
    )
    for city, county, kind, total in sums:
        if kind == "allocation":
            tallies.setdefault((city, None), _Tally()).allocated += int(total)
            continue
        approved, earmarked, disbursed = EFFECTS[kind]
        for tally in both(city, county):
            tally.approved += approved * int(total)
            tally.earmarked += earmarked * int(total)
            tally.disbursed += disbursed * int(total)
    for row in store.select(LATEST_STEPS, (end,)):
        _count_project(row, end, both(row[2], row[3]))
    for project_id, name, city, county, no, ends_on in store.select(
        OPEN_OBJECTIONS, (end, end, end)
    ):
        due = as_date(ends_on)
        item = OverdueItem(
            as_uuid(project_id),
            name,
            "objection_unresolved",
            due,
            (end - due).days,
            f"objection {no} is still open after its disclosure ended",
        )
        for tally in both(city, county):
            tally.overdue.append(item)
    rows = [_row(city, county, t) for (city, county), t in tallies.items()]
    rows.sort(key=lambda r: (r.city, r.county is not None, r.county or ""))
    return DispatchReport(month, end, rows)


def _count_project(row: tuple[Any, ...], end: date, tallies: list[_Tally]) -> None:
    project_id, name, _, _, checkpoint, status, since = row
    since = as_date(since)
    item: OverdueItem | None = None
    if status == Status.ACTIVE and checkpoint in (Checkpoint.APPROVAL, Checkpoint.COMPLETED):
        due = since + timedelta(days=DUE_DAYS)
        if end > due:
            waiting = "a first payment" if checkpoint == Checkpoint.APPROVAL else "its evaluation"
            kind = (
                "disbursement_overdue"
                if checkpoint == Checkpoint.APPROVAL
                else "evaluation_overdue"
            )
            detail = f"{checkpoint} on {since}, still waiting for {waiting}"
            item = OverdueItem(as_uuid(project_id), name, kind, due, (end - due).days, detail)
    for tally in tallies:
        if status == Status.REJECTED:
            tally.rejected += 1
        else:
            tally.projects[checkpoint] += 1
        if item is not None:
            tally.overdue.append(item)


def _row(city: str, county: str | None, t: _Tally) -> DispatchRow:
    approved = to_money(t.approved)
    disbursed = to_money(t.disbursed)
    rate = (disbursed / approved).quantize(RATE_PLACES, ROUND_HALF_UP) if t.approved else None
    return DispatchRow(
        city=city,
        county=county,
        allocated=to_money(t.allocated) if county is None else None,
        approved=approved,
        earmarked=to_money(t.earmarked),
        disbursed=disbursed,
        disbursement_rate=rate,
        projects={c.value: t.projects[c.value] for c in Checkpoint},
        rejected=t.rejected,
        overdue=sorted(t.overdue, key=lambda i: (i.due_on, str(i.project_id), i.kind)),
    )
