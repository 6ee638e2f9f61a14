"""The app without a reachable database: importable, and 503 problems instead of crashes."""

import subprocess
import sys

from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import ServiceSettings


def test_import_opens_no_connection() -> None:
    code = "import socket\nsocket.socket.connect = None\nimport service.app\nprint(service.app.app.title)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Tracegraph API" in out.stdout


def test_database_down_gives_503_problem() -> None:
    settings = ServiceSettings(NEO4J_URI="bolt://127.0.0.1:1", connection_timeout_s=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 503 and body["title"] == "Graph database unavailable" and body["detail"]


def test_validation_errors_are_problems_without_touching_the_database() -> None:
    settings = ServiceSettings(NEO4J_URI="bolt://127.0.0.1:1", connection_timeout_s=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/paths", params={"source": "a", "target": "b", "max_hops": 99})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "max_hops" in response.json()["detail"]
        response = client.get("/entities/bad id with spaces")
        assert response.status_code == 422
        response = client.get("/nowhere")
        assert response.status_code == 404 and response.json()["title"] == "Not Found"


def test_match_without_a_run_folder_is_503() -> None:
    settings = ServiceSettings(NEO4J_URI="bolt://127.0.0.1:1", connection_timeout_s=1, run_dir=None)
    with TestClient(create_app(settings)) as client:
        response = client.post("/match", json={"entity_type": "company", "name": "Anything"})
        assert response.status_code == 503 and "TRACEGRAPH_API_RUN_DIR" in response.json()["detail"]
