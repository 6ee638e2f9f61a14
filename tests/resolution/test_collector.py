import gc
from pathlib import Path

import pytest

import resolution.pipeline as pipeline
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
