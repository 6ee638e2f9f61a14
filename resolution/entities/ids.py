"""Stable, deterministic ids for entities, addresses and sanctions.

Invariant: the same set of member record keys always gives the same entity id, whatever the order
of the input. An entity's id is derived from the smallest member record key, so adding records to
a cluster keeps its id unless a record with a smaller key joins. Incremental runs go further and
keep a previous id whatever joins (see ``resolution.entities.continuity``); only entities without
a previous id get one from here, via ``fresh_entity_id`` so that no id is ever handed out twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

TYPE_PREFIX = {"company": "co", "person": "pe", "vessel": "ve"}


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def entity_id(entity_type: str, member_keys: Iterable[str]) -> str:
    """``tg-co-…`` / ``tg-pe-…`` / ``tg-ve-…`` from the smallest member record key."""
    return f"tg-{TYPE_PREFIX[entity_type]}-{_digest(entity_type, min(member_keys))}"


def fresh_entity_id(entity_type: str, member_keys: Iterable[str], taken: Collection[str]) -> str:
    """``entity_id`` unless that id is ``taken`` (alive or retired by a merge in an earlier run,
    e.g. when a group split off an old entity keeps its smallest key): then a digest of every
    member key, salted until it is free. Deterministic for the same members and ``taken``."""
    keys = sorted(member_keys)
    candidate = entity_id(entity_type, keys)
    salt = 0
    while candidate in taken:
        salt += 1
        candidate = f"tg-{TYPE_PREFIX[entity_type]}-{_digest(entity_type, str(salt), *keys)}"
    return candidate


def address_id(country: str | None, standard_text: str) -> str:
    return f"addr-{_digest(country or '', standard_text)}"


def sanction_id(source: str, record_id: str, list_name: str, program: str | None) -> str:
    return f"sanc-{_digest(source, record_id, list_name, program or '')}"
