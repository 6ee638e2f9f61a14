"""Search, exposure, records, analytics and metrics against the real Neo4j."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from resolution.settings import ResolutionSettings
from tests.graph_helpers import adjacency, bfs, entities

pytestmark = pytest.mark.graph


def test_search_finds_a_firm_by_any_spelling(client: TestClient, loaded_run: Path) -> None:
    firm = next(e for e in entities(loaded_run) if e["type"] == "company" and len(e["aliases"]) >= 2)
    for text in (firm["name"], firm["aliases"][0]):
        body = client.get("/entities", params={"q": text, "limit": 5}).json()
        assert firm["id"] in [i["id"] for i in body["items"]], text
        scores = [i["score"] for i in body["items"]]
        assert scores == sorted(scores, reverse=True)


def test_search_filters_and_paginates(client: TestClient, loaded_run: Path) -> None:
    vessels = sorted(e["id"] for e in entities(loaded_run) if e["type"] == "vessel")
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        params = {"type": "vessel", "limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/entities", params=params).json()
        seen += [i["id"] for i in body["items"]]
        assert all(i["type"] == "vessel" for i in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == vessels
    kp = client.get("/entities", params={"country": "kp", "limit": 100}).json()["items"]
    assert kp and all(i["country"] == "KP" for i in kp)


def test_search_text_is_data_not_query_syntax(client: TestClient) -> None:
    for hostile in ("') DETACH DELETE n //", "*", "AND OR NOT", "name:x~^2 [a TO z]", '"'):
        response = client.get("/entities", params={"q": hostile})
        assert response.status_code == 200, hostile
    assert client.get("/health").status_code == 200
    assert client.get("/entities", params={"cursor": "not-a-cursor"}).status_code == 422
    assert client.get("/entities", params={"type": "spaceship"}).status_code == 422


def test_exposure_lists_nearest_sanctioned_parties(client: TestClient, loaded_run: Path) -> None:
    ents = {e["id"]: e for e in entities(loaded_run)}
    graph = adjacency(loaded_run)
    firm = next(i for i, e in ents.items() if e["type"] == "company" and not e["sanctioned"] and graph.get(i))
    distances = bfs(graph, firm)
    expected = sorted((d, t) for t, d in distances.items() if 0 < d <= 3 and ents.get(t, {}).get("sanctioned"))
    body = client.get(f"/entities/{firm}/exposure", params={"max_hops": 3, "limit": 100}).json()
    assert body["self_sanctioned"] is False
    got = [(x["hops"], x["sanctioned_id"]) for x in body["exposures"]]
    assert sorted(got) == expected
    assert [h for h, _ in got] == sorted(h for h, _ in got)
    for item in body["exposures"]:
        assert item["path"]["node_ids"][0] == firm and item["path"]["node_ids"][-1] == item["sanctioned_id"]
        assert set(item["relationship_types"]) == {h["type"] for h in item["path"]["hops"]}


def test_exposure_limit_keeps_the_nearest(client: TestClient, loaded_run: Path) -> None:
    ents = {e["id"]: e for e in entities(loaded_run)}
    graph = adjacency(loaded_run)
    candidates = [i for i, e in ents.items() if e["type"] == "company" and not e["sanctioned"] and graph.get(i)]
    firm, distances = max(((f, bfs(graph, f)) for f in candidates[:40]),
                          key=lambda fd: sum(1 for t, d in fd[1].items() if 0 < d <= 4 and ents.get(t, {}).get("sanctioned")))
    nearest = sorted(d for t, d in distances.items() if 0 < d <= 4 and ents.get(t, {}).get("sanctioned"))
    assert len(nearest) > 2
    body = client.get(f"/entities/{firm}/exposure", params={"max_hops": 4, "limit": 2}).json()
    assert [x["hops"] for x in body["exposures"]] == nearest[:2]


def test_exposure_paths_run_over_the_nodes_and_relationships_it_returns(client: TestClient, loaded_run: Path) -> None:
    """Each node and relationship comes once, and every hop of every path is one of them, between
    the path's nodes in the direction it says; nothing is returned that no path uses."""
    graph = adjacency(loaded_run)
    ents = {e["id"]: e for e in entities(loaded_run)}
    firm = next(i for i, e in ents.items() if e["type"] == "company" and not e["sanctioned"]
                and sum(1 for t, d in bfs(graph, i).items() if 0 < d <= 4 and ents.get(t, {}).get("sanctioned")) >= 3)
    body = client.get(f"/entities/{firm}/exposure", params={"max_hops": 4}).json()
    nodes = {n["id"]: n for n in body["nodes"]}
    rels = {(r["start_node"], r["end_node"], r["type"]) for r in body["relationships"]}
    assert len(nodes) == len(body["nodes"]) and len(rels) == len(body["relationships"])
    assert len(body["exposures"]) >= 3
    on_paths_nodes, on_paths_rels = set(), set()
    for item in body["exposures"]:
        path = item["path"]
        assert "Sanctioned" in nodes[item["sanctioned_id"]]["labels"]
        assert item["sanctioned_name"] == nodes[item["sanctioned_id"]]["name"]
        on_paths_nodes.update(path["node_ids"])
        for index, hop in enumerate(path["hops"]):
            assert (hop["from_id"], hop["to_id"]) == (path["node_ids"][index], path["node_ids"][index + 1])
            ends = (hop["from_id"], hop["to_id"]) if hop["direction"] == "forward" else (hop["to_id"], hop["from_id"])
            assert (*ends, hop["type"]) in rels
            on_paths_rels.add((*ends, hop["type"]))
    assert on_paths_nodes == set(nodes) and on_paths_rels == rels


