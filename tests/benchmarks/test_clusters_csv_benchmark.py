import sys

import pytest

from benchmarks import clusters_csv_benchmark


def test_the_benchmark_writes_a_runs_clusters_both_ways_and_finds_the_same_bytes(
    small_run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir, summary = small_run
    monkeypatch.setattr(sys, "argv", ["clusters_csv_benchmark", str(run_dir), "--repeat", "2"])
    clusters_csv_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{summary.records} rows of ")
    assert len(lines) == 3
    assert all(line.startswith("csv module ") and line.endswith("same bytes: True") for line in lines[1:])
