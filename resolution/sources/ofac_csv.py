"""Reader for the OFAC SDN list in its legacy CSV form: ``sdn.csv`` with ``add.csv`` and ``alt.csv``.

Format (OFAC "CSV data specifications"): no header row, comma-separated, text quoted, records
separated by CR LF, ``-0-`` (often followed by a space) for an empty value. Text is decoded as
UTF-8 when the bytes are valid UTF-8, else as Latin-1 (the published files are 8-bit Latin-1).

- ``sdn.csv`` (required): ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
  Tonnage, GRT, Vess_flag, Vess_owner, Remarks.
- ``add.csv`` (optional): ent_num, add_num, address, city/state/postal code, country, add_remarks.
- ``alt.csv`` (optional): ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks.
  (``sdn_comments.csv``, OFAC's overflow for remarks longer than 1000 characters, is not read.)

``read(path, batch)`` takes the folder holding the files (or one of them: its folder is used).
Mapping to the canonical model (source ``ofac-sdn``, record_id = ent_num):

- SDN_Type ``individual`` -> person, ``vessel`` -> vessel, ``-0-`` (entity) -> company;
  ``aircraft`` is quarantined (field ``SDN_Type``): only companies, persons and vessels are resolved.
- name: SDN_Name; a person's ``LAST, First`` is written ``First LAST`` (the order the other sources
  and the UN list use, so names compare like with like) and the original is kept as an alias.
- aliases: every alt.csv name as written (persons: both orders; a leading ``'`` there is an
  apostrophe, e.g. ``'MASHURA ...``) and every ``a.k.a.``/``f.k.a.``/``n.k.a.`` of the remarks,
  their quotes stripped; fka/nka names are also listed in ``former_names``/``now_known_as``.
- address: the first non-empty add.csv row (by add_num) as one text (street, city); country: its
  country as ISO2. A country name that ``to_iso2`` cannot convert is appended to the address text
  and the country is left empty (the record is kept rather than quarantined for its country).
  Further addresses go to the ``other_addresses`` attribute.
- person: date_of_birth from the first DOB (``ofac_remarks.dob_to_iso``: ranges keep what both
  ends share, none when the years differ), nationality (first convertible nationality, else
  citizenship), id_number (first passport, else first national ID); every DOB, place of birth,
  gender, nationality, citizenship and document as written in attributes.
- vessel: flag from Vess_flag (unconvertible, e.g. ``None Identified``: attribute
  ``flag_as_written``), call_sign, IMO (``Vessel Registration Identification IMO n``) and MMSI from
  the remarks (validated by the model: a bad IMO check digit quarantines the vessel); vessel type,
  tonnage, GRT, owner and former flags as attributes.
- company: registration_number from the first registration document of the remarks
  (``Registration ID``, ``Business Registration Document #``, ``Company Number``...),
  incorporation_date from ``Organization Established Date``.
- every record keeps ``title``, the raw ``remarks`` and all documents (``identifiers``) as attributes.
- listings: one per program (``A] [B`` -> A, B), list_name ``OFAC SDN``.
- ``Linked To: NAME`` -> an ``associate_of`` relation to the entry whose SDN_Name is the same
  (upper-case compare, whitespace collapsed) when exactly one such company/person/vessel entry is
  in sdn.csv; otherwise the text is kept in the ``linked_to`` attribute.

Quarantined: rows with the wrong number of cells (field ``<row>``, with the line), a bad or empty
ent_num, aircraft and unknown SDN types, add/alt rows naming an entry that is not in sdn.csv (or
whose row was set aside), and whatever the model rejects (empty name, bad IMO or MMSI...).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolution.errors import InputFileError
from resolution.models import RECORD_FIELDS
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, InputBatch
from resolution.sources.ofac_remarks import NULL, Remarks, dob_to_iso, parse_remarks
from resolution.standardise.countries import country_or_none
from resolution.standardise.dates import normalise_date

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

SOURCE = "ofac-sdn"
LIST_NAME = "OFAC SDN"
SDN_FILE, ADD_FILE, ALT_FILE = "sdn.csv", "add.csv", "alt.csv"
SDN_COLUMNS = ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
               "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ENTITY_TYPES: dict[str | None, str] = {"individual": "person", "vessel": "vessel", None: "company"}
NOT_RESOLVED: dict[str, str] = {
    "aircraft": "aircraft are not resolved (only company, person and vessel records are)",
}
END_OF_FILE = "\x1a"  # DOS end-of-file mark some copies of the files end with
SEPARATOR = "; "


@dataclass(frozen=True)
class SourceRow:
    """One CSV row with its cells by column name (``-0-`` and blanks as ``None``)."""

    file: str
    line: int
    cells: dict[str, str | None]

    def get(self, column: str) -> str | None:
        return self.cells.get(column)


@dataclass(frozen=True)
class Entry:
    """One sdn.csv row that has the right shape, its remarks parsed."""

    row: SourceRow
    ent_num: str
    sdn_type: str | None
    remarks: Remarks

    @property
    def entity_type(self) -> str | None:
        return ENTITY_TYPES.get(self.sdn_type)


def cell(value: str | None) -> str | None:
    """A cell's text, ``None`` for blank or OFAC's null ``-0-``."""
    if value is None:
        return None
    text = value.strip()
    return None if not text or text == NULL else text


def decode(path: Path) -> str:
    """The file's text: UTF-8 when the bytes are valid UTF-8, else Latin-1 (never fails)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _member(folder: Path, name: str) -> Path | None:
    exact = folder / name
    if exact.is_file():
        return exact
    for candidate in sorted(folder.iterdir()):
        if candidate.is_file() and candidate.name.lower() == name:
            return candidate
    return None


