"""Loading against the real Neo4j: contents as sets, idempotent re-load."""

import json
from pathlib import Path

import pytest
from neo4j import Driver

from resolution.graph.loader import load_run
from resolution.pipeline import RunSummary
from resolution.settings import ResolutionSettings

pytestmark = pytest.mark.graph


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_load_writes_the_run_and_reloading_changes_nothing(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    run_dir, _ = small_run
    settings = graph_settings.model_copy(update={"batch_size": 97})
    first = load_run(run_dir, settings)
    entities = _jsonl(run_dir / "entities.jsonl")
    relations = _jsonl(run_dir / "relations.jsonl")
    records = _jsonl(run_dir / "records.jsonl")

    got = {r["id"] for r in empty_graph.execute_query("MATCH (e:Entity) RETURN e.id AS id").records}
    assert got == {e["id"] for e in entities}
    got_rel = {
        (r["a"], r["t"], r["b"])
        for r in empty_graph.execute_query(
            "MATCH (a:Entity)-[x]->(b:Entity) WHERE NOT x:POSSIBLY_SAME_AS RETURN a.id AS a, type(x) AS t, b.id AS b"
        ).records
    }
    assert got_rel == {(r["from_id"], r["type"], r["to_id"]) for r in relations}
    resolved = {
        (r["k"], r["e"])
        for r in empty_graph.execute_query("MATCH (r:Record)-[:RESOLVED_TO]->(e:Entity) RETURN r.key AS k, e.id AS e").records
    }
    assert resolved == {(r["key"], r["entity_id"]) for r in records}
    sanctioned = {r["id"] for r in empty_graph.execute_query("MATCH (e:Sanctioned) RETURN e.id AS id").records}
    assert sanctioned == {e["id"] for e in entities if e["sanctioned"]}
    labels = {r["id"]: set(r["l"]) for r in empty_graph.execute_query("MATCH (e:Entity) RETURN e.id AS id, labels(e) AS l").records}
    assert all({"Entity", e["type"].capitalize()} <= labels[e["id"]] for e in entities)

    second = load_run(run_dir, settings)
    assert second.counts == first.counts
    assert first.counts["Entity"] == len(entities)
    assert first.counts["RESOLVED_TO"] == len(records)


def test_every_relationship_carries_source_keys(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    load_run(small_run[0], graph_settings)
    records, _, _ = empty_graph.execute_query(
        "MATCH ()-[r]->() WHERE r.source_keys IS NULL OR size(r.source_keys) = 0 RETURN count(r) AS n"
    )
    assert records[0]["n"] == 0


def test_replace_empties_the_database_first(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    empty_graph.execute_query("CREATE (:Stale {id: 'left over from another run'})")
    report = load_run(small_run[0], graph_settings, replace=True)
    assert "Stale" not in report.counts
    assert report.counts["Entity"] == len(_jsonl(small_run[0] / "entities.jsonl"))
