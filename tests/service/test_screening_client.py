"""The screening worker process: started with the allocator the settings ask for."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from resolution.allocator import find_jemalloc
from resolution.pipeline import RunSummary
from service.screening import ScreeningClient


def _worker_allocator(run_dir: Path, allocator: str) -> str:
    client = ScreeningClient(run_dir, allocator=allocator)  # type: ignore[arg-type]
    try:
        return asyncio.run(client.allocator())
    finally:
        client.close()


@pytest.mark.parametrize("allocator", ["jemalloc", "system"])
def test_the_worker_runs_with_the_chosen_allocator_and_the_api_process_is_untouched(
    small_run: tuple[Path, RunSummary], allocator: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert find_jemalloc(), "scripts/ensure-prereqs.sh installs libjemalloc2"
    assert _worker_allocator(small_run[0], allocator) == allocator
    assert "LD_PRELOAD" not in os.environ
