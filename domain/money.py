"""Money: exact yuan with two places (分), never float."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_CAP = Decimal("1000000000000.00")


class MoneyFormatError(ValueError):
    """A value that is not an amount of yuan with at most two places."""


def to_money(value: Decimal | str | int) -> Decimal:
    """Return the value as a two-place Decimal, refusing floats, NaN and extra places."""
    if isinstance(value, bool | float):
        raise MoneyFormatError(f"amount {value!r} must be a decimal string, not a float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise MoneyFormatError(f"amount {value!r} is not a number") from exc
    if not amount.is_finite():
        raise MoneyFormatError(f"amount {value!r} is not a finite number")
    try:
        quantized = amount.quantize(CENT)
    except InvalidOperation as exc:
        raise MoneyFormatError(f"amount {value!r} is too large") from exc
    if quantized != amount:
        raise MoneyFormatError(f"amount {value!r} has more than two places")
    return quantized


def yuan(amount: Decimal) -> str:
    """Format an amount the way an officer reads it: 12,000.00."""
    return f"{amount:,.2f}"
