"""Reader for the canonical format (DESIGN.md): CSV, JSON lines or Parquet files.

A file's kind is told by its columns: ``entity_type`` -> records, ``relation`` -> relations,
``list_name`` -> listings. Each row is validated with the pydantic models; a row that fails goes to
the quarantine with its source, record id, the failing field and the reason, and the run goes on.
A file that cannot be read at all raises ``InputFileError``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from resolution.errors import InputFileError
from resolution.models import (
    LISTING_FIELDS,
    RECORD_FIELDS,
    RELATION_FIELDS,
    Listing,
    QuarantineRow,
    Record,
    Relation,
)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

KIND_RECORDS = "records"
KIND_RELATIONS = "relations"
KIND_LISTINGS = "listings"


@dataclass
class InputBatch:
    """Everything read from the inputs of one run, with what was set aside."""

    records: list[Record] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    quarantine: list[QuarantineRow] = field(default_factory=list)
    rows_read: int = 0


def _kind_of(columns: Iterable[str], path: Path) -> str:
    names = set(columns)
    if "entity_type" in names:
        return KIND_RECORDS
    if "relation" in names:
        return KIND_RELATIONS
    if "list_name" in names:
        return KIND_LISTINGS
    raise InputFileError(
        str(path),
        "cannot tell the kind of file: expected a column 'entity_type' (records), "
        f"'relation' (relations) or 'list_name' (listings); found {sorted(names)}",
    )


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    handle = path.open("r", encoding="utf-8", errors="surrogateescape", newline="")
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        handle.close()
        raise InputFileError(str(path), "empty CSV file (no header row)")
    columns = [c.strip().lstrip("\ufeff") for c in reader.fieldnames]
    reader.fieldnames = columns

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with handle:
            for row in reader:
                yield reader.line_num, row

    return columns, rows()


def _jsonl_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    with path.open("r", encoding="utf-8", errors="surrogateescape") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if line.strip()]
    columns: set[str] = set()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, line in lines:
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            value = {"__error__": f"invalid JSON: {exc.msg} at column {exc.colno}"}
        if not isinstance(value, dict):
            value = {"__error__": "a JSON line must hold an object"}
        columns.update(value)
        parsed.append((number, value))
    if not parsed:
        raise InputFileError(str(path), "empty JSON lines file")
    return sorted(columns - {"__error__"}), iter(parsed)


def _parquet_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise InputFileError(str(path), f"unreadable Parquet: {exc}") from exc
    return table.column_names, enumerate(table.to_pylist(), start=1)


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if not path.is_file():
        raise InputFileError(str(path), "not a file")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return _csv_rows(path)
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return _jsonl_rows(path)
    if suffix in {".parquet", ".pq"}:
        return _parquet_rows(path)
    raise InputFileError(str(path), f"unknown file format {suffix!r} (use .csv, .jsonl or .parquet)")


def _bad_encoding_field(row: dict[str, Any]) -> str | None:
    for key, value in row.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return str(key)
    return None


def _row_id(kind: str, row: dict[str, Any]) -> str:
    if kind == KIND_RELATIONS:
        return f"{row.get('from_record_id') or '?'}->{row.get('to_record_id') or '?'}"
    return str(row.get("record_id") or "?")


def _split_record_row(row: dict[str, Any]) -> dict[str, Any]:
    known = {k: v for k, v in row.items() if k in RECORD_FIELDS}
    extra = {
        str(k): str(v)
        for k, v in row.items()
        if k not in RECORD_FIELDS and k is not None and v not in (None, "")
    }
    if isinstance(row.get("attributes"), dict):
        extra.update({str(k): str(v) for k, v in row["attributes"].items() if v is not None})
    known["attributes"] = extra
    return known


def _validate(kind: str, row: dict[str, Any]) -> Record | Relation | Listing:
    if kind == KIND_RECORDS:
        return Record.model_validate(_split_record_row(row))
    allowed = RELATION_FIELDS if kind == KIND_RELATIONS else LISTING_FIELDS
    values = {k: v for k, v in row.items() if k in allowed}
    model = Relation if kind == KIND_RELATIONS else Listing
    return model.model_validate(values)


def read_file(path: Path, batch: InputBatch) -> None:
    """Read one file into ``batch``; bad rows are quarantined, a bad file raises."""
    columns, rows = _rows(path)
    kind = _kind_of(columns, path)
    for line, row in rows:
        batch.rows_read += 1
        source = str(row.get("source") or "?")
        row_id = _row_id(kind, row)

        def quarantine(field_name: str, reason: str, *, _s: str = source, _r: str = row_id) -> None:
            batch.quarantine.append(
                QuarantineRow(
                    source=_s, record_id=_r, field=field_name, reason=reason,
                    kind=kind, file=str(path), line=line,
                )
            )

        if "__error__" in row:
            quarantine("<row>", row["__error__"])
            continue
        if None in row:  # csv.DictReader puts surplus cells under the None key
            quarantine("<row>", f"row has {len(columns) + len(row[None])} cells, header has {len(columns)}")
            continue
        if (bad := _bad_encoding_field(row)) is not None:
            quarantine(bad, "not valid UTF-8 text")
            continue
        try:
            item = _validate(kind, row)
        except ValidationError as exc:
            for error in exc.errors():
                location = ".".join(str(part) for part in error["loc"]) or "<row>"
                message = error["msg"].removeprefix("Value error, ")
                if error.get("input") is None and error["type"] != "missing":
                    message = "is empty"
                elif error["type"] == "missing":
                    message = "is missing"
                quarantine(location, message)
            continue
        if isinstance(item, Record):
            batch.records.append(item)
        elif isinstance(item, Relation):
            batch.relations.append(item)
        else:
            batch.listings.append(item)


def _drop_duplicate_records(batch: InputBatch) -> None:
    seen: set[str] = set()
    kept: list[Record] = []
    for record in batch.records:
        if record.key in seen:
            batch.quarantine.append(
                QuarantineRow(
                    source=record.source, record_id=record.record_id, field="record_id",
                    reason="duplicate record key (source, record_id): first one kept",
                    kind=KIND_RECORDS, file="", line=None,
                )
            )
            continue
        seen.add(record.key)
        kept.append(record)
    batch.records = kept


def _drop_dangling(batch: InputBatch) -> None:
    known = {record.key for record in batch.records}
    relations: list[Relation] = []
    for relation in batch.relations:
        missing = [
            name
            for name, key in (("from_record_id", relation.from_key), ("to_record_id", relation.to_key))
            if key not in known
        ]
        if missing:
            batch.quarantine.append(
                QuarantineRow(
                    source=relation.source,
                    record_id=f"{relation.from_record_id}->{relation.to_record_id}",
                    field=missing[0],
                    reason="refers to a record that is not in the input (or was quarantined)",
                    kind=KIND_RELATIONS, file="", line=None,
                )
            )
            continue
        relations.append(relation)
    batch.relations = relations
    listings: list[Listing] = []
    for listing in batch.listings:
        if listing.key not in known:
            batch.quarantine.append(
                QuarantineRow(
                    source=listing.source, record_id=listing.record_id, field="record_id",
                    reason="listing names a record that is not in the input (or was quarantined)",
                    kind=KIND_LISTINGS, file="", line=None,
                )
            )
            continue
        listings.append(listing)
    batch.listings = listings


def read_inputs(paths: Iterable[Path]) -> InputBatch:
    """Read every input file; returns records, relations, listings and the quarantine."""
    batch = InputBatch()
    for path in paths:
        read_file(Path(path), batch)
    _drop_duplicate_records(batch)
    _drop_dangling(batch)
    return batch
