"""The plain Splink baseline the accuracy benchmarks compare our models with.

What a first Splink model looks like without our work on names: one model per entity type; the
name lower-cased and nothing else (no legal-form removal, no pinyin, no aliases, no token sorting),
compared with ``cl.JaroWinklerAtThresholds`` (Splink's default thresholds 0.9 / 0.7); every other
field compared by exact match on its raw text; blocking on the exact name, its first four
characters and each identifier; the prior from an exact-name rule at an assumed recall; u by
random sampling; m by EM sessions blocked on the name and on one other field; merge threshold as
ours. It shares nothing with ``resolution.link`` so that a change to our models never changes
the baseline. ``train_predict`` is also used by the FEBRL benchmark for both of its variants.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from resolution.link.engine import estimated_u_settings

NAME_PREFIX = 4


@dataclass(frozen=True)
class PlainSpec:
    """Raw fields of one entity type: exact-match fields, identifiers to block on, EM field."""

    exact: tuple[str, ...]
    identifiers: tuple[str, ...]
    em_field: str


# Canonical record columns, as written by the sources (no standardisation).
PLAIN_SPECS: dict[str, PlainSpec] = {
    "company": PlainSpec(("country", "address", "registration_number", "incorporation_date"),
                         ("registration_number", "address"), "address"),
    "person": PlainSpec(("date_of_birth", "nationality", "id_number"), ("date_of_birth", "id_number"),
                        "date_of_birth"),
    "vessel": PlainSpec(("imo", "mmsi", "call_sign", "flag"), ("imo", "mmsi", "call_sign"), "imo"),
}


@dataclass
class Trained:
    """A trained linker's pairs at or above the threshold and its clusters."""

    pairs: list[tuple[str, str, float]]
    clusters: dict[str, str]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _blank(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def plain_row(unique_id: str, entity_type: str, raw: Mapping[str, Any]) -> dict[str, str | None]:
    """One baseline input row: the name lower-cased, the other fields as written."""
    name = _blank(raw.get("name"))
    row: dict[str, str | None] = {"unique_id": unique_id, "name": name.lower() if name else None}
    row.update({column: _blank(raw.get(column)) for column in PLAIN_SPECS[entity_type].exact})
    return row


def plain_settings(entity_type: str, link_type: str = "dedupe_only") -> SettingsCreator:
    spec = PLAIN_SPECS[entity_type]
    return SettingsCreator(
        link_type=link_type,
        comparisons=[cl.JaroWinklerAtThresholds("name"), *(cl.ExactMatch(c) for c in spec.exact)],
        blocking_rules_to_generate_predictions=[
            block_on("name"), block_on(f"substr(name, 1, {NAME_PREFIX})"),
            *(block_on(c) for c in spec.identifiers),
        ],
    )


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pa.Table:
    """Text columns, or lists of text where a column holds lists (our name keys)."""
    data: dict[str, pa.Array] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        is_list = any(isinstance(v, list) for v in values)
        data[column] = pa.array(values, pa.list_(pa.string()) if is_list else pa.string())
    return pa.table(data)


def _keep_prior_positive(linker: Linker, pairs: int, notes: list[str]) -> None:
    """Splink estimates a prior of 0 when the deterministic rules find no pair, and prediction
    then fails on log(0): assume one match among all pairs instead (the same guard as ours)."""
    settings = linker._settings_obj  # Splink 5 has no public setter for the prior
    if settings._probability_two_random_records_match <= 0:
        settings._probability_two_random_records_match = 1 / max(1, pairs)
        notes.append("prior rules found no pair: one expected match assumed")
    elif settings._probability_two_random_records_match >= 1:
        settings._probability_two_random_records_match = 0.99


def em_session(linker: Linker, rule: BlockingRuleCreator | str, notes: list[str]) -> None:
    """One EM session; when it fails, the model is put back as it was before the session.

    Splink 5's ``EMTrainingSession`` removes the comparisons the blocking rule uses, and sets the
    session's own prior, on the linker's settings object in place, and puts them back only when
    training succeeds: a session that raises would leave a model without those comparisons."""
    saved = linker._settings_obj.core_model_settings.copy()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    except Exception as exc:
        linker._settings_obj.core_model_settings = saved
        notes.append(f"EM session skipped: {' '.join(str(exc).split())[:160]}")


def train_predict(
    tables: Sequence[Sequence[Mapping[str, Any]]], settings: SettingsCreator, columns: Sequence[str], *,
    prior_rules: Sequence[BlockingRuleCreator | str], recall: float, em_rules: Iterable[BlockingRuleCreator | str],
    threshold: float, seed: int = 42,
) -> Trained:
    """Train without labels (prior from ``prior_rules`` at ``recall``, u by random sampling, m by
    one EM session per rule), predict pairs at ``threshold`` and cluster them at ``threshold``.

    ``tables`` is one table (dedupe) or two (link only); rows need ``unique_id`` and ``columns``.
    A failing training step (a rule that finds no pair) is noted and skipped, as our engine does."""
    started = time.perf_counter()
    notes: list[str] = []
    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    inputs = [db_api.register(_table(rows, columns), dataset_display_name=f"input_{i}")
              for i, rows in enumerate(tables)]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=logging.ERROR)
    sizes = [len(rows) for rows in tables]
    all_pairs = sizes[0] * sizes[1] if len(sizes) == 2 else sizes[0] * (sizes[0] - 1) // 2
    try:
        linker.training.estimate_probability_two_random_records_match(list(prior_rules), recall=recall)
    except Exception as exc:  # Splink raises plain exceptions when a rule finds nothing
        notes.append(f"prior kept at default: {exc}")
    _keep_prior_positive(linker, all_pairs, notes)
    # as our engine trains: the looser name levels floored at their u (no-op for the plain models)
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], estimated_u_settings(linker, seed),
                    log_level=logging.ERROR)
    for rule in em_rules:
        em_session(linker, rule, notes)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    scored = predictions.as_pyarrow_table().select(["unique_id_l", "unique_id_r", "match_probability"]).to_pydict()
    pairs = list(zip(scored["unique_id_l"], scored["unique_id_r"], scored["match_probability"], strict=True))
    cluster_table = clustered.as_pyarrow_table().select(["unique_id", "cluster_id"]).to_pydict()
    clusters = {str(u): str(c) for u, c in zip(cluster_table["unique_id"], cluster_table["cluster_id"], strict=True)}
    return Trained(pairs, clusters, notes, round(time.perf_counter() - started, 2))


def link_plain(entity_type: str, rows: Sequence[Mapping[str, Any]], *, threshold: float, seed: int = 42) -> Trained:
    """Dedupe ``rows`` (from ``plain_row``) of one entity type with the plain baseline model."""
    if len(rows) < 2:
        return Trained([], {str(r["unique_id"]): str(r["unique_id"]) for r in rows})
    spec = PLAIN_SPECS[entity_type]
    return train_predict(
        [rows], plain_settings(entity_type), ["unique_id", "name", *spec.exact],
        prior_rules=[block_on("name")], recall=0.7,
        em_rules=[block_on("name"), block_on(spec.em_field)], threshold=threshold, seed=seed,
    )
