"""Public disclosures (公示) and the objections (异议) raised against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.values import Checkpoint, DisclosureStage

DEFAULT_DISCLOSURE_DAYS = 7
MAX_DISCLOSURE_DAYS = 366  # a year at most: a longer period would block a project for good

# The checkpoint a disclosure follows ("六步三公示").
STAGE_FOLLOWS: dict[DisclosureStage, Checkpoint] = {
    DisclosureStage.SELECTION: Checkpoint.SELECTION,
    DisclosureStage.APPROVAL: Checkpoint.APPROVAL,
    DisclosureStage.COMPLETION: Checkpoint.COMPLETED,
}


@dataclass(frozen=True)
class Disclosure:
    """A disclosure published on a day for a number of days: it runs over [P, P + D)."""

    stage: str
    published_on: date
    days: int

    @property
    def ends_on(self) -> date:
        """The first day after the period: the next checkpoint may be recorded from it."""
        return self.published_on + timedelta(days=self.days)

    def covers(self, day: date) -> bool:
        """Whether an objection raised on this day falls within the period."""
        return self.published_on <= day < self.ends_on


@dataclass(frozen=True)
class Objection:
    """An objection raised by the public during a disclosure, numbered per project."""

    no: int
    stage: str
    text: str
    raised_by: str
    raised_on: date
    resolution: str | None = None

    @property
    def is_open(self) -> bool:
        """An objection stays open until it is resolved."""
        return self.resolution is None
