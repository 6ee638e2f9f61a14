import sys

import pytest

from benchmarks import pairs_file_benchmark
from resolution.pairs_file import read_pairs


def test_the_benchmark_writes_both_files_from_a_runs_pairs_and_finds_the_same_rows(
    small_run, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir, summary = small_run
    monkeypatch.setattr(sys, "argv", ["pairs_file_benchmark", str(run_dir), "--repeat", "1", "--out", str(tmp_path)])
    pairs_file_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("trial 1: pairs.jsonl") and lines[2].startswith("size: pairs.jsonl")
    assert "every merged pair" in lines[3] and f"({summary.merged_pairs})" in lines[3]
    assert [line.split(" as ")[0] for line in lines if " as dictionaries: " in line] == ["jsonl", "parquet"]
    assert lines[-1].startswith("same rows: True")
    assert list(read_pairs(tmp_path / "parquet")) == list(read_pairs(run_dir))


def test_scored_pairs_give_back_each_types_weights_as_columns(small_run) -> None:
    run_dir, summary = small_run
    tables = dict(pairs_file_benchmark.scored_pairs(run_dir))
    assert sum(t.num_rows for t in tables.values()) == summary.merged_pairs + summary.review_pairs
    assert "mw_name" in tables["company"].column_names
