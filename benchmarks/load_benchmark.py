"""Load benchmark: batched UNWIND ... MERGE load of a run folder vs a naive one-row-per-transaction
load, both measured in the same run against the same Neo4j.

    python -m benchmarks.load_benchmark RUN_DIR [--naive-rows 5000]

Prints nodes+relationships written per second for a naive load of the first ``--naive-rows``
entity and record rows, the batched load of the whole run (after emptying the database) and its
re-load (idempotent: the counts must not change), and the ratio batched / naive. Leaves the run
loaded. Uses the NEO4J_* and TRACEGRAPH_BATCH_SIZE settings.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import islice
from pathlib import Path

import cypher
from resolution.graph.loader import _entity_row, driver_from_settings, graph_counts, load_run, wipe_database
from resolution.run_folder import read_jsonl
from resolution.settings import get_settings


def _total(counts: dict[str, int]) -> int:
    nodes = counts.get("Entity", 0) + counts.get("Record", 0) + counts.get("Address", 0) + counts.get("Sanction", 0)
    rels = sum(v for k, v in counts.items() if k.isupper())
    return nodes + rels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--naive-rows", type=int, default=5000)
    args = parser.parse_args()
    settings = get_settings()
    driver = driver_from_settings(settings)

    # naive first: one transaction per row, entities then their records (+ RESOLVED_TO)
    wipe_database(driver, settings.neo4j_database)
    entity_text = cypher.statement("load", "entities").text
    record_text = cypher.statement("load", "records").text
    entities = [_entity_row(r) for r in islice(read_jsonl(args.run_dir / "entities.jsonl"), args.naive_rows)]
    ids = {e["id"] for e in entities}
    records = [r for r in read_jsonl(args.run_dir / "records.jsonl") if r["entity_id"] in ids][: args.naive_rows]
    started = time.perf_counter()
    with driver.session(database=settings.neo4j_database) as session:
        for row in entities:
            session.execute_write(lambda tx, r=row: tx.run(entity_text, rows=[r]).consume())
        for row in records:
            session.execute_write(lambda tx, r=row: tx.run(record_text, rows=[r]).consume())
    naive_s = time.perf_counter() - started
    naive_written = _total(graph_counts(driver, settings.neo4j_database))

    # batched: the whole run into an emptied database, then the same run again (idempotent)
    started = time.perf_counter()
    report = load_run(args.run_dir, settings, driver=driver, replace=True)
    batched_s = time.perf_counter() - started
    written = _total(report.counts)

    started = time.perf_counter()
    again = load_run(args.run_dir, settings, driver=driver)
    reload_s = time.perf_counter() - started
    assert again.counts == report.counts, "re-load changed the graph"
    driver.close()

    batched_rate = written / batched_s
    naive_rate = naive_written / naive_s
    print(json.dumps({
        "run_dir": str(args.run_dir),
        "nodes_and_relationships": written,
        "batch_size": settings.batch_size,
        "batched_seconds": round(batched_s, 2),
        "batched_per_second": round(batched_rate),
        "first_load_with_create": report.first_load,
        "batched_seconds_per_file": report.seconds,
        "batched_rows_per_file": report.rows,
        "reload_seconds": round(reload_s, 2),
        "reload_seconds_per_file": again.seconds,
        "naive_rows_written": naive_written,
        "naive_seconds": round(naive_s, 2),
        "naive_per_second": round(naive_rate),
        "ratio_batched_to_naive": round(batched_rate / naive_rate, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