def _csv_rows(path: Path, columns: tuple[str, ...], batch: InputBatch) -> Iterator[SourceRow]:
    """Rows of the right width; a row of another width is quarantined with its line."""
    reader = csv.reader(io.StringIO(decode(path), newline=""))
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(str(path), f"unreadable CSV at line {line}: {exc}") from exc
        if not cells or (len(cells) == 1 and cells[0].strip() in {"", END_OF_FILE}):
            continue  # blank line or end-of-file mark: no data
        batch.rows_read += 1
        if len(cells) != len(columns):
            record_id = cells[0].strip() if cells[0].strip().isdigit() else None
            batch.set_aside(KIND_RECORDS, {"source": SOURCE, "record_id": record_id}, "<row>",
                            f"row has {len(cells)} cells, expected {len(columns)} ({path.name})",
                            file=str(path), line=line)
            continue
        yield SourceRow(str(path), line, {name: cell(value) for name, value in zip(columns, cells, strict=True)})


def _entries(path: Path, batch: InputBatch) -> list[Entry]:
    entries: list[Entry] = []
    for row in _csv_rows(path, SDN_COLUMNS, batch):
        ent_num = row.get("ent_num")
        if ent_num is None or not ent_num.isdigit():
            reason = "is empty" if ent_num is None else f"entry number {ent_num!r} is not a whole number"
            batch.set_aside(KIND_RECORDS, {"source": SOURCE, "record_id": ent_num}, "ent_num", reason,
                            file=row.file, line=row.line)
            continue
        sdn_type = (row.get("SDN_Type") or "").lower() or None
        entries.append(Entry(row, ent_num, sdn_type, parse_remarks(row.get("Remarks"))))
    return entries


def _children(path: Path | None, columns: tuple[str, ...], known: set[str],
              batch: InputBatch) -> dict[str, list[SourceRow]]:
    """add.csv / alt.csv rows by entry number, sorted by their own number; orphans quarantined."""
    grouped: dict[str, list[SourceRow]] = {}
    if path is None:
        return grouped
    for row in _csv_rows(path, columns, batch):
        ent_num = row.get("ent_num")
        if ent_num is None or ent_num not in known:
            batch.set_aside(KIND_RECORDS, {"source": SOURCE, "record_id": ent_num}, "ent_num",
                            f"{path.name} row names entry {ent_num!r}, which is not in sdn.csv "
                            "(or whose sdn.csv row was set aside)", file=row.file, line=row.line)
            continue
        grouped.setdefault(ent_num, []).append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: _order(r.get(columns[1]), r.line))
    return grouped


def _order(number: str | None, line: int) -> tuple[int, int]:
    """Sort key: the row's own number (add_num / alt_num) when it is one, then the line."""
    return (int(number) if number and number.isdigit() else sys.maxsize, line)


def person_name(sdn_name: str) -> str:
    """``LAST, First`` -> ``First LAST``; a name with no comma or several commas is kept as is."""
    last, comma, first = sdn_name.partition(",")
    if not comma or "," in first or not last.strip() or not first.strip():
        return sdn_name.strip()
    return f"{first.strip()} {last.strip()}"


def _name_key(name: str) -> str:
    return " ".join(name.split()).upper()


