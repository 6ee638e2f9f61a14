"""``pairs.parquet``: every scored pair of a run, with the match weight of each comparison.

One row per pair at or above the review threshold, in ``PAIRS_SCHEMA``'s columns: ``entity_type``,
``record_l``, ``record_r`` (record keys), ``match_probability`` (6 digits), ``match_weight`` (4),
``merged`` (whether the pair joined its two records: a pair over the merge threshold may have been
kept apart), ``weights`` (comparison -> match weight, 4 digits) and ``tf_adjustments`` (comparison
-> term-frequency adjustment); a comparison whose weight is null is left out of its map. Rows are
sorted by entity type, each type's pairs in Splink's order, so a pair written twice is adjacent.

Parquet, not JSON lines: at a million records a run scores some 3.3 million pairs, which took
919 MB and 12-15 s of DuckDB as ``pairs.jsonl``, and ``tracegraph explain`` read all of it (15 s)
to show one entity. Run folders written before hold ``pairs.jsonl`` with the same fields; every
reader here takes either (Parquet first), so older runs still load, explain and continue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from resolution.errors import RunFolderError
from resolution.run_folder import read_jsonl

PAIRS = "pairs.parquet"
LEGACY_PAIRS = "pairs.jsonl"
"""What run folders written before ``pairs.parquet`` hold instead: one JSON object a line."""

WEIGHTS = pa.map_(pa.string(), pa.float64())
PAIRS_SCHEMA = pa.schema([
    pa.field("entity_type", pa.string()),
    pa.field("record_l", pa.string()),
    pa.field("record_r", pa.string()),
    pa.field("match_probability", pa.float64()),
    pa.field("match_weight", pa.float64()),
    pa.field("merged", pa.bool_()),
    pa.field("weights", WEIGHTS),
    pa.field("tf_adjustments", WEIGHTS),
])
_MAPS = ("weights", "tf_adjustments")
_BATCH_ROWS = 100_000
COMPRESSION = "zstd"


def pairs_path(run_dir: Path) -> Path:
    """The run folder's pairs file: ``pairs.parquet``, else an older run's ``pairs.jsonl``."""
    for name in (PAIRS, LEGACY_PAIRS):
        if (run_dir / name).exists():
            return run_dir / name
    raise RunFolderError(f"{run_dir / PAIRS} is missing: is {run_dir} a complete run folder?")


def open_pairs_writer(path: Path) -> pq.ParquetWriter:
    """A writer of ``PAIRS_SCHEMA`` batches to ``path``. An older run's ``pairs.jsonl`` beside it is
    removed, so that a folder written again holds one pairs file, the new one."""
    path.with_name(LEGACY_PAIRS).unlink(missing_ok=True)
    return pq.ParquetWriter(path, PAIRS_SCHEMA, compression=COMPRESSION)


def write_pair_rows(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write pairs given as dictionaries (the fields of ``PAIRS_SCHEMA``; the maps as dictionaries,
    keys in name order, as ``read_pairs`` and ``resolution.link.evidence.evidence_rows`` give them)
    to ``path``, in their order; returns how many."""
    count = 0
    iterator = iter(rows)
    with open_pairs_writer(path) as writer:
        while chunk := list(islice(iterator, _BATCH_ROWS)):
            writer.write_batch(pa.RecordBatch.from_pylist(chunk, schema=PAIRS_SCHEMA))
            count += len(chunk)
    return count


def write_pairs_table(path: Path, table: pa.Table) -> int:
    """Write a table of ``PAIRS_SCHEMA`` to ``path`` as it is; returns how many pairs."""
    with open_pairs_writer(path) as writer:
        writer.write_table(table.cast(PAIRS_SCHEMA), row_group_size=_BATCH_ROWS)
    return table.num_rows


def _flat(maps: pa.MapArray) -> tuple[list[int], list[str], list[float]]:
    """The map array's offsets, keys and items as lists, the offsets into those keys and items.
    (Arrow's ``keys`` and ``items`` ignore a slice, so they are cut to the slice's entries first:
    a batch sliced from a table would otherwise turn every key of the table into Python.)"""
    offsets = maps.offsets.to_pylist()
    first, last = offsets[0], offsets[-1]
    keys = maps.keys.slice(first, last - first).to_pylist()
    items = maps.items.slice(first, last - first).to_pylist()
    return ([offset - first for offset in offsets] if first else offsets), keys, items


