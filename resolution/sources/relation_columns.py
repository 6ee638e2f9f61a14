"""Relations held as Arrow columns and read as a sequence of ``Relation`` models
(``resolution.sources.model_columns``).

A million-record world has some 830k relations, and the bulk path wants them as columns: the
check for references to unknown records (``InputBatch.finish``) and the entity builder's DuckDB
(``resolution.entities.tables.relation_table``). The worker that reads the relations file beside
the records (``resolution.sources.parallel``) hands them over as an Arrow table, which this
process takes without a copy. Rebuilding the 830k models here took 1.6-2.1 s after 0.5 s of
unpickling them, and turning them back into columns for the entity builder took another 0.85 s.
An incremental run compares them with the previous run's as models.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from resolution.models import Relation, RelationType
from resolution.sources.model_columns import ModelColumns, record_keys

RELATION_COLUMNS: dict[str, pa.DataType] = {
    **dict.fromkeys(("source", "from_record_id", "to_record_id", "relation", "start_date", "end_date", "hs_code"),
                    pa.string()),
    "share_pct": pa.float64(), "value_usd": pa.float64(), "shipments": pa.int64(),
}
"""The relation's fields as the entity builder takes them (``relation`` as its text value)."""

_KINDS = {kind.value: kind for kind in RelationType}


class RelationColumns(ModelColumns[Relation]):
    """Relations as one Arrow table (``RELATION_COLUMNS`` and each row's given-fields set),
    equal to the list of the same models."""

    MODEL = Relation
    COLUMNS = RELATION_COLUMNS

    def keys(self, record_id_field: str) -> pa.ChunkedArray:
        """The record key of each relation's ``from_record_id`` or ``to_record_id``."""
        return record_keys(self._table.column("source"), self._table.column(record_id_field))

    def faults(self, known: pa.Array | pa.ChunkedArray) -> list[int]:
        """Positions of the relations from or to a record key not in ``known`` (duplicates
        allowed), or from a record to itself.

        Both ends are looked up in one call: each call hashes ``known`` anew, half a second at a
        million keys."""
        from_keys, to_keys = self.keys("from_record_id"), self.keys("to_record_id")
        found = pc.is_in(pa.chunked_array(from_keys.chunks + to_keys.chunks, pa.string()), value_set=known)
        named = pc.and_(found.slice(0, len(self)), found.slice(len(self)))
        wrong = pc.or_(pc.invert(named), pc.equal(from_keys, to_keys))
        return pc.indices_nonzero(wrong).to_pylist()

    def _field_values(self, rows: pa.Table, name: str) -> list[Any]:
        values = rows.column(name).to_pylist()
        return [_KINDS[kind] for kind in values] if name == "relation" else values
