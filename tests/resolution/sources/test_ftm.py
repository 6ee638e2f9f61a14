import json
from pathlib import Path
from typing import Any

import pytest

from resolution.errors import InputFileError
from resolution.models import EntityType, RelationType
from resolution.sources import detect_format, read_inputs
from resolution.sources.batch import InputBatch
from resolution.sources.ftm import parse_percentage, read

FIXTURE = Path(__file__).parent / "fixtures" / "ftm" / "ofac_dprk.ftm.json"


def entity(entity_id: str, schema: str, datasets: list[str] | None = None, **props: list[str]) -> str:
    value: dict[str, Any] = {"id": entity_id, "schema": schema, "properties": props}
    if datasets is not None:
        value["datasets"] = datasets
    return json.dumps(value, ensure_ascii=False)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch() -> InputBatch:
    return read_inputs([FIXTURE])


def test_fixture_is_detected_as_ftm() -> None:
    assert detect_format(FIXTURE) == "ftm"


def test_companies_with_aliases_and_forward_address(batch: InputBatch) -> None:
    records = {r.record_id: r for r in batch.records}
    dandong = records["ofac-30001"]
    assert dandong.source == "us_ofac_sdn"
    assert dandong.entity_type is EntityType.COMPANY
    assert dandong.name == "Dandong Jinhe Trading Co., Ltd."
    assert dandong.aliases == ["丹东金禾贸易有限公司", "Dandong Jinhe Maoyi Youxian Gongsi"]
    assert dandong.country == "CN"
    assert dandong.registration_number == "210600000012345"
    assert dandong.incorporation_date == "2009-03-17"
    # the Address entity comes six lines later in the file
    assert dandong.address == "No. 18 Binjiang Middle Road, Zhenxing District, Dandong, Liaoning, China"
    assert dandong.attributes["legalForm"] == "Limited liability company"
    assert dandong.attributes["ftm_schema"] == "Company"
    assert "addressEntity" not in dandong.attributes

    pugang = records["ofac-30002"]
    assert pugang.country == "KP"
    assert pugang.aliases == ["Pugang Shipping Co.", "PUGANG"]
    assert pugang.address == "Sochang-dong, Chung-guyok, Pyongyang, North Korea"
    assert pugang.imo is None and pugang.attributes["imoNumber"] == "5678915"  # company IMO number


def test_persons_and_vessel(batch: InputBatch) -> None:
    records = {r.record_id: r for r in batch.records}
    wang = records["ofac-30003"]
    assert wang.entity_type is EntityType.PERSON
    assert (wang.name, wang.date_of_birth, wang.nationality) == ("WANG, Lihua", "1971-05", "CN")
    assert wang.id_number == "E12345678" and wang.attributes["passportNumber"] == "E12345678"
    ri = records["ofac-30004"]
    assert ri.name == "Chol Min RI"  # built from firstName / lastName
    assert ri.id_number == "745312289"
    assert ri.nationality == "KP" and ri.attributes["nationality"] == "kp|ru"
    assert ri.attributes["passportNumber"] == "927234567"
    vessel = records["ofac-30006"]
    assert vessel.entity_type is EntityType.VESSEL
    assert (vessel.imo, vessel.mmsi, vessel.call_sign, vessel.flag) == ("8606173", "445123000", "HMYD", "KP")
    assert vessel.aliases == ["SEA PEARL 3"]
    assert vessel.attributes["type"] == "Oil Tanker"
    assert sorted(records) == ["ofac-30001", "ofac-30002", "ofac-30003",
                               "ofac-30004", "ofac-30005", "ofac-30006"]


def test_relations(batch: InputBatch) -> None:
    relations = {(r.from_record_id, r.to_record_id): r for r in batch.relations}
    assert set(relations) == {("ofac-30003", "ofac-30001"), ("ofac-30002", "ofac-30006"),
                              ("ofac-30004", "ofac-30002"), ("ofac-30003", "ofac-30005")}
    shares = relations[("ofac-30003", "ofac-30001")]
    assert shares.relation is RelationType.SHAREHOLDER_OF  # ownershipType "Shareholder"
    assert shares.share_pct == 60.0 and shares.start_date == "2009-03-17"
    vessel_owner = relations[("ofac-30002", "ofac-30006")]
    assert vessel_owner.relation is RelationType.OWNER_OF and vessel_owner.start_date == "2016-04"
    assert relations[("ofac-30004", "ofac-30002")].relation is RelationType.DIRECTOR_OF
    assert relations[("ofac-30003", "ofac-30005")].relation is RelationType.FAMILY_OF
    assert {r.source for r in batch.relations} == {"us_ofac_sdn"}


