"""Scored pairs as evidence: the pairs file's rows (``resolution.pairs_file``), and what a run takes
from them.

Splink's scored pairs arrive as an Arrow table with every intermediate column retained (both
sides' values, gamma and Bayes factor columns...). Evidence keeps only the ids, the probability,
the match weight and the per-comparison weights (``mw_*``), so those columns are selected before
any row becomes a Python object: at a million records a run scores millions of pairs, and turning
whole rows into dictionaries cost more than linking them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from resolution.pairs_file import PAIRS_SCHEMA, batch_rows, open_pairs_writer

_ID_COLUMNS = ("unique_id_l", "unique_id_r", "match_probability", "match_weight")
MERGED = "merged"
PROBABILITY_DIGITS = 6
_WEIGHT_DIGITS = 4
TF_PREFIX = "mw_tf_adj_"
_BATCH_ROWS = 50_000


def evidence_columns(column_names: Iterable[str]) -> list[str]:
    """Of a scored-pairs table's columns, those evidence keeps (ids, probability, match weight,
    ``merged`` when the table has it, ``mw_*``), in that order."""
    names = list(column_names)
    return [*_ID_COLUMNS, *([MERGED] if MERGED in names else []), *(c for c in names if c.startswith("mw_"))]


def merged_flags(pairs: pa.Table, merge_threshold: float) -> pa.ChunkedArray:
    """Per pair, whether it was merged: the ``merged`` column of a linked type's pairs (a pair
    over the threshold may have been kept apart, ``resolution.link.conflicts``), else whether its
    probability reaches the threshold (pairs scored against a resolved set)."""
    if MERGED in pairs.column_names:
        return pairs.column(MERGED)
    return pc.greater_equal(pairs.column("match_probability"), merge_threshold)


def empty_pairs() -> pa.Table:
    """A scored-pairs table with no rows and the columns evidence reads: what an entity type with
    fewer than two records links to."""
    return pa.table({
        "unique_id_l": pa.array([], pa.string()), "unique_id_r": pa.array([], pa.string()),
        "match_probability": pa.array([], pa.float64()), "match_weight": pa.array([], pa.float64()),
    })


def evidence_table(pairs: pa.Table) -> pa.Table:
    """Only the columns evidence keeps (ids, probability, match weight, ``mw_*``)."""
    return pairs.select(evidence_columns(pairs.column_names))


def _weight_columns(table: pa.Table) -> tuple[list[str], list[str]]:
    """The per-comparison weight columns (``mw_name``) and the term-frequency ones (``mw_tf_adj_name``)."""
    adjustments = [c for c in table.column_names if c.startswith(TF_PREFIX)]
    return [c for c in table.column_names if c.startswith("mw_") and c not in adjustments], adjustments


def weight_maps(pair: Mapping[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """One scored pair's weights as evidence rounds them: each comparison's (``mw_name`` as
    ``name``; none for a null weight) and each non-zero term-frequency adjustment
    (``mw_tf_adj_name`` as ``name``). With the prior's weight they add up to the match weight."""
    weights, adjustments = {}, {}
    for key, value in pair.items():
        if key.startswith(TF_PREFIX):
            if value:
                adjustments[key.removeprefix(TF_PREFIX)] = round(float(value), _WEIGHT_DIGITS)
        elif key.startswith("mw_") and value is not None:
            weights[key.removeprefix("mw_")] = round(float(value), _WEIGHT_DIGITS)
    return weights, adjustments


