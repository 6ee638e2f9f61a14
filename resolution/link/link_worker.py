"""People and vessels linked in a worker process while this process links the firms.

Linking one entity type keeps the two cores busy only part of the time: between DuckDB's steps,
which use both, come steps of Python on one (profiles, clusters split at conflicts, lone records,
the firms' key groups). At a million records the firms took 25-33 s at about 160% of the two
cores, and people and vessels another 12-16 s after them. The types are linked independently of
each other, so a worker (``python -m resolution.link.link_worker``: a fresh interpreter, started
by ``resolution.worker_process.Worker``) links the people and vessels at the same time as this
process links the firms, each with its own DuckDB.

Each type's feature table goes to the worker as an Arrow IPC file in its scratch folder, and its
``LinkResult`` comes back pickled; this process keeps no copy of the tables meanwhile. The results
are what linking here gives (a test compares the run folders). A worker that cannot start or
fails costs time only: the types are then linked here from the same files, with a warning that
says why (a linking error, such as DuckDB running out of memory, is then raised here).
"""

from __future__ import annotations

import logging
import pickle
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

from resolution.link.engine import LinkOptions, LinkResult, link_with
from resolution.worker_process import Worker, answer_file, request

WORKER_MIN_RECORDS = 100_000
"""Fewer records of the worker's types than this are linked here: the worker costs about a second
to start (Splink's imports) and to hand the tables over, and small types link in seconds."""

log = logging.getLogger(__name__)


def worth_a_worker(backend: str, records_here: int, records_there: int) -> bool:
    """On DuckDB, with records to link here meanwhile and ``WORKER_MIN_RECORDS`` or more for the
    worker. (A Spark session is a JVM of its own: one per run is enough.)"""
    return backend == "duckdb" and records_here > 0 and records_there >= WORKER_MIN_RECORDS


class LinkWorker:
    """A worker that links the types handed to it (``add``) once told to start (``begin``), and
    their results (``result``): its own, or linked here when it failed."""

    def __init__(self, options: LinkOptions) -> None:
        self._options = options
        # started before the tables exist: its imports happen while they are computed here
        self._worker = Worker(worker_command(), doing="linking people and vessels",
                              instead="linking them here", log=log, takes_request=True)
        self._jobs: list[tuple[str, Path, Path | None]] = []
        self._results: dict[str, LinkResult] | None = None

    def add(self, entity_type: str, table: pa.Table, model_path: Path | None) -> None:
        """Hand over the feature table of ``entity_type`` (written to the worker's folder)."""
        path = self._worker.folder / f"{entity_type}.arrow"
        with pa.ipc.new_file(str(path), table.schema) as sink:
            sink.write_table(table)
        self._jobs.append((entity_type, path, model_path))

    def begin(self) -> None:
        """Send the worker its request: the types handed over, in order."""
        self._worker.send_request((self._jobs, self._options))

    def result(self, entity_type: str) -> LinkResult:
        """The result of ``entity_type``: the first call waits for the worker to end; when it
        failed, each type is linked here when asked for."""
        if self._results is None:
            self._results = self._answer() or {}
        found = self._results.get(entity_type)
        if found is not None:
            return found
        _type, path, model_path = next(job for job in self._jobs if job[0] == entity_type)
        return link_with(entity_type, _read_table(path), self._options, model_path)

    def answered(self, entity_type: str) -> bool:
        """Whether the worker linked ``entity_type`` (after ``result``: else it was linked here)."""
        return self._results is not None and entity_type in self._results

    def _answer(self) -> dict[str, LinkResult] | None:
        answer = self._worker.answer()
        if answer is None:
            return None
        try:
            results = pickle.loads(answer)
        except Exception as exc:  # a cut or foreign answer
            self._worker.unreadable(exc)
            return None
        if not isinstance(results, dict) or set(results) != {job[0] for job in self._jobs}:
            self._worker.unreadable("other types than asked for")
            return None
        return results

    def stop(self) -> None:
        """Stop the worker if it still runs; remove its folder."""
        self._worker.stop()

    def __enter__(self) -> LinkWorker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _read_table(path: Path) -> pa.Table:
    with pa.OSFile(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def worker_command() -> list[str]:
    """The command that starts a worker (its request's path comes on its standard input)."""
    return [sys.executable, "-m", __name__]


def _worker_main() -> None:
    """The worker: the path of its pickled request on standard input (the jobs and the options),
    each type's ``LinkResult`` pickled in its answer file."""
    from resolution.collector import collector_paused

    jobs, options = request()
    results: dict[str, Any] = {}
    with collector_paused():
        for entity_type, path, model_path in jobs:
            results[entity_type] = link_with(entity_type, _read_table(path), options, model_path)
    answer_file().write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    # run from the module under its own name, so that what it pickles names that module, not __main__
    from resolution.link.link_worker import _worker_main as worker_main

    worker_main()
