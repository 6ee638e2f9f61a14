"""Screening client: runs ``resolution.screening`` in one worker process.

The worker imports Splink and holds the run's records and models; the API process only sends it
validated records. The pool starts on the first ``POST /match`` (building the index takes a
moment) and is shut down with the app.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from resolution import screening_entry
from service.errors import DatabaseUnavailable


class ScreeningUnavailable(DatabaseUnavailable):
    title = "Screening unavailable"


class ScreeningClient:
    def __init__(self, run_dir: Path | None) -> None:
        self.run_dir = run_dir
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()

    async def _ensure_pool(self) -> ProcessPoolExecutor:
        if self.run_dir is None:
            raise ScreeningUnavailable("screening is not configured: set TRACEGRAPH_API_RUN_DIR to a run folder")
        if not (self.run_dir / "records.jsonl").exists():
            raise ScreeningUnavailable(f"run folder {self.run_dir} has no resolved records to screen against")
        async with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=screening_entry.init_worker, initargs=(str(self.run_dir),),
                )
        return self._pool

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
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
