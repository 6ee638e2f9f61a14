"""Relations from the reading worker: kept as Arrow columns (``RelationColumns``, as the worker now
hands them over) against rebuilt as pydantic models (``parallel.pack``/``unpack``, as it did
before), in one run.

    python -m benchmarks.relation_columns_benchmark WORLD_DIR [--repeat N]

``WORLD_DIR`` holds ``records.csv`` and ``relations.csv`` (``tracegraph generate``). Both are read
once in this process; then, each repeat and each way, with Python's collector paused as in
``tracegraph resolve``:

- *worker*: what the worker does with its relations before they cross: pack and pickle them;
- *here*: what this process does with them before linking, then in the entity builder: unpickle
  (and rebuild the models), the check for unknown records (``InputBatch.finish``, the records'
  duplicate check included, the same both ways), then the Arrow table the entity builder takes
  (``tables.relation_table``).

Prints the seconds of each (every repeat) with the ratio, whether both ways give the same
relations, quarantine and table, and the memory the relations hold here each way: the Python heap
of the rebuilt models (``tracemalloc``, a pass of its own) against the Arrow buffers of the columns.
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from benchmarks.heap import python_heap_held
from resolution.collector import collector_paused
from resolution.entities import tables
from resolution.models import Relation
from resolution.sources import canonical
from resolution.sources.batch import InputBatch
from resolution.sources.parallel import pack, unpack
from resolution.sources.relation_columns import RelationColumns


def _as_models(relations: list[Relation]) -> bytes:
    return pickle.dumps(pack(relations, Relation), protocol=pickle.HIGHEST_PROTOCOL)


def _as_columns(relations: list[Relation]) -> bytes:
    return pickle.dumps(RelationColumns.from_models(relations), protocol=pickle.HIGHEST_PROTOCOL)


def _models_here(answer: bytes) -> list[Relation]:
    return unpack(pickle.loads(answer), Relation)


def _columns_here(answer: bytes) -> RelationColumns:
    return pickle.loads(answer)


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _here(records: list[Any], answer: bytes, rebuild: Callable[[bytes], Any]) -> tuple[float, InputBatch, pa.Table]:
    """Seconds of what this process does with the worker's ``answer``, the finished batch, its table."""
    started = time.perf_counter()
    batch = InputBatch(records=records, relations=rebuild(answer))
    batch.finish()
    table = tables.relation_table(batch.relations)
    return time.perf_counter() - started, batch, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with collector_paused():
        records_batch, relations_batch = InputBatch(), InputBatch()
        canonical.read(args.world / "records.csv", records_batch)
        canonical.read(args.world / "relations.csv", relations_batch)
        records, relations = records_batch.records, list(relations_batch.relations)
        print(f"{len(relations)} relations of {args.world / 'relations.csv'}, {len(records)} records")
        for _ in range(args.repeat):
            pack_models, models_answer = _timed(lambda: _as_models(relations))
            pack_columns, columns_answer = _timed(lambda: _as_columns(relations))
            models_seconds, by_models, models_table = _here(records, models_answer, _models_here)
            columns_seconds, by_columns, columns_table = _here(records, columns_answer, _columns_here)
            same = (by_columns.relations == by_models.relations and by_columns.quarantine == by_models.quarantine
                    and columns_table.equals(models_table))
            print(f"worker: models {pack_models:.2f} s, columns {pack_columns:.2f} s "
                  f"({pack_models / pack_columns:.1f}x); here: models {models_seconds:.2f} s, "
                  f"columns {columns_seconds:.2f} s ({models_seconds / columns_seconds:.1f}x), same result: {same}")
            del by_models, by_columns, models_table, columns_table
        models_bytes = python_heap_held(lambda: _models_here(models_answer))  # the answer's own bytes left out
        columns_bytes = _columns_here(columns_answer).table.nbytes
        print(f"held here: models {models_bytes / 2**20:.0f} MiB, columns {columns_bytes / 2**20:.0f} MiB "
              f"({models_bytes / columns_bytes:.1f}x)")


if __name__ == "__main__":
    main()
