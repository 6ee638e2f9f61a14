"""Every endpoint against the real Neo4j, loaded with the small generated world."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.graph_helpers import adjacency, bfs, entities

pytestmark = pytest.mark.graph


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "neo4j": "reachable"}


def test_entity_lookup(client: TestClient, loaded_run: Path) -> None:
    sanctioned = next(e for e in entities(loaded_run) if e["sanctioned"] and e["record_count"] > 1)
    body = client.get(f"/entities/{sanctioned['id']}").json()
    assert body["id"] == sanctioned["id"] and body["name"] == sanctioned["name"]
    assert "Sanctioned" in body["labels"] and body["listings"]
    assert body["record_count"] == sanctioned["record_count"]


def test_unknown_entity_is_404_problem(client: TestClient) -> None:
    response = client.get("/entities/tg-co-doesnotexist")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "tg-co-doesnotexist" in response.json()["detail"]


def test_paths_match_an_independent_bfs(client: TestClient, loaded_run: Path) -> None:
    graph = adjacency(loaded_run)
    firm = next(e["id"] for e in entities(loaded_run) if e["type"] == "company" and len(graph.get(e["id"], ())) >= 2)
    distances = bfs(graph, firm)
    targets = [t for t, d in distances.items() if 2 <= d <= 4 and t.startswith("tg-")][:3]
    assert targets
    for target in targets:
        body = client.get("/paths", params={"source": firm, "target": target, "max_hops": 6, "k": 3}).json()
        assert body["found"] is True
        assert body["paths"][0]["length"] == distances[target]
        lengths = [p["length"] for p in body["paths"]]
        assert lengths == sorted(lengths) and len(lengths) <= 3
        first = body["paths"][0]
        assert first["node_ids"][0] == firm and first["node_ids"][-1] == target
        node_ids = {n["id"] for n in body["nodes"]}
        assert set(first["node_ids"]) <= node_ids
        for hop in first["hops"]:
            assert hop["to_id"] in graph[hop["from_id"]]


def test_no_path_within_max_hops_is_an_answer(client: TestClient, loaded_run: Path) -> None:
    graph = adjacency(loaded_run)
    firm = next(e["id"] for e in entities(loaded_run) if e["type"] == "company" and graph.get(e["id"]))
    far = next(t for t, d in bfs(graph, firm).items() if d >= 3 and t.startswith("tg-"))
    response = client.get("/paths", params={"source": firm, "target": far, "max_hops": 1})
    assert response.status_code == 200
    assert response.json()["found"] is False and response.json()["paths"] == []
    isolated = next(e["id"] for e in entities(loaded_run) if e["id"] not in graph)
    assert client.get("/paths", params={"source": firm, "target": isolated, "max_hops": 8}).json()["found"] is False


def test_paths_with_unknown_id_or_bad_relation(client: TestClient, loaded_run: Path) -> None:
    firm = entities(loaded_run)[0]["id"]
    response = client.get("/paths", params={"source": firm, "target": "tg-co-missing"})
    assert response.status_code == 404 and "tg-co-missing" in response.json()["detail"]
    both = client.get("/paths", params={"source": "tg-pe-missing", "target": "tg-co-missing"}).json()
    assert both["status"] == 404 and "tg-pe-missing" in both["detail"] and "tg-co-missing" in both["detail"]
    same = client.get("/paths", params={"source": firm, "target": firm})
    assert same.status_code == 200 and same.json()["found"] is False and same.json()["paths"] == []
    response = client.get("/paths", params={"source": firm, "target": firm, "relations": "DETACH DELETE"})
    assert response.status_code == 422


def test_relation_filter_restricts_paths(client: TestClient, loaded_run: Path) -> None:
    graph = adjacency(loaded_run)
    firm = next(e["id"] for e in entities(loaded_run) if e["type"] == "company" and len(graph.get(e["id"], ())) >= 2)
    target = next(t for t, d in bfs(graph, firm).items() if d == 2 and t.startswith("tg-"))
    body = client.get("/paths", params={"source": firm, "target": target, "max_hops": 6, "relations": "TRADED_WITH"}).json()
    for path in body["paths"]:
        assert {h["type"] for h in path["hops"]} == {"TRADED_WITH"}


def test_neighbourhood_is_bounded(client: TestClient, loaded_run: Path) -> None:
    graph = adjacency(loaded_run)
    hub = max(graph, key=lambda n: len(graph[n]) if n.startswith("tg-") else -1)
    body = client.get(f"/entities/{hub}/neighbourhood", params={"depth": 1, "limit": 500}).json()
    ids = {n["id"] for n in body["nodes"]}
    assert ids == {hub} | graph[hub]
    small = client.get(f"/entities/{hub}/neighbourhood", params={"depth": 2, "limit": 2}).json()
    assert small["truncated"] is True and len(small["relationships"]) <= 4
    assert client.get("/entities/tg-co-missing/neighbourhood").status_code == 404
    assert client.get(f"/entities/{hub}/neighbourhood", params={"depth": 9}).status_code == 422
