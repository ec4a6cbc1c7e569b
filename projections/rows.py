"""What queries answer: frozen rows named as API.md names them, and cursor pages."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from domain import errors
from domain.values import Actor, Region

T = TypeVar("T")
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items and the cursor of the next page (None at the end)."""

    items: list[T]
    next: str | None


def check_limit(limit: int) -> int:
    """A page size between 1 and 1000."""
    if isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise errors.InvalidValue(f"limit must be between 1 and {MAX_LIMIT} (got {limit})")
    return limit


def encode_cursor(kind: str, key: list[Any]) -> str:
    """An opaque cursor: the list it belongs to and the last key shown."""
    text = json.dumps([kind, key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> list[Any] | None:
    """The key a cursor carries, or InvalidValue if it is not one of this list's cursors."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        data = None
    if not (isinstance(data, list) and len(data) == 2 and data[0] == kind):
        raise errors.InvalidValue("the cursor `after` is not one this list gave out")
    key = data[1]
    # Every list pages by one position or sequence number: a whole number in range.
    if not (isinstance(key, list) and len(key) == 1 and _is_position(key[0])):
        raise errors.InvalidValue("the cursor `after` is not one this list gave out")
    return key


def _is_position(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**62


Row = tuple[Any, ...]


def page(
    kind: str,
    rows: list[Row],
    limit: int,
    key: Callable[[Row], list[Any]],
    convert: Callable[[Row], T],
) -> Page[T]:
    """A page from up to limit + 1 raw rows: the extra row says there is a next page."""
    shown = rows[:limit]
    cursor = encode_cursor(kind, key(shown[-1])) if len(rows) > limit else None
    return Page([convert(r) for r in shown], cursor)


@dataclass(frozen=True)
class LedgerEntry:
    """An account ledger entry (台账): what moved, on which business date, by whom."""

    entry_no: int
    kind: str
    amount: Decimal
    project_id: UUID | None
    effective_on: date
    recorded_at: datetime
    actor: Actor
    account_id: UUID
    document_no: str | None
    disbursement_no: int | None
    reason: str


@dataclass(frozen=True)
class AccountFigures:
    """An account's figures as of a business date (API.md's definitions)."""

    account_id: UUID
    on: date
    allocated: Decimal
    earmarked: Decimal
    disbursed: Decimal
    available: Decimal


@dataclass(frozen=True)
class RegisterRow:
    """A project in the register (项目库): where, what, how far, how much."""

    id: UUID
    name: str
    region: Region
    category: str
    checkpoint: str
    status: str
    fiscal_year: int
    planned_budget: Decimal
    requested_amount: Decimal | None
    approved_amount: Decimal | None
    disbursed: Decimal
    account_id: UUID | None
    version: int


@dataclass(frozen=True)
class HistoryEvent:
    """One event in a project's timeline; data holds its own fields, reason and evidence."""

    version: int
    type: str
    recorded_at: datetime
    effective_on: date
    actor: Actor
    data: dict[str, Any]
    position: int


@dataclass(frozen=True)
class AccountableAct:
    """Who did what at a checkpoint of a project (终身追责)."""

    person_id: str
    name: str
    role: str
    org: str
    recorded_at: datetime
    action: str
    effective_on: date
    detail: str


@dataclass(frozen=True)
class Decision:
    """One decision a person made, with the role and organisation they held then."""

    project_id: UUID | None
    account_id: UUID | None
    checkpoint: str | None
    action: str
    role: str
    org: str
    recorded_at: datetime
    effective_on: date
    detail: str
    name: str


@dataclass(frozen=True)
class DisclosureRow:
    """A public disclosure (公示) as published: public figures only, never household ids."""

    project_id: UUID
    project_name: str
    region: Region
    stage: str
    published_on: date
    ends_on: date
    planned_budget: Decimal
    approved_amount: Decimal | None
    disbursed: Decimal
    beneficiaries: int
    objections_open: int
    objections_resolved: int


@dataclass(frozen=True)
class OverdueItem:
    """Something late on a project as of the report's date, and by how many days."""

    project_id: UUID
    project_name: str
    kind: str
    due_on: date
    days_overdue: int
    detail: str


@dataclass(frozen=True)
class DispatchRow:
    """A city (county None: the city's totals) or a county in the monthly dispatch."""

    city: str
    county: str | None
    allocated: Decimal | None
    approved: Decimal
    earmarked: Decimal
    disbursed: Decimal
    disbursement_rate: Decimal | None
    projects: dict[str, int]
    rejected: int
    overdue: list[OverdueItem] = field(default_factory=list)


@dataclass(frozen=True)
class DispatchReport:
    """The monthly dispatch (一月一调度, 一市一通报), cumulative to the month's end."""

    month: str
    ends_on: date
    rows: list[DispatchRow]


@dataclass(frozen=True)
class HouseholdMismatch:
    """An evaluated project whose benefited households differ from the planned ones."""

    project_id: UUID
    project_name: str
    region: Region
    planned: int
    benefited: int
    not_benefited: list[str]
    not_planned: list[str]
    evaluated_on: date


@dataclass(frozen=True)
class IdleEarmark:
    """Money earmarked for a project more than the limit ago and still not paid."""

    project_id: UUID
    project_name: str
    region: Region
    account_id: UUID
    amount: Decimal
    outstanding: Decimal
    unpaid_since: date
    days: int


@dataclass(frozen=True)
class NotEvaluated:
    """A completed project without its benefit evaluation."""

    project_id: UUID
    project_name: str
    region: Region
    completed_on: date
    days: int


@dataclass(frozen=True)
class LookBackReport:
    """The year-end review (回头看) as of a business date."""

    on: date
    households_mismatch: list[HouseholdMismatch]
    idle_earmarks: list[IdleEarmark]
    not_evaluated: list[NotEvaluated]
