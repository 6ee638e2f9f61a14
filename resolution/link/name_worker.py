"""The name columns of many distinct names, in two processes at once.

Standardising names is Python, which uses one core of the two, and at a million records it was
most of the firms' feature table (491,369 distinct names and alias lists, some 6 s of 10). When
there are ``WORKER_MIN_NAMES`` or more, a worker process (``python -m resolution.link.name_worker``:
a fresh interpreter, so nothing of this process, its threads or its main module, is inherited)
computes the last ``WORKER_SHARE`` of them while this process computes the rest and whatever else
it is given (``meanwhile``). The worker is started before the distinct names are found
(``start_worker``: its imports take most of a second) and reads its request's path on standard
input (the request itself is a file in the worker's folder). Its rows come back as an Arrow IPC
file (``resolution.worker_process``: through a pipe, this process waited 1.2-1.4 s for them at a
million records, 0-0.8 s with the file). The two
parts are joined in order: the same table as computing every name here (a test compares them).

A worker that cannot start, fails or answers what cannot be read costs time only: its names are
then computed here, with a warning that says why.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pyarrow as pa

from resolution.link.features import NameKey, name_features
from resolution.models import EntityType
from resolution.worker_process import Worker, answer_file, request

WORKER_MIN_NAMES = 100_000
"""Fewer distinct names than this are computed here: a worker costs most of a second to start
(its imports), and 100,000 names take about a second and a half."""

WORKER_SHARE = 0.6
"""The part of the names the worker computes (the last ones); this process computes the rest
beside the records' own columns, which the worker does not. At a million records the firms' table
took 7.1-7.3 s so (the worker waited for 1 s), 8.0 s with half, 9.6-9.8 s in one process: the
worker is slower per name than this process (cold caches, and two processes at once share the
machine's two cores less well than two threads of DuckDB)."""

ARROW_CHUNK_ROWS = 50_000
"""Feature rows turned into Arrow at a time: only this many dictionaries are alive at once."""

log = logging.getLogger(__name__)
T = TypeVar("T")


def table_of_rows(schema: pa.Schema, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """``rows`` (dictionaries, e.g. a generator) as a table of ``schema``, ``ARROW_CHUNK_ROWS`` at a
    time. Arrow reads the dictionaries itself (a column a row lacks is null): 1.7x faster than
    transposing them in Python first."""
    iterator = iter(rows)
    batches = [pa.RecordBatch.from_pylist(chunk, schema=schema)
               for chunk in iter(lambda: list(itertools.islice(iterator, ARROW_CHUNK_ROWS)), [])]
    return pa.Table.from_batches(batches, schema=schema)


def _names_here(keys: Sequence[NameKey], entity_type: EntityType, with_typo_keys: bool,
                schema: pa.Schema) -> pa.Table:
    return table_of_rows(schema, (name_features(key, entity_type, with_typo_keys=with_typo_keys) for key in keys))


def start_worker() -> Worker:
    """A worker started now, to be handed to ``name_table``: it makes its imports (most of a
    second) while this process finds the distinct names, then waits for its request."""
    return Worker(worker_command(), doing="standardising names", instead="computing them here", log=log,
                  takes_request=True)


def name_table(keys: Sequence[NameKey], entity_type: EntityType, *, with_typo_keys: bool, schema: pa.Schema,
               meanwhile: Callable[[], T], worker: Worker | None = None) -> tuple[pa.Table, T]:
    """The name columns (``schema``) of each of ``keys`` in order, and what ``meanwhile`` returns,
    computed while a worker works (when there are enough names: ``worker`` if given, started by
    ``start_worker``, else one started now)."""
    if len(keys) < WORKER_MIN_NAMES:
        return _names_here(keys, entity_type, with_typo_keys, schema), meanwhile()
    cut = len(keys) - int(len(keys) * WORKER_SHARE)
    theirs = keys[cut:]
    with worker or start_worker() as working:
        working.send_request((entity_type.value, with_typo_keys, schema.serialize().to_pybytes(), list(theirs)))
        other = meanwhile()
        here = _names_here(keys[:cut], entity_type, with_typo_keys, schema)
        there = _worker_result(working, schema)
    if there is None:
        there = _names_here(theirs, entity_type, with_typo_keys, schema)
    return pa.concat_tables([here, there]), other


def worker_command() -> list[str]:
    """The command that starts a worker (its request's path comes on its standard input)."""
    return [sys.executable, "-m", __name__]


def _worker_result(worker: Worker, schema: pa.Schema) -> pa.Table | None:
    """The worker's table, or None (with a warning) when it failed or answered something else."""
    answer = worker.answer()
    if answer is None:
        return None
    try:
        table = pa.ipc.open_file(pa.py_buffer(answer)).read_all()
    except (pa.ArrowInvalid, OSError) as exc:  # a cut or foreign answer
        worker.unreadable(exc)
        return None
    if not table.schema.equals(schema):
        worker.unreadable("other columns than asked for")
        return None
    return table


def _worker_main() -> None:
    """The worker: the path of its pickled request on standard input, the table in its answer
    file (an Arrow IPC file)."""
    from resolution.collector import collector_paused

    kind, with_typo_keys, schema_bytes, keys = request()
    schema = pa.ipc.read_schema(pa.py_buffer(schema_bytes))
    with collector_paused():
        table = _names_here(keys, EntityType(kind), with_typo_keys, schema)
    with pa.ipc.new_file(str(answer_file()), schema) as answer:
        answer.write_table(table)


if __name__ == "__main__":
    # run from the module under its own name, so that what it unpickles names that module, not __main__
    from resolution.link.name_worker import _worker_main as worker_main

    worker_main()
