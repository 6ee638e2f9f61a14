"""Run the real API (uvicorn in a child process) for tests that talk HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from resolution.settings import ResolutionSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def neo4j_env(settings: ResolutionSettings, **extra: str) -> dict[str, str]:
    """The environment of a child process that talks to the Neo4j of ``settings``."""
    return {**os.environ, "NEO4J_URI": settings.neo4j_uri, "NEO4J_USER": settings.neo4j_user,
            "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(), **extra}


def wait_until_healthy(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url}/health did not answer 200 within {timeout_s} s")


def spawned_children(pid: int) -> list[int]:
    """Child processes of ``pid`` started by multiprocessing's spawn (process-pool and uvicorn
    workers; not the resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


@contextmanager
def serve_api(env: dict[str, str], *, wait_for_health: bool = True,
              command: list[str] | None = None) -> Iterator[str]:
    """Start ``uvicorn service.app:app`` (or ``command`` + ``--host``/``--port``) on a free
    loopback port; yields its base URL."""
    port = free_port()
    command = command or [sys.executable, "-m", "uvicorn", "service.app:app"]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if wait_for_health:
            wait_until_healthy(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
