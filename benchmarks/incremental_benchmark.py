"""Incremental resolve: time and agreement of `--previous` against a full re-run, in one run.

    python -m benchmarks.incremental_benchmark [--size 3000] [--seed 7] [--share 0.10] [--out DIR]

Generates a world, splits its records into a first run (1 - share) and an increment (share, with
the relations and listings that touch it), then times: a full resolve of the first part, the
incremental resolve of the increment against it, and a full resolve of everything (the baseline).
Prints the seconds and the ratio, and how many clusters of the incremental result equal the full
re-run's, plus pairwise precision and recall of both against the ground truth.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from resolution.demo import generate_world
from resolution.evaluate import evaluate_run
from resolution.pipeline import resolve
from resolution.settings import ResolutionSettings

T = TypeVar("T")
INPUTS = ("records.csv", "relations.csv", "listings.csv")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def split_world(world: Path, out: Path, share: float, seed: int) -> tuple[list[Path], list[Path]]:
    """Write ``first/`` and ``increment/`` inputs; a relation or listing touching a later record
    goes with the increment."""
    columns, records = _read(world / "records.csv")
    rng = random.Random(seed)
    later = [rng.random() < share for _ in records]
    first_keys = {(r["source"], r["record_id"]) for r, late in zip(records, later, strict=True) if not late}
    _write(out / "first" / "records.csv", columns, [r for r, late in zip(records, later, strict=True) if not late])
    _write(out / "increment" / "records.csv", columns, [r for r, late in zip(records, later, strict=True) if late])
    rel_columns, relations = _read(world / "relations.csv")
    early = [(r["source"], r["from_record_id"]) in first_keys and (r["source"], r["to_record_id"]) in first_keys
             for r in relations]
    _write(out / "first" / "relations.csv", rel_columns, [r for r, e in zip(relations, early, strict=True) if e])
    _write(out / "increment" / "relations.csv", rel_columns, [r for r, e in zip(relations, early, strict=True) if not e])
    list_columns, listings = _read(world / "listings.csv")
    _write(out / "first" / "listings.csv", list_columns, [r for r in listings if (r["source"], r["record_id"]) in first_keys])
    _write(out / "increment" / "listings.csv", list_columns,
           [r for r in listings if (r["source"], r["record_id"]) not in first_keys])
    return [out / "first" / n for n in INPUTS], [out / "increment" / n for n in INPUTS]


def _timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s", flush=True)
    return result, seconds


def _clusters(run: Path) -> set[frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for row in _read(run / "clusters.csv")[1]:
        members[row["entity_id"]].add(f"{row['source']}:{row['record_id']}")
    return {frozenset(m) for m in members.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.10, help="share of records in the increment")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    base = args.out or Path(tempfile.mkdtemp(prefix="tracegraph-incremental-"))
    world = generate_world(base / "world", size=args.size, seed=args.seed)
    first, increment = split_world(base / "world", base / "split", args.share, seed=1)
    settings = ResolutionSettings()
    _timed("full resolve of the first part", lambda: resolve(first, base / "first-run", settings))
    _, incremental_s = _timed("incremental resolve of the increment",
                              lambda: resolve(increment, base / "incremental-run", settings, previous=base / "first-run"))
    _, full_s = _timed("full resolve of everything (baseline)", lambda: resolve(world.inputs, base / "full-run", settings))
    same = _clusters(base / "incremental-run") & _clusters(base / "full-run")
    total = len(_clusters(base / "full-run"))
    truth = base / "world" / "truth_records.csv"
    scores: dict[str, Any] = {
        name: asdict(evaluate_run(base / run, truth)["all"])
        for name, run in (("incremental", "incremental-run"), ("full", "full-run"))
    }
    print(json.dumps({
        "records": sum(1 for _ in _read(world.records)[1]), "increment_share": args.share,
        "incremental_s": round(incremental_s, 2), "full_s": round(full_s, 2),
        "speed_up": round(full_s / incremental_s, 2),
        "clusters_equal_to_full_rerun": f"{len(same)} of {total}", "scores": scores,
    }, indent=2))


if __name__ == "__main__":
    main()
