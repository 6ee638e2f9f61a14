"""Reader for the UN Security Council consolidated sanctions list XML (``consolidated.xml``).

Format (https://scsanctions.un.org/resources/xml/en/consolidated.xml): root ``<CONSOLIDATED_LIST>``
without a namespace, ``<INDIVIDUALS><INDIVIDUAL>`` and ``<ENTITIES><ENTITY>`` rows with ``DATAID,
FIRST_NAME .. FOURTH_NAME, UN_LIST_TYPE, REFERENCE_NUMBER, LISTED_ON, NAME_ORIGINAL_SCRIPT,
COMMENTS1, TITLE/VALUE, DESIGNATION/VALUE, NATIONALITY/VALUE``, and repeated
``INDIVIDUAL_ALIAS|ENTITY_ALIAS (QUALITY, ALIAS_NAME)``, ``INDIVIDUAL_ADDRESS|ENTITY_ADDRESS
(STREET, CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY, NOTE)``, ``INDIVIDUAL_DATE_OF_BIRTH
(TYPE_OF_DATE, DATE | YEAR | FROM_YEAR, TO_YEAR)``, ``INDIVIDUAL_PLACE_OF_BIRTH`` and
``INDIVIDUAL_DOCUMENT (TYPE_OF_DOCUMENT, NUMBER, ISSUING_COUNTRY | COUNTRY_OF_ISSUE)``.

Mapping to the canonical model (source ``un-sc``):

- record id = ``REFERENCE_NUMBER`` (``KPi.001``, ``KPe.001``): the permanent public reference the
  UN prints in press releases and that national lists (EU, UK) quote, so it is stable across list
  versions and joins to other sources; ``DATAID`` (an internal database id) is kept as the
  ``un_dataid`` attribute and used as the record id only when a row has no reference number.
- INDIVIDUAL -> person named by its name parts in order (``FIRST_NAME SECOND_NAME ...``);
  ENTITY -> company, or vessel (below). ``NAME_ORIGINAL_SCRIPT`` (Korean, Chinese, Arabic script)
  is an alias, romanised later by the name standardisation.
- aliases of quality ``Good``, ``a.k.a.``, ``f.k.a.`` (or none) are aliases; ``Low`` quality ones
  go to the ``weak_aliases`` attribute (f.k.a. names are also listed in ``former_names``).
  ``ALIAS_NAME`` may hold several names split by ``; ``.
- first address -> ``address`` and its country -> ``country``; ``NATIONALITY`` -> ``nationality``;
  the first readable date of birth -> ``date_of_birth`` (``EXACT``/``APPROXIMATELY`` dates or years;
  a ``BETWEEN`` range is kept as an attribute only); the first passport (else national id) ->
  ``id_number``. Comments, titles, designations, documents (``identifiers``), places and other
  dates are attributes (names as in ``ofac_xml`` / ``ofac_csv`` where they mean the same).
- each row -> ``Listing(list_name="UN Security Council", program=UN_LIST_TYPE, listed_on=LISTED_ON)``.
  Dates written with a time-zone offset (``2015-03-27-04:00``) keep their date part.

Vessels: the list has no vessel row type; DPRK vessels are ENTITY rows that carry their IMO
number as ``IMO number: 9123456`` / ``IMO: 9123456`` / ``IMO 9123456``. An ENTITY is read as a
vessel when its name has no organisation word (company, co., ltd, corporation, trading, shipping,
bank, ...) and (1) the name carries such a marker (cut from the name; the listed name is kept as
``listed_name``), or (2) ``COMMENTS1`` carries exactly one IMO number. A vessel's ``Flag: ...``
in ``COMMENTS1`` becomes ``flag`` when it names a country. Shipping
companies whose comments cite the vessels they own (or their IMO company number) therefore stay
companies, with the numbers kept as ``imo_mentioned``; ``recognised_as_vessel_by`` says which rule
applied. The IMO number goes to the model, which quarantines one that fails its check digit.

Descriptive values the shared standardisers cannot read (country spellings, date ranges) blank the
field and are named in ``not_normalised``; streaming, safety (``defusedxml``, no DTD) and the
all-or-nothing commit are in ``resolution.sources.xmlstream``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from resolution.sources.batch import InputBatch
from resolution.sources.xmlstream import (
    SourceEntry,
    clean_attributes,
    commit,
    dedupe,
    join,
    pick_country,
    pick_date,
    stream_entries,
    text,
    texts,
)

SOURCE = "un-sc"
LIST_NAME = "UN Security Council"
ROOT_TAG = "CONSOLIDATED_LIST"
INDIVIDUAL = "INDIVIDUAL"
ENTITY = "ENTITY"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
WEAK_QUALITIES = frozenset({"low"})

IMO_MARKER = re.compile(r"\bIMO(?:\s*(?:number|no\.?|#))?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
_NAME_MARKER = re.compile(
    r"[\s,;-]*[(\[]?\s*\bIMO(?:\s*(?:number|no\.?|#))?\s*[:.]?\s*\d{7}\b\s*[)\]]?", re.IGNORECASE)
ORGANISATION_WORDS = re.compile(
    r"\b(?:company|co|corp|corporation|ltd|limited|llc|inc|group|holdings?|bank|trading|shipping|"
    r"enterprises?|management|agency|association|bureau|committee|commission|department|ministry|"
    r"office|organi[sz]ation|institute|university|academy|cent(?:er|re)|industr(?:y|ies)|firm)\b",
    re.IGNORECASE,
)
_FLAG = re.compile(r"\bflag(?:\s+state)?\s*:\s*([^.;()]+)", re.IGNORECASE)
_DATE_WITH_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+)?(?:Z|[+-]\d{2}:\d{2})$")
_NATIONAL_ID_MARKERS = ("national id", "identification", "id card")


def _plain_date(value: str | None) -> str | None:
    """``2015-03-27-04:00`` -> ``2015-03-27``; other values unchanged."""
    if value is None:
        return None
    match = _DATE_WITH_ZONE.match(value)
    return match.group(1) if match else value


def _aliases(row: Element, tag: str) -> tuple[list[str], list[str], list[str]]:
    """(aliases, weak aliases, former names) from ``<tag>_ALIAS`` elements."""
    strong: list[str] = []
    weak: list[str] = []
    former: list[str] = []
    for node in row.findall(f"{tag}_ALIAS"):
        names = [name.strip() for name in (text(node, "ALIAS_NAME") or "").split(";") if name.strip()]
        quality = (text(node, "QUALITY") or "").lower()
        (weak if quality in WEAK_QUALITIES else strong).extend(names)
        if quality == "f.k.a.":
            former.extend(names)
    return dedupe(strong), dedupe(weak), dedupe(former)


def _addresses(row: Element, tag: str) -> tuple[list[str], list[str | None], list[str]]:
    """(address texts, countries, notes) from ``<tag>_ADDRESS`` elements."""
    lines: list[str] = []
    countries: list[str | None] = []
    notes: list[str] = []
    for node in row.findall(f"{tag}_ADDRESS"):
        line = join(text(node, part) for part in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"))
        if line:
            lines.append(line)
        countries.append(text(node, "COUNTRY"))
        if note := text(node, "NOTE"):
            notes.append(note)
    return lines, countries, notes


def _dates_of_birth(row: Element) -> list[tuple[str, str]]:
    """(value for the date reader, description) per ``INDIVIDUAL_DATE_OF_BIRTH``."""
    found: list[tuple[str, str]] = []
    for node in row.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = (text(node, "TYPE_OF_DATE") or "").lower()
        start, end = text(node, "FROM_YEAR"), text(node, "TO_YEAR")
        value = _plain_date(text(node, "DATE")) or text(node, "YEAR")
        if value is None and start and end:
            value = f"between {start} and {end}"
            found.append((value, value))
        elif value is not None:
            found.append((value, f"{value} ({kind})" if kind and kind != "exact" else value))
    return found


def _documents(row: Element) -> tuple[str | None, list[str]]:
    """(id number: first passport else national id, every document described)."""
    passport = national = None
    described: list[str] = []
    for node in row.findall("INDIVIDUAL_DOCUMENT"):
        kind = join([text(node, "TYPE_OF_DOCUMENT"), text(node, "TYPE_OF_DOCUMENT2")], " / ") or "Document"
        number = text(node, "NUMBER")
        if number is None:
            continue
        country = text(node, "ISSUING_COUNTRY") or text(node, "COUNTRY_OF_ISSUE")
        described.append(f"{kind}: {number}" + (f" ({country})" if country else ""))
        lowered = kind.lower()
        if passport is None and "passport" in lowered:
            passport = number
        elif national is None and any(marker in lowered for marker in _NATIONAL_ID_MARKERS):
            national = number
    return passport or national, described


def _place_of_birth(row: Element) -> str | None:
    places = (join(text(node, part) for part in ("CITY", "STATE_PROVINCE", "COUNTRY"))
              for node in row.findall("INDIVIDUAL_PLACE_OF_BIRTH"))
    return join(dedupe(place for place in places if place), "; ")


def _person_fields(row: Element) -> tuple[dict[str, Any], dict[str, str | None], list[str]]:
    nationalities = texts(row, "NATIONALITY/VALUE")
    nationality, bad_nationalities = pick_country(nationalities)
    dates = _dates_of_birth(row)
    date_of_birth, bad_dates = pick_date(value for value, _ in dates)
    id_number, documents = _documents(row)
    fields = {"nationality": nationality, "date_of_birth": date_of_birth, "id_number": id_number}
    attributes = {
        "nationalities": join(nationalities, "; ") if len(nationalities) > 1 else None,
        "dates_of_birth": join((description for _, description in dates), "; ")
        if len(dates) > 1 or bad_dates else None,
        "place_of_birth": _place_of_birth(row), "identifiers": join(documents, "; "),
        "gender": text(row, "GENDER"), "title": join(texts(row, "TITLE/VALUE"), "; "),
        "designation": join(texts(row, "DESIGNATION/VALUE"), "; "),
    }
    unread = [f"nationality={value}" for value in bad_nationalities]
    unread += [f"date_of_birth={value}" for value in bad_dates]
    return fields, attributes, unread


def vessel_imo(name: str | None, comments: str | None) -> tuple[str | None, str | None]:
    """(IMO number, rule) when an ENTITY row is a vessel (see the module docstring), else (None, None)."""
    if ORGANISATION_WORDS.search(name or ""):
        return None, None
    if name and (match := IMO_MARKER.search(name)):
        return match.group(1), "IMO number in the name"
    in_comments = dedupe(IMO_MARKER.findall(comments or ""))
    if len(in_comments) == 1:
        return in_comments[0], "IMO number in COMMENTS1"
    return None, None


def _entity_fields(name: str | None,
                   comments: str | None) -> tuple[str, str | None, dict[str, Any], dict[str, str | None]]:
    """(entity type, name, fields, attributes) of an ENTITY row: a company or a vessel."""
    imo, rule = vessel_imo(name, comments)
    if imo is None:
        mentioned = dedupe(IMO_MARKER.findall(join([name, comments], " ") or ""))
        return "company", name, {}, {"imo_mentioned": join(mentioned, "; ")}
    vessel_name = name
    if name and rule == "IMO number in the name":
        vessel_name = _NAME_MARKER.sub("", name).strip(" ,;-") or name
    flag, bad_flags = pick_country(match.strip() for match in _FLAG.findall(comments or ""))
    attributes = {"recognised_as_vessel_by": rule, "listed_name": name if vessel_name != name else None,
                  "not_normalised": join((f"flag={value}" for value in bad_flags), "; ")}
    return "vessel", vessel_name, {"imo": imo, "flag": flag}, attributes


def _record(record_id: str, row: Element) -> dict[str, Any]:
    tag = str(row.tag)
    name = join((text(row, part) for part in NAME_PARTS), " ")
    comments = text(row, "COMMENTS1")
    if tag == INDIVIDUAL:
        entity_type = "person"
        fields, attributes, unread = _person_fields(row)
    else:
        entity_type, name, fields, attributes = _entity_fields(name, comments)
        unread = [attributes.pop("not_normalised")] if attributes.get("not_normalised") else []
    strong, weak, former = _aliases(row, tag)
    addresses, address_countries, notes = _addresses(row, tag)
    country, bad_countries = pick_country(address_countries)
    unread = [f"country={value}" for value in bad_countries] + unread
    attributes |= {
        "un_dataid": text(row, "DATAID"), "comments": comments, "weak_aliases": join(weak, "|"),
        "former_names": join(former, "|"),
        "other_addresses": join(addresses[1:], " | "), "address_notes": join(notes, "; "),
        "not_normalised": join(unread, "; "),
    }
    return {
        "source": SOURCE, "record_id": record_id, "entity_type": entity_type, "name": name,
        "aliases": dedupe([*texts(row, "NAME_ORIGINAL_SCRIPT"), *strong]),
        "country": country, "address": addresses[0] if addresses else None,
        **fields, "attributes": clean_attributes(attributes),
    }


def _entry(row: Element, line: int | None) -> SourceEntry:
    record_id = text(row, "REFERENCE_NUMBER") or text(row, "DATAID")
    if record_id is None:
        return SourceEntry(line, {"source": SOURCE, "record_id": None},
                           aside=("record_id", f"{row.tag} has neither REFERENCE_NUMBER nor DATAID"))
    listing = {"source": SOURCE, "record_id": record_id, "list_name": LIST_NAME,
               "program": text(row, "UN_LIST_TYPE"), "listed_on": _plain_date(text(row, "LISTED_ON"))}
    return SourceEntry(line, _record(record_id, row), [listing])


def read(path: Path, batch: InputBatch) -> None:
    """Read one UN consolidated list XML into ``batch``; an unreadable file raises ``InputFileError``."""
    entries = [_entry(row, line)
               for row, line in stream_entries(path, ROOT_TAG, frozenset({INDIVIDUAL, ENTITY}))]
    commit(entries, batch, path)
