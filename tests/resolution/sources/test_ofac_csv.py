"""The OFAC SDN legacy CSV reader, on rows copied from the real list and on the real sample."""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from resolution.errors import InputFileError
from resolution.models import Record
from resolution.settings import PROJECT_ROOT
from resolution.sources import ofac_csv
from resolution.sources.batch import InputBatch
from resolution.sources.formats import detect_format, read_inputs
from resolution.standardise.identifiers import imo_check_digit_ok

FIXTURE = Path(__file__).parent / "fixtures" / "ofac_csv"
def _real_sample() -> Path:
    """The shared real OFAC half-list: ``TRACEGRAPH_OFAC_SAMPLE``, else ``../shared/data/...`` beside
    the project, else the workspace's ``/work/shared/data/...`` (it is not vendored in the repo)."""
    candidates = [os.environ.get("TRACEGRAPH_OFAC_SAMPLE", ""),
                  str(PROJECT_ROOT.parent / "shared" / "data" / "ofac-sdn-sample"),
                  "/work/shared/data/ofac-sdn-sample"]
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), Path(candidates[-1]))


REAL_SAMPLE = _real_sample()


def _read(folder: Path) -> InputBatch:
    batch = InputBatch()
    ofac_csv.read(folder, batch)
    batch.finish()
    return batch


@pytest.fixture(scope="module")
def batch() -> InputBatch:
    return _read(FIXTURE)


@pytest.fixture(scope="module")
def records(batch: InputBatch) -> dict[str, Record]:
    return {record.record_id: record for record in batch.records}


def test_company_with_aliases_and_addresses(records: dict[str, Record]) -> None:
    bank = records["306"]
    assert bank.source == "ofac-sdn"
    assert bank.entity_type == "company"
    assert bank.name == "BANCO NACIONAL DE CUBA"
    assert bank.aliases == ["NATIONAL BANK OF CUBA", "BNC"]  # alt.csv, then a.k.a. of the remarks
    assert bank.address == "Zweierstrasse 35, Zurich CH-8022"
    assert bank.country == "CH"
    assert bank.attributes["other_addresses"].split(" | ") == [
        "Avenida de Concha Espina 8, Madrid E-28036, Spain",
        "Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku, Tokyo 103, Japan",
        "Federico Boyd Avenue & 51 Street, Panama City, Panama",
    ]


def test_individual_name_is_reordered_and_remarks_are_mapped(records: dict[str, Record]) -> None:
    person = records["11786"]
    assert person.entity_type == "person"
    assert person.name == "Rostam QASEMI"
    assert person.aliases[0] == "QASEMI, Rostam"  # the name as OFAC writes it
    assert {"Rostam GHASEMI", "GHASEMI, Rostam", "ROSTAM GHASEMI MOHAMMADALI"} <= set(person.aliases)
    assert person.date_of_birth == "1964-05-22"
    assert person.nationality == "IR"
    assert person.id_number == "A2463775"
    assert person.country == "IR"  # add.csv row with a country only
    assert person.address is None
    assert person.attributes["place_of_birth"] == "Lamerd, Iran"
    assert person.attributes["gender"] == "Male"
    assert person.attributes["identifiers"] == "Passport A2463775 (Iran); National ID No. 6579726970 (Iran)"
    # neither linked entry is in this sdn.csv: the names are kept
    assert person.attributes["linked_to"] == "SOLEIMANI, Qasem; ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"


def test_dob_range_over_two_years_gives_no_date_but_keeps_the_text(records: dict[str, Record]) -> None:
    person = records["15496"]
    assert person.name == "Shigeo NISHIGUCHI"
    assert person.date_of_birth is None
    assert person.attributes["dates_of_birth"] == "1929 to 1930"


def test_address_country_name_becomes_iso_code(records: dict[str, Record]) -> None:
    company = records["12550"]
    assert company.country == "TR"  # OFAC writes "Turkey"; pycountry alone says "Türkiye"
    assert company.address == "Sehidler Caddesi No: 79/2 Tuzla, Istanbul 34940"
    assert company.registration_number == "537070"  # Istanbul Chamber of Comm. No.
    assert company.aliases == ["MACPAR MAKINA", "MAKPA"]


def test_dprk_vessel_with_imo_and_linked_company(batch: InputBatch, records: dict[str, Record]) -> None:
    vessel = records["19570"]
    assert vessel.entity_type == "vessel"
    assert vessel.name == "EVER BRIGHT 88"
    assert vessel.imo == "8914934"
    assert vessel.flag == "SL"
    assert "linked_to" not in vessel.attributes
    links = [(r.from_record_id, r.to_record_id, r.relation.value) for r in batch.relations]
    assert links == [("19570", "17068", "associate_of")]
    owner = records["17068"]
    assert owner.country == "KP"
    assert owner.attributes["identifiers"] == "Identification Number IMO 1790183"
    assert owner.imo is None


def test_tanker_columns_and_remarks(records: dict[str, Record]) -> None:
    tanker = records["15036"]
    assert (tanker.imo, tanker.mmsi, tanker.call_sign, tanker.flag) == ("9187629", "572469210", "T2EU4", "IR")
    assert tanker.aliases == ["ABADAN", "SHONA", "ALPHA"]
    assert tanker.attributes["former_names"] == "ABADAN; SHONA; ALPHA"
    assert tanker.attributes["vessel_type"] == "Crude/Oil Products Tanker"
    assert tanker.attributes["tonnage"] == "99,144"
    assert tanker.attributes["gross_registered_tonnage"] == "56,068"
    assert tanker.attributes["former_flags"] == "Malta; Tuvalu; None Identified; Tanzania"


