import gc
import weakref
from pathlib import Path

import pytest

from resolution import pipeline
from resolution.collector import collect_cycles, collector_paused
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


class _Observer:
    """Called where a bulk job does its first work: notes whether the collector runs, then stops
    the job (what comes after is not needed to tell)."""

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def __call__(self, *_args: object, **_kwargs: object) -> None:
        self.seen.append(gc.isenabled())
        raise _Stop

    def verify_connectivity(self) -> None:  # as the loader's driver: nothing is written
        self()


def _paused_during(job, observer: _Observer) -> bool:
    with pytest.raises(_Stop):
        job()
    assert gc.isenabled(), "the collector runs again after the job"
    return observer.seen == [False]


def test_resolve_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    observer = _Observer()
    monkeypatch.setattr(pipeline, "read_inputs", observer)
    assert _paused_during(
        lambda: pipeline.resolve([tmp_path / "records.csv"], tmp_path / "run", ResolutionSettings()), observer)


def test_load_runs_with_the_collector_paused(tmp_path: Path) -> None:
    from resolution.graph import loader
    from resolution.run_folder import CLUSTERS, GRAPH_FILES, SUMMARY

    for name in (*(f"{g}.jsonl" for g in GRAPH_FILES), CLUSTERS, SUMMARY):
        (tmp_path / name).write_text("", encoding="utf-8")
    observer = _Observer()
    assert _paused_during(lambda: loader.load_run(tmp_path, ResolutionSettings(), driver=observer), observer)


def test_evaluate_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from resolution import evaluate

    observer = _Observer()
    monkeypatch.setattr(evaluate, "read_assignments", observer)
    assert _paused_during(lambda: evaluate.evaluate_run(tmp_path, tmp_path / "truth.csv"), observer)


def test_screening_index_is_built_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from resolution import screening

    (tmp_path / "records.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "clusters.csv").write_text("source,record_id,entity_id\n", encoding="utf-8")
    observer = _Observer()
    monkeypatch.setattr(screening, "read_jsonl", observer)
    assert _paused_during(lambda: screening.Screener(tmp_path), observer)


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> "weakref.ref[_Node]":
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_objects_from_before_the_block_are_frozen_meanwhile() -> None:
    before = gc.get_freeze_count()
    with collector_paused():
        assert gc.get_freeze_count() > before
        with collector_paused():  # a block inside another leaves the outer freeze alone
            pass
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == before


def test_collect_cycles_frees_a_cycle_made_inside_the_block() -> None:
    with collector_paused():
        made = _cycle()
        assert made() is not None, "the collector is paused: the cycle is still there"
        assert collect_cycles() >= 2
        assert made() is None


def test_a_cycle_made_before_the_block_is_freed_after_it() -> None:
    made = _cycle()
    with collector_paused():
        collect_cycles()
        assert made() is not None, "frozen while the block runs"
    gc.collect()
    assert made() is None


class _Kept:
    pass


def test_what_is_left_to_the_os_survives_every_collection() -> None:
    from resolution.collector import leave_to_the_os

    kept = _Kept()
    seen = weakref.ref(kept)
    leave_to_the_os(kept)
    del kept
    gc.collect()
    assert seen() is not None


_CHILD = """
import atexit, sys
from resolution.collector import freeze_for_exit, leave_to_the_os

class Noisy:
    def __del__(self):
        sys.stdout.write("freed\\n")
        sys.stdout.flush()

atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
objects = [Noisy()]
if sys.argv[1] == "leave":
    leave_to_the_os(objects)
del objects
sys.stdout.write("body done\\n")
sys.stdout.flush()
freeze_for_exit()
"""


def _run_child(source: str, argument: str, tmp_path: Path) -> str:
    """Run ``source`` as a fresh Python process with ``argument``; its standard output (it must succeed)."""
    import subprocess
    import sys

    from resolution.settings import PROJECT_ROOT

    script = tmp_path / "child.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), argument], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False, timeout=60, env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("how", "freed"), [("leave", False), ("free", True)])
def test_a_process_ends_without_freeing_what_it_left(how: str, freed: bool, tmp_path: Path) -> None:
    lines = _run_child(_CHILD, how, tmp_path).splitlines()
    assert "atexit ran" in lines, "the exit handlers still run"
    assert ("freed" in lines) is freed
    if freed:  # freed where the program let go of it, before the end
        assert lines.index("freed") < lines.index("body done")


def test_resolve_hands_its_records_to_keep(small_world, tmp_path: Path) -> None:
    kept: list[tuple[object, ...]] = []
    summary = pipeline.resolve(small_world.inputs, tmp_path / "run", ResolutionSettings(),
                               keep=lambda *objects: kept.append(objects))
    assert len(kept) == 1
    batch = kept[0][0]
    assert len(batch.records) == summary.records > 0
    assert (tmp_path / "run" / "summary.json").exists()


_ENDING_CHILD = """
import gc, sys, weakref
from resolution.collector import collector_paused, end_with_the_process

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)

with collector_paused():
    if sys.argv[1] == "end":
        end_with_the_process([Node() for _ in range(10)])
made = cycle()
for _ in range(100_000):  # enough allocations for several young collections, were it running
    cycle()
print(gc.isenabled(), made() is not None)
"""


@pytest.mark.parametrize(("how", "enabled"), [("end", False), ("restore", True)])
def test_a_block_ending_the_process_leaves_the_collector_paused(how: str, enabled: bool, tmp_path: Path) -> None:
    is_enabled, cycle_alive = _run_child(_ENDING_CHILD, how, tmp_path).split()
    assert is_enabled == str(enabled)
    # paused to the end, nothing walks the cycles made after the block; restored, they are freed
    assert cycle_alive == str(not enabled)
