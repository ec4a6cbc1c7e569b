"""Random command sequences against a simple model of the money (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from story import COMPLETED_ON, PAYABLE_ON, Story, req

from domain import errors
from domain.account import FundAccount
from domain.money import ZERO
from infrastructure.settings import Settings
from infrastructure.wiring import build_application

amounts = st.integers(min_value=1, max_value=5_000_000).map(lambda cents: Decimal(cents) / 100)


@dataclass
class ModelProject:
    """What the model expects of one project."""

    requested: Decimal
    approved: Decimal = ZERO
    payments: dict[int, Decimal] = field(default_factory=dict)
    reversed: set[int] = field(default_factory=set)
    completed: bool = False

    @property
    def paid(self) -> Decimal:
        """Net paid."""
        return sum((a for n, a in self.payments.items() if n not in self.reversed), ZERO)


class MoneyMachine(RuleBasedStateMachine):
    """Allocate, approve, pay, reverse, return and complete at random; check the figures."""

    projects = Bundle("projects")

    @initialize()
    def open_account(self) -> None:
        """One account, the cast, and the model's figures."""
        self.app = build_application(Settings(database_url="memory://"))
        self.story = Story(self.app).cast()
        self.account_id = self.story.account(allocated="100000.00")
        self.allocated = Decimal("100000.00")
        self.untied_returns = ZERO
        self.tied_returns: dict[UUID, Decimal] = {}
        self.model: dict[UUID, ModelProject] = {}
        self.documents = 0

    def _available(self) -> Decimal:
        earmarked = sum((p.approved - p.paid for p in self.model.values() if not p.completed), ZERO)
        return self.allocated + self.untied_returns - earmarked - self._disbursed()

    def _disbursed(self) -> Decimal:
        paid = sum((p.paid for p in self.model.values()), ZERO)
        return paid - sum(self.tied_returns.values(), ZERO)

    def _document(self) -> str:
        self.documents += 1
        return f"DOC-{self.documents}"

    @rule(amount=amounts)
    def allocate(self, amount: Decimal) -> None:
        """More money arrives."""
        self.app.allocate_funds(req("fo1", PAYABLE_ON), self.account_id, amount, self._document())
        self.allocated += amount

    @rule(target=projects, requested=amounts, fraction=st.integers(1, 100))
    def approve(self, requested: Decimal, fraction: int) -> object:
        """Approve part of a request; refused when the account cannot cover it."""
        approved = (requested * fraction / 100).quantize(Decimal("0.01")) or Decimal("0.01")
        project_id = self.story.applied(requested=str(requested))
        project = ModelProject(requested=requested)
        self.model[project_id] = project
        if approved > self._available():
            try:
                self.story.approved_on_account(project_id, str(approved))
            except errors.InsufficientFunds:
                return multiple()
            raise AssertionError("approval beyond available was accepted")
        self.story.approved_on_account(project_id, str(approved))
        project.approved = approved
        return project_id

    @rule(project_id=projects, amount=amounts)
    def pay(self, project_id: UUID, amount: Decimal) -> None:
        """Pay a tranche; refused beyond the approved amount or after completion."""
        project = self.model[project_id]
        try:
            no = self.story.pay(project_id, str(amount))
        except errors.DisbursementExceedsRemaining:
            assert amount > project.approved - project.paid
        except errors.DisbursementClosed:
            assert project.completed
        else:
            assert not project.completed and amount <= project.approved - project.paid
            project.payments[no] = amount

    @rule(project_id=projects, data=st.data())
    def reverse(self, project_id: UUID, data: st.DataObject) -> None:
        """Reverse one of the project's payments that still stands."""
        project = self.model[project_id]
        standing = sorted(set(project.payments) - project.reversed)
        if not standing or project.completed:
            return
        no = data.draw(st.sampled_from(standing))
        held = project.paid - self.tied_returns.get(project_id, ZERO)
        try:
            self.app.reverse_disbursement(req("fo2", PAYABLE_ON, "corrected"), project_id, no)
        except errors.ReversalExceedsNetPaid:
            assert project.payments[no] > held
        else:
            assert project.payments[no] <= held
            project.reversed.add(no)

    @rule(amount=amounts, data=st.data())
    def take_money_back(self, amount: Decimal, data: st.DataObject) -> None:
        """Money returns, tied to a paid project or not; never more than was paid."""
        paid = [pid for pid, p in self.model.items() if p.paid - self.tied_returns.get(pid, ZERO)]
        tied = data.draw(st.sampled_from([None, *paid]))
        if tied is None:
            self.app.record_return(
                req("fo1", PAYABLE_ON), self.account_id, amount, self._document()
            )
            self.untied_returns += amount
            return
        left = self.model[tied].paid - self.tied_returns.get(tied, ZERO)
        # Recorded on the project too, so dated no earlier than the project's latest date.
        on = self.app.get_project(tied).latest_effective_on
        try:
            self.app.record_return(req("fo1", on), self.account_id, amount, self._document(), tied)
        except errors.ReturnExceedsPaid:
            assert amount > left
        else:
            assert amount <= left
            self.tied_returns[tied] = self.tied_returns.get(tied, ZERO) + amount

    @rule(project_id=projects)
    def complete(self, project_id: UUID) -> None:
        """Complete a project that has net payments; its unpaid earmark is released."""
        project = self.model[project_id]
        if project.completed or project.paid <= ZERO:
            return
        self.app.complete_project(req("po", COMPLETED_ON), project_id, COMPLETED_ON)
        project.completed = True

    @invariant()
    def figures_match_the_model_and_the_entries(self) -> None:
        """No balance below zero; disbursed ≤ approved ≤ requested; figures = entries."""
        if not hasattr(self, "app"):
            return
        account = self.app.get_account(self.account_id)
        assert account.available == self._available() >= ZERO
        assert account.disbursed == self._disbursed()
        assert account.earmarked >= ZERO
        for project_id, expected in self.model.items():
            view = self.app.get_project(project_id)
            assert view.disbursed == expected.paid - self.tied_returns.get(project_id, ZERO)
            assert view.disbursed <= (view.approved_amount or ZERO)
            assert (view.approved_amount or ZERO) <= (view.requested_amount or ZERO)
        assert account_figures_from_entries(self.app, self.account_id) == (
            account.allocated,
            account.earmarked,
            account.disbursed,
            account.available,
        )

    def teardown(self) -> None:
        """Close the application."""
        if hasattr(self, "app"):
            self.app.close()


def account_figures_from_entries(app: object, account_id: UUID) -> tuple[Decimal, ...]:
    """Sum the account's entries (its events) independently of the aggregate."""
    allocated = earmarked = paid = untied = ZERO
    for event in app.events.get(account_id):  # type: ignore[attr-defined]
        amount = getattr(event, "amount", ZERO)
        if isinstance(event, FundAccount.Allocated):
            allocated += amount
        elif isinstance(event, FundAccount.Earmarked):
            earmarked += amount
        elif isinstance(event, FundAccount.EarmarkReleased):
            earmarked -= amount
        elif isinstance(event, FundAccount.Paid):
            earmarked -= amount
            paid += amount
        elif isinstance(event, FundAccount.PaymentReversed):
            earmarked += amount
            paid -= amount
        elif isinstance(event, FundAccount.MoneyReturned):
            if event.project_id is None:
                untied += amount
            else:
                paid -= amount
    return allocated, earmarked, paid, allocated + untied - earmarked - paid


MoneyMachine.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_money_never_goes_below_zero_and_adds_up = MoneyMachine.TestCase
