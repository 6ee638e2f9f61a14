"""Neo4j stops in the middle of ``tracegraph load`` and under the running API.

This module starts its OWN real Neo4j (home ``neo4j-local/fault-home``, Bolt 7689, HTTP 7476), so
stopping and killing it never disturbs the session server on 7688 that the other graph tests use.

To stop Neo4j at a known point of the load, without sleeps or races, the test holds an
uncommitted ``MERGE`` of one record of the third records batch (the load's own statement): the
loader commits the entities, addresses, sanctions and the first two records batches, then its
writer waits on that record's uniqueness lock (a second writer may commit later batches). Once
``2 * BATCH`` records are committed the test stops Neo4j (SIGTERM, or SIGKILL as a crash) and
checks what the user sees (the rows the message says were written are exactly the records in the
graph, give or take the rows of batches it names as being committed when Neo4j went away: a clean
shutdown ends the test's transaction first, and the batch it blocked may then run and commit), the
graph left behind, and that a second ``tracegraph load`` completes it with exactly
the counts of a clean load.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from neo4j import Driver, GraphDatabase

import cypher
from resolution.graph.loader import ENTITY_LABELS, create_schema, graph_counts, load_run, wipe_database
from resolution.graph.local_server import LocalNeo4j
from resolution.pairs_file import read_pairs
from resolution.pipeline import RunSummary
from resolution.run_folder import read_jsonl
from resolution.settings import PROJECT_ROOT, ResolutionSettings
from tests.api_server import neo4j_env, serve_api
from tests.conftest import local_neo4j_settings

pytestmark = pytest.mark.graph

FAULT_PASSWORD = "tracegraph-fault"
DATABASE = "neo4j"
BATCH = 50
LOCKED_RECORD = 2 * BATCH + BATCH // 2  # inside the third records batch
QUERY_TIMEOUT_S = 5.0
CONNECTION_TIMEOUT_S = 3.0
# generous bounds for a slow, busy 2-core CI machine
LOAD_EXIT_TIMEOUT_S = 120.0
LOAD_TIMEOUT_S = 180.0
WAIT_TIMEOUT_S = 120.0
RECOVERY_TIMEOUT_S = 90.0


# ---- the fault server ------------------------------------------------------------------------
def fault_settings() -> ResolutionSettings:
    return local_neo4j_settings("fault-home", bolt=7689, http=7476, password=FAULT_PASSWORD, heap="512m",
                                pagecache="128m", neo4j_start_timeout_s=240.0, batch_size=BATCH)


def resume(server: LocalNeo4j) -> None:
    """Undo a ``freeze`` that a failed test may have left (a no-op on a running server)."""
    pid = server.status().pid
    if pid is not None:
        os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="module")
def fault_server() -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(fault_settings())
    server.start()
    yield server
    resume(server)
    server.stop()


@pytest.fixture(scope="module")
def fault_driver(fault_server: LocalNeo4j) -> Iterator[Driver]:
    s = fault_server.settings
    driver = GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value()))
    yield driver
    driver.close()


@pytest.fixture()
def up(fault_server: LocalNeo4j, fault_driver: Driver) -> Driver:
    """The fault server running (a previous test may have left it stopped), emptied, with schema."""
    resume(fault_server)
    fault_server.start()
    wipe_database(fault_driver, DATABASE)
    create_schema(fault_driver, DATABASE)
    return fault_driver


def stop_server(server: LocalNeo4j, how: str) -> None:
    """``stop``: SIGTERM and wait for a clean shutdown. ``kill``: SIGKILL, as a crash would.
    ``freeze``: SIGSTOP, a server that accepts connections and never answers (a long GC pause, a
    hung VM, a network that drops packets)."""
    pid = server.status().pid
    assert pid is not None, "the fault Neo4j is not running"
    if how == "freeze":
        os.kill(pid, signal.SIGSTOP)
        return
    if how == "kill":
        os.kill(pid, signal.SIGKILL)
    server.stop()  # after SIGKILL: reaps the process and removes the pid file
    assert server.status().pid is None


def restart_server(server: LocalNeo4j, how: str) -> None:
    if how == "freeze":
        pid = server.status().pid
        assert pid is not None
        os.kill(pid, signal.SIGCONT)
    else:
        server.start()


# ---- expected graph --------------------------------------------------------------------------
def expected_counts(run_dir: Path) -> dict[str, int]:
    """Nodes per label and relationships per type that loading ``run_dir`` must produce, read from
    the run folder with MERGE's semantics: one node per key, one relationship per (from, type, to)."""
    counts: Counter[str] = Counter()
    entities = {row["id"]: row for row in read_jsonl(run_dir / "entities.jsonl")}
    counts["Entity"] = len(entities)
    for row in entities.values():
        counts[ENTITY_LABELS[row["type"]]] += 1
        counts["Sanctioned"] += bool(row.get("sanctioned"))
    records = {row["key"]: row["entity_id"] for row in read_jsonl(run_dir / "records.jsonl")}
    counts["Record"] = counts["RESOLVED_TO"] = len(records)
    counts["Address"] = len({row["id"] for row in read_jsonl(run_dir / "addresses.jsonl")})
    counts["Sanction"] = len({row["id"] for row in read_jsonl(run_dir / "sanctions.jsonl")})
    for file_name, kind in (("registered_at", "REGISTERED_AT"), ("listed_on", "LISTED_ON"),
                            ("possibly_same_as", "POSSIBLY_SAME_AS")):
        counts[kind] = len({(r["from_id"], r["to_id"]) for r in read_jsonl(run_dir / f"{file_name}.jsonl")})
    relations = {(r["type"], r["from_id"], r["to_id"]) for r in read_jsonl(run_dir / "relations.jsonl")}
    counts.update(kind for kind, _, _ in relations)
    counts["MATCHED"] = len({(r["record_l"], r["record_r"]) for r in read_pairs(run_dir, merged_only=True)})
    return {kind: n for kind, n in counts.items() if n}


