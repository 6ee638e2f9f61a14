"""Incremental resolve: add records to a finished run without re-linking what it already resolved.

``tracegraph resolve --previous RUN_DIR NEW_INPUT... --out NEW_RUN`` writes a complete run folder
(the same files as a full run, so ``tracegraph load`` takes it unchanged) for the previous run's
records plus the new ones:

1. The previous run is read back whole: records (``records.jsonl``), their entity ids, record-level
   relations (``record_relations.jsonl``), listings (``sanctions.jsonl``), scored pairs, redirects
   and quarantine. Nothing of it is re-scored.
2. An input record whose key the previous run holds is *repeated* when it is identical (skipped)
   and *updated* when not (it replaces the old one, its old pairs are dropped and it is linked
   again like a new record). Relations and listings that repeat previous ones are not counted
   twice, so feeding the same input again changes nothing.
3. Per entity type, the new and updated records are scored against the resolved ones with Splink's
   ``predict_between`` and among themselves with ``predict_within`` (Splink 5 made these for
   incremental linkage), using the previous run's trained model (``model_<type>.json``; or
   ``--model``'s) and term frequencies over old + new records: no training, and only pairs that
   involve a new record are compared. A type the previous run had no model for (it had fewer than
   two records of it) is linked in full, with training.
4. Clusters are the connected components of the previous clusters plus the new pairs at or above
   the merge threshold, split as a full run splits them where new pairs would join two values of
   a field one entity holds once (``resolution.link.conflicts``; previous entities stay whole).
   New records left alone join the entity holding most records of their name, as in a full run
   (``resolution.link.lone_records``; previous records stay where they were). Ids carry over as
   ``resolution.entities.continuity`` states (grown entities keep their id, a merge keeps the
   bigger entity's id and redirects the other).
5. Redirects go to ``redirects.csv`` (old_id,new_id, cumulative over runs); on ``tracegraph load``
   the loader sees the same moves (records re-pointed) and leaves ``:Redirect`` nodes for them.

Incremental means *add*: previous records not repeated in the input stay resolved as they were.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from resolution.entities.build import build_graph
from resolution.entities.continuity import carry_over_ids
from resolution.errors import LinkageError, RunFolderError
from resolution.models import EntityType, Listing, Record, Relation
from resolution.link.evidence import PairOutcome, pairs_batches
from resolution.link.conflicts import kept_apart_reasons, kept_apart_rows
from resolution.link.lone_records import attached_rows
from resolution.pipeline import RunSummary, per_type_counts
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
    check_run_folder,
    read_csv,
    read_jsonl,
    write_csv,
)
from resolution.pairs_file import PAIRS, PAIRS_SCHEMA, read_pairs_table, write_pairs_table
from resolution.settings import ResolutionSettings
from resolution.sources import InputBatch, read_inputs

Progress = Callable[[str], None]


@dataclass
class PreviousRun:
    """What a finished run folder says about its resolved set."""

    folder: Path
    records: dict[str, Record]
    entity_of: dict[str, str]  # record key -> entity id
    relations: list[Relation]
    listings: list[Listing]
    pairs: pa.Table  # the pairs file (resolution.pairs_file.PAIRS_SCHEMA)
    redirects: dict[str, str]
    quarantine: list[dict[str, str]]


def record_from_row(row: dict[str, Any]) -> Record:
    """A ``records.jsonl`` row back as the canonical record (attributes are kept as ``attr_*``)."""
    props = dict(row["props"])
    attributes = {k.removeprefix("attr_"): props.pop(k) for k in [k for k in props if k.startswith("attr_")]}
    return Record.model_validate({**props, "attributes": attributes})


def read_previous_run(folder: Path) -> PreviousRun:
    """Read a finished run folder; ``RunFolderError`` when it cannot be continued from."""
    check_run_folder(folder)
    if not (folder / RECORD_RELATIONS).exists():
        raise RunFolderError(
            f"{folder} has no {RECORD_RELATIONS}: it was written before incremental runs existed; "
            "resolve its inputs once in full, then add to that run with --previous"
        )
    records: dict[str, Record] = {}
    entity_of: dict[str, str] = {}
    for row in read_jsonl(folder / "records.jsonl"):
        records[row["key"]] = record_from_row(row)
        entity_of[row["key"]] = row["entity_id"]
    redirects = {r["old_id"]: r["new_id"] for r in read_csv(folder / REDIRECTS, missing_ok=True)}
    return PreviousRun(
        folder=folder,
        records=records,
        entity_of=entity_of,
        relations=[Relation.model_validate(r) for r in read_jsonl(folder / RECORD_RELATIONS)],
        listings=[Listing.model_validate(r["props"]) for r in read_jsonl(folder / "sanctions.jsonl")],
        pairs=read_pairs_table(folder),
        redirects=redirects,
        quarantine=read_csv(folder / QUARANTINE, missing_ok=True),
    )


def read_new_inputs(paths: Sequence[Path], *, format_name: str | None = None) -> InputBatch:
    """Read the increment like ``read_inputs`` but without ``finish``: its relations and listings
    may name records of the previous run, which ``finish`` would set aside as unknown."""
    return read_inputs(paths, format_name=format_name, finish=False)


def _unseen(items: list[Any], seen: list[Any]) -> list[Any]:
    """``items`` minus one occurrence per equal item in ``seen`` (multiset difference)."""
    left = Counter(seen)
    kept = []
    for item in items:
        if left[item] > 0:
            left[item] -= 1
        else:
            kept.append(item)
    return kept


@dataclass
class Increment:
    """The resolved set after adding the input, and what the input changed."""

    records: list[Record]  # previous (minus replaced) + updated + new, by key
    changed: set[str]  # keys of new and updated records: the ones to link
    updated: set[str]
    repeated: int
    relations: list[Relation]
    listings: list[Listing]
    new_relations: int
    new_listings: int
    quarantine: list[dict[str, Any]]  # previous rows still standing + this input's rows
    quarantined_now: int


def apply_increment(previous: PreviousRun, batch: InputBatch) -> Increment:
    """Merge the unfinished ``batch`` into the previous resolved set (see the module docstring)."""
    own = InputBatch(records=batch.records)
    own.finish()  # duplicate keys inside the increment: first one kept, the rest quarantined
    current = dict(previous.records)
    changed: set[str] = set()
    updated: set[str] = set()
    repeated = 0
    for record in own.records:
        old = current.get(record.key)
        if old == record:
            repeated += 1
            continue
        if old is not None:
            updated.add(record.key)
        current[record.key] = record
        changed.add(record.key)
    links = InputBatch(records=list(current.values()), relations=batch.relations, listings=batch.listings)
    links.finish()  # relations and listings must name a record of the resolved set
    new_relations = _unseen(links.relations, previous.relations)
    new_listings = _unseen(links.listings, previous.listings)
    rows_now = [q.model_dump() for q in (*batch.quarantine, *own.quarantine, *links.quarantine)]
    accepted = {(r.source, r.record_id) for r in own.records}
    standing = [
        q for q in previous.quarantine
        if not (q.get("kind") == "records" and (q["source"], q["record_id"]) in accepted)
    ]
    return Increment(
        records=sorted(current.values(), key=lambda r: r.key), changed=changed, updated=updated,
        repeated=repeated, relations=previous.relations + new_relations,
        listings=previous.listings + new_listings, new_relations=len(new_relations),
        new_listings=len(new_listings), quarantine=standing + rows_now, quarantined_now=len(rows_now),
    )


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink warns that a loaded model was not trained in this session: expected here."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(level)


def score_new_records(
    entity_type: str,
    existing_records: Sequence[Record],
    new_records: Sequence[Record],
    *,
    model: dict[str, Any],
    out_dir: Path,
    settings: ResolutionSettings,
) -> pa.Table | None:
    """Scored pairs (at or above the review threshold) between new and existing records and among
    new ones, with a trained model; term frequencies come from all rows, as in a full run. None
    when there was nothing to score."""
    from resolution.link.backends import memory_cap, open_backend  # Splink is imported only when linking
    from resolution.link.engine import SPECS, check_model_dialect, prepare_linker, record_table

    check_model_dialect(model, settings.backend, what=f"the previous run's {entity_type} model")
    spec = SPECS[entity_type]()
    existing_rows = record_table(spec, existing_records, EntityType(entity_type))
    new_rows = record_table(spec, new_records, EntityType(entity_type))
    rows = existing_rows.num_rows + new_rows.num_rows
    memory_limit = memory_cap(settings.duckdb_memory_limit, rows)
    engine = open_backend(settings.backend, out_dir=out_dir, memory_limit=memory_limit, record_count=rows)
    tables: list[pa.Table] = []
    try:
        with _quiet_splink():
            db_api = engine.db_api
            everything = pa.concat_tables([existing_rows, new_rows])
            linker = prepare_linker(db_api, spec, everything, name=entity_type, settings=model).linker
            new = db_api.register(new_rows, dataset_display_name=f"{entity_type}_new")
            threshold = settings.review_threshold
            if existing_rows.num_rows:
                existing = db_api.register(existing_rows, dataset_display_name=f"{entity_type}_existing")
                between = linker.inference.predict_between(existing, new, threshold_match_probability=threshold)
                tables.append(engine.fetch(between))
            if new_rows.num_rows > 1:
                within = linker.inference.predict_within(new, threshold_match_probability=threshold)
                tables.append(engine.fetch(within))
    except LinkageError:
        raise
    except Exception as exc:
        raise LinkageError(f"linking new {entity_type} records on {settings.backend} failed: {exc}") from exc
    finally:
        engine.close()
    return pa.concat_tables(tables, promote_options="default") if tables else None


def _oriented(pairs: pa.Table) -> pa.Table:
    """Pairs as a full run writes them: ``record_l`` < ``record_r``."""
    left, right = pairs.column("record_l"), pairs.column("record_r")
    swap = pc.greater(left, right)
    pairs = pairs.set_column(pairs.schema.get_field_index("record_l"), "record_l", pc.if_else(swap, right, left))
    return pairs.set_column(pairs.schema.get_field_index("record_r"), "record_r", pc.if_else(swap, left, right))


def _not_in(column: pa.ChunkedArray, values: Iterable[str]) -> pa.ChunkedArray:
    return pc.invert(pc.is_in(column, pa.array(sorted(values), pa.string())))


class _Components:
    """Union-find over record keys: clusters are connected components."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class _Linked:
    """Pairs and models after linking the increment, per entity type."""

    # previous pairs kept + new ones, as the pairs file holds them (PAIRS_SCHEMA): held in Arrow, as
    # a million records' 3.3M pairs took some 3 GB as dictionaries
    evidence: pa.Table = field(default_factory=PAIRS_SCHEMA.empty_table)
    relinked: set[str] = field(default_factory=set)  # types linked in full (no previous model)
    new_pairs: int = 0
    notes: dict[str, list[str]] = field(default_factory=dict)
    untrained: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    kept_apart: list[dict[str, Any]] = field(default_factory=list)  # ``kept_apart.csv`` rows of relinked types
    attached: list[dict[str, Any]] = field(default_factory=list)  # ``attached.csv`` rows of this run


