"""Reader for trade shipments: customs bill-of-lading data, one shipment per CSV row.

The format (docs/input-formats.md) follows what bill-of-lading data sets such as Panjiva or
ImportGenius publish: a CSV (``,`` ``;`` tab or ``|`` separated, UTF-8) with the columns

- ``shipment_id`` (required: the bill of lading number or the provider's row id),
  ``source`` (optional; a blank or missing source is the file name as a slug, ``Customs 2016.csv``
  -> ``customs-2016``), ``date`` (arrival or shipment date, loose formats accepted);
- ``shipper_name``, ``shipper_address``, ``shipper_country``, ``consignee_name``,
  ``consignee_address``, ``consignee_country``, optional ``notify_name``, ``notify_address``,
  ``notify_country`` (countries as names or ISO codes);
- ``hs_code``, ``goods_description``, ``value_usd``, ``weight_kg``, ``vessel_name``,
  ``vessel_imo``, ``port_of_lading``, ``port_of_unlading``; any other column is kept.

Mapping to the canonical model, for a shipment ``S``:

- each named party is a ``company`` record ``S:shipper`` / ``S:consignee`` / ``S:notify`` with the
  party's name, address and country; a named vessel is a ``vessel`` record ``S:vessel`` with its
  IMO number. Every record carries the attribute ``shipment_id``, ``party_role`` and the
  shipment's other columns (date, HS code, goods, value, weight, ports, extra columns) as
  attributes, so each record is one party mention on one bill of lading;
- the shipment is a ``traded_with`` relation ``S:shipper -> S:consignee`` with ``shipments=1``,
  ``value_usd``, ``hs_code`` (dots and spaces dropped: ``2701.12`` -> ``270112``) and
  ``start_date = end_date = date``; the entity builder adds shipments up per pair of entities;
- the notify party is a record only, with no relation: it is often a forwarder, broker or bank,
  so an ``associate_of`` edge would invent links (and exposure paths) that the document does not
  state. Its ``shipment_id`` attribute ties it back to the shipment;
- the vessel has no relation either (the relation types have no "carried"): ``shipment_id`` ties it.

Quarantined (one row each, naming the field): a shipment with no id or an id already read (the
first one is kept); a shipment whose shipper or consignee is missing or a placeholder such as
``TO ORDER`` or ``SAME AS CONSIGNEE`` (the relation cannot be made; the parties that are named
are still records); a date that cannot be a date (the relation only); a vessel IMO without a
vessel name; and whatever the models reject (bad IMO check digit, unknown country, negative
value: that record or relation only). Rows that are not well-formed CSV, or that hold bad UTF-8,
NUL characters or a field over 64 KiB are quarantined whole, as in the canonical reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from resolution.errors import InputFileError
from resolution.models import EntityType, RelationType
from resolution.sources.batch import KIND_RECORDS, KIND_RELATIONS, InputBatch
from resolution.sources.canonical import open_csv, printable, row_problem
from resolution.standardise.dates import InvalidDateError, normalise_date

PARTIES = ("shipper", "consignee", "notify")
RELATION_PARTIES = ("shipper", "consignee")
VESSEL_COLUMNS = ("vessel_name", "vessel_imo")
PARTY_FIELDS = ("name", "address", "country")
OWN_COLUMNS = frozenset(
    {"source", "shipment_id"}
    | {f"{party}_{field}" for party in PARTIES for field in PARTY_FIELDS}
    | set(VESSEL_COLUMNS)
)
_PLACEHOLDER = re.compile(
    r"^(?:to\s+(?:the\s+)?order\b.*|same\s+as\s+(?:the\s+)?(?:consignee|shipper|above)|"
    r"n/?a|none|nil|unknown|not\s+(?:available|declared|disclosed|stated)|[-.?*/\s]*)$",
    re.IGNORECASE,
)
_MONEY_NOISE = re.compile(r"(?i)us\$|usd|\$|,|\s")
_HS_NOISE = re.compile(r"[.\s]")


def source_slug(path: Path) -> str:
    """The default source of a trade file: its name without extension, as a lowercase slug."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "trade"


def is_placeholder(name: str) -> bool:
    """True for party names that name nobody: ``TO ORDER``, ``SAME AS CONSIGNEE``, ``N/A``..."""
    return bool(_PLACEHOLDER.match(name.strip()))


def hs_code(value: str | None) -> str | None:
    """An HS code without dots and spaces (``2701.12`` -> ``270112``); other text as written."""
    text = (value or "").strip()
    digits = _HS_NOISE.sub("", text)
    return (digits if digits.isdigit() else text) or None


def money(value: str | None) -> str | None:
    """A US dollar amount without currency marks and thousands separators (``$1,250,000``)."""
    text = _MONEY_NOISE.sub("", value or "")
    return text or None


