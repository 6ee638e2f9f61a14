"""An identifier's agreement weighs by how common the value is among the records that carry one."""

import math
from pathlib import Path

import duckdb
import pytest
from splink import DuckDBAPI

from resolution.link import company
from resolution.link.engine import arrow_table, prepare_linker
from resolution.link.features import features
from resolution.models import Record

PLACEHOLDER = "00000000"


def test_a_registration_number_many_records_share_weighs_less_than_a_unique_one(tmp_path: Path) -> None:
    """Registries write placeholders and group registrations: a number 40 firms carry says far
    less than one only a single firm carries. Untrained (random pairs never share a number), the
    agreement weighed Splink's default for both."""
    records = [Record(source="registry", record_id=f"p{i}", entity_type="company", name=f"Placeholder Firm {i} Trading",
                      registration_number=PLACEHOLDER) for i in range(40)]
    records += [Record(source="registry", record_id=f"u{i}", entity_type="company", name=f"Unique Firm {i} Shipping",
                       registration_number=f"9144{i:06d}") for i in range(400)]
    rows = [features(r) for r in records]
    spec = company.spec()
    db_api = DuckDBAPI(connection=duckdb.connect())
    prepared = prepare_linker(db_api, spec, rows, name="company", settings=None)
    queries = [features(Record(source="query", record_id=number, entity_type="company", name="Another Name Entirely",
                               registration_number=number)) for number in (PLACEHOLDER, "9144000007")]
    table = db_api.register(arrow_table(spec, queries), table_name="queries")
    scored = prepared.linker.inference.predict_between(prepared.records, table, threshold_match_probability=0)

    weight = {pair["unique_id_r"]: pair["mw_registration_number"] + (pair.get("mw_tf_adj_registration_number") or 0.0)
              for pair in scored.as_record_list() if pair["mw_registration_number"] is not None
              and pair["registration_number_l"] == pair["registration_number_r"]}
    unique, shared = weight["query:9144000007"], weight[f"query:{PLACEHOLDER}"]
    # m over the number's frequency among the 440 records that carry one
    assert unique == pytest.approx(math.log2(0.95 * 440), abs=0.01)
    assert unique - shared == pytest.approx(math.log2(40), abs=0.01)
