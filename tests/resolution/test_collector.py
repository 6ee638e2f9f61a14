import gc
from pathlib import Path

import pytest

from resolution import pipeline
from resolution.collector import collector_paused
from resolution.settings import ResolutionSettings


@pytest.fixture(autouse=True)
def _collector_enabled():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was_enabled else gc.disable)()


def test_paused_inside_and_running_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_again_after_the_block_raises() -> None:
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("boom")
    assert gc.isenabled()


def test_left_paused_when_it_was_paused_before() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


class _Stop(Exception):
    pass


def test_resolve_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[bool] = []

    def reading(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise _Stop

    monkeypatch.setattr(pipeline, "read_inputs", reading)
    with pytest.raises(_Stop):
        pipeline.resolve([tmp_path / "records.csv"], tmp_path / "run", ResolutionSettings())
    assert seen == [False]
    assert gc.isenabled()


def test_load_runs_with_the_collector_paused(tmp_path: Path) -> None:
    from resolution.graph import loader
    from resolution.run_folder import CLUSTERS, GRAPH_FILES, SUMMARY

    for name in (*(f"{g}.jsonl" for g in GRAPH_FILES), CLUSTERS, SUMMARY):
        (tmp_path / name).write_text("", encoding="utf-8")
    seen: list[bool] = []

    class _Unreachable:  # stands in for the driver only to observe the collector; nothing is written
        def verify_connectivity(self) -> None:
            seen.append(gc.isenabled())
            raise _Stop

    with pytest.raises(_Stop):
        loader.load_run(tmp_path, ResolutionSettings(), driver=_Unreachable())
    assert seen == [False]
    assert gc.isenabled()


def test_evaluate_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from resolution import evaluate

    seen: list[bool] = []

    def reading(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise _Stop

    monkeypatch.setattr(evaluate, "read_assignments", reading)
    with pytest.raises(_Stop):
        evaluate.evaluate_run(tmp_path, tmp_path / "truth.csv")
    assert seen == [False]
    assert gc.isenabled()


def test_screening_index_is_built_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from resolution import screening

    (tmp_path / "records.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "clusters.csv").write_text("source,record_id,entity_id\n", encoding="utf-8")
    seen: list[bool] = []

    def reading(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise _Stop

    monkeypatch.setattr(screening, "read_jsonl", reading)
    with pytest.raises(_Stop):
        screening.Screener(tmp_path)
    assert seen == [False]
    assert gc.isenabled()
