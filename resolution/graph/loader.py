"""``tracegraph load``: write a run folder into Neo4j in batches with ``UNWIND ... MERGE``.

Every statement comes from ``cypher/schema`` and ``cypher/load``; values travel as parameters.
Records that a new run resolves to another entity are re-pointed; entities left without records
were merged away and leave a ``(:Redirect {from_id, to_id})`` to the entity holding most of them.
Writes use managed transactions, so transient errors are retried by the driver. Loading the same
run twice changes nothing (every write is a MERGE on a unique key, then SET of the same values),
and each batch is one transaction, so a load that Neo4j dropped half-way is completed, without
duplicates or gaps, by running it again: ``GraphLoadError`` says so and how far the load got.

Into an empty database (``--replace``, or a first load) the big files are written with the
statements of ``cypher/first_load`` instead: CREATE where MERGE would only find nothing, and no
re-pointing of records. A first load that stops half-way leaves a database that is not empty,
so running it again takes the MERGE path and completes it.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DatabaseUnavailable,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

import cypher
from resolution.collector import collect_cycles, collector_paused
from resolution.errors import GraphLoadError
from resolution.models import RelationType
from resolution.run_folder import REDIRECTS, check_run_folder, read_csv, read_jsonl
from resolution.pairs_file import Matched, read_matched
from resolution.settings import ResolutionSettings

ENTITY_LABELS = {"company": "Company", "person": "Person", "vessel": "Vessel"}
RELATION_TYPES = frozenset(t.graph_type for t in RelationType)
# (run-folder file, load statement) in dependency order: nodes before the relationships to them.
LOAD_ORDER = (
    ("entities", "entities"),
    ("addresses", "addresses"),
    ("sanctions", "sanctions"),
    ("records", "records"),
    ("registered_at", "registered_at"),
    ("listed_on", "listed_on"),
    ("relations", "relations"),
    ("possibly_same_as", "possibly_same_as"),
    ("pairs", "matched"),
)

Progress = Callable[[str, int], None]
# The driver's objects of each transaction form a reference cycle that holds the batch's rows, and
# the cyclic collector is paused during a load: free them every this many batches.
COLLECT_EVERY_BATCHES = 8
# How long the driver keeps retrying a failed batch (server gone, leader switch, deadlock) before
# the load gives up. With the driver's backoff (1, 2, 4, 8 s, +-20% jitter) 10 s means four
# retries and an error about 15 s after Neo4j went away; the driver's default of 30 s often
# meant a fifth wait of 16 s more. A load is re-runnable, so there is no point in waiting longer.
RETRY_TIME_S = 10.0
# A TCP connect that gets no answer at all (host down, packets dropped) gives up after this long
# (driver default 30 s), so the retries above stay bounded to well under a minute.
CONNECTION_TIMEOUT_S = 10.0
# The server says why it ended a transaction with these codes: a shutdown, an operator, or the
# server's transaction timeout. Whether Neo4j is still there tells a shutdown from the others.
_TERMINATED = frozenset({
    "Neo.ClientError.Transaction.Terminated",
    "Neo.ClientError.Transaction.LockClientStopped",
    "Neo.TransientError.Transaction.Terminated",
    "Neo.TransientError.Transaction.LockClientStopped",
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
})
_UNREACHABLE = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, ConnectionAcquisitionTimeoutError)


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    first_load: bool = False  # written into an empty database with CREATE (cypher/first_load)
    seconds: dict[str, float] = field(default_factory=dict)  # per file, for benchmarks


def driver_from_settings(settings: ResolutionSettings) -> Driver:
    """A driver whose retries end in seconds, not minutes, when Neo4j is gone."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        max_transaction_retry_time=RETRY_TIME_S,
        connection_timeout=CONNECTION_TIMEOUT_S,
    )


