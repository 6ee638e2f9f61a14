"""Identifiers: IMO ship numbers (with check digit), MMSI, registration numbers."""

from __future__ import annotations

import re

_IMO = re.compile(r"^(?:imo)?\s*[:#.]?\s*(\d{7})$", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


class InvalidIdentifierError(ValueError):
    """An identifier that is malformed or fails its check digit."""


def imo_check_digit_ok(digits: str) -> bool:
    """True when the 7-digit IMO number's last digit matches its weighted checksum."""
    if len(digits) != 7 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def with_imo_check_digit(six_digits: str) -> str:
    """Append the IMO check digit to six digits (used by the demo generator and tests)."""
    if len(six_digits) != 6 or not six_digits.isdigit():
        raise ValueError(f"need six digits, got {six_digits!r}")
    total = sum(int(d) * w for d, w in zip(six_digits, range(7, 1, -1), strict=True))
    return six_digits + str(total % 10)


def normalise_imo(value: str | None) -> str | None:
    """Seven digits of a valid IMO number (``IMO 9123456`` -> ``9123456``), ``None`` if empty."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    match = _IMO.match(text)
    if not match:
        raise InvalidIdentifierError(f"IMO number {value!r} is not 7 digits")
    digits = match.group(1)
    if not imo_check_digit_ok(digits):
        raise InvalidIdentifierError(f"IMO number {value!r} fails its check digit")
    return digits


def normalise_mmsi(value: str | None) -> str | None:
    """Nine-digit MMSI, ``None`` if empty."""
    if value is None or not str(value).strip():
        return None
    digits = re.sub(r"\D", "", str(value))
    if len(digits) != 9:
        raise InvalidIdentifierError(f"MMSI {value!r} is not 9 digits")
    return digits


def normalise_registration_number(value: str | None) -> str | None:
    """Registration numbers compared without punctuation, spaces or case."""
    if value is None:
        return None
    text = _NON_ALNUM.sub("", str(value)).upper()
    return text or None
