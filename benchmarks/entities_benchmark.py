"""Building the entities: DuckDB a column at a time (``resolution.entities.build``) against the
row-at-a-time Python builder it replaced (``tests/resolution/entities/reference_build.py``), in one run.

    python -m benchmarks.entities_benchmark WORLD_DIR RUN_DIR [--repeat N]

``WORLD_DIR`` holds a generated world's ``records.csv``, ``relations.csv`` and ``listings.csv``;
``RUN_DIR`` a finished full run on it (``tracegraph resolve``), from which the clusters
(``clusters.csv``), the records' probabilities (``records.jsonl``), the review pairs (the unmerged
pairs of ``pairs.jsonl``) and the reasons pairs were kept apart (``kept_apart.csv``) are taken,
so both builders get what the run gave its builder. With Python's collector paused, as in
``tracegraph resolve``, it prints for each builder the seconds of building and of writing the
graph files and ``clusters.csv`` (best of ``--repeat``), the ratio of the totals, and whether
every file came out byte for byte the same.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from resolution.collector import collector_paused
from resolution.entities.build import build_graph
from resolution.link.conflicts import kept_apart_reasons
from resolution.pairs_file import read_pairs
from resolution.run_folder import CLUSTERS, GRAPH_FILES, read_csv, read_jsonl
from resolution.sources import read_inputs


def run_inputs(run_dir: Path) -> tuple[dict[str, str], dict[str, float], list[tuple[str, str, float]],
                                       dict[tuple[str, str], str]]:
    """What the run's builder was given: clusters (record key -> entity id as the label), the
    probabilities other than 1.0, the review pairs and the reasons pairs were kept apart."""
    clusters = {f"{row['source']}:{row['record_id']}": row["entity_id"] for row in read_csv(run_dir / CLUSTERS)}
    probability = {row["key"]: row["probability"] for row in read_jsonl(run_dir / "records.jsonl")
                   if row["probability"] != 1.0}
    review = [(row["record_l"], row["record_r"], row["match_probability"])
              for row in read_pairs(run_dir) if not row["merged"]]
    return clusters, probability, review, kept_apart_reasons(read_csv(run_dir / "kept_apart.csv", missing_ok=True))


def _best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("run", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from tests.resolution.entities import reference_build  # the baseline: the builder before DuckDB

    world = args.world
    with collector_paused(), tempfile.TemporaryDirectory(prefix="entities-benchmark-") as scratch:
        batch = read_inputs([world / "records.csv", world / "relations.csv", world / "listings.csv"])
        clusters, probability, review, reasons = run_inputs(args.run)
        given = (batch.records, batch.relations, batch.listings, clusters, probability, review)
        seconds: dict[str, tuple[float, float]] = {}
        for name, build in (("python rows", reference_build.build_graph), ("duckdb", build_graph)):
            out = Path(scratch) / name.replace(" ", "_")
            out.mkdir()
            built_in, graph = _best(args.repeat, lambda build=build: build(*given, kept_apart=reasons))
            written_in, _ = _best(args.repeat, lambda graph=graph, out=out: graph.write(out))
            seconds[name] = (built_in, written_in)
            print(f"{name}: build {built_in:.2f} s, write {written_in:.2f} s, "
                  f"{len(batch.records) / (built_in + written_in):,.0f} records/s")
            del graph
        names = (CLUSTERS, *(f"{g}.jsonl" for g in GRAPH_FILES))
        same = all((Path(scratch) / "python_rows" / n).read_bytes() == (Path(scratch) / "duckdb" / n).read_bytes()
                   for n in names)
        baseline, duckdb_total = sum(seconds["python rows"]), sum(seconds["duckdb"])
        print(f"ratio {baseline / duckdb_total:.2f}x (python rows {baseline:.2f} s / duckdb {duckdb_total:.2f} s), "
              f"same files: {same}")


if __name__ == "__main__":
    main()
