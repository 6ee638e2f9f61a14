"""Stable, deterministic ids for entities, addresses and sanctions.

Invariant: the same set of member record keys always gives the same entity id, whatever the order
of the input. An entity's id is derived from the smallest member record key, so adding records to
a cluster keeps its id unless a record with a smaller key joins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

TYPE_PREFIX = {"company": "co", "person": "pe", "vessel": "ve"}


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def entity_id(entity_type: str, member_keys: Iterable[str]) -> str:
    """``tg-co-…`` / ``tg-pe-…`` / ``tg-ve-…`` from the smallest member record key."""
    return f"tg-{TYPE_PREFIX[entity_type]}-{_digest(entity_type, min(member_keys))}"


def address_id(country: str | None, standard_text: str) -> str:
    return f"addr-{_digest(country or '', standard_text)}"


def sanction_id(source: str, record_id: str, list_name: str, program: str | None) -> str:
    return f"sanc-{_digest(source, record_id, list_name, program or '')}"
