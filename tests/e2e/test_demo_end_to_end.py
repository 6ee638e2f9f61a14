"""Generate a world, resolve and load it with the CLI, serve the API with uvicorn, and check that a
path from a firm to a sanctioned vessel follows relations that exist in the ground truth."""

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from resolution.settings import ResolutionSettings
from tests.api_server import neo4j_env, serve_api
from tests.conftest import wipe
from tests.graph_helpers import adjacency, bfs

pytestmark = [pytest.mark.graph, pytest.mark.e2e]
TRACEGRAPH = [sys.executable, "-m", "resolution"]


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([*TRACEGRAPH, *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, graph_settings: ResolutionSettings, neo4j_driver) -> Iterator[tuple[Path, Path, str]]:
    base = tmp_path_factory.mktemp("e2e")
    env = neo4j_env(graph_settings)
    wipe(neo4j_driver)
    _run(["generate", "--out", str(base / "world"), "--size", "120", "--seed", "5"], env)
    inputs = [str(base / "world" / n) for n in ("records.csv", "relations.csv", "listings.csv")]
    _run(["resolve", *inputs, "--out", str(base / "run")], env)
    _run(["load", str(base / "run")], env)
    with serve_api(env) as url:
        yield base / "world", base / "run", url


def _truth(world: Path) -> tuple[dict[str, dict], set[frozenset[str]]]:
    records = {f"{r['source']}:{r['record_id']}": r for r in csv.DictReader((world / "truth_records.csv").open(encoding="utf-8"))}
    edges = {frozenset((r["from_entity_id"], r["to_entity_id"])) for r in csv.DictReader((world / "truth_relations.csv").open(encoding="utf-8"))}
    return records, edges


def test_firm_to_sanctioned_vessel_path_follows_ground_truth(demo: tuple[Path, Path, str]) -> None:
    world, run, url = demo
    truth_records, truth_edges = _truth(world)
    true_of: dict[str, set[str]] = {}
    for row in csv.DictReader((run / "clusters.csv").open(encoding="utf-8")):
        true_of.setdefault(row["entity_id"], set()).add(truth_records[f"{row['source']}:{row['record_id']}"]["true_entity_id"])
    pure = sum(len(t) == 1 for t in true_of.values()) / len(true_of)
    assert pure >= 0.98, f"only {pure:.1%} of entities hold records of one true entity"
    sanctioned_true = {r["true_entity_id"] for r in truth_records.values() if r["sanctioned"] == "1"}
    entities = {e["id"]: e for e in map(json.loads, (run / "entities.jsonl").open(encoding="utf-8"))}

    # Nearest firm to each sanctioned vessel in the resolved graph of trade, ownership and control.
    graph = adjacency(run, addresses=False)
    candidates = []
    for vessel_id, vessel in entities.items():
        if vessel["type"] != "vessel" or not true_of[vessel_id] & sanctioned_true:
            continue
        for firm_id, d in bfs(graph, vessel_id).items():
            if d >= 2 and entities[firm_id]["type"] == "company" and not entities[firm_id]["sanctioned"]:
                candidates.append((d, firm_id, vessel_id))
    assert candidates, "the demo world must tie some firm to a sanctioned vessel"
    hops, firm_id, vessel_id = min(candidates)

    response = httpx.get(f"{url}/paths", params={
        "source": firm_id, "target": vessel_id, "max_hops": 8,
        "relations": "OWNER_OF,DIRECTOR_OF,SHAREHOLDER_OF,OPERATOR_OF,MANAGER_OF,TRADED_WITH",
    }, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["found"] is True
    path = body["paths"][0]
    assert path["length"] == hops
    assert path["node_ids"][0] == firm_id and path["node_ids"][-1] == vessel_id
    for hop in path["hops"]:  # every hop is a relation the ground truth says exists
        assert any(
            frozenset((a, b)) in truth_edges for a in true_of[hop["from_id"]] for b in true_of[hop["to_id"]]
        ), hop
    vessel = httpx.get(f"{url}/entities/{vessel_id}", timeout=10).json()
    assert "Sanctioned" in vessel["labels"] and vessel["listings"]
