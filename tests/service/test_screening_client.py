"""The screening worker process: started with the allocator the settings ask for."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from resolution.allocator import find_jemalloc
from resolution.pipeline import RunSummary
from service.screening import ScreeningClient
from tests.api_server import serve_api, spawned_children


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


def _api_pid(port: str) -> int:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in b" ".join(args) and port.encode() in args:
            return int(cmdline.parent.name)
    raise AssertionError(f"no API process on port {port}")


def _first_match(url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.post(f"{url}/match", json={"entity_type": "company", "name": "DANDONG"}, timeout=60)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.2)


def test_the_worker_process_ends_with_the_api(small_run: tuple[Path, RunSummary]) -> None:
    """A graceful stop of the API (SIGTERM) used to leave its screening worker running, idle and
    holding the whole index, after the API had exited."""
    env = {**os.environ, "TRACEGRAPH_API_RUN_DIR": str(small_run[0])}
    with serve_api(env, wait_for_health=False) as url:
        response = _first_match(url)
        assert response.status_code == 200, response.text
        workers = spawned_children(_api_pid(url.rsplit(":", 1)[1]))
        assert workers, "the API runs POST /match in a worker process"
    for pid in workers:  # stopped and reaped by the API on its way out
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_ctrl_c_is_left_to_the_api(small_run: tuple[Path, RunSummary]) -> None:
    """Ctrl+C in a terminal reaches every process of the foreground group: the worker used to die
    of it with a KeyboardInterrupt traceback while the API was still shutting down."""
    env = {**os.environ, "TRACEGRAPH_API_RUN_DIR": str(small_run[0])}
    with serve_api(env, wait_for_health=False) as url:
        assert _first_match(url).status_code == 200
        workers = spawned_children(_api_pid(url.rsplit(":", 1)[1]))
        assert workers
        for pid in workers:
            os.kill(pid, signal.SIGINT)
        time.sleep(1.0)
        for pid in workers:
            os.kill(pid, 0)  # still there: raises ProcessLookupError if SIGINT ended it
        again = httpx.post(f"{url}/match", json={"entity_type": "company", "name": "DANDONG"}, timeout=60)
        assert again.status_code == 200, again.text
        assert spawned_children(_api_pid(url.rsplit(":", 1)[1])) == workers  # the same worker answered
