"""Reading and features: the row builders, the two-process reader and the column-at-a-time feature
table, each against the way it replaced, in one run.

    python -m benchmarks.read_benchmark WORLD_DIR [--repeat 2]

``WORLD_DIR`` holds a generated world (``records.csv``, ``relations.csv``, ``listings.csv``). With
Python's collector paused, as in ``tracegraph resolve``, it prints per input file the seconds of
reading it with every row validated by pydantic (the baseline) and with plain rows built by
``resolution.sources.prevalidated``, then the seconds of ``read_inputs`` in one process (the
baseline) and in two (``resolution.sources.parallel``), then per entity type the seconds of the feature table from one dictionary per record
(``arrow_table(features(...))``, the baseline) and a column at a time (``record_table``), each
pair's ratio, and whether both ways gave the same result (records, relations, listings and
quarantine; tables). Best of ``--repeat`` runs of each; the name caches are cleared before each
feature table, so that both ways start cold as in a run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import resolution.sources.parallel as parallel
from resolution.sources import canonical, prevalidated
from resolution.collector import collector_paused
from resolution.link.engine import SPECS, arrow_table, record_table
from resolution.link.features import features
from resolution.models import EntityType
from resolution.sources import InputBatch, read_inputs
from resolution.standardise import names

T = TypeVar("T")


def best_of(repeat: int, work: Callable[[], T], before: Callable[[], None] = lambda: None) -> tuple[float, T]:
    """The fewest seconds ``work`` took over ``repeat`` runs (``before`` run ahead of each, untimed),
    with the last run's result."""
    best = float("inf")
    result: T
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def _read(paths: list[Path], *, worker: bool) -> InputBatch:
    """``read_inputs`` with the worker (whatever the inputs' size) or without it."""
    limit = parallel.PARALLEL_MIN_BYTES
    parallel.PARALLEL_MIN_BYTES = 0 if worker else 1 << 62
    try:
        return read_inputs(paths)
    finally:
        parallel.PARALLEL_MIN_BYTES = limit


def _read_file(path: Path, *, builders: bool) -> InputBatch:
    """One canonical file read into its own batch, with the row builders or with pydantic only."""
    understood = prevalidated.understood
    if not builders:
        prevalidated.understood = lambda _kind, _columns: False  # type: ignore[assignment]
    try:
        batch = InputBatch()
        canonical.read(path, batch)
        return batch
    finally:
        prevalidated.understood = understood


def _same(one: InputBatch, two: InputBatch) -> bool:
    return (one.records, one.relations, one.listings, one.quarantine, one.rows_read) == \
        (two.records, two.relations, two.listings, two.quarantine, two.rows_read)


def _cold_caches() -> None:
    for cached in (names.standardise_name, names.standardise_address, names.typo_keys, names._pinyin,  # noqa: SLF001
                   names._pinyin_words):  # noqa: SLF001
        cached.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    paths = [args.world / name for name in ("records.csv", "relations.csv", "listings.csv")]
    with collector_paused():
        for path in paths:
            validated_s, validated = best_of(args.repeat, lambda: _read_file(path, builders=False))
            built_s, built = best_of(args.repeat, lambda: _read_file(path, builders=True))
            print(f"read {path.name} ({built.rows_read:,} rows): pydantic per row {validated_s:.2f} s, "
                  f"row builders {built_s:.2f} s ({built.rows_read / built_s:,.0f} rows/s), "
                  f"ratio {validated_s / built_s:.2f}x, same result: {_same(validated, built)}")
            del validated, built
        one_s, one = best_of(args.repeat, lambda: _read(paths, worker=False))
        two_s, two = best_of(args.repeat, lambda: _read(paths, worker=True))
        print(f"read {one.rows_read:,} rows: one process {one_s:.2f} s, two processes {two_s:.2f} s, "
              f"ratio {one_s / two_s:.2f}x, same result: {_same(one, two)}")
        del two
        for entity_type in EntityType:
            records = [r for r in one.records if r.entity_type is entity_type]
            spec = SPECS[entity_type.value]()
            typo = entity_type is not EntityType.COMPANY  # as a full run: company typo keys per group
            rows_s, by_rows = best_of(args.repeat, lambda: arrow_table(
                spec, (features(r, with_typo_keys=typo) for r in records)), _cold_caches)
            columns_s, by_columns = best_of(args.repeat, lambda: record_table(
                spec, records, entity_type, with_typo_keys=typo), _cold_caches)
            print(f"features of {len(records):,} {entity_type.value} records: a dictionary per record "
                  f"{rows_s:.2f} s, a column at a time {columns_s:.2f} s, ratio {rows_s / columns_s:.2f}x, "
                  f"same table: {by_rows.equals(by_columns)}")


if __name__ == "__main__":
    main()
