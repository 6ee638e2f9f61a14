"""Canonical files read in two processes give what reading them in order gives."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from resolution import worker_process
from resolution.errors import InputFileError
from resolution.models import Record, Relation
from resolution.sources import parallel, read_inputs
from resolution.sources.batch import InputBatch
from resolution.sources.record_columns import RecordColumns
from resolution.sources.relation_columns import RelationColumns

RECORDS = """source,record_id,entity_type,name,aliases,country,imo,date_of_birth
reg,1,company,"Dandong Hongxiang Industrial Development Co., Ltd.",Hongxiang|鸿祥,China,,
reg,2,person,Ma Xiaohong,,CN,,May 1962
reg,3,vessel,Chon Ma San,,"Korea, North",IMO 8660313,
reg,4,vessel,Bad Check Digit,,KP,IMO 8660314,
reg,5,alien,Nobody,,,,
"""
RELATIONS = """source,from_record_id,to_record_id,relation,share_pct
reg,2,1,director_of,
reg,1,3,owner_of,100
reg,1,9,owner_of,
reg,1,2,shareholder_of,120
"""
LISTINGS = """source,record_id,list_name,program,listed_on
reg,3,SDN,DPRK3,2016-12-02
reg,4,SDN,DPRK3,
"""


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    paths = []
    for name, text in (("records.csv", RECORDS), ("relations.csv", RELATIONS), ("listings.csv", LISTINGS)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _in_order(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, finish: bool = True,
              records_as_columns: bool = False) -> InputBatch:
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 10**12)
        return read_inputs(paths, finish=finish, records_as_columns=records_as_columns)


def _two_processes(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, finish: bool = True,
                   records_as_columns: bool = False) -> InputBatch:
    calls: list[list[Path]] = []
    read_parts = parallel.read_parts

    def counted(targets: list[Path], sizes: list[int], **options: bool) -> list[InputBatch]:
        calls.append(list(targets))
        return read_parts(targets, sizes, **options)

    with monkeypatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        patch.setattr("resolution.sources.formats.read_parts", counted)
        batch = read_inputs(paths, finish=finish, records_as_columns=records_as_columns)
    assert calls == [paths]  # the worker really ran
    return batch


@pytest.mark.parametrize("finish", [True, False])
def test_two_processes_read_what_one_reads(inputs: list[Path], monkeypatch: pytest.MonkeyPatch, finish: bool) -> None:
    expected = _in_order(inputs, monkeypatch, finish=finish)
    batch = _two_processes(inputs, monkeypatch, finish=finish)
    assert batch.records == expected.records
    assert batch.relations == expected.relations
    # the worker's relations stay columns here, and are the models reading them here makes
    assert isinstance(batch.relations, RelationColumns) and not isinstance(expected.relations, RelationColumns)
    assert [r.model_fields_set for r in batch.relations] == [r.model_fields_set for r in expected.relations]
    assert batch.listings == expected.listings
    assert batch.quarantine == expected.quarantine
    assert batch.rows_read == expected.rows_read == 11
    # what the worker read and what this process read are both there, normalised the same way
    assert {q.field for q in batch.quarantine} >= {"imo", "entity_type"}
    assert [r.country for r in batch.records] == ["CN", "CN", "KP"]
    assert batch.records[1].date_of_birth == "1962-05"


@pytest.mark.parametrize("records_here", [True, False], ids=["records here", "records in the worker"])
def test_records_read_as_columns_are_the_models_read_in_order(inputs: list[Path], monkeypatch: pytest.MonkeyPatch,
                                                              records_here: bool) -> None:
    # a row longer than one field may be is validated by pydantic, not built: it is kept in its turn
    aliases = "|".join(f"Alias {i:05d}" for i in range(3_500))  # 42 KB, with a 30 KB date cell beside it
    inputs[0].write_text(RECORDS + f"reg,6,company,Long Co,{aliases},CN,,{' ' * 30_000}\n"
                         + "reg,7,company,Last Co,,CN,,\n", encoding="utf-8")
    if not records_here:  # the largest file is read here: the relations, now
        inputs[1].write_text(RELATIONS + "reg,2,1,director_of,\n" * 200, encoding="utf-8")
    expected = _in_order(inputs, monkeypatch)
    batch = _two_processes(inputs, monkeypatch, records_as_columns=True)
    assert isinstance(batch.records, RecordColumns) and isinstance(expected.records, list)
    assert batch.records == expected.records  # the alias list, the normalised fields, the order
    assert [r.model_fields_set for r in batch.records] == [r.model_fields_set for r in expected.records]
    assert batch.quarantine == expected.quarantine and batch.relations == expected.relations
    assert batch.rows_read == expected.rows_read
    assert [r.record_id for r in batch.records][-2:] == ["6", "7"] and len(batch.records[-2].aliases) == 3_500
    # read in one process, the records file gives columns too, the same
    in_order = _in_order(inputs, monkeypatch, records_as_columns=True)
    assert isinstance(in_order.records, RecordColumns) and in_order.records == expected.records
    assert in_order.quarantine == expected.quarantine


def test_the_first_unreadable_file_in_input_order_is_the_error(inputs: list[Path], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = tmp_path / "relations2.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # an .xlsx named .csv
    paths = [inputs[0], workbook, inputs[1], tmp_path / "missing.csv"]
    assert parallel.split_in_two([p.stat().st_size if p.exists() else 0 for p in paths])[1]  # some in the worker
    with pytest.raises(InputFileError) as in_order:
        _in_order(paths, monkeypatch)
    with pytest.raises(InputFileError) as two:
        _two_processes(paths, monkeypatch)
    assert str(two.value) == str(in_order.value)
    assert two.value.path == str(workbook)


def test_split_in_two_balances_bytes() -> None:
    assert parallel.split_in_two([105, 57, 3]) == ([0], [1, 2])
    assert parallel.split_in_two([10, 40, 30, 20]) == ([0, 1], [2, 3])  # 40 + 10 here, 30 + 20 there
    assert parallel.split_in_two([5]) == ([0], [])
    assert not parallel.worth_a_worker([parallel.PARALLEL_MIN_BYTES])  # one file
    assert parallel.worth_a_worker([parallel.PARALLEL_MIN_BYTES // 2] * 2)


def test_pack_then_unpack_gives_equal_models_that_share_their_field_sets() -> None:
    records = [Record(source="s", record_id=str(i), entity_type="company", name=f"Firm {i}", country="China",
                      aliases=["A", "B"], attributes={"x": "1"}) for i in range(3)]
    records.append(Record(source="s", record_id="9", entity_type="vessel", name="Ship", imo="IMO 8660313"))
    relations = [Relation(source="s", from_record_id="1", to_record_id="2", relation="owner_of", share_pct="50")]
    for models, model in ((records, Record), (relations, Relation)):
        back = parallel.unpack(parallel.pack(models, model), model)
        assert back == models
        assert [b.model_fields_set for b in back] == [m.model_fields_set for m in models]
    back = parallel.unpack(parallel.pack(records, Record), Record)
    assert back[0].__pydantic_fields_set__ is back[1].__pydantic_fields_set__
    assert back[0].__pydantic_fields_set__ is not back[3].__pydantic_fields_set__
    with pytest.raises(Exception):  # frozen, like a validated record
        back[0].name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("command", [
    [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"],  # dies
    [sys.executable, "-c", "import sys; sys.stdout.write('not a pickle')"],  # answers nonsense
    ["/nonexistent/python"],  # cannot start
])
def test_a_failing_worker_costs_time_only(inputs: list[Path], monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture, command: list[str]) -> None:
    expected = _in_order(inputs, monkeypatch)
    monkeypatch.setattr(parallel, "worker_command", lambda request, **_options: command)
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        batch = _two_processes(inputs, monkeypatch)
    assert (batch.records, batch.relations, batch.listings, batch.quarantine) == (
        expected.records, expected.relations, expected.listings, expected.quarantine)
    assert "reading" in caplog.text and "here instead" in caplog.text


def test_an_unreadable_first_input_stops_the_worker_at_once(inputs: list[Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = tmp_path / "big.csv"  # no column tells its kind: an error once read, not at detection
    workbook.write_text("colour,size\n" + "red,10\n" * 2_000, encoding="utf-8")  # the largest: read here
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recorded(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))  # type: ignore[call-overload]
        return started[-1]

    monkeypatch.setattr(parallel, "worker_command",
                        lambda request, **_options: [sys.executable, "-c", "import time; time.sleep(120)"])
    monkeypatch.setattr(worker_process.subprocess, "Popen", recorded)
    with pytest.raises(InputFileError) as error:
        _two_processes([workbook, *inputs], monkeypatch)
    assert error.value.path == str(workbook) and "cannot tell the kind of file" in error.value.reason
    (worker,) = started
    assert worker.returncode is not None and worker.returncode < 0  # killed, not waited for
