"""Query benchmark: /paths and /exposure through HTTP under concurrent clients (loopback only).

    python -m benchmarks.query_benchmark (RUN_DIR | --from-graph) [--url http://127.0.0.1:8000]
                                         [--clients 32] [--requests 2000] [--seed 1]
                                         [--rates 25,50,100] [--endpoints paths,exposure]
                                         [--http-client aiohttp|httpx]

Needs a running API (``tracegraph serve``) over a graph loaded from RUN_DIR. Picks random
connected entities from the run folder (or, with ``--from-graph``, from the Neo4j at NEO4J_URI),
then sends a bounded number of requests from
``--clients`` concurrent clients and prints requests/s and p50/p95/p99 latency per endpoint, with a
single-client baseline measured in the same run. With ``--rates``, the same clients also send
at fixed total rates (open loop: latency counted from when each request fell due), which shows
the latency at a given load rather than at saturation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from resolution.run_folder import read_jsonl


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _run(url: str, requests: list[tuple[str, dict]], clients: int, rate: float | None = None,
               http_client: str = "aiohttp") -> dict:
    """Send ``requests`` from ``clients`` concurrent clients: as fast as they answer (closed loop),
    or, with ``rate``, request i falls due at i / rate seconds (open loop) and its latency counts
    from when it fell due, so time spent waiting for a free client is not hidden. Each response is
    read in full."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[tuple[int, tuple[str, dict]]] = asyncio.Queue()
    for item in enumerate(requests):
        queue.put_nowait(item)
    async with _client(url, clients, http_client) as get:
        begun = time.perf_counter()

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                index, (path, params) = queue.get_nowait()
                started = time.perf_counter()
                if rate:
                    due = begun + index / rate
                    await asyncio.sleep(max(0.0, due - started))
                    started = due
                status = await get(path, params)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - begun
    ms = [v * 1000 for v in latencies]
    return {
        "requests": len(ms), "errors": errors, "clients": clients,
        "offered_rate": rate or "as fast as answered",
        "requests_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(_percentile(ms, 0.50), 1), "p95_ms": round(_percentile(ms, 0.95), 1),
        "p99_ms": round(_percentile(ms, 0.99), 1), "mean_ms": round(statistics.fmean(ms), 1),
    }


Get = Callable[[str, dict], Awaitable[int]]


@asynccontextmanager
async def _client(url: str, clients: int, http_client: str) -> AsyncIterator[Get]:
    """A GET that returns the status after reading the whole body, over at most ``clients``
    keep-alive connections. aiohttp (the ``bench`` extra) costs the load generator about half the
    CPU of httpx, and the load generator shares the two cores with the API and Neo4j."""
    if http_client == "httpx":
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            async def get_httpx(path: str, params: dict) -> int:
                return (await client.get(path, params=params)).status_code
            yield get_httpx
        return
    try:
        import aiohttp
    except ImportError:
        raise SystemExit("the aiohttp load generator needs the bench extra: pip install -e '.[bench]' "
                         "(or pass --http-client httpx)") from None
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def get_aiohttp(path: str, params: dict) -> int:
            async with session.get(path, params={k: str(v) for k, v in params.items()}) as response:
                await response.read()
                return response.status
        yield get_aiohttp


def _connected_from_run(run_dir: Path) -> list[str]:
    connected: set[str] = set()
    for rel in read_jsonl(run_dir / "relations.jsonl"):
        connected.update((rel["from_id"], rel["to_id"]))
    return sorted(connected)


def _connected_from_graph() -> list[str]:
    from resolution.graph.loader import driver_from_settings
    from resolution.settings import get_settings

    settings = get_settings()
    with driver_from_settings(settings) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (e:Entity) WHERE EXISTS { (e)-[:OWNER_OF|DIRECTOR_OF|SHAREHOLDER_OF|OPERATOR_OF|"
            "TRADED_WITH]-() } RETURN e.id AS id ORDER BY id", database_=settings.neo4j_database,
        )
    return [r["id"] for r in records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, nargs="?")
    parser.add_argument("--from-graph", action="store_true", help="sample entities from Neo4j (NEO4J_URI)")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rates", default="",
                        help="also run the clients open-loop at these total requests/s, e.g. 25,50,100")
    parser.add_argument("--http-client", choices=("aiohttp", "httpx"), default="aiohttp",
                        help="the load generator's HTTP client (aiohttp: the bench extra; cheaper)")
    parser.add_argument("--endpoints", default="paths,exposure",
                        help="which endpoints to measure, comma-separated: paths, exposure")
    args = parser.parse_args()
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    if unknown := sorted(set(endpoints) - {"paths", "exposure"}):
        raise SystemExit(f"unknown endpoints {unknown}: choose from paths, exposure")
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("the benchmark only sends traffic to loopback addresses")
    rng = random.Random(args.seed)
    if args.from_graph:
        ids = _connected_from_graph()
    elif args.run_dir is not None:
        ids = _connected_from_run(args.run_dir)
    else:
        raise SystemExit("give a RUN_DIR or --from-graph")
    firms = [i for i in ids if i.startswith("tg-co-")]
    paths = [("/paths", {"source": rng.choice(firms), "target": rng.choice(ids), "max_hops": 6})
             for _ in range(args.requests)]
    exposure = [(f"/entities/{rng.choice(firms)}/exposure", {"max_hops": 4}) for _ in range(args.requests)]
    results = {}
    for name, batch in (("paths", paths), ("exposure", exposure)):
        if name not in endpoints:
            continue
        results[f"{name}_1_client"] = asyncio.run(
            _run(args.url, batch[: max(50, args.requests // 10)], 1, http_client=args.http_client)
        )
        results[f"{name}_{args.clients}_clients"] = asyncio.run(
            _run(args.url, batch, args.clients, http_client=args.http_client)
        )
        for rate in (float(r) for r in args.rates.split(",") if r.strip()):
            sample = batch[: max(200, int(rate * 20))]  # about 20 s at each rate
            results[f"{name}_{args.clients}_clients_at_{rate:g}_per_s"] = asyncio.run(
                _run(args.url, sample, args.clients, rate, http_client=args.http_client)
            )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
