"""Domain errors: one base, one subclass per broken rule, each with an officer's message.

The kind of an error (rule, not found, invalid input, permission, busy) is what the API
maps to an HTTP status, in one place.
"""

from __future__ import annotations


class FundtrailError(Exception):
    """Base of every error the model raises on purpose."""

    title = "Refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- kinds -------------------------------------------------------------------------


class RuleViolation(FundtrailError):
    """A business rule refused the command; nothing was recorded."""

    title = "Business rule violated"


class NotFound(FundtrailError):
    """The aggregate named in the request does not exist."""

    title = "Not found"


class InvalidInput(FundtrailError):
    """The command's input is malformed or names something that does not exist."""

    title = "Invalid input"


class NotPermitted(FundtrailError):
    """The person holds none of the roles the command needs."""

    title = "Forbidden"


class NotAuthenticated(FundtrailError):
    """No valid token was presented."""

    title = "Unauthorized"


class Busy(FundtrailError):
    """Concurrent commands on the same records could not be serialised in time."""

    title = "Busy, retry"


# --- input ---------------------------------------------------------------------------


class UnknownReference(InvalidInput):
    """The body names an account, project or official that does not exist."""


class EffectiveDateInFuture(InvalidInput):
    """The business date is after today (Asia/Shanghai)."""


class IdempotencyKeyReused(InvalidInput):
    """The idempotency key was already used for a different command."""


class InvalidValue(InvalidInput):
    """A value is out of its allowed range (amount, score, days, category...)."""


# --- rules: projects -----------------------------------------------------------------


class StaleVersion(RuleViolation):
    """If-Match named a version that is no longer the current one."""


class CheckpointOutOfOrder(RuleViolation):
    """The command is not the next step for the project's current checkpoint."""


class ProjectRejected(RuleViolation):
    """A rejected project takes no further checkpoint."""


class ProjectClosed(RuleViolation):
    """A closed project takes no further command."""


class EffectiveDateBeforeLatest(RuleViolation):
    """Business dates on a project never go backwards."""


class ReviewAlreadyRecorded(RuleViolation):
    """Each of the three reviews is recorded once."""


class AuditAlreadyRecorded(RuleViolation):
    """The audit of 三评一审计 is recorded once."""


class ReviewsIncomplete(RuleViolation):
    """Establishment needs three passed reviews and a passed audit."""


class DisclosureStageMismatch(RuleViolation):
    """A disclosure must follow the checkpoint just passed."""


class DisclosureAlreadyPublished(RuleViolation):
    """Each of the three disclosures is published once."""


class DisclosureNotOver(RuleViolation):
    """The next checkpoint waits until the disclosure period is over."""


class ObjectionOutsidePeriod(RuleViolation):
    """An objection is raised within its disclosure's period."""


class ObjectionOpen(RuleViolation):
    """Open objections must be resolved before the next checkpoint."""


class ObjectionAlreadyResolved(RuleViolation):
    """An objection is resolved once."""


class ApprovedExceedsRequested(RuleViolation):
    """The approved amount cannot exceed the requested amount."""


class SegregationOfDuties(RuleViolation):
    """The same person may not both apply and approve, approve and pay, pay and reverse."""


class DisbursementExceedsRemaining(RuleViolation):
    """Payments never exceed the approved amount."""


class VouchersInsufficient(RuleViolation):
    """A payment is covered by vouchers of at least its amount (报账制)."""


class VoucherAlreadyClaimed(RuleViolation):
    """A voucher may back one payment only, on any project."""


class PaymentAlreadyReversed(RuleViolation):
    """A payment is reversed once."""


class DisbursementClosed(RuleViolation):
    """Completion closes disbursement: no payment or reversal after it."""


class NoPaymentMade(RuleViolation):
    """A project is completed only after at least one payment."""


# --- rules: accounts -----------------------------------------------------------------


class CategoryNotFundable(RuleViolation):
    """The account may only fund the purposes it was opened for (专款专用)."""


class InsufficientFunds(RuleViolation):
    """No command takes an account's available balance below zero."""


class EarmarkExceeded(RuleViolation):
    """No payment takes a project's earmark on an account below zero."""


class DuplicateDocument(RuleViolation):
    """An allocating or returning document number is recorded once per account."""


class ReturnExceedsPaid(RuleViolation):
    """Money returned for a project cannot exceed what was paid to it."""


class ReversalExceedsNetPaid(RuleViolation):
    """A payment partly recovered by returns can no longer be reversed in full."""


# --- rules: officials ----------------------------------------------------------------


class OfficialAlreadyExists(RuleViolation):
    """A person id is registered once."""


class RoleChangeInvalid(RuleViolation):
    """Roles granted must not already be held; roles revoked must be held."""
