"""How far a load got, when a batch's commit was cut off: counted apart, named in the message."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest
from neo4j.exceptions import DriverError, IncompleteCommit, Neo4jError, ServiceUnavailable

from resolution.graph import loader
from resolution.graph.loader import _CommitUnknown, _count, _counter, _Position, _write_batch, _write_batches
from resolution.settings import ResolutionSettings


def _future(result: int | None = None, error: BaseException | None = None) -> Future[int]:
    future: Future[int] = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or 0)
    return future


def test_a_batch_whose_commit_is_unknown_is_counted_apart_and_its_cause_is_the_failure() -> None:
    position = _Position()
    position.start("records")
    cut = IncompleteCommit("connection lost while committing")
    failure = _count([_future(50), _future(error=_CommitUnknown(50, cut)), _future(50)], _counter(position, None))
    assert failure is cut
    assert (position.rows_in_current, position.rows_unsure) == (100, 50)
    text = position.describe()
    assert "after 100 of its rows" in text and "50 more rows were being committed" in text


def test_other_failures_leave_nothing_unsure() -> None:
    position = _Position()
    position.start("records")
    down = ServiceUnavailable("gone")
    assert _count([_future(error=down), _future(50)], _counter(position, None)) is down
    assert (position.rows_in_current, position.rows_unsure) == (50, 0)
    assert "being committed" not in position.describe()


@pytest.mark.parametrize("writers", [1, 2])
def test_both_writer_paths_report_the_unknown_batch(writers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    cut = IncompleteCommit("connection lost while committing")

    def write_batch(_driver: Any, _database: str, _texts: list[str], batch: list[dict[str, Any]]) -> int:
        if batch[0]["n"] == 4:  # the third batch of two rows
            raise _CommitUnknown(len(batch), cut)
        return len(batch)

    monkeypatch.setattr(loader, "_write_batch", write_batch)
    position = _Position()
    position.start("records")
    settings = ResolutionSettings(batch_size=2, load_writers=writers)
    with pytest.raises(IncompleteCommit):
        _write_batches(None, settings, ["RETURN 1"], ({"n": n} for n in range(10)), _counter(position, None))  # type: ignore[arg-type]
    assert position.rows_unsure == 2
    assert position.rows_in_current >= 4 and position.rows_in_current % 2 == 0


# ---- which failed batch may still be in the graph ---------------------------------------------
def _server_error(code: str) -> Neo4jError:
    """An error as the driver builds it from a server's FAILURE message."""
    return Neo4jError._hydrate_neo4j(code=code, message="as the server said it")


class _Session:
    """Runs each transaction function as the driver's ``execute_write`` would, then fails in the
    way ``outcomes`` says: ``"commit"`` (after the function ran to the end), ``"run"`` (inside the
    function, before any commit) or ``"ok"``; more than one outcome per text means retries."""

    def __init__(self, outcomes: dict[str, list[tuple[str, BaseException | None]]]) -> None:
        self.outcomes = outcomes

    def __enter__(self) -> "_Session":
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def execute_write(self, work: Any, text: str, *args: Any) -> Any:
        error: BaseException | None = None
        for when, error in self.outcomes[text]:
            if when == "run":
                continue  # the statement failed: the function never returned
            result = work(_Tx(), text, *args)
            if when == "ok":
                return result
        assert error is not None
        raise error


class _Tx:
    def run(self, _text: str, **_params: Any) -> list[Any]:
        return []


class _Driver:
    def __init__(self, outcomes: dict[str, list[tuple[str, BaseException | None]]]) -> None:
        self.outcomes = outcomes

    def session(self, **_: Any) -> _Session:
        return _Session(self.outcomes)


ROWS = [{"key": "a"}, {"key": "b"}, {"key": "c"}]
TERMINATED = "Neo.TransientError.Transaction.Terminated"


@pytest.mark.parametrize("attempts", [
    [("commit", _server_error(TERMINATED))],                    # the shutdown answered the commit
    [("commit", IncompleteCommit("cut during the commit"))],    # the connection broke in it
    [("commit", _server_error("Neo.TransientError.General.DatabaseUnavailable")),
     ("run", ServiceUnavailable("Couldn't connect"))],           # a retry found the server gone
])
def test_a_batch_that_failed_after_asking_to_commit_may_be_in_the_graph(attempts: list[Any]) -> None:
    with pytest.raises(_CommitUnknown) as caught:
        _write_batch(_Driver({"CREATE": attempts}), "neo4j", ["CREATE"], ROWS)  # type: ignore[arg-type]
    assert caught.value.rows == len(ROWS)
    assert caught.value.cause is attempts[-1][1]


@pytest.mark.parametrize("attempts", [
    [("run", ServiceUnavailable("gone before the commit"))],
    [("run", _server_error(TERMINATED))],                        # ended while the statement ran
    [("commit", _server_error("Neo.ClientError.Schema.ConstraintValidationFailed"))],  # refused
])
def test_a_batch_that_never_committed_is_a_plain_failure(attempts: list[Any]) -> None:
    with pytest.raises((Neo4jError, DriverError)) as caught:
        _write_batch(_Driver({"CREATE": attempts}), "neo4j", ["CREATE"], ROWS)  # type: ignore[arg-type]
    assert caught.value is attempts[-1][1]


def test_only_the_failed_transaction_of_a_batch_counts() -> None:
    """A batch of two statements whose first committed and whose second failed while it ran."""
    outcomes = {"REPOINT": [("ok", None)], "CREATE": [("run", ServiceUnavailable("gone"))]}
    with pytest.raises(ServiceUnavailable):
        _write_batch(_Driver(outcomes), "neo4j", ["REPOINT", "CREATE"], ROWS)  # type: ignore[arg-type]
    assert _write_batch(_Driver({"REPOINT": [("ok", None)], "CREATE": [("ok", None)]}), "neo4j",  # type: ignore[arg-type]
                        ["REPOINT", "CREATE"], ROWS) == len(ROWS)
