"""The feature table a full run builds a column at a time is the table of per-record rows."""

from __future__ import annotations

import pytest

import resolution.link.features as features_module
import resolution.link.name_worker as name_worker
from resolution.link.engine import SPECS, arrow_table, record_table
from resolution.link.features import features
from resolution.models import EntityType, Record
from resolution.sources.record_columns import RecordColumns


def _records() -> list[Record]:
    def rec(i: int, entity_type: str, name: str, **fields: object) -> Record:
        return Record(source="s" if i % 2 else "t", record_id=str(i), entity_type=entity_type, name=name, **fields)

    return [
        rec(1, "company", "Dandong Hongxiang Industrial Development Co., Ltd.", country="CN",
            address="No. 229 Huanghai Road, Dandong", registration_number="91210600X"),
        rec(2, "company", "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD", country="China",
            address="No. 229 Huanghai Road, Dandong"),
        rec(3, "company", "丹东鸿祥实业发展有限公司", aliases="Hongxiang Trading|鸿祥贸易"),
        rec(4, "company", "丹东鸿祥实业发展有限公司"),  # the same name without the aliases
        rec(5, "company", "Dandong Hongxiang Industrial Development Co., Ltd.", address="No. 217 Huanghai Road"),
        rec(6, "company", "AB", address="   "),  # too short for typo keys, a blank address
        rec(7, "person", "Wu Minghua", date_of_birth="1962-05", nationality="KP", id_number="745120011"),
        rec(8, "person", "吴明华", aliases=["Wu Ming Hua"], date_of_birth="1962-05-01"),
        rec(9, "person", "Wu Minghua"),
        rec(10, "vessel", "Chon Ma San", imo="IMO 8660313", call_sign="hmyx7", flag="Korea, North"),
        rec(11, "vessel", "CHON MA SAN", mmsi="445123000"),
        rec(12, "vessel", "Kum Un San 3", call_sign="HMYX7"),
    ]


@pytest.mark.parametrize("entity_type", list(EntityType))
@pytest.mark.parametrize("with_typo_keys", [True, False])
@pytest.mark.parametrize("as_columns", [False, True], ids=["models", "columns"])
def test_record_table_is_the_table_of_the_feature_rows(entity_type: EntityType, with_typo_keys: bool,
                                                       as_columns: bool) -> None:
    records = [r for r in _records() if r.entity_type is entity_type]
    spec = SPECS[entity_type.value]()
    expected = arrow_table(spec, [features(r, with_typo_keys=with_typo_keys) for r in records])
    given = RecordColumns.from_models(_records()).of_type(entity_type) if as_columns else records
    table = record_table(spec, given, entity_type, with_typo_keys=with_typo_keys)
    assert table.schema == expected.schema
    assert table.to_pylist() == expected.to_pylist()
    assert table.column("unique_id").to_pylist() == [r.key for r in records]  # records keep their order


def test_record_table_computes_each_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | tuple[str, ...]] = []
    name_features = features_module.name_features  # called by the name worker's module, here or in a worker

    def counted(names: str | tuple[str, ...], *args: object, **kwargs: object) -> dict[str, object]:
        calls.append(names)
        return name_features(names, *args, **kwargs)

    monkeypatch.setattr(name_worker, "name_features", counted)
    companies = [r for r in _records() if r.entity_type is EntityType.COMPANY]
    table = record_table(SPECS["company"](), companies, EntityType.COMPANY)
    # records 1 and 5 share name and (no) aliases; 3 and 4 share a name but not the aliases
    assert len(calls) == len(companies) - 1
    assert len(set(calls)) == len(calls)
    std = table.column("name_std").to_pylist()
    assert std[0] == std[4] and std[2] == std[3]
    assert table.column("name_keys").to_pylist()[2] != table.column("name_keys").to_pylist()[3]


def test_record_table_of_no_records() -> None:
    table = record_table(SPECS["vessel"](), [], EntityType.VESSEL)
    assert table.num_rows == 0
    assert table.schema == arrow_table(SPECS["vessel"](), []).schema
