"""``tracegraph load``: write a run folder into Neo4j in batches with ``UNWIND ... MERGE``.

Every statement comes from ``cypher/schema`` and ``cypher/load``; values travel as parameters.
Records that a new run resolves to another entity are re-pointed; entities left without records
were merged away and leave a ``(:Redirect {from_id, to_id})`` to the entity holding most of them.
Writes use managed transactions, so transient errors are retried by the driver. Loading the same
run twice changes nothing (every write is a MERGE on a unique key, then SET of the same values).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

import cypher
from resolution.errors import GraphLoadError
from resolution.models import RelationType
from resolution.run_folder import check_run_folder, read_jsonl
from resolution.settings import ResolutionSettings

ENTITY_LABELS = {"company": "Company", "person": "Person", "vessel": "Vessel"}
RELATION_TYPES = frozenset(t.graph_type for t in RelationType)
# (run-folder file, load statement) in dependency order: nodes before the relationships to them.
LOAD_ORDER = (
    ("entities", "entities"),
    ("addresses", "addresses"),
    ("sanctions", "sanctions"),
    ("records", "records"),
    ("registered_at", "registered_at"),
    ("listed_on", "listed_on"),
    ("relations", "relations"),
    ("possibly_same_as", "possibly_same_as"),
    ("pairs", "matched"),
)

Progress = Callable[[str, int], None]


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def driver_from_settings(settings: ResolutionSettings) -> Driver:
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )


def _entity_row(row: dict[str, Any]) -> dict[str, Any]:
    labels = [ENTITY_LABELS[row["type"]]]
    if row.get("sanctioned"):
        labels.append("Sanctioned")
    props = {k: v for k, v in row.items() if k != "id"}
    return {"id": row["id"], "labels": labels, "props": props}


def _matched_row(row: dict[str, Any]) -> dict[str, Any]:
    names = sorted(row["weights"])
    return {
        "record_l": row["record_l"], "record_r": row["record_r"],
        "match_probability": row["match_probability"], "match_weight": row["match_weight"],
        "comparisons": names, "weights": [row["weights"][n] for n in names],
    }


def _relation_row(row: dict[str, Any]) -> dict[str, Any]:
    if row["type"] not in RELATION_TYPES:
        raise GraphLoadError(f"unknown relationship type {row['type']!r} in relations.jsonl")
    return row


_PREPARE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "entities": _entity_row,
    "relations": _relation_row,
}


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _write(tx: ManagedTransaction, text: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(text, rows=rows)]


def _rows(run_dir: Path, file_name: str) -> Iterator[dict[str, Any]]:
    rows = read_jsonl(run_dir / f"{file_name}.jsonl")
    if file_name == "pairs":
        return (_matched_row(r) for r in rows if r["merged"])
    prepare = _PREPARE.get(file_name)
    return (prepare(r) for r in rows) if prepare else rows


def _redirect_targets(moves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each old entity id, the new entity that took most of its records."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for move in moves:
        votes[move["old_id"]][move["new_id"]] += 1
    return [
        {"old_id": old, "new_id": min(c for c, n in counter.items() if n == max(counter.values()))}
        for old, counter in sorted(votes.items())
    ]


def wipe_database(driver: Driver, database: str, batch: int = 5_000) -> int:
    """Delete every node and relationship in bounded transactions; returns nodes deleted."""
    text = cypher.statement("load", "wipe").text
    total = 0
    with driver.session(database=database) as session:
        while deleted := session.execute_write(lambda tx: tx.run(text, batch=batch).single()["deleted"]):
            total += deleted
    return total


def create_schema(driver: Driver, database: str) -> None:
    """Create every constraint and index in ``cypher/schema`` (idempotent: IF NOT EXISTS)."""
    for stmt in cypher.statements("schema").values():
        driver.execute_query(stmt.text, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


def graph_counts(driver: Driver, database: str) -> dict[str, int]:
    records, _, _ = driver.execute_query(cypher.statement("load", "count_graph").text, database_=database)
    return {r["kind"]: r["n"] for r in records}


def load_run(
    run_dir: Path,
    settings: ResolutionSettings,
    *,
    driver: Driver | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> LoadReport:
    """Write the run folder into Neo4j; returns rows written per file and graph counts after.

    With ``replace`` the database is emptied first; otherwise the run is merged into what is there.
    """
    check_run_folder(run_dir)
    own_driver = driver is None
    driver = driver or driver_from_settings(settings)
    report = LoadReport()
    try:
        driver.verify_connectivity()
        if replace:
            wipe_database(driver, settings.neo4j_database)
        create_schema(driver, settings.neo4j_database)
        moves: list[dict[str, Any]] = []
        repoint = cypher.statement("load", "repoint_records").text
        with driver.session(database=settings.neo4j_database) as session:
            for file_name, statement_name in LOAD_ORDER:
                text = cypher.statement("load", statement_name).text
                written = 0
                for batch in _batches(_rows(run_dir, file_name), settings.batch_size):
                    if file_name == "records":
                        moves.extend(session.execute_write(_write, repoint, batch))
                    session.execute_write(_write, text, batch)
                    written += len(batch)
                    if progress:
                        progress(file_name, len(batch))
                report.rows[file_name] = written
            retire = cypher.statement("load", "retire_entities").text
            for batch in _batches(iter(_redirect_targets(moves)), settings.batch_size):
                session.execute_write(_write, retire, batch)
            report.rows["redirect_candidates"] = len({m["old_id"] for m in moves})
        report.counts = graph_counts(driver, settings.neo4j_database)
    except (ServiceUnavailable, SessionExpired) as exc:
        raise GraphLoadError(
            f"lost the connection to Neo4j at {settings.neo4j_uri} while loading {run_dir}: {exc}. "
            "Start Neo4j (tracegraph neo4j start) and run the load again: it resumes without duplicates."
        ) from exc
    except Neo4jError as exc:
        raise GraphLoadError(f"Neo4j refused the load of {run_dir}: {exc.message or exc}") from exc
    finally:
        if own_driver:
            driver.close()
    return report
