"""Records held as Arrow columns read back as the models they were made of."""

from __future__ import annotations

import pickle

import pyarrow as pa
import pytest
from pydantic import ValidationError

from resolution.entities import tables
from resolution.models import EntityType, Record
from resolution.sources.batch import KIND_RECORDS, InputBatch
from resolution.sources.record_columns import RECORD_COLUMNS, RecordColumns, RecordRows


def _read(rows: list[dict[str, str]]) -> list[Record]:
    """Records validated as a reader validates them (one shared fields set per set of columns)."""
    batch = InputBatch()
    for row in rows:
        assert batch.accept(KIND_RECORDS, row, file="records.csv", line=1)
    return list(batch.records)


FIRMS = [{"source": "reg", "record_id": str(i), "entity_type": "company", "name": f"Firm {i}", "country": "CN"}
         for i in range(3)]
MIXED = [
    {"source": "ofac", "record_id": "7", "entity_type": "vessel", "name": "CHON MA SAN", "imo": "8660313",
     "aliases": "CHONMASAN|JON MA SAN", "flag": "KP", "programs": "DPRK3", "remarks": "a,b\"c"},
    {"source": "reg", "record_id": "鸿祥", "entity_type": "person", "name": "马晓红", "date_of_birth": "1972-03",
     "nationality": "China"},
]


def test_the_models_come_back_equal_with_their_fields_sets_shared() -> None:
    models = _read(FIRMS) + _read(MIXED)
    columns = RecordColumns.from_models(models)
    back = list(columns)
    assert back == models and columns == models and models == columns
    assert [b.model_fields_set for b in back] == [m.model_fields_set for m in models]
    assert back[0].__pydantic_fields_set__ is back[2].__pydantic_fields_set__
    vessel, person = back[3], back[4]
    assert vessel.entity_type is EntityType.VESSEL and vessel.aliases == ["CHONMASAN", "JON MA SAN"]
    assert vessel.attributes == {"programs": "DPRK3", "remarks": 'a,b"c'} and vessel.imo == "8660313"
    assert person.entity_type is EntityType.PERSON and person.nationality == "CN" and person.key == "reg:鸿祥"
    assert back[0].aliases == [] and back[0].attributes == {}
    with pytest.raises(ValidationError, match="frozen"):  # like a validated record
        back[0].name = "other"  # type: ignore[misc]
    assert columns != models[:-1]


def test_positions_slices_keys_and_types() -> None:
    models = _read(MIXED) + _read(FIRMS)
    columns = RecordColumns.from_models(models)
    assert len(columns) == 5 and columns[-1] == models[-1] and columns[1:3] == models[1:3]
    with pytest.raises(IndexError):
        columns[5]
    assert columns.keys().to_pylist() == [m.key for m in models]
    assert columns.values("name") == [m.name for m in models]
    firms = columns.of_type(EntityType.COMPANY)
    assert isinstance(firms, RecordColumns) and list(firms) == models[2:]
    assert list(columns.of_type(EntityType.PERSON)) == [models[1]]
    assert list(columns.without([0, 2])) == [models[1], models[3], models[4]]


def test_the_entity_builders_table_is_the_one_made_from_the_models() -> None:
    models = _read(MIXED) + _read(FIRMS)
    table = tables.record_table(RecordColumns.from_models(models))
    assert table.equals(tables.record_table(models))
    assert table.column_names == [*RECORD_COLUMNS, "pos"]
    assert table.column("entity_type").to_pylist()[0] == "vessel"


def test_joined_parts_keep_each_parts_fields_sets() -> None:
    first, second = _read(FIRMS), _read(MIXED)
    joined = RecordColumns.joined([RecordColumns.from_models(first), second])
    assert list(joined) == first + second
    assert [r.model_fields_set for r in joined] == [r.model_fields_set for r in first + second]


def test_columns_cross_a_pickle_as_they_are() -> None:
    models = _read(MIXED)
    columns = RecordColumns.from_models(models)
    back = pickle.loads(pickle.dumps(columns, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, RecordColumns) and back == models
    assert back.table.equals(columns.table) and isinstance(back.table, pa.Table)


def test_rows_gathered_are_the_columns_of_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    from resolution.sources import record_columns

    monkeypatch.setattr(record_columns, "_CHUNK_ROWS", 2)  # rows become Arrow two at a time
    models = _read(FIRMS) + _read(MIXED)
    rows = RecordRows()
    for model in models:
        rows.add_model(model)
    assert len(rows) == 5
    gathered = rows.columns()
    assert gathered == models and gathered.table.equals(RecordColumns.from_models(models).table)
    assert [r.model_fields_set for r in gathered] == [m.model_fields_set for m in models]
    assert RecordRows().columns() == []
