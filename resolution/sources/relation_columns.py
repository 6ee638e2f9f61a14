"""Relations held as Arrow columns and read as a sequence of ``Relation`` models.

A million-record world has some 830k relations, and the bulk path wants them as columns: the
check for references to unknown records (``InputBatch.finish``) and the entity builder's DuckDB
(``resolution.entities.tables.relation_table``). The worker that reads the relations file beside
the records (``resolution.sources.parallel``) hands them over as an Arrow table, which this
process takes without a copy. Rebuilding the 830k models here took 1.6-2.1 s after 0.5 s of
unpickling them, and turning them back into columns for the entity builder took another 0.85 s.

A model is made only when one is asked for, by position or by iterating (an incremental run
compares them with the previous run's). It is not validated again: the worker validated it with
the same model. Each row keeps the set of field names its file gave (``model_fields_set``), as
reading the file here would have.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import overload

import pyarrow as pa
import pyarrow.compute as pc

from resolution.models import (
    Relation,
    RelationType,
    fields_set_positions,
    models_of_columns,
)

RELATION_COLUMNS: dict[str, pa.DataType] = {
    **dict.fromkeys(("source", "from_record_id", "to_record_id", "relation", "start_date", "end_date", "hs_code"),
                    pa.string()),
    "share_pct": pa.float64(), "value_usd": pa.float64(), "shipments": pa.int64(),
}
"""The relation's fields as the entity builder takes them (``relation`` as its text value)."""

_FIELDS = tuple(Relation.model_fields)
_FIELDS_SET = "fields_set"  # column: the position of each row's set of given field names
_KINDS = {kind.value: kind for kind in RelationType}
_CHUNK = 65_536  # rows whose Python values are held at once while iterating


def record_keys(sources: pa.ChunkedArray | pa.Array, record_ids: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """``record_key`` (``source:record_id``) of each pair of values, a column at a time."""
    return pc.binary_join_element_wise(sources, record_ids, ":")


class RelationColumns(Sequence[Relation]):
    """Relations as one Arrow table (``RELATION_COLUMNS`` and each row's given-fields set),
    equal to the list of the same models."""

    def __init__(self, table: pa.Table, fields_sets: Sequence[frozenset[str]]) -> None:
        self._table = table
        self._fields_sets = list(fields_sets)
        self._sets = [set(names) for names in self._fields_sets]  # one object each, shared by the models

    @classmethod
    def from_models(cls, relations: Sequence[Relation]) -> RelationColumns:
        """The columns of ``relations`` (a pass per field)."""
        fields_set_of, fields_sets = fields_set_positions(relations)
        columns = {name: pa.array(list(map(attrgetter(name), relations)), kind)
                   for name, kind in RELATION_COLUMNS.items()}
        columns[_FIELDS_SET] = pa.array(fields_set_of, pa.int32())
        return cls(pa.table(columns), fields_sets)

    @classmethod
    def joined(cls, parts: Sequence[Sequence[Relation]]) -> RelationColumns:
        """``parts`` one after another (columns taken as they are, lists of models made columns)."""
        tables: list[pa.Table] = []
        fields_sets: list[frozenset[str]] = []
        for part in parts:
            columns = part if isinstance(part, RelationColumns) else cls.from_models(part)
            # each part's set positions moved past those of the parts before it
            moved = pc.add(columns._table.column(_FIELDS_SET), pa.scalar(len(fields_sets), pa.int32()))
            tables.append(columns._table.set_column(columns._table.schema.get_field_index(_FIELDS_SET),
                                                    _FIELDS_SET, moved))
            fields_sets.extend(columns._fields_sets)
        if not tables:
            return cls.from_models([])
        return cls(pa.concat_tables(tables), fields_sets)

    @property
    def table(self) -> pa.Table:
        """The relations' ``RELATION_COLUMNS``, a row each in their order."""
        return self._table.select(list(RELATION_COLUMNS))

    def keys(self, record_id_field: str) -> pa.ChunkedArray:
        """The record key of each relation's ``from_record_id`` or ``to_record_id``."""
        return record_keys(self._table.column("source"), self._table.column(record_id_field))

    def faults(self, known: pa.Array) -> list[int]:
        """Positions of the relations from or to a record key not in ``known`` (duplicates
        allowed), or from a record to itself.

        Both ends are looked up in one call: each call hashes ``known`` anew, half a second at a
        million keys."""
        from_keys, to_keys = self.keys("from_record_id"), self.keys("to_record_id")
        found = pc.is_in(pa.chunked_array(from_keys.chunks + to_keys.chunks, pa.string()), value_set=known)
        named = pc.and_(found.slice(0, len(self)), found.slice(len(self)))
        wrong = pc.or_(pc.invert(named), pc.equal(from_keys, to_keys))
        return pc.indices_nonzero(wrong).to_pylist()

    def without(self, positions: Sequence[int]) -> RelationColumns:
        """These relations less those at ``positions`` (itself when there are none)."""
        if not positions:
            return self
        keep = pc.invert(pc.is_in(pa.array(range(len(self)), pa.int64()), value_set=pa.array(positions, pa.int64())))
        return RelationColumns(self._table.filter(keep), self._fields_sets)

    def __len__(self) -> int:
        return self._table.num_rows

    @overload
    def __getitem__(self, index: int) -> Relation: ...

    @overload
    def __getitem__(self, index: slice) -> list[Relation]: ...

    def __getitem__(self, index: int | slice) -> Relation | list[Relation]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError("relation index out of range")
        return next(self._models(self._table.slice(index % len(self), 1)))

    def __iter__(self) -> Iterator[Relation]:
        for start in range(0, len(self), _CHUNK):
            yield from self._models(self._table.slice(start, _CHUNK))

    def _models(self, rows: pa.Table) -> Iterator[Relation]:
        """The models of ``rows``, not validated again (``models_of_columns``)."""
        columns = [rows.column(name).to_pylist() for name in _FIELDS]
        at = _FIELDS.index("relation")
        columns[at] = [_KINDS[kind] for kind in columns[at]]
        return models_of_columns(Relation, columns, rows.column(_FIELDS_SET).to_pylist(), self._sets)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RelationColumns({len(self)} relations)"
