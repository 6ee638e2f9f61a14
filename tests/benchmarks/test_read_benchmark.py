import sys

import pytest

from benchmarks import read_benchmark


def test_read_benchmark_compares_both_ways_on_a_world(small_world, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["read_benchmark", str(small_world.folder), "--repeat", "1"])
    read_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("read ") and lines[0].endswith("same result: True")
    assert all(line.startswith("features of ") and line.endswith("same table: True") for line in lines[1:])
    assert [line.split()[3] for line in lines[1:]] == ["company", "person", "vessel"]
