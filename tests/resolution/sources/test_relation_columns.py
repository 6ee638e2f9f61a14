"""Relations held as Arrow columns read back as the models they were made of."""

from __future__ import annotations

import pickle

import pyarrow as pa
import pytest
from pydantic import ValidationError

from resolution.entities import tables
from resolution.models import Relation, RelationType, record_key
from resolution.sources.batch import KIND_RELATIONS, InputBatch
from resolution.sources.model_columns import record_keys
from resolution.sources.relation_columns import RELATION_COLUMNS, RelationColumns


def _read(rows: list[dict[str, str]]) -> list[Relation]:
    """Relations validated as a reader validates them (one shared fields set per set of columns)."""
    batch = InputBatch()
    for row in rows:
        assert batch.accept(KIND_RELATIONS, row, file="rel.csv", line=1)
    return list(batch.relations)


PLAIN = [{"source": "reg", "from_record_id": str(i), "to_record_id": str(i + 1), "relation": "owner_of"}
         for i in range(3)]
FULL = [{"source": "customs", "from_record_id": "a,1", "to_record_id": "b\"2", "relation": "traded_with",
         "start_date": "2016", "end_date": "2017-03-01", "share_pct": "", "value_usd": "1250.5",
         "hs_code": "8703", "shipments": "4"},
        {"source": "reg", "from_record_id": "鸿祥", "to_record_id": "9", "relation": "shareholder_of",
         "share_pct": "12.5"}]


def test_the_models_come_back_equal_with_their_fields_sets_shared() -> None:
    models = _read(PLAIN) + _read(FULL)
    columns = RelationColumns.from_models(models)
    back = list(columns)
    assert back == models and columns == models and models == columns
    assert [b.model_fields_set for b in back] == [m.model_fields_set for m in models]
    assert back[0].model_fields_set != back[3].model_fields_set
    assert back[0].__pydantic_fields_set__ is back[2].__pydantic_fields_set__
    assert back[3].relation is RelationType.TRADED_WITH and back[3].shipments == 4 and back[3].share_pct is None
    assert back[4].share_pct == 12.5 and back[3].start_date == "2016" and back[3].to_record_id == 'b"2'
    with pytest.raises(ValidationError, match="frozen"):  # like a validated relation
        back[0].source = "other"  # type: ignore[misc]
    assert columns != models[:-1] and columns != [*models[:-1], models[0]]


def test_positions_and_slices_as_a_list_has_them() -> None:
    models = _read(PLAIN) + _read(FULL)
    columns = RelationColumns.from_models(models)
    assert len(columns) == 5
    assert columns[0] == models[0] and columns[-1] == models[-1] and columns[3] == models[3]
    assert columns[1:4] == models[1:4] and columns[::-2] == models[::-2]
    with pytest.raises(IndexError):
        columns[5]
    with pytest.raises(IndexError):
        columns[-6]


def test_the_entity_builders_table_is_the_one_made_from_the_models() -> None:
    models = _read(FULL) + _read(PLAIN)
    columns = RelationColumns.from_models(models)
    table = tables.relation_table(columns)
    assert table.equals(tables.relation_table(models))
    assert table.column_names == list(RELATION_COLUMNS)
    assert table.column("relation").to_pylist()[0] == "traded_with"


def test_joined_parts_are_the_parts_one_after_another() -> None:
    first, second, third = _read(PLAIN), _read(FULL), _read(PLAIN[:1])
    joined = RelationColumns.joined([RelationColumns.from_models(first), second,
                                     RelationColumns.from_models(third)])
    assert list(joined) == first + second + third
    # each part's rows keep the fields set of their own part
    assert [r.model_fields_set for r in joined] == [r.model_fields_set for r in first + second + third]
    assert list(RelationColumns.joined([])) == []


def test_joined_batches_keep_worker_columns_as_columns() -> None:
    parts = [InputBatch(relations=RelationColumns.from_models(_read(PLAIN))), InputBatch(relations=_read(FULL))]
    batch = InputBatch.joined(parts)
    assert isinstance(batch.relations, RelationColumns)
    assert list(batch.relations) == _read(PLAIN) + _read(FULL)
    lists = InputBatch.joined([InputBatch(relations=_read(PLAIN)), InputBatch(relations=_read(FULL))])
    assert isinstance(lists.relations, list) and lists.relations == _read(PLAIN) + _read(FULL)


def test_faults_are_the_relations_naming_unknown_records_or_their_own_record() -> None:
    rows = [{**PLAIN[0]}, {**PLAIN[0], "to_record_id": "7"}, {**PLAIN[0], "from_record_id": "7"},
            {**PLAIN[0], "to_record_id": "0"}, {**PLAIN[1], "source": "other"}, {**PLAIN[1]}]
    columns = RelationColumns.from_models(_read(rows))
    known = pa.array(["reg:0", "reg:1", "reg:2", "reg:1"], pa.string())  # repeated keys are allowed
    assert columns.faults(known) == [1, 2, 3, 4]
    kept = columns.without([1, 2, 3, 4])
    assert list(kept) == [columns[0], columns[5]]
    assert columns.without([]) is columns


def test_record_keys_are_record_key_a_column_at_a_time() -> None:
    sources, ids = ["reg", "a:b", "鸿祥"], ["1", "x:y", ""]
    assert record_keys(pa.array(sources), pa.array(ids)).to_pylist() == list(map(record_key, sources, ids))


def test_columns_cross_a_pickle_as_they_are() -> None:
    models = _read(FULL)
    columns = RelationColumns.from_models(models)
    back = pickle.loads(pickle.dumps(columns, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, RelationColumns) and back == models
    assert back.table.equals(columns.table)
