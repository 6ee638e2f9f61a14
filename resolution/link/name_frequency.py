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
the exact weight for the same name. A name or alias in common (``name_keys``) is not such a level:
the key two records share need not be either record's name, whose frequency is all Splink has.
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


def floor_frequencies_at_u(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of a trained model's settings in which every level marked by ``at_most_exact`` has
    its own u as the adjustment's floor. A marked level that training gave no u (random pairs never
    reached it) keeps no adjustment: without a u there is nothing the frequency could lower, and
    Splink cannot adjust against a missing one."""
    floored = copy.deepcopy(settings)
    for comparison in floored["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not _marked(level):
                continue
            u = level.get("u_probability")
            if u is None:
                for key in ("tf_adjustment_column", "tf_adjustment_weight", "tf_minimum_u_value",
                            "disable_tf_exact_match_detection"):
                    level.pop(key, None)
            else:
                level["tf_minimum_u_value"] = u
    return floored
