"""A re-load where two entities merged: records re-pointed, the merged-away id redirects."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from resolution.entities.build import ResolvedGraph, build_graph
from resolution.graph.loader import load_run
from resolution.models import Record
from resolution.pairs_file import PAIRS, write_pair_rows
from resolution.run_folder import SUMMARY
from resolution.settings import ResolutionSettings
from service.app import create_app
from tests.service.conftest import service_settings

pytestmark = pytest.mark.graph
RECORDS = [
    Record(source="s", record_id="1", entity_type="company", name="Dandong A Trading Co., Ltd."),
    Record(source="s", record_id="2", entity_type="company", name="DANDONG A TRADING CO LTD"),
    Record(source="s", record_id="3", entity_type="company", name="Other Co"),
]


def write_run(folder: Path, graph: ResolvedGraph) -> Path:
    folder.mkdir()
    graph.write(folder)
    write_pair_rows(folder / PAIRS, [])
    (folder / SUMMARY).write_text("{}")
    return folder


def test_merge_on_reload_leaves_a_redirect(empty_graph: Driver, graph_settings: ResolutionSettings, tmp_path: Path) -> None:
    before = build_graph(RECORDS, [], [], {"s:1": "a", "s:2": "b", "s:3": "c"}, {}, [])
    after = build_graph(RECORDS, [], [], {"s:1": "a", "s:2": "a", "s:3": "c"}, {}, [])
    old_ids = {e["id"] for e in before.entities}
    new_ids = {e["id"] for e in after.entities}
    (gone,) = old_ids - new_ids
    (survivor,) = {c["entity_id"] for c in after.clusters if c["record_id"] in {"1", "2"}}

    load_run(write_run(tmp_path / "before", before), graph_settings)
    load_run(write_run(tmp_path / "after", after), graph_settings)

    ids = {r["id"] for r in empty_graph.execute_query("MATCH (e:Entity) RETURN e.id AS id").records}
    assert ids == new_ids
    links = empty_graph.execute_query("MATCH (r:Record)-[:RESOLVED_TO]->(e) RETURN r.key AS k, e.id AS e").records
    assert sorted((r["k"], r["e"]) for r in links) == sorted((f"s:{c['record_id']}", c["entity_id"]) for c in after.clusters)

    with TestClient(create_app(service_settings(graph_settings))) as client:
        response = client.get(f"/entities/{gone}", follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == f"/entities/{survivor}"
        assert response.json()["redirect_to"] == survivor
        assert client.get(f"/entities/{gone}").json()["id"] == survivor
        moved = client.get(f"/entities/{gone}/records", params={"limit": 5}, follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"] == f"/entities/{survivor}/records?limit=5"
        exposed = client.get(f"/entities/{gone}/exposure", params={"max_hops": 2}, follow_redirects=False)
        assert exposed.status_code == 301 and exposed.headers["location"] == f"/entities/{survivor}/exposure?max_hops=2"
        between = client.get("/paths", params={"source": gone, "target": survivor})
        assert between.status_code == 200
        assert (between.json()["source"], between.json()["target"], between.json()["found"]) == (survivor, survivor, False)


def test_redirects_written_by_an_incremental_run_are_loaded(empty_graph: Driver, graph_settings: ResolutionSettings,
                                                           tmp_path: Path) -> None:
    """An incremental run loaded into a database that never held the merged-away entity still
    answers its old id with a redirect (the loader reads redirects.csv)."""
    after = build_graph(RECORDS, [], [], {"s:1": "a", "s:2": "a", "s:3": "c"}, {}, [])
    (survivor,) = {c["entity_id"] for c in after.clusters if c["record_id"] in {"1", "2"}}
    run = write_run(tmp_path / "incremental", after)
    (run / "redirects.csv").write_text(f"old_id,new_id\ntg-co-0000000000000001,{survivor}\n", encoding="utf-8")
    report = load_run(run, graph_settings)
    assert report.rows["redirects"] == 1
    load_run(run, graph_settings)  # idempotent
    rows = empty_graph.execute_query("MATCH (x:Redirect) RETURN x.from_id AS f, x.to_id AS t").records
    assert [(r["f"], r["t"]) for r in rows] == [("tg-co-0000000000000001", survivor)]
    with TestClient(create_app(service_settings(graph_settings))) as client:
        response = client.get("/entities/tg-co-0000000000000001", follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == f"/entities/{survivor}"


def test_a_reload_interrupted_after_repointing_still_leaves_the_redirect(
    empty_graph: Driver, graph_settings: ResolutionSettings, tmp_path: Path
) -> None:
    """The first step of a re-load unlinks moved records in committed batches; if the load dies
    then, running it again must still retire the merged-away entity and leave its redirect."""
    import cypher

    before = build_graph(RECORDS, [], [], {"s:1": "a", "s:2": "b", "s:3": "c"}, {}, [])
    after = build_graph(RECORDS, [], [], {"s:1": "a", "s:2": "a", "s:3": "c"}, {}, [])
    (gone,) = {e["id"] for e in before.entities} - {e["id"] for e in after.entities}
    (survivor,) = {c["entity_id"] for c in after.clusters if c["record_id"] in {"1", "2"}}
    load_run(write_run(tmp_path / "before", before), graph_settings)
    after_run = write_run(tmp_path / "after", after)
    # the interrupted load: only the re-pointing step of the records ran
    rows = [{"key": f"s:{c['record_id']}", "entity_id": c["entity_id"]} for c in after.clusters]
    empty_graph.execute_query(cypher.statement("load", "repoint_records").text, rows=rows)
    load_run(after_run, graph_settings)
    redirects = empty_graph.execute_query("MATCH (x:Redirect) RETURN x.from_id AS f, x.to_id AS t").records
    assert [(r["f"], r["t"]) for r in redirects] == [(gone, survivor)]
    left = empty_graph.execute_query("MATCH (r:Record) WHERE r.moved_from IS NOT NULL RETURN count(r) AS n").records
    assert left[0]["n"] == 0
