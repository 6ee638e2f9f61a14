"""Shared fixtures. Graph tests run against a real Neo4j started once per session.

By default the bundled local Neo4j is started with its own home, ports and password
(``neo4j-local/test-home``, Bolt 7688, HTTP 7475), so tests never touch the demo database.
Set ``TRACEGRAPH_TEST_NEO4J_URI`` (+ ``NEO4J_USER``/``NEO4J_PASSWORD``) to use another server,
e.g. the one from docker-compose. If Neo4j cannot be started the graph tests fail: they never skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase
from pydantic import SecretStr

from resolution.demo import DemoWorld, generate_world
from resolution.graph.loader import wipe_database
from resolution.graph.local_server import LocalNeo4j
from resolution.pipeline import RunSummary, resolve
from resolution.settings import PROJECT_ROOT, ResolutionSettings

TEST_PASSWORD = "tracegraph-test"


def local_neo4j_settings(home: str, *, bolt: int, http: int, password: str, heap: str, pagecache: str,
                         **extra: object) -> ResolutionSettings:
    """Settings for a bundled local Neo4j of its own (home under ``neo4j-local/``, own ports)."""
    return ResolutionSettings(
        NEO4J_URI=f"bolt://127.0.0.1:{bolt}",
        NEO4J_PASSWORD=SecretStr(password),
        neo4j_home=PROJECT_ROOT / "neo4j-local" / home,
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_heap=heap,
        neo4j_pagecache=pagecache,
        **extra,
    )


@pytest.fixture(scope="session")
def graph_settings() -> Iterator[ResolutionSettings]:
    """Settings pointing at the test Neo4j, which this fixture starts (and stops) if needed."""
    external = os.environ.get("TRACEGRAPH_TEST_NEO4J_URI")
    if external:
        yield ResolutionSettings(
            NEO4J_URI=external,
            NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"),
            NEO4J_PASSWORD=SecretStr(os.environ.get("NEO4J_PASSWORD", TEST_PASSWORD)),
        )
        return
    settings = local_neo4j_settings("test-home", bolt=7688, http=7475, password=TEST_PASSWORD,
                                    heap="768m", pagecache="256m")
    server = LocalNeo4j(settings)
    already_running = server.status().running
    server.start()
    yield settings
    if not already_running and not os.environ.get("TRACEGRAPH_KEEP_TEST_NEO4J"):
        server.stop()


@pytest.fixture(scope="session")
def neo4j_driver(graph_settings: ResolutionSettings) -> Iterator[Driver]:
    driver = GraphDatabase.driver(
        graph_settings.neo4j_uri,
        auth=(graph_settings.neo4j_user, graph_settings.neo4j_password.get_secret_value()),
    )
    driver.verify_connectivity()
    yield driver
    driver.close()


def wipe(driver: Driver) -> None:
    wipe_database(driver, "neo4j")


@pytest.fixture()
def empty_graph(neo4j_driver: Driver) -> Driver:
    """The test database, emptied before the test."""
    wipe(neo4j_driver)
    return neo4j_driver


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """A small generated world with ground truth (same files every run)."""
    return generate_world(tmp_path_factory.mktemp("world"), size=60, seed=11)


@pytest.fixture(scope="session")
def small_run(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    """The small world resolved once into a run folder."""
    out = tmp_path_factory.mktemp("run")
    summary = resolve(small_world.inputs, out, ResolutionSettings())
    return out, summary


# Two people of one rare name, each listed twice with a date of birth and an identity number, and
# a registry row giving the name alone: it scores the same against all four (p 0.53 in this world,
# over the merge threshold of 0.5 used here) and chains the two people into one component.
NAMESAKES = """\
extra_a,A-1,person,Ouyang Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_a,A-2,person,OUYANG Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_b,B-1,person,Ouyang Qiaoling,,CN,,,,1979-08-02,CN,998877661,,,,
extra_b,B-2,person,Ouyang Qiaoling,,CN,,,,1979-08-02,CN,998877661,,,,
extra_c,C-1,person,Ouyang Qiaoling,,CN,,,,,CN,,,,,
"""
NAMESAKE_SETTINGS = ResolutionSettings(merge_threshold=0.5)


def with_extra_records(world: DemoWorld, folder: Path, rows: str) -> list[Path]:
    """The inputs of ``world`` with ``rows`` (canonical CSV lines) added to a copy of its records."""
    records = folder / "records.csv"
    shutil.copyfile(world.records, records)
    with records.open("a", encoding="utf-8") as handle:
        handle.write(rows)
    return [records, world.relations, world.listings]


@pytest.fixture(scope="session")
def namesake_inputs(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The small world plus ``NAMESAKES``: resolve them with ``NAMESAKE_SETTINGS``."""
    return with_extra_records(small_world, tmp_path_factory.mktemp("namesakes"), NAMESAKES)
