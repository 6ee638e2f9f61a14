"""docker-compose.yml and the Maven launcher pin what the design promises."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_neo4j_526_with_apoc_health_check_and_no_default_password() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert "7474" in " ".join(neo4j["healthcheck"]["test"])
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    api = compose["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert all(p.startswith("127.0.0.1:") for s in compose["services"].values() for p in s.get("ports", []))


def test_one_version_property_pins_every_neo4j_artifact() -> None:
    pom = (ROOT / "neo4j-local" / "pom.xml").read_text()
    (version,) = re.findall(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    assert version.startswith("5.26.")
    versions = re.findall(r"<artifactId>(neo4j|apoc-core|apoc-common)</artifactId>\s*<version>([^<]+)</version>", pom)
    assert {a for a, _ in versions} == {"neo4j", "apoc-core", "apoc-common"}
    assert {v for _, v in versions} == {"${neo4j.version}"}
