"""Parser for the free-text ``Remarks`` of the OFAC SDN list (legacy CSV and XML ``remarks``).

OFAC writes everything it has no column for into one remarks text: clauses separated by ``;``, the
whole text ending with a full stop, alternatives introduced by ``alt.``. For example::

    DOB 22 May 1964; POB Lamerd, Iran; nationality Iran; Gender Male; Passport A2463775 (Iran);
    a.k.a. 'BNC'; Vessel Registration Identification IMO 9187629; MMSI 572469210;
    Linked To: SOLEIMANI, Qasem.

``parse_remarks(text) -> Remarks`` splits the text into typed values, each kept as written (no
normalisation here, so callers decide what to validate): aliases (``a.k.a.`` / ``f.k.a.`` /
``n.k.a.``, quotes stripped), dates and places of birth, nationalities, citizenships, genders,
identity and registration documents (``Identifier``: label, kind, number, country, issued,
expires), vessel IMO / MMSI numbers, former vessel flags, organisation establishment dates,
``Linked To:`` names, and every clause it does not understand in ``other`` (nothing is dropped).

``dob_to_iso`` turns one OFAC date of birth into an ISO date or partial date: ``12 Jan 1957`` ->
``1957-01-12``, ``1957`` -> ``1957``, ``circa 1957`` -> ``1957``; a range keeps what both ends
share (``01 Jan 1957 to 31 Dec 1957`` -> ``1957``) and gives ``None`` when they share no year
(``1957 to 1959``: no single year can be said, and a wrong exact year would mislead matching).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resolution.standardise.dates import InvalidDateError, normalise_date

NULL = "-0-"

IDENTIFIER_KINDS = ("passport", "national_id", "registration", "tax", "imo_company", "other")

# Document labels as OFAC writes them -> kind. Matched longest label first, at the start of a clause.
_LABELS: dict[str, str] = {
    # passports and travel documents
    "Passport": "passport",
    "Passport Booklet:": "passport",
    "Diplomatic Passport": "passport",
    "British National Overseas Passport": "passport",
    "Stateless Person Passport": "passport",
    "Travel Document Number": "passport",
    # national identity numbers
    "National ID No.": "national_id",
    "Cedula No.": "national_id",
    "D.N.I.": "national_id",
    "C.U.R.P.": "national_id",
    "C.U.R.P. #": "national_id",
    "C.U.I.": "national_id",
    "C.U.I.P.": "national_id",
    "Personal ID Card": "national_id",
    "Citizen's Card Number": "national_id",
    "Turkish Identification Number": "national_id",
    "National Foreign ID Number": "national_id",
    "Tazkira National ID Card": "national_id",
    "Kenyan ID No.": "national_id",
    "Moroccan Personal ID No.": "national_id",
    "Numero de Identidad": "national_id",
    "Identification Number": "national_id",
    "SSN": "national_id",
    "LE Number": "national_id",
    "Refugee ID Card": "national_id",
    # company registrations
    "Registration ID": "registration",
    "Registration Number": "registration",
    "Registration Certificate Number": "registration",
    "Business Registration Document #": "registration",
    "Business Registration Number": "registration",
    "Company Number": "registration",
    "UK Company Number": "registration",
    "Company ID: No.": "registration",
    "Commercial Registry Number": "registration",
    "C.R. No.": "registration",
    "Folio Mercantil No.": "registration",
    "Matricula Mercantil No": "registration",
    "Matricula Mercantil No.": "registration",
    "Public Registration Number": "registration",
    "Certificate of Incorporation Number": "registration",
    "Chamber of Commerce Number": "registration",
    "Istanbul Chamber of Comm. No.": "registration",
    "Dubai Chamber of Commerce Membership No.": "registration",
    "Enterprise Number": "registration",
    "Legal Entity Number": "registration",
    "Branch Unit Number": "registration",
    "Government Gazette Number": "registration",
    "Trade License No.": "registration",
    "Registered Charity No.": "registration",
    "United Social Credit Code Certificate (USCCC)": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    # tax numbers
    "Tax ID No.": "tax",
    "NIT #": "tax",
    "R.F.C.": "tax",
    "R.F.C. #": "tax",
    "RFC": "tax",
    "RUC #": "tax",
    "RIF #": "tax",
    "RTN": "tax",
    "C.U.I.T.": "tax",
    "V.A.T. Number": "tax",
    "US FEIN": "tax",
    "Italian Fiscal Code": "tax",
    "Italian Fiscal Code:": "tax",
    # IMO company numbers of ship owners and managers (not vessel IMO numbers)
    "Company Number IMO": "imo_company",
    "Identification Number IMO": "imo_company",
    # other documents and codes
    "D-U-N-S Number": "other",
    "SWIFT/BIC": "other",
    "BIK (RU)": "other",
    "Driver's License No.": "other",
    "Electoral Registry No.": "other",
    "Credencial electoral": "other",
    "I.F.E.": "other",
    "Cartilla de Servicio Militar Nacional": "other",
    "Residency Number": "other",
    "Birth Certificate Number": "other",
    "Immigration No.": "other",
    "Public Security and Immigration No.": "other",
    "VisaNumberID": "other",
    "Pilot License Number": "other",
    "Chinese Commercial Code": "other",
}
_LABEL_PATTERN = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True))
    + r")\s+(?P<rest>.*\d.*)$"
)
_ID_REST = re.compile(
    r"^(?P<number>.+?)(?:\s*\((?P<country>[^()]+)\))?"
    r"(?:\s+issued\s+(?P<issued>.+?))?(?:\s+expires\s+(?P<expires>.+?))?$"
)
_ALIAS = re.compile(r"^(?P<marker>[afn])\.k\.a\.\s*(?P<name>.*)$", re.IGNORECASE)
_ALT_PREFIX = re.compile(r"^alt\.\s+", re.IGNORECASE)
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[A-Za-z]{1,3}\.$")
_VESSEL_IMO = re.compile(r"^Vessel Registration Identification\s+(?:IMO\s+)?(?P<number>.+)$")
_RANGE = re.compile(r"^(?P<start>.+?)\s+to\s+(?P<end>.+)$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(?P<start>\d{4})\s*-\s*(?P<end>\d{4})$")
_CIRCA = re.compile(r"^(?:circa|ca\.?|approximately|approx\.?|about)\s+", re.IGNORECASE)

# Simple "<prefix> <value>" clauses -> the Remarks field that collects them.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Linked To:", "linked_to"),
    ("Linked To", "linked_to"),
    ("DOB", "dates_of_birth"),
    ("POB", "places_of_birth"),
    ("nationality", "nationalities"),
    ("citizen", "citizenships"),
    ("Gender", "genders"),
    ("MMSI", "mmsis"),
    ("Former Vessel Flag", "former_vessel_flags"),
    ("Organization Established Date", "established_dates"),
)


@dataclass(frozen=True)
class Alias:
    """One alias from the remarks: ``kind`` is ``aka``, ``fka`` or ``nka``; quotes stripped."""

    kind: str
    name: str


@dataclass(frozen=True)
class Identifier:
    """One identity or registration document: ``Passport A2463775 (Iran) issued 01 Jan 2010``."""

    label: str
    kind: str
    number: str
    country: str | None = None
    issued: str | None = None
    expires: str | None = None

    def text(self) -> str:
        """The identifier written back as one line, e.g. ``Passport A2463775 (Iran)``."""
        parts = [self.label, self.number]
        if self.country:
            parts.append(f"({self.country})")
        if self.issued:
            parts.append(f"issued {self.issued}")
        if self.expires:
            parts.append(f"expires {self.expires}")
        return " ".join(parts)


@dataclass(frozen=True)
class Remarks:
    """Everything read from one remarks text; every value as written, in the order written."""

    text: str = ""
    aliases: tuple[Alias, ...] = ()
    dates_of_birth: tuple[str, ...] = ()
    places_of_birth: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    citizenships: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    imos: tuple[str, ...] = ()
    mmsis: tuple[str, ...] = ()
    former_vessel_flags: tuple[str, ...] = ()
    established_dates: tuple[str, ...] = ()
    linked_to: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    def identifiers_of(self, kind: str) -> tuple[Identifier, ...]:
        """The identifiers of one kind (see ``IDENTIFIER_KINDS``), in the order written."""
        return tuple(identifier for identifier in self.identifiers if identifier.kind == kind)

    @property
    def passports(self) -> tuple[Identifier, ...]:
        return self.identifiers_of("passport")

    @property
    def national_ids(self) -> tuple[Identifier, ...]:
        return self.identifiers_of("national_id")

    @property
    def registration_numbers(self) -> tuple[Identifier, ...]:
        return self.identifiers_of("registration")


def _is_null(text: str | None) -> bool:
    return text is None or not text.strip() or text.strip() == NULL


def split_clauses(text: str) -> list[str]:
    """The ``;``-separated clauses of a remarks text, without the text's closing full stop.

    The closing full stop is kept when it ends an abbreviation (``S.A.``, ``INC.``, ``Jr.``):
    OFAC writes no second full stop after a name that already ends with one.
    """
    clauses = [clause.strip() for clause in text.split(";")]
    clauses = [clause for clause in clauses if clause]
    if clauses and clauses[-1].endswith(".") and not _ABBREVIATION_END.search(clauses[-1]):
        clauses[-1] = clauses[-1][:-1].rstrip()
    return [clause for clause in clauses if clause]


def strip_quotes(name: str) -> str:
    """``'BNC'`` -> ``BNC``; a quote left open by a truncated remarks text is dropped too."""
    name = name.strip()
    for quote in ("'", '"'):
        if len(name) >= 2 and name.startswith(quote) and name.endswith(quote):
            return name[1:-1].strip()
    if name[:1] in {"'", '"'} and name.count(name[0]) == 1:
        return name[1:].strip()
    return name


def _identifier(clause: str) -> Identifier | None:
    match = _LABEL_PATTERN.match(clause)
    if match is None:
        return None
    rest = _ID_REST.match(match.group("rest").strip())
    if rest is None:  # pragma: no cover - _ID_REST matches any non-empty text
        return None
    label = match.group("label")
    return Identifier(
        label=label, kind=_LABELS[label], number=rest.group("number").strip(),
        country=rest.group("country"), issued=rest.group("issued"), expires=rest.group("expires"),
    )


def _prefixed(clause: str) -> tuple[str, str] | None:
    for prefix, field_name in _PREFIXES:
        if clause.startswith(prefix) and (len(clause) == len(prefix) or clause[len(prefix)] in " :"):
            value = clause[len(prefix):].strip(" :")
            return (field_name, value) if value else None
    return None


def parse_remarks(text: str | None) -> Remarks:
    """Read an OFAC remarks text into ``Remarks``; ``None``, blank or ``-0-`` give empty remarks."""
    if text is None or _is_null(text):
        return Remarks()
    raw = text.strip()
    found: dict[str, list[object]] = {name: [] for name in (
        "aliases", "identifiers", "imos", "other", *(field_name for _, field_name in _PREFIXES))}
    for clause in split_clauses(raw):
        body = _ALT_PREFIX.sub("", clause)
        if alias := _ALIAS.match(body):
            name = strip_quotes(alias.group("name"))
            if name:
                found["aliases"].append(Alias(kind=f"{alias.group('marker').lower()}ka", name=name))
        elif vessel := _VESSEL_IMO.match(body):
            found["imos"].append(vessel.group("number").strip())
        elif prefixed := _prefixed(body):
            found[prefixed[0]].append(prefixed[1])
        elif identifier := _identifier(body):
            found["identifiers"].append(identifier)
        else:
            found["other"].append(clause)
    return Remarks(text=raw, **{name: tuple(values) for name, values in found.items()})  # type: ignore[arg-type]


def _common_prefix(start: str, end: str) -> str | None:
    """The ISO date parts both ends share: ``1957-01-01``/``1957-12-31`` -> ``1957``."""
    shared: list[str] = []
    for left, right in zip(start.split("-"), end.split("-"), strict=False):
        if left != right:
            break
        shared.append(left)
    return "-".join(shared) or None


def dob_to_iso(value: str | None) -> str | None:
    """One OFAC date of birth as an ISO date or partial date; ``None`` when no year can be said.

    ``12 Jan 1957`` -> ``1957-01-12``; ``Jan 1957`` -> ``1957-01``; ``circa 1957`` -> ``1957``;
    ranges (``1957 to 1959``, ``circa 1957-1959``, ``01 Jan 1957 to 31 Dec 1957``) keep the part
    both ends share, ``None`` when the years differ. Raises ``InvalidDateError`` (a ``ValueError``)
    for text that is no date.
    """
    if value is None or _is_null(value):
        return None
    text = _CIRCA.sub("", value.strip())
    match = _RANGE.match(text) or _YEAR_RANGE.match(text)
    if match is None:
        return normalise_date(text)
    start = normalise_date(match.group("start"))
    end = normalise_date(match.group("end"))
    if start is None or end is None:
        raise InvalidDateError(f"unreadable date range {value!r}")
    return _common_prefix(start, end)
