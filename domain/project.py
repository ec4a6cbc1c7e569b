"""Project: a poverty-alleviation project passing the six checkpoints in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import errors
from domain.disclosure import MAX_DISCLOSURE_DAYS, STAGE_FOLLOWS, Disclosure, Objection
from domain.money import ZERO, yuan
from domain.payment import Payment
from domain.values import (
    Category,
    Checkpoint,
    Context,
    DisclosureStage,
    Region,
    ReviewKind,
    Status,
    Voucher,
)


class Project(Aggregate):
    """A project from selection (选项) to benefit (效益); its history stays forever."""

    class Proposed(Aggregate.Created):
        """The project entered the project library (选项)."""

        context: Context
        name: str
        category: str
        region: Region
        planned_budget: Decimal
        beneficiaries: tuple[str, ...]

    @event(Proposed)
    def __init__(
        self,
        context: Context,
        name: str,
        category: str,
        region: Region,
        planned_budget: Decimal,
        beneficiaries: tuple[str, ...],
    ) -> None:
        self.name = name
        self.category = category
        self.region = region
        self.planned_budget = planned_budget
        # Lists, not tuples: JSON snapshots give lists back, and replay must be equal.
        self.beneficiaries = list(beneficiaries)
        self.fiscal_year = context.effective_on.year
        self.checkpoint = Checkpoint.SELECTION.value
        self.status = Status.ACTIVE.value
        self.latest_effective_on = context.effective_on
        self.proposed_by = context.actor.person_id
        self.reviews: dict[str, bool] = {}
        self.audit_passed: bool | None = None
        self.disclosures: list[Disclosure] = []
        self.objections: list[Objection] = []
        self.requested_amount: Decimal | None = None
        self.implementing_unit: str | None = None
        self.plan: str | None = None
        self.applied_by: str | None = None
        self.approved_amount: Decimal | None = None
        self.account_id: UUID | None = None
        self.approved_by: str | None = None
        self.payments: list[Payment] = []
        self.recovered = ZERO
        self.completed_on: date | None = None
        self.households_benefited: list[str] = []
        self.income_increase: Decimal | None = None
        self.score: int | None = None

    @classmethod
    def propose(
        cls,
        context: Context,
        name: str,
        category: str,
        region: Region,
        planned_budget: Decimal,
        beneficiaries: tuple[str, ...],
    ) -> Project:
        """Enter a candidate project into the project library."""
        if not name.strip():
            raise errors.InvalidValue("a project needs a name")
        if category not in set(Category):
            allowed = ", ".join(c.value for c in Category)
            raise errors.InvalidValue(f"category {category!r} is not one of: {allowed}")
        if planned_budget <= ZERO:
            raise errors.InvalidValue("the planned budget must be more than 0.00")
        if len(set(beneficiaries)) != len(beneficiaries):
            raise errors.InvalidValue("a beneficiary household is listed twice")
        return cls(
            context=context,
            name=name,
            category=category,
            region=region,
            planned_budget=planned_budget,
            beneficiaries=tuple(beneficiaries),
        )

    # --- derived figures ---------------------------------------------------------------

    @property
    def paid(self) -> Decimal:
        """Payments not reversed."""
        return sum((p.amount for p in self.payments if not p.reversed), ZERO)

    @property
    def disbursed(self) -> Decimal:
        """What the project holds: payments − reversals − money recovered (追回)."""
        return self.paid - self.recovered

    @property
    def remaining(self) -> Decimal:
        """What may still be paid: approved − paid (recovered money is not paid again)."""
        return (self.approved_amount or ZERO) - self.paid

    def disclosure(self, stage: str) -> Disclosure | None:
        """The disclosure published for a stage, if any."""
        return next((d for d in self.disclosures if d.stage == stage), None)

    def objection(self, no: int) -> Objection:
        """Objection number no, or NotFound."""
        for objection in self.objections:
            if objection.no == no:
                return objection
        raise errors.NotFound(f"project has no objection number {no}")

    def payment(self, no: int) -> Payment:
        """Payment (disbursement) number no, or NotFound."""
        for payment in self.payments:
            if payment.no == no:
                return payment
        raise errors.NotFound(f"project has no disbursement number {no}")

    # --- shared checks -------------------------------------------------------------------

    def _check_can_act(self, context: Context, *, checkpoint_step: bool = True) -> None:
        """Refuse commands on rejected or closed projects and business dates going back."""
        if self.status == Status.REJECTED and checkpoint_step:
            raise errors.ProjectRejected(
                f"project {self.name!r} was rejected; it takes no further checkpoint"
            )
        if self.status == Status.CLOSED:
            raise errors.ProjectClosed(
                f"project {self.name!r} is closed after its benefit evaluation"
            )
        self._check_date(context)

    def _check_date(self, context: Context) -> None:
        """Business dates on a project never go backwards."""
        if context.effective_on < self.latest_effective_on:
            raise errors.EffectiveDateBeforeLatest(
                f"business date {context.effective_on} is before the project's latest "
                f"recorded date {self.latest_effective_on}"
            )

    def _check_at(self, action: str, *checkpoints: Checkpoint) -> None:
        if self.checkpoint not in checkpoints:
            expected = " or ".join(c.value for c in checkpoints)
            raise errors.CheckpointOutOfOrder(
                f"cannot {action}: the project is at checkpoint {self.checkpoint!r}, not {expected}"
            )

    def _check_disclosure_over(self, stage: DisclosureStage, context: Context) -> None:
        """The next checkpoint needs the stage's disclosure over and no open objection."""
        disclosure = self.disclosure(stage)
        if disclosure is None:
            raise errors.DisclosureNotOver(
                f"the {stage.value} disclosure (公示) has not been published"
            )
        if context.effective_on < disclosure.ends_on:
            raise errors.DisclosureNotOver(
                f"the {stage.value} disclosure runs until {disclosure.ends_on}; "
                f"the next checkpoint may be recorded from that day"
            )
        open_ones = [o.no for o in self.objections if o.is_open]
        if open_ones:
            numbers = ", ".join(str(n) for n in open_ones)
            raise errors.ObjectionOpen(f"objection(s) {numbers} are still open; resolve them first")

    # --- disclosures and objections ----------------------------------------------------

    class DisclosurePublished(Aggregate.Event):
        """A disclosure (公示) was published."""

        context: Context
        disclosure: Disclosure

    @event(DisclosurePublished)
    def _publish(self, context: Context, disclosure: Disclosure) -> None:
        self.disclosures = [*self.disclosures, disclosure]
        self.latest_effective_on = context.effective_on

    def publish_disclosure(
        self, context: Context, stage: str, published_on: date, days: int
    ) -> None:
        """Publish the disclosure that follows the checkpoint just passed."""
        self._check_can_act(context)
        try:
            stage_ = DisclosureStage(stage)
        except ValueError:
            allowed = ", ".join(s.value for s in DisclosureStage)
            raise errors.InvalidValue(f"stage {stage!r} is not one of: {allowed}") from None
        if not 1 <= days <= MAX_DISCLOSURE_DAYS:
            raise errors.InvalidValue(
                f"a disclosure runs for 1 to {MAX_DISCLOSURE_DAYS} days, not {days}"
            )
        if published_on > context.effective_on:
            # Publishing is a fact being recorded: it cannot be dated after the record.
            raise errors.InvalidValue(
                f"published_on {published_on} is after the business date {context.effective_on}"
            )
        if self.disclosure(stage_) is not None:
            raise errors.DisclosureAlreadyPublished(
                f"the {stage_.value} disclosure was already published"
            )
        if self.checkpoint != STAGE_FOLLOWS[stage_]:
            raise errors.DisclosureStageMismatch(
                f"the {stage_.value} disclosure follows checkpoint "
                f"{STAGE_FOLLOWS[stage_].value!r}; the project is at {self.checkpoint!r}"
            )
        if published_on < self.latest_effective_on:
            raise errors.EffectiveDateBeforeLatest(
                f"published_on {published_on} is before the project's latest "
                f"recorded date {self.latest_effective_on}"
            )
        self._publish(context, Disclosure(stage_.value, published_on, days))

    class ObjectionRaised(Aggregate.Event):
        """An objection (异议) was raised during a disclosure."""

        context: Context
        objection: Objection

    @event(ObjectionRaised)
    def _raise_objection(self, context: Context, objection: Objection) -> None:
        self.objections = [*self.objections, objection]
        self.latest_effective_on = context.effective_on

    def raise_objection(self, context: Context, stage: str, text: str, raised_by: str) -> int:
        """Record an objection within the disclosure's period; returns its number."""
        self._check_can_act(context)
        disclosure = self.disclosure(stage)
        if disclosure is None:
            raise errors.ObjectionOutsidePeriod(
                f"no {stage!r} disclosure has been published on this project"
            )
        if not disclosure.covers(context.effective_on):
            raise errors.ObjectionOutsidePeriod(
                f"the {stage} disclosure ran from {disclosure.published_on} until "
                f"{disclosure.ends_on}; {context.effective_on} is outside it"
            )
        if not text.strip():
            raise errors.InvalidValue("an objection needs its text")
        no = len(self.objections) + 1
        self._raise_objection(context, Objection(no, stage, text, raised_by, context.effective_on))
        return no

    class ObjectionResolved(Aggregate.Event):
        """An objection was resolved."""

        context: Context
        no: int
        resolution: str

    @event(ObjectionResolved)
    def _resolve_objection(self, context: Context, no: int, resolution: str) -> None:
        self.objections = [
            replace(o, resolution=resolution) if o.no == no else o for o in self.objections
        ]
        self.latest_effective_on = context.effective_on

    def resolve_objection(self, context: Context, no: int, resolution: str) -> None:
        """Resolve an open objection."""
        objection = self.objection(no)
        self._check_can_act(context, checkpoint_step=False)
        if not objection.is_open:
            raise errors.ObjectionAlreadyResolved(f"objection {no} was already resolved")
        if not resolution.strip():
            raise errors.InvalidValue("a resolution needs its text")
        self._resolve_objection(context, no, resolution)

    # --- establishment (立项): 三评一审计 ------------------------------------------------

    class Reviewed(Aggregate.Event):
        """One of the three reviews was recorded."""

        context: Context
        kind: str
        passed: bool
        opinion: str

    @event(Reviewed)
    def _review(self, context: Context, kind: str, passed: bool, opinion: str) -> None:
        self.reviews = {**self.reviews, kind: passed}
        if not passed:
            self.status = Status.REJECTED.value
        self.latest_effective_on = context.effective_on

    def record_review(self, context: Context, kind: str, passed: bool, opinion: str) -> None:
        """Record an expert, department or public review; a failed one rejects."""
        self._check_can_act(context)
        if kind not in set(ReviewKind):
            allowed = ", ".join(k.value for k in ReviewKind)
            raise errors.InvalidValue(f"review kind {kind!r} is not one of: {allowed}")
        self._check_at("record a review", Checkpoint.SELECTION)
        if kind in self.reviews:
            raise errors.ReviewAlreadyRecorded(f"the {kind} review is already recorded")
        self._review(context, kind, passed, opinion)

    class Audited(Aggregate.Event):
        """The budget audit of 三评一审计 was recorded."""

        context: Context
        passed: bool
        opinion: str

    @event(Audited)
    def _audit(self, context: Context, passed: bool, opinion: str) -> None:
        self.audit_passed = passed
        if not passed:
            self.status = Status.REJECTED.value
        self.latest_effective_on = context.effective_on

    def record_audit(self, context: Context, passed: bool, opinion: str) -> None:
        """Record the audit of the budget; a failed one rejects the project."""
        self._check_can_act(context)
        self._check_at("record the audit", Checkpoint.SELECTION)
        if self.audit_passed is not None:
            raise errors.AuditAlreadyRecorded("the audit is already recorded")
        self._audit(context, passed, opinion)

    class Established(Aggregate.Event):
        """The project was established (立项)."""

        context: Context

    @event(Established)
    def _establish(self, context: Context) -> None:
        self.checkpoint = Checkpoint.ESTABLISHMENT.value
        self.latest_effective_on = context.effective_on

    def establish(self, context: Context) -> None:
        """Establish the project once all reviews and the audit have passed."""
        self._check_can_act(context)
        self._check_at("establish the project", Checkpoint.SELECTION)
        missing = [k.value for k in ReviewKind if k.value not in self.reviews]
        if missing or self.audit_passed is None:
            parts = [f"{k} review" for k in missing]
            if self.audit_passed is None:
                parts.append("audit")
            raise errors.ReviewsIncomplete(
                "establishment needs three passed reviews and a passed audit; "
                f"missing: {', '.join(parts)}"
            )
        self._check_disclosure_over(DisclosureStage.SELECTION, context)
        self._establish(context)

    # --- application (申报) and approval (审批) ------------------------------------------

    class Applied(Aggregate.Event):
        """The county applied for funding (申报)."""

        context: Context
        requested_amount: Decimal
        implementing_unit: str
        plan: str

    @event(Applied)
    def _apply(
        self,
        context: Context,
        requested_amount: Decimal,
        implementing_unit: str,
        plan: str,
    ) -> None:
        self.requested_amount = requested_amount
        self.implementing_unit = implementing_unit
        self.plan = plan
        self.applied_by = context.actor.person_id
        self.checkpoint = Checkpoint.APPLICATION.value
        self.latest_effective_on = context.effective_on

    def apply_for_funding(
        self,
        context: Context,
        requested_amount: Decimal,
        implementing_unit: str,
        plan: str,
    ) -> None:
        """Apply for funding after establishment."""
        self._check_can_act(context)
        self._check_at("apply for funding", Checkpoint.ESTABLISHMENT)
        if requested_amount <= ZERO:
            raise errors.InvalidValue("the requested amount must be more than 0.00")
        if not implementing_unit.strip():
            raise errors.InvalidValue("an application names its implementing unit")
        self._apply(context, requested_amount, implementing_unit, plan)

    class Approved(Aggregate.Event):
        """The approving authority approved an amount on a dedicated account (审批)."""

        context: Context
        approved_amount: Decimal
        account_id: UUID
        fiscal_year: int

    @event(Approved)
    def _approve(
        self,
        context: Context,
        approved_amount: Decimal,
        account_id: UUID,
        fiscal_year: int,
    ) -> None:
        self.approved_amount = approved_amount
        self.account_id = account_id
        self.fiscal_year = fiscal_year
        self.approved_by = context.actor.person_id
        self.checkpoint = Checkpoint.APPROVAL.value
        self.latest_effective_on = context.effective_on

    def check_approval(self, context: Context, approved_amount: Decimal) -> None:
        """Check the project's side of an approval before the account is earmarked."""
        self._check_can_act(context)
        self._check_at("approve the project", Checkpoint.APPLICATION)
        if approved_amount <= ZERO:
            raise errors.InvalidValue("the approved amount must be more than 0.00")
        requested = self.requested_amount or ZERO
        if approved_amount > requested:
            raise errors.ApprovedExceedsRequested(
                f"approved amount {yuan(approved_amount)} exceeds the requested "
                f"amount {yuan(requested)}"
            )
        if context.actor.person_id == self.applied_by:
            raise errors.SegregationOfDuties(
                "the approver must not be the person who applied for the funding"
            )

    def approve(
        self,
        context: Context,
        approved_amount: Decimal,
        account_id: UUID,
        fiscal_year: int,
    ) -> None:
        """Approve an amount bound to one dedicated account."""
        self.check_approval(context, approved_amount)
        self._approve(context, approved_amount, account_id, fiscal_year)

    # --- disbursement (发放) --------------------------------------------------------------

    class Disbursed(Aggregate.Event):
        """A tranche was paid against vouchers (报账制)."""

        context: Context
        payment: Payment

    @event(Disbursed)
    def _disburse(self, context: Context, payment: Payment) -> None:
        self.payments = [*self.payments, payment]
        self.checkpoint = Checkpoint.DISBURSEMENT.value
        self.latest_effective_on = context.effective_on

    def disburse(
        self,
        context: Context,
        amount: Decimal,
        payee: str,
        vouchers: tuple[Voucher, ...],
    ) -> Payment:
        """Pay a tranche to a payee against vouchers; returns the payment."""
        if self.checkpoint == Checkpoint.COMPLETED:
            raise errors.DisbursementClosed("completion has closed disbursement")
        self._check_can_act(context)
        self._check_at("disburse", Checkpoint.APPROVAL, Checkpoint.DISBURSEMENT)
        self._check_disclosure_over(DisclosureStage.APPROVAL, context)
        if context.actor.person_id == self.approved_by:
            raise errors.SegregationOfDuties(
                "the payer must not be the person who approved the project"
            )
        if amount <= ZERO:
            raise errors.InvalidValue("a payment must be more than 0.00")
        if amount > self.remaining:
            raise errors.DisbursementExceedsRemaining(
                f"disbursement of {yuan(amount)} exceeds the remaining approved "
                f"amount of {yuan(self.remaining)}"
            )
        check_vouchers(amount, vouchers)
        if not payee.strip():
            raise errors.InvalidValue("a payment names its payee")
        payment = Payment(
            no=len(self.payments) + 1,
            amount=amount,
            payee=payee,
            vouchers=tuple(vouchers),
            paid_by=context.actor.person_id,
            paid_on=context.effective_on,
        )
        self._disburse(context, payment)
        return payment

    class DisbursementReversed(Aggregate.Event):
        """A payment was reversed by a new event pointing at it."""

        context: Context
        no: int

    @event(DisbursementReversed)
    def _reverse(self, context: Context, no: int) -> None:
        self.payments = [replace(p, reversed=True) if p.no == no else p for p in self.payments]
        self.latest_effective_on = context.effective_on

    def reverse_disbursement(self, context: Context, no: int) -> Payment:
        """Reverse payment number no; returns the payment reversed."""
        payment = self.payment(no)
        if self.checkpoint == Checkpoint.COMPLETED:
            raise errors.DisbursementClosed(
                "completion has closed disbursement; recover money with a return "
                "(收回/追回) on the account instead"
            )
        self._check_can_act(context)
        if payment.reversed:
            raise errors.PaymentAlreadyReversed(f"payment {no} was already reversed")
        if context.actor.person_id == payment.paid_by:
            raise errors.SegregationOfDuties(
                f"payment {no} must be reversed by someone other than its payer"
            )
        if not context.reason.strip():
            raise errors.InvalidValue("a reversal needs its reason")
        self._reverse(context, no)
        return payment

    class FundsRecovered(Aggregate.Event):
        """Money paid to the project came back to its account (收回 / 追回)."""

        context: Context
        amount: Decimal
        account_id: UUID
        document_no: str

    @event(FundsRecovered)
    def _recover(
        self, context: Context, amount: Decimal, account_id: UUID, document_no: str
    ) -> None:
        self.recovered += amount
        self.latest_effective_on = context.effective_on

    def record_recovery(
        self, context: Context, amount: Decimal, account_id: UUID, document_no: str
    ) -> None:
        """Record money recovered from the project, at any checkpoint, even when closed."""
        self._check_date(context)
        if account_id != self.account_id:
            raise errors.ReturnExceedsPaid(
                "the project was not paid from this account; record the return on the "
                "account it was approved on"
            )
        if amount > self.disbursed:
            raise errors.ReturnExceedsPaid(
                f"return of {yuan(amount)} exceeds the {yuan(self.disbursed)} the project holds"
            )
        self._recover(context, amount, account_id, document_no)

    # --- completion (竣工验收) and benefit (效益) --------------------------------------------

    class Completed(Aggregate.Event):
        """Completion was accepted; disbursement is closed."""

        context: Context
        completed_on: date

    @event(Completed)
    def _complete(self, context: Context, completed_on: date) -> None:
        self.completed_on = completed_on
        self.checkpoint = Checkpoint.COMPLETED.value
        self.latest_effective_on = context.effective_on

    def complete(self, context: Context, completed_on: date) -> Decimal:
        """Accept completion; returns the unpaid approved amount to release."""
        self._check_can_act(context)
        self._check_at("complete the project", Checkpoint.DISBURSEMENT)
        if self.paid <= ZERO:
            raise errors.NoPaymentMade("completion needs at least one payment made")
        if completed_on > context.effective_on:
            raise errors.InvalidValue(
                f"completed_on {completed_on} is after the business date {context.effective_on}"
            )
        unpaid = self.remaining
        self._complete(context, completed_on)
        return unpaid

    class Evaluated(Aggregate.Event):
        """The benefit evaluation was recorded and the project closed."""

        context: Context
        households_benefited: tuple[str, ...]
        income_increase: Decimal
        score: int

    @event(Evaluated)
    def _evaluate(
        self,
        context: Context,
        households_benefited: tuple[str, ...],
        income_increase: Decimal,
        score: int,
    ) -> None:
        self.households_benefited = list(households_benefited)
        self.income_increase = income_increase
        self.score = score
        self.checkpoint = Checkpoint.BENEFIT.value
        self.status = Status.CLOSED.value
        self.latest_effective_on = context.effective_on

    def evaluate(
        self,
        context: Context,
        households_benefited: tuple[str, ...],
        income_increase: Decimal,
        score: int,
    ) -> None:
        """Record the benefit evaluation after the completion disclosure."""
        self._check_can_act(context)
        self._check_at("evaluate the benefit", Checkpoint.COMPLETED)
        self._check_disclosure_over(DisclosureStage.COMPLETION, context)
        if not 0 <= score <= 100:
            raise errors.InvalidValue(f"score {score} is not between 0 and 100")
        if income_increase < ZERO:
            raise errors.InvalidValue("income increase cannot be negative")
        if len(set(households_benefited)) != len(households_benefited):
            raise errors.InvalidValue("a benefited household is listed twice")
        self._evaluate(context, tuple(households_benefited), income_increase, score)


def check_vouchers(amount: Decimal, vouchers: tuple[Voucher, ...]) -> None:
    """A payment needs distinct vouchers that cover at least its amount."""
    if len({v.sha256 for v in vouchers}) != len(vouchers):
        raise errors.InvalidValue("the same voucher is listed twice in one payment")
    if any(v.amount <= ZERO for v in vouchers):
        raise errors.InvalidValue("every voucher amount must be more than 0.00")
    covered = sum((v.amount for v in vouchers), ZERO)
    if covered < amount:
        raise errors.VouchersInsufficient(
            f"vouchers cover {yuan(covered)}, less than the payment of {yuan(amount)}"
        )
