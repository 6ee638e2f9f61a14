"""People and vessels linked in a worker beside the firms give the run folder linking here gives."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from resolution.demo import DemoWorld
from resolution.link import link_worker
from resolution.pipeline import RunSummary, resolve
from resolution.settings import ResolutionSettings

COMPARED = ("clusters.csv", "entities.jsonl", "records.jsonl", "possibly_same_as.jsonl", "kept_apart.csv",
            "attached.csv", "model_person.json", "model_vessel.json")


def _resolve(world: DemoWorld, out: Path, monkeypatch: pytest.MonkeyPatch, *, worker: bool) -> tuple[RunSummary, list[str]]:
    said: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr(link_worker, "WORKER_MIN_RECORDS", 0 if worker else 10**12)
        summary = resolve(world.inputs, out, ResolutionSettings(), progress=said.append)
    return summary, said


def _model_without_uid(path: Path) -> str:
    model = json.loads(path.read_text(encoding="utf-8"))
    model.pop("linker_uid", None)  # random per linker
    return json.dumps(model, sort_keys=True)


@pytest.fixture(scope="module")
def run_here(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("here")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(link_worker, "WORKER_MIN_RECORDS", 10**12)
        resolve(small_world.inputs, out, ResolutionSettings())
    return out


def _same_folders(one: Path, other: Path) -> None:
    for name in COMPARED:
        if name.startswith("model_"):
            assert _model_without_uid(one / name) == _model_without_uid(other / name), name
        else:
            assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_the_worker_links_people_and_vessels_as_this_process_would(
        small_world: DemoWorld, run_here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary, said = _resolve(small_world, tmp_path, monkeypatch, worker=True)
    linked = [line for line in said if line.startswith("linked")]
    assert [("in a worker" in line, line.split()[2]) for line in linked] == [
        (False, "company"), (True, "person"), (True, "vessel")]
    _same_folders(tmp_path, run_here)
    here = json.loads((run_here / "summary.json").read_text(encoding="utf-8"))
    # (not the training notes: Splink says some of its warnings once per process, and the worker is
    # a fresh one, while this process may have trained such models before)
    for name in ("untrained_levels", "kept_apart", "attached", "merged_pairs", "review_pairs", "entities"):
        assert getattr(summary, name) == here[name], name
    assert summary.seconds["link_person.features"] > 0 and summary.seconds["link_person.predict"] > 0


def test_a_worker_that_fails_costs_time_only(small_world: DemoWorld, run_here: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(link_worker, "worker_command",
                        lambda: [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    with caplog.at_level(logging.WARNING, logger=link_worker.__name__):
        _summary, said = _resolve(small_world, tmp_path, monkeypatch, worker=True)
    assert "the worker linking people and vessels failed (exit status 3: boom); linking them here instead" in caplog.text
    assert not any("in a worker" in line for line in said)  # linked here after all
    _same_folders(tmp_path, run_here)


def test_a_worker_only_when_it_can_overlap_enough_work() -> None:
    big = link_worker.WORKER_MIN_RECORDS
    assert link_worker.worth_a_worker("duckdb", 678_240, 303_568)
    assert not link_worker.worth_a_worker("duckdb", 678_240, big - 1)  # too few for the worker
    assert not link_worker.worth_a_worker("duckdb", 0, big)  # nothing to link here meanwhile
    assert not link_worker.worth_a_worker("spark", 678_240, big)  # one Spark session per run
