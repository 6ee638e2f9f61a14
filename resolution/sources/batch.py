"""What the readers of one run produce: records, relations, listings and the quarantine.

Every reader hands its rows to ``InputBatch.accept``, which validates them with the shared pydantic
models; a row that fails becomes one quarantine row per failing field (source, record id, field,
reason, file and line), so no reader drops a row silently. ``finish`` then sets aside duplicate
record keys and relations or listings that point at records not in the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ValidationError

from resolution.errors import validation_message
from resolution.models import (
    LISTING_FIELDS,
    RECORD_FIELDS,
    RELATION_FIELDS,
    Listing,
    QuarantineRow,
    Record,
    Relation,
    record_key,
)
from resolution.sources.record_columns import RecordColumns
from resolution.sources.relation_columns import RelationColumns

Kind = Literal["records", "relations", "listings"]
KIND_RECORDS: Kind = "records"
KIND_RELATIONS: Kind = "relations"
KIND_LISTINGS: Kind = "listings"
T = TypeVar("T")


def row_id(kind: Kind, row: dict[str, Any]) -> str:
    """The id a quarantine row names: the record id, or ``from->to`` for a relation."""
    if kind == KIND_RELATIONS:
        return f"{row.get('from_record_id') or '?'}->{row.get('to_record_id') or '?'}"
    return str(row.get("record_id") or "?")


def split_record_row(row: dict[str, Any]) -> dict[str, Any]:
    """Known record fields stay; every other non-empty column becomes an attribute."""
    known = {k: v for k, v in row.items() if k in RECORD_FIELDS}
    extra = {
        str(k): str(v)
        for k, v in row.items()
        if k not in RECORD_FIELDS and k != "attributes" and k is not None and v not in (None, "")
    }
    if isinstance(row.get("attributes"), dict):
        extra.update({str(k): str(v) for k, v in row["attributes"].items() if v not in (None, "")})
    known["attributes"] = extra
    return known


def _validate(kind: Kind, row: dict[str, Any]) -> Record | Relation | Listing:
    if kind == KIND_RECORDS:
        return Record.model_validate(split_record_row(row))
    allowed = RELATION_FIELDS if kind == KIND_RELATIONS else LISTING_FIELDS
    values = {k: v for k, v in row.items() if k in allowed}
    model = Relation if kind == KIND_RELATIONS else Listing
    return model.model_validate(values)


def _message(error: Any) -> str:
    if error["type"] == "missing":
        return "is missing"
    if error.get("input") is None:
        return "is empty"
    return validation_message(error)


@dataclass
class InputBatch:
    """Everything read from the inputs of one run, with what was set aside."""

    # a list while being read; columns once finished so (``finish(records_as_columns=True)``) or
    # when a worker read them (``RecordColumns``)
    records: list[Record] | RecordColumns = field(default_factory=list)
    # a list while being read; columns when a worker read them (``RelationColumns``)
    relations: list[Relation] | RelationColumns = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    quarantine: list[QuarantineRow] = field(default_factory=list)
    rows_read: int = 0
    # whether a reader that can should give the records as columns (``RecordColumns``)
    records_as_columns: bool = field(default=False, compare=False)
    # one set object per distinct set of field names given (see ``_share_fields_set``)
    _fields_sets: dict[frozenset[str], set[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def joined(cls, parts: Iterable[InputBatch]) -> InputBatch:
        """One batch of ``parts`` (read from files in that order), as if read into one batch."""
        batch = cls()
        records: list[Sequence[Record]] = []
        relations: list[Sequence[Relation]] = []
        for part in parts:
            records.append(part.records)
            relations.append(part.relations)
            batch.listings.extend(part.listings)
            batch.quarantine.extend(part.quarantine)
            batch.rows_read += part.rows_read
        batch.records = _joined(records, RecordColumns)
        batch.relations = _joined(relations, RelationColumns)
        return batch

    def set_aside(self, kind: Kind, row: dict[str, Any], field_name: str, reason: str, *,
                  file: str, line: int | None) -> None:
        """Quarantine ``row`` with the field at fault and why."""
        self.quarantine.append(QuarantineRow(
            source=str(row.get("source") or "?"), record_id=row_id(kind, row), field=field_name,
            reason=reason, kind=kind, file=file, line=line,
        ))

    def accept(self, kind: Kind, row: dict[str, Any], *, file: str, line: int | None) -> bool:
        """Validate one row into a record, relation or listing; quarantine it when it fails."""
        try:
            item = _validate(kind, row)
        except ValidationError as exc:
            # without their context: a validator's own exception would be kept in it, and its
            # traceback holds this frame, whose loop variable holds the error again. That cycle
            # kept this batch (and every record it holds) alive while the collector is paused
            # (``resolution.collector``): for the whole of a run.
            for error in exc.errors(include_url=False, include_context=False):
                location = ".".join(str(part) for part in error["loc"]) or "<row>"
                self.set_aside(kind, row, location, _message(error), file=file, line=line)
            return False
        self._share_fields_set(item)
        self.add(item)
        return True

    def add(self, item: Record | Relation | Listing) -> None:
        """Keep a model validated elsewhere (``resolution.sources.prevalidated``)."""
        if isinstance(item, Record):
            if isinstance(self.records, RecordColumns):  # a reader gave columns before: models again
                self.records = list(self.records)
            self.records.append(item)
        elif isinstance(item, Relation):
            self.relations.append(item)
        else:
            self.listings.append(item)

    def shared_fields_set(self, names: frozenset[str]) -> set[str]:
        """The one set object this batch gives models validated with the fields ``names``."""
        return self._fields_sets.setdefault(names, set(names))

    def _share_fields_set(self, item: BaseModel) -> None:
        """Point ``item`` at the one shared set of the names of the fields it was given.

        pydantic keeps that set per instance (``model_fields_set``): 728 bytes, half of a record's
        own size, for what is the same handful of column names in every row of a file. The models
        are frozen, so nothing adds to the set after validation (``model_copy`` copies it first)."""
        names = item.__pydantic_fields_set__
        shared = self._fields_sets.setdefault(frozenset(names), names)
        if shared is not names:
            object.__setattr__(item, "__pydantic_fields_set__", shared)

    def finish(self, *, records_as_columns: bool = False) -> None:
        """Set aside duplicate record keys, then relations and listings naming unknown records;
        with ``records_as_columns``, hold the records as columns first (``RecordColumns``, as a
        full run's bulk path takes them).

        The keys are made a column at a time and checked by Arrow; only the rows at fault (rare)
        are visited one by one. At a million records this took 1.4 s where a property call per key
        and a check per row took 3.0 s. Relations held as columns (``RelationColumns``, as a
        reading worker hands them over) are checked by Arrow too: 0.4 s for 830k."""
        if records_as_columns and not isinstance(self.records, RecordColumns):
            self.records = RecordColumns.from_models(self.records)
        keys = (self.records.keys() if isinstance(self.records, RecordColumns)
                else pa.array(_keys(self.records, "source", "record_id"), pa.string()))
        self._drop_duplicate_records(keys)
        self._drop_dangling(keys)

    def _drop_duplicate_records(self, keys: pa.Array | pa.ChunkedArray) -> None:
        """Keep the first record of each of ``keys`` (the records')."""
        if pc.count_distinct(keys).as_py() == len(keys):
            return
        seen: set[str] = set()
        repeated: list[int] = []
        for position, key in enumerate(keys.to_pylist()):
            if key in seen:
                repeated.append(position)
            seen.add(key)
        for position in repeated:
            self._set_aside_by_id(self.records[position], KIND_RECORDS,
                                  "duplicate record key (source, record_id): first one kept")
        self.records = (self.records.without(repeated) if isinstance(self.records, RecordColumns)
                        else _without(self.records, repeated))

    def _drop_dangling(self, keys: pa.Array | pa.ChunkedArray) -> None:
        """Set aside the relations and listings naming a record not among ``keys``."""
        if isinstance(self.relations, RelationColumns):
            faults = self.relations.faults(keys)
            known: set[str] | None = None
        else:
            known = set(keys.to_pylist())
            from_keys = _keys(self.relations, "source", "from_record_id")
            to_keys = _keys(self.relations, "source", "to_record_id")
            faults = [i for i, (a, b) in enumerate(zip(from_keys, to_keys, strict=True))
                      if a not in known or b not in known or a == b]
        if faults and known is None:
            known = set(keys.to_pylist())
        for i in faults:
            relation = self.relations[i]
            missing = [name for name in ("from_record_id", "to_record_id")
                       if record_key(relation.source, getattr(relation, name)) not in known]  # type: ignore[operator]
            self.quarantine.append(QuarantineRow(
                source=relation.source, record_id=f"{relation.from_record_id}->{relation.to_record_id}",
                field=missing[0] if missing else "to_record_id",
                reason="refers to a record that is not in the input (or was quarantined)" if missing
                else "relation from a record to itself",
                kind=KIND_RELATIONS, file="", line=None,
            ))
        self.relations = (self.relations.without(faults) if isinstance(self.relations, RelationColumns)
                          else _without(self.relations, faults))
        listing_keys = pa.array(_keys(self.listings, "source", "record_id"), pa.string())
        unknown = pc.indices_nonzero(pc.invert(pc.is_in(listing_keys, value_set=keys))).to_pylist()
        for i in unknown:
            self._set_aside_by_id(self.listings[i], KIND_LISTINGS,
                                  "listing names a record that is not in the input (or was quarantined)")
        self.listings = _without(self.listings, unknown)

    def _set_aside_by_id(self, item: Record | Listing, kind: Kind, reason: str) -> None:
        """Quarantine a validated record or listing for its ``record_id``."""
        self.quarantine.append(QuarantineRow(source=item.source, record_id=item.record_id, field="record_id",
                                             reason=reason, kind=kind, file="", line=None))


def _joined(parts: list[Sequence[T]], columns: type[RecordColumns | RelationColumns]) -> Any:
    """``parts`` one after another: as ``columns`` when any part is held so, else as one list."""
    if any(isinstance(part, columns) for part in parts):
        return columns.joined(parts)  # type: ignore[arg-type]
    return [item for part in parts for item in part]


def _keys(items: Sequence[BaseModel], source: str, record_id: str) -> list[str]:
    """``record_key`` of each item's ``source`` and ``record_id`` fields, a column at a time."""
    return list(map(record_key, map(attrgetter(source), items), map(attrgetter(record_id), items)))


def _without(items: list[T], positions: list[int]) -> list[T]:
    """``items`` less those at ``positions`` (the same list when there are none)."""
    if not positions:
        return items
    dropped = set(positions)
    return [item for i, item in enumerate(items) if i not in dropped]
