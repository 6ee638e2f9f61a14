"""The shared vocabulary: canonical records, relations and listings (pydantic), validated.

This is the one place these models live; the readers produce them, the linker, the entity
builder and the graph loader consume them, and the API's schemas mirror their public fields.
Validators normalise what real data writes loosely (country names, loose dates, ``IMO 9xxxxxx``)
and raise ``ValueError`` with a clear reason for what cannot be right (bad IMO check digit,
impossible date, empty name); the reader turns each into a quarantine row naming the field.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from resolution.standardise.countries import to_iso2
from resolution.standardise.dates import normalise_date
from resolution.standardise.identifiers import (
    normalise_imo,
    normalise_mmsi,
    normalise_registration_number,
)


class EntityType(StrEnum):
    COMPANY = "company"
    PERSON = "person"
    VESSEL = "vessel"


class RelationType(StrEnum):
    OWNER_OF = "owner_of"
    DIRECTOR_OF = "director_of"
    SHAREHOLDER_OF = "shareholder_of"
    OPERATOR_OF = "operator_of"
    MANAGER_OF = "manager_of"
    TRADED_WITH = "traded_with"
    FAMILY_OF = "family_of"
    ASSOCIATE_OF = "associate_of"

    @property
    def graph_type(self) -> str:
        """The Neo4j relationship type, e.g. ``OWNER_OF``."""
        return self.value.upper()


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from Parquet/Arrow
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _to_text(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


OptionalText = Annotated[str | None, BeforeValidator(_to_text)]


def _source_name(value: Any) -> Any:
    """A source's name as text, one string object per name: every record of a source carries it,
    and a million copies of ``cn_registry`` took 60 MB."""
    value = _to_text(value)
    return sys.intern(value) if isinstance(value, str) else value


SourceName = Annotated[str, BeforeValidator(_source_name)]


def _split_aliases(value: Any) -> list[str]:
    value = _blank_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split("|")
    elif isinstance(value, (list, tuple)):
        parts = [str(v) for v in value if v is not None]
    else:
        raise ValueError(f"aliases must be text or a list, got {type(value).__name__}")
    seen: dict[str, None] = {}
    for part in parts:
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


class Record(BaseModel):
    """One source record of a company, person or vessel; ``(source, record_id)`` is its key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SourceName = Field(min_length=1)
    record_id: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1)
    entity_type: EntityType
    name: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1, max_length=1000)
    aliases: Annotated[list[str], BeforeValidator(_split_aliases)] = Field(default_factory=list)
    country: OptionalText = None
    address: OptionalText = None
    registration_number: OptionalText = None
    incorporation_date: OptionalText = None
    date_of_birth: OptionalText = None
    nationality: OptionalText = None
    id_number: OptionalText = None
    imo: OptionalText = None
    mmsi: OptionalText = None
    call_sign: OptionalText = None
    flag: OptionalText = None
    attributes: dict[str, str] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return record_key(self.source, self.record_id)

    @field_validator("country", "nationality", "flag")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        return to_iso2(value)

    @field_validator("incorporation_date", "date_of_birth")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return normalise_date(value)

    @field_validator("imo")
    @classmethod
    def _imo(cls, value: str | None) -> str | None:
        return normalise_imo(value)

    @field_validator("mmsi")
    @classmethod
    def _mmsi(cls, value: str | None) -> str | None:
        return normalise_mmsi(value)

    @field_validator("registration_number")
    @classmethod
    def _registration(cls, value: str | None) -> str | None:
        return normalise_registration_number(value)


