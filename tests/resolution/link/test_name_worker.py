import logging
import sys

import pytest

import resolution.link.features as features_module
import resolution.link.name_worker as name_worker
from resolution.link.engine import SPECS, arrow_table, record_table
from resolution.link.features import features
from resolution.models import EntityType, Record


def _firms(count: int) -> list[Record]:
    names = ["Dandong Hongxiang Industrial Development Co., Ltd.", "丹东鸿祥实业发展有限公司", "Korea Kwangson Bank",
             "Chon Ma San Shipping", "OCEAN MARITIME MANAGEMENT CO"]
    return [Record(source="reg", record_id=str(i), entity_type="company", name=f"{names[i % 5]} {i // 5}",
                   aliases=[f"Alias {i}"] if i % 3 == 0 else [], address=f"{i} Huanghai Road", country="CN")
            for i in range(count)]


def _expected(records: list[Record]) -> list[dict[str, object]]:
    return arrow_table(SPECS["company"](), [features(r, with_typo_keys=False) for r in records]).to_pylist()


def test_a_worker_computes_part_of_the_names_and_the_table_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(name_worker, "WORKER_MIN_NAMES", 10)
    records = _firms(40)
    here: list[object] = []
    name_features = features_module.name_features

    def counted(names: object, *args: object, **kwargs: object) -> dict[str, object]:
        here.append(names)
        return name_features(names, *args, **kwargs)

    monkeypatch.setattr(name_worker, "name_features", counted)
    table = record_table(SPECS["company"](), records, EntityType.COMPANY, with_typo_keys=False)
    assert table.to_pylist() == _expected(records)
    # the last WORKER_SHARE of the 40 distinct names were the worker's (a fresh interpreter, not counted)
    assert len(here) == 40 - int(40 * name_worker.WORKER_SHARE) < 40


@pytest.mark.parametrize("command", [
    [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"],
    [sys.executable, "-c", "import sys; sys.stdout.write('not arrow')"],
    ["/nonexistent/python"],
])
def test_a_failing_worker_costs_time_only(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
                                          command: list[str]) -> None:
    monkeypatch.setattr(name_worker, "WORKER_MIN_NAMES", 10)
    monkeypatch.setattr(name_worker, "worker_command", lambda: command)
    records = _firms(30)
    with caplog.at_level(logging.WARNING, logger=name_worker.__name__):
        table = record_table(SPECS["company"](), records, EntityType.COMPANY, with_typo_keys=False)
    assert table.to_pylist() == _expected(records)
    assert "computing them here instead" in caplog.text or "computing the names here instead" in caplog.text


@pytest.mark.parametrize(("records", "distinct_names_enough"), [(40, True), (12, False)])
def test_the_worker_is_started_before_the_names_are_told_apart(
    monkeypatch: pytest.MonkeyPatch, records: int, distinct_names_enough: bool
) -> None:
    monkeypatch.setattr(name_worker, "WORKER_MIN_NAMES", 10 if distinct_names_enough else 12)
    firms = _firms(records) if distinct_names_enough else [*_firms(6), *_firms(6)]  # 12 records, 6 names
    started: list[object] = []
    start_worker = name_worker.start_worker

    def counted() -> object:
        worker = start_worker()
        started.append(worker)
        return worker

    monkeypatch.setattr(name_worker, "start_worker", counted)
    distinct = features_module.distinct_names

    def told_apart(*args: object) -> object:
        assert len(started) == 1  # the worker was started first
        return distinct(*args)

    monkeypatch.setattr("resolution.link.engine.distinct_names", told_apart)
    table = record_table(SPECS["company"](), firms, EntityType.COMPANY, with_typo_keys=False)
    assert table.to_pylist() == _expected(firms)
    assert len(started) == 1  # the one started first did the work (or was stopped: too few names)
    process = started[0]._process  # type: ignore[attr-defined]
    assert process is not None and process.poll() is not None
    assert (process.returncode == 0) == distinct_names_enough
