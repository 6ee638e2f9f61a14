from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from resolution.graph.loader import load_run
from resolution.pipeline import RunSummary
from resolution.settings import ResolutionSettings
from service.app import create_app
from service.settings import ServiceSettings
from tests.conftest import wipe


def service_settings(graph_settings: ResolutionSettings, run_dir: Path | None = None) -> ServiceSettings:
    return ServiceSettings(
        NEO4J_URI=graph_settings.neo4j_uri,
        NEO4J_USER=graph_settings.neo4j_user,
        NEO4J_PASSWORD=graph_settings.neo4j_password,
        run_dir=run_dir,
    )


@pytest.fixture(scope="module")
def loaded_run(neo4j_driver: Driver, graph_settings: ResolutionSettings, small_run: tuple[Path, RunSummary]) -> Path:
    """The small world's run, freshly loaded for this module."""
    wipe(neo4j_driver)
    load_run(small_run[0], graph_settings)
    return small_run[0]


@pytest.fixture(scope="module")
def client(graph_settings: ResolutionSettings, loaded_run: Path) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings(graph_settings, loaded_run))) as test_client:
        yield test_client