def _text(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _details(row: dict[str, Any], shipment_id: str) -> dict[str, str]:
    details = {"shipment_id": shipment_id}
    details.update({k: v.strip() for k, v in row.items()
                    if k not in OWN_COLUMNS and isinstance(v, str) and v.strip()})
    return details


class _ShipmentReader:
    """Turns the rows of one trade file into records, relations and quarantine rows."""

    def __init__(self, path: Path, batch: InputBatch) -> None:
        self.path = path
        self.file = str(path)
        self.batch = batch
        self.default_source = source_slug(path)
        self.seen: dict[tuple[str, str], str] = {
            (r.source, r.attributes["shipment_id"]): "in an earlier file"
            for r in batch.records if "shipment_id" in r.attributes
        }

    def shipment(self, line: int, row: dict[str, Any], problem: tuple[str, str] | None) -> None:
        source = _text(row, "source") or self.default_source
        shipment_id = _text(row, "shipment_id")
        problem = problem or row_problem(row) or self._id_problem(source, shipment_id, line)
        if problem is not None:
            whole = {"source": printable(source), "record_id": printable(shipment_id) or "?"}
            self.batch.set_aside(KIND_RECORDS, whole, *problem, file=self.file, line=line)
            return
        details = _details(row, shipment_id)
        named = {party: self._party(line, row, source, shipment_id, party, details) for party in PARTIES}
        self._vessel(line, row, source, shipment_id, details)
        self._relation(line, row, source, shipment_id, named)

    def _id_problem(self, source: str, shipment_id: str, line: int) -> tuple[str, str] | None:
        if not shipment_id:
            return "shipment_id", "is empty: a shipment needs an id"
        first = self.seen.get((source, shipment_id))
        if first is not None:
            return "shipment_id", f"duplicate shipment id (first read {first}): first one kept"
        self.seen[(source, shipment_id)] = f"on line {line}"
        return None

    def _party(self, line: int, row: dict[str, Any], source: str, shipment_id: str, party: str,
               details: dict[str, str]) -> bool:
        name = _text(row, f"{party}_name")
        if not name or is_placeholder(name):
            return False
        record = {
            "source": source, "record_id": f"{shipment_id}:{party}", "entity_type": EntityType.COMPANY.value,
            "name": name, "address": row.get(f"{party}_address"), "country": row.get(f"{party}_country"),
            "attributes": {**details, "party_role": party},
        }
        self.batch.accept(KIND_RECORDS, record, file=self.file, line=line)
        return True

    def _vessel(self, line: int, row: dict[str, Any], source: str, shipment_id: str,
                details: dict[str, str]) -> None:
        name, imo = _text(row, "vessel_name"), _text(row, "vessel_imo")
        record = {
            "source": source, "record_id": f"{shipment_id}:vessel", "entity_type": EntityType.VESSEL.value,
            "name": name, "imo": imo, "attributes": {**details, "party_role": "vessel"},
        }
        if name:
            self.batch.accept(KIND_RECORDS, record, file=self.file, line=line)
        elif imo:
            self.batch.set_aside(KIND_RECORDS, record, "vessel_name",
                                 f"is empty: vessel_imo {printable(imo)!r} is given without a vessel name",
                                 file=self.file, line=line)

    def _relation(self, line: int, row: dict[str, Any], source: str, shipment_id: str,
                  named: dict[str, bool]) -> None:
        relation: dict[str, Any] = {
            "source": source,
            "from_record_id": f"{shipment_id}:shipper" if named["shipper"] else None,
            "to_record_id": f"{shipment_id}:consignee" if named["consignee"] else None,
            "relation": RelationType.TRADED_WITH.value,
        }
        for party in RELATION_PARTIES:
            if not named[party]:
                name = _text(row, f"{party}_name")
                what = f"names no party ({printable(name)!r})" if name else "is empty"
                self.batch.set_aside(KIND_RELATIONS, relation, f"{party}_name",
                                     f"{what}: the shipment relation needs a shipper and a consignee",
                                     file=self.file, line=line)
                return
        try:
            date = normalise_date(_text(row, "date"))
        except InvalidDateError as exc:
            self.batch.set_aside(KIND_RELATIONS, relation, "date", str(exc), file=self.file, line=line)
            return
        relation.update(shipments=1, value_usd=money(_text(row, "value_usd")),
                        hs_code=hs_code(_text(row, "hs_code")), start_date=date, end_date=date)
        self.batch.accept(KIND_RELATIONS, relation, file=self.file, line=line)


def read(path: Path, batch: InputBatch) -> None:
    """Read one trade shipments CSV into ``batch``; bad rows are quarantined, a bad file raises."""
    columns, _delimiter, rows = open_csv(path)
    if "shipment_id" not in columns:
        raise InputFileError(str(path), f"a trade file needs a 'shipment_id' column; found {sorted(columns)}")
    reader = _ShipmentReader(path, batch)
    for line, row, problem in rows:
        batch.rows_read += 1
        reader.shipment(line, row, problem)
