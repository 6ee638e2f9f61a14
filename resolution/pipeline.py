"""``tracegraph resolve``: read -> standardise -> link per entity type -> entities -> run folder.

With ``previous`` (``--previous RUN_DIR``) the inputs are added to that run's resolved set instead
of resolved from scratch: see ``resolution.incremental``."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from resolution.collector import collector_paused
from resolution.entities.build import build_graph
from resolution.link.conflicts import kept_apart_reasons, kept_apart_rows
from resolution.link.evidence import EvidenceWriter, PairOutcome, evidence_table
from resolution.link.lone_records import attached_rows
from resolution.models import EntityType
from resolution.pairs_file import PAIRS
from resolution.run_folder import (
    ATTACHED,
    ATTACHED_COLUMNS,
    KEPT_APART,
    KEPT_APART_COLUMNS,
    QUARANTINE,
    QUARANTINE_COLUMNS,
    RECORD_RELATIONS,
    REDIRECT_COLUMNS,
    REDIRECTS,
    SUMMARY,
    write_csv,
)
from resolution.settings import ResolutionSettings
from resolution.sources import read_inputs
from resolution.sources.record_columns import RecordColumns

Progress = Callable[[str], None]


@dataclass
class RunSummary:
    run_dir: str
    rows_read: int
    records: int
    relations: int
    listings: int
    quarantined: int
    entities: dict[str, int] = field(default_factory=dict)
    merged_pairs: int = 0
    review_pairs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    training_notes: dict[str, list[str]] = field(default_factory=dict)
    # per entity type, the model levels that predict with Splink's default m or u
    untrained_levels: dict[str, list[str]] = field(default_factory=dict)
    # per entity type, the pairs over the merge threshold kept apart (``kept_apart.csv``)
    kept_apart: dict[str, int] = field(default_factory=dict)
    # per entity type, the lone records joined to the entity holding most records of their name (``attached.csv``)
    attached: dict[str, int] = field(default_factory=dict)
    # incremental runs only: the previous run, what the increment added and what became of ids
    increment: dict[str, Any] = field(default_factory=dict)

    def write(self, out: Path) -> None:
        (out / SUMMARY).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")


def per_type_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many of ``rows`` (each with an ``entity_type``) there are of each type that has some."""
    counts = Counter(row["entity_type"] for row in rows)
    return {t.value: counts[t.value] for t in EntityType if counts[t.value]}


def per_second(count: int, seconds: float) -> str:
    """``count`` over ``seconds`` as a whole number with thousands separators ("-" for no time)."""
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def resolve(
    inputs: Sequence[Path],
    out: Path,
    settings: ResolutionSettings,
    *,
    model_dir: Path | None = None,
    format_name: str | None = None,
    progress: Progress | None = None,
    previous: Path | None = None,
    keep: Callable[..., None] | None = None,
) -> RunSummary:
    """Resolve ``inputs`` into the run folder ``out`` and return what was done.

    With ``previous`` (a finished run folder) only the records the inputs add are linked, against
    that run's resolved records with its models (or ``model_dir``'s), and its entity ids are kept.

    Python's cyclic garbage collector is paused meanwhile (``resolution.collector``). ``keep``, if
    given, is handed the run's large objects (records, relations, graph rows) before they would be
    freed: a process that ends next passes ``collector.end_with_the_process``."""
    with collector_paused():
        return _resolve(inputs, out, settings, model_dir=model_dir, format_name=format_name,
                        progress=progress, previous=previous, keep=keep)