class Relation(BaseModel):
    """A relation between two records of the same source, e.g. a directorship or a shipment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SourceName = Field(min_length=1)
    from_record_id: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1)
    to_record_id: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1)
    relation: RelationType
    start_date: OptionalText = None
    end_date: OptionalText = None
    share_pct: Annotated[float | None, BeforeValidator(_blank_to_none)] = Field(None, ge=0, le=100)
    value_usd: Annotated[float | None, BeforeValidator(_blank_to_none)] = Field(None, ge=0)
    hs_code: OptionalText = None
    shipments: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(None, ge=0)

    @field_validator("start_date", "end_date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return normalise_date(value)

    @property
    def from_key(self) -> str:
        return record_key(self.source, self.from_record_id)

    @property
    def to_key(self) -> str:
        return record_key(self.source, self.to_record_id)


class Listing(BaseModel):
    """A sanctions-list entry naming one record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SourceName = Field(min_length=1)
    record_id: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1)
    list_name: Annotated[str, BeforeValidator(_to_text)] = Field(min_length=1)
    program: OptionalText = None
    listed_on: OptionalText = None

    @field_validator("listed_on")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return normalise_date(value)

    @property
    def key(self) -> str:
        return record_key(self.source, self.record_id)


class QuarantineRow(BaseModel):
    """Why one input row was set aside; written to ``quarantine.csv``."""

    source: str
    record_id: str
    field: str
    reason: str
    kind: str
    file: str
    line: int | None = None


RECORD_FIELDS: frozenset[str] = frozenset(Record.model_fields) - {"attributes"}
RELATION_FIELDS: frozenset[str] = frozenset(Relation.model_fields)
LISTING_FIELDS: frozenset[str] = frozenset(Listing.model_fields)


class FieldsSets:
    """The distinct sets of given field names (``model_fields_set``) in order of first use, and the
    position of each set given among them. Equal sets are told apart once per set object
    (``InputBatch`` gives the models of one file's columns one shared set), not once per model."""

    def __init__(self) -> None:
        self._position: dict[frozenset[str], int] = {}
        self._by_object: dict[int, int] = {}
        self._held: list[set[str]] = []  # each set seen, kept alive so that its id is not reused

    def position(self, names: set[str]) -> int:
        """The position of ``names`` among the sets given so far."""
        at = self._by_object.get(id(names))
        if at is None:
            at = self._by_object[id(names)] = self._position.setdefault(frozenset(names), len(self._position))
            self._held.append(names)
        return at

    @property
    def sets(self) -> list[frozenset[str]]:
        """The distinct sets, in order of first use."""
        return list(self._position)


def fields_set_positions(items: Iterable[BaseModel]) -> tuple[list[int], list[frozenset[str]]]:
    """For each of ``items``, the position of its set of given field names among the distinct such
    sets (``FieldsSets``), and those sets in order of first use."""
    sets = FieldsSets()
    return [sets.position(item.__pydantic_fields_set__) for item in items], sets.sets


ModelT = TypeVar("ModelT", bound=BaseModel)


def models_of_columns(model: type[ModelT], columns: Sequence[Sequence[Any]], fields_set_of: Iterable[int],
                      fields_sets: Sequence[set[str]]) -> Iterator[ModelT]:
    """Models of ``model`` from the values of its fields (``columns``, in ``model_fields`` order),
    each given the set ``fields_sets[fields_set_of[i]]`` as its given fields, not validated again:
    the attributes pydantic's own unpickling (``__setstate__``) sets, without its state dictionary
    and call (829k relations: 1.4-1.5 s against 1.6-1.9 s). For values a model of the same class
    validated elsewhere (a worker process, Arrow columns)."""
    fields = tuple(model.model_fields)
    new, put = model.__new__, object.__setattr__
    for which, *values in zip(fields_set_of, *columns, strict=True):
        item = new(model)
        put(item, "__dict__", dict(zip(fields, values, strict=True)))
        put(item, "__pydantic_fields_set__", fields_sets[which])
        put(item, "__pydantic_extra__", None)
        put(item, "__pydantic_private__", None)
        yield item


def record_key(source: str, record_id: str) -> str:
    """The graph key of a record: ``source:record_id``."""
    return f"{source}:{record_id}"
