"""The worker interpreter: its answer, its failures as warnings, and stopping it."""

from __future__ import annotations

import logging
import sys

import pytest

from resolution.worker_process import Worker

log = logging.getLogger("tests.worker")


def _worker(code: str) -> Worker:
    return Worker([sys.executable, "-c", code], doing="testing", instead="doing it here", log=log)


def test_the_answer_is_what_the_worker_wrote() -> None:
    with _worker("import sys; open(sys.argv[-1], 'wb').write(b'\\x00answer')") as worker:
        assert worker.answer() == b"\x00answer"
        folder = worker.folder
    assert not folder.exists()  # its scratch folder goes with it


@pytest.mark.parametrize(("command", "said"), [
    ([sys.executable, "-c", "import sys; sys.stderr.write('first\\nboom'); sys.exit(3)"],
     "the worker testing failed (exit status 3: boom); doing it here instead"),
    (["/nonexistent/python"], "the worker testing did not start"),
])
def test_a_worker_that_fails_answers_none_and_says_why(command: list[str], said: str,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=log.name), \
            Worker(command, doing="testing", instead="doing it here", log=log) as worker:
        assert worker.answer() is None
    assert said in caplog.text


def test_an_unreadable_answer_is_said(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=log.name):
        _worker("pass").unreadable("not a pickle")
    assert "the answer of the worker testing could not be read (not a pickle); doing it here instead" in caplog.text


def test_leaving_stops_a_worker_still_running() -> None:
    with _worker("import time; time.sleep(120)") as worker:
        process = worker._process
    assert process is not None and process.returncode is not None and process.returncode < 0


def test_a_worker_started_before_its_request_answers_it() -> None:
    code = "import sys; open(sys.argv[-1], 'w').write(sys.stdin.readline().upper())"
    with Worker([sys.executable, "-c", code], doing="testing", instead="doing it here", log=log,
                takes_request=True) as worker:
        worker.send(b"/tmp/request\n")
        assert worker.answer() == b"/TMP/REQUEST\n"


def test_a_request_to_a_worker_that_is_gone_is_told_by_its_answer(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=log.name), \
            Worker([sys.executable, "-c", "import sys; sys.exit(4)"], doing="testing", instead="doing it here",
                   log=log, takes_request=True) as worker:
        assert worker._process is not None
        worker._process.wait()
        worker.send(b"x" * 1_000_000)  # more than a pipe holds: the write fails, quietly
        assert worker.answer() is None
    assert "the worker testing failed (exit status 4" in caplog.text


def test_a_worker_that_says_much_on_standard_error_is_not_stopped_by_it() -> None:
    # 1 MB of warnings while nobody reads them: through a pipe (64 KiB) the worker would block
    code = ("import sys; sys.stderr.write('warning\\n' * 150_000); sys.stderr.flush(); "
            "open(sys.argv[-1], 'wb').write(b'done')")
    with _worker(code) as worker:
        assert worker._process is not None
        worker._process.wait(timeout=60)
        assert worker.answer() == b"done"


def test_a_request_of_any_size_reaches_the_worker_as_sent() -> None:
    code = ("from resolution.worker_process import answer_file, request; "
            "sent = request(); answer_file().write_bytes(repr((len(sent['names']), sent['kind'])).encode())")
    with Worker([sys.executable, "-c", code], doing="testing", instead="doing it here", log=log,
                takes_request=True) as worker:
        worker.send_request({"kind": "company", "names": ["Firm"] * 200_000})  # far more than a pipe holds
        assert worker.answer() == b"(200000, 'company')"
