"""What every per-type model module provides: settings plus an unsupervised training plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from splink import SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator


@dataclass(frozen=True)
class ModelSpec:
    """Splink settings for one entity type and how to train it without labels.

    ``deterministic_rules`` and ``recall`` estimate the prior (probability that two random records
    match); ``em_blocking_rules`` are the EM sessions for the m probabilities (u comes from random
    sampling). ``columns`` is the input schema, so empty tables still register with types.
    """

    entity_type: str
    settings: SettingsCreator
    deterministic_rules: list[BlockingRuleCreator]
    recall: float
    em_blocking_rules: list[BlockingRuleCreator]
    columns: dict[str, str] = field(default_factory=dict)
    distinct_columns: tuple[str, ...] = ()
    tf_columns: tuple[str, ...] = ()
