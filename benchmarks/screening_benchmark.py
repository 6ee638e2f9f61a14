"""Screening benchmark: latency and memory of ``Screener.screen`` over many calls.

    python -m benchmarks.screening_benchmark RUN_DIR [--calls 5000] [--seed 1] [--allocator system]

Screens records drawn from the run itself (with their source and id replaced) and prints p50/p95
latency and resident memory for the first and the last 10% of the calls, so flatness over
thousands of calls can be read directly (the first block is the baseline of the same run).
By default it runs with jemalloc preloaded, as the API starts its screening worker (it re-executes
itself under ``LD_PRELOAD``); ``--allocator system`` measures glibc's malloc instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from resolution.allocator import find_jemalloc, loaded_allocator, preloaded
from resolution.models import Record
from resolution.run_folder import read_jsonl
from resolution.screening import Screener


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _block(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--allocator", choices=["jemalloc", "system"], default="jemalloc")
    args = parser.parse_args()
    if args.allocator == "jemalloc" and loaded_allocator() != "jemalloc":
        library = find_jemalloc()
        if library is None:
            raise SystemExit("jemalloc is not installed (scripts/ensure-prereqs.sh); or pass --allocator system")
        with preloaded(library):
            os.execv(sys.executable, [sys.executable, "-m", "benchmarks.screening_benchmark", *sys.argv[1:]])
    started = time.perf_counter()
    screener = Screener(args.run_dir)
    build_s = time.perf_counter() - started
    rng = random.Random(args.seed)
    sample = [row["props"] for row in read_jsonl(args.run_dir / "records.jsonl") if rng.random() < 0.05][:2000]
    queries = [Record.model_validate({k: v for k, v in p.items() if not k.startswith("attr_")} | {"source": "query", "record_id": "q"})
               for p in sample]
    latencies: list[float] = []
    rss = [_rss_mb()]
    for i in range(args.calls):
        query = queries[i % len(queries)]
        t0 = time.perf_counter()
        screener.screen(query, limit=5)
        latencies.append(time.perf_counter() - t0)
        if i == args.calls // 10:
            rss.append(_rss_mb())
    rss.append(_rss_mb())
    tenth = max(1, args.calls // 10)
    print(json.dumps({
        "run_dir": str(args.run_dir), "allocator": loaded_allocator(), "index_build_seconds": round(build_s, 1), "calls": args.calls,
        "first_10pct": _block(latencies[:tenth]), "last_10pct": _block(latencies[-tenth:]),
        "all": _block(latencies), "rss_mb_start_after10pct_end": [round(x) for x in rss],
    }, indent=2))


if __name__ == "__main__":
    main()