def test_listings(batch: InputBatch) -> None:
    listings = {l.record_id: l for l in batch.listings}
    assert set(listings) == {"ofac-30001", "ofac-30004", "ofac-30006"}
    assert listings["ofac-30001"].list_name == "Office of Foreign Assets Control"
    assert listings["ofac-30001"].program == "Executive Order 13722 (North Korea)"
    assert listings["ofac-30001"].listed_on == "2016-09-26"
    assert listings["ofac-30004"].listed_on == "2017-06-01"  # "1 June 2017"
    # no authority: the dataset names the list, programId the program, startDate the date
    vessel = listings["ofac-30006"]
    assert (vessel.list_name, vessel.program, vessel.listed_on) == ("us_ofac_sdn", "US-DPRK4", "2018-02-23")


def test_quarantine_and_row_count(batch: InputBatch) -> None:
    quarantined = {(q.line, q.record_id, q.field): q for q in batch.quarantine}
    assert set(quarantined) == {(14, "ofac-30007", "schema"), (15, "?", "<row>")}
    assert "'Airplane'" in quarantined[(14, "ofac-30007", "schema")].reason
    assert quarantined[(15, "?", "<row>")].reason.startswith("invalid JSON")
    assert batch.rows_read == 16


def test_reading_twice_gives_the_same_output() -> None:
    first, second = read_inputs([FIXTURE]), read_inputs([FIXTURE])
    assert first.records == second.records
    assert first.relations == second.relations


def test_mixed_datasets_use_the_file_name_as_source(tmp_path: Path) -> None:
    path = write(tmp_path / "merged.ftm.json",
                 entity("NK-a", "Company", ["us_ofac_sdn", "eu_fsf"], name=["Alpha Co"]),
                 entity("NK-b", "Person", ["ru_egrul"], name=["Boris B"]),
                 entity("own-1", "Ownership", ["ru_egrul"], owner=["NK-b"], asset=["NK-a"]))
    batch = read_inputs([path])
    assert {r.source for r in batch.records} == {"merged"}
    assert batch.records[0].attributes["datasets"] == "us_ofac_sdn|eu_fsf"
    assert [(r.source, r.relation) for r in batch.relations] == [("merged", RelationType.OWNER_OF)]
    assert batch.quarantine == []


def test_no_datasets_use_the_file_name_as_source(tmp_path: Path) -> None:
    path = write(tmp_path / "Leak Data.jsonl", entity("x1", "LegalEntity", name=["Some Holder"]))
    batch = read_inputs([path])
    assert [(r.source, r.entity_type) for r in batch.records] == [("leak_data", EntityType.COMPANY)]


def test_link_roles_and_record_references(tmp_path: Path) -> None:
    path = write(tmp_path / "links.json",
                 entity("v1", "Vessel", ["ds"], name=["SHIP"], owner=["c1"], operator=["c2"]),
                 entity("c1", "Company", ["ds"], name=["Owner Co"]),
                 entity("c2", "Organization", ["ds"], name=["Operator Co"], parent=["c1"]),
                 entity("p1", "Person", ["ds"], name=["Pat"]),
                 entity("l1", "UnknownLink", ["ds"], subject=["c2"], object=["v1"], role=["ISM Manager"]),
                 entity("l2", "UnknownLink", ["ds"], subject=["p1"], object=["c2"],
                        role=["Managing Director"]),
                 entity("l3", "UnknownLink", ["ds"], subject=["p1"], object=["c1"]),
                 entity("l4", "Representation", ["ds"], agent=["p1"], client=["c1"], role=["agent"]),
                 entity("l5", "Employment", ["ds"], employee=["p1"], employer=["c2"]),
                 entity("l6", "Associate", ["ds"], person=["p1"], associate=["p1"]),
                 entity("l7", "Ownership", ["ds"], owner=["c1"], asset=["c2"], sharesCount=["1000"],
                        percentage=["25,5 %"]))
    batch = read_inputs([path])
    got = {(r.from_record_id, r.to_record_id, r.relation.value, r.share_pct) for r in batch.relations}
    assert got == {
        ("c1", "v1", "owner_of", None), ("c2", "v1", "operator_of", None),
        ("c1", "c2", "owner_of", None),  # Organization.parent
        ("c2", "v1", "manager_of", None), ("p1", "c2", "director_of", None),
        ("p1", "c1", "associate_of", None), ("p1", "c2", "associate_of", None),
        ("c1", "c2", "shareholder_of", 25.5),
    }
    vessel = next(r for r in batch.records if r.record_id == "v1")
    assert "owner" not in vessel.attributes and "operator" not in vessel.attributes
    assert [(q.record_id, q.reason) for q in batch.quarantine] == [("p1->p1", "relation from a record to itself")]


