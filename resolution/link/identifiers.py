"""Exact comparisons with a fixed m, for identifiers and other fields whose disagreement EM rarely
sees, optionally weighed by how common the value is.

An identifier (a registration number, a passport or identity number) names one entity, so random
sampling almost never finds two records that share one: Splink then left the agreement untrained
and gave it its default u (about 1e-3, 10 bits), where a million records need some 17 bits to
cross the prior. Term-frequency adjusted, the agreement weighs ``log2(m / tf)`` with the value's
frequency among the distinct rows (one in the number of records that carry the field), and a number
that several records share by mistake or by design (a group registration, a placeholder such as
``000000``) weighs less.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl


def fixed_exact(column: str, *, m_equal: float, term_frequencies: bool = False) -> cl.CustomComparison:
    """Exact agreement with m fixed: a disagreement must count against a match even when EM never
    sees one among the pairs it trains on (identity numbers rarely disagree in blocked pairs).
    With ``term_frequencies`` the agreement is adjusted by the value's frequency."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=term_frequencies).configure(
                m_probability=m_equal, fix_m_probability=True
            ),
            cll.ElseLevel().configure(m_probability=1 - m_equal, fix_m_probability=True),
        ],
    )