def _link(
    increment: Increment, previous: PreviousRun, out: Path, settings: ResolutionSettings,
    model_dir: Path, say: Progress,
) -> _Linked:
    from resolution.link.engine import SPECS, LinkOptions, link_with, record_table

    result = _Linked()
    parts: list[pa.Table] = []
    for entity_type in EntityType:
        kind = entity_type.value
        t0 = time.perf_counter()
        records = [r for r in increment.records if r.entity_type is entity_type]
        changed = [r for r in records if r.key in increment.changed]
        model_path = model_dir / f"model_{kind}.json"
        if model_path.exists() and model_path.resolve() != (out / model_path.name).resolve():
            shutil.copyfile(model_path, out / model_path.name)  # the next increment continues from it
        if changed and not model_path.exists() and len(records) > 1:
            linked = link_with(kind, record_table(SPECS[kind](), records, entity_type),
                               LinkOptions.of_run(settings, out), model_path=None)
            scored = linked.pairs
            result.relinked.add(kind)
            result.kept_apart.extend(kept_apart_rows(kind, linked.kept_apart))
            result.attached.extend(attached_rows(kind, linked.attached))
            result.notes[kind] = linked.training_notes
            if linked.untrained:
                result.untrained[kind] = linked.untrained
        elif changed and model_path.exists():
            scored = score_new_records(
                kind, [r for r in records if r.key not in increment.changed], changed,
                model=json.loads(model_path.read_text(encoding="utf-8")),
                out_dir=out, settings=settings,
            )
        else:
            scored = None
        if scored is not None:
            result.new_pairs += scored.num_rows
            batches = list(pairs_batches(kind, scored, settings.merge_threshold))
            parts.append(_oriented(pa.Table.from_batches(batches, schema=PAIRS_SCHEMA)))
        result.seconds[f"link_{kind}"] = round(time.perf_counter() - t0, 3)
        say(f"linked {len(changed)} new {kind} records against {len(records) - len(changed)} in "
            f"{result.seconds[f'link_{kind}']} s")
    old = previous.pairs
    parts.append(old.filter(pc.and_(_not_in(old.column("entity_type"), result.relinked), pc.and_(
        _not_in(old.column("record_l"), increment.updated), _not_in(old.column("record_r"), increment.updated)))))
    # as a full run writes them; the sort is stable, so a pair scored again stays before its old row
    result.evidence = pa.concat_tables(parts).sort_by(
        [("entity_type", "ascending"), ("record_l", "ascending"), ("record_r", "ascending")])
    return result