def test_bad_lines_are_quarantined_with_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    lines = [
        entity("ok", "Company", ["ds"], name=["Good Co"]),
        "[1, 2, 3]",
        json.dumps({"schema": "Person", "properties": {"name": ["No Id"]}}),
        json.dumps({"id": "s1", "properties": {"name": ["No Schema"]}}),
        json.dumps({"id": "s2", "schema": "Person", "properties": ["x"]}),
        "",
        entity("v9", "Vessel", ["ds"], name=["BAD IMO"], imoNumber=["8606174"]),
        entity("c9", "Company", ["ds"], alias=["Only An Alias"]),
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "\xff"}\n')
    batch = read_inputs([path])
    assert [r.record_id for r in batch.records] == ["ok"]
    got = {(q.line, q.record_id, q.field) for q in batch.quarantine}
    assert got == {(2, "?", "<row>"), (3, "?", "id"), (4, "s1", "schema"), (5, "s2", "properties"),
                   (7, "v9", "imo"), (8, "c9", "name"), (9, "?", "<row>")}
    reasons = {q.line: q.reason for q in batch.quarantine}
    assert "check digit" in reasons[7]
    assert "UTF-8" in reasons[9]
    assert batch.rows_read == 8  # the blank line is no row


def test_addresses_countries_and_missing_endpoints(tmp_path: Path) -> None:
    path = write(tmp_path / "misc.json",
                 entity("c1", "Company", ["ds"], name=["Kosovo Co"], country=["zz"],
                        address=["Main St 1, Pristina"], addressEntity=["a1", "a-missing"]),
                 entity("a1", "Address", ["ds"], street=["Rr. Nene Tereza 5"], city=["Pristina"],
                        postalCode=["10000"], country=["zz"]),
                 entity("a2", "Address", ["ds"], full=["Nowhere 1"]),
                 entity("o1", "Ownership", ["ds"], owner=["c1"], percentage=["25-50%"], asset=["c2"]),
                 entity("o2", "Ownership", ["ds"], owner=["c1"]),
                 entity("s1", "Sanction", ["ds"], authority=["EU"]))
    batch = read_inputs([path])
    (record,) = batch.records
    assert record.country is None and record.attributes["country"] == "zz"
    assert record.address == "Main St 1, Pristina"
    assert record.attributes["other_addresses"] == "Rr. Nene Tereza 5, 10000, Pristina, ZZ"
    assert record.attributes["addressEntity"] == "a-missing"
    got = {(q.record_id, q.field): q.reason for q in batch.quarantine}
    assert "no entity points at" in got[("a2", "addressEntity")]
    assert "not a number" in got[("c1->c2", "share_pct")]
    assert "refers to a record that is not in the input" in got[("c1->c2", "to_record_id")]
    assert got[("c1->?", "asset")] == "Ownership o2 has no asset"
    assert got[("s1", "entity")] == "Sanction s1 names no entity"
    assert batch.relations == [] and batch.listings == []


def test_parse_percentage() -> None:
    assert parse_percentage(["51"]) == 51.0
    assert parse_percentage(["n/a", "12.5%"]) == 12.5
    assert parse_percentage(["25-50%"]) is None


def test_unreadable_files_raise(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.json", "", "")
    with pytest.raises(InputFileError, match="empty"):
        read(empty, InputBatch())
    with pytest.raises(InputFileError, match="no such file"):
        read(tmp_path / "missing.json", InputBatch())
