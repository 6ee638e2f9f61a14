"""Models built straight from the cells of plain CSV rows, with what pydantic would give them.

Validating every row with pydantic took most of the reading time: at a million records some
20 s, for rows that are nearly all plain text, a known entity type, a country or date that the
model's own validator accepts, and blank cells. A ``RowBuilder`` makes those rows' models without
pydantic's per-row work: each cell goes through the same field validator functions the models
use (``normalise_date``, ``to_iso2``...), answers for repeated cells are kept per column, and the
model is put together from the values (as ``resolution.sources.parallel`` rebuilds models).

A builder never decides that a row is wrong. Anything it does not know for certain how pydantic
takes (a blank required field, a name over its length limit, a number not written as plain
digits, a value a validator rejects, an unknown entity type) makes it answer ``None``, and the
row is validated by pydantic as before, so what is accepted, what is quarantined and every
message stay pydantic's own. ``tests/resolution/sources/test_prevalidated.py`` checks builders
against ``model_validate`` on generated rows, rejected ones included.

Only files whose columns the builder understands get one (``understood``): every required field
has a column, no column is called ``attributes``; other files are validated row by row.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import annotated_types
from pydantic import BaseModel

from resolution.models import (
    LISTING_FIELDS,
    RECORD_FIELDS,
    RELATION_FIELDS,
    EntityType,
    Listing,
    Record,
    Relation,
    RelationType,
    _split_aliases,
)
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, Kind


class Defer(Exception):  # noqa: N818 - a signal, not an error
    """The cell is left to pydantic: the builder does not know for certain how it validates."""


Convert = Callable[[str], Any]
"""A cell's text -> the field's value, or ``Defer``."""

_UNKNOWN = object()
_DEFERRED = object()
_PLAIN_INT = re.compile(r"(?:0|[1-9][0-9]{0,14})\Z")
_PLAIN_FLOAT = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?\Z")


def _length_bounds(model: type[BaseModel], name: str) -> tuple[int, int]:
    low, high = 0, sys.maxsize
    for rule in model.model_fields[name].metadata:
        if isinstance(rule, annotated_types.MinLen):
            low = rule.min_length
        elif isinstance(rule, annotated_types.MaxLen):
            high = rule.max_length
    return low, high


def _number_bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    low, high = -float("inf"), float("inf")
    for rule in model.model_fields[name].metadata:
        if isinstance(rule, annotated_types.Ge):
            low = float(rule.ge)  # type: ignore[arg-type]
        elif isinstance(rule, annotated_types.Le):
            high = float(rule.le)  # type: ignore[arg-type]
        elif isinstance(rule, annotated_types.BaseMetadata):
            raise TypeError(f"{model.__name__}.{name}: no builder knows the rule {rule!r}")
    return low, high


def required_text(low: int, high: int) -> Convert:
    """Text that must not be blank (``_to_text`` then ``str`` with length bounds)."""
    low = max(low, 1)

    def convert(cell: str) -> str:
        text = cell.strip()
        if not low <= len(text) <= high:
            raise Defer
        return text

    return convert


def optional_text(cell: str) -> str | None:
    """``OptionalText``: stripped, blank is ``None``."""
    return cell.strip() or None


def remembered(compute: Callable[[str | None], Any]) -> Convert:
    """An optional text field with an after-validator, answered once per distinct cell; a cell
    the validator rejects is deferred (each time: pydantic says why)."""
    answers: dict[str, Any] = {}

    def convert(cell: str) -> Any:
        answer = answers.get(cell, _UNKNOWN)
        if answer is _UNKNOWN:
            try:
                answer = compute(cell.strip() or None)
            except Exception:  # whatever the validator raises, pydantic reports it
                answer = _DEFERRED
            answers[cell] = answer
        if answer is _DEFERRED:
            raise Defer
        return answer

    return convert


def _source(low: int, high: int) -> Convert:
    text = required_text(low, high)
    names: dict[str, str] = {}

    def convert(cell: str) -> str:
        name = names.get(cell)
        if name is None:
            name = names[cell] = sys.intern(text(cell))
        return name

    return convert


def _choice(values: dict[str, Any]) -> Convert:
    def convert(cell: str) -> Any:
        value = values.get(cell)
        if value is None:
            raise Defer
        return value

    return convert


def _aliases(cell: str) -> list[str]:
    return _split_aliases(cell) if cell else []


def _number(pattern: re.Pattern[str], kind: type, low: float, high: float) -> Convert:
    def convert(cell: str) -> Any:
        text = cell.strip()
        if not text:
            return None
        if not pattern.match(text):
            raise Defer
        value = kind(text)
        if not low <= value <= high:
            raise Defer
        return value

    return convert


def _optional(model: type[BaseModel], name: str) -> Convert:
    """``OptionalText`` then the field's after-validators (``@field_validator``), taken from the
    model so that the builder cannot drift from it; with validators, answered once per distinct cell."""
    validators = [decorator.func for decorator in model.__pydantic_decorators__.field_validators.values()
                  if name in decorator.info.fields]
    if not validators:
        return optional_text

    def validate(value: str | None) -> Any:
        for validator in validators:
            value = validator(value)
        return value

    return remembered(validate)


def _converters(model: type[BaseModel]) -> dict[str, Convert]:
    """The converter of each field of ``model`` (``attributes`` aside); every field not named here
    is ``OptionalText`` with the model's after-validators."""
    own: dict[str, Convert]
    if model is Record:
        own = {
            "source": _source(*_length_bounds(Record, "source")),
            "record_id": required_text(*_length_bounds(Record, "record_id")),
            "entity_type": _choice({member.value: member for member in EntityType}),
            "name": required_text(*_length_bounds(Record, "name")),
            "aliases": _aliases,
        }
    elif model is Relation:
        own = {
            "source": _source(*_length_bounds(Relation, "source")),
            "from_record_id": required_text(*_length_bounds(Relation, "from_record_id")),
            "to_record_id": required_text(*_length_bounds(Relation, "to_record_id")),
            "relation": _choice({member.value: member for member in RelationType}),
            "share_pct": _number(_PLAIN_FLOAT, float, *_number_bounds(Relation, "share_pct")),
            "value_usd": _number(_PLAIN_FLOAT, float, *_number_bounds(Relation, "value_usd")),
            "shipments": _number(_PLAIN_INT, int, *_number_bounds(Relation, "shipments")),
        }
    else:
        own = {
            "source": _source(*_length_bounds(Listing, "source")),
            "record_id": required_text(*_length_bounds(Listing, "record_id")),
            "list_name": required_text(*_length_bounds(Listing, "list_name")),
        }
    for name in model.model_fields:
        if name not in own and name != "attributes":
            own[name] = _optional(model, name)
    return own


