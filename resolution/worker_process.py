"""A worker interpreter that answers in a file, for work split over two processes.

Python uses one core of the two, so reading canonical files (``resolution.sources.parallel``) and
standardising many names (``resolution.link.name_worker``) give part of their work to a fresh
interpreter (``python -m MODULE ...``: nothing of this process, its threads or its main module is
inherited). Its answer goes to a file (``answer_file``), not to standard output (and what it says
on standard error to another, whose last line a failure's warning quotes): a pipe holds
64 KiB, so a worker could only write its answer (84 MB of relations, 60 MB of names at a million
records) once the caller had finished its own part and read it, and the caller waited 1.2-1.4 s
for the name worker's so. A worker that cannot start, fails, or answers what cannot be read costs time only:
the caller then does the work itself, and a warning says why (``Worker``'s messages name what the
worker was doing and what is done instead).
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class Worker:
    """One worker process: started at once with the path of its answer file as its last argument
    (``answer_file`` in the worker), its answer read once (``answer``), stopped when left (``with``)
    if it is still running (this process was interrupted or failed), its scratch folder removed.

    With ``takes_request`` the worker reads its request on standard input, sent later (``send``):
    it can be started before the request is known, and make its imports meanwhile. A request of
    any size is pickled into a file in ``folder`` and its path sent (``send_request``; the worker
    reads it with ``request``)."""

    def __init__(self, command: Sequence[str], *, doing: str, instead: str, log: logging.Logger,
                 takes_request: bool = False) -> None:
        self._doing, self._instead, self._log = doing, instead, log
        self._scratch = tempfile.TemporaryDirectory(prefix="tracegraph-worker-")
        self.folder = Path(self._scratch.name)
        """A scratch folder that lives as long as the worker (its answer is written there)."""
        self._answer = self.folder / "answer"
        # what the worker says on standard error goes to a file too: a pipe that nobody reads
        # while the worker runs would stop a worker that writes more than it holds
        self._errors = self.folder / "errors"
        self._process: subprocess.Popen[bytes] | None = None
        try:
            with self._errors.open("wb") as errors:
                self._process = subprocess.Popen([*command, str(self._answer)], stdout=subprocess.DEVNULL,
                                                 stderr=errors,
                                                 stdin=subprocess.PIPE if takes_request else subprocess.DEVNULL)
        except OSError as exc:
            log.warning("the worker %s did not start (%s); %s instead", doing, exc, instead)

    def send(self, request: bytes) -> None:
        """Write ``request`` to the worker's standard input and close it. Keep it small (a path):
        it blocks while the pipe is full. A worker that is gone is told by ``answer``."""
        if self._process is None or self._process.stdin is None:
            return
        stdin, self._process.stdin = self._process.stdin, None  # closed here: ``communicate`` leaves it be
        try:
            stdin.write(request)
        except OSError:  # the worker ended (BrokenPipeError): its exit status or answer says why
            pass
        try:
            stdin.close()
        except OSError:
            pass

    def send_request(self, request: object) -> None:
        """Pickle ``request`` into the worker's folder and send the worker its path (``request`` in
        the worker reads it)."""
        path = self.folder / "request.pickle"
        path.write_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        self.send(f"{path}\n".encode())

    def answer(self) -> bytes | None:
        """What the worker wrote to its answer file, once it ended with status 0; else None, with
        a warning."""
        if self._process is None:
            return None
        self._process.communicate()
        if self._process.returncode != 0:
            errors = self._errors.read_bytes() if self._errors.exists() else b""
            tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            self._log.warning("the worker %s failed (exit status %s: %s); %s instead",
                              self._doing, self._process.returncode, tail[0], self._instead)
            return None
        try:
            return self._answer.read_bytes()
        except OSError as exc:
            self.unreadable(f"no answer: {exc}")
            return None

    def unreadable(self, why: object) -> None:
        """Warn that the worker's answer could not be used, and why."""
        self._log.warning("the answer of the worker %s could not be read (%s); %s instead",
                          self._doing, why, self._instead)

    def stop(self) -> None:
        """Kill the worker if it is still running, and wait for it; remove its scratch folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._scratch.cleanup()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def request() -> Any:
    """In a worker started with ``takes_request``: what ``Worker.send_request`` sent. The worker
    ends (with a message) when no request came: the caller gave up on it and stops it."""
    path = sys.stdin.readline().strip()
    if not path:
        sys.exit("no request came")
    return pickle.loads(Path(path).read_bytes())


def answer_file() -> Path:
    """In a worker: the file to write its answer to (its last argument, given by ``Worker``)."""
    return Path(sys.argv[-1])