def _weights_map(batch: pa.RecordBatch, columns: list[str], prefix: str) -> pa.MapArray:
    """Per row, a map of each ``prefix`` column's name (without the prefix) to its value rounded to
    4 digits, keys in name order, null values left out; made from the flat valid values and their
    count per row (numpy), not a row at a time."""
    columns = sorted(columns, key=lambda c: c.removeprefix(prefix))
    counts = np.zeros((batch.num_rows, 0), np.bool_)
    values = np.zeros((batch.num_rows, 0), np.float64)
    if columns:
        rounded = [pc.round(batch.column(c).cast(pa.float64()), _WEIGHT_DIGITS) for c in columns]
        counts = np.column_stack([a.is_valid().to_numpy(zero_copy_only=False) for a in rounded])
        values = np.column_stack([a.fill_null(0.0).to_numpy(zero_copy_only=False) for a in rounded])
    offsets = np.zeros(batch.num_rows + 1, np.int32)
    np.cumsum(counts.sum(axis=1), out=offsets[1:])
    _rows, which = np.nonzero(counts)  # row-major: each row's keys in column (name) order
    names = pa.array([c.removeprefix(prefix) for c in columns], pa.string())
    return pa.MapArray.from_arrays(pa.array(offsets), names.take(pa.array(which, pa.int64())),
                                   pa.array(values[counts], pa.float64()))


def pairs_batch(entity_type: str, batch: pa.RecordBatch, merge_threshold: float) -> pa.RecordBatch:
    """A batch of Splink's scored pairs (or their evidence columns) as the pairs file holds them
    (``PAIRS_SCHEMA``): ids as ``record_l``/``record_r``, the probability rounded to 6 digits
    and weights to 4 (in Arrow: run folders came out byte-identical to Python's ``round`` a value
    at a time), ``merged`` (the table's own column, or the unrounded probability compared with
    the threshold) and the maps of weights."""
    weights, adjustments = _weight_columns(batch)
    return pa.RecordBatch.from_arrays([
        pa.array([entity_type] * batch.num_rows, pa.string()),
        batch.column("unique_id_l").cast(pa.string()), batch.column("unique_id_r").cast(pa.string()),
        pc.round(batch.column("match_probability"), PROBABILITY_DIGITS),
        pc.round(batch.column("match_weight"), _WEIGHT_DIGITS),
        merged_flags(batch, merge_threshold),
        _weights_map(batch, weights, "mw_"),
        _weights_map(batch, adjustments, TF_PREFIX),
    ], schema=PAIRS_SCHEMA)


def pairs_batches(entity_type: str, pairs: pa.Table, merge_threshold: float) -> Iterator[pa.RecordBatch]:
    """``pairs_batch`` of each batch of one entity type's scored pairs, in the table's order, from
    the evidence columns only."""
    for batch in evidence_table(pairs).to_batches(max_chunksize=_BATCH_ROWS):
        yield pairs_batch(entity_type, batch, merge_threshold)


def evidence_rows(entity_type: str, pairs: pa.Table, merge_threshold: float) -> Iterator[dict[str, Any]]:
    """The pairs file's rows for one entity type's scored pairs as dictionaries, in the table's
    order (``pairs_batches``, then the rows as ``resolution.pairs_file.read_pairs`` gives them).
    The full and the incremental run share it."""
    for batch in pairs_batches(entity_type, pairs, merge_threshold):
        yield from batch_rows(batch)


