"""A worker interpreter whose standard output is its answer, for work split over two processes.

Python uses one core of the two, so reading canonical files (``resolution.sources.parallel``) and
standardising many names (``resolution.link.name_worker``) give part of their work to a fresh
interpreter (``python -m MODULE ...``: nothing of this process, its threads or its main module is
inherited). A worker that cannot start, fails, or answers what cannot be read costs time only:
the caller then does the work itself, and a warning says why (``Worker``'s messages name what the
worker was doing and what is done instead).
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence


class Worker:
    """One worker process: started at once, its answer read once (``answer``), stopped when left
    (``with``) if it is still running (this process was interrupted or failed).

    With ``takes_request`` the worker reads its request on standard input, sent later (``send``):
    it can be started before the request is known, and make its imports meanwhile."""

    def __init__(self, command: Sequence[str], *, doing: str, instead: str, log: logging.Logger,
                 takes_request: bool = False) -> None:
        self._doing, self._instead, self._log = doing, instead, log
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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

    def answer(self) -> bytes | None:
        """What the worker wrote, once it ended with status 0; else None, with a warning."""
        if self._process is None:
            return None
        answer, errors = self._process.communicate()
        if self._process.returncode != 0:
            tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            self._log.warning("the worker %s failed (exit status %s: %s); %s instead",
                              self._doing, self._process.returncode, tail[0], self._instead)
            return None
        return answer

    def unreadable(self, why: object) -> None:
        """Warn that the worker's answer could not be used, and why."""
        self._log.warning("the answer of the worker %s could not be read (%s); %s instead",
                          self._doing, why, self._instead)

    def stop(self) -> None:
        """Kill the worker if it is still running, and wait for it."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