def _merged(evidence: pa.Table, kind: str | None = None) -> pa.Table:
    """The merged pairs of ``evidence`` (of one entity type when ``kind`` is given)."""
    keep = evidence.column("merged")
    if kind is not None:
        keep = pc.and_(keep, pc.equal(evidence.column("entity_type"), kind))
    return evidence.filter(keep)


def _previous_groups(increment: Increment, previous: PreviousRun, linked: _Linked) -> list[list[str]]:
    """The previous entities' records that still hold together: entities no updated record was
    in, of types not linked in full."""
    kind_of = {r.key: r.entity_type.value for r in increment.records}
    members: dict[str, list[str]] = defaultdict(list)
    for key, eid in previous.entity_of.items():
        members[eid].append(key)
    return [keys for keys in members.values()
            if not any(k in increment.updated or kind_of[k] in linked.relinked for k in keys)]


def _clusters(increment: Increment, groups: list[list[str]], linked: _Linked) -> _Components:
    """Previous clusters that still hold (``groups``) joined by the merged pairs."""
    components = _Components([r.key for r in increment.records])
    for keys in groups:
        for key in keys[1:]:
            components.union(keys[0], key)
    merged = _merged(linked.evidence)  # the kept merged pairs of the other previous clusters among them
    for left, right in zip(merged.column("record_l").to_pylist(), merged.column("record_r").to_pylist(), strict=True):
        components.union(left, right)
    return components


