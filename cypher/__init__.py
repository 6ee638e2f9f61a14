"""Tracegraph's Cypher library: every statement the project runs lives in a `.cypher` file here.

Folders: ``schema/`` (constraints and indexes, one statement per file), ``load/`` (batched
``UNWIND $rows`` writes, one file per node kind or relationship type, since types cannot be
parameters), ``queries/`` (what the API runs) and ``browser/`` (style and guides for Neo4j Browser).

Each file may start with ``// params: a, b`` naming the parameters its body uses; a test checks
that list against the ``$names`` in the body and runs ``EXPLAIN`` on the real Neo4j.
Files are read once (``functools.cache``) and values are always passed as parameters.

Hop bounds of quantified path patterns cannot be parameters, and a fixed high ceiling makes a
search with no answer explore every hop up to it. A file may therefore declare
``// hop ceilings: 2, 4, 6`` and write ``HOP_CEILING`` where the bound goes: it is read as one
statement per ceiling, ``<name>_within_<n>``, each a fixed text known at start-up;
``bounded(name, hops)`` picks the smallest ceiling that covers ``hops``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parent
_PARAMS_LINE = re.compile(r"^//[ \t]*params:[ \t]*(.*)$", re.MULTILINE)  # never across lines
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_LINE_COMMENT = re.compile(r"//[^\n]*")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_CEILINGS_LINE = re.compile(r"^//[ \t]*hop ceilings:[ \t]*(.*)$", re.MULTILINE)
HOP_CEILING = "HOP_CEILING"


@dataclass(frozen=True)
class CypherStatement:
    """One named statement: ``folder/name`` without the ``.cypher`` suffix."""

    name: str
    text: str
    declared_params: frozenset[str]

    @property
    def used_params(self) -> frozenset[str]:
        """The ``$names`` the statement body refers to (comments and string literals ignored)."""
        body = _STRING_LITERAL.sub("''", _LINE_COMMENT.sub("", self.text))
        return frozenset(_PARAM_USE.findall(body))


class UnknownStatementError(KeyError):
    """Raised when code asks for a statement that has no file."""


def _parse(name: str, text: str) -> CypherStatement:
    declared: set[str] = set()
    for match in _PARAMS_LINE.finditer(text):
        declared.update(p.strip() for p in match.group(1).split(",") if p.strip())
    return CypherStatement(name=name, text=text.strip(), declared_params=frozenset(declared))


def _ceilings(text: str) -> list[int]:
    match = _CEILINGS_LINE.search(text)
    return sorted(int(c) for c in match.group(1).split(",") if c.strip()) if match else []


@cache
def statements(folder: str) -> dict[str, CypherStatement]:
    """Every statement in one folder (``schema``, ``load`` or ``queries``), by file stem
    (``<stem>_within_<n>`` for each declared hop ceiling)."""
    directory = CYPHER_DIR / folder
    if not directory.is_dir():
        raise UnknownStatementError(f"no Cypher folder {folder!r} in {CYPHER_DIR}")
    found: dict[str, CypherStatement] = {}
    for path in sorted(directory.glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        ceilings = _ceilings(text)
        if not ceilings:
            found[path.stem] = _parse(f"{folder}/{path.stem}", text)
            continue
        if HOP_CEILING not in _LINE_COMMENT.sub("", text):
            raise UnknownStatementError(f"{path} declares hop ceilings but never writes {HOP_CEILING}")
        for ceiling in ceilings:
            name = f"{path.stem}_within_{ceiling}"
            found[name] = _parse(f"{folder}/{name}", _replace_outside_comments(text, str(ceiling)))
    return found


def _replace_outside_comments(text: str, value: str) -> str:
    return "\n".join(
        line if line.lstrip().startswith("//") else line.replace(HOP_CEILING, value)
        for line in text.splitlines()
    )


@cache
def bounded(folder: str, name: str, hops: int) -> CypherStatement:
    """The variant of ``name`` with the smallest hop ceiling that covers ``hops`` (cached: the API
    asks on every request)."""
    variants = sorted(
        (int(key.rsplit("_", 1)[1]), stmt)
        for key, stmt in statements(folder).items()
        if key.startswith(f"{name}_within_")
    )
    for ceiling, stmt in variants:
        if ceiling >= hops:
            return stmt
    raise UnknownStatementError(
        f"no variant of {folder}/{name}.cypher covers {hops} hops "
        f"(ceilings: {', '.join(str(c) for c, _ in variants) or 'none declared'})"
    )


def statement(folder: str, name: str) -> CypherStatement:
    """One statement by folder and file stem; a clear error when the file does not exist."""
    found = statements(folder)
    if name not in found:
        raise UnknownStatementError(
            f"no Cypher statement {folder}/{name}.cypher (known: {', '.join(sorted(found))})"
        )
    return found[name]


def browser_file(name: str) -> str:
    """Text of a Neo4j Browser asset (style sheet, guide) under ``cypher/browser/``."""
    return (CYPHER_DIR / "browser" / name).read_text(encoding="utf-8")