def test_exposure_of_an_unknown_or_sanctioned_entity(client: TestClient, loaded_run: Path) -> None:
    missing = client.get("/entities/tg-co-0000000000000000/exposure")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert "tg-co-0000000000000000" in missing.json()["detail"]
    listed = next(e for e in entities(loaded_run) if e["sanctioned"])
    body = client.get(f"/entities/{listed['id']}/exposure", params={"max_hops": 1}).json()
    assert body["self_sanctioned"] is True
    assert all(x["sanctioned_id"] != listed["id"] and x["hops"] == 1 for x in body["exposures"])


def test_records_with_merge_evidence(client: TestClient, loaded_run: Path) -> None:
    entity = max(entities(loaded_run), key=lambda e: e["record_count"])
    body = client.get(f"/entities/{entity['id']}/records", params={"limit": 500}).json()
    assert len(body["items"]) == entity["record_count"]
    evidence = [e for item in body["items"] for e in item["evidence"]]
    assert evidence and all(e["weights"] and e["match_probability"] >= ResolutionSettings().merge_threshold for e in evidence)
    members = {item["key"] for item in body["items"]}
    assert all(e["other"] in members for e in evidence)
    page = client.get(f"/entities/{entity['id']}/records", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]


def test_controllers_rank_by_trade(client: TestClient, loaded_run: Path) -> None:
    items = client.get("/analytics/controllers", params={"limit": 5}).json()["items"]
    assert items
    trades = [i["trade_usd"] for i in items]
    assert trades == sorted(trades, reverse=True)
    relations = [json.loads(line) for line in (loaded_run / "relations.jsonl").open()]
    control = {"OWNER_OF", "SHAREHOLDER_OF", "DIRECTOR_OF", "MANAGER_OF"}
    top = items[0]
    firms = {r["to_id"] for r in relations if r["from_id"] == top["id"] and r["type"] in control}
    assert top["firm_count"] == len(firms)
    assert 0 < top["share_of_trade"] <= 1


def test_metrics_count_requests(client: TestClient) -> None:
    client.get("/health")
    text = client.get("/metrics").text
    assert 'tracegraph_http_requests_total{method="GET",route="/health",status="200"}' in text
    client.get("/entities/tg-co-0000000000000000")
    text = client.get("/metrics").text
    assert 'tracegraph_http_requests_total{method="GET",route="/entities/{entity_id}",status="404"}' in text
    assert 'tracegraph_http_request_duration_seconds_count{method="GET",route="/entities/{entity_id}"}' in text