def _resolve(
    inputs: Sequence[Path],
    out: Path,
    settings: ResolutionSettings,
    *,
    model_dir: Path | None,
    format_name: str | None,
    progress: Progress | None,
    previous: Path | None,
    keep: Callable[..., None] | None,
) -> RunSummary:
    if previous is not None:
        from resolution.incremental import resolve_increment

        return resolve_increment(inputs, out, settings, previous=previous, model_dir=model_dir,
                                 format_name=format_name, progress=progress)
    # Splink only when linking
    from resolution.link.engine import SPECS, LinkOptions, link_with, record_table
    from resolution.link.link_worker import LinkWorker, worth_a_worker

    say = progress or (lambda _m: None)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # the records as columns: the feature tables and the entity builder take them so, and a
    # million of them hold 0.16 GB so against 0.65 GB as models
    batch = read_inputs(inputs, format_name=format_name, records_as_columns=True)
    records = batch.records if isinstance(batch.records, RecordColumns) else RecordColumns.from_models(batch.records)
    timings["read"] = round(time.perf_counter() - started, 3)
    say(f"read {batch.rows_read} rows in {timings['read']} s ({per_second(batch.rows_read, timings['read'])} rows/s): "
        f"{len(batch.records)} records, {len(batch.relations)} relations, {len(batch.listings)} listings, "
        f"{len(batch.quarantine)} quarantined")

    clusters: dict[str, str] = {}
    outcome = PairOutcome()
    options = LinkOptions.of_run(settings, out)

    def feature_table(entity_type: EntityType) -> pa.Table:
        # a column at a time, each name's columns once; keys the prediction computes per group
        # (the company typo keys) are left out of the rows
        spec = SPECS[entity_type.value]()
        carry_typo_keys = "name_typo_keys" not in spec.keys_computed_per_group
        return record_table(spec, records.of_type(entity_type), entity_type, with_typo_keys=carry_typo_keys)

    def saved_model(entity_type: EntityType) -> Path | None:
        model = model_dir / f"model_{entity_type.value}.json" if model_dir else None
        return model if model and model.exists() else None

    # people and vessels are linked in a worker while this process links the firms, when there
    # are enough of them (``resolution.link.link_worker``)
    counts = records.type_counts()
    elsewhere = (EntityType.PERSON, EntityType.VESSEL)
    use_worker = worth_a_worker(settings.backend, counts.get(EntityType.COMPANY, 0),
                                sum(counts.get(entity_type, 0) for entity_type in elsewhere))
    # pairs.parquet, sorted by entity type, then pair (a pair written twice is adjacent: the loader
    # relies on it), is written in a thread, a type's part while the next type is linked and the
    # entities are built: Arrow, numpy and Parquet leave the interpreter's lock while they work, so
    # the thread takes the core that Python leaves
    with EvidenceWriter(out / PAIRS, settings.merge_threshold) as evidence, \
            (LinkWorker(options) if use_worker else nullcontext()) as worker:
        handed: dict[EntityType, tuple[int, float]] = {}  # type -> its records and features' seconds
        if worker is not None:
            for entity_type in elsewhere:
                t0 = time.perf_counter()
                table = feature_table(entity_type)
                worker.add(entity_type.value, table, saved_model(entity_type))
                handed[entity_type] = (table.num_rows, round(time.perf_counter() - t0, 3))
                del table
            worker.begin()
        notes: dict[str, list[str]] = {}
        untrained: dict[str, list[str]] = {}
        kept_apart: list[dict[str, Any]] = []
        attached: list[dict[str, Any]] = []
        for entity_type in EntityType:
            t0 = time.perf_counter()
            if entity_type in handed:
                count, features_seconds = handed[entity_type]
                result = worker.result(entity_type.value)
                beside = " beside the firms, in a worker" if worker.answered(entity_type.value) else ""
                step_seconds = {"features": features_seconds}
            else:
                table = feature_table(entity_type)
                step_seconds = {"features": round(time.perf_counter() - t0, 3)}
                result = link_with(entity_type.value, table, options, saved_model(entity_type))
                count, beside = table.num_rows, ""
                del table
            notes[entity_type.value] = result.training_notes
            if result.untrained:
                untrained[entity_type.value] = result.untrained
            label = f"{entity_type.value}:"  # once, not per record (0.30 s against 0.43 s for 678k firms)
            clusters.update({k: label + c for k, c in result.clusters.items()})
            kept_apart.extend(kept_apart_rows(entity_type.value, result.kept_apart))
            joins = attached_rows(entity_type.value, result.attached)
            attached.extend(joins)
            outcome.add(result.pairs, settings.merge_threshold)
            outcome.add_attached((row["record"], row["share"]) for row in joins)
            evidence.add(entity_type.value, evidence_table(result.pairs))
            step_seconds.update(result.seconds)
            # a type linked in the worker: its features' seconds here and its steps' there
            seconds = round(sum(step_seconds.values()) if entity_type in handed else time.perf_counter() - t0, 3)
            timings[f"link_{entity_type.value}"] = seconds
            timings.update({f"link_{entity_type.value}.{name}": value for name, value in step_seconds.items()})
            say(f"linked {count} {entity_type.value} records{beside} in {seconds} s "
                f"({per_second(count, seconds)} records/s; "
                + ", ".join(f"{name} {value:.1f} s" for name, value in step_seconds.items()) + ")")

        del result
        t0 = time.perf_counter()
        graph = build_graph(batch.records, batch.relations, batch.listings, clusters, outcome.probability,
                            outcome.review, kept_apart=kept_apart_reasons(kept_apart),
                            memory_limit=settings.duckdb_memory_limit)
        timings["entities"] = round(time.perf_counter() - t0, 3)
        say(f"built {len(graph.entity_sizes)} entities from {len(batch.records)} records in {timings['entities']} s "
            f"({per_second(len(batch.records), timings['entities'])} records/s)")
        t0 = time.perf_counter()
        with graph:
            graph.write(out)
            # what a later ``--previous`` run continues from (relations.jsonl holds them aggregated)
            graph.write_record_relations(out / RECORD_RELATIONS)
        write_csv(out / QUARANTINE, QUARANTINE_COLUMNS, (q.model_dump() for q in batch.quarantine))
        write_csv(out / REDIRECTS, REDIRECT_COLUMNS, [])
        write_csv(out / KEPT_APART, KEPT_APART_COLUMNS, kept_apart)
        write_csv(out / ATTACHED, ATTACHED_COLUMNS, attached)
        timings["write"] = round(time.perf_counter() - t0, 3)
        timings["write_pairs"] = evidence.finish()  # its seconds overlap linking and the two above
    timings["total"] = round(time.perf_counter() - started, 3)
    say(f"wrote the run folder in {timings['write']:.1f} s (pairs.parquet in {timings['write_pairs']:.1f} s beside "
        f"linking and the entities); {len(batch.records)} "
        f"records in {timings['total']} s ({per_second(len(batch.records), timings['total'])} records/s)")

    summary = RunSummary(
        run_dir=str(out), rows_read=batch.rows_read, records=len(batch.records),
        relations=len(batch.relations), listings=len(batch.listings),
        quarantined=len(batch.quarantine), entities=graph.entity_counts, merged_pairs=outcome.merged,
        review_pairs=len(outcome.review), seconds=timings, training_notes=notes,
        untrained_levels=untrained,
        kept_apart=per_type_counts(kept_apart), attached=per_type_counts(attached),
    )
    summary.write(out)
    if keep is not None:
        keep(batch, graph, clusters, outcome)
    return summary
