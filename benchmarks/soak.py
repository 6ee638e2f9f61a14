"""Soak: a bounded, paced load on the real API for minutes, with memory before and after.

    python -m benchmarks.soak (RUN_DIR | --from-graph) [--minutes 10] [--rate 100] [--clients 16]
                             [--api-key KEY] [--out soak.json]

Starts the API (uvicorn, one worker, loopback) against the Neo4j at NEO4J_URI, then sends a mix of
requests (paths, exposure, entity look-ups, search, and POST /match when TRACEGRAPH_API_RUN_DIR is
set) at a fixed rate from ``--clients`` concurrent clients for ``--minutes``. Prints, per minute,
the requests served, errors and p50/p95/p99 latency, and at the end the resident memory of the API
process and of the local Neo4j (from /proc) before and after, so growth can be read directly.
Traffic goes to loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from benchmarks.query_benchmark import _connected_from_graph, _connected_from_run, _percentile
from tests.api_server import free_port, wait_until_healthy


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process in MiB (Linux /proc), ``None`` when unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def neo4j_pid() -> int | None:
    from resolution.graph.local_server import LocalNeo4j
    from resolution.settings import get_settings

    return LocalNeo4j(get_settings()).status().pid


def _requests(ids: list[str], rng: random.Random, with_match: bool) -> list[tuple[str, str, dict[str, Any]]]:
    firms = [i for i in ids if i.startswith("tg-co-")] or ids
    names = ["dandong", "trading", "shipping", "hongxiang", "industrial", "pyongyang", "ocean", "mining"]
    mix: list[tuple[str, str, dict[str, Any]]] = []
    for _ in range(5000):
        roll = rng.random()
        if roll < 0.3:
            mix.append(("GET", "/paths", {"source": rng.choice(firms), "target": rng.choice(ids), "max_hops": 6}))
        elif roll < 0.55:
            mix.append(("GET", f"/entities/{rng.choice(firms)}/exposure", {"max_hops": 4}))
        elif roll < 0.75:
            mix.append(("GET", f"/entities/{rng.choice(ids)}", {}))
        elif roll < 0.9 or not with_match:
            mix.append(("GET", "/entities", {"q": rng.choice(names), "limit": 10}))
        else:
            mix.append(("POST", "/match", {"entity_type": "company", "name": f"{rng.choice(names)} trading co ltd",
                                           "country": "CN"}))
    return mix


async def _soak(url: str, mix: list[tuple[str, str, dict[str, Any]]], *, minutes: float, rate: float,
                clients: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + minutes * 60
    interval = clients / rate  # each client paces itself so that all together send `rate` req/s
    per_minute: list[dict[str, Any]] = []
    bucket: dict[str, Any] = {"latencies": [], "statuses": Counter()}
    minute_ends = time.monotonic() + 60
    lock = asyncio.Lock()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30, headers=headers) as client:

        async def worker(offset: int) -> None:
            nonlocal bucket, minute_ends
            n = offset
            next_at = time.monotonic() + interval * offset / clients  # spread the clients' starts
            while time.monotonic() < deadline:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
                method, path, params = mix[n % len(mix)]
                n += clients
                started = time.perf_counter()
                try:
                    if method == "GET":
                        response = await client.get(path, params=params)
                    else:
                        response = await client.post(path, json=params)
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - started) * 1000
                async with lock:
                    bucket["latencies"].append(elapsed)
                    bucket["statuses"][status] += 1
                    if time.monotonic() >= minute_ends:
                        per_minute.append(_summary(bucket))
                        print(json.dumps(per_minute[-1]), flush=True)
                        bucket = {"latencies": [], "statuses": Counter()}
                        minute_ends += 60

        await asyncio.gather(*(worker(i) for i in range(clients)))
    if bucket["latencies"]:
        per_minute.append(_summary(bucket))
    return per_minute


def _summary(bucket: dict[str, Any]) -> dict[str, Any]:
    latencies = bucket["latencies"]
    statuses: Counter[str] = bucket["statuses"]
    errors = sum(n for s, n in statuses.items() if not (s.isdigit() and int(s) < 500))
    return {
        "requests": len(latencies), "errors_5xx_or_transport": errors, "statuses": dict(statuses),
        "p50_ms": round(_percentile(latencies, 0.5), 1), "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, nargs="?")
    parser.add_argument("--from-graph", action="store_true")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="requests per second, all clients together")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    ids = _connected_from_graph() if args.from_graph else _connected_from_run(args.run_dir)
    mix = _requests(ids, random.Random(args.seed), with_match=bool(os.environ.get("TRACEGRAPH_API_RUN_DIR")))
    port = free_port()
    api = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"], env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url)
        headers = {"X-API-Key": args.api_key} if args.api_key else {}
        # warm-up, so "before" is the memory of a serving process, not of a fresh one
        asyncio.run(_soak(url, mix, minutes=0.25, rate=args.rate, clients=args.clients, headers=headers))
        before = {"api_rss_mb": rss_mb(api.pid), "neo4j_rss_mb": rss_mb(neo4j_pid())}
        started = time.monotonic()
        minutes = asyncio.run(_soak(url, mix, minutes=args.minutes, rate=args.rate, clients=args.clients,
                                    headers=headers))
        seconds = time.monotonic() - started
        after = {"api_rss_mb": rss_mb(api.pid), "neo4j_rss_mb": rss_mb(neo4j_pid())}
    finally:
        api.terminate()
        api.wait(timeout=30)
    total = sum(m["requests"] for m in minutes)
    report = {
        "minutes": args.minutes, "target_rate": args.rate, "clients": args.clients,
        "requests": total, "achieved_rate": round(total / seconds, 1),
        "errors_5xx_or_transport": sum(m["errors_5xx_or_transport"] for m in minutes),
        "memory_before": before, "memory_after": after, "per_minute": minutes,
    }
    print(json.dumps({k: v for k, v in report.items() if k != "per_minute"}, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
