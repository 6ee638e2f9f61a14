"""Scored pairs as evidence: the pairs file's rows (``resolution.pairs_file``), and what a run takes
from them.

Splink's scored pairs arrive as an Arrow table with every intermediate column retained (both
sides' values, gamma and Bayes factor columns...). Evidence keeps only the ids, the probability,
the match weight and the per-comparison weights (``mw_*``), so those columns are selected before
any row becomes a Python object: at a million records a run scores millions of pairs, and turning
whole rows into dictionaries cost more than linking them."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from resolution.link.sql import identifier, literal
from resolution.pairs_file import PAIRS_SCHEMA, open_pairs_writer

_ID_COLUMNS = ("unique_id_l", "unique_id_r", "match_probability", "match_weight")
MERGED = "merged"
PROBABILITY_DIGITS = 6
_WEIGHT_DIGITS = 4
_TF_PREFIX = "mw_tf_adj_"
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
    adjustments = [c for c in table.column_names if c.startswith(_TF_PREFIX)]
    return [c for c in table.column_names if c.startswith("mw_") and c not in adjustments], adjustments


def evidence_rows(entity_type: str, pairs: pa.Table, merge_threshold: float) -> Iterator[dict[str, Any]]:
    """The pairs file's rows for one entity type's scored pairs, in the table's order, built a
    batch at a time from the evidence columns only. The full and the incremental run share it.

    Numbers are rounded by Arrow a column at a time (6 digits for the probability, 4 for weights;
    run folders came out byte-identical to Python's ``round`` a value at a time, at half the cost);
    ``merged`` is the table's own column, or the unrounded probability compared with the threshold."""
    if pairs.num_rows == 0:
        return
    slim = evidence_table(pairs)
    weight_columns, tf_columns = _weight_columns(slim)
    weight_names = [c.removeprefix("mw_") for c in weight_columns]
    tf_names = [c.removeprefix(_TF_PREFIX) for c in tf_columns]
    for batch in slim.to_batches(max_chunksize=_BATCH_ROWS):
        def column(name: str, digits: int | None = None, batch: pa.RecordBatch = batch) -> list[Any]:
            values = batch.column(name)
            return (values if digits is None else pc.round(values, digits)).to_pylist()

        def per_row(names: list[str], rows: int = batch.num_rows) -> Iterator[tuple[Any, ...]]:
            if not names:
                return itertools.repeat((), rows)
            return zip(*(column(name, _WEIGHT_DIGITS) for name in names), strict=True)

        rows = zip(column("unique_id_l"), column("unique_id_r"), merged_flags(batch, merge_threshold).to_pylist(),
                   column("match_probability", PROBABILITY_DIGITS), column("match_weight", _WEIGHT_DIGITS),
                   per_row(weight_columns), per_row(tf_columns), strict=True)
        for left, right, merged, shown_probability, weight, weights, adjustments in rows:
            yield {
                "entity_type": entity_type,
                "record_l": left,
                "record_r": right,
                "match_probability": shown_probability,
                "match_weight": weight,
                "merged": merged,
                "weights": {k: v for k, v in zip(weight_names, weights, strict=True) if v is not None},
                "tf_adjustments": {k: v for k, v in zip(tf_names, adjustments, strict=True) if v is not None},
            }


def _weights_map(columns: list[str], prefix: str) -> str:
    """DuckDB SQL: a map of each ``prefix`` column's name (without the prefix) to its value, keys in
    name order, null values left out; what ``evidence_rows`` makes as a dictionary."""
    entries = ", ".join(
        f"{{'k': {literal(column.removeprefix(prefix))}, 'v': {identifier(column)}::DOUBLE}}"
        for column in sorted(columns, key=lambda c: c.removeprefix(prefix))
    )
    if not entries:
        return "map()::MAP(VARCHAR, DOUBLE)"
    return f"map_from_entries(list_filter([{entries}], lambda e: e.v is not null))::MAP(VARCHAR, DOUBLE)"


def _rounded_batches(slim: pa.Table, weight_columns: list[str], merge_threshold: float) -> pa.RecordBatchReader:
    """``slim`` (evidence columns) as the pairs file holds them, a batch at a time: ids as
    ``record_l``/``record_r``, the probability rounded to 6 digits and weights to 4 (in Arrow, as
    ``evidence_rows`` does), and ``merged``."""
    def rounded(batch: pa.RecordBatch) -> pa.RecordBatch:
        return pa.RecordBatch.from_pydict({
            "record_l": batch.column("unique_id_l"), "record_r": batch.column("unique_id_r"),
            "match_probability": pc.round(batch.column("match_probability"), PROBABILITY_DIGITS),
            "match_weight": pc.round(batch.column("match_weight"), _WEIGHT_DIGITS),
            "merged": merged_flags(batch, merge_threshold),
            **{c: pc.round(batch.column(c), _WEIGHT_DIGITS) for c in weight_columns},
        })

    batches = slim.to_batches(max_chunksize=_BATCH_ROWS * 4)  # EvidenceWriter.add gives no empty table
    return pa.RecordBatchReader.from_batches(rounded(batches[0]).schema, (rounded(batch) for batch in batches))


class EvidenceWriter:
    """Writes ``pairs.parquet`` (``resolution.pairs_file``) in a thread of its own, a type's pairs
    as each type is handed over (``add``, in entity-type name order, the file's order), so that a
    type's pairs are written while the next type is linked and freed once written; ``finish``
    closes the file and returns the seconds spent.

    The rows are those of ``evidence_rows``: numbers rounded and ``merged`` decided in Arrow, the
    maps of weights built by DuckDB (null weights left out), which keeps a scan's order, so each
    type's pairs keep their table's order. The file is written under a temporary name and takes
    its own when finished, so a run that fails leaves no pairs file that looks whole."""

    def __init__(self, path: Path, merge_threshold: float, *, memory_limit: str = "4GB",
                 threads: int | None = None) -> None:
        self._path = path
        self._partial = path.with_name(f"{path.name}.part")
        self._merge_threshold = merge_threshold
        self._config: dict[str, str | bool | int] = {"memory_limit": memory_limit, "preserve_insertion_order": True}
        if threads is not None:  # DuckDB's threads (default: one per core)
            self._config["threads"] = threads
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-pairs")
        self._parts: list[Future[float]] = []
        self._last_type = ""
        self._con: Any = None
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
        import duckdb  # Splink's own dependency

        started = time.perf_counter()
        if self._con is None:  # made and used in the writer's thread only
            self._con = duckdb.connect(config=self._config)
            self._writer = open_pairs_writer(self._partial)
        slim = evidence_table(pairs)
        del pairs
        weights, adjustments = _weight_columns(slim)
        # rounded a batch at a time as DuckDB reads them: a rounded copy of the whole table took
        # some 260 MB at a million records, beside the entity builder
        self._con.register("pairs", _rounded_batches(slim, weights + adjustments, self._merge_threshold))
        columns = {
            "entity_type": literal(entity_type), "record_l": "record_l", "record_r": "record_r",
            "match_probability": "match_probability", "match_weight": "match_weight", "merged": "merged",
            "weights": _weights_map(weights, "mw_"), "tf_adjustments": _weights_map(adjustments, _TF_PREFIX),
        }
        selected = ", ".join(f"{sql} as {identifier(name)}" for name, sql in columns.items())
        with self._con.sql(f"select {selected} from pairs").to_arrow_reader(_BATCH_ROWS * 2) as reader:
            for batch in reader:
                self._writer.write_batch(batch.cast(PAIRS_SCHEMA))
        self._con.unregister("pairs")
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
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._partial.unlink(missing_ok=True)


def write_evidence(path: Path, scored: Sequence[tuple[str, pa.Table]], merge_threshold: float, *,
                   memory_limit: str = "4GB", threads: int | None = None) -> float:
    """Write the pairs file for the scored pairs of each entity type, types in name order, each
    table's pairs in its order (``EvidenceWriter``, all at once); returns the seconds spent."""
    with EvidenceWriter(path, merge_threshold, memory_limit=memory_limit, threads=threads) as writer:
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

    def add_evidence(self, rows: Iterable[dict[str, Any]]) -> None:
        """Count pairs-file rows in (an incremental run holds its pairs, old and new, so)."""
        for row in rows:
            left, right, p = row["record_l"], row["record_r"], row["match_probability"]
            if row["merged"]:
                self.merged += 1
                self.probability[left] = max(self.probability.get(left, 0.0), p)
                self.probability[right] = max(self.probability.get(right, 0.0), p)
            else:
                self.review.append((left, right, p))
