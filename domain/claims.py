"""Set rules across aggregates: a voucher is claimed once, an idempotency key used once.

Each is a tiny aggregate with a name-based id, created in the same save() as the command:
a second claim collides on version 1 and is refused, with no read model in the way.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

VOUCHERS_NAMESPACE = uuid5(NAMESPACE_URL, "fundtrail:voucher")
IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "fundtrail:idempotency")


class VoucherClaim(Aggregate):
    """A voucher (by its SHA-256) backing one payment; released only by a reversal."""

    @staticmethod
    def create_id(sha256: str, **_: object) -> UUID:
        """One claim aggregate per voucher hash."""
        return uuid5(VOUCHERS_NAMESPACE, sha256)

    class Claimed(Aggregate.Created):
        """The voucher backs a payment."""

        sha256: str
        project_id: UUID
        disbursement_no: int

    @event(Claimed)
    def __init__(self, sha256: str, project_id: UUID, disbursement_no: int) -> None:
        self.sha256 = sha256
        self.project_id: UUID | None = project_id
        self.disbursement_no: int | None = disbursement_no

    class Released(Aggregate.Event):
        """The payment it backed was reversed; the voucher may back a new payment."""

    @event(Released)
    def release(self) -> None:
        """Free the voucher after its payment was reversed."""
        self.project_id = None
        self.disbursement_no = None

    class Reclaimed(Aggregate.Event):
        """A released voucher backs a new payment."""

        project_id: UUID
        disbursement_no: int

    @event(Reclaimed)
    def reclaim(self, project_id: UUID, disbursement_no: int) -> None:
        """Claim a released voucher again."""
        self.project_id = project_id
        self.disbursement_no = disbursement_no

    @property
    def is_claimed(self) -> bool:
        """Whether a payment currently rests on this voucher."""
        return self.project_id is not None


class IdempotencyRecord(Aggregate):
    """The first result of a command made with an idempotency key, per person."""

    @staticmethod
    def create_id(person_id: str, key: str, **_: object) -> UUID:
        """One record per (person, key)."""
        return uuid5(IDEMPOTENCY_NAMESPACE, f"{person_id}\x00{key}")

    class Recorded(Aggregate.Created):
        """A command ran under this key; its fingerprint and result are kept."""

        person_id: str
        key: str
        fingerprint: str
        result: dict[str, object]

    @event(Recorded)
    def __init__(
        self, person_id: str, key: str, fingerprint: str, result: dict[str, object]
    ) -> None:
        self.person_id = person_id
        self.key = key
        self.fingerprint = fingerprint
        self.result = dict(result)
