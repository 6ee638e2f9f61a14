"""Models held as one Arrow table and read as a sequence of those models.

A million-record run's bulk path wants its records and relations as columns: the reading checks
(``InputBatch.finish``), the feature tables (``resolution.link.features``) and the entity builder's
DuckDB (``resolution.entities.tables``). As pydantic models they took some 0.65 GB for a million
records (a model and its ``__dict__`` are 552 bytes before any value), and turning them back into
columns for the entity builder took 2-3 s. ``RecordColumns`` and ``RelationColumns`` hold them as
columns instead and give a model only when one is asked for, by position or by iterating: it is
not validated again (it was, by the same model, before it became a row), and it keeps the set of
field names its file gave (``model_fields_set``), as the model read from the file had.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar, Generic, Self, TypeVar, overload

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from resolution.models import fields_set_positions, models_of_columns

M = TypeVar("M", bound=BaseModel)

FIELDS_SET = "fields_set"
"""The column of each row's position among the distinct sets of given field names."""

_TRANSPOSE_ROWS = 100_000
"""Objects whose fields are held as Python tuples at once (``columns_of_models``): 17 fields of a
million records took some 330 MB so."""

_CHUNK = 65_536
"""Rows whose Python values are held at once while iterating."""


def arrays_of_rows(rows: Sequence[Sequence[Any]], types: Mapping[str, pa.DataType]) -> dict[str, pa.Array]:
    """Rows of values (in the order of ``types``' names) as one Arrow array per name, of its type:
    the rows transposed in one pass."""
    if not rows:
        return {name: pa.array([], kind) for name, kind in types.items()}
    return {name: pa.array(values, kind)
            for (name, kind), values in zip(types.items(), zip(*rows, strict=True), strict=True)}


def columns_of_models(objects: Sequence[BaseModel], types: Mapping[str, pa.DataType]) -> dict[str, pa.ChunkedArray]:
    """The fields of pydantic ``objects`` named by ``types`` as Arrow arrays of those types: per
    chunk of objects, one pass over their dictionaries and a transpose (``arrays_of_rows``), three
    times faster at a million records than a pass per field (each pass visits every object again)."""
    values_of = itemgetter(*types)
    chunks = [arrays_of_rows([values_of(o.__dict__) for o in objects[start:start + _TRANSPOSE_ROWS]], types)
              for start in range(0, len(objects), _TRANSPOSE_ROWS)]
    return {name: pa.chunked_array([chunk[name] for chunk in chunks], kind) for name, kind in types.items()}


def record_keys(sources: pa.ChunkedArray | pa.Array, record_ids: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """``record_key`` (``source:record_id``) of each pair of values, a column at a time."""
    return pc.binary_join_element_wise(sources, record_ids, ":")


class ModelColumns(Sequence[M], Generic[M]):
    """Models of ``MODEL`` as one Arrow table (``COLUMNS`` and each row's given-fields set), equal
    to the list of the same models. A subclass names its model and columns, and turns a column's
    Python values into the model's where they differ (``_field_values``)."""

    MODEL: ClassVar[type[BaseModel]]
    COLUMNS: ClassVar[dict[str, pa.DataType]]
    """Every field of the model, as the bulk path takes it (an enumeration as its text value)."""

    def __init__(self, table: pa.Table, fields_sets: Sequence[frozenset[str]]) -> None:
        self._table = table
        self._fields_sets = list(fields_sets)
        self._sets = [set(names) for names in self._fields_sets]  # one object each, shared by the models

    @classmethod
    def from_models(cls, items: Sequence[M]) -> Self:
        """The columns of ``items``."""
        fields_set_of, fields_sets = fields_set_positions(items)
        columns = columns_of_models(items, cls.COLUMNS)
        columns[FIELDS_SET] = pa.chunked_array([pa.array(fields_set_of, pa.int32())])
        return cls(pa.table(columns), fields_sets)

    @classmethod
    def joined(cls, parts: Sequence[Sequence[M]]) -> Self:
        """``parts`` one after another (columns taken as they are, lists of models made columns)."""
        tables: list[pa.Table] = []
        fields_sets: list[frozenset[str]] = []
        for part in parts:
            columns = part if isinstance(part, cls) else cls.from_models(part)
            # each part's set positions moved past those of the parts before it
            moved = pc.add(columns._table.column(FIELDS_SET), pa.scalar(len(fields_sets), pa.int32()))
            tables.append(columns._table.set_column(columns._table.schema.get_field_index(FIELDS_SET),
                                                    FIELDS_SET, moved))
            fields_sets.extend(columns._fields_sets)
        if not tables:
            return cls.from_models([])
        return cls(pa.concat_tables(tables), fields_sets)

    @property
    def table(self) -> pa.Table:
        """The models' ``COLUMNS``, a row each in their order."""
        return self._table.select(list(self.COLUMNS))

    def values(self, name: str) -> list[Any]:
        """The Python values of the column ``name`` (as ``COLUMNS`` holds it), a row each."""
        return self._table.column(name).to_pylist()

    def where(self, mask: pa.ChunkedArray | pa.Array) -> Self:
        """The rows where ``mask`` is true, in their order."""
        return type(self)(self._table.filter(mask), self._fields_sets)

    def without(self, positions: Sequence[int]) -> Self:
        """These rows less those at ``positions`` (itself when there are none)."""
        if not positions:
            return self
        return self.where(pc.invert(pc.is_in(pa.array(range(len(self)), pa.int64()),
                                             value_set=pa.array(positions, pa.int64()))))

    def __len__(self) -> int:
        return self._table.num_rows

    @overload
    def __getitem__(self, index: int) -> M: ...

    @overload
    def __getitem__(self, index: slice) -> list[M]: ...

    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(f"{self.MODEL.__name__} index out of range")
        return next(self._models(self._table.slice(index % len(self), 1)))

    def __iter__(self) -> Iterator[M]:
        for start in range(0, len(self), _CHUNK):
            yield from self._models(self._table.slice(start, _CHUNK))

    def _field_values(self, rows: pa.Table, name: str) -> list[Any]:
        """The model's values of the field ``name`` for ``rows``: the column's as they are, unless
        a subclass says otherwise."""
        return rows.column(name).to_pylist()

    def _models(self, rows: pa.Table) -> Iterator[M]:
        """The models of ``rows``, not validated again (``models_of_columns``)."""
        columns = [self._field_values(rows, name) for name in self.MODEL.model_fields]
        return models_of_columns(self.MODEL, columns, rows.column(FIELDS_SET).to_pylist(),  # type: ignore[return-value]
                                 self._sets)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} rows)"
