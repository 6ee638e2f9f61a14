import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from resolution.errors import InputFileError
from resolution.models import EntityType, RelationType
from resolution.sources import read_inputs

HEADER = "source,record_id,entity_type,name,aliases,country,address,imo,date_of_birth,vessel_class\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_records_are_validated_and_normalised(tmp_path: Path) -> None:
    records = write(tmp_path / "r.csv", HEADER
                    + "reg,1,company,Dandong Co.,A|B| A ,\"Korea, North\",Addr,,,\n"
                    + "reg,2,vessel,CHON MA SAN,,,,IMO 9074729,,tanker\n")
    batch = read_inputs([records])
    assert batch.quarantine == []
    company, vessel = batch.records
    assert company.entity_type is EntityType.COMPANY and company.country == "KP"
    assert company.aliases == ["A", "B"]
    assert vessel.imo == "9074729"
    assert vessel.attributes == {"vessel_class": "tanker"}


def test_bad_rows_are_quarantined_with_field_and_reason(tmp_path: Path) -> None:
    records = write(tmp_path / "r.csv", HEADER
                    + "reg,1,vessel,BAD,,,,9074728,,\n"
                    + "reg,2,company,,,,,,,\n"
                    + "reg,3,person,P,,,,,1961-02-30,\n"
                    + "reg,4,spaceship,X,,,,,,\n"
                    + "reg,5,company,Good Co,,Atlantis,,,,\n"
                    + "reg,6,company,Fine Co,,CN,,,,\n"
                    + "reg,6,company,Duplicate Co,,CN,,,,\n")
    batch = read_inputs([records])
    assert [r.record_id for r in batch.records] == ["6"]
    reasons = {(q.record_id, q.field): q.reason for q in batch.quarantine}
    assert "check digit" in reasons[("1", "imo")]
    assert reasons[("2", "name")] == "is empty"
    assert "impossible date" in reasons[("3", "date_of_birth")]
    assert ("4", "entity_type") in reasons
    assert "unknown country" in reasons[("5", "country")]
    assert "duplicate" in reasons[("6", "record_id")]
    assert all(q.source == "reg" for q in batch.quarantine)


def test_relations_and_listings_need_known_records(tmp_path: Path) -> None:
    records = write(tmp_path / "r.csv", HEADER + "reg,1,company,A Co,,,,,,\nreg,2,company,B Co,,,,,,\n")
    relations = write(tmp_path / "rel.csv", "source,from_record_id,to_record_id,relation,share_pct\n"
                      "reg,1,2,shareholder_of,51\nreg,1,9,owner_of,\nreg,1,2,loves,\n")
    listings = write(tmp_path / "l.csv", "source,record_id,list_name,program,listed_on\n"
                     "reg,1,OFAC SDN,DPRK,12 May 2016\nreg,7,OFAC SDN,DPRK,\n")
    batch = read_inputs([records, relations, listings])
    assert [(r.relation, r.share_pct) for r in batch.relations] == [(RelationType.SHAREHOLDER_OF, 51.0)]
    assert [(lst.record_id, lst.listed_on) for lst in batch.listings] == [("1", "2016-05-12")]
    fields = sorted((q.kind, q.field) for q in batch.quarantine)
    assert fields == [("listings", "record_id"), ("relations", "relation"), ("relations", "to_record_id")]


def test_jsonl_and_parquet(tmp_path: Path) -> None:
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text(
        json.dumps({"source": "s", "record_id": "1", "entity_type": "person", "name": "Ma Xiaohong",
                    "aliases": ["马晓红"], "date_of_birth": "1962"}) + "\n{not json\n",
        encoding="utf-8",
    )
    parquet = tmp_path / "r.parquet"
    pq.write_table(pa.table({"source": ["p"], "record_id": [7], "entity_type": ["company"], "name": ["X Co"]}), parquet)
    batch = read_inputs([jsonl, parquet])
    assert [r.key for r in batch.records] == ["s:1", "p:7"]
    assert batch.records[0].aliases == ["马晓红"] and batch.records[0].date_of_birth == "1962"
    assert len(batch.quarantine) == 1 and "invalid JSON" in batch.quarantine[0].reason


def test_wrong_encoding_is_quarantined_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(HEADER.encode() + b"reg,1,company,Caf\xe9 Co,,,,,,\nreg,2,company,Good Co,,,,,,\n")
    batch = read_inputs([path])
    assert [r.record_id for r in batch.records] == ["2"]
    assert batch.quarantine[0].field == "name" and "UTF-8" in batch.quarantine[0].reason


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("x.xlsx", "", "unknown file format"), ("x.csv", "", "empty CSV"), ("x.csv", "a,b\n1,2\n", "cannot tell the kind")],
)
def test_unreadable_files_raise_clear_errors(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(InputFileError, match=message):
        read_inputs([path])


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_inputs([tmp_path / "absent.csv"])
