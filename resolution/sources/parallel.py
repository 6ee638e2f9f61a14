"""Reading canonical files in two processes at once.

A run's inputs are often a records file beside a relations file, and reading is Python, which
uses one core of the two. When every input is canonical and they are big enough to be worth a
process, ``read_parts`` reads the files in two groups of about equal size: the largest in this
process, the rest in a worker process started for them (``python -m resolution.sources.parallel``:
a fresh interpreter, so nothing of this process, its threads or its main module, is inherited).
Each file is read into its own ``InputBatch`` and the parts come back in input order, so joined
they are what reading the files one after another gives: the same records, relations, listings
and quarantine rows in the same order. A file that cannot be read raises the error the first
such file in input order raises, as reading them in order would (when it is one of this
process's files and none of the worker's comes before it, at once, and the worker is stopped).
A worker that fails for any other reason costs time only: its files are read here.

Canonical files only: the other readers can look at what earlier files gave (the trade reader
checks shipment ids against earlier files), so any other format reads everything in order here.

Models cross the process boundary as lists of their field values, and are rebuilt without being
validated again (the attributes pydantic's own unpickling, ``__setstate__``, sets): they were validated by the
same models in the worker, and pickling them whole took three times as long. Relations cross as
Arrow columns and stay so (``RelationColumns``): a model of one is made only when asked for.
"""

from __future__ import annotations

import logging
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from resolution.models import (
    Listing,
    QuarantineRow,
    Record,
    fields_set_positions,
    models_of_columns,
)
from resolution.sources import canonical
from resolution.sources.batch import InputBatch
from resolution.sources.record_columns import RecordColumns
from resolution.sources.relation_columns import RelationColumns
from resolution.worker_process import Worker, answer_file

PARALLEL_MIN_BYTES = 32 * 1024 * 1024
"""Inputs smaller than this together are read in this process: a worker costs about half a
second to start, and reading 32 MiB of canonical CSV takes about three."""

Model = TypeVar("Model", bound=BaseModel)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackedModels:
    """Models of one class as plain values: a list per field (not a tuple per model: 829k freed
    tuples left some 57 MB of holes in the heap at a million records), and the position of each
    model's set of given field names among ``fields_sets``."""

    columns: list[list[Any]]
    fields_set_of: list[int]
    fields_sets: list[frozenset[str]]


def pack(items: Sequence[BaseModel], model: type[BaseModel]) -> PackedModels:
    """``items`` (all of class ``model``) as plain values, cheap to pickle."""
    columns = [list(map(attrgetter(name), items)) for name in model.model_fields]
    return PackedModels(columns, *fields_set_positions(items))


def unpack(packed: PackedModels, model: type[Model]) -> list[Model]:
    """The models ``pack`` made ``packed`` of, not validated again; those given the same fields
    share one set of their names (as ``InputBatch`` makes them)."""
    sets = [set(names) for names in packed.fields_sets]
    return list(models_of_columns(model, packed.columns, packed.fields_set_of, sets))


_KINDS: tuple[tuple[str, type[BaseModel]], ...] = (("listings", Listing), ("quarantine", QuarantineRow))
"""What crosses as ``PackedModels``; the relations cross as ``RelationColumns``, which this process
keeps as they are (the bulk path wants them as columns), and the records as ``RecordColumns`` when
they were read so, else packed."""

Packed = tuple[int, dict[str, PackedModels], RelationColumns, RecordColumns | PackedModels]


def _packed_batch(batch: InputBatch) -> Packed:
    records = batch.records if isinstance(batch.records, RecordColumns) else pack(batch.records, Record)
    return (batch.rows_read, {name: pack(getattr(batch, name), model) for name, model in _KINDS},
            batch.relations if isinstance(batch.relations, RelationColumns)
            else RelationColumns.from_models(batch.relations), records)


def _unpacked_batch(packed: Packed) -> InputBatch:
    rows_read, parts, relations, records = packed
    batch = InputBatch(rows_read=rows_read, relations=relations,
                       records=records if isinstance(records, RecordColumns) else unpack(records, Record))
    for name, model in _KINDS:
        setattr(batch, name, unpack(parts[name], model))
    return batch


Outcome = tuple[int, Any]
"""What reading one file gave: its position among the inputs and its part (packed or not), or
its position and the exception it raised."""


