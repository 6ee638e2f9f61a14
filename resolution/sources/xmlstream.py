"""Streaming XML for the sanctions-list readers (OFAC SDN XML, UN consolidated list).

``stream_entries`` yields one entry element at a time (tags under their local names, with the line
where the entry starts) and clears it, so big lists stay small in memory; it uses defusedxml with
DTDs, entities and external references forbidden. ``commit`` hands read entries to the batch
all-or-nothing per file. The small helpers pick the first readable country or date and keep the
values they could not read, so an odd spelling never drops a sanctioned party.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from resolution.errors import InputFileError
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, InputBatch
from resolution.standardise.countries import country_or_none
from resolution.standardise.dates import normalise_date

def local_name(tag: str) -> str:
    """The tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]


class _LocalNameBuilder(TreeBuilder):
    """Builds elements under their local names and notes the line where each entry starts."""

    def __init__(self, entry_tags: frozenset[str]) -> None:
        super().__init__()
        self.entry_tags = entry_tags
        self.entry_lines: deque[int | None] = deque()
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:  # type: ignore[override]
        name = local_name(tag)
        if name in self.entry_tags:
            self.entry_lines.append(getattr(self.expat, "CurrentLineNumber", None))
        return super().start(name, attrs)

    def end(self, tag: str) -> Element:  # type: ignore[override]
        return super().end(local_name(tag))


def stream_entries(path: Path, root_tag: str,
                   entry_tags: frozenset[str]) -> Iterator[tuple[Element, int | None]]:
    """Yield each entry element (tags by local name) with its start line, clearing it afterwards.

    Raises ``InputFileError`` for a file that is missing, not well-formed, has a DTD or entity
    declarations, or whose root is not ``root_tag``.
    """
    builder = _LocalNameBuilder(entry_tags)
    parser = SafeElementTree.XMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                                       forbid_external=True)
    builder.expat = parser.parser
    parents: list[Element] = []
    try:
        for event, element in SafeElementTree.iterparse(str(path), events=("start", "end"), parser=parser):
            if event == "start":
                if not parents and element.tag != root_tag:
                    raise InputFileError(str(path), f"expected XML root <{root_tag}>, found <{element.tag}>")
                parents.append(element)
                continue
            parents.pop()
            if element.tag in entry_tags:
                yield element, builder.entry_lines.popleft()
                element.clear()
                if parents:
                    parents[-1].remove(element)
    except (ParseError, DefusedXmlException, OSError) as exc:
        raise InputFileError(str(path), f"unreadable XML: {exc}") from exc


def text(element: Element | None, path: str) -> str | None:
    """Stripped text at ``path`` under ``element``; ``None`` when absent or blank."""
    if element is None:
        return None
    value = element.findtext(path)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def texts(element: Element, path: str) -> list[str]:
    """Every non-blank stripped text at ``path``."""
    values = (" ".join((child.text or "").split()) for child in element.findall(path))
    return [value for value in values if value]


def join(parts: Iterable[str | None], sep: str = ", ") -> str | None:
    """Non-empty parts joined, ``None`` if there are none."""
    kept = [part for part in parts if part]
    return sep.join(kept) if kept else None


def dedupe(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(value for value in values if value))


def pick_country(values: Iterable[str | None]) -> tuple[str | None, list[str]]:
    """The ISO code of the first value ``to_iso2`` reads, and the values it could not read."""
    unread: list[str] = []
    for value in values:
        if not value:
            continue
        code = country_or_none(value)
        if code is not None:
            return code, unread
        unread.append(value)
    return None, unread


def pick_date(values: Iterable[str | None]) -> tuple[str | None, list[str]]:
    """The first value ``normalise_date`` reads (as written), and the values it could not read."""
    unread: list[str] = []
    for value in values:
        if not value:
            continue
        try:
            if normalise_date(value) is not None:
                return value, unread
        except ValueError:
            unread.append(value)
    return None, unread


@dataclass
class SourceEntry:
    """One list entry, read but not yet committed: a record row and its listings, or a reason."""

    line: int | None
    record: dict[str, Any]
    listings: list[dict[str, Any]] = field(default_factory=list)
    aside: tuple[str, str] | None = None


def commit(entries: Iterable[SourceEntry], batch: InputBatch, path: Path) -> None:
    """Hand every entry to the batch: set aside, or validated with its listings if it passes."""
    for entry in entries:
        batch.rows_read += 1
        if entry.aside is not None:
            field_name, reason = entry.aside
            batch.set_aside(KIND_RECORDS, entry.record, field_name, reason, file=str(path), line=entry.line)
            continue
        if batch.accept(KIND_RECORDS, entry.record, file=str(path), line=entry.line):
            for listing in entry.listings:
                batch.accept(KIND_LISTINGS, listing, file=str(path), line=entry.line)


def clean_attributes(values: dict[str, str | None]) -> dict[str, str]:
    """Attributes without empty values."""
    return {key: value for key, value in values.items() if value}
