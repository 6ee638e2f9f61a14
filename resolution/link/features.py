"""Columns the Splink models compare, computed from canonical records.

``features`` gives one record's row (screening, incremental runs); ``feature_columns`` gives the
same values for many records a column at a time, computing the name columns once per distinct
name and alias list (491,369 for the 678,240 firm records of the 1M world). Both take their values
from the same helpers, so they cannot drift apart; a test compares them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from resolution.models import EntityType, Record
from resolution.standardise.names import (
    address_numbers,
    legal_form_kind,
    name_keys,
    standardise_address,
    standardise_name,
    typo_keys,
)

NameKey = str | tuple[str, ...]
"""A record's name, or its name followed by its aliases when it has some: the name columns depend
on nothing else. (A name alone is its own key: no tuple is made for most records.)"""

# the columns of a record's own fields, per entity type: column -> (the field, what of its value;
# None for the value itself). Each is a function of one field, so many records are computed once
# per distinct value.
Derived = tuple[str, Callable[[Any], Any] | None]
_OWN_COLUMNS: dict[EntityType, dict[str, Derived]] = {
    EntityType.COMPANY: {
        "registration_number": ("registration_number", None),
        "address_std": ("address", standardise_address),
        "address_numbers": ("address", lambda address: address_numbers(standardise_address(address))),
    },
    EntityType.PERSON: {
        "dob": ("date_of_birth", None),
        "birth_year": ("date_of_birth", lambda dob: dob[:4] if dob else None),
        "nationality": ("nationality", None),
        "id_number": ("id_number", None),
    },
    EntityType.VESSEL: {
        "imo": ("imo", None),
        "mmsi": ("mmsi", None),
        "call_sign": ("call_sign", lambda call_sign: call_sign.upper() if call_sign else None),
        "flag": ("flag", None),
    },
}
_COMMON_COLUMNS: dict[str, Derived] = {"source": ("source", None), "country": ("country", None)}


def _own_columns(entity_type: EntityType) -> dict[str, Derived]:
    return _COMMON_COLUMNS | _OWN_COLUMNS[entity_type]


def name_features(names: NameKey, entity_type: EntityType, *, with_typo_keys: bool = True) -> dict[str, Any]:
    """The name columns of a record whose name and aliases are ``names`` (``_names_of``)."""
    names = (names,) if isinstance(names, str) else names
    organisation = entity_type is not EntityType.PERSON
    std = standardise_name(names[0], organisation=organisation)
    row: dict[str, Any] = {
        "name_std": std.standard or None,
        "name_compact": std.compact or None,
        "name_sorted": std.sorted_compact or None,
        "name_keys": name_keys(list(names), organisation=organisation) or None,
        "name_tokens": std.standard.split() or None,
    }
    if entity_type is EntityType.COMPANY:
        if with_typo_keys:
            row["name_typo_keys"] = typo_keys(std.compact) or None
        row["legal_form"] = legal_form_kind(std.legal_form)
    return row


def _names_of(record: Record) -> NameKey:
    return (record.name, *record.aliases) if record.aliases else record.name


def features(record: Record, *, with_typo_keys: bool = True) -> dict[str, Any]:
    """One input row for the Splink model of the record's entity type.

    ``with_typo_keys=False`` leaves a company's typo keys out: a full run's prediction computes
    them once per name (``KeyGroups.keys_of_group``); screening and linking a few records against
    a resolved set block on each record's own keys and need them."""
    row: dict[str, Any] = {"unique_id": record.key}
    for column, (field_name, derive) in _own_columns(record.entity_type).items():
        value = getattr(record, field_name)
        row[column] = value if derive is None else derive(value)
    row.update(name_features(_names_of(record), record.entity_type, with_typo_keys=with_typo_keys))
    return row


def _per_distinct(derive: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``derive`` of each of ``values``, computed once per distinct value."""
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, derive(v)) for v in values]


def own_feature_columns(records: Sequence[Record], entity_type: EntityType,
                        columns: Sequence[str]) -> dict[str, list[Any]]:
    """Some of the columns of ``records``' own fields (``unique_id`` too), as ``feature_columns``
    computes them: what a step that needs a few columns of many records reads (no names)."""
    own = _own_columns(entity_type)
    values: dict[str, list[Any]] = {"unique_id": [r.key for r in records]}
    for column in columns:
        field_name, derive = own[column]
        raw = list(map(attrgetter(field_name), records))
        values[column] = raw if derive is None else _per_distinct(derive, raw)
    return values


def feature_columns(
    records: Sequence[Record], entity_type: EntityType, *, with_typo_keys: bool = True
) -> tuple[dict[str, list[Any]], Iterator[dict[str, Any]], list[int]]:
    """The feature rows of ``records`` (all of ``entity_type``) as columns: the record's own
    columns as lists, the name columns as one row per distinct name (made as they are read), and
    for each record the position of its name among those. Expanded by position, they are
    ``features`` of each record."""
    own = own_feature_columns(records, entity_type, list(_own_columns(entity_type)))
    position_of: dict[NameKey, int] = {}
    positions = [position_of.setdefault(_names_of(r), len(position_of)) for r in records]
    names = (name_features(key, entity_type, with_typo_keys=with_typo_keys) for key in position_of)
    return own, names, positions
