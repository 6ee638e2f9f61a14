"""What every per-type model module provides: settings plus an unsupervised training plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from splink import SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from resolution.link.conflicts import Exclusive
from resolution.link.key_groups import KeyGroups
from resolution.link.lone_records import LoneRule


# Columns every model's input has (see ``resolution.link.features``), with their DuckDB types.
COMMON_COLUMNS: dict[str, str] = {
    "unique_id": "VARCHAR", "source": "VARCHAR", "name_std": "VARCHAR", "name_compact": "VARCHAR",
    "name_sorted": "VARCHAR", "name_keys": "VARCHAR[]", "name_tokens": "VARCHAR[]", "country": "VARCHAR",
}


def input_columns(*type_columns: str) -> dict[str, str]:
    """The common columns plus an entity type's own (all text)."""
    return COMMON_COLUMNS | {name: "VARCHAR" for name in type_columns}


@dataclass(frozen=True)
class ModelSpec:
    """Splink settings for one entity type and how to train it without labels.

    ``deterministic_rules`` and ``recall`` estimate the prior (probability that two random records
    match); ``em_blocking_rules`` are the EM sessions for the m probabilities (u comes from random
    sampling). ``columns`` is the input schema, so empty tables still register with types.
    ``key_groups`` name the exploded key rules that a full run's prediction replaces by equivalent,
    cheaper rules over groups of records with one key array (``resolution.link.key_groups``).
    ``exclusives`` are the fields of which one entity holds one value: a cluster never joins two
    of them through other records (``resolution.link.conflicts``). ``lone_rule`` says how a record
    left alone finds the entity that holds most records of its name (``resolution.link.lone_records``).
    """

    entity_type: str
    settings: SettingsCreator
    deterministic_rules: list[BlockingRuleCreator]
    recall: float
    em_blocking_rules: list[BlockingRuleCreator]
    columns: dict[str, str] = field(default_factory=dict)
    distinct_columns: tuple[str, ...] = ()
    key_groups: tuple[KeyGroups, ...] = ()
    exclusives: tuple[Exclusive, ...] = ()
    lone_rule: LoneRule | None = None

    @cached_property
    def tf_columns(self) -> tuple[str, ...]:
        """The columns some comparison level is term-frequency adjusted by, in the order the
        settings name them: each needs its frequencies computed (on the distinct rows) and looked
        up, so they are read from the levels rather than listed beside them."""
        levels = (level for comparison in self.settings.get_settings("duckdb").comparisons
                  for level in comparison.comparison_levels)
        columns = (level._tf_adjustment_input_column for level in levels)  # Splink 5 has no getter
        return tuple(dict.fromkeys(column.input_name for column in columns if column is not None))

    @property
    def keys_computed_per_group(self) -> frozenset[str]:
        """Key columns a full run's prediction computes itself (``KeyGroups.keys_of_group``): its
        rows need not carry them."""
        return frozenset(groups.keys for groups in self.key_groups if groups.keys_of_group)
