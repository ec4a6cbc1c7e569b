"""Bodies for payments (拨付) against vouchers (报账制)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.commands import CommandBody
from api.fields import Amount, Name, Sha256


class VoucherIn(BaseModel):
    """A voucher (凭证: invoice, acceptance certificate) and the amount it covers."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(examples=["invoice-0001.pdf"])
    sha256: Sha256
    amount: Amount


class Disburse(CommandBody):
    """Pay a tranche to a payee against vouchers (发放)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "amount": "20000.00",
                    "payee": "Jiehu cooperative 界湖合作社",
                    "vouchers": [
                        {"name": "invoice-0001.pdf", "sha256": "cd" * 32, "amount": "20000.00"}
                    ],
                    "effective_on": "2017-03-28",
                }
            ]
        },
    )

    amount: Amount = Field(description="Amount paid (拨付金额) ≤ approved − paid.")
    payee: Name = Field(description="Payee (收款人).")
    vouchers: list[VoucherIn] = Field(
        min_length=1, max_length=200, description="Vouchers that sum to at least the amount."
    )
