import sys

import pytest

from benchmarks import entities_benchmark


def test_entities_benchmark_compares_both_builders_on_a_run(small_world, small_run, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _summary = small_run
    monkeypatch.setattr(sys, "argv", ["entities_benchmark", str(small_world.folder), str(run_dir)])
    entities_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == ["python rows", "duckdb"]
    assert lines[2].startswith("ratio ") and lines[2].endswith("same files: True")


def test_the_run_inputs_are_what_the_run_gave_its_builder(small_run) -> None:
    run_dir, summary = small_run
    clusters, probability, review, _reasons = entities_benchmark.run_inputs(run_dir)
    assert len(clusters) == summary.records and len(review) == summary.review_pairs
    assert all(0 < p < 1 for p in probability.values())
