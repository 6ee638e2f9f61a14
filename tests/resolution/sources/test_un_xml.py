from pathlib import Path

import pytest

from resolution.errors import InputFileError
from resolution.models import EntityType
from resolution.sources import InputBatch, detect_format, read_inputs
from resolution.sources import un_xml

FIXTURE = Path(__file__).parent / "fixtures" / "un_xml" / "consolidated.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>&lol3;</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>
"""


def row_start_line(reference: str, tag: str) -> int:
    """1-based line of the ``<tag>`` row that holds ``reference`` in the fixture."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if f">{reference}<" in line)
    while lines[index].strip() != f"<{tag}>":
        index -= 1
    return index + 1


@pytest.fixture(scope="module")
def batch() -> InputBatch:
    return read_inputs([FIXTURE])


def by_id(batch: InputBatch) -> dict[str, object]:
    return {record.record_id: record for record in batch.records}


def test_fixture_is_detected_as_un_xml() -> None:
    assert detect_format(FIXTURE) == "un-xml"


def test_every_row_is_a_record_or_a_quarantine_row(batch: InputBatch) -> None:
    assert batch.rows_read == 6
    assert sorted(r.record_id for r in batch.records) == ["KPe.901", "KPe.902", "KPe.904", "KPi.901", "KPi.902"]
    assert [q.record_id for q in batch.quarantine] == ["KPe.903"]
    assert {r.source for r in batch.records} == {"un-sc"}


def test_individual_with_original_script_dob_and_passport(batch: InputBatch) -> None:
    person = by_id(batch)["KPi.901"]
    assert person.entity_type is EntityType.PERSON
    assert person.name == "PAK CHOL MIN"
    assert person.aliases == ["박철민", "Pak Chol-min"]
    assert person.attributes["weak_aliases"] == "Uncle Pak"
    assert person.date_of_birth == "1975-01-15"
    assert person.id_number == "836420186"
    assert person.nationality == "KP"
    assert (person.country, person.address) == ("CN", "Dandong, Liaoning, China")
    assert person.attributes["place_of_birth"] == "Pyongyang, Democratic People's Republic of Korea"
    assert person.attributes["identifiers"] == "Passport: 836420186 (Democratic People's Republic of Korea)"
    assert person.attributes["un_dataid"] == "6990001"
    assert person.attributes["designation"] == "Koryo Example Trading Corporation representative"


def test_date_ranges_stay_attributes_and_approximate_years_are_used(batch: InputBatch) -> None:
    person = by_id(batch)["KPi.902"]
    assert person.date_of_birth == "1961"
    assert person.attributes["dates_of_birth"] == "between 1960 and 1962; 1961 (approximately)"
    assert person.attributes["not_normalised"] == "date_of_birth=between 1960 and 1962"
    assert person.aliases == [] and person.address is None  # empty alias / address elements


def test_company_with_aliases_and_addresses_stays_a_company(batch: InputBatch) -> None:
    company = by_id(batch)["KPe.901"]
    assert company.entity_type is EntityType.COMPANY
    assert company.name == "KORYO EXAMPLE TRADING CORPORATION"
    assert company.aliases == ["고려례시무역회사", "Korea Example Trading Corp.", "KETC",
                               "Songgang Example Trading Company"]
    assert company.attributes["weak_aliases"] == "Koryo Trading"
    assert company.attributes["former_names"] == "Songgang Example Trading Company"
    assert company.country == "KP"
    assert company.address == "Kyonghung-dong, Pyongyang, Democratic People's Republic of Korea"
    assert company.attributes["other_addresses"] == "No. 8 Binjiang Road, Dandong, Liaoning, China"
    assert company.attributes["address_notes"] == "Branch office"
    assert company.imo is None and company.attributes["imo_mentioned"] == "8804127"


