"""Names and texts written into the SQL the linking steps build for DuckDB (column names from the
models, file paths, entity types: never user input, which always goes in as parameters)."""

from __future__ import annotations


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (``"name_compact"``)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as an SQL string literal (``'company'``)."""
    return "'" + text.replace("'", "''") + "'"
