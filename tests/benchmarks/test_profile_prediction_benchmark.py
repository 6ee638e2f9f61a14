import sys

import pytest

from benchmarks import profile_prediction_benchmark


def test_profile_benchmark_compares_both_predictions_on_a_world(small_world, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["profile_prediction_benchmark", str(small_world.folder)])
    profile_prediction_benchmark.main()
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split()[:2] == ["type", "records"]
    assert [line.split()[0] for line in lines] == ["person", "company", "vessel"]
    for line in lines:
        _type, records, profiles, _twins, pairs, *_seconds, same = line.split()
        assert same == "yes"
        assert int(profiles.replace(",", "")) <= int(records.replace(",", "")) and int(pairs.replace(",", "")) > 0
