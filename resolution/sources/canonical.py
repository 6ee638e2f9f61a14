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
from pathlib import Path
from typing import Any

from resolution.errors import InputFileError
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, InputBatch, Kind

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

def _kind_of(columns: Iterable[str], path: Path) -> Kind:
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


def read(path: Path, batch: InputBatch) -> None:
    """Read one canonical file into ``batch``; bad rows are quarantined, a bad file raises."""
    columns, rows = _rows(path)
    kind = _kind_of(columns, path)
    for line, row in rows:
        batch.rows_read += 1
        if "__error__" in row:
            batch.set_aside(kind, row, "<row>", row["__error__"], file=str(path), line=line)
        elif None in row:  # csv.DictReader puts surplus cells under the None key
            cells = len(columns) + len(row[None])
            batch.set_aside(kind, row, "<row>", f"row has {cells} cells, header has {len(columns)}",
                            file=str(path), line=line)
        elif (bad := _bad_encoding_field(row)) is not None:
            batch.set_aside(kind, row, bad, "not valid UTF-8 text", file=str(path), line=line)
        else:
            batch.accept(kind, row, file=str(path), line=line)


def read_canonical(paths: Iterable[Path]) -> InputBatch:
    """Read canonical files only (no format detection); ``finish`` applied."""
    batch = InputBatch()
    for path in paths:
        read(Path(path), batch)
    batch.finish()
    return batch
