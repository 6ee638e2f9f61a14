"""The run's records, relations, listings and clustering as Arrow tables, a column at a time, for
the entity builder's DuckDB (``resolution.entities.build``).

Records and relations held as columns (``resolution.sources.model_columns``) are taken as they
are; models' fields are taken in one pass and transposed (``columns_of_models``). The address ids
need Python's address standardisation, once per distinct address and country (``place_table``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from resolution.entities.ids import address_id
from resolution.models import Listing, Record, Relation
from resolution.sources.model_columns import columns_of_models
from resolution.sources.record_columns import RECORD_COLUMNS, RecordColumns
from resolution.sources.relation_columns import RELATION_COLUMNS, RelationColumns
from resolution.standardise.names import standardise_address


def record_table(records: Sequence[Record]) -> pa.Table:
    """The records, one row each in their order with every field (``RECORD_COLUMNS``) and ``pos``
    (the position). Records held as columns (``RecordColumns``) are taken as they are."""
    table = records.table if isinstance(records, RecordColumns) else pa.table(columns_of_models(records, RECORD_COLUMNS))
    return table.append_column("pos", pa.chunked_array([pa.array(range(len(records)), pa.int64())]))


def record_tables(records: Sequence[Record]) -> tuple[pa.Table, pa.Table]:
    """``record_table`` of ``records`` and ``place_table`` of their distinct (address, country),
    told apart by Arrow."""
    rows = record_table(records)
    located = rows.select(["address", "country"]).filter(pc.is_valid(rows.column("address")))
    distinct = located.group_by(["address", "country"]).aggregate([])
    places = zip(distinct.column("address").to_pylist(), distinct.column("country").to_pylist(), strict=True)
    return rows, place_table(places)


def place_table(places: Iterable[tuple[str, str | None]]) -> pa.Table:
    """Per distinct (address, country) of the records: ``address_id(country, standard)`` and the
    standard form (``standardise_address``), none where that form is empty."""
    address, country, ids, standards = [], [], [], []
    for text, place_country in places:
        standard = standardise_address(text)
        address.append(text)
        country.append(place_country)
        ids.append(address_id(place_country, standard) if standard else None)
        standards.append(standard or None)
    return pa.table({"address": pa.array(address, pa.string()), "country": pa.array(country, pa.string()),
                     "address_id": pa.array(ids, pa.string()), "standard": pa.array(standards, pa.string())})


def relation_table(relations: Sequence[Relation]) -> pa.Table:
    """The record-level relations, a row each in their order (``RELATION_COLUMNS``); ``relation``
    as its text value. Relations held as columns (``RelationColumns``) are taken as they are."""
    if isinstance(relations, RelationColumns):
        return relations.table
    return pa.table(columns_of_models(relations, RELATION_COLUMNS))


def listing_table(listings: Sequence[Listing]) -> pa.Table:
    """The sanctions listings, a row each with ``pos``."""
    columns = columns_of_models(listings, dict.fromkeys(("source", "record_id", "list_name", "program", "listed_on"),
                                              pa.string()))
    columns["pos"] = pa.chunked_array([pa.array(range(len(listings)), pa.int64())])
    return pa.table(columns)


def mapping_table(mapping: Mapping[str, object], key: str, value: str, value_type: pa.DataType) -> pa.Table:
    """A dictionary as a two-column table."""
    return pa.table({key: pa.array(list(mapping), pa.string()), value: pa.array(list(mapping.values()), value_type)})


def probability_table(record_probability: Mapping[str, float]) -> pa.Table:
    """``key, probability`` per record, the probability rounded to 6 digits by Arrow, as the pairs'
    are (``resolution.link.evidence``): 0.1 s at a million records where ``round`` per value took 0.9 s."""
    table = mapping_table(record_probability, "key", "probability", pa.float64())
    return table.set_column(1, "probability", pc.round(table.column("probability"), 6))


def review_table(review_pairs: Iterable[tuple[str, str, float]],
                 kept_apart: Mapping[tuple[str, str], str] | None) -> pa.Table:
    """The review pairs (``left, right, probability`` rounded to 6 digits) with, for a
    pair over the threshold that was kept apart, why (``kept_apart``, else null)."""
    pairs = list(review_pairs)
    reasons = kept_apart or {}
    return pa.table({
        "left_key": pa.array([p[0] for p in pairs], pa.string()),
        "right_key": pa.array([p[1] for p in pairs], pa.string()),
        "probability": pa.array([round(p[2], 6) for p in pairs], pa.float64()),
        "kept_apart": pa.array([reasons.get((p[0], p[1])) for p in pairs], pa.string()),
    })
