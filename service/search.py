"""Turn free search text into a safe Lucene query for the Neo4j fulltext index."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
MAX_TERMS = 12
MAX_TERM_LENGTH = 60


def lucene_query(text: str) -> str | None:
    """Each term escaped, searched exactly (boosted) or fuzzily; ``None`` when nothing is left.

    Lucene operators in the input (``AND``, ``*``, ``~``...) are removed or quoted, so user
    text is always data, never query syntax.
    """
    terms = [t for t in _SPECIAL.sub(" ", text).split() if t][:MAX_TERMS]
    parts: list[str] = []
    for term in terms:
        term = term[:MAX_TERM_LENGTH].lower()
        if term in {"and", "or", "not", "to"}:
            term = f'"{term}"'
            parts.append(term)
            continue
        fuzzy = f" {term}~1" if len(term) >= 4 and term.isascii() else ""
        parts.append(f"({term}^3{fuzzy})")
    return " ".join(parts) or None
