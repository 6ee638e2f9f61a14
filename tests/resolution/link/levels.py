"""The comparison level two records reach, on the DuckDB SQL Splink runs."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_library as cl


def level_reached(comparison: cl.CustomComparison, left: dict[str, Any], right: dict[str, Any],
                  columns: tuple[str, ...]) -> str:
    """The label of the first level of ``comparison`` whose SQL holds for the feature rows ``left``
    and ``right`` (``columns`` are the ones its levels read)."""
    pair = pa.table({f"{column}_{side}": [row[column]] for side, row in (("l", left), ("r", right))
                     for column in columns})
    con = duckdb.connect()
    con.register("pair", pair)
    for level in comparison.get_comparison("duckdb").comparison_levels:
        condition = level.sql_condition
        if condition == "ELSE" or con.execute(f"SELECT coalesce({condition}, false) FROM pair").fetchone()[0]:
            return level.label_for_charts
    raise AssertionError("no level matched")
