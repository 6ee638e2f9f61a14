"""Reader for FollowTheMoney (FtM) entities as JSON lines (e.g. OpenSanctions ``entities.ftm.json``).

Format: one entity per line, ``{"id": ..., "schema": "Company", "properties": {"name": [...], ...},
"datasets": [...]}``; every property value is a list of strings, and properties of type ``entity``
hold the id of another entity of the same file (possibly further down, so the file is read twice:
the first pass collects ``Address`` texts, referenced address ids and the datasets; the second pass
maps every line). Property names follow the FtM schema files (``followthemoney/schema/*.yaml``).

Mapping to the canonical model (DESIGN.md, "Canonical records"); record id = FtM id:

- ``Company``, ``Organization``, ``PublicBody``, ``LegalEntity`` -> company record: ``country`` from
  ``jurisdiction`` / ``country`` / ``mainCountry``; ``registration_number`` from
  ``registrationNumber``, else ``ogrnCode`` or ``uscCode`` (national register numbers, also kept as
  attributes); ``incorporation_date`` from ``incorporationDate``.
- ``Person`` -> person record: ``date_of_birth`` from ``birthDate``, ``nationality`` from
  ``nationality`` / ``citizenship``, ``id_number`` from ``idNumber``, else ``passportNumber``
  (kept as attribute too); without ``name`` the name is built from ``firstName`` ... ``lastName``.
- ``Vessel`` -> vessel record: ``imo`` from ``imoNumber``, ``mmsi``, ``call_sign`` from ``callSign``,
  ``flag``. Its ``owner`` / ``operator`` references become ``owner_of`` / ``operator_of`` relations
  (and a legal entity's deprecated ``parent`` becomes ``parent owner_of child``).
- Every record: ``name`` = first ``name``; ``aliases`` = the other names + ``alias`` +
  ``previousName`` + ``weakAlias``; ``address`` = ``address`` values, then the text of each
  ``addressEntity`` (``full``, else street/city/.../country joined), the first one kept in
  ``address`` and the others in attribute ``other_addresses``. Every other property is kept as an
  attribute named after it (values joined with ``|``); a property whose value went into a field is
  also kept as attribute when it had several values. Attributes ``ftm_schema``, ``datasets``,
  ``referents``, ``first_seen`` and ``last_seen`` record the provenance.
  Countries are FtM codes (``cn``, ``kp``); codes that are no ISO 3166 country (``xk``, ``zz``,
  ``suhh``) do not fill the field and stay in the attributes instead of quarantining the record.
- Links -> relations, one per (source, target) pair:
  ``Ownership`` owner -> asset: ``shareholder_of`` when the ownership is about shares (any of
  ``sharesCount``, ``sharesValue``, ``sharesType``, ``sharesCurrency`` is set, or ``ownershipType`` /
  ``role`` / ``legalBasis`` mentions "share" or "stock"), else ``owner_of``; ``share_pct`` from
  ``percentage`` (``51``, ``51.5%``, ``51,5``); ``Directorship`` director -> organization:
  ``director_of``; ``Family`` person -> relative: ``family_of``; ``Associate`` person -> associate:
  ``associate_of``; ``UnknownLink`` subject -> object: by its ``role`` (shareholder, director,
  owner, operator, manager; "Managing director" is a director), else ``associate_of``;
  ``Representation`` agent -> client and ``Employment`` employee -> employer: ``associate_of``
  (both are personal/business ties the graph only has the generic relation for).
  ``start_date`` / ``end_date`` from ``startDate`` (else ``date``) / ``endDate``. The relation model
  has no place for ``role`` / ``relationship`` texts: they are not carried.
- ``Sanction`` -> one listing per ``entity``: ``list_name`` = ``authority``, else the sanction's
  first dataset (else the source); ``program`` = ``program``, else ``programId``; ``listed_on`` =
  ``listingDate``, else ``startDate``, else ``date``.
- ``Address`` entities are not records: their text goes into the records pointing at them.

Source rule: relations and listings must name their endpoints with the endpoints' own source, so
one file has one source. It is the first dataset of its entities when they all name the same one
(a per-dataset export such as OpenSanctions ``us_ofac_sdn/entities.ftm.json``); when no entity
names a dataset, or the file mixes datasets (a merged collection), it is the file name up to its
first dot (``sdn.ftm.json`` -> ``sdn``); each record keeps its own datasets in attribute
``datasets``. Sources are slugged (lowercase, ``[a-z0-9_]``).

Quarantined (with the line number): invalid JSON, invalid UTF-8, a line that is not an object, a
missing ``id`` / ``schema``, ``properties`` that is not an object; any other schema (``Airplane``,
``Payment``, ``Passport``, ``Occupancy``, ...; field ``schema``); a link without one of its
endpoints (field = the FtM property); a sanction without ``entity``; an ``Address`` no entity
points at (field ``addressEntity``); a ``percentage`` that is not a number (field ``share_pct``:
that quarantine row only reports the value, the relation is kept without ``share_pct``); and
whatever the canonical models reject (bad IMO check digit, impossible date, empty name, ...).
Relations and listings naming records that are not in the input are set aside by
``InputBatch.finish``. A file that cannot be opened, or holds no line at all, raises
``InputFileError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resolution.errors import InputFileError
from resolution.models import EntityType, RelationType
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, InputBatch
from resolution.standardise.countries import country_or_none

COMPANY_SCHEMATA = frozenset({"Company", "Organization", "PublicBody", "LegalEntity"})
PERSON_SCHEMATA = frozenset({"Person"})
VESSEL_SCHEMATA = frozenset({"Vessel"})
RECORD_SCHEMATA = COMPANY_SCHEMATA | PERSON_SCHEMATA | VESSEL_SCHEMATA
ADDRESS_SCHEMA = "Address"
SANCTION_SCHEMA = "Sanction"
# Link schema -> (property of the "from" entity, property of the "to" entity), as the schema's edge.
LINK_ENDPOINTS: dict[str, tuple[str, str]] = {
    "Ownership": ("owner", "asset"),
    "Directorship": ("director", "organization"),
    "Family": ("person", "relative"),
    "Associate": ("person", "associate"),
    "UnknownLink": ("subject", "object"),
    "Representation": ("agent", "client"),
    "Employment": ("employee", "employer"),
}
SUPPORTED_SCHEMATA = RECORD_SCHEMATA | set(LINK_ENDPOINTS) | {ADDRESS_SCHEMA, SANCTION_SCHEMA}

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
PERSON_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
ADDRESS_PARTS = ("street", "street2", "postOfficeBox", "postalCode", "city", "region", "state")
SHARE_PROPS = ("sharesCount", "sharesValue", "sharesType", "sharesCurrency")
SHARE_WORDS = re.compile(r"share|stock", re.IGNORECASE)
# UnknownLink roles, first match wins ("Managing director" is a director, not a manager).
ROLE_RELATIONS: tuple[tuple[re.Pattern[str], RelationType], ...] = (
    (re.compile(r"share|stock", re.IGNORECASE), RelationType.SHAREHOLDER_OF),
    (re.compile(r"director", re.IGNORECASE), RelationType.DIRECTOR_OF),
    (re.compile(r"owner", re.IGNORECASE), RelationType.OWNER_OF),
    (re.compile(r"operat", re.IGNORECASE), RelationType.OPERATOR_OF),
    (re.compile(r"manag", re.IGNORECASE), RelationType.MANAGER_OF),
)
# Reference properties of a record that are relations from the referenced entity to the record.
RECORD_REFERENCES: dict[str, RelationType] = {
    "owner": RelationType.OWNER_OF,
    "operator": RelationType.OPERATOR_OF,
    "parent": RelationType.OWNER_OF,
}
TOP_LEVEL_ATTRIBUTES = ("referents", "first_seen", "last_seen")
PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%?$")
SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Entity:
    """One parsed FtM entity; property values are cleaned lists of strings."""

    id: str
    schema: str
    properties: dict[str, list[str]]
    datasets: list[str]
    top_level: dict[str, str]

    def values(self, *props: str) -> list[str]:
        """The values of ``props``, in order."""
        return [value for prop in props for value in self.properties.get(prop, [])]

    def first(self, *props: str) -> str | None:
        """The first value of the first of ``props`` that has one."""
        values = self.values(*props)
        return values[0] if values else None


@dataclass(frozen=True)
class BadLine:
    """A line that holds no usable entity: the field at fault and why."""

    field: str
    reason: str
    record_id: str = "?"


@dataclass
class FileContext:
    """What the first pass learns about a file: its source and its addresses."""

    path: Path
    source: str
    addresses: dict[str, str] = field(default_factory=dict)
    referenced_addresses: set[str] = field(default_factory=set)


def slug(text: str) -> str:
    """A short lowercase source slug (``US OFAC-SDN`` -> ``us_ofac_sdn``)."""
    return SLUG.sub("_", text.lower()).strip("_")


# --- reading and parsing lines ---------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """Non-blank lines with their 1-based number; ``None`` for a line that is not UTF-8."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield number, None
                    continue
                text = text.lstrip("\ufeff").strip()
                if text:
                    yield number, text
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc.strerror or exc}") from exc


