"""JSON transcodings for dates and fundtrail's value types."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.disclosure import Disclosure, Objection
from domain.payment import Payment
from domain.values import Actor, Context, Evidence, Region, Voucher


class DateAsISO(Transcoding):
    """A business date as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        """Encode."""
        return obj.isoformat()

    def decode(self, data: str) -> date:
        """Decode."""
        return date.fromisoformat(data)


class AsDict(Transcoding):
    """A frozen dataclass as a dict of its fields (nested values transcode themselves)."""

    def encode(self, obj: Any) -> dict[str, Any]:
        """Encode."""
        return dict(vars(obj))

    def decode(self, data: dict[str, Any]) -> Any:
        """Decode; JSON gives sequences back as lists, the value objects hold tuples."""
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


class ActorAsDict(AsDict):
    """Actor."""

    type = Actor
    name = "actor"


class EvidenceAsDict(AsDict):
    """Evidence."""

    type = Evidence
    name = "evidence"


class VoucherAsDict(AsDict):
    """Voucher."""

    type = Voucher
    name = "voucher"


class RegionAsDict(AsDict):
    """Region."""

    type = Region
    name = "region"


class ContextAsDict(AsDict):
    """Context: actor, business date, reason, evidence, idempotency key."""

    type = Context
    name = "context"


class DisclosureAsDict(AsDict):
    """Disclosure."""

    type = Disclosure
    name = "disclosure"


class ObjectionAsDict(AsDict):
    """Objection."""

    type = Objection
    name = "objection"


class PaymentAsDict(AsDict):
    """Payment."""

    type = Payment
    name = "payment"


def all_transcodings() -> list[Transcoding]:
    """Every transcoding fundtrail registers with the library's JSON transcoder."""
    return [
        DateAsISO(),
        ActorAsDict(),
        EvidenceAsDict(),
        VoucherAsDict(),
        RegionAsDict(),
        ContextAsDict(),
        DisclosureAsDict(),
        ObjectionAsDict(),
        PaymentAsDict(),
    ]
