"""A records file read as Arrow columns (``RecordRows``, as a full run now reads it) against read
as pydantic models (as it did before), in one run, up to the table the entity builder takes.

    python -m benchmarks.record_columns_benchmark WORLD_DIR [--repeat N]

``WORLD_DIR`` holds ``records.csv`` (``tracegraph generate``). Each repeat and each way, with
Python's collector paused as in ``tracegraph resolve``:

- *models*: read the file into models (``RowBuilder.build``), ``InputBatch.finish``, then the
  records' table for the entity builder (``tables.record_table``, from the models);
- *columns*: read the file into columns (``RowBuilder.values`` and ``RecordRows``),
  ``finish(records_as_columns=True)``, then the same table (taken as it is).

Prints the seconds of each step (every repeat) with the ratio of the totals, whether both ways give
the same table and quarantine, and the memory the records hold each way: the Python heap of the
models (``tracemalloc``, a pass of its own) against the Arrow buffers of the columns.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyarrow as pa

from benchmarks.heap import python_heap_held
from resolution.collector import collector_paused
from resolution.entities import tables
from resolution.sources import canonical
from resolution.sources.batch import InputBatch
from resolution.sources.record_columns import RecordColumns


def _one_way(path: Path, *, as_columns: bool) -> tuple[list[float], InputBatch, pa.Table]:
    """Seconds of reading, finishing and making the entity builder's table; the batch; the table."""
    seconds = []
    started = time.perf_counter()
    batch = InputBatch(records_as_columns=as_columns)
    canonical.read(path, batch)
    seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    batch.finish(records_as_columns=as_columns)
    seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    table = tables.record_table(batch.records)
    seconds.append(time.perf_counter() - started)
    return seconds, batch, table


def _models_read(path: Path) -> InputBatch:
    batch = InputBatch()
    canonical.read(path, batch)
    return batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = args.world / "records.csv"
    with collector_paused():
        for _ in range(args.repeat):
            models, by_models, models_table = _one_way(path, as_columns=False)
            columns, by_columns, columns_table = _one_way(path, as_columns=True)
            same = (isinstance(by_columns.records, RecordColumns) and columns_table.equals(models_table)
                    and by_columns.quarantine == by_models.quarantine)
            steps = ("read", "finish", "table")
            print(f"{len(by_columns.records)} records: models "
                  + ", ".join(f"{name} {value:.2f} s" for name, value in zip(steps, models, strict=True))
                  + f" = {sum(models):.2f} s; columns "
                  + ", ".join(f"{name} {value:.2f} s" for name, value in zip(steps, columns, strict=True))
                  + f" = {sum(columns):.2f} s ({sum(models) / sum(columns):.2f}x), same result: {same}")
            held_columns = by_columns.records.table.nbytes  # type: ignore[union-attr]
            del by_models, by_columns, models_table, columns_table
        held_models = python_heap_held(lambda: _models_read(path))
        print(f"held: models {held_models / 2**20:.0f} MiB, columns {held_columns / 2**20:.0f} MiB "
              f"({held_models / held_columns:.1f}x)")


if __name__ == "__main__":
    main()