class EvidenceWriter:
    """Writes ``pairs.parquet`` (``resolution.pairs_file``) in a thread of its own, a type's pairs
    as each type is handed over (``add``, in entity-type name order, the file's order), so that a
    type's pairs are written while the next type is linked and freed once written; ``finish``
    closes the file and returns the seconds spent.

    The rows are ``pairs_batches``': Arrow and numpy, which leave the interpreter's lock for
    their work, as Parquet's encoding does, so the thread takes the core that Python leaves. The
    file is written under a temporary name and takes its own when finished, so a run that fails
    leaves no pairs file that looks whole."""

    def __init__(self, path: Path, merge_threshold: float) -> None:
        self._path = path
        self._partial = path.with_name(f"{path.name}.part")
        self._merge_threshold = merge_threshold
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-pairs")
        self._parts: list[Future[float]] = []
        self._last_type = ""
        self._writer: pq.ParquetWriter | None = None

    def add(self, entity_type: str, pairs: pa.Table) -> None:
        """Write ``pairs`` (Splink's scored pairs, or their evidence columns) as ``entity_type``'s;
        types come in name order."""
        if entity_type < self._last_type:
            raise ValueError(f"pairs of {entity_type} handed over after those of {self._last_type}: "
                             "the pairs file is sorted by entity type")
        self._last_type = entity_type
        if pairs.num_rows == 0:
            return
        self._parts.append(self._pool.submit(self._write_part, entity_type, pairs))

    def _write_part(self, entity_type: str, pairs: pa.Table) -> float:
        started = time.perf_counter()
        if self._writer is None:  # opened in the writer's thread, when the first pairs come
            self._writer = open_pairs_writer(self._partial)
        for batch in pairs_batches(entity_type, pairs, self._merge_threshold):
            self._writer.write_batch(batch)
        return time.perf_counter() - started

    def finish(self) -> float:
        """Wait for the parts, close the file (an empty one when no type had pairs) and return the
        seconds spent writing."""
        try:
            seconds = sum(future.result() for future in self._parts)
            started = time.perf_counter()
            self._pool.shutdown(wait=True)
            if self._writer is None:
                self._writer = open_pairs_writer(self._partial)
            self._writer.close()
            self._writer = None
            os.replace(self._partial, self._path)
            return round(seconds + time.perf_counter() - started, 3)
        finally:
            self.close()

    def __enter__(self) -> EvidenceWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the writer (waiting for a part under way) and remove an unfinished file."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._partial.unlink(missing_ok=True)


def write_evidence(path: Path, scored: Sequence[tuple[str, pa.Table]], merge_threshold: float) -> float:
    """Write the pairs file for the scored pairs of each entity type, types in name order, each
    table's pairs in its order (``EvidenceWriter``, all at once); returns the seconds spent."""
    with EvidenceWriter(path, merge_threshold) as writer:
        for entity_type, pairs in sorted(scored, key=lambda item: item[0]):
            writer.add(entity_type, pairs)
        return writer.finish()


@dataclass
class PairOutcome:
    """What the entity builder needs from one run's scored pairs (all entity types together)."""

    merged: int = 0
    # record key -> best rounded probability of a merged pair it is in
    probability: dict[str, float] = field(default_factory=dict)
    # pairs below the merge threshold: (record_l, record_r, rounded probability)
    review: list[tuple[str, str, float]] = field(default_factory=list)

    def add_attached(self, shares: Iterable[tuple[str, float]]) -> None:
        """Lone records joined to an entity, each with its share (``resolution.link.lone_records``):
        no merged pair ties them in, so the share is their probability."""
        for record, share in shares:
            self.probability[record] = round(share, PROBABILITY_DIGITS)

    def add(self, pairs: pa.Table, merge_threshold: float) -> None:
        """Count Splink's scored ``pairs`` in (columnar: no row becomes a dictionary)."""
        if pairs.num_rows == 0:
            return
        rounded = pc.round(pairs.column("match_probability"), PROBABILITY_DIGITS)
        merged = merged_flags(pairs, merge_threshold)
        count = pc.sum(merged).as_py() or 0
        self.merged += count
        left, right = pairs.column("unique_id_l"), pairs.column("unique_id_r")
        if count:
            kept = pc.filter(rounded, merged)
            keys = pa.chunked_array([*pc.filter(left, merged).chunks, *pc.filter(right, merged).chunks], left.type)
            best = pa.table({"key": keys, "p": pa.chunked_array([*kept.chunks, *kept.chunks], kept.type)}) \
                .group_by("key").aggregate([("p", "max")])
            for key, p in zip(best.column("key").to_pylist(), best.column("p_max").to_pylist(), strict=True):
                if p > self.probability.get(key, 0.0):
                    self.probability[key] = p
        below = pc.invert(merged)
        self.review.extend(zip(
            pc.filter(left, below).to_pylist(), pc.filter(right, below).to_pylist(),
            pc.filter(rounded, below).to_pylist(), strict=True,
        ))
