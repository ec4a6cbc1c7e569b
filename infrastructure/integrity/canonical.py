"""Canonical JSON lines: one spelling per value, so that every byte of a line is checked.

A line is the object's JSON with sorted keys, no spaces, ASCII only, then a newline; a
reader re-encodes what it parsed and refuses a line that does not come out byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

_HEX = re.compile(r"(?:[0-9a-f]{2})*")


class CanonicalError(ValueError):
    """A line or field is malformed or not in canonical form."""


def canonical_line(obj: dict[str, Any]) -> bytes:
    """The canonical JSON line of an object, newline included."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii") + b"\n"


def parse_line(line: bytes) -> dict[str, Any]:
    """A JSON object from one line ending in a newline."""
    if not line.endswith(b"\n"):
        raise CanonicalError("the line does not end with a newline")
    try:
        obj = json.loads(line[:-1].decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CanonicalError(f"not a JSON line: {exc}") from None
    if not isinstance(obj, dict):
        raise CanonicalError("not a JSON object")
    return obj


def _take(obj: dict[str, Any], key: str) -> Any:
    if key not in obj:
        raise CanonicalError(f"{key!r} is missing")
    return obj[key]


def take_int(obj: dict[str, Any], key: str) -> int:
    """A non-negative integer field that fits the signed 64 bits every store uses."""
    value = _take(obj, key)
    if type(value) is not int or not 0 <= value < 2**63:
        raise CanonicalError(f"{key!r} is not an integer from 0 to 2**63 - 1")
    return value


def take_str(obj: dict[str, Any], key: str) -> str:
    """A string field."""
    value = _take(obj, key)
    if not isinstance(value, str):
        raise CanonicalError(f"{key!r} is not a string")
    return value


def take_hex(obj: dict[str, Any], key: str) -> bytes:
    """Bytes given as lowercase hex."""
    return hex_bytes(take_str(obj, key), key)


def take_hash(obj: dict[str, Any], key: str) -> bytes:
    """A 32-byte hash given as lowercase hex."""
    value = take_hex(obj, key)
    if len(value) != 32:
        raise CanonicalError(f"{key!r} is not 32 bytes")
    return value


def hex_bytes(text: str, what: str) -> bytes:
    """Bytes from lowercase hex, or CanonicalError."""
    if not _HEX.fullmatch(text):
        raise CanonicalError(f"{what!r} is not lowercase hex")
    return bytes.fromhex(text)


def take_base64(obj: dict[str, Any], key: str) -> bytes:
    """Bytes given as standard base64 with padding (the canonical spelling only)."""
    text = take_str(obj, key)
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CanonicalError(f"{key!r} is not base64") from None
    # Unused trailing bits would give a second spelling of the same bytes.
    if base64.b64encode(value).decode("ascii") != text:
        raise CanonicalError(f"{key!r} is not canonical base64")
    return value


def take_list(obj: dict[str, Any], key: str) -> list[Any]:
    """A list field."""
    value = _take(obj, key)
    if not isinstance(value, list):
        raise CanonicalError(f"{key!r} is not a list")
    return value


def expect_keys(obj: dict[str, Any], keys: set[str], what: str) -> None:
    """Refuse unknown or missing fields: a bundle carries nothing unchecked."""
    if set(obj) != keys:
        extra = sorted(set(obj) - keys)
        missing = sorted(keys - set(obj))
        raise CanonicalError(f"{what}: unexpected fields {extra}, missing fields {missing}")