def _join(values: Any) -> str | None:
    kept = [str(v) for v in values if v]
    return SEPARATOR.join(dict.fromkeys(kept)) or None


def _names(entry: Entry, alts: list[SourceRow]) -> tuple[str | None, list[str], dict[str, str | None]]:
    name = entry.row.get("SDN_Name")
    is_person = entry.entity_type == "person"
    written: list[tuple[str, str]] = [
        ((row.get("alt_type") or "aka").lower(), row.get("alt_name") or "") for row in alts
    ]
    written += [(alias.kind, alias.name) for alias in entry.remarks.aliases]
    aliases: list[str] = []
    if is_person and name and person_name(name) != name:
        aliases.append(name)
        name = person_name(name)
    for _, alias in written:
        if alias:
            aliases.extend([person_name(alias), alias] if is_person else [alias])
    attributes = {
        "former_names": _join(alias for kind, alias in written if kind == "fka"),
        "now_known_as": _join(alias for kind, alias in written if kind == "nka"),
        "alias_remarks": _join(f"{row.get('alt_name')}: {row.get('alt_remarks')}"
                               for row in alts if row.get("alt_remarks")),
    }
    return name, [alias for alias in dict.fromkeys(aliases) if alias != name], attributes


def _address_text(row: SourceRow, with_country: bool) -> str | None:
    parts = [row.get("address"), row.get("city_state_postal")]
    if with_country:
        parts.append(row.get("country"))
    return ", ".join(part for part in parts if part) or None


def _address_fields(adds: list[SourceRow]) -> dict[str, Any]:
    filled = [row for row in adds if _address_text(row, with_country=True)]
    if not filled:
        return {}
    first, others = filled[0], filled[1:]
    country = country_or_none(first.get("country"))
    return {
        "address": _address_text(first, with_country=country is None),
        "country": country,
        "other_addresses": " | ".join(t for row in others if (t := _address_text(row, with_country=True))) or None,
        "address_remarks": _join(row.get("add_remarks") for row in adds),
    }


def _person_fields(remarks: Remarks) -> dict[str, Any]:
    date_of_birth = None
    if remarks.dates_of_birth:
        try:
            date_of_birth = dob_to_iso(remarks.dates_of_birth[0])
        except ValueError:
            date_of_birth = None  # the text stays in ``dates_of_birth``
    countries = [*remarks.nationalities, *remarks.citizenships]
    nationality = next((code for c in countries if (code := country_or_none(c))), None)
    documents = remarks.passports or remarks.national_ids
    return {
        "date_of_birth": date_of_birth,
        "nationality": nationality,
        "id_number": documents[0].number if documents else None,
        "dates_of_birth": _join(remarks.dates_of_birth),
        "place_of_birth": _join(remarks.places_of_birth),
        "nationalities": _join(remarks.nationalities),
        "citizenships": _join(remarks.citizenships),
        "gender": _join(remarks.genders),
    }


def _vessel_fields(entry: Entry) -> dict[str, Any]:
    row, remarks = entry.row, entry.remarks
    flag_text = row.get("Vess_flag")
    flag = country_or_none(flag_text)
    return {
        "imo": remarks.imos[0] if remarks.imos else None,
        "mmsi": remarks.mmsis[0] if remarks.mmsis else None,
        "call_sign": row.get("Call_Sign"),
        "flag": flag,
        "flag_as_written": flag_text if flag is None else None,
        "vessel_type": row.get("Vess_type"),
        "tonnage": row.get("Tonnage"),
        "gross_registered_tonnage": row.get("GRT"),
        "vessel_owner": row.get("Vess_owner"),
        "former_flags": _join(remarks.former_vessel_flags),
    }


def _company_fields(remarks: Remarks) -> dict[str, Any]:
    registrations = remarks.registration_numbers
    established = remarks.established_dates[0] if remarks.established_dates else None
    try:
        incorporation_date = normalise_date(established)
    except ValueError:
        incorporation_date = None  # the text stays in ``organization_established``
    return {
        "registration_number": registrations[0].number if registrations else None,
        "incorporation_date": incorporation_date,
        "organization_established": _join(remarks.established_dates),
    }


