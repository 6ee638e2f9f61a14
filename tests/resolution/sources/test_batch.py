from resolution.models import Record
from resolution.sources.batch import KIND_RECORDS, KIND_RELATIONS, InputBatch


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
