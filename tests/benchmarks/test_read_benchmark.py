import sys

import pytest

from benchmarks import read_benchmark


def test_read_benchmark_compares_both_ways_on_a_world(small_world, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["read_benchmark", str(small_world.folder), "--repeat", "1"])
    read_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7
    files, reading, feature_lines = lines[:3], lines[3], lines[4:]
    assert [line.split()[1] for line in files] == ["records.csv", "relations.csv", "listings.csv"]
    assert all("row builders" in line and line.endswith("same result: True") for line in files)
    assert reading.startswith("read ") and reading.endswith("same result: True")
    assert all(line.startswith("features of ") and line.endswith("same table: True") for line in feature_lines)
    assert [line.split()[3] for line in feature_lines] == ["company", "person", "vessel"]
