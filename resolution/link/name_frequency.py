"""Name levels below the exact one that never weigh more than an exact match of the same name.

The exact name level is term-frequency adjusted: its u is the name's frequency, at least one in
the distinct rows. The looser levels (the same words in another order, Jaro-Winkler) take u from
random pairs, and on a list where every name is rare that u is far below any name's frequency:
on the OFAC people a reordered name weighed 18.2 bits and a Jaro-Winkler variant 12.2 bits, while
the very name spelt as listed weighed 11 (``docs/benchmarks.md``). Screening ``PAK, Kwang-hun``
then ranked ``PAK, Kwang Ho`` (p 0.68) above the entry ``PAK, Kwang Hun`` (0.33).

A looser level's u for a name is at least the name's own frequency: a name that common has
variants at least as often as it has equals. So such a level is term-frequency adjusted against
its own u (Splink's ``disable_tf_exact_match_detection``), with that u as the adjustment's floor
(``tf_minimum_u_value``): the adjustment only ever lowers the weight, to ``log2(m / tf)`` when the
name's frequency is above the level's u, and a level's m below the exact level's keeps it under
the exact weight for the same name.
"""

from __future__ import annotations

import copy
from typing import Any

from splink.internals.comparison_level_creator import ComparisonLevelCreator


def at_most_exact(level: ComparisonLevelCreator, column: str) -> ComparisonLevelCreator:
    """``level`` marked to be adjusted by the frequency of ``column``'s value against its own u;
    the floor is set once u is known (``floor_frequencies_at_u``)."""
    return level.configure(
        tf_adjustment_column=column, tf_adjustment_weight=1.0, disable_tf_exact_match_detection=True,
    )


def _marked(level: dict[str, Any]) -> bool:
    return bool(level.get("disable_tf_exact_match_detection") and level.get("tf_adjustment_column"))


def floor_frequencies_at_u(settings: dict[str, Any], *, sampled_pairs: float) -> dict[str, Any]:
    """A copy of a trained model's settings in which every level marked by ``at_most_exact`` has
    its own u as the adjustment's floor.

    A marked level that none of the ``sampled_pairs`` random pairs reached (a name or alias of one
    record equal to a name or alias of the other, where no record has an alias) has a u below one
    in ``sampled_pairs``: that bound is its u and its floor, so it weighs ``log2(m / tf)`` like the
    others. Left untrained, Splink gave it a default u of some 1e-3 and an alias that two records
    share weighed 5.3-5.7 bits at any size, under a near spelling."""
    floored = copy.deepcopy(settings)
    unobserved = 1 / sampled_pairs
    for comparison in floored["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not _marked(level):
                continue
            level.setdefault("u_probability", unobserved)
            level["tf_minimum_u_value"] = level["u_probability"]
    return floored
