"""Columns the Splink models compare, computed from canonical records."""

from __future__ import annotations

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


def features(record: Record, *, with_typo_keys: bool = True) -> dict[str, Any]:
    """One input row for the Splink model of the record's entity type.

    ``with_typo_keys=False`` leaves a company's typo keys out: a full run's prediction computes
    them once per name (``KeyGroups.keys_of_group``); screening and linking a few records against
    a resolved set block on each record's own keys and need them."""
    organisation = record.entity_type is not EntityType.PERSON
    std = standardise_name(record.name, organisation=organisation)
    row: dict[str, Any] = {
        "unique_id": record.key,
        "source": record.source,
        "name_std": std.standard or None,
        "name_compact": std.compact or None,
        "name_sorted": std.sorted_compact or None,
        "name_keys": name_keys([record.name, *record.aliases], organisation=organisation) or None,
        "name_tokens": std.standard.split() or None,
        "country": record.country,
    }
    if record.entity_type is EntityType.COMPANY:
        row["registration_number"] = record.registration_number
        row["address_std"] = standardise_address(record.address)
        row["address_numbers"] = address_numbers(row["address_std"])
        if with_typo_keys:
            row["name_typo_keys"] = typo_keys(std.compact) or None
        row["legal_form"] = legal_form_kind(std.legal_form)
    elif record.entity_type is EntityType.PERSON:
        row["dob"] = record.date_of_birth
        row["birth_year"] = record.date_of_birth[:4] if record.date_of_birth else None
        row["nationality"] = record.nationality
        row["id_number"] = record.id_number
    else:
        row["imo"] = record.imo
        row["mmsi"] = record.mmsi
        row["call_sign"] = record.call_sign.upper() if record.call_sign else None
        row["flag"] = record.flag
    return row
