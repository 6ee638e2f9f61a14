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
        # the server took the launcher's bound on transaction logs (its default keeps two days)
        setting, _, _ = neo4j_driver.execute_query(
            "SHOW SETTINGS 'db.tx_log.rotation.retention_policy' YIELD value RETURN value")
        assert setting[0]["value"] == graph_settings.neo4j_tx_log_retention


def test_the_config_bounds_the_transaction_logs(tmp_path) -> None:
    settings = ResolutionSettings(neo4j_home=tmp_path / "home", neo4j_tx_log_retention="3 files")
    LocalNeo4j(settings).write_config()
    lines = (tmp_path / "home" / "conf" / "neo4j.conf").read_text(encoding="utf-8").splitlines()
    assert "db.tx_log.rotation.retention_policy=3 files" in lines


@pytest.mark.parametrize("value", ["1 GB", "forever", "2 days\ndbms.security.auth_enabled=false"])
def test_a_retention_neo4j_would_refuse_is_a_settings_error(value: str, monkeypatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("TRACEGRAPH_NEO4J_TX_LOG_RETENTION", value)
    with pytest.raises(ValidationError, match="neo4j_tx_log_retention"):
        ResolutionSettings()


def test_a_relative_home_is_made_absolute(tmp_path, monkeypatch) -> None:
    """The server runs with its home as working directory: a relative home would make Neo4j read
    a config path relative to itself, miss it and start on the default ports with a fresh database."""
    from pathlib import Path

    from resolution.graph.local_server import LocalNeo4j
    from resolution.settings import ResolutionSettings

    monkeypatch.chdir(tmp_path)
    server = LocalNeo4j(ResolutionSettings(neo4j_home=Path("neo4j-local/some-home")))
    assert server.home == tmp_path / "neo4j-local" / "some-home"
