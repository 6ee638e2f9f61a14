"""Loading against the real Neo4j: contents as sets, idempotent re-load."""

import gc
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from neo4j import Driver

from resolution.graph.loader import COLLECT_EVERY_BATCHES, load_run
from resolution.pairs_file import PAIRS, read_pairs, write_pair_rows
from resolution.pipeline import RunSummary, resolve
from resolution.settings import ResolutionSettings

from tests.conftest import NAMESAKE_SETTINGS

pytestmark = pytest.mark.graph


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


@pytest.mark.parametrize("writers", [1, 3])
def test_load_writes_the_run_and_reloading_changes_nothing(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary], writers: int
) -> None:
    run_dir, _ = small_run
    settings = graph_settings.model_copy(update={"batch_size": 97, "load_writers": writers})
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
    assert first.rows["records"] == len(records)  # every batch counted once


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


def _snapshot(driver: Driver) -> tuple[list[str], list[str]]:
    """Every node (labels, properties) and relationship (ends, type, properties), comparable."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Stale RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN coalesce(a.id, a.key) AS a, type(r) AS type, "
        "coalesce(b.id, b.key) AS b, properties(r) AS props"
    )
    return _as_text(r.data() for r in nodes), _as_text(r.data() for r in rels)


def _as_text(rows: Iterable[dict]) -> list[str]:
    return sorted(json.dumps({**row, "labels": sorted(row.get("labels", []))}, sort_keys=True) for row in rows)


def test_a_first_load_with_create_writes_the_same_graph_as_a_merge_load(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    first = load_run(small_run[0], graph_settings)
    assert first.first_load
    created = _snapshot(empty_graph)

    empty_graph.execute_query("MATCH (n) DETACH DELETE n")
    empty_graph.execute_query("CREATE (:Stale {id: 'keeps the database from being empty'})")
    merged_report = load_run(small_run[0], graph_settings)
    assert not merged_report.first_load
    assert _snapshot(empty_graph) == created
    assert created[1], "the run has relationships to compare"


def test_a_first_load_stopped_half_way_is_completed_by_loading_again(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    complete = load_run(small_run[0], graph_settings).counts
    empty_graph.execute_query("MATCH ()-[m:MATCHED]->() WITH m LIMIT 50 DELETE m")
    empty_graph.execute_query("MATCH (r:Record) WITH r LIMIT 30 DETACH DELETE r")

    again = load_run(small_run[0], graph_settings)
    assert not again.first_load
    assert again.counts == complete


def test_a_pair_written_twice_in_the_pairs_file_becomes_one_matched_relationship(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary], tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(small_run[0], run_dir)
    rows = list(read_pairs(run_dir))
    merged = next(i for i, row in enumerate(rows) if row["merged"])
    rows.insert(merged, rows[merged])
    write_pair_rows(run_dir / PAIRS, rows)

    report = load_run(run_dir, graph_settings)
    assert report.first_load
    assert report.counts["MATCHED"] == sum(1 for _ in read_pairs(small_run[0], merged_only=True))


def test_a_replacing_load_leaves_every_index_online_and_searchable(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]
) -> None:
    load_run(small_run[0], graph_settings)
    report = load_run(small_run[0], graph_settings, replace=True)
    assert report.first_load  # dropped its query indexes, wrote with CREATE, made them again
    states = {r["name"]: r["state"] for r in empty_graph.execute_query("SHOW INDEXES YIELD name, state").records}
    assert {"entity_names", "entity_name", "record_moved_from", "entity_id", "record_key"} <= set(states)
    assert set(states.values()) == {"ONLINE"}
    entity = _jsonl(small_run[0] / "entities.jsonl")[0]
    found = empty_graph.execute_query(
        "CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node RETURN node.id AS id",
        q=f'"{entity["name"]}"',
    ).records
    assert entity["id"] in {r["id"] for r in found}


@pytest.mark.parametrize("writers", [1, 2])
def test_a_load_does_not_keep_the_batches_it_has_written(
    empty_graph: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary], writers: int
) -> None:
    """The driver's objects of each transaction form a reference cycle holding its parameters,
    and the cyclic collector is paused during a load: a million-record load used to keep every
    batch it had written (5.3 GB) until it ended. Counted while the load runs, after many batches:
    the driver results waiting for a collection stay a few batches' worth."""
    settings = graph_settings.model_copy(update={"batch_size": 10, "load_writers": writers})
    seen: dict[str, int] = {"batches": 0}

    def progress(file_name: str, rows: int) -> None:
        seen["batches"] += 1
        if seen["batches"] == 60:
            gc.set_debug(gc.DEBUG_SAVEALL)
            try:
                gc.collect()
                seen["results"] = sum(1 for o in gc.garbage if type(o).__name__ == "Result")
            finally:
                gc.set_debug(0)
                gc.garbage.clear()

    load_run(small_run[0], settings, progress=progress)
    assert seen["batches"] > 60
    assert seen["results"] <= COLLECT_EVERY_BATCHES + writers + 1, seen


def test_a_pair_kept_apart_is_a_possibly_same_as_that_says_why(
    empty_graph: Driver, graph_settings: ResolutionSettings, namesake_inputs: list[Path], tmp_path: Path
) -> None:
    """Two namesakes a name-only row would have chained (``tests/conftest.py``):
    in Neo4j they are two people, and the POSSIBLY_SAME_AS between them names the field."""
    resolve(namesake_inputs, tmp_path, NAMESAKE_SETTINGS)
    load_run(tmp_path, graph_settings)
    records, _, _ = empty_graph.execute_query(
        "MATCH (a:Record {key: 'extra_a:A-1'})-[:RESOLVED_TO]->(x:Person), "
        "(b:Record {key: 'extra_b:B-1'})-[:RESOLVED_TO]->(y:Person) "
        "OPTIONAL MATCH (x)-[s:POSSIBLY_SAME_AS]-(y) RETURN x.id <> y.id AS apart, s.kept_apart AS why"
    )
    assert records[0]["apart"] is True
    assert records[0]["why"] == ["date_of_birth 1979-08-02 / 1961-03-14"]
