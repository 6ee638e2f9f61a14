"""Records held as Arrow columns and read as a sequence of ``Record`` models
(``resolution.sources.model_columns``).

A full run's records become columns once read (``InputBatch.finish(records_as_columns=True)``):
the feature tables take their fields a column at a time (``resolution.link.features``), the
entity builder's DuckDB takes the table as it is (``resolution.entities.tables.record_table``),
and a million records hold some 0.16 GB as columns against some 0.65 GB as models.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from resolution.models import EntityType, FieldsSets, Record
from resolution.sources.model_columns import (
    FIELDS_SET,
    ModelColumns,
    arrays_of_rows,
    record_keys,
)

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
_FIELDS = tuple(Record.model_fields)
_VALUES = itemgetter(*_FIELDS)
_FIELD_TYPES = {name: RECORD_COLUMNS[name] for name in _FIELDS}  # RECORD_COLUMNS in the model's field order
_CHUNK_ROWS = 100_000
"""Rows a ``RecordRows`` holds as Python lists before they become Arrow columns."""


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

    def type_counts(self) -> dict[EntityType, int]:
        """How many records there are of each type that has some."""
        counts = self._table.column("entity_type").value_counts()
        return {_TYPES[kind.as_py()]: count.as_py() for kind, count in zip(counts.field("values"), counts.field("counts"),
                                                                           strict=True)}

    def _field_values(self, rows: pa.Table, name: str) -> list[Any]:
        values = rows.column(name).to_pylist()
        if name == "entity_type":
            return [_TYPES[kind] for kind in values]
        if name == "attributes":  # a map's rows come as lists of pairs
            return [dict(pairs) for pairs in values]
        return values


class RecordRows:
    """Records gathered as their field values while a file is read, and made columns
    ``_CHUNK_ROWS`` at a time (``columns``): a reader's fast path (``resolution.sources.canonical``)
    never makes their models. Each row keeps the set of field names it was given."""

    def __init__(self) -> None:
        self._rows: list[list[Any]] = []
        self._fields_set_of: list[int] = []
        self._fields_sets = FieldsSets()
        self._chunks: list[pa.RecordBatch] = []

    def add(self, values: list[Any], fields_set: set[str]) -> None:
        """A record's field values in ``Record``'s field order (as a ``RowBuilder`` gives them),
        validated as that model validates them, and its given field names."""
        self._rows.append(values)
        self._fields_set_of.append(self._fields_sets.position(fields_set))
        if len(self._rows) >= _CHUNK_ROWS:
            self._flush()

    def add_model(self, record: Record) -> None:
        """A record validated as a model."""
        self.add(list(_VALUES(record.__dict__)), record.__pydantic_fields_set__)

    def __len__(self) -> int:
        return sum(chunk.num_rows for chunk in self._chunks) + len(self._rows)

    def _flush(self) -> None:
        if not self._rows:
            return
        arrays = arrays_of_rows(self._rows, _FIELD_TYPES)
        arrays[FIELDS_SET] = pa.array(self._fields_set_of, pa.int32())
        self._chunks.append(pa.RecordBatch.from_pydict({name: arrays[name] for name in (*RECORD_COLUMNS, FIELDS_SET)}))
        self._rows, self._fields_set_of = [], []

    def columns(self) -> RecordColumns:
        """The records gathered, in order, as columns."""
        self._flush()
        if not self._chunks:
            return RecordColumns.from_models([])
        return RecordColumns(pa.Table.from_batches(self._chunks), self._fields_sets.sets)