def _split_conflicts(increment: Increment, groups: list[list[str]], linked: _Linked, label_of: dict[str, str],
                     merge_threshold: float) -> None:
    """Split the clusters of ``label_of`` (record key -> label, a member's key) where the new pairs
    would join two values of a field one entity holds once (``resolution.link.conflicts``), as a
    full run splits them; the previous entities stay whole. The pairs kept apart are no longer
    merged in ``linked.evidence`` and join ``linked.kept_apart``. Types linked in full were split so."""
    from resolution.link.conflicts import SPLIT_PREFIX, split_conflicts
    from resolution.link.engine import SPECS
    from resolution.link.features import own_feature_columns

    for entity_type in EntityType:
        kind = entity_type.value
        exclusives = SPECS[kind]().exclusives
        merged = _merged(linked.evidence, kind)
        if kind in linked.relinked or not exclusives or not merged.num_rows:
            continue
        records = [r for r in increment.records if r.entity_type is entity_type]
        table = pa.table(own_feature_columns(records, entity_type, sorted({e.column for e in exclusives})))
        pairs = pa.table({"unique_id_l": merged.column("record_l"), "unique_id_r": merged.column("record_r"),
                          "match_probability": merged.column("match_probability")})
        of_type = {r.key for r in records}
        assigned = pa.table({"unique_id": [r.key for r in records], "cluster_id": [label_of[r.key] for r in records]})
        split, kept = split_conflicts(table, pairs, assigned, exclusives, merge_threshold,
                                      kept_together=[g for g in groups if g[0] in of_type])
        label_of.update({key: label.removeprefix(SPLIT_PREFIX) for key, label in split.items()})
        if kept:
            evidence = linked.evidence
            apart = pa.array(sorted({f"{k.record_l}\x00{k.record_r}" for k in kept}), pa.string())
            pair_keys = pc.binary_join_element_wise(evidence.column("record_l"), evidence.column("record_r"), "\x00")
            unmerged = pc.and_(pc.equal(evidence.column("entity_type"), kind), pc.is_in(pair_keys, apart))
            still = pc.and_(evidence.column("merged"), pc.invert(unmerged))
            linked.evidence = evidence.set_column(evidence.schema.get_field_index("merged"), "merged", still)
        linked.kept_apart.extend(kept_apart_rows(kind, kept))


