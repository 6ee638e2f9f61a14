import re
import sys

import pytest

from benchmarks import relation_columns_benchmark


def test_the_benchmark_hands_a_worlds_relations_over_both_ways_with_the_same_result(
    small_world, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["relation_columns_benchmark", str(small_world.folder), "--repeat", "2"])
    relation_columns_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"\d+ relations of .*relations\.csv, \d+ records", lines[0])
    assert int(lines[0].split()[0]) > 0
    assert len(lines) == 4
    assert all(line.startswith("worker: models ") and line.endswith("same result: True") for line in lines[1:3])
    held = re.fullmatch(r"held here: models (\d+) MiB, columns (\d+) MiB \((\d+\.\d)x\)", lines[3])
    assert held is not None and float(held.group(3)) > 1  # the columns hold less than the models