def counts_now(driver: Driver) -> dict[str, int]:
    return {kind: n for kind, n in graph_counts(driver, DATABASE).items() if n}


# ---- the load as a user runs it --------------------------------------------------------------
def start_load(run_dir: Path, settings: ResolutionSettings) -> subprocess.Popen[str]:
    env = neo4j_env(settings, TRACEGRAPH_BATCH_SIZE=str(BATCH), NEO4J_DATABASE=DATABASE, COLUMNS="200")
    return subprocess.Popen(
        [sys.executable, "-m", "resolution", "load", str(run_dir)], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen[str], timeout_s: float) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"tracegraph load did not exit within {timeout_s:.0f} s; stderr:\n{err[-3000:]}")
    return process.returncode, out, err


@contextmanager
def record_locked(driver: Driver, run_dir: Path, index: int) -> Iterator[str]:
    """Hold an uncommitted MERGE of record ``index`` (with the load's own statement): a concurrent
    load waits on that record's uniqueness lock until this transaction ends. The row points at an
    entity id no run has: the statement's ``MATCH (:Entity {id})`` share-locks that index entry,
    and a real id would stop the load already at the entities."""
    row = next(r for i, r in enumerate(read_jsonl(run_dir / "records.jsonl")) if i == index)
    row = {**row, "entity_id": "fault-test-no-such-entity"}
    session = driver.session(database=DATABASE)
    tx = session.begin_transaction()
    try:
        tx.run(cypher.statement("load", "records").text, rows=[row]).consume()
        yield row["key"]
    finally:
        for close in (tx.close, session.close):
            try:
                close()
            except Exception:  # noqa: BLE001 - the server under it was stopped on purpose
                pass


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.1) -> float:
    """Poll ``condition`` until true; returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if condition():
            return time.monotonic() - start
        time.sleep(interval_s)
    pytest.fail(f"{what} did not happen within {timeout_s:.0f} s")


# ---- 1. the load -----------------------------------------------------------------------------
def test_a_clean_load_writes_exactly_the_run_folder(
    up: Driver, fault_server: LocalNeo4j, small_run: tuple[Path, RunSummary]
) -> None:
    """The baseline the fault tests compare with: a clean load of the run through the CLI."""
    run_dir = small_run[0]
    code, _, err = finish(start_load(run_dir, fault_server.settings), LOAD_TIMEOUT_S)
    assert code == 0, err
    assert counts_now(up) == expected_counts(run_dir)


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_neo4j_stopped_during_load_then_the_load_again_completes_the_graph(
    how: str, up: Driver, fault_server: LocalNeo4j, small_run: tuple[Path, RunSummary]
) -> None:
    run_dir = small_run[0]
    expected = expected_counts(run_dir)
    with record_locked(up, run_dir, LOCKED_RECORD):
        load = start_load(run_dir, fault_server.settings)
        wait_for(lambda: counts_now(up).get("Record", 0) >= 2 * BATCH or load.poll() is not None,
                 WAIT_TIMEOUT_S, "the load reaching its third records batch")
        assert load.poll() is None, f"the load ended before the fault: {load.communicate()}"
        stopped_at = time.monotonic()
        stop_server(fault_server, how)
    code, out, err = finish(load, LOAD_EXIT_TIMEOUT_S)
    exit_s = time.monotonic() - stopped_at

    assert code != 0
    assert "Traceback" not in err and "Traceback" not in out
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    message = errors[0]
    assert "Neo4j" in message and "unavailable" in message, message
    assert fault_server.settings.neo4j_uri in message and "run the load again" in message, message
    assert "became unavailable" in message, message
    # the batches before the locked one committed; with concurrent writers some after it too
    found = re.search(r"records\.jsonl after (\d+) of its rows", message)
    assert found, message
    committed = int(found.group(1))
    assert 2 * BATCH <= committed < expected["Record"], message
    # a batch whose commit was under way when Neo4j died may or may not be in the graph: the
    # message says how many such rows there are (the driver cannot know either)
    unsure = re.search(r"and (\d+) more rows were being committed when Neo4j went away", message)
    unsure_rows = int(unsure.group(1)) if unsure else 0
    print(f"{how}: the load exited {exit_s:.1f} s after Neo4j went down with: {message}")

    code, _, err = finish(start_load(run_dir, fault_server.settings), LOAD_EXIT_TIMEOUT_S)
    assert code != 0 and "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is unavailable" in errors[0] and "before any row was written" in errors[0], err

    fault_server.start()
    partial = counts_now(up)
    assert partial["Entity"] == expected["Entity"]      # earlier stages were committed
    # what the message said, exactly, give or take the rows it named as unknown
    assert committed <= partial["Record"] <= committed + unsure_rows, (partial, message)
    assert partial["Record"] < expected["Record"]      # the load did not get to the end
    assert partial != expected

    code, _, err = finish(start_load(run_dir, fault_server.settings), LOAD_TIMEOUT_S)
    assert code == 0, err
    assert counts_now(up) == expected


# ---- 2. the API ------------------------------------------------------------------------------
class Prober(threading.Thread):
    """Asks the API again and again while Neo4j goes down and comes back; keeps every answer."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.urls = urls
        self.answers: list[tuple[str, int, str, float, str, float]] = []
        self.failures: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=QUERY_TIMEOUT_S * 4) as client:
            while not self.halt.is_set():
                for url in self.urls:
                    start = time.monotonic()
                    try:
                        response = client.get(url)
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{url}: {exc!r} after {time.monotonic() - start:.1f} s")
                        continue
                    self.answers.append((url, response.status_code, response.headers.get("content-type", ""),
                                         time.monotonic() - start, response.text, start))
                self.halt.wait(0.05)