def test_entity_with_imo_in_comments_is_a_vessel(batch: InputBatch) -> None:
    vessel = by_id(batch)["KPe.902"]
    assert vessel.entity_type is EntityType.VESSEL
    assert (vessel.name, vessel.imo, vessel.flag) == ("SONG HWA EXAMPLE", "8804127", "KP")
    assert vessel.aliases == ["SONG HWA"]
    assert vessel.attributes["recognised_as_vessel_by"] == "IMO number in COMMENTS1"
    short_marker = by_id(batch)["KPe.904"]
    assert (short_marker.entity_type, short_marker.imo, short_marker.flag) == (EntityType.VESSEL, "9358618", None)


def test_vessel_with_bad_imo_check_digit_is_quarantined(batch: InputBatch) -> None:
    (row,) = batch.quarantine
    assert (row.record_id, row.field) == ("KPe.903", "imo")
    assert "8804128" in row.reason and "check digit" in row.reason
    assert row.line == row_start_line("KPe.903", "ENTITY")


def test_listings_carry_program_and_listing_date(batch: InputBatch) -> None:
    listings = {l.record_id: l for l in batch.listings}
    assert sorted(listings) == ["KPe.901", "KPe.902", "KPe.904", "KPi.901", "KPi.902"]
    assert {l.list_name for l in batch.listings} == {"UN Security Council"}
    assert {l.program for l in batch.listings} == {"DPRK"}
    assert listings["KPi.901"].listed_on == "2016-03-02"
    assert listings["KPi.902"].listed_on == "2017-08-05"  # written 2017-08-05-04:00


@pytest.mark.parametrize(("name", "comments", "expected"), [
    ("RYE EXAMPLE 1 (IMO: 8804127)", None, ("8804127", "IMO number in the name")),
    ("HAE EXAMPLE 3", "IMO No. 9358618, crude oil tanker", ("9358618", "IMO number in COMMENTS1")),
    ("EXAMPLE SHIPPING CO., LTD", "IMO number: 9358618", (None, None)),
    ("EXAMPLE FLEET", "Operates IMO: 9358618 and IMO: 8804127", (None, None)),
    ("EXAMPLE FLEET", "No identifiers known", (None, None)),
])
def test_vessel_recognition_rules(name: str, comments: str | None, expected: tuple[str | None, str | None]) -> None:
    assert un_xml.vessel_imo(name, comments) == expected


def test_name_marker_is_cut_from_a_vessel_name(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text("<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>5</DATAID>"
                    "<FIRST_NAME>RYE EXAMPLE 1 (IMO: 8804127)</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
                    "</ENTITY></ENTITIES></CONSOLIDATED_LIST>", encoding="utf-8")
    batch = read_inputs([path])
    (vessel,) = batch.records
    assert (vessel.record_id, vessel.name, vessel.imo) == ("5", "RYE EXAMPLE 1", "8804127")
    assert vessel.attributes["listed_name"] == "RYE EXAMPLE 1 (IMO: 8804127)"


def test_row_without_any_id_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>NO ID</FIRST_NAME></INDIVIDUAL>\n"
                    "</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n", encoding="utf-8")
    batch = read_inputs([path])
    assert batch.records == []
    assert [(q.field, q.reason, q.line) for q in batch.quarantine] == [
        ("record_id", "INDIVIDUAL has neither REFERENCE_NUMBER nor DATAID", 3)]


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    batch = InputBatch()
    with pytest.raises(InputFileError, match="unreadable XML"):
        un_xml.read(path, batch)
    assert batch.records == [] and batch.rows_read == 0


def test_not_well_formed_file_raises_and_adds_nothing(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("</ENTITIES>", "</ENTITIESX>")
    path = tmp_path / "consolidated.xml"
    path.write_text(text, encoding="utf-8")
    batch = InputBatch()
    with pytest.raises(InputFileError, match="unreadable XML"):
        un_xml.read(path, batch)
    assert batch.records == [] and batch.quarantine == [] and batch.rows_read == 0


def test_wrong_root_raises(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text('<sdnList xmlns="http://tempuri.org/sdnList.xsd"/>', encoding="utf-8")
    with pytest.raises(InputFileError, match="expected XML root <CONSOLIDATED_LIST>"):
        un_xml.read(path, InputBatch())