def _text_values(value: Any) -> list[str]:
    """Property values as clean strings; a nested entity object stands for its id."""
    items = value if isinstance(value, list) else [value]
    texts: list[str] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, dict):
            item = item.get("id") if item.get("id") else json.dumps(item, ensure_ascii=False)
        elif not isinstance(item, str):
            item = json.dumps(item, ensure_ascii=False)
        item = str(item).strip()
        if item:
            texts.append(item)
    return texts


def _top_level(value: dict[str, Any]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key in TOP_LEVEL_ATTRIBUTES:
        texts = _text_values(value.get(key))
        if texts:
            kept[key] = "|".join(texts)
    return kept


def parse_line(text: str | None) -> Entity | BadLine:
    """One JSON line -> an ``Entity``, or a ``BadLine`` naming the field at fault."""
    if text is None:
        return BadLine("<row>", "line is not valid UTF-8 text")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return BadLine("<row>", f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(value, dict):
        return BadLine("<row>", f"a line must hold one FtM entity object, got {type(value).__name__}")
    entity_id = _text_values(value.get("id"))
    if not entity_id:
        return BadLine("id", "FtM entity has no id")
    schema = value.get("schema")
    if not isinstance(schema, str) or not schema.strip():
        return BadLine("schema", "FtM entity has no schema", entity_id[0])
    properties = value.get("properties", {})
    if not isinstance(properties, dict):
        return BadLine("properties", "FtM 'properties' must be an object of value lists", entity_id[0])
    cleaned = {str(k): v for k, v in ((k, _text_values(v)) for k, v in properties.items()) if v}
    return Entity(
        id=entity_id[0], schema=schema.strip(), properties=cleaned,
        datasets=_text_values(value.get("datasets")), top_level=_top_level(value),
    )


# --- first pass: source and addresses -----------------------------------------------------------


def address_text(entity: Entity) -> str | None:
    """The text of an ``Address`` entity: ``full``, else its parts joined with commas."""
    full = entity.first("full")
    if full:
        return full
    parts = [value for prop in ADDRESS_PARTS if (value := entity.first(prop))]
    country = entity.first("country")
    if country:
        parts.append(country.upper())
    return ", ".join(parts) or None


def _file_slug(path: Path) -> str:
    return slug(path.name.split(".", 1)[0]) or "ftm"


def scan(path: Path) -> FileContext:
    """First pass: the file's source, the address texts and which addresses are referenced."""
    firsts: set[str] = set()
    addresses: dict[str, str] = {}
    referenced: set[str] = set()
    seen_lines = 0
    for _number, text in _lines(path):
        seen_lines += 1
        entity = parse_line(text)
        if isinstance(entity, BadLine):
            continue
        if entity.datasets and slug(entity.datasets[0]):
            firsts.add(slug(entity.datasets[0]))
        referenced.update(entity.values("addressEntity"))
        if entity.schema == ADDRESS_SCHEMA and (full := address_text(entity)):
            addresses.setdefault(entity.id, full)
    if seen_lines == 0:
        raise InputFileError(str(path), "empty FtM JSON lines file")
    source = next(iter(firsts)) if len(firsts) == 1 else _file_slug(path)
    return FileContext(path=path, source=source, addresses=addresses, referenced_addresses=referenced)


# --- records ------------------------------------------------------------------------------------


def _is_country(value: str) -> bool:
    return country_or_none(value) is not None


class RowBuilder:
    """Fills a canonical record row from an entity and remembers which properties it used up."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self.row: dict[str, Any] = {}
        self.consumed: set[str] = set()

    def take(self, name: str, *props: str, consume: bool = True,
             accept: Callable[[str], bool] = bool) -> None:
        """Set field ``name`` (if still unset) to the first acceptable value of ``props``.

        A property is used up (not repeated as attribute) when it had exactly that one value.
        """
        if self.row.get(name):
            return
        for prop in props:
            values = self.entity.values(prop)
            for value in values:
                if accept(value):
                    self.row[name] = value
                    if consume and len(values) == 1:
                        self.consumed.add(prop)
                    return

    def take_country(self, name: str, *props: str) -> None:
        """Like ``take``, skipping FtM territory codes that are no ISO country (kept as attributes)."""
        self.take(name, *props, accept=_is_country)


def _names(entity: Entity) -> tuple[str | None, list[str]]:
    names = entity.values("name")
    aliases = names[1:] + entity.values("alias", "previousName", "weakAlias")
    if names:
        return names[0], aliases
    if entity.schema in PERSON_SCHEMATA:
        parts = [value for prop in PERSON_NAME_PARTS if (value := entity.first(prop))]
        if parts:
            return " ".join(parts), aliases
    return None, aliases


def _addresses(entity: Entity, context: FileContext) -> tuple[list[str], list[str]]:
    """The address texts of an entity (own ``address`` first) and the references not found."""
    refs = entity.values("addressEntity")
    texts = entity.values("address") + [context.addresses[r] for r in refs if r in context.addresses]
    unique: dict[str, str] = {}
    for text in texts:
        unique.setdefault(" ".join(text.lower().split()), text)
    return list(unique.values()), [r for r in refs if r not in context.addresses]


def _fill_company(builder: RowBuilder) -> None:
    builder.take_country("country", "jurisdiction", "country", "mainCountry")
    builder.take("registration_number", "registrationNumber")
    builder.take("registration_number", "ogrnCode", "uscCode", consume=False)
    builder.take("incorporation_date", "incorporationDate")


def _fill_person(builder: RowBuilder) -> None:
    builder.take_country("country", "country")
    builder.take_country("nationality", "nationality", "citizenship")
    builder.take("date_of_birth", "birthDate")
    builder.take("id_number", "idNumber")
    builder.take("id_number", "passportNumber", consume=False)


def _fill_vessel(builder: RowBuilder) -> None:
    builder.take_country("country", "country")
    builder.take("imo", "imoNumber")
    builder.take("mmsi", "mmsi")
    builder.take("call_sign", "callSign")
    builder.take_country("flag", "flag")


def _entity_type(schema: str) -> EntityType:
    if schema in PERSON_SCHEMATA:
        return EntityType.PERSON
    if schema in VESSEL_SCHEMATA:
        return EntityType.VESSEL
    return EntityType.COMPANY


FILLERS: dict[EntityType, Callable[[RowBuilder], None]] = {
    EntityType.COMPANY: _fill_company,
    EntityType.PERSON: _fill_person,
    EntityType.VESSEL: _fill_vessel,
}


def record_row(entity: Entity, context: FileContext) -> dict[str, Any]:
    """The canonical record row of a company, person or vessel entity (not yet validated)."""
    entity_type = _entity_type(entity.schema)
    builder = RowBuilder(entity)
    FILLERS[entity_type](builder)
    name, aliases = _names(entity)
    addresses, missing_refs = _addresses(entity, context)
    consumed = builder.consumed | set(NAME_PROPS) | {"address", "addressEntity"} | set(RECORD_REFERENCES)
    attributes = {prop: "|".join(values) for prop, values in entity.properties.items()
                  if prop not in consumed}
    if len(addresses) > 1:
        attributes["other_addresses"] = "|".join(addresses[1:])
    if missing_refs:
        attributes["addressEntity"] = "|".join(missing_refs)
    attributes["ftm_schema"] = entity.schema
    if entity.datasets:
        attributes["datasets"] = "|".join(entity.datasets)
    attributes.update(entity.top_level)
    return {
        **builder.row, "source": context.source, "record_id": entity.id,
        "entity_type": entity_type.value, "name": name, "aliases": aliases,
        "address": addresses[0] if addresses else None, "attributes": attributes,
    }


# --- relations ----------------------------------------------------------------------------------


def _ownership_type(entity: Entity) -> RelationType:
    if entity.values(*SHARE_PROPS):
        return RelationType.SHAREHOLDER_OF
    if any(SHARE_WORDS.search(v) for v in entity.values("ownershipType", "role", "legalBasis")):
        return RelationType.SHAREHOLDER_OF
    return RelationType.OWNER_OF


def _role_type(entity: Entity) -> RelationType:
    for role in entity.values("role"):
        for pattern, relation in ROLE_RELATIONS:
            if pattern.search(role):
                return relation
    return RelationType.ASSOCIATE_OF


def relation_type(entity: Entity) -> RelationType:
    """The canonical relation of a link entity (see the module docstring)."""
    if entity.schema == "Ownership":
        return _ownership_type(entity)
    if entity.schema == "UnknownLink":
        return _role_type(entity)
    fixed = {"Directorship": RelationType.DIRECTOR_OF, "Family": RelationType.FAMILY_OF}
    return fixed.get(entity.schema, RelationType.ASSOCIATE_OF)


def parse_percentage(values: list[str]) -> float | None:
    """The first percentage that is a plain number (``51``, ``51.5 %``, ``51,5``), else ``None``."""
    for value in values:
        match = PERCENT.match(value.strip())
        if match:
            return float(match.group(1).replace(",", "."))
    return None


def _relation_rows(entity: Entity, source: str) -> Iterator[dict[str, Any]]:
    from_prop, to_prop = LINK_ENDPOINTS[entity.schema]
    base = {
        "source": source, "relation": relation_type(entity).value,
        "start_date": entity.first("startDate", "date"), "end_date": entity.first("endDate"),
    }
    for from_id in entity.values(from_prop) or [None]:
        for to_id in entity.values(to_prop) or [None]:
            yield {**base, "from_record_id": from_id, "to_record_id": to_id}


def read_link(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """A link entity (Ownership, Directorship, ...) -> one relation per endpoint pair."""
    file = str(context.path)
    from_prop, to_prop = LINK_ENDPOINTS[entity.schema]
    percentages = entity.values("percentage")
    share_pct = parse_percentage(percentages)
    for row in _relation_rows(entity, context.source):
        missing = [p for p, k in ((from_prop, "from_record_id"), (to_prop, "to_record_id")) if not row[k]]
        if missing:
            batch.set_aside(KIND_RELATIONS, row, missing[0],
                            f"{entity.schema} {entity.id} has no {missing[0]}", file=file, line=line)
            continue
        if percentages and share_pct is None:
            batch.set_aside(KIND_RELATIONS, row, "share_pct",
                            f"percentage {percentages[0]!r} is not a number; "
                            "the relation is kept without share_pct", file=file, line=line)
        batch.accept(KIND_RELATIONS, {**row, "share_pct": share_pct}, file=file, line=line)


def read_record_references(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """``owner`` / ``operator`` / ``parent`` references of a record -> relations to the record."""
    for prop, relation in RECORD_REFERENCES.items():
        for other in entity.values(prop):
            row = {"source": context.source, "from_record_id": other,
                   "to_record_id": entity.id, "relation": relation.value}
            batch.accept(KIND_RELATIONS, row, file=str(context.path), line=line)


# --- listings, addresses, dispatch --------------------------------------------------------------


def read_sanction(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """A ``Sanction`` -> one listing per sanctioned entity."""
    list_name = entity.first("authority") or (entity.datasets[0] if entity.datasets else context.source)
    base = {
        "source": context.source, "list_name": list_name,
        "program": entity.first("program", "programId"),
        "listed_on": entity.first("listingDate", "startDate", "date"),
    }
    targets = entity.values("entity")
    if not targets:
        batch.set_aside(KIND_LISTINGS, {**base, "record_id": entity.id}, "entity",
                        f"Sanction {entity.id} names no entity", file=str(context.path), line=line)
    for target in targets:
        batch.accept(KIND_LISTINGS, {**base, "record_id": target}, file=str(context.path), line=line)


def read_address(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """An ``Address`` is used through the records pointing at it; one nobody points at is set aside."""
    if entity.id in context.referenced_addresses:
        return
    row = {"source": context.source, "record_id": entity.id}
    batch.set_aside(KIND_RECORDS, row, "addressEntity",
                    "Address entity that no entity points at (addresses are not records; their "
                    "text goes into the records that reference them)", file=str(context.path), line=line)


def read_unsupported(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """Any schema the canonical model has no place for."""
    row = {"source": context.source, "record_id": entity.id}
    supported = ", ".join(sorted(SUPPORTED_SCHEMATA))
    batch.set_aside(KIND_RECORDS, row, "schema",
                    f"unsupported FtM schema {entity.schema!r} (supported: {supported})",
                    file=str(context.path), line=line)


def read_entity(entity: Entity, context: FileContext, batch: InputBatch, line: int) -> None:
    """Map one entity by its schema."""
    if entity.schema in RECORD_SCHEMATA:
        batch.accept(KIND_RECORDS, record_row(entity, context), file=str(context.path), line=line)
        read_record_references(entity, context, batch, line)
    elif entity.schema in LINK_ENDPOINTS:
        read_link(entity, context, batch, line)
    elif entity.schema == SANCTION_SCHEMA:
        read_sanction(entity, context, batch, line)
    elif entity.schema == ADDRESS_SCHEMA:
        read_address(entity, context, batch, line)
    else:
        read_unsupported(entity, context, batch, line)


def read(path: Path, batch: InputBatch) -> None:
    """Read one FtM JSON lines file into ``batch`` (two passes; bad lines quarantined)."""
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if not path.is_file():
        raise InputFileError(str(path), "not a file")
    context = scan(path)
    for number, text in _lines(path):
        batch.rows_read += 1
        entity = parse_line(text)
        if isinstance(entity, BadLine):
            row = {"source": context.source, "record_id": entity.record_id}
            batch.set_aside(KIND_RECORDS, row, entity.field, entity.reason,
                            file=str(path), line=number)
            continue
        read_entity(entity, context, batch, number)
