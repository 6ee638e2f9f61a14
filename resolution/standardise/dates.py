"""Loose dates as found in registries and sanctions lists -> ISO dates, partial kept partial.

``1962`` stays ``1962``, ``May 1962`` becomes ``1962-05``, ``12 May 1962`` / ``12/05/1962`` /
``1962.05.12`` become ``1962-05-12``; ``circa 1962`` keeps ``1962``. Impossible dates raise.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_TEXT = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]+)\.?,?\s+(\d{4})$")
_TEXT_MDY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_XSD_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:z|[+-]\d{2}:\d{2})$")  # xs:date with a zone (UN list)
_QUALIFIERS = re.compile(r"^(circa|ca\.?|c\.|approximately|approx\.?|about)\s+")
MIN_YEAR = 1800


class InvalidDateError(ValueError):
    """A date that cannot be read or cannot exist."""


def _build(year: int, month: int | None, day: int | None, raw: str) -> str:
    today = dt.date.today()
    if not MIN_YEAR <= year <= today.year + 1:
        raise InvalidDateError(f"impossible year in date {raw!r}")
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise InvalidDateError(f"impossible month in date {raw!r}")
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidDateError(f"impossible date {raw!r}: {exc}") from exc
    return f"{year:04d}-{month:02d}-{day:02d}"


@lru_cache(maxsize=65_536)
def normalise_date(value: str | None) -> str | None:
    """ISO 8601 text (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) or ``None`` for empty input.

    Cached: a million records hold a few thousand distinct dates. Only answers are cached (an
    impossible date raises every time), and an answer never goes stale: the latest year accepted
    only grows with the calendar."""
    if value is None:
        return None
    raw = str(value).strip()
    if not raw:
        return None
    text = _QUALIFIERS.sub("", raw.lower()).strip()
    if "t" in text and re.match(r"^\d{4}-\d{2}-\d{2}t", text):
        text = text.split("t", 1)[0]
    if zoned := _XSD_ZONE.match(text):
        text = zoned.group(1)
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return _build(int(year), int(month) if month else None, int(day) if day else None, raw)
    if match := _DMY.match(text):
        day, month, year = match.groups()
        return _build(int(year), int(month), int(day), raw)
    if match := _TEXT.match(text):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        if month is None:
            raise InvalidDateError(f"unknown month {month_name!r} in date {raw!r}")
        return _build(int(year), month, int(day) if day else None, raw)
    if match := _TEXT_MDY.match(text):
        month_name, day, year = match.groups()
        month = _MONTHS.get(month_name)
        if month is None:
            raise InvalidDateError(f"unknown month {month_name!r} in date {raw!r}")
        return _build(int(year), month, int(day), raw)
    raise InvalidDateError(f"unreadable date {raw!r}")