def _dictionaries(maps: pa.MapArray) -> list[dict[str, float]]:
    """Each map of ``maps`` as a dictionary (a null map as an empty one), taken from the flat keys
    and items by the offsets: six times faster than Arrow's own rows (a list of pairs per map)."""
    offsets, keys, items = _flat(maps)
    return [dict(zip(keys[start:end], items[start:end], strict=True)) for start, end in pairwise(offsets)]


def batch_rows(batch: pa.RecordBatch) -> Iterator[dict[str, Any]]:
    """The rows of a batch of ``PAIRS_SCHEMA`` as dictionaries, built a column at a time."""
    columns = [_dictionaries(batch.column(n)) if n in _MAPS else batch.column(n).to_pylist()
               for n in PAIRS_SCHEMA.names]
    return ({"entity_type": kind, "record_l": left, "record_r": right, "match_probability": probability,
             "match_weight": weight, "merged": merged, "weights": weights, "tf_adjustments": adjustments}
            for kind, left, right, probability, weight, merged, weights, adjustments in zip(*columns, strict=True))


def _wanted(batch: pa.RecordBatch, merged_only: bool, within: pa.Array | None) -> pa.RecordBatch:
    keep = None
    if merged_only:
        keep = batch.column("merged")
    if within is not None:
        inside = pc.and_(pc.is_in(batch.column("record_l"), within), pc.is_in(batch.column("record_r"), within))
        keep = inside if keep is None else pc.and_(keep, inside)
    return batch if keep is None else batch.filter(keep)


def read_pairs(run_dir: Path, *, merged_only: bool = False,
               within: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
    """The run's pairs as dictionaries (the maps as dictionaries, in name order), in file order:
    all of them, the merged ones only, and/or only those whose two records are both ``within``.
    The filters are applied in Arrow before any row becomes a dictionary."""
    path = pairs_path(run_dir)
    if path.name == LEGACY_PAIRS:
        yield from _legacy_pairs(path, merged_only, within)
        return
    keys = pa.array(sorted(within), pa.string()) if within is not None else None
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH_ROWS):
        yield from batch_rows(_wanted(batch, merged_only, keys))


def _legacy_pairs(path: Path, merged_only: bool, within: Collection[str] | None) -> Iterator[dict[str, Any]]:
    members = set(within) if within is not None else None
    for row in read_jsonl(path):
        if merged_only and not row["merged"]:
            continue
        if members is not None and not (row["record_l"] in members and row["record_r"] in members):
            continue
        yield row


Matched = tuple[str, str, float, float, list[str], list[float]]
"""A merged pair as the graph holds it: ``record_l``, ``record_r``, probability, match weight, the
comparisons in name order and their weights."""


def read_matched(run_dir: Path) -> Iterator[Matched]:
    """The run's merged pairs in file order as ``Matched`` tuples: the weights' names and values as
    two lists cut from the map's flat keys and items, with no dictionary per pair (3 times faster
    than ``read_pairs`` at a million records)."""
    path = pairs_path(run_dir)
    if path.name == LEGACY_PAIRS:
        for row in _legacy_pairs(path, True, None):
            names = sorted(row["weights"])
            yield (row["record_l"], row["record_r"], row["match_probability"], row["match_weight"], names,
                   [row["weights"][name] for name in names])
        return
    columns = ["record_l", "record_r", "match_probability", "match_weight", "merged", "weights"]
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH_ROWS, columns=columns):
        merged = batch.filter(batch.column("merged"))
        offsets, keys, items = _flat(merged.column("weights"))
        yield from zip(*(merged.column(name).to_pylist() for name in columns[:4]),
                       (keys[a:b] for a, b in pairwise(offsets)), (items[a:b] for a, b in pairwise(offsets)),
                       strict=True)


def count_pairs(run_dir: Path, *, merged_only: bool = False) -> int:
    """How many pairs the run holds (merged ones only with ``merged_only``), from the ``merged``
    column alone."""
    path = pairs_path(run_dir)
    if path.name == LEGACY_PAIRS:
        return sum(1 for _ in _legacy_pairs(path, merged_only, None))
    if not merged_only:
        return pq.ParquetFile(path).metadata.num_rows
    return pc.sum(pq.read_table(path, columns=["merged"]).column("merged")).as_py() or 0


def read_pairs_table(run_dir: Path) -> pa.Table:
    """All of the run's pairs as one table of ``PAIRS_SCHEMA`` (from ``pairs.jsonl`` too)."""
    path = pairs_path(run_dir)
    if path.name == PAIRS:
        return pq.read_table(path, schema=PAIRS_SCHEMA)
    rows = list(read_jsonl(path))
    return pa.Table.from_pylist(rows, schema=PAIRS_SCHEMA)
