"""Train, predict and cluster one entity type with Splink on DuckDB (default) or Spark.

Training needs no labels: the prior comes from deterministic rules with an assumed recall, u
probabilities from random sampling, m probabilities from EM sessions. A saved model (``--model``)
skips training. Prediction runs over one row per profile of records alike in every column the
model reads, and the pairs are spread to the records (``resolution.link.profiles``). Pairs at or
above the review threshold are kept with their per-comparison match weights (``mw_*``) as
evidence; clusters are connected components at the merge threshold, split where they would join
two values of a field one entity holds once (``resolution.link.conflicts``). The engine is chosen
by ``backend`` (see ``resolution.link.backends``); the steps are the same on both.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.database_api import DatabaseAPI

from resolution.errors import LinkageError
from resolution.settings import ResolutionSettings
from resolution.link import company, name_worker, person, vessel
from resolution.link.backends import (
    AUTO_MEMORY_LIMIT,
    LinkBackend,
    memory_cap,
    open_backend,
)
from resolution.link.conflicts import KeptApart, merged_after_split
from resolution.link.conflicts import split_conflicts as split_clusters
from resolution.link.evidence import empty_pairs, evidence_columns
from resolution.link.features import (
    distinct_names,
    own_column_names,
    own_feature_columns,
)
from resolution.link.key_groups import swap_in_group_pair_rules, with_group_pairs
from resolution.link.lone_records import Attached, attach_lone_records
from resolution.link.model import ModelSpec
from resolution.link.name_frequency import floor_frequencies_at_u
from resolution.link.name_worker import name_table, table_of_rows
from resolution.link.profiles import PROFILE_ID, Profiles, record_profiles, spread_pairs
from resolution.link.sql import identifier
from resolution.models import EntityType, Record

log = logging.getLogger(__name__)

SPECS = {"company": company.spec, "person": person.spec, "vessel": vessel.spec}
CHUNK_ROWS = 2_500_000
_ARROW_TYPES = {"VARCHAR": pa.string(), "VARCHAR[]": pa.list_(pa.string())}


@dataclass
class LinkResult:
    """Outcome for one entity type: pairs (review band and above) and record -> cluster."""

    entity_type: str
    pairs: pa.Table
    clusters: dict[str, str]
    trained: bool
    training_notes: list[str]
    # seconds per step: "profiles" (``resolution.link.profiles``), "key groups" (the pairs of groups
    # for the swapped key rules), "prepare" (register, u, term frequencies), "train", "predict"
    # (over the profiles, spread to the records), "cluster"
    seconds: dict[str, float] = field(default_factory=dict)
    # levels that predict with Splink's default m or u (see ``untrained_levels``)
    untrained: list[str] = field(default_factory=list)
    # pairs at or above the merge threshold left unmerged: they would have joined two values of a
    # field one entity holds once (``resolution.link.conflicts``)
    kept_apart: list[KeptApart] = field(default_factory=list)
    attached: list[Attached] = field(default_factory=list)  # lone records joined to an entity


class _CollectWarnings(logging.Handler):
    """Collects Splink's warnings (untrained levels and the like) as training notes."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if text and text not in self.notes:
            self.notes.append(text)


def _schema(spec: ModelSpec) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in spec.columns.items()])