@dataclass
class _Position:
    """How far a load got, for the message when it fails half-way."""

    done: list[str] = field(default_factory=list)
    current: str | None = None
    rows_in_current: int = 0
    rows_before: int = 0
    # rows of batches whose commit was cut off by Neo4j going away: Neo4j may hold them or not
    rows_unsure: int = 0

    @property
    def rows(self) -> int:
        return self.rows_before + self.rows_in_current

    def start(self, file_name: str) -> None:
        self.current, self.rows_in_current = file_name, 0

    def finish(self) -> None:
        assert self.current is not None
        self.done.append(self.current)
        self.rows_before += self.rows_in_current
        self.current, self.rows_in_current = None, 0

    def describe(self) -> str:
        if self.rows == 0 and self.current is None and not self.done:
            return "before any row was written"
        where = f"after {self.rows} rows were written"
        if self.current is not None:
            where += f" (stopped in {_file_of(self.current)} after {self.rows_in_current} of its rows"
            where += f"; complete: {', '.join(self.done)})" if self.done else ")"
        if self.rows_unsure:
            where += (f", and {self.rows_unsure} more rows were being committed when Neo4j went away, "
                      "so Neo4j may hold them too")
        return where


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _answers(settings: ResolutionSettings) -> bool:
    """Whether Neo4j runs a query right now (one attempt, no retries, a few seconds at most)."""
    probe = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_timeout=3.0, connection_acquisition_timeout=5.0,
    )
    try:
        with probe.session(database=settings.neo4j_database) as session:
            session.run(cypher.statement("queries", "ping").text).consume()
        return True
    except (Neo4jError, DriverError):
        return False
    finally:
        probe.close()


def _terminated(exc: BaseException) -> bool:
    """Neo4j ended the transaction (a shutdown, an operator, its transaction timeout)."""
    return isinstance(exc, Neo4jError) and exc.code in _TERMINATED


def _server_gone(exc: BaseException) -> bool:
    """An error that says Neo4j went away or ended the transaction (not that it refused the rows)."""
    return isinstance(exc, _UNREACHABLE) or _terminated(exc)


def _load_error(exc: Exception, settings: ResolutionSettings, run_dir: Path, position: _Position) -> GraphLoadError:
    """One clear sentence for what went wrong, how far the load got and what to do."""
    rerun = ("Start Neo4j (tracegraph neo4j start) and run the load again: it is idempotent and "
             "completes the graph without duplicates")
    terminated = _terminated(exc)
    if isinstance(exc, _UNREACHABLE) or (terminated and not _answers(settings)):
        what = "is unavailable" if position.current is None and not position.done else "became unavailable"
        return GraphLoadError(
            f"Neo4j at {settings.neo4j_uri} {what} during the load of {run_dir} "
            f"{position.describe()}. {rerun}. Cause: {_one_line(exc)}"
        )
    if terminated:
        return GraphLoadError(
            f"Neo4j at {settings.neo4j_uri} ended a transaction of the load of {run_dir} "
            f"{position.describe()} (db.transaction.timeout, an operator, or a restart). Run the load "
            f"again: it is idempotent. Cause: {_one_line(exc)}"
        )
    if isinstance(exc, Neo4jError):
        return GraphLoadError(f"Neo4j refused the load of {run_dir}: {_one_line(exc)}")
    return GraphLoadError(
        f"the Neo4j driver failed during the load of {run_dir} {position.describe()}: {_one_line(exc)}"
    )


def _entity_row(row: dict[str, Any]) -> dict[str, Any]:
    labels = [ENTITY_LABELS[row["type"]]]
    if row.get("sanctioned"):
        labels.append("Sanctioned")
    props = {k: v for k, v in row.items() if k != "id"}
    return {"id": row["id"], "labels": labels, "props": props}


def _matched_row(pair: Matched) -> dict[str, Any]:
    left, right, probability, weight, names, weights = pair
    return {"record_l": left, "record_r": right, "match_probability": probability, "match_weight": weight,
            "comparisons": names, "weights": weights}


