"""Records held as Arrow columns and read as a sequence of ``Record`` models
(``resolution.sources.model_columns``).

A full run's records become columns once read (``InputBatch.finish(records_as_columns=True)``):
the feature tables take their fields a column at a time (``resolution.link.features``), the
entity builder's DuckDB takes the table as it is (``resolution.entities.tables.record_table``),
and a million records hold some 0.16 GB as columns against some 0.65 GB as models.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from resolution.models import EntityType, Record
from resolution.sources.model_columns import ModelColumns, record_keys

RECORD_TEXT_FIELDS = (
    "source", "record_id", "entity_type", "name", "country", "address", "registration_number",
    "incorporation_date", "date_of_birth", "nationality", "id_number", "imo", "mmsi", "call_sign", "flag",
)
"""The record's text fields (``entity_type`` is a ``StrEnum``, so text as it is); ``aliases`` and
``attributes`` are the other two."""

RECORD_COLUMNS: dict[str, pa.DataType] = {
    **dict.fromkeys(RECORD_TEXT_FIELDS, pa.string()),
    "aliases": pa.list_(pa.string()),
    "attributes": pa.map_(pa.string(), pa.string()),
}
"""The record's fields as the bulk path takes them."""

_TYPES = {kind.value: kind for kind in EntityType}


class RecordColumns(ModelColumns[Record]):
    """Records as one Arrow table (``RECORD_COLUMNS`` and each row's given-fields set), equal
    to the list of the same models."""

    MODEL = Record
    COLUMNS = RECORD_COLUMNS

    def keys(self) -> pa.ChunkedArray:
        """Each record's key (``source:record_id``)."""
        return record_keys(self._table.column("source"), self._table.column("record_id"))

    def of_type(self, entity_type: EntityType) -> RecordColumns:
        """The records of ``entity_type``, in their order."""
        return self.where(pc.equal(self._table.column("entity_type"), pa.scalar(entity_type.value)))

    def _field_values(self, rows: pa.Table, name: str) -> list[Any]:
        values = rows.column(name).to_pylist()
        if name == "entity_type":
            return [_TYPES[kind] for kind in values]
        if name == "attributes":  # a map's rows come as lists of pairs
            return [dict(pairs) for pairs in values]
        return values
