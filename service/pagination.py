"""Opaque cursors: base64 of a small JSON object, validated on the way back in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from service.errors import InvalidCursor


def encode_cursor(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> dict[str, Any]:
    """The cursor's content; ``{}`` when there is none; 422 problem when it was not ours."""
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor(f"cursor {cursor[:40]!r} is not a cursor this API gave out") from exc
    if not isinstance(value, dict) or value.get("k") != kind:
        raise InvalidCursor(f"cursor {cursor[:40]!r} does not belong to this listing")
    return value