def test_one_listing_per_program(batch: InputBatch) -> None:
    programs = sorted(listing.program for listing in batch.listings if listing.record_id == "11786")
    assert programs == ["IFSR", "IRGC", "NPWMD", "SDGT"]
    assert {listing.list_name for listing in batch.listings} == {"OFAC SDN"}
    assert len(batch.listings) == 11  # 306:1 11786:4 12550:2 15496:1 17068:1 19570:1 15036:1


def test_quarantine_rows_name_field_reason_and_line(batch: InputBatch) -> None:
    rows = {(q.record_id, q.field): q for q in batch.quarantine}
    assert set(rows) == {("15432", "SDN_Type"), ("4238", "<row>"), ("23424", "imo"), ("36", "ent_num")}
    assert "aircraft are not resolved" in rows["15432", "SDN_Type"].reason
    broken = rows["4238", "<row>"]
    assert (broken.line, broken.reason) == (5, "row has 7 cells, expected 12 (sdn.csv)")
    assert rows["23424", "imo"].reason == "IMO number '15411' is not 7 digits"
    orphan = rows["36", "ent_num"]
    assert (Path(orphan.file).name, orphan.line) == ("alt.csv", 8)
    assert batch.rows_read == 10 + 24 + 10  # sdn + add + alt lines


def test_every_sdn_row_is_a_record_or_a_quarantine_row(batch: InputBatch) -> None:
    with (FIXTURE / "sdn.csv").open(encoding="latin-1", newline="") as handle:
        ent_nums = {row[0] for row in csv.reader(handle)}
    kept = {record.record_id for record in batch.records}
    set_aside = {q.record_id for q in batch.quarantine if Path(q.file).name == "sdn.csv"}
    assert kept | set_aside == ent_nums
    assert not kept & set_aside


def test_add_and_alt_are_optional(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "sdn.csv", tmp_path / "sdn.csv")
    records = {r.record_id: r for r in _read(tmp_path).records}
    assert records["306"].aliases == ["BNC"]
    assert records["306"].address is None


def test_missing_sdn_csv_is_an_input_file_error(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "add.csv", tmp_path / "add.csv")
    with pytest.raises(InputFileError, match="no sdn.csv"):
        ofac_csv.read(tmp_path, InputBatch())


def test_naming_sdn_csv_reads_its_folder_through_formats() -> None:
    assert detect_format(FIXTURE / "sdn.csv") == "ofac-csv"
    batch = read_inputs([FIXTURE / "sdn.csv", FIXTURE])  # the folder is read once
    assert sorted(r.record_id for r in batch.records) == ["11786", "12550", "15036", "15496", "17068", "19570", "306"]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8"])
def test_latin1_or_utf8_text_and_end_of_file_mark(tmp_path: Path, encoding: str) -> None:
    line = '7,"SOCIÉTÉ GÉNÉRALE DE COMMERCE",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    (tmp_path / "sdn.csv").write_bytes(line.encode(encoding) + b"\x1a")
    batch = _read(tmp_path)
    assert [r.name for r in batch.records] == ["SOCIÉTÉ GÉNÉRALE DE COMMERCE"]
    assert batch.rows_read == 1 and not batch.quarantine


def _real_rows(name: str) -> list[list[str]]:
    with (REAL_SAMPLE / name).open(encoding="latin-1", newline="") as handle:
        return list(csv.reader(handle))


def _bad_vessel_imos(sdn: list[list[str]]) -> set[str]:
    bad = set()
    for row in sdn:
        match = re.search(r"Vessel Registration Identification (?:IMO )?([^;.\s]+)", row[11])
        if row[2] == "vessel" and match and not imo_check_digit_ok(match.group(1)):
            bad.add(row[0])
    return bad


@pytest.mark.skipif(not REAL_SAMPLE.is_dir(), reason="real OFAC sample not available")
def test_real_sample_counts_and_no_loss() -> None:
    sdn, add, alt = _real_rows("sdn.csv"), _real_rows("add.csv"), _real_rows("alt.csv")
    types = Counter(row[2].strip() for row in sdn)
    bad_imo = _bad_vessel_imos(sdn)

    batch = _read(REAL_SAMPLE)

    assert batch.rows_read == len(sdn) + len(add) + len(alt)
    by_type = Counter(record.entity_type.value for record in batch.records)
    assert by_type == {"person": types["individual"], "company": types["-0-"],
                       "vessel": types["vessel"] - len(bad_imo)}
    reasons = Counter(q.field for q in batch.quarantine)
    assert reasons == {"SDN_Type": types["aircraft"], "imo": len(bad_imo)}
    assert {q.record_id for q in batch.quarantine if q.field == "imo"} == bad_imo
    # no loss: every sdn.csv row is exactly one of record / quarantine row
    kept = {record.record_id for record in batch.records}
    set_aside = {q.record_id for q in batch.quarantine}
    assert kept | set_aside == {row[0] for row in sdn}
    assert len(kept) + len(set_aside) == len(sdn)
    # one listing per program of every kept entry
    expected_listings = sum(len(set(re.findall(r"[^\[\]]+", row[3].replace("] [", "]["))))
                            for row in sdn if row[0] in kept)
    assert len(batch.listings) == expected_listings
    # every alt.csv name of a kept company is among its aliases
    records = {record.record_id: record for record in batch.records}
    for ent_num, _, _, alt_name, _ in alt:
        record = records.get(ent_num)
        if record is not None and record.entity_type == "company":
            assert alt_name in record.aliases
    # every relation points at an entry whose name its remarks give after "Linked To:"
    names = {row[0]: row[1].upper() for row in sdn}
    remarks = {row[0]: row[11].upper() for row in sdn}
    assert batch.relations
    for relation in batch.relations:
        assert f"LINKED TO: {names[relation.to_record_id]}" in remarks[relation.from_record_id]