def arrow_table(spec: ModelSpec, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """``rows`` (any iterable, e.g. a generator of feature rows) as an Arrow table of ``spec``'s
    columns, converted ``ARROW_CHUNK_ROWS`` at a time so that a generator's dictionaries never all
    sit in memory (a million records' feature rows took some 2 GiB at once)."""
    return table_of_rows(_schema(spec), rows)


def record_table(
    spec: ModelSpec, records: Sequence[Record], entity_type: EntityType, *, with_typo_keys: bool = True
) -> pa.Table:
    """The Arrow table of ``spec``'s columns for ``records`` (all of ``entity_type``): the same as
    ``arrow_table(spec, (features(r) for r in records))``, built a column at a time with each
    distinct name's columns computed once and spread to its records by position (at a million
    records, 9.4 s for the three types against 13.8 s with a dictionary per record), the names in
    two processes when there are many (``resolution.link.name_worker``)."""
    schema = _schema(spec)
    # a worker for the names is started before they are told apart, when there may be enough of
    # them: its imports take most of a second, and telling them apart 0.8 s at a million records
    with name_worker.start_worker() if len(records) >= name_worker.WORKER_MIN_NAMES else nullcontext() as worker:
        keys, positions = distinct_names(records)
        own_names = own_column_names(entity_type)
        names, own = name_table(
            keys, entity_type, with_typo_keys=with_typo_keys,
            schema=pa.schema([f for f in schema if f.name != "unique_id" and f.name not in own_names]),
            meanwhile=lambda: own_feature_columns(records, entity_type, own_names), worker=worker,
        )
    spread = names.take(pa.array(positions, pa.int64()))
    columns = [pa.array(own[f.name], f.type) if f.name in own else spread.column(f.name) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


Rows = Iterable[dict[str, Any]] | pa.Table
"""Feature rows (``resolution.link.features``): dictionaries (a list or a generator), or already
an Arrow table."""


def feature_table(spec: ModelSpec, rows: Rows) -> pa.Table:
    """``rows`` as the Arrow table of ``spec``'s columns (an Arrow table is taken as it is)."""
    return rows if isinstance(rows, pa.Table) else arrow_table(spec, rows)


def distinct_rows(spec: ModelSpec, table: pa.Table) -> pa.Table:
    """One row per group of obviously identical rows (see ``ModelSpec.distinct_columns``).

    A row that lacks some of those columns and agrees on the others with a fuller row is not a
    distinct thing either (``Wu Minghua`` without a birth year beside ``Wu Minghua, 1990``): it is
    dropped too, so a name's term frequency counts the people it may name, not how often one of
    them is mentioned. Rows with none of the columns are all kept. Of each group the first row is
    kept, and the rows keep their order. Told in DuckDB (at a million records 5.3 s for the firms
    in Python); only the positions of the rows kept come back, and they are taken from ``table``."""
    import duckdb  # Splink's own dependency; used whatever the backend, on these columns alone

    columns = list(spec.distinct_columns)
    if not columns or table.num_rows == 0:
        return table
    quoted = [identifier(c) for c in columns]
    keys = table.select(columns).append_column("pos", pa.array(range(table.num_rows), pa.int64()))
    # a row lacking some columns is covered when a full row agrees on the others: one anti join
    # per pattern of missing columns
    patterns = [present for size in range(1, len(columns)) for present in itertools.combinations(quoted, size)]
    partial = " union all ".join(
        f"select k.pos from firsts k anti join fulls f using ({', '.join(present)}) "
        f"where {' and '.join(f'k.{c} is not null' for c in present)} "
        f"and {' and '.join(f'k.{c} is null' for c in quoted if c not in present)}"
        for present in patterns
    )
    con = duckdb.connect()
    try:
        con.register("keys", keys)
        sql = f"""
            with firsts as (select min(pos) as pos, {', '.join(quoted)} from keys group by all),
            fulls as (select {', '.join(quoted)} from firsts where {' and '.join(f'{c} is not null' for c in quoted)})
            select pos from keys where {' and '.join(f'{c} is null' for c in quoted)}
            union all
            select pos from firsts where {' and '.join(f'{c} is not null' for c in quoted)}
            {'union all ' + partial if partial else ''}
            order by pos
        """
        kept = con.sql(sql).to_arrow_table().column("pos")
    finally:
        con.close()
    return table.take(kept)


def estimated_u_settings(linker: Linker, seed: int) -> dict[str, Any]:
    """u probabilities by random sampling over ``linker``'s records; returns its settings dict with
    the looser name levels' frequency floors set from their u (``resolution.link.name_frequency``),
    which a level's u must be known for."""
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    return floor_frequencies_at_u(linker.misc.save_model_to_json())


def _estimate_u(distinct: Any, spec: ModelSpec, seed: int) -> dict[str, Any]:
    """``estimated_u_settings`` over the distinct rows."""
    return estimated_u_settings(Linker(distinct, spec.settings, log_level=None), seed)


@dataclass
class PreparedLinker:
    """A linker over registered records, with term frequencies taken from the distinct rows."""

    linker: Linker
    records: Any  # SplinkDataFrame of the records
    settings: dict[str, Any] | str
    table: pa.Table  # the records as registered
    tf_lookups: dict[str, Any]  # term-frequency column -> its registered lookup table (a SplinkDataFrame)


def prepare_linker(
    db_api: DatabaseAPI, spec: ModelSpec, rows: Rows, *, name: str,
    settings: dict[str, Any] | str | None, seed: int = 0,
) -> PreparedLinker:
    """Register ``rows`` and their distinct rows, estimate u on the distinct rows when no
    ``settings`` (a saved model) are given, and register term-frequency lookups computed on the
    distinct rows as user tables (so cleaning up Splink's own tables leaves them alone)."""
    table = feature_table(spec, rows)
    records = db_api.register(table, dataset_display_name=f"{name}_records")
    distinct = db_api.register(distinct_rows(spec, table), dataset_display_name=f"{name}_distinct")
    if settings is None:
        settings = _estimate_u(distinct, spec, seed)
    linker = Linker(records, settings, log_level=None)
    tf_source = Linker(distinct, settings, log_level=None)
    tf_lookups: dict[str, Any] = {}
    for column in spec.tf_columns:
        computed = tf_source.table_management.compute_tf_table(column)
        frozen = tf_lookups[column] = db_api.register(computed.as_pyarrow_table(), table_name=f"{name}_tf_{column}")
        linker.table_management.register_term_frequency_lookup(frozen, column)
    db_api.delete_tables_created_by_splink_from_db()
    return PreparedLinker(linker, records, settings, table, tf_lookups)


def _predict_over_profiles(
    engine: LinkBackend, prepared: PreparedLinker, spec: ModelSpec, scored: pa.Table, profiles: Profiles,
    review_threshold: float, memory_limit: str,
) -> pa.Table:
    """The records' pairs at or above ``review_threshold`` with their evidence columns, ordered by
    the ids, predicted over their profiles (``resolution.link.profiles``) with ``prepared``'s
    trained model: Splink scores ``scored`` (the profiles, with the key rules' group pairs) and each
    profile's twin pair, and the pairs are spread to the records."""
    db_api = engine.db_api
    name = spec.entity_type
    linker = Linker(db_api.register(scored, dataset_display_name=f"{name}_profiles"),
                    prepared.linker.misc.save_model_to_json(), log_level=None)
    for column, lookup in prepared.tf_lookups.items():
        linker.table_management.register_term_frequency_lookup(lookup, column)
    swap_in_group_pair_rules(linker, spec.key_groups)  # after saving: the saved model keeps the key rules
    # Very big inputs are scored in chunks so that the blocked pairs never all sit in memory at
    # once. Each chunk repeats the blocking (exploded keys included), so below CHUNK_ROWS one
    # pass is faster: 678k companies took 153 s in 25 chunks of 150k and 64 s in one; 2.07M
    # took 131.8 s in 2 x 2 chunks and 82.5 s in one, with no higher peak (DuckDB spills at
    # its memory limit). Larger inputs than that were never measured in one pass.
    chunks = max(1, -(-scored.num_rows // CHUNK_ROWS))
    predictions = linker.inference.predict(
        threshold_match_probability=review_threshold,
        num_chunks_left=chunks if chunks > 1 else None,
        num_chunks_right=chunks if chunks > 1 else None,
    )
    # only the evidence columns leave the engine: with the other retained columns (both sides'
    # values, exploded keys, gammas) this table set a million-record run's peak (12.1 -> 9.4 GiB)
    kept = ", ".join(evidence_columns(column.unquote().name for column in predictions.columns))
    profile_pairs = engine.fetch(predictions, kept)
    # the engine's tables of scored pairs hold every retained column: dropped before the pairs are
    # spread beside them (a second DuckDB), which set a million-record run's peak otherwise
    predictions.drop_table_from_database_and_remove_from_cache()
    twin_pairs = None
    if profiles.twins.num_rows:
        twins = db_api.register(profiles.twins, dataset_display_name=f"{name}_twins")
        twin_predictions = linker.inference.predict_within(
            twins, blocking_rules_to_generate_predictions=[block_on(PROFILE_ID)],
            threshold_match_probability=review_threshold, warning_mode="never",
        )
        twin_pairs = engine.fetch(twin_predictions, kept)
        twin_predictions.drop_table_from_database_and_remove_from_cache()
    return spread_pairs(profile_pairs, twin_pairs, profiles, memory_limit=memory_limit)


def untrained_levels(linker: Linker) -> list[str]:
    """Every comparison level the model predicts with Splink's default m or u, because training
    never saw a pair at that level (``"address: <level> (m)"``). Such a level weighs whatever the
    default says: a fuzzy address level once added 3 bits that nothing in the data supported.
    A level with full term-frequency adjustment is not flagged for u: its weight is m over the
    term frequency, and u cancels out."""
    found = []
    for comparison in linker._settings_obj.comparisons:  # Splink 5 has no public view of this
        for level in comparison.comparison_levels:
            u_cancels = level._has_tf_adjustments and level._tf_adjustment_weight == 1
            missing = [kind for kind, trained in (("m", level._m_is_trained), ("u", level._u_is_trained or u_cancels))
                       if not trained]
            if missing:
                found.append(f"{comparison.output_column_name}: {level.label_for_charts} ({', '.join(missing)})")
    return found


def _train(linker: Linker, spec: ModelSpec, notes: list[str], record_count: int) -> None:
    try:
        linker.training.estimate_probability_two_random_records_match(
            spec.deterministic_rules, recall=spec.recall
        )
    except Exception as exc:  # Splink raises plain exceptions when a rule finds no pairs
        notes.append(f"prior kept at default: {exc}")
    _keep_prior_inside_zero_and_one(linker, notes, record_count)
    if _every_m_fixed(linker):
        log.info("%s model: every m probability is fixed, so no EM session is run", spec.entity_type)
        return
    for rule in spec.em_blocking_rules:
        _em_session(linker, rule, notes)


def _every_m_fixed(linker: Linker) -> bool:
    """Whether EM has nothing to estimate: every level of every comparison but the null levels
    has its m probability fixed (u comes from random sampling; EM keeps u and the prior as they
    are). The person model is so, and its EM session over the pairs of namesakes took 30 s of a
    three-million-record run to change nothing (docs/benchmarks.md)."""
    return all(
        level.is_null_level or level._fix_m_probability  # Splink 5 has no getter for these
        for comparison in linker._settings_obj.comparisons
        for level in comparison.comparison_levels
    )


def _em_session(linker: Linker, rule: Any, notes: list[str]) -> None:
    """One EM session; when it fails, the model is put back as it was before the session.

    Splink 5's ``EMTrainingSession`` removes the comparisons its blocking rule uses, and sets its
    own prior, on the linker's settings in place, and restores them only when training succeeds:
    a failed session used to leave a model without those comparisons (seen on the OFAC vessels:
    no name and no IMO comparison, prior 0.99996, and pairs merged on all-negative weights)."""
    saved = linker._settings_obj.core_model_settings.copy()  # a deep copy (Splink's own method)
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    except Exception as exc:  # Splink raises plain exceptions when a rule finds no pairs
        linker._settings_obj.core_model_settings = saved
        notes.append(f"EM session skipped, model restored: {' '.join(str(exc).split())[:200]}")


def expected_matches_prior(matches: float, pairs: int) -> float:
    """The prior of ``matches`` expected matches among ``pairs`` pairs, at most one half (one pair
    of two records would otherwise give a prior of 1, and prediction fails on an infinite weight)."""
    return min(matches / max(pairs, 1), 0.5)


def _keep_prior_inside_zero_and_one(linker: Linker, notes: list[str], record_count: int) -> None:
    """When the deterministic rules find no pair (a list where every entry is distinct, such as the
    OFAC vessels), Splink estimates a prior of 0 and prediction fails on log(0): assume one
    expected match among all pairs instead (``expected_matches_prior``), so strong evidence can
    still link a pair."""
    settings = linker._settings_obj  # Splink 5 has no public setter for the estimated prior
    prior = settings._probability_two_random_records_match
    pairs = max(1, record_count * (record_count - 1) // 2)
    if prior <= 0:
        settings._probability_two_random_records_match = expected_matches_prior(1, pairs)
        notes.append(f"deterministic rules found no pair: prior set to one expected match in {pairs} pairs")
    elif prior >= 1:
        settings._probability_two_random_records_match = 0.99
        notes.append("deterministic rules paired every record: prior capped at 0.99")


def check_model_dialect(model: dict[str, Any], backend: str, *, what: str) -> None:
    """A saved model's comparisons and blocking rules are SQL of the engine that trained it:
    ``LinkageError`` when ``model`` (``what`` names it) was trained on another backend."""
    dialect = model.get("sql_dialect")
    if dialect and dialect != backend:
        raise LinkageError(
            f"{what} was trained on {dialect}: resolve with --backend {dialect}, "
            f"or without --model to train a {backend} model"
        )


def _check_model_dialect(model_path: Path, backend: str) -> None:
    try:
        model = json.loads(model_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LinkageError(f"cannot read saved model {model_path}: {exc}") from exc
    check_model_dialect(model, backend, what=f"saved model {model_path}")


def _duckdb_out_of_memory(exc: BaseException) -> BaseException | None:
    """DuckDB's out-of-memory error in ``exc``'s chain (Splink wraps it with the SQL), if any."""
    import duckdb

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None or isinstance(seen, duckdb.OutOfMemoryException):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _link_error(entity_type: str, backend: str, memory_limit: str, exc: BaseException) -> LinkageError:
    """What went wrong linking, said plainly when DuckDB hit its memory cap: that error comes
    wrapped in pages of Splink's SQL, and what to do about it is to raise the cap."""
    out_of_memory = _duckdb_out_of_memory(exc)
    if out_of_memory is None:
        return LinkageError(f"linking {entity_type} records on {backend} failed: {exc}")
    said = str(out_of_memory).strip().splitlines()[0]
    return LinkageError(
        f"linking {entity_type} records: DuckDB ran out of memory at its cap of {memory_limit} ({said}). "
        f"Raise TRACEGRAPH_DUCKDB_MEMORY_LIMIT (default auto: 2 KiB a record, at least 1500MB; DuckDB "
        f"spills to disk below the cap, "
        f"but some steps cannot), or link fewer records at once."
    )


def link_entity_type(
    entity_type: str,
    rows: Rows,
    *,
    out_dir: Path,
    seed: int,
    merge_threshold: float,
    review_threshold: float,
    model_path: Path | None = None,
    memory_limit: str = AUTO_MEMORY_LIMIT,
    backend: str = "duckdb",
    split_conflicts: bool = True,
    attach_lone: bool = True,
) -> LinkResult:
    """Link the records of one entity type; writes ``model_<type>.json`` into ``out_dir``.

    ``backend`` is ``duckdb`` or ``spark``; ``memory_limit`` is DuckDB's spill point, or the
    driver's heap when a local Spark session is started; ``auto`` sizes it from the records
    (``backends.memory_cap``). A saved model holds SQL of the backend
    that trained it, so ``model_path`` must come from a run on the same backend. ``split_conflicts``
    False leaves Splink's clusters as they are (``resolution.link.conflicts``); ``attach_lone`` False
    leaves the records the clustering left alone where they are (``resolution.link.lone_records``)."""
    spec = SPECS[entity_type]()
    table = feature_table(spec, rows)
    memory_limit = memory_cap(memory_limit, table.num_rows)
    if table.num_rows < 2:
        ids = table.column("unique_id").to_pylist()
        return LinkResult(entity_type, empty_pairs(), {i: i for i in ids}, False, [])
    if model_path is not None:
        _check_model_dialect(model_path, backend)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    try:
        profiles = record_profiles(table, memory_limit=memory_limit)
        step("profiles")
        scored = profiles.table
        for groups in spec.key_groups:
            scored = with_group_pairs(scored, groups, memory_limit=memory_limit)
    except Exception as exc:
        raise _link_error(entity_type, backend, memory_limit, exc) from exc
    if spec.key_groups:
        step("key groups")
    engine = open_backend(backend, out_dir=out_dir, memory_limit=memory_limit, record_count=table.num_rows)
    notes: list[str] = []
    splink_logger = logging.getLogger("splink")
    collector = _CollectWarnings(notes)
    splink_logger.addHandler(collector)
    try:
        db_api = engine.db_api
        splink_logger.propagate = False
        trained = model_path is None
        prepared = prepare_linker(
            db_api, spec, table, name=entity_type, settings=str(model_path) if model_path else None, seed=seed
        )
        linker = prepared.linker
        step("prepare")
        if trained:
            _train(linker, spec, notes, table.num_rows)
        linker.misc.save_model_to_json(str(out_dir / f"model_{entity_type}.json"), overwrite=True)
        untrained = untrained_levels(linker)
        step("train")
        pairs = _predict_over_profiles(engine, prepared, spec, scored, profiles, review_threshold, memory_limit)
        step("predict")
        clustered = cluster_pairwise_predictions_at_threshold(
            prepared.records, db_api.register(pairs, dataset_display_name=f"{entity_type}_pairs"), db_api,
            "unique_id", threshold_match_probability=merge_threshold,
        )
        cluster_table = engine.fetch(clustered, "unique_id, cluster_id")
        step("cluster")
    except Exception as exc:
        raise _link_error(entity_type, backend, memory_limit, exc) from exc
    finally:
        splink_logger.removeHandler(collector)
        engine.close()
    for note in notes:
        log.info("%s model: %s", entity_type, note)
    exclusives = spec.exclusives if split_conflicts else ()
    split, kept_apart = split_clusters(table, pairs, cluster_table, exclusives, merge_threshold)
    # the ids as text (Splink's cluster ids are the records' ids), a column at a time
    clusters = dict(zip(*(pc.cast(cluster_table.column(c), pa.string()).to_pylist() for c in ("unique_id", "cluster_id")),
                        strict=True))
    clusters.update(split)
    pairs = pairs.append_column("merged", merged_after_split(pairs, merge_threshold, kept_apart))
    step("conflicts")
    attached: list[Attached] = []
    if attach_lone and spec.lone_rule is not None:
        moved, attached = attach_lone_records(table, clusters, spec.lone_rule, exclusives, merge_threshold)
        clusters.update(moved)
        step("lone records")
    return LinkResult(entity_type, pairs, clusters, trained, notes, seconds, untrained, kept_apart, attached)


@dataclass(frozen=True)
class LinkOptions:
    """``link_entity_type``'s keywords that every type of a run shares."""

    out_dir: Path
    seed: int
    merge_threshold: float
    review_threshold: float
    memory_limit: str
    backend: str
    split_conflicts: bool
    attach_lone: bool

    @classmethod
    def of_run(cls, settings: ResolutionSettings, out_dir: Path) -> LinkOptions:
        """The options a run with ``settings`` writing into ``out_dir`` links with."""
        return cls(out_dir=out_dir, seed=settings.seed, merge_threshold=settings.merge_threshold,
                   review_threshold=settings.review_threshold, memory_limit=settings.duckdb_memory_limit,
                   backend=settings.backend, split_conflicts=settings.split_conflicts,
                   attach_lone=settings.attach_lone_records)


def link_with(entity_type: str, table: pa.Table, options: LinkOptions, model_path: Path | None) -> LinkResult:
    """``link_entity_type`` of ``table`` (the feature table of ``entity_type``) with ``options``
    and the saved model ``model_path``, if any."""
    return link_entity_type(
        entity_type, table, out_dir=options.out_dir, seed=options.seed,
        merge_threshold=options.merge_threshold, review_threshold=options.review_threshold,
        model_path=model_path, memory_limit=options.memory_limit, backend=options.backend,
        split_conflicts=options.split_conflicts, attach_lone=options.attach_lone,
    )
