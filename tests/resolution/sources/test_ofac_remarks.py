"""The OFAC remarks parser, on remarks texts copied from the real SDN list."""

from __future__ import annotations

import pytest

from resolution.sources.ofac_remarks import (
    Alias,
    Identifier,
    Remarks,
    dob_to_iso,
    parse_remarks,
    split_clauses,
    strip_quotes,
)
from resolution.standardise.dates import InvalidDateError

PERSON = (
    "DOB 22 May 1964; POB Lamerd, Iran; nationality Iran; citizen Iran; Additional Sanctions "
    "Information - Subject to Secondary Sanctions; Gender Male; Passport A2463775 (Iran); National "
    "ID No. 6579726970 (Iran); Linked To: SOLEIMANI, Qasem; Linked To: ISLAMIC REVOLUTIONARY GUARD "
    "CORPS (IRGC)-QODS FORCE."
)
VESSEL = (
    "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None "
    "Identified; alt. Former Vessel Flag Tanzania; Additional Sanctions Information - Subject to "
    "Secondary Sanctions; Vessel Registration Identification IMO 9187629; MMSI 572469210; f.k.a. "
    "'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY."
)


def test_person_remarks_are_split_into_typed_values() -> None:
    remarks = parse_remarks(PERSON)

    assert remarks.dates_of_birth == ("22 May 1964",)
    assert remarks.places_of_birth == ("Lamerd, Iran",)
    assert remarks.nationalities == ("Iran",)
    assert remarks.citizenships == ("Iran",)
    assert remarks.genders == ("Male",)
    assert remarks.passports == (Identifier("Passport", "passport", "A2463775", "Iran"),)
    assert remarks.national_ids == (Identifier("National ID No.", "national_id", "6579726970", "Iran"),)
    assert remarks.linked_to == ("SOLEIMANI, Qasem", "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE")
    assert remarks.other == ("Additional Sanctions Information - Subject to Secondary Sanctions",)
    assert remarks.text == PERSON


def test_vessel_remarks_give_imo_mmsi_former_flags_and_fka() -> None:
    remarks = parse_remarks(VESSEL)

    assert remarks.imos == ("9187629",)
    assert remarks.mmsis == ("572469210",)
    assert remarks.former_vessel_flags == ("Malta", "Tuvalu", "None Identified", "Tanzania")
    assert remarks.aliases == (Alias("fka", "ALPHA"),)
    assert remarks.linked_to == ("NATIONAL IRANIAN TANKER COMPANY",)


def test_vessel_registration_without_the_imo_word_is_still_the_imo() -> None:
    remarks = parse_remarks("Vessel Registration Identification 8606173.")
    assert remarks.imos == ("8606173",)


def test_aliases_lose_their_quotes_and_keep_inner_apostrophes() -> None:
    remarks = parse_remarks("a.k.a. 'EL SENOR'; n.k.a. 'NEW NAME'; a.k.a. 'ABU-'UMAR'.")
    assert remarks.aliases == (Alias("aka", "EL SENOR"), Alias("nka", "NEW NAME"), Alias("aka", "ABU-'UMAR"))


def test_alternative_documents_and_issue_dates_are_read() -> None:
    remarks = parse_remarks(
        "Passport 515731854 (Russia); alt. Passport AK0517906 (Greece); alt. Passport 326106; "
        "National Foreign ID Number 350991386390 (Thailand) issued 28 Oct 1952 expires 14 May 2009."
    )

    assert [p.number for p in remarks.passports] == ["515731854", "AK0517906", "326106"]
    assert remarks.passports[2].country is None
    foreign = remarks.national_ids[0]
    assert (foreign.number, foreign.country, foreign.issued, foreign.expires) == (
        "350991386390", "Thailand", "28 Oct 1952", "14 May 2009")
    assert foreign.text() == "National Foreign ID Number 350991386390 (Thailand) issued 28 Oct 1952 expires 14 May 2009"


def test_company_registrations_and_established_date() -> None:
    remarks = parse_remarks(
        "Organization Established Date 17 Dec 2016; Business Registration Document # F01000003035 "
        "(United States); Registration ID 14063277; Tax ID No. 100036386 (Serbia); "
        "Identification Number IMO 1790183."
    )

    assert [r.number for r in remarks.registration_numbers] == ["F01000003035", "14063277"]
    assert remarks.registration_numbers[0].label == "Business Registration Document #"
    assert remarks.identifiers_of("tax")[0].number == "100036386"
    # an IMO company number is not a registration number nor a vessel IMO
    assert remarks.identifiers_of("imo_company")[0].number == "1790183"
    assert remarks.imos == ()
    assert remarks.established_dates == ("17 Dec 2016",)


def test_closing_full_stop_is_kept_when_it_ends_an_abbreviation() -> None:
    assert split_clauses("Linked To: HIZBALLAH.") == ["Linked To: HIZBALLAH"]
    assert split_clauses("Linked To: INMOBILIARIA U.M.V. S.A.") == ["Linked To: INMOBILIARIA U.M.V. S.A."]
    assert split_clauses("DOB 1957; Linked To: X CO.") == ["DOB 1957", "Linked To: X CO."]


def test_empty_and_null_remarks_are_empty() -> None:
    assert parse_remarks("-0- ") == Remarks()
    assert parse_remarks(None) == Remarks()
    assert parse_remarks("   ") == Remarks()


def test_unknown_clauses_are_kept_in_other() -> None:
    remarks = parse_remarks("Website www.hibank24.ir; SWIFT/BIC HAVIGB2L; alt. Executive Order 13846 information: BLOCKING PROPERTY.")
    assert remarks.other == ("Website www.hibank24.ir", "alt. Executive Order 13846 information: BLOCKING PROPERTY")
    assert remarks.identifiers_of("other")[0] == Identifier("SWIFT/BIC", "other", "HAVIGB2L")


def test_strip_quotes_handles_a_quote_left_open_by_truncation() -> None:
    assert strip_quotes("'BNC'") == "BNC"
    assert strip_quotes("'PETRO L") == "PETRO L"
    assert strip_quotes("O'NEILL") == "O'NEILL"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12 Jan 1957", "1957-01-12"),
        ("1957", "1957"),
        ("Sep 1957", "1957-09"),
        ("circa 1957", "1957"),
        ("01 Jan 1957 to 31 Dec 1957", "1957"),
        ("02 Feb 1960 to 02 Feb 1960", "1960-02-02"),
        ("1929 to 1930", None),
        ("01 Jan 1953 to 31 Dec 1954", None),
        ("circa 1957-1959", None),
        ("Mar 1960 to Feb 1961", None),
        ("-0-", None),
    ],
)
def test_dob_to_iso(written: str, expected: str | None) -> None:
    assert dob_to_iso(written) == expected


def test_dob_to_iso_refuses_text_that_is_no_date() -> None:
    with pytest.raises(InvalidDateError):
        dob_to_iso("sometime in spring")
