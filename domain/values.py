"""Value objects carried by events: who acted, on what evidence, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    """The roles a person may hold (see DOMAIN.md)."""

    ADMIN = "admin"
    PROJECT_OFFICER = "project_officer"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    FINANCE_OFFICER = "finance_officer"
    AUDITOR = "auditor"
    EVALUATOR = "evaluator"


class Category(StrEnum):
    """Project categories an account may fund."""

    INDUSTRY = "industry"
    INFRASTRUCTURE = "infrastructure"
    RELOCATION = "relocation"
    EDUCATION = "education"
    HEALTH = "health"
    OTHER = "other"


class Checkpoint(StrEnum):
    """The last checkpoint a project has passed (六道关口)."""

    SELECTION = "selection"
    ESTABLISHMENT = "establishment"
    APPLICATION = "application"
    APPROVAL = "approval"
    DISBURSEMENT = "disbursement"
    COMPLETED = "completed"
    BENEFIT = "benefit"


class Status(StrEnum):
    """Whether a project can still proceed."""

    ACTIVE = "active"
    REJECTED = "rejected"
    CLOSED = "closed"


class ReviewKind(StrEnum):
    """The three reviews of 三评一审计."""

    EXPERT = "expert"
    DEPARTMENT = "department"
    PUBLIC = "public"


class DisclosureStage(StrEnum):
    """The three public disclosures (六步三公示)."""

    SELECTION = "selection"
    APPROVAL = "approval"
    COMPLETION = "completion"


@dataclass(frozen=True)
class Actor:
    """A person as they were when they acted: id, name, role acted in, organisation."""

    person_id: str
    name: str
    role: str
    org: str


@dataclass(frozen=True)
class Evidence:
    """A document that supports a decision: its file name and SHA-256."""

    name: str
    sha256: str


@dataclass(frozen=True)
class Voucher:
    """A payment voucher (invoice, acceptance certificate) and the amount it covers."""

    name: str
    sha256: str
    amount: Decimal


@dataclass(frozen=True)
class Region:
    """Where a project is: city, county, township, village."""

    city: str
    county: str
    township: str
    village: str


@dataclass(frozen=True)
class Context:
    """What every event carries besides its data: actor, business date, reason, evidence."""

    actor: Actor
    effective_on: date
    reason: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    idempotency_key: str | None = None
