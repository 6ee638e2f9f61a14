"""Screening client: runs ``resolution.screening`` in one worker process.

The worker imports Splink and holds the run's records and models; the API process only sends it
validated records. The pool starts on the first ``POST /match`` (building the index takes a
moment) and is shut down with the app. The worker is started with jemalloc preloaded when it is
installed (``TRACEGRAPH_API_SCREENING_ALLOCATOR``, see ``resolution.allocator``): with glibc's
malloc its latency creeps up over thousands of calls.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

from resolution import screening_entry
from resolution.allocator import find_jemalloc, preloaded
from service.errors import DatabaseUnavailable


log = logging.getLogger("service")
WORKER_EXIT_TIMEOUT_S = 5.0


class ScreeningUnavailable(DatabaseUnavailable):
    title = "Screening unavailable"


class ScreeningClient:
    def __init__(self, run_dir: Path | None, *, allocator: Literal["jemalloc", "system"] = "jemalloc") -> None:
        self.run_dir = run_dir
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self._preload = find_jemalloc() if allocator == "jemalloc" else None
        if allocator == "jemalloc" and self._preload is None:
            log.warning("jemalloc is not installed: the screening worker uses the system allocator, and its "
                        "latency creeps up over thousands of calls (scripts/ensure-prereqs.sh installs it)")

    async def _ensure_pool(self) -> ProcessPoolExecutor:
        if self.run_dir is None:
            raise ScreeningUnavailable("screening is not configured: set TRACEGRAPH_API_RUN_DIR to a run folder")
        if not (self.run_dir / "records.jsonl").exists():
            raise ScreeningUnavailable(f"run folder {self.run_dir} has no resolved records to screen against")
        async with self._lock:
            if self._pool is None:
                pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=screening_entry.init_worker, initargs=(str(self.run_dir),),
                )
                with preloaded(self._preload):  # the first task starts the worker process
                    pool.submit(screening_entry.allocator_in_use)
                self._pool = pool
        return self._pool

    async def allocator(self) -> str:
        """The allocator the worker process runs with (``jemalloc`` or ``system``)."""
        pool = await self._ensure_pool()
        return await asyncio.get_running_loop().run_in_executor(pool, screening_entry.allocator_in_use)

    async def screen(self, record: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        pool = await self._ensure_pool()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, screening_entry.screen_in_worker, record, limit)
        except Exception as exc:  # BrokenProcessPool or an error raised in the worker
            if "BrokenProcessPool" in type(exc).__name__:
                self._pool = None
            raise ScreeningUnavailable(f"the screening worker failed: {exc}") from exc

    def close(self) -> None:
        """Stop the worker process and wait for it. ``shutdown(wait=False)`` alone let the API exit
        before the worker had stopped, and the worker stayed, idle and holding the index (hundreds
        of MB; GBs at a million records); one busy building its index would not stop for minutes.
        So it is terminated and reaped (the executor has no public way to do that before 3.14)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=WORKER_EXIT_TIMEOUT_S)
