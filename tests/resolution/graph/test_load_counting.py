"""How far a load got, when a batch's commit was cut off: counted apart, named in the message."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable

from resolution.graph import loader
from resolution.graph.loader import _CommitUnknown, _count, _counter, _Position, _write_batches
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