def _links(entry: Entry, index: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Entry numbers the ``Linked To`` names resolve to, and the names that resolve to none."""
    targets: list[str] = []
    unresolved: list[str] = []
    for text in entry.remarks.linked_to:
        key = _name_key(text)
        found: list[str] = []
        for candidate in (key, key + ".", key.rstrip(".")):
            found = [n for n in index.get(candidate, []) if n != entry.ent_num]
            if found:
                break
        if len(found) == 1:
            targets.append(found[0])
        else:
            unresolved.append(text)
    return list(dict.fromkeys(targets)), unresolved


def _record_row(entry: Entry, adds: list[SourceRow], alts: list[SourceRow],
                unresolved_links: list[str]) -> dict[str, Any]:
    remarks = entry.remarks
    name, aliases, alias_attributes = _names(entry, alts)
    fields: dict[str, Any] = {**_address_fields(adds), **alias_attributes}
    if entry.entity_type == "person":
        fields.update(_person_fields(remarks))
    elif entry.entity_type == "vessel":
        fields.update(_vessel_fields(entry))
    else:
        fields.update(_company_fields(remarks))
    if entry.entity_type != "vessel":
        fields["vessel_imo_in_remarks"] = _join(remarks.imos)
        fields["mmsi_in_remarks"] = _join(remarks.mmsis)
    fields.update({
        "title": entry.row.get("Title"),
        "identifiers": _join(identifier.text() for identifier in remarks.identifiers),
        "linked_to": _join(unresolved_links),
        "remarks": remarks.text or None,
    })
    known = {k: v for k, v in fields.items() if k in RECORD_FIELDS}
    attributes = {k: str(v) for k, v in fields.items() if k not in RECORD_FIELDS and v}
    return {"source": SOURCE, "record_id": entry.ent_num, "entity_type": entry.entity_type,
            "name": name, "aliases": aliases, **known, "attributes": attributes}



def programs(text: str | None) -> list[str | None]:
    """``SDGT] [NPWMD`` -> ``['SDGT', 'NPWMD']``; no program -> ``[None]`` (one listing anyway)."""
    if not text:
        return [None]
    found = [part.strip(" []") for part in text.split("] [")]
    return list(dict.fromkeys(part for part in found if part)) or [None]


def _name_index(entries: list[Entry]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for entry in entries:
        name = entry.row.get("SDN_Name")
        if name and entry.entity_type is not None:
            index.setdefault(_name_key(name), []).append(entry.ent_num)
    return index


def _emit(entry: Entry, adds: list[SourceRow], alts: list[SourceRow],
          index: dict[str, list[str]], batch: InputBatch) -> None:
    """One entry -> a record, its listings and relations, or a quarantine row."""
    where = {"file": entry.row.file, "line": entry.row.line}
    if entry.entity_type is None:
        reason = NOT_RESOLVED.get(entry.sdn_type or "") or (
            f"unknown SDN_Type {entry.row.get('SDN_Type')!r} (expected individual, vessel, "
            "aircraft, or -0- for an entity)")
        batch.set_aside(KIND_RECORDS, {"source": SOURCE, "record_id": entry.ent_num}, "SDN_Type",
                        reason, **where)
        return
    targets, unresolved = _links(entry, index)
    if not batch.accept(KIND_RECORDS, _record_row(entry, adds, alts, unresolved), **where):
        return
    for program in programs(entry.row.get("Program")):
        batch.accept(KIND_LISTINGS, {"source": SOURCE, "record_id": entry.ent_num,
                                     "list_name": LIST_NAME, "program": program}, **where)
    for target in targets:
        batch.accept(KIND_RELATIONS, {"source": SOURCE, "from_record_id": entry.ent_num,
                                      "to_record_id": target, "relation": "associate_of"}, **where)


def read(path: Path, batch: InputBatch) -> None:
    """Read the OFAC SDN CSV files of ``path`` (their folder, or one of them) into ``batch``."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise InputFileError(str(path), "no such folder")
    sdn = _member(folder, SDN_FILE)
    if sdn is None:
        raise InputFileError(str(folder), "no sdn.csv here: the OFAC SDN CSV list needs sdn.csv "
                                          "(add.csv and alt.csv beside it are optional)")
    rows_before = batch.rows_read
    entries = _entries(sdn, batch)
    if batch.rows_read == rows_before:
        raise InputFileError(str(sdn), "empty sdn.csv: no entries")
    known = {entry.ent_num for entry in entries}
    adds = _children(_member(folder, ADD_FILE), ADD_COLUMNS, known, batch)
    alts = _children(_member(folder, ALT_FILE), ALT_COLUMNS, known, batch)
    index = _name_index(entries)
    for entry in entries:
        _emit(entry, adds.get(entry.ent_num, []), alts.get(entry.ent_num, []), index, batch)
