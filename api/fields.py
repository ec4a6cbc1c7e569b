"""Value types at the HTTP edge, exactly as API.md's "Values" section says."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from domain.money import MONEY_CAP, ZERO, MoneyFormatError, to_money

MONEY_PATTERN = r"^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# C0 controls other than tab, newline and carriage return, and DEL, are never text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PERSON_ID_PATTERN = r"^[A-Za-z0-9_@-]{1,64}$"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"

# What each pattern means, in the words a problem's detail uses instead of the regex.
PATTERN_WORDS = {
    MONEY_PATTERN: 'must be yuan as a string with at most two places, e.g. "12000.00"',
    TEXT_PATTERN: "must not contain control characters",
    SHA256_PATTERN: "must be a SHA-256: 64 lowercase hexadecimal characters",
    PERSON_ID_PATTERN: "must be 1 to 64 letters, digits, _, @ or -",
    KEY_PATTERN: "must be 1 to 200 visible ASCII characters",
}

_MONEY_DOC = (
    "Yuan as a string with at most two places (元, 分), at most 1,000,000,000,000.00; "
    "never a JSON number."
)


def parse_money(value: Any) -> Decimal:
    """A money string as a two-place Decimal, within the cap; anything else is refused."""
    if not isinstance(value, str):
        raise ValueError('an amount is a string such as "12000.00", not a JSON number or null')
    if not _MONEY.fullmatch(value):
        raise ValueError(f"{value!r} is not an amount of yuan with at most two places")
    try:
        amount = to_money(value)
    except MoneyFormatError as exc:
        raise ValueError(str(exc)) from None
    if amount > MONEY_CAP:
        raise ValueError(f"{value} exceeds the cap of 1000000000000.00")
    return amount


def _positive(amount: Decimal) -> Decimal:
    if amount <= ZERO:
        raise ValueError("the amount must be more than 0.00")
    return amount


def parse_day(value: Any) -> date:
    """A YYYY-MM-DD string as a date; numbers and timestamps are refused."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("a date is a string YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a calendar date") from None


def _no_controls(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("text must not contain control characters")
    return text


def _two_places(amount: Decimal) -> str:
    return f"{amount:.2f}"


_MONEY_SCHEMA = {
    "type": "string",
    "pattern": MONEY_PATTERN,
    "maxLength": 16,
    "description": _MONEY_DOC,
    "examples": ["12000.00"],
}

MoneyIn = Annotated[Decimal, PlainValidator(parse_money), WithJsonSchema(_MONEY_SCHEMA)]
"""An amount that may be 0.00 (e.g. income increase)."""

Amount = Annotated[
    Decimal,
    PlainValidator(parse_money),
    AfterValidator(_positive),
    WithJsonSchema({**_MONEY_SCHEMA, "description": _MONEY_DOC + " More than 0.00."}),
]
"""A required amount: more than 0.00."""

Yuan = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["0.00"]}),
]
"""An amount in an answer: always two places."""

Day = Annotated[
    date,
    PlainValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2017-03-01"]}),
]
"""A business date, YYYY-MM-DD."""


def text(max_length: int, *, min_length: int = 0) -> StringConstraints:
    """Constraints of a text field: a JSON string, bounded in length, without controls."""
    return StringConstraints(
        strict=True, min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN
    )


NoControls = AfterValidator(_no_controls)
Name = Annotated[str, text(200, min_length=1), NoControls]
Text = Annotated[str, text(4000), NoControls]
Sha256 = Annotated[
    str,
    StringConstraints(strict=True, pattern=SHA256_PATTERN),
    Field(description="SHA-256 of the document, 64 lowercase hex digits."),
]
PersonId = Annotated[
    str,
    StringConstraints(strict=True, pattern=PERSON_ID_PATTERN),
    Field(description="A person's stable id: letters, digits, _ @ -; no dots.", examples=["po"]),
]
Flag = Annotated[bool, Field(strict=True)]
Year = Annotated[int, Field(strict=True, ge=1949, le=2200, examples=[2017])]
Score = Annotated[int, Field(strict=True, ge=0, le=100, examples=[88])]
Days = Annotated[int, Field(strict=True, ge=1, le=3650, examples=[7])]
HouseholdId = Annotated[str, text(64, min_length=1), NoControls, Field(examples=["H-0001"])]
Statement = Annotated[str, text(4000, min_length=1), NoControls]

# Lists whose items must differ say so, so that clients and fuzzers know it too.
UNIQUE: dict[str, Any] = {"json_schema_extra": {"uniqueItems": True}}
