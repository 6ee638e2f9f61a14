"""POST /match: screening with the trained model in the worker process."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.graph


def _records(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "records.jsonl").open(encoding="utf-8")]


def test_vessel_found_by_imo_under_a_new_name(client: TestClient, loaded_run: Path) -> None:
    record = next(r for r in _records(loaded_run) if r["props"].get("imo"))
    body = client.post("/match", json={"entity_type": "vessel", "name": "RENAMED SHIP", "imo": f"IMO {record['props']['imo']}"}).json()
    top = body["candidates"][0]
    assert top["entity_id"] == record["entity_id"]
    assert top["match_probability"] > 0.99 and top["weights"]["imo"] > 10


def test_company_found_by_another_spelling(client: TestClient, loaded_run: Path) -> None:
    record = next(r for r in _records(loaded_run) if r["props"]["entity_type"] == "company" and r["props"]["name"].endswith("Co., Ltd."))
    spelling = record["props"]["name"].replace("Co., Ltd.", "Company Limited").upper()
    body = client.post("/match", json={"entity_type": "company", "name": spelling, "country": record["props"].get("country")}).json()
    ids = [c["entity_id"] for c in body["candidates"]]
    assert record["entity_id"] in ids[:3]
    probabilities = [c["match_probability"] for c in body["candidates"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert len(ids) == len(set(ids))


def test_bad_identifiers_are_422_problems(client: TestClient) -> None:
    response = client.post("/match", json={"entity_type": "vessel", "name": "X", "imo": "9074728"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "check digit" in response.json()["detail"]
    assert client.post("/match", json={"entity_type": "ufo", "name": "X"}).status_code == 422
    assert client.post("/match", json={"entity_type": "person", "name": ""}).status_code == 422
