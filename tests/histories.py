"""Random histories for property tests: steps a driver turns into (possibly refused) commands.

Each step names an action, a project slot, a percentage and a number of days to move the
business date on. The driver picks the project's next sensible command for "advance", so
that histories reach every checkpoint; refused commands record nothing and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st
from story import REGION, Story, req, voucher

from domain.application import FundTrail
from domain.errors import FundtrailError
from domain.values import Region
from domain.views import ProjectView

# "advance" is drawn half the time, so that projects get through their checkpoints.
ACTIONS: tuple[str, ...] = ("advance",) * 8 + ("propose", "pay", "reverse", "reverse")
ACTIONS += ("object", "resolve", "tied_return", "untied_return", "allocate")
REGIONS = (REGION, Region("Jinan 济南", "Pingyin 平阴", "Yushan 榆山", "Xiaozhuang 小庄"))
Step = tuple[str, int, int, int]


def steps(max_size: int = 60) -> st.SearchStrategy[list[Step]]:
    """Lists of (action, project slot, percent, days on)."""
    step = st.tuples(
        st.sampled_from(ACTIONS), st.integers(0, 2), st.integers(1, 100), st.integers(0, 12)
    )
    return st.lists(step, min_size=10, max_size=max_size)


def share(amount: Decimal, percent: int) -> Decimal:
    """A percentage of an amount, in fen, at least 0.01."""
    return max((amount * percent / 100).quantize(Decimal("0.01")), Decimal("0.01"))


@dataclass
class Driver:
    """Turns steps into commands on a story's application."""

    story: Story
    day: date = date(2017, 3, 1)
    projects: list[UUID] = field(default_factory=list)
    applied: int = 0

    @property
    def app(self) -> FundTrail:
        return self.story.app

    def run(self, history: list[Step]) -> None:
        if self.story.account_id is None:
            self.story.account("2000000.00")
        for action, slot, percent, days in history:
            self.day += timedelta(days=days)
            try:
                self.act(action, slot, percent)
                self.applied += 1
            except FundtrailError:
                pass  # refused: nothing recorded

    def on(self, project: ProjectView, later: date | None = None) -> date:
        return max(self.day, project.latest_effective_on, later or self.day)

    def act(self, action: str, slot: int, percent: int) -> None:
        if action == "propose" or not self.projects:
            self.propose(slot, percent)
            return
        project_id = self.projects[slot % len(self.projects)]
        handler = getattr(self, f"do_{action}")
        # An advance takes one to three steps, so that short histories still get far.
        for _ in range(1 + percent % 3 if action == "advance" else 1):
            handler(self.app.get_project(project_id), percent)

    def propose(self, slot: int, percent: int) -> None:
        households = tuple(f"H-{slot}{n:03}" for n in range(1 + percent % 5))
        result = self.app.propose_project(
            req("po", self.day),
            f"project {len(self.projects) + 1}",
            ("industry", "infrastructure", "relocation")[percent % 3],
            REGIONS[slot % 2],
            Decimal(1000 * percent),
            households,
        )
        self.projects.append(result.id)

    def do_advance(self, p: ProjectView, percent: int) -> None:
        app, pid, stages = self.app, p.id, {d.stage: d for d in p.disclosures}
        if any(o.resolution is None for o in p.objections):
            self.do_resolve(p, percent)
        elif p.checkpoint == "selection" and "selection" not in stages:
            app.publish_disclosure(
                req("po", self.on(p)), pid, "selection", self.on(p), 1 + percent % 7
            )
        elif p.checkpoint == "selection":
            missing = [k for k in ("expert", "department", "public") if k not in p.reviews]
            if missing:
                app.record_review(
                    req("rev", self.on(p)), pid, missing[0], percent % 23 != 0, "opinion"
                )
            elif p.audit_passed is None:
                app.record_audit(req("aud", self.on(p)), pid, percent % 23 != 0, "audited")
            else:
                app.establish_project(req("po", self.on(p, stages["selection"].ends_on)), pid)
        elif p.checkpoint == "establishment":
            requested = share(p.planned_budget, 50 + percent // 2)
            app.apply_for_funding(req("po", self.on(p)), pid, requested, "unit", "plan")
        elif p.checkpoint == "application":
            approved = share(p.requested_amount or Decimal(1), 50 + percent // 2)
            assert self.story.account_id is not None
            app.approve_project(req("apr", self.on(p)), pid, approved, self.story.account_id)
        elif p.checkpoint == "approval" and "approval" not in stages:
            app.publish_disclosure(
                req("po", self.on(p)), pid, "approval", self.on(p), 1 + percent % 7
            )
        elif p.checkpoint in ("approval", "disbursement") and (
            p.checkpoint == "approval" or percent < 60
        ):
            self.do_pay(p, percent)
        elif p.checkpoint == "disbursement":
            app.complete_project(req("po", self.on(p)), pid, self.on(p))
        elif p.checkpoint == "completed" and "completion" not in stages:
            app.publish_disclosure(
                req("po", self.on(p)), pid, "completion", self.on(p), 1 + percent % 7
            )
        elif p.checkpoint == "completed":
            kept = p.beneficiaries[: 1 + percent % len(p.beneficiaries)]
            on = self.on(p, stages["completion"].ends_on)
            app.evaluate_benefit(req("eva", on), pid, kept, Decimal(percent), percent)

    def do_pay(self, p: ProjectView, percent: int) -> None:
        remaining = (p.approved_amount or Decimal(0)) - p.disbursed
        amount = share(remaining, percent)
        stage = next((d for d in p.disclosures if d.stage == "approval"), None)
        on = self.on(p, stage.ends_on if stage else None)
        payer = "fo1" if percent % 2 else "fo2"
        self.app.disburse(req(payer, on), p.id, amount, "payee", (voucher(str(amount)),))

    def do_reverse(self, p: ProjectView, percent: int) -> None:
        if p.checkpoint != "disbursement":  # look for a project whose payments can be reversed
            candidates = [self.app.get_project(i) for i in self.projects]
            p = next((c for c in candidates if c.checkpoint == "disbursement"), p)
        live = [pay for pay in p.payments if not pay.reversed]
        if live:
            payment = live[percent % len(live)]
            by = "fo2" if payment.paid_by == "fo1" else "fo1"
            self.app.reverse_disbursement(req(by, self.on(p), "wrong payee"), p.id, payment.no)

    def do_object(self, p: ProjectView, percent: int) -> None:
        if p.disclosures:
            d = p.disclosures[-1]
            on = max(d.published_on, p.latest_effective_on)
            self.app.raise_objection(req("po", on), p.id, d.stage, "why?", f"villager {percent}")

    def do_resolve(self, p: ProjectView, percent: int) -> None:
        open_ = [o for o in p.objections if o.resolution is None]
        if open_:
            self.app.resolve_objection(req("po", self.on(p)), p.id, open_[0].no, "explained")

    def do_tied_return(self, p: ProjectView, percent: int) -> None:
        self._return(share(p.disbursed, percent) if p.disbursed else Decimal(1), p.id)

    def do_untied_return(self, p: ProjectView, percent: int) -> None:
        self._return(Decimal(10 * percent), None)

    def do_allocate(self, p: ProjectView, percent: int) -> None:
        assert self.story.account_id is not None
        document = f"doc-{self.applied}-{percent}-{self.day}"
        self.app.allocate_funds(
            req("fo1", self.day), self.story.account_id, Decimal(1000 * percent), document
        )

    def _return(self, amount: Decimal, project_id: UUID | None) -> None:
        assert self.story.account_id is not None
        document = f"ret-{self.applied}-{amount}-{self.day}"
        self.app.record_return(
            req("fo1", self.day), self.story.account_id, amount, document, project_id
        )


def figures_by_replay(app: FundTrail, account_id: UUID, on: date) -> dict[str, Decimal]:
    """An account's figures as of a business date, by folding its events (not the views)."""
    allocated = untied = earmarked = disbursed = Decimal("0.00")
    for event in app.repository.event_store.get(account_id):
        e: Any = event
        if e.context.effective_on > on:
            continue
        kind = type(e).__name__
        if kind == "Allocated":
            allocated += e.amount
        elif kind in ("Earmarked", "PaymentReversed"):
            earmarked += e.amount
            disbursed -= e.amount if kind == "PaymentReversed" else 0
        elif kind in ("Paid", "EarmarkReleased"):
            earmarked -= e.amount
            disbursed += e.amount if kind == "Paid" else 0
        elif kind == "MoneyReturned" and e.project_id is None:
            untied += e.amount
        elif kind == "MoneyReturned":
            disbursed -= e.amount
    return {
        "allocated": allocated,
        "earmarked": earmarked,
        "disbursed": disbursed,
        "available": allocated + untied - earmarked - disbursed,
    }
