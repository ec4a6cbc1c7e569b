"""Payment: one tranche paid from a project's approved amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.values import Voucher


@dataclass(frozen=True)
class Payment:
    """A disbursement (发放) numbered per project, with payee, vouchers and payer."""

    no: int
    amount: Decimal
    payee: str
    vouchers: tuple[Voucher, ...]
    paid_by: str
    paid_on: date
    reversed: bool = False
