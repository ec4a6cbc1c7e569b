"""FundAccount: a dedicated fund account (专户) for one fund source and fiscal year."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import errors
from domain.money import ZERO, yuan
from domain.values import Category, Context


class FundAccount(Aggregate):
    """Receives allocations, earmarks approved amounts, pays, and takes money back."""

    class Opened(Aggregate.Created):
        """The account was opened for a fund source, fiscal year, region and purposes."""

        context: Context
        name: str
        fund_source: str
        fiscal_year: int
        region: str
        purposes: tuple[str, ...]

    @event(Opened)
    def __init__(
        self,
        context: Context,
        name: str,
        fund_source: str,
        fiscal_year: int,
        region: str,
        purposes: tuple[str, ...],
    ) -> None:
        self.name = name
        self.fund_source = fund_source
        self.fiscal_year = fiscal_year
        self.region = region
        # Lists, not tuples: JSON snapshots give lists back, and replay must be equal.
        self.purposes = list(purposes)
        self.allocated = ZERO
        self.untied_returns = ZERO
        # Outstanding earmark and net payments per project (keys: project id hex).
        self.earmarks: dict[str, Decimal] = {}
        self.paid: dict[str, Decimal] = {}
        self.documents: list[str] = []

    @classmethod
    def open(
        cls,
        context: Context,
        name: str,
        fund_source: str,
        fiscal_year: int,
        region: str,
        purposes: tuple[str, ...],
    ) -> FundAccount:
        """Open a dedicated account."""
        if not name.strip() or not fund_source.strip() or not region.strip():
            raise errors.InvalidValue("an account needs a name, fund source and region")
        if not 1949 <= fiscal_year <= 2200:
            raise errors.InvalidValue(f"fiscal year {fiscal_year} is not plausible")
        unknown = [p for p in purposes if p not in set(Category)]
        if unknown or not purposes:
            allowed = ", ".join(c.value for c in Category)
            raise errors.InvalidValue(
                f"purposes must be one or more of: {allowed} (got {list(purposes)})"
            )
        if len(set(purposes)) != len(purposes):
            raise errors.InvalidValue("a purpose is listed twice")
        return cls(context, name, fund_source, fiscal_year, region, tuple(purposes))

    # --- figures (API.md) ---------------------------------------------------------------

    @property
    def earmarked(self) -> Decimal:
        """Approved amounts not yet paid."""
        return sum(self.earmarks.values(), ZERO)

    @property
    def disbursed(self) -> Decimal:
        """Payments − reversals − returns tied to a project."""
        return sum(self.paid.values(), ZERO)

    @property
    def available(self) -> Decimal:
        """Allocated + untied returns − earmarked − disbursed."""
        return self.allocated + self.untied_returns - self.earmarked - self.disbursed

    def _check_document(self, document_no: str) -> None:
        if not document_no.strip():
            raise errors.InvalidValue("a document number (文号) is required")
        if document_no in self.documents:
            raise errors.DuplicateDocument(
                f"document {document_no!r} is already recorded on this account"
            )

    # --- allocations (资金下达) ----------------------------------------------------------

    class Allocated(Aggregate.Event):
        """Funds were allocated to the account under a document number (文号)."""

        context: Context
        amount: Decimal
        document_no: str

    @event(Allocated)
    def _allocate(self, context: Context, amount: Decimal, document_no: str) -> None:
        self.allocated += amount
        self.documents = [*self.documents, document_no]

    def allocate(self, context: Context, amount: Decimal, document_no: str) -> None:
        """Record an allocation."""
        if amount <= ZERO:
            raise errors.InvalidValue("an allocation must be more than 0.00")
        self._check_document(document_no)
        self._allocate(context, amount, document_no)

    # --- earmarks -----------------------------------------------------------------------

    class Earmarked(Aggregate.Event):
        """An approved amount was earmarked for a project."""

        context: Context
        project_id: UUID
        amount: Decimal

    @event(Earmarked)
    def _earmark(self, context: Context, project_id: UUID, amount: Decimal) -> None:
        key = project_id.hex
        self.earmarks = {**self.earmarks, key: self.earmarks.get(key, ZERO) + amount}

    def earmark(self, context: Context, project_id: UUID, category: str, amount: Decimal) -> None:
        """Earmark an approved amount for a project of a category this account funds."""
        if category not in self.purposes:
            raise errors.CategoryNotFundable(
                f"account {self.name!r} funds {', '.join(self.purposes)}, not {category}"
            )
        if amount > self.available:
            raise errors.InsufficientFunds(
                f"approving {yuan(amount)} exceeds the account's available "
                f"balance of {yuan(self.available)}"
            )
        self._earmark(context, project_id, amount)

    class EarmarkReleased(Aggregate.Event):
        """The unpaid rest of an earmark went back to available at completion."""

        context: Context
        project_id: UUID
        amount: Decimal

    @event(EarmarkReleased)
    def _release(self, context: Context, project_id: UUID, amount: Decimal) -> None:
        key = project_id.hex
        self.earmarks = {**self.earmarks, key: self.earmarks[key] - amount}

    def release_earmark(self, context: Context, project_id: UUID) -> Decimal:
        """Release what is left of a project's earmark; returns the amount released."""
        amount = self.earmarks.get(project_id.hex, ZERO)
        if amount > ZERO:
            self._release(context, project_id, amount)
        return amount

    # --- payments and reversals ---------------------------------------------------------

    class Paid(Aggregate.Event):
        """A payment was made from a project's earmark."""

        context: Context
        project_id: UUID
        disbursement_no: int
        amount: Decimal

    @event(Paid)
    def _pay(
        self, context: Context, project_id: UUID, disbursement_no: int, amount: Decimal
    ) -> None:
        key = project_id.hex
        self.earmarks = {**self.earmarks, key: self.earmarks[key] - amount}
        self.paid = {**self.paid, key: self.paid.get(key, ZERO) + amount}

    def pay(
        self, context: Context, project_id: UUID, disbursement_no: int, amount: Decimal
    ) -> None:
        """Pay from the project's earmark; never below zero."""
        earmark = self.earmarks.get(project_id.hex, ZERO)
        if amount > earmark:
            raise errors.EarmarkExceeded(
                f"payment of {yuan(amount)} exceeds the project's earmark of "
                f"{yuan(earmark)} on this account"
            )
        self._pay(context, project_id, disbursement_no, amount)

    class PaymentReversed(Aggregate.Event):
        """A payment was reversed; its amount is earmarked again."""

        context: Context
        project_id: UUID
        disbursement_no: int
        amount: Decimal

    @event(PaymentReversed)
    def _reverse(
        self, context: Context, project_id: UUID, disbursement_no: int, amount: Decimal
    ) -> None:
        key = project_id.hex
        self.earmarks = {**self.earmarks, key: self.earmarks.get(key, ZERO) + amount}
        self.paid = {**self.paid, key: self.paid[key] - amount}

    def reverse_payment(
        self, context: Context, project_id: UUID, disbursement_no: int, amount: Decimal
    ) -> None:
        """Reverse a payment, restoring the earmark."""
        paid = self.paid.get(project_id.hex, ZERO)
        if amount > paid:
            # Returns tied to the project already took part of this money back.
            raise errors.ReversalExceedsNetPaid(
                f"reversing payment {disbursement_no} of {yuan(amount)} exceeds the "
                f"{yuan(paid)} the project still holds after returns (收回/追回)"
            )
        self._reverse(context, project_id, disbursement_no, amount)

    # --- returns (收回 / 追回) ------------------------------------------------------------

    class MoneyReturned(Aggregate.Event):
        """Money came back into the account, tied to a project or not."""

        context: Context
        amount: Decimal
        document_no: str
        project_id: UUID | None

    @event(MoneyReturned)
    def _return(
        self,
        context: Context,
        amount: Decimal,
        document_no: str,
        project_id: UUID | None,
    ) -> None:
        if project_id is None:
            self.untied_returns += amount
        else:
            key = project_id.hex
            self.paid = {**self.paid, key: self.paid[key] - amount}
        self.documents = [*self.documents, document_no]

    def receive_return(
        self,
        context: Context,
        amount: Decimal,
        document_no: str,
        project_id: UUID | None,
    ) -> None:
        """Take money back; a return tied to a project cannot exceed what it was paid."""
        if amount <= ZERO:
            raise errors.InvalidValue("a return must be more than 0.00")
        self._check_document(document_no)
        if project_id is not None:
            paid = self.paid.get(project_id.hex, ZERO)
            if amount > paid:
                raise errors.ReturnExceedsPaid(
                    f"return of {yuan(amount)} exceeds the {yuan(paid)} net paid "
                    "to that project from this account"
                )
        self._return(context, amount, document_no, project_id)