def _attach_lone_records(increment: Increment, linked: _Linked, label_of: dict[str, str], merge_threshold: float) -> None:
    """New records left alone join the entity holding most records of their name, as in a full run
    (``resolution.link.lone_records``); previous records stay where they were. Types linked in full
    did so in ``link_entity_type``: their records take its clusters' joins."""
    from resolution.link.engine import SPECS, record_table
    from resolution.link.lone_records import attach_lone_records

    for entity_type in EntityType:
        kind = entity_type.value
        spec = SPECS[kind]()
        if spec.lone_rule is None:
            continue
        records = [r for r in increment.records if r.entity_type is entity_type]
        if kind in linked.relinked:
            moved = {row["record"]: row["joined_record"] for row in linked.attached if row["entity_type"] == kind}
            label_of.update({record: label_of[joined] for record, joined in moved.items()})
            continue
        sizes = Counter(label_of[r.key] for r in records)
        new_and_alone = {r.key for r in records if r.key in increment.changed and sizes[label_of[r.key]] == 1}
        if not new_and_alone:
            continue
        table = record_table(spec, records, entity_type, with_typo_keys=False)
        moved, attached = attach_lone_records(table, {r.key: label_of[r.key] for r in records}, spec.lone_rule,
                                              spec.exclusives, merge_threshold, movable=new_and_alone)
        label_of.update(moved)
        linked.attached.extend(attached_rows(kind, attached))


def _attached(previous: PreviousRun, increment: Increment, linked: _Linked,
              label_of: dict[str, str]) -> list[dict[str, Any]]:
    """``attached.csv``: the previous run's rows of types not linked in full again whose record is
    not updated and still shares an entity with the record it joined, then this run's."""
    rows = read_csv(previous.folder / ATTACHED, missing_ok=True)  # run folders before attached.csv have none
    kept = [row for row in rows if row["entity_type"] not in linked.relinked and row["record"] not in increment.updated
            and label_of.get(row["record"]) is not None and label_of[row["record"]] == label_of.get(row["joined_record"])]
    return kept + linked.attached


def _kept_apart(previous: PreviousRun, increment: Increment, linked: _Linked,
                label_of: dict[str, str]) -> list[dict[str, Any]]:
    """``kept_apart.csv``: the previous run's rows of types not linked in full again (but those of
    updated records, whose pairs were scored anew, and those whose records a new pair has since
    joined), then this run's."""
    rows = read_csv(previous.folder / KEPT_APART, missing_ok=True)  # run folders before kept_apart.csv have none
    kept = [row for row in rows if row["entity_type"] not in linked.relinked
            and row["record_l"] not in increment.updated and row["record_r"] not in increment.updated
            and label_of[row["record_l"]] != label_of[row["record_r"]]]
    return kept + linked.kept_apart


