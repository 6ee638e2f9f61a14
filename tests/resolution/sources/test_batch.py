import pytest

from resolution.models import Record
from resolution.sources.batch import (
    KIND_LISTINGS,
    KIND_RECORDS,
    KIND_RELATIONS,
    InputBatch,
)
from resolution.sources.record_columns import RecordColumns
from resolution.sources.relation_columns import RelationColumns


def _record(record_id: str, **extra: str) -> dict[str, str]:
    return {"source": "reg", "record_id": record_id, "entity_type": "company", "name": f"Firm {record_id}", **extra}


def test_rows_with_the_same_columns_share_one_fields_set() -> None:
    batch = InputBatch()
    for record_id in ("1", "2", "3"):
        assert batch.accept(KIND_RECORDS, _record(record_id, country="CN"), file="r.csv", line=1)
    batch.accept(KIND_RECORDS, _record("4"), file="r.csv", line=2)
    batch.accept(KIND_RELATIONS, {"source": "reg", "from_record_id": "1", "to_record_id": "2",
                                  "relation": "owner_of"}, file="rel.csv", line=1)
    batch.accept(KIND_RELATIONS, {"source": "reg", "from_record_id": "2", "to_record_id": "3",
                                  "relation": "owner_of"}, file="rel.csv", line=2)
    first, second, third, fourth = batch.records
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__ is third.__pydantic_fields_set__
    assert fourth.__pydantic_fields_set__ is not first.__pydantic_fields_set__
    assert batch.relations[0].__pydantic_fields_set__ is batch.relations[1].__pydantic_fields_set__
    # what pydantic answers from the set is unchanged
    assert fourth.model_fields_set == {"source", "record_id", "entity_type", "name", "attributes"}
    assert first.model_fields_set == fourth.model_fields_set | {"country"}
    assert fourth.model_dump(exclude_unset=True) == {**_record("4"), "attributes": {}}
    # a copy with changes gets a set of its own: the shared one is left as it was
    changed = first.model_copy(update={"address": "1 Road"})
    assert "address" in changed.model_fields_set and "address" not in second.model_fields_set
    assert isinstance(changed, Record)


def _relation(source: str, left: str, right: str) -> dict[str, str]:
    return {"source": source, "from_record_id": left, "to_record_id": right, "relation": "owner_of"}


@pytest.mark.parametrize(("as_columns", "records_as_columns"), [(False, False), (True, False), (True, True)],
                         ids=["models", "relation columns", "all columns"])
def test_finish_sets_aside_repeated_keys_and_what_names_unknown_records_in_input_order(
        as_columns: bool, records_as_columns: bool) -> None:
    batch = InputBatch()
    for record_id in ("1", "2", "1", "3", "2"):
        batch.accept(KIND_RECORDS, _record(record_id), file="r.csv", line=1)
    batch.accept(KIND_RECORDS, {**_record("1"), "source": "other"}, file="r.csv", line=2)  # another key
    for relation in (_relation("reg", "1", "2"), _relation("reg", "1", "9"), _relation("reg", "3", "3"),
                     _relation("other", "1", "2"), _relation("reg", "8", "9"), _relation("reg", "2", "3")):
        batch.accept(KIND_RELATIONS, relation, file="rel.csv", line=1)
    for source, record_id in (("reg", "3"), ("reg", "7"), ("other", "1")):
        batch.accept(KIND_LISTINGS, {"source": source, "record_id": record_id, "list_name": "SDN"},
                     file="l.csv", line=1)
    if as_columns:  # as a reading worker hands them over: checked by Arrow, with the same outcome
        batch.relations = RelationColumns.from_models(batch.relations)
    first = batch.records[0]
    batch.finish(records_as_columns=records_as_columns)
    assert isinstance(batch.relations, RelationColumns) == as_columns
    assert isinstance(batch.records, RecordColumns) == records_as_columns
    assert [r.key for r in batch.records] == ["reg:1", "reg:2", "reg:3", "other:1"]
    if records_as_columns:  # the first of a repeated key is kept
        assert batch.records[0] == first and batch.records[0].model_fields_set == first.model_fields_set
    else:
        assert batch.records[0] is first
    assert [(r.source, r.from_record_id, r.to_record_id) for r in batch.relations] == [
        ("reg", "1", "2"), ("reg", "2", "3")]
    assert [(l.source, l.record_id) for l in batch.listings] == [("reg", "3"), ("other", "1")]
    assert [(q.kind, q.source, q.record_id, q.field, q.reason.split(" (")[0]) for q in batch.quarantine] == [
        ("records", "reg", "1", "record_id", "duplicate record key"),
        ("records", "reg", "2", "record_id", "duplicate record key"),
        ("relations", "reg", "1->9", "to_record_id", "refers to a record that is not in the input"),
        ("relations", "reg", "3->3", "to_record_id", "relation from a record to itself"),
        ("relations", "other", "1->2", "to_record_id", "refers to a record that is not in the input"),
        ("relations", "reg", "8->9", "from_record_id", "refers to a record that is not in the input"),
        ("listings", "reg", "7", "record_id", "listing names a record that is not in the input"),
    ]


@pytest.mark.parametrize("as_columns", [False, True], ids=["models", "columns"])
def test_finish_of_a_clean_batch_keeps_everything(as_columns: bool) -> None:
    batch = InputBatch()
    for record_id in ("1", "2"):
        batch.accept(KIND_RECORDS, _record(record_id), file="r.csv", line=1)
    batch.accept(KIND_RELATIONS, _relation("reg", "1", "2"), file="rel.csv", line=1)
    records, relations = list(batch.records), list(batch.relations)
    if as_columns:
        batch.relations = RelationColumns.from_models(batch.relations)
        kept = batch.relations
    batch.finish()
    assert batch.records == records and batch.relations == relations and batch.quarantine == []
    if as_columns:
        assert batch.relations is kept  # nothing to drop: the same columns, not a copy


def test_a_row_a_validator_rejects_leaves_no_cycle_that_holds_the_batch() -> None:
    # a run pauses the cyclic collector (resolution.collector): a batch held by a cycle would keep
    # every record it read alive until the run ends
    import gc
    import weakref

    gc.collect()
    gc.disable()
    try:
        batch = InputBatch()
        assert not batch.accept(KIND_RECORDS, _record("1", entity_type="vessel", imo="IMO 9123450"),
                                file="r.csv", line=2)
        assert batch.quarantine[0].field == "imo" and "check digit" in batch.quarantine[0].reason
        held = weakref.ref(batch)
        del batch
        assert held() is None
    finally:
        gc.enable()