_MODELS: dict[Kind, tuple[type[BaseModel], frozenset[str]]] = {
    KIND_RECORDS: (Record, RECORD_FIELDS),
    KIND_RELATIONS: (Relation, RELATION_FIELDS),
    KIND_LISTINGS: (Listing, LISTING_FIELDS),
}


class RowBuilder:
    """Builds the models of one file's plain rows (cells in the order of the file's columns)."""

    def __init__(self, kind: Kind, columns: Sequence[str], fields_set: set[str]) -> None:
        model, known = _MODELS[kind]
        self.model = model
        self.fields_set = fields_set
        self._fields = tuple(model.model_fields)
        converters = _converters(model)
        position = {column: index for index, column in enumerate(columns)}
        # one step per field, in the model's order; a field without a column gets its default
        self._plan: list[tuple[str, int, Convert]] = []
        for name, info in model.model_fields.items():
            if name == "attributes":
                if list(model.model_fields)[-1] != name:
                    raise TypeError(f"{model.__name__}: the builder expects 'attributes' as the last field")
                continue
            if name in position:
                self._plan.append((name, position[name], converters[name]))
            else:
                self._plan.append((name, 0, _default_of(info.default, info.default_factory)))
        self._attributes = (
            [(column, index) for column, index in position.items() if column not in known]
            if "attributes" in model.model_fields else None
        )

    def values(self, cells: Sequence[str]) -> list[Any] | None:
        """The model's field values of ``cells`` in the model's field order, or ``None`` when
        pydantic must validate them."""
        try:
            values = [convert(cells[index]) for _name, index, convert in self._plan]
        except Defer:
            return None
        if self._attributes is not None:
            values.append({column: cells[index] for column, index in self._attributes if cells[index]})
        return values

    def build(self, cells: Sequence[str]) -> BaseModel | None:
        """The model of ``cells``, or ``None`` when pydantic must validate them."""
        values = self.values(cells)
        return None if values is None else self.model_of(values)

    def model_of(self, values: list[Any]) -> BaseModel:
        """The model of field values ``values`` gives."""
        item = self.model.__new__(self.model)
        _set(item, "__dict__", dict(zip(self._fields, values, strict=True)))
        _set(item, "__pydantic_fields_set__", self.fields_set)
        _set(item, "__pydantic_extra__", None)
        _set(item, "__pydantic_private__", None)
        return item


def _default_of(default: Any, factory: Callable[[], Any] | None) -> Convert:
    if factory is not None:
        return lambda _cell: factory()
    return lambda _cell: default


_set = object.__setattr__


def given_fields(kind: Kind, columns: Sequence[str]) -> frozenset[str]:
    """The field names pydantic records as given (``model_fields_set``) for a file's rows."""
    _model, known = _MODELS[kind]
    given = {column for column in columns if column in known}
    if kind == KIND_RECORDS:
        given.add("attributes")
    return frozenset(given)


def understood(kind: Kind, columns: Sequence[str]) -> bool:
    """True when a builder can take this file's rows: a column for every required field, no
    ``attributes`` column, no blank column name."""
    model, _known = _MODELS[kind]
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    names = set(columns)
    return required <= names and "attributes" not in names and all(columns)
