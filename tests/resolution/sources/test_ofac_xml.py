from pathlib import Path

import pytest

from resolution.errors import InputFileError
from resolution.models import EntityType
from resolution.sources import InputBatch, detect_format, read_inputs
from resolution.sources import ofac_xml, xmlstream

FIXTURE = Path(__file__).parent / "fixtures" / "ofac_xml" / "sdn.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE sdnList [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sdnList><sdnEntry><uid>1</uid><lastName>&lol3;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>
"""


def entry_start_line(uid: str) -> int:
    """1-based line of the ``<sdnEntry>`` that holds ``<uid>uid</uid>`` in the fixture."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == f"<uid>{uid}</uid>")
    while lines[index].strip() != "<sdnEntry>":
        index -= 1
    return index + 1


@pytest.fixture(scope="module")
def batch() -> InputBatch:
    return read_inputs([FIXTURE])


def by_id(batch: InputBatch) -> dict[str, object]:
    return {record.record_id: record for record in batch.records}


def test_fixture_is_detected_as_ofac_xml() -> None:
    assert detect_format(FIXTURE) == "ofac-xml"


def test_every_entry_is_a_record_or_a_quarantine_row(batch: InputBatch) -> None:
    assert batch.rows_read == 7
    assert sorted(r.record_id for r in batch.records) == ["90001", "90002", "90003", "90006", "90007"]
    assert sorted(q.record_id for q in batch.quarantine) == ["90004", "90005"]
    assert {r.source for r in batch.records} == {"ofac-sdn"}


def test_company_with_aliases_address_and_registration(batch: InputBatch) -> None:
    company = by_id(batch)["90001"]
    assert company.entity_type is EntityType.COMPANY
    assert company.name == "KORYO EXAMPLE TRADING CORPORATION"
    assert company.aliases == ["KOREA EXAMPLE TRADING CORP.", "SONGGANG EXAMPLE TRADING COMPANY"]
    assert company.attributes["weak_aliases"] == "KETC"
    assert company.attributes["former_names"] == "SONGGANG EXAMPLE TRADING COMPANY"
    assert company.country == "KP"
    assert company.address == "Kyonghung-dong, Pyongyang, Korea, North"
    assert company.attributes["other_addresses"] == "No. 8 Binjiang Road, Dandong, Liaoning, 118000, China"
    assert company.registration_number == "RK20160042"
    assert company.incorporation_date == "2009-01-12"
    assert "Registration ID: RK-2016/0042 (Korea, North)" in company.attributes["identifiers"]
    assert company.attributes["remarks"].startswith("Secondary sanctions risk:")


def test_individual_with_dob_passport_and_nationality(batch: InputBatch) -> None:
    person = by_id(batch)["90002"]
    assert person.entity_type is EntityType.PERSON
    assert person.name == "Chol Min PAK"
    assert person.aliases == ["PAK, Chol Min", "Chol-min PAK", "PAK, Chol-min"]
    assert person.date_of_birth == "1975-01-15"  # the mainEntry one, although listed second
    assert person.attributes["dates_of_birth"] == "15 Jan 1975; 1976"
    assert person.id_number == "836420186"
    assert person.nationality == "KP"
    assert person.country == "CN"
    assert person.attributes["place_of_birth"] == "Pyongyang, North Korea"
    assert person.attributes["gender"] == "Male"
    assert person.attributes["title"] == "Representative of Koryo Example Trading Corporation"


def test_vessel_identifiers_and_vessel_info(batch: InputBatch) -> None:
    vessel = by_id(batch)["90003"]
    assert vessel.entity_type is EntityType.VESSEL
    assert (vessel.name, vessel.imo, vessel.mmsi, vessel.call_sign, vessel.flag) == (
        "SONG HWA EXAMPLE", "9123453", "445123000", "HMEX9", "KP")
    assert vessel.attributes["vessel_type"] == "General Cargo"
    assert vessel.attributes["vessel_owner"] == "Koryo Example Trading Corporation"
    assert vessel.attributes["gross_registered_tonnage"] == "1865"
    no_imo = by_id(batch)["90007"]
    assert (no_imo.imo, no_imo.call_sign, no_imo.flag) == (None, "CL2192", "CU")
    assert "flag_as_written" not in vessel.attributes