def assert_problem_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["status"] == 503 and body["title"] == "Graph database unavailable"
    assert "Neo4j" in body["detail"] and fault_settings().neo4j_uri.split("//")[1] in body["detail"], body


@pytest.mark.parametrize("how", ["stop", "kill", "freeze"])
def test_api_answers_503_while_neo4j_is_down_and_recovers_by_itself(
    how: str, up: Driver, fault_server: LocalNeo4j, small_run: tuple[Path, RunSummary]
) -> None:
    run_dir = small_run[0]
    load_run(run_dir, fault_server.settings, driver=up)
    entity_id = next(read_jsonl(run_dir / "entities.jsonl"))["id"]
    env = neo4j_env(fault_server.settings, NEO4J_DATABASE=DATABASE,
                    TRACEGRAPH_API_QUERY_TIMEOUT_S=str(QUERY_TIMEOUT_S),
                    TRACEGRAPH_API_CONNECTION_TIMEOUT_S=str(CONNECTION_TIMEOUT_S))
    with serve_api(env) as url:
        urls = [f"{url}/health", f"{url}/entities/{entity_id}"]
        for u in urls:
            assert httpx.get(u, timeout=30).status_code == 200
        prober = Prober(urls)
        prober.start()
        try:
            stop_server(fault_server, how)
            bound = QUERY_TIMEOUT_S + CONNECTION_TIMEOUT_S + 3  # the API's deadline plus slack
            for u in urls:
                start = time.monotonic()
                response = httpx.get(u, timeout=bound * 4)
                took = time.monotonic() - start
                assert_problem_503(response)
                assert took < bound, f"{u} took {took:.1f} s to answer 503"
            restart_server(fault_server, how)
            recovered = wait_for(
                lambda: all(httpx.get(u, timeout=bound * 4).status_code == 200 for u in urls),
                RECOVERY_TIMEOUT_S, "the API answering 200 again", interval_s=0.2)
            print(f"{how}: the API answered 200 again {recovered:.1f} s after Bolt came back")
        finally:
            prober.halt.set()
            if how == "freeze":
                resume(fault_server)
            prober.join(timeout=60)
    assert not prober.failures, prober.failures[:5]
    statuses = Counter(a[1] for a in prober.answers)
    # 504: a query that ran past the server-side timeout, seen right after crash recovery on a
    # busy machine while Neo4j warms up; an answer, bounded, and not a 500
    odd = [a for a in prober.answers if a[1] not in (200, 503, 504)]
    assert not odd, f"answers other than 200/503/504 during the outage: {odd[:5]} (all: {dict(statuses)})"
    assert statuses[503] > 0
    for _, status, content_type, took, body, _ in prober.answers:
        if status != 200:
            assert content_type == "application/problem+json", body
        if status == 503:
            assert "Neo4j" in json.loads(body)["detail"], body
        assert took < QUERY_TIMEOUT_S + CONNECTION_TIMEOUT_S + 5, f"an answer took {took:.1f} s"
    print(f"{how}: prober answers {dict(statuses)}, slowest {max(a[3] for a in prober.answers):.2f} s")
