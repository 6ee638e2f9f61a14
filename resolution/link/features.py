"""Columns the Splink models compare, computed from canonical records.

``features`` gives one record's row (screening, incremental runs); ``own_feature_columns`` and
``distinct_names`` give the same values for many records a column at a time, with the name columns
computed once per distinct name and alias list (491,369 for the 678,240 firm records of the 1M
world; ``resolution.link.engine.record_table`` puts them together). Both take their values
from the same helpers, so they cannot drift apart; a test compares them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from resolution.models import EntityType, Record
from resolution.sources.record_columns import RecordColumns
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


def _field_values(records: Sequence[Record], name: str) -> list[Any]:
    """The values of the field ``name`` of each of ``records``: a column of records held as columns."""
    return records.values(name) if isinstance(records, RecordColumns) else list(map(attrgetter(name), records))


def own_feature_columns(records: Sequence[Record], entity_type: EntityType,
                        columns: Sequence[str]) -> dict[str, list[Any]]:
    """Some of the columns of ``records``' own fields (``unique_id`` too), as ``features`` computes
    them, a column at a time, each distinct value once."""
    own = _own_columns(entity_type)
    keys = records.keys().to_pylist() if isinstance(records, RecordColumns) else [r.key for r in records]
    values: dict[str, list[Any]] = {"unique_id": keys}
    for column in columns:
        field_name, derive = own[column]
        raw = _field_values(records, field_name)
        values[column] = raw if derive is None else _per_distinct(derive, raw)
    return values


def distinct_names(records: Sequence[Record]) -> tuple[list[NameKey], list[int]]:
    """The distinct name keys (name, or name and aliases) of ``records`` in order of first use, and
    for each record the position of its key among them: the name columns of a key, computed once
    (``name_features``) and spread by these positions, are those of each of its records."""
    position_of: dict[NameKey, int] = {}
    if isinstance(records, RecordColumns):
        keys: Iterable[NameKey] = (
            (name, *aliases) if aliases else name
            for name, aliases in zip(records.values("name"), records.values("aliases"), strict=True))
    else:
        keys = map(_names_of, records)
    positions = [position_of.setdefault(key, len(position_of)) for key in keys]
    return list(position_of), positions


def own_column_names(entity_type: EntityType) -> list[str]:
    """The columns of a record's own fields (not its names) for ``entity_type``."""
    return list(_own_columns(entity_type))