def resolve_increment(
    inputs: Sequence[Path],
    out: Path,
    settings: ResolutionSettings,
    *,
    previous: Path,
    model_dir: Path | None = None,
    format_name: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Add ``inputs`` to the resolved set of the run folder ``previous``; write the whole result
    as a new run folder ``out`` (it must not be ``previous``, which stays as it was)."""
    say = progress or (lambda _m: None)
    if out.resolve() == previous.resolve():
        raise RunFolderError(f"--out must be a new run folder, not the --previous one ({previous})")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    before = read_previous_run(previous)
    batch = read_new_inputs(inputs, format_name=format_name)
    increment = apply_increment(before, batch)
    timings["read"] = round(time.perf_counter() - started, 3)
    say(f"read {batch.rows_read} rows: {len(increment.changed)} new or changed records "
        f"({len(increment.updated)} changed), {increment.repeated} repeated, {increment.quarantined_now} quarantined; "
        f"{len(before.records)} records resolved before")

    out.mkdir(parents=True, exist_ok=True)
    linked = _link(increment, before, out, settings, model_dir or previous, say)
    timings.update(linked.seconds)

    t0 = time.perf_counter()
    previous_groups = _previous_groups(increment, before, linked)
    components = _clusters(increment, previous_groups, linked)
    label_of = {r.key: components.find(r.key) for r in increment.records}
    if settings.split_conflicts:
        _split_conflicts(increment, previous_groups, linked, label_of, settings.merge_threshold)
    if settings.attach_lone_records:
        _attach_lone_records(increment, linked, label_of, settings.merge_threshold)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, label in label_of.items():
        groups[label].append(key)
    kind_of = {r.key: r.entity_type.value for r in increment.records}
    kinds = {label: kind_of[label] for label in groups}  # a label is one of its members' keys
    ids = carry_over_ids(groups, kinds, before.entity_of, before.redirects)
    outcome = PairOutcome()
    evidence = linked.evidence
    outcome.add(pa.table({"unique_id_l": evidence.column("record_l"), "unique_id_r": evidence.column("record_r"),
                          "match_probability": evidence.column("match_probability"),
                          "merged": evidence.column("merged")}), settings.merge_threshold)
    attached_csv_rows = _attached(before, increment, linked, label_of)
    outcome.add_attached((row["record"], float(row["share"])) for row in attached_csv_rows)
    kept_rows = _kept_apart(before, increment, linked, label_of)
    graph = build_graph(increment.records, increment.relations, increment.listings, label_of,
                        outcome.probability, outcome.review, entity_ids=ids.entity_ids,
                        kept_apart=kept_apart_reasons(kept_rows),
                        memory_limit=settings.duckdb_memory_limit)
    timings["entities"] = round(time.perf_counter() - t0, 3)

    with graph:
        graph.write(out)
        graph.write_record_relations(out / RECORD_RELATIONS)
    write_csv(out / QUARANTINE, QUARANTINE_COLUMNS, increment.quarantine)
    write_pairs_table(out / PAIRS, linked.evidence)
    write_csv(out / REDIRECTS, REDIRECT_COLUMNS,
              [{"old_id": old, "new_id": new} for old, new in sorted(ids.redirects.items())])
    write_csv(out / KEPT_APART, KEPT_APART_COLUMNS, kept_rows)
    write_csv(out / ATTACHED, ATTACHED_COLUMNS, attached_csv_rows)
    timings["total"] = round(time.perf_counter() - started, 3)

    size_before = Counter(before.entity_of.values())
    size_after = graph.entity_sizes
    summary = RunSummary(
        run_dir=str(out), rows_read=batch.rows_read, records=len(increment.records),
        relations=len(increment.relations), listings=len(increment.listings),
        quarantined=len(increment.quarantine), entities=graph.entity_counts,
        merged_pairs=outcome.merged, review_pairs=len(outcome.review),
        seconds=timings, training_notes=linked.notes, untrained_levels=linked.untrained,
        kept_apart=per_type_counts(kept_rows), attached=per_type_counts(attached_csv_rows),
        increment={
            "previous": str(previous),
            "new_records": len(increment.changed) - len(increment.updated),
            "updated_records": len(increment.updated),
            "repeated_records": increment.repeated,
            "new_relations": increment.new_relations,
            "new_listings": increment.new_listings,
            "quarantined": increment.quarantined_now,
            "pairs_scored": linked.new_pairs,
            "entities_kept": len(ids.kept),
            "entities_grown": sum(1 for eid in ids.kept if size_after[eid] > size_before[eid]),
            "entities_new": len(ids.new),
            "entities_merged_away": len(ids.retired),
            "relinked_types": sorted(linked.relinked),
        },
    )
    summary.write(out)
    return summary