def _read_files(paths: list[tuple[int, Path]], *, packed: bool,
                records_as_columns: bool) -> tuple[list[Outcome], Outcome | None]:
    """Read ``paths`` in order, each into its own batch, until one raises."""
    parts: list[Outcome] = []
    for position, path in paths:
        batch = InputBatch(records_as_columns=records_as_columns)
        try:
            canonical.read(path, batch)
        except Exception as exc:  # reported by position: the first in input order is raised
            return parts, (position, exc)
        parts.append((position, _packed_batch(batch) if packed else batch))
    return parts, None


def split_in_two(sizes: Sequence[int]) -> tuple[list[int], list[int]]:
    """Positions of the inputs to read here and in the worker: the largest here, then each next
    largest to the group with fewer bytes so far (ties: here)."""
    here: list[int] = []
    worker: list[int] = []
    totals = [0, 0]
    for position in sorted(range(len(sizes)), key=lambda p: (-sizes[p], p)):
        group = 0 if totals[0] <= totals[1] else 1
        (here if group == 0 else worker).append(position)
        totals[group] += sizes[position]
    return sorted(here), sorted(worker)


def worth_a_worker(sizes: Sequence[int]) -> bool:
    """Two or more inputs, of ``PARALLEL_MIN_BYTES`` or more together."""
    return len(sizes) >= 2 and sum(sizes) >= PARALLEL_MIN_BYTES


RECORDS_AS_COLUMNS = "--records-as-columns"
"""The worker's option to read records as columns (``InputBatch.records_as_columns``)."""


def worker_command(request: list[str], *, records_as_columns: bool = False) -> list[str]:
    """The command that starts the worker for ``request`` (``POSITION=PATH`` arguments)."""
    return [sys.executable, "-m", __name__, *([RECORDS_AS_COLUMNS] if records_as_columns else []), *request]


def file_sizes(paths: Sequence[Path]) -> list[int]:
    """The size of each of ``paths`` in bytes (0 for what is not a file)."""
    return [path.stat().st_size if path.is_file() else 0 for path in paths]


def read_parts(paths: Sequence[Path], sizes: Sequence[int], *, records_as_columns: bool = False) -> list[InputBatch]:
    """One batch per canonical file of ``paths`` (of ``sizes`` bytes), in their order, read in two
    processes; with ``records_as_columns``, a records file's records as columns (``RecordColumns``).

    A worker that cannot start or dies (no interpreter where ``sys.executable`` says, killed for
    memory...) costs time only: its files are then read here, with a warning that says why."""
    here, there = split_in_two(sizes)
    theirs = [(p, paths[p]) for p in there]
    with Worker(worker_command([f"{p}={path}" for p, path in theirs], records_as_columns=records_as_columns),
                doing="reading the inputs", instead="reading them here", log=log) as worker:
        parts, failed = _read_files([(p, paths[p]) for p in here], packed=False, records_as_columns=records_as_columns)
        if failed is not None and all(p > failed[0] for p in there):
            raise failed[1]  # the first unreadable input, whatever the worker finds (the worker is stopped)
        other = _worker_result(worker)
    other_parts, other_failed = other if other is not None else _read_files(
        theirs, packed=False, records_as_columns=records_as_columns)
    failures = [f for f in (failed, other_failed) if f is not None]
    if failures:
        raise min(failures, key=lambda f: f[0])[1]
    by_position = dict(parts) | dict(other_parts)
    return [by_position[p] for p in range(len(paths))]


def _worker_result(worker: Worker) -> tuple[list[Outcome], Outcome | None] | None:
    """What the worker read, rebuilt into batches, or None (with a warning) when it failed."""
    answer = worker.answer()
    if answer is None:
        return None
    try:
        packed_parts, failed = pickle.loads(answer)
    except Exception as exc:  # a cut or foreign answer
        worker.unreadable(exc)
        return None
    del answer
    parts: list[Outcome] = []
    while packed_parts:  # each packed part let go once rebuilt
        position, packed = packed_parts.pop(0)
        parts.append((position, _unpacked_batch(packed)))
        del packed
    return parts, failed


def _worker_main() -> None:
    """The worker: the files to read as arguments (``POSITION=PATH``), their parts pickled in its
    answer file."""
    from resolution.collector import collector_paused

    *files, _answer = sys.argv[1:]
    records_as_columns = RECORDS_AS_COLUMNS in files
    request = [(int(position), Path(path))
               for position, path in (arg.split("=", 1) for arg in files if arg != RECORDS_AS_COLUMNS)]
    with collector_paused():
        parts = _read_files(request, packed=True, records_as_columns=records_as_columns)
    answer_file().write_bytes(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    # run from the module under its own name, so that what it pickles names that module, not __main__
    from resolution.sources.parallel import _worker_main as worker_main

    worker_main()