def test_bad_imo_check_digit_and_aircraft_are_quarantined(batch: InputBatch) -> None:
    reasons = {(q.record_id, q.field): q for q in batch.quarantine}
    bad_imo = reasons[("90004", "imo")]
    assert "check digit" in bad_imo.reason
    assert bad_imo.line == entry_start_line("90004")
    assert bad_imo.file == str(FIXTURE)
    aircraft = reasons[("90005", "sdnType")]
    assert "Aircraft" in aircraft.reason and "only company" in aircraft.reason
    assert aircraft.line == entry_start_line("90005")


def test_one_listing_per_program_for_accepted_records_only(batch: InputBatch) -> None:
    listings = sorted((l.record_id, l.program) for l in batch.listings)
    assert listings == [("90001", "DPRK3"), ("90001", "DPRK4"), ("90002", "DPRK3"),
                        ("90003", "DPRK4"), ("90006", "DPRK2"), ("90007", "CUBA")]
    assert {l.list_name for l in batch.listings} == {"OFAC SDN"}
    assert all(l.listed_on is None for l in batch.listings)


def test_unreadable_date_range_blanks_the_field_but_keeps_the_person(batch: InputBatch) -> None:
    person = by_id(batch)["90006"]
    assert person.date_of_birth is None
    assert person.attributes["not_normalised"] == "date_of_birth=1960 to 1962"


def test_pick_country_takes_the_first_readable_value() -> None:
    assert xmlstream.pick_country(["Atlantis", None, "Korea, North", "China"]) == ("KP", ["Atlantis"])
    assert xmlstream.pick_country(["Atlantis"]) == (None, ["Atlantis"])


def test_sls_namespace_is_read_too(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "http://tempuri.org/sdnList.xsd",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML")
    path = tmp_path / "SDN.XML"
    path.write_text(text, encoding="utf-8")
    batch = read_inputs([path])
    assert sorted(r.record_id for r in batch.records) == ["90001", "90002", "90003", "90006", "90007"]


def test_entries_are_cleared_while_streaming() -> None:
    seen = list(xmlstream.stream_entries(FIXTURE, "sdnList", frozenset({"sdnEntry"})))
    assert len(seen) == 7
    assert all(len(element) == 0 for element, _ in seen)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    batch = InputBatch()
    with pytest.raises(InputFileError, match="unreadable XML"):
        ofac_xml.read(path, batch)
    with pytest.raises(InputFileError):
        read_inputs([path])
    assert batch.records == [] and batch.rows_read == 0


def test_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE sdnList>\n<sdnList></sdnList>\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="DTD"):
        ofac_xml.read(path, InputBatch())


def test_truncated_file_raises_and_adds_nothing(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "sdn.xml"
    path.write_text(text[: text.index("<uid>90006</uid>")], encoding="utf-8")
    batch = InputBatch()
    with pytest.raises(InputFileError, match="unreadable XML"):
        ofac_xml.read(path, batch)
    assert batch.records == [] and batch.quarantine == [] and batch.rows_read == 0


def test_wrong_root_raises(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", encoding="utf-8")
    with pytest.raises(InputFileError, match="expected XML root <sdnList>"):
        ofac_xml.read(path, InputBatch())


def test_entry_without_uid_or_type_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text("<sdnList>\n<sdnEntry><lastName>NO UID</lastName><sdnType>Entity</sdnType></sdnEntry>\n"
                    "<sdnEntry><uid>7</uid><lastName>NO TYPE</lastName></sdnEntry>\n</sdnList>\n",
                    encoding="utf-8")
    batch = read_inputs([path])
    assert batch.records == [] and batch.listings == []
    assert [(q.record_id, q.field, q.reason, q.line) for q in batch.quarantine] == [
        ("?", "record_id", "sdnEntry has no uid", 2),
        ("7", "sdnType", "sdnType is missing", 3),
    ]


def test_flag_naming_no_country_is_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text("<sdnList><sdnEntry><uid>8</uid><lastName>NO FLAG</lastName><sdnType>Vessel</sdnType>"
                    "<vesselInfo><vesselFlag>None Identified</vesselFlag></vesselInfo></sdnEntry></sdnList>",
                    encoding="utf-8")
    (vessel,) = read_inputs([path]).records
    assert vessel.flag is None
    assert vessel.attributes["flag_as_written"] == "None Identified"
    assert "not_normalised" not in vessel.attributes
