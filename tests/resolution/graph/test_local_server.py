import httpx
import pytest

from resolution.graph.local_server import LocalNeo4j
from resolution.settings import ResolutionSettings


@pytest.mark.graph
def test_local_server_runs_bolt_and_browser(graph_settings: ResolutionSettings, neo4j_driver) -> None:
    records, _, _ = neo4j_driver.execute_query("CALL dbms.components() YIELD name, versions, edition RETURN *")
    (component,) = records
    assert component["edition"] == "community" and component["versions"][0].startswith("5.26")
    if graph_settings.neo4j_uri.endswith(f":{graph_settings.neo4j_bolt_port}"):
        server = LocalNeo4j(graph_settings)
        status = server.status()
        assert status.running and status.pid
        browser = httpx.get(server.browser_url, timeout=10)
        assert browser.status_code == 200 and "neo4j" in browser.text.lower()
        apoc, _, _ = neo4j_driver.execute_query("RETURN apoc.version() AS v")
        assert apoc[0]["v"].startswith("5.26")


def test_a_relative_home_is_made_absolute(tmp_path, monkeypatch) -> None:
    """The server runs with its home as working directory: a relative home would make Neo4j read
    a config path relative to itself, miss it and start on the default ports with a fresh database."""
    from pathlib import Path

    from resolution.graph.local_server import LocalNeo4j
    from resolution.settings import ResolutionSettings

    monkeypatch.chdir(tmp_path)
    server = LocalNeo4j(ResolutionSettings(neo4j_home=Path("neo4j-local/some-home")))
    assert server.home == tmp_path / "neo4j-local" / "some-home"
