"""Reader for the OFAC SDN list as XML (``sdn.xml``), plus the XML streaming both list readers share.

Format: root ``<sdnList>`` in a default namespace (``http://tempuri.org/sdnList.xsd`` in the classic
download, ``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML`` from
the Sanctions List Service; tags are matched by local name, so either works), a
``<publshInformation>`` header (OFAC's spelling), then one ``<sdnEntry>`` per listed party with
``uid, firstName, lastName, title, sdnType, remarks, programList/program, akaList/aka,
idList/id, nationalityList, citizenshipList, dateOfBirthList/dateOfBirthItem,
placeOfBirthList/placeOfBirthItem, addressList/address, vesselInfo``.

Mapping to the canonical model (source ``ofac-sdn``, record id = ``uid``, the same number the
legacy CSV calls ``ent_num``):

- ``sdnType`` Individual -> person, Entity -> company, Vessel -> vessel. Aircraft (and any other
  type) is quarantined on field ``sdnType``: only companies, persons and vessels are resolved.
- name: persons ``firstName lastName`` (``Yong Chol KIM``), with ``KIM, Yong Chol`` kept as an
  alias; everything else ``lastName``. Strong a.k.a./f.k.a./n.k.a. names are aliases (f.k.a. and
  n.k.a. also in ``former_names`` / ``now_known_as``); *weak* ones (OFAC does not expect them to be
  screened) go to the ``weak_aliases`` attribute. Attribute names follow ``ofac_csv``.
- ids: vessels take ``Vessel Registration Identification`` (``IMO 9123453``) as ``imo`` and
  ``MMSI`` as ``mmsi`` (the model checks the IMO check digit and quarantines a bad one); persons
  take the first passport (else national id) as ``id_number``; companies the first registration
  number as ``registration_number`` and ``Organization Established Date`` as
  ``incorporation_date``. Every id is also kept, as written, in the ``identifiers`` attribute.
- ``vesselInfo``: ``callSign`` -> ``call_sign``, ``vesselFlag`` -> ``flag`` (one that names no
  country, e.g. ``None Identified``, stays as ``flag_as_written``); type, owner and tonnages are
  attributes.
- first address -> ``address`` and its country -> ``country``; nationality (else citizenship) ->
  ``nationality``; main date of birth -> ``date_of_birth``; ``remarks``, ``title``, places of
  birth, other addresses and dates are attributes. Free-text remarks are *not* parsed here: the
  XML already carries the same facts as structured elements.
- each ``programList/program`` -> ``Listing(list_name="OFAC SDN", program=...)`` (one listing
  without a program when the list is empty); listings are only emitted for accepted records.

Descriptive multi-valued fields (countries, nationality, flag, dates of birth) use the first value
the shared standardisers can read; values they cannot read stay in the attributes and are named in
``not_normalised``, so an odd spelling blanks a field instead of dropping a sanctioned party.
Identifiers (IMO, MMSI) go to the model as written: a wrong one would merge the wrong entities, so
the model quarantines it.

The file is streamed (``defusedxml`` ``iterparse``, each entry cleared once read) and committed to
the batch only when the whole file has parsed: a file that is not well-formed, has another root
or carries a DTD (entity bombs included) raises ``InputFileError`` and adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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

SOURCE = "ofac-sdn"
LIST_NAME = "OFAC SDN"
ROOT_TAG = "sdnList"
ENTRY_TAG = "sdnEntry"
ENTITY_TYPES: dict[str, str] = {"Individual": "person", "Entity": "company", "Vessel": "vessel"}

IMO_ID_TYPE = "vessel registration identification"
MMSI_ID_TYPE = "mmsi"
ESTABLISHED_ID_TYPE = "organization established date"
_IMO_LIKE = re.compile(r"^\s*(?:IMO)?\s*[:#.]?\s*\d+\s*$", re.IGNORECASE)
_REGISTRATION_TYPES = (
    "registration id", "registration number", "business registration number",
    "business registration document #", "company number", "commercial registry number",
    "unified social credit code (uscc)", "public registration number", "certificate of incorporation number",
)
_NO_FLAG = frozenset({"none identified", "unknown"})
_NATIONAL_ID_MARKERS = ("national id", "identification number", "cedula", "personal id")


# --- sdn.xml -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Id:
    kind: str
    number: str
    country: str | None

    def describe(self) -> str:
        kind = self.kind.rstrip(" :-")
        return f"{kind}: {self.number}" + (f" ({self.country})" if self.country else "")


def _ids(entry: Element) -> list[_Id]:
    found: list[_Id] = []
    for node in entry.findall("idList/id"):
        kind, number = text(node, "idType"), text(node, "idNumber")
        if kind and number:
            found.append(_Id(kind, number, text(node, "idCountry")))
    return found


def _first_id(ids: list[_Id], accept: tuple[str, ...], *, contains: bool = False) -> str | None:
    for item in ids:
        kind = item.kind.lower()
        if (any(marker in kind for marker in accept) if contains else kind in accept):
            return item.number
    return None


def _person_name(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """``First LAST`` and the list form ``LAST, First`` (``None`` when there is no first name)."""
    if first and last:
        return f"{first} {last}", f"{last}, {first}"
    return first or last, None


@dataclass
class _Aliases:
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    now_known_as: list[str] = field(default_factory=list)


def _aliases(entry: Element, is_person: bool) -> _Aliases:
    """Names of ``akaList/aka``: strong ones are aliases (f.k.a./n.k.a. also listed apart), weak apart."""
    found = _Aliases()
    for aka in entry.findall("akaList/aka"):
        first, last = text(aka, "firstName"), text(aka, "lastName")
        names = [n for n in (_person_name(first, last) if is_person else (join([first, last], " "),)) if n]
        (found.weak if (text(aka, "category") or "").lower() == "weak" else found.strong).extend(names)
        kind = (text(aka, "type") or "").lower()
        if kind == "f.k.a.":
            found.former.extend(names[:1])
        elif kind == "n.k.a.":
            found.now_known_as.extend(names[:1])
    return found


def _addresses(entry: Element) -> tuple[list[str], list[str | None]]:
    """(address texts, address countries) in list order."""
    texts_: list[str] = []
    countries: list[str | None] = []
    for node in entry.findall("addressList/address"):
        country = text(node, "country")
        line = join(text(node, name) for name in ("address1", "address2", "address3", "city",
                                                  "stateOrProvince", "postalCode", "country"))
        if line:
            texts_.append(line)
        countries.append(country)
    return texts_, countries


def _main_first(entry: Element, path: str, value_tag: str) -> list[str]:
    """Values of a ``...List/...Item`` with the ``mainEntry=true`` ones first."""
    main: list[str] = []
    other: list[str] = []
    for node in entry.findall(path):
        value = text(node, value_tag)
        if value:
            (main if (text(node, "mainEntry") or "").lower() == "true" else other).append(value)
    return dedupe(main + other)


TypeParts = tuple[dict[str, Any], dict[str, str | None], list[str]]
"""(canonical fields, attributes, values the standardisers could not read) of one entry."""


def _person_parts(entry: Element, ids: list[_Id]) -> TypeParts:
    passport = _first_id(ids, ("passport",), contains=True)
    nationalities = _main_first(entry, "nationalityList/nationality", "country")
    citizenships = _main_first(entry, "citizenshipList/citizenship", "country")
    nationality, bad_nationalities = pick_country(nationalities + citizenships)
    dates = _main_first(entry, "dateOfBirthList/dateOfBirthItem", "dateOfBirth")
    date_of_birth, bad_dates = pick_date(dates)
    fields = {"id_number": passport or _first_id(ids, _NATIONAL_ID_MARKERS, contains=True),
              "nationality": nationality, "date_of_birth": date_of_birth}
    places = _main_first(entry, "placeOfBirthList/placeOfBirthItem", "placeOfBirth")
    attributes = {
        "nationalities": join(nationalities, "; ") if len(nationalities) > 1 else None,
        "citizenship": join(citizenships, "; "),
        "dates_of_birth": join(dates, "; ") if len(dates) > 1 or bad_dates else None,
        "place_of_birth": join(places, "; "), "gender": _first_id(ids, ("gender",)),
    }
    unread = [f"nationality={value}" for value in bad_nationalities]
    unread += [f"date_of_birth={value}" for value in bad_dates]
    return fields, attributes, unread


def _company_parts(ids: list[_Id]) -> TypeParts:
    registration = _first_id(ids, _REGISTRATION_TYPES) or _first_id(ids, ("registration",), contains=True)
    established, bad_dates = pick_date([_first_id(ids, (ESTABLISHED_ID_TYPE,))])
    fields = {"registration_number": registration, "incorporation_date": established}
    return fields, {}, [f"incorporation_date={value}" for value in bad_dates]


def _vessel_parts(entry: Element, ids: list[_Id]) -> TypeParts:
    imo = _first_id(ids, (IMO_ID_TYPE,))
    info = entry.find("vesselInfo")
    listed_flag = text(info, "vesselFlag")
    flag, bad_flags = pick_country([None if (listed_flag or "").lower() in _NO_FLAG else listed_flag])
    fields = {"imo": imo if imo and _IMO_LIKE.match(imo) else None, "mmsi": _first_id(ids, (MMSI_ID_TYPE,)),
              "call_sign": text(info, "callSign"), "flag": flag}
    attributes = {
        "vessel_type": text(info, "vesselType"), "flag_as_written": listed_flag if flag is None else None,
        "vessel_owner": text(info, "vesselOwner"), "tonnage": text(info, "tonnage"),
        "gross_registered_tonnage": text(info, "grossRegisteredTonnage"),
    }
    unread = [f"flag={value}" for value in bad_flags]
    unread += [f"imo={imo}"] if imo and fields["imo"] is None else []
    return fields, attributes, unread


def _type_parts(entity_type: str, entry: Element, ids: list[_Id]) -> TypeParts:
    if entity_type == "person":
        return _person_parts(entry, ids)
    if entity_type == "company":
        return _company_parts(ids)
    return _vessel_parts(entry, ids)


def _record(uid: str, entity_type: str, entry: Element) -> dict[str, Any]:
    is_person = entity_type == "person"
    first, last = text(entry, "firstName"), text(entry, "lastName")
    name, listed_form = _person_name(first, last) if is_person else (join([first, last], " "), None)
    aliases = _aliases(entry, is_person)
    ids = _ids(entry)
    addresses, address_countries = _addresses(entry)
    country, bad_countries = pick_country(address_countries)
    fields, attributes, unread = _type_parts(entity_type, entry, ids)
    unread = [f"country={value}" for value in bad_countries] + unread
    attributes |= {
        "title": text(entry, "title"), "remarks": text(entry, "remarks"),
        "weak_aliases": join(dedupe(aliases.weak), "|"), "former_names": join(dedupe(aliases.former), "|"),
        "now_known_as": join(dedupe(aliases.now_known_as), "|"),
        "identifiers": join((item.describe() for item in ids), "; "),
        "other_addresses": join(addresses[1:], " | "), "not_normalised": join(unread, "; "),
    }
    return {
        "source": SOURCE, "record_id": uid, "entity_type": entity_type, "name": name,
        "aliases": dedupe([*([listed_form] if listed_form else []), *aliases.strong]),
        "country": country, "address": addresses[0] if addresses else None,
        **fields, "attributes": clean_attributes(attributes),
    }


def _listings(uid: str, entry: Element) -> list[dict[str, Any]]:
    programs = dedupe(texts(entry, "programList/program")) or [None]
    return [{"source": SOURCE, "record_id": uid, "list_name": LIST_NAME, "program": program}
            for program in programs]


def _entry(entry: Element, line: int | None) -> SourceEntry:
    uid = text(entry, "uid")
    row: dict[str, Any] = {"source": SOURCE, "record_id": uid}
    if uid is None:
        return SourceEntry(line, row, aside=("record_id", "sdnEntry has no uid"))
    sdn_type = text(entry, "sdnType")
    entity_type = ENTITY_TYPES.get(sdn_type or "")
    if entity_type is None:
        reason = (f"sdnType {sdn_type!r} is not resolved: only company (Entity), person "
                  "(Individual) and vessel (Vessel) records are") if sdn_type else "sdnType is missing"
        return SourceEntry(line, row, aside=("sdnType", reason))
    return SourceEntry(line, _record(uid, entity_type, entry), _listings(uid, entry))


def read(path: Path, batch: InputBatch) -> None:
    """Read one OFAC ``sdn.xml`` into ``batch``; an unreadable file raises ``InputFileError``."""
    entries = [_entry(element, line)
               for element, line in stream_entries(path, ROOT_TAG, frozenset({ENTRY_TAG}))]
    commit(entries, batch, path)
