import re
import sys

import pytest

from benchmarks import record_columns_benchmark


def test_the_benchmark_reads_a_worlds_records_both_ways_with_the_same_result(
    small_world, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["record_columns_benchmark", str(small_world.folder), "--repeat", "2"])
    record_columns_benchmark.main()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for line in lines[:2]:
        assert re.fullmatch(r"\d+ records: models read .* s; columns read .* \(\d+\.\d\dx\), same result: True", line)
        assert int(line.split()[0]) > 0
    held = re.fullmatch(r"held: models (\d+) MiB, columns (\d+) MiB \((\d+\.\d)x\)", lines[2])
    assert held is not None and float(held.group(3)) > 1  # the columns hold less than the models