def _relation_row(row: dict[str, Any]) -> dict[str, Any]:
    if row["type"] not in RELATION_TYPES:
        raise GraphLoadError(f"unknown relationship type {row['type']!r} in relations.jsonl")
    return row


_PREPARE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "entities": _entity_row,
    "relations": _relation_row,
}


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _collecting(batches: Iterator[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
    """The batches, freeing the reference cycles of the transactions already written (those of
    the files before too) first and then every ``COLLECT_EVERY_BATCHES`` batches (see
    ``resolution.collector``)."""
    for index, batch in enumerate(batches):
        if index % COLLECT_EVERY_BATCHES == 0:
            collect_cycles()
        yield batch


def _write(tx: ManagedTransaction, text: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(text, rows=rows)]


def _file_of(name: str) -> str:
    """The run-folder file a name of ``LOAD_ORDER`` is read from, for messages."""
    return "the pairs file" if name == "pairs" else f"{name}.jsonl"


def _merged_pairs(pairs: Iterable[Matched]) -> Iterator[dict[str, Any]]:
    """Merged pairs, each once: the pairs file is sorted by entity type and pair, so a repeat is adjacent."""
    previous: tuple[str, str] | None = None
    for pair in pairs:
        if pair[:2] != previous:
            previous = pair[:2]
            yield _matched_row(pair)


class _CommitUnknown(Exception):
    """A batch whose commit was under way when Neo4j went away: Neo4j may have made it or not,
    and nobody can tell from here. The driver says so with ``IncompleteCommit`` when the
    connection breaks during the commit; but a server shutting down may also answer the commit
    with an error (``Transaction.Terminated``, the database unavailable) and keep the batch
    anyway: seen in the fault tests, where such a batch was in the graph after the load failed."""

    def __init__(self, rows: int, cause: Exception) -> None:
        super().__init__(str(cause))
        self.rows, self.cause = rows, cause




def _write_batch(driver: Driver, database: str, texts: list[str], batch: list[dict[str, Any]]) -> int:
    """Run each of ``texts`` on ``batch`` in a write transaction of its own (with the driver's
    retries). Raises ``_CommitUnknown`` when a transaction failed after its commit was asked for
    (its statement had run to the end in some attempt) and the failure says the server went away."""
    with driver.session(database=database) as session:
        for text in texts:
            commits_asked: list[bool] = []
            try:
                session.execute_write(_write_then_commit, text, batch, commits_asked)
            except IncompleteCommit as exc:
                raise _CommitUnknown(len(batch), exc) from exc
            except (Neo4jError, DriverError) as exc:
                if commits_asked and _server_gone(exc):
                    raise _CommitUnknown(len(batch), exc) from exc
                raise
    return len(batch)


def _write_then_commit(
    tx: ManagedTransaction, text: str, rows: list[dict[str, Any]], commits_asked: list[bool]
) -> list[dict[str, Any]]:
    """``_write``, noting each time it ran to the end: the driver then asks Neo4j to commit."""
    result = _write(tx, text, rows)
    commits_asked.append(True)
    return result


def _write_batches(
    driver: Driver, settings: ResolutionSettings, texts: list[str], rows: Iterable[dict[str, Any]],
    written: Written,
) -> None:
    """Write ``rows`` in batches (each batch runs ``texts`` in order, a transaction each) with up
    to ``settings.load_writers`` transactions at once, calling ``written(n)`` as each batch commits.

    Batches of one file are independent of each other (every row names its own nodes), so they
    may commit in any order; a batch that meets a deadlock is retried by the driver. While Neo4j
    writes, this thread reads and prepares the next batch, so Python and Neo4j overlap too. When a
    batch fails, the batches already running are let finish first, so ``written`` has counted
    exactly the rows that were committed when the error is raised, and, apart, those of any batch
    whose commit the broken connection left unknown (``committed=False``).
    """
    database = settings.neo4j_database
    batches = _collecting(_batches(rows, settings.batch_size))
    if settings.load_writers == 1:
        for batch in batches:
            try:
                written(_write_batch(driver, database, texts, batch))
            except _CommitUnknown as exc:
                written(exc.rows, committed=False)
                raise exc.cause from exc
        return
    with ThreadPoolExecutor(max_workers=settings.load_writers, thread_name_prefix="load") as pool:
        pending: set[Future[int]] = set()
        failure: BaseException | None = None
        try:
            for batch in batches:
                pending.add(pool.submit(_write_batch, driver, database, texts, batch))
                if len(pending) > settings.load_writers:  # one batch waits ready, no more
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    if failure := _count(done, written):
                        break
        except BaseException:  # reading the run folder failed, or an interrupt
            for future in pending:
                future.cancel()
            raise
        finally:
            if failure:  # stop what has not started; let running batches end and count them
                for future in pending:
                    future.cancel()
            failure = _count(wait(pending).done, written) or failure
    if failure:
        raise failure


class Written(Protocol):
    """Told the rows of each batch that commits (or, ``committed=False``, may have committed)."""

    def __call__(self, rows: int, *, committed: bool = True) -> None: ...


def _counter(position: _Position, progress: Progress | None) -> Written:
    """What ``_write_batches`` calls as each batch of the current file commits."""
    file_name = position.current or ""

    def written(rows: int, *, committed: bool = True) -> None:
        if not committed:
            position.rows_unsure += rows
            return
        position.rows_in_current += rows
        if progress:
            progress(file_name, rows)

    return written


def _count(done: Iterable[Future[int]], written: Written) -> BaseException | None:
    """Report the committed batches among ``done``; returns the first failure, if any (for a
    batch whose commit is unknown, the driver's error, after its rows are reported as unsure)."""
    failure = None
    for future in done:
        if future.cancelled():
            continue
        if (error := future.exception()) is not None:
            if isinstance(error, _CommitUnknown):
                written(error.rows, committed=False)
                error = error.cause
            failure = failure or error
        else:
            written(future.result())
    return failure


def _rows(run_dir: Path, file_name: str) -> Iterator[dict[str, Any]]:
    if file_name == "pairs":
        return _merged_pairs(read_matched(run_dir))
    rows = read_jsonl(run_dir / f"{file_name}.jsonl")
    prepare = _PREPARE.get(file_name)
    return (prepare(r) for r in rows) if prepare else rows


def _redirect_targets(moves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each old entity id, the new entity that took most of its records."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for move in moves:
        votes[move["old_id"]][move["new_id"]] += 1
    return [
        {"old_id": old, "new_id": min(c for c, n in counter.items() if n == max(counter.values()))}
        for old, counter in sorted(votes.items())
    ]


def _resolver_redirects(run_dir: Path) -> list[dict[str, Any]]:
    """``redirects.csv`` of the run (old_id,new_id; written by incremental runs), if there is one."""
    return [{"old_id": r["old_id"], "new_id": r["new_id"]} for r in read_csv(run_dir / REDIRECTS, missing_ok=True)]


def wipe_database(driver: Driver, database: str, batch: int = 5_000) -> int:
    """Delete every node and relationship in bounded transactions; returns nodes deleted."""
    text = cypher.statement("load", "wipe").text
    total = 0
    with driver.session(database=database) as session:
        while deleted := session.execute_write(lambda tx: tx.run(text, batch=batch).single()["deleted"]):
            total += deleted
    return total


def _is_constraint(statement: cypher.CypherStatement) -> bool:
    return "CREATE CONSTRAINT" in statement.text.upper()


def create_schema(driver: Driver, database: str, *, indexes: bool = True) -> None:
    """Create the constraints in ``cypher/schema`` and, with ``indexes``, the other indexes too
    (idempotent: IF NOT EXISTS), and wait until they are online.

    A first load creates the unique constraints (the lookups of the load use them) before it
    writes and the query indexes (fulltext names, ...) after: populating an index once is much
    cheaper than updating it in every write transaction.
    """
    for stmt in cypher.statements("schema").values():
        if indexes or _is_constraint(stmt):
            driver.execute_query(stmt.text, database_=database)
    driver.execute_query("CALL db.awaitIndexes(600)", database_=database)


def drop_query_indexes(driver: Driver, database: str) -> None:
    """Drop the indexes that ``create_schema(indexes=False)`` leaves out (``cypher/schema_drop``)."""
    for stmt in cypher.statements("schema_drop").values():
        driver.execute_query(stmt.text, database_=database)


def database_is_empty(driver: Driver, database: str) -> bool:
    """Whether the database holds no node at all (then a load may CREATE instead of MERGE)."""
    records, _, _ = driver.execute_query(cypher.statement("load", "any_node").text, database_=database)
    return not records


def graph_counts(driver: Driver, database: str) -> dict[str, int]:
    records, _, _ = driver.execute_query(cypher.statement("load", "count_graph").text, database_=database)
    return {r["kind"]: r["n"] for r in records}


def load_run(
    run_dir: Path,
    settings: ResolutionSettings,
    *,
    driver: Driver | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> LoadReport:
    """Write the run folder into Neo4j; returns rows written per file and graph counts after.

    With ``replace`` the database is emptied first; otherwise the run is merged into what is there.
    Into an empty database the big files are written with CREATE (``cypher/first_load``).
    Python's cyclic garbage collector is paused meanwhile (``resolution.collector``).
    """
    check_run_folder(run_dir)
    own_driver = driver is None
    driver = driver or driver_from_settings(settings)
    report = LoadReport()
    position = _Position()
    with collector_paused():  # cycles freed every few batches: see resolution.collector
        try:
            driver.verify_connectivity()
            if replace:
                wipe_database(driver, settings.neo4j_database)
                drop_query_indexes(driver, settings.neo4j_database)
            first_load = report.first_load = database_is_empty(driver, settings.neo4j_database)
            create_schema(driver, settings.neo4j_database, indexes=not first_load)
            creates = cypher.statements("first_load") if first_load else {}
            repoint = cypher.statement("load", "repoint_records").text
            for file_name, statement_name in LOAD_ORDER:
                texts = [(creates.get(statement_name) or cypher.statement("load", statement_name)).text]
                if file_name == "records" and not first_load:
                    texts.insert(0, repoint)
                position.start(file_name)
                started = time.perf_counter()
                _write_batches(driver, settings, texts, _rows(run_dir, file_name), _counter(position, progress))
                report.rows[file_name] = position.rows_in_current
                report.seconds[file_name] = round(time.perf_counter() - started, 3)
                position.finish()
            with driver.session(database=settings.neo4j_database) as session:
                pending = cypher.statement("load", "pending_moves").text
                moves = [] if first_load else session.execute_read(lambda tx: tx.run(pending).data())
                retire = cypher.statement("load", "retire_entities").text
                for batch in _batches(iter(_redirect_targets(moves)), settings.batch_size):
                    session.execute_write(_write, retire, batch)
                for batch in _batches(({"key": m["key"]} for m in moves), settings.batch_size):
                    session.execute_write(_write, cypher.statement("load", "clear_moves").text, batch)
                report.rows["redirect_candidates"] = len({m["old_id"] for m in moves})
                redirects = _resolver_redirects(run_dir)
                for batch in _batches(iter(redirects), settings.batch_size):
                    session.execute_write(_write, cypher.statement("load", "redirects").text, batch)
                report.rows["redirects"] = len(redirects)
            if first_load:
                started = time.perf_counter()
                create_schema(driver, settings.neo4j_database)
                report.seconds["indexes"] = round(time.perf_counter() - started, 3)
            report.counts = graph_counts(driver, settings.neo4j_database)
        except (Neo4jError, DriverError) as exc:
            raise _load_error(exc, settings, run_dir, position) from exc
        finally:
            if own_driver:
                driver.close()
    return report
