"""The run folder: the files each stage writes and the next one reads.

``clusters.csv`` (source,record_id,entity_id), ``quarantine.csv``, ``entities.jsonl``,
``records.jsonl``, ``addresses.jsonl``, ``registered_at.jsonl``, ``sanctions.jsonl``,
``listed_on.jsonl``, ``relations.jsonl``, ``possibly_same_as.jsonl``, ``pairs.parquet`` (scored
pairs with per-comparison match weights: ``resolution.pairs_file``), ``kept_apart.csv`` (pairs over the merge threshold left
unmerged, with the field whose two values they would have joined: ``resolution.link.conflicts``),
``attached.csv`` (records left alone by the clustering that joined the entity holding most records
of their name, with the figures: ``resolution.link.lone_records``),
``model_<type>.json`` and ``summary.json``.

For incremental runs (``tracegraph resolve --previous RUN_DIR``) a run folder also keeps what a
later run needs to continue from it: ``record_relations.jsonl`` (the record-level relations as
read, since ``relations.jsonl`` holds them aggregated per entity pair) and ``redirects.csv``
(old_id,new_id: entity ids that a merge retired, each pointing at the id that lives on). Records
come back from ``records.jsonl`` and listings from ``sanctions.jsonl``, which hold them whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from resolution.errors import RunFolderError

CLUSTERS = "clusters.csv"
QUARANTINE = "quarantine.csv"
SUMMARY = "summary.json"
RECORD_RELATIONS = "record_relations.jsonl"
REDIRECTS = "redirects.csv"
REDIRECT_COLUMNS = ["old_id", "new_id"]
KEPT_APART = "kept_apart.csv"
KEPT_APART_COLUMNS = ["entity_type", "record_l", "record_r", "match_probability", "field", "value_l", "value_r"]
ATTACHED = "attached.csv"
ATTACHED_COLUMNS = ["entity_type", "record", "joined_record", "name", "joined_name", "entity_records",
                    "candidate_records", "share"]
GRAPH_FILES = (
    "entities", "records", "addresses", "registered_at", "sanctions", "listed_on", "relations",
    "possibly_same_as",
)
QUARANTINE_COLUMNS = ["source", "record_id", "field", "reason", "kind", "file", "line"]


_JSONL_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object a line, keys sorted (so the same rows give the same bytes), UTF-8."""
    count = 0
    with path.open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row, option=_JSONL_OPTIONS))
            count += 1
    return count


def write_lines(path: Path, chunks: Iterable[pa.Array | pa.ChunkedArray]) -> int:
    """Write text arrays whose every value is one whole line (newline included), as they are:
    each array's data buffer holds its lines back to back, so no value becomes a Python string.
    Returns the number of lines."""
    count = 0
    with path.open("wb") as handle:
        for chunk in chunks:
            for array in chunk.chunks if isinstance(chunk, pa.ChunkedArray) else [chunk]:
                if array.null_count:
                    raise ValueError(f"{path.name}: a line is null")
                offsets = array.buffers()[1]
                width = 8 if pa.types.is_large_string(array.type) else 4
                first = int.from_bytes(offsets[array.offset * width:(array.offset + 1) * width], "little")
                end = array.offset + len(array)
                last = int.from_bytes(offsets[end * width:(end + 1) * width], "little")
                if last > first:
                    handle.write(memoryview(array.buffers()[2])[first:last])
                count += len(array)
    return count


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        raise RunFolderError(f"{path} is missing: is {path.parent} a complete run folder?")
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def write_csv_tuples(path: Path, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """``write_csv`` of rows given as tuples in the order of ``columns`` (no dictionary per row)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def read_csv(path: Path, *, missing_ok: bool = False) -> list[dict[str, str]]:
    """Rows of a CSV the run folder holds (``clusters.csv``, ``quarantine.csv``, ...). A missing
    file is an error, or no rows with ``missing_ok`` (files that older run folders lack)."""
    if not path.exists():
        if missing_ok:
            return []
        raise RunFolderError(f"{path} is missing: is {path.parent} a complete run folder?")
    with path.open("r", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_run_folder(run_dir: Path) -> None:
    """Raise ``RunFolderError`` naming what is missing when ``run_dir`` is not a finished run."""
    if not run_dir.is_dir():
        raise RunFolderError(f"run folder {run_dir} does not exist")
    missing = [n for n in (*(f"{g}.jsonl" for g in GRAPH_FILES), CLUSTERS, SUMMARY) if not (run_dir / n).exists()]
    if missing:
        raise RunFolderError(f"run folder {run_dir} is incomplete, missing: {', '.join(missing)}")
