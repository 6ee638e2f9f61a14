"""Lone records join the entity that holds most records of their name.

A record that gives a name and little else (a registry officer row: a name and a nationality; a
customs party: a firm's name with a typo) scores against each record of an entity on its own, and
Splink weighs each such pair by how many entities bear a name like it. When five people are called
Zhao Honggang, a name-only row scores about 0.5 against each, below the merge threshold, and stays
alone, even when one of the five directs forty firms and each of the others one. When a customs
clerk writes "Wonsan Manam Technolgoy Corporation", the pair with "... Technology ..." is a typo
level that unrelated firms reach too (one-edit names are not rare among a million look-alikes),
and scores about 0.05, though no other firm's name is within one edit of it.

Both records are most likely the one entity that holds most records of that name: records are
written about an entity in proportion to how often it acts (a few executives behind many firms).
``attach_lone_records`` takes each record left alone by the clustering that holds no value of an
exclusive field (``resolution.link.conflicts``), finds the clusters with a record whose name is
the same (or, per ``LoneRule.edits``, within one edit) and that do not disagree with it on the
rule's other fields, and joins it to the largest of them when that one holds at least ``share`` of
those clusters' records (the merge threshold: the chance it is that entity, under that prior) and
at least ``LoneRule.min_entity_records`` records. Every join is returned as an ``Attached`` with
its figures, so ``tracegraph explain`` can say why.

Only records that were alone are moved, and only into a cluster: no two clusters are merged, and
no record that holds an exclusive value moves, so no cluster gains a contradiction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from resolution.link.conflicts import Exclusive, exclusive_values
from resolution.link.evidence import PROBABILITY_DIGITS
from resolution.link.sql import identifier


@dataclass(frozen=True)
class LoneRule:
    """How one entity type's lone records find the entity they most likely belong to."""

    name_column: str
    """The model input column compared (a person's sorted name; a firm's compact name)."""
    edits: int = 0
    """Names at most this many edits apart (0 or 1; a swap of two letters is one) count as alike."""
    agree: tuple[str, ...] = ()
    """Columns on which the record must not disagree with the cluster: when both hold values, the
    cluster must hold the record's."""
    min_entity_records: int = 2
    """The cluster joined holds at least this many records (two one-off records of one name are as
    likely two entities as one)."""


@dataclass(frozen=True)
class Attached:
    """A lone record joined to the cluster that holds most records of its name."""

    record: str
    joined_record: str
    """The cluster's record whose name is alike (the smallest key among them)."""
    name: str
    joined_name: str
    entity_records: int
    """Records of the cluster joined (before the join)."""
    candidate_records: int
    """Records of every cluster alike in name and not disagreeing (the one joined included)."""

    @property
    def share(self) -> float:
        return self.entity_records / self.candidate_records


def attached_rows(entity_type: str, attached: Sequence[Attached]) -> list[dict[str, Any]]:
    """``attached.csv`` rows (``run_folder.ATTACHED_COLUMNS``) of one entity type's joins."""
    return [{"entity_type": entity_type, **asdict(a), "share": round(a.share, PROBABILITY_DIGITS)} for a in attached]


def attachment_reason(row: Mapping[str, Any]) -> str:
    """An ``attached.csv`` row in words, for ``tracegraph explain``."""
    alike = "named alike" if row["name"] == row["joined_name"] else "named alike (within one edit)"
    return (f"{row['record']} ({row['name']!r}) joined alone through its name: like {row['joined_record']} "
            f"({row['joined_name']!r}); this entity held {row['entity_records']} of the "
            f"{row['candidate_records']} records {alike} (share {float(row['share']):.2f})")


def _holds_exclusive(table: pa.Table, exclusives: Sequence[Exclusive]) -> pa.ChunkedArray | pa.Array:
    """Per row of ``table``, whether it holds a value of some exclusive field (as the split counts them)."""
    holds: pa.ChunkedArray | pa.Array = pa.array([False] * table.num_rows, pa.bool_())
    for exclusive in exclusives:
        column = pa.table({exclusive.column: table.column(exclusive.column).cast(pa.string())})
        holds = pc.or_(holds, pc.is_valid(exclusive_values(column, exclusive)))
    return holds


def _alike_names(edits: int, name: str) -> str:
    """SQL giving (lone name, a record's name alike) pairs from ``lone_names`` and the ``records``'
    column ``name`` (quoted)."""
    if edits == 0:
        return "select n as lone_name, n as name from lone_names"
    if edits != 1:
        raise ValueError(f"LoneRule.edits is 0 or 1, not {edits}")
    # names one edit apart share a deletion key (the name itself, or it with one letter deleted)
    keys = "unnest(list_concat([n], list_transform(range(1, length(n) + 1), lambda i: substr(n, 1, i - 1) || substr(n, i + 1))))"
    return f"""
        with all_names as (select distinct {name} as n from records where {name} is not null),
             lone_keys as (select n, {keys} as k from lone_names),
             all_keys as (select n, {keys} as k from all_names)
        select distinct l.n as lone_name, a.n as name
        from lone_keys l join all_keys a on l.k = a.k
        where l.n = a.n or damerau_levenshtein(l.n, a.n) <= 1"""


def attach_lone_records(
    table: pa.Table,
    clusters: Mapping[str, str],
    rule: LoneRule,
    exclusives: Sequence[Exclusive],
    share: float,
    *,
    movable: Collection[str] | None = None,
) -> tuple[dict[str, str], list[Attached]]:
    """The new cluster of each lone record of ``table`` (a model's input: ``unique_id`` and the
    rule's columns) that joins one of ``clusters`` (record key -> cluster label, every record), and
    each join. See the module's docstring. ``movable`` limits the records that may move (an
    incremental run's new ones); the others still count as candidates."""
    if table.num_rows < 2:
        return {}, []
    columns = sorted({rule.name_column, *rule.agree})
    features = pa.table({"unique_id": table.column("unique_id").cast(pa.string()),
                         **{c: table.column(c).cast(pa.string()) for c in columns},
                         "holds_exclusive": _holds_exclusive(table, exclusives)})
    # the dictionary's own strings, not a new one per record: at a million records, a new list of
    # 678k key strings left the resident memory about 70 MB higher through the entities (measured)
    assigned = pa.table({"unique_id": pa.array(list(clusters), pa.string()),
                         "cluster_id": pa.array(list(clusters.values()), pa.string())})
    name = identifier(rule.name_column)
    held = ", ".join(f"list(distinct {identifier(c)}) filter (where {identifier(c)} is not null) as {identifier(c)}"
                     for c in rule.agree)
    agree = " and ".join(
        f"(l.{identifier(c)} is null or coalesce(len(v.{identifier(c)}), 0) = 0 or list_contains(v.{identifier(c)}, l.{identifier(c)}))"
        for c in rule.agree
    ) or "true"
    connection = duckdb.connect()
    try:
        movable_only = ""
        if movable is not None:
            connection.register("movable", pa.table({"unique_id": pa.array(sorted(movable), pa.string())}))
            movable_only = " and r.unique_id in (select unique_id from movable)"
        connection.register("features", features)
        connection.register("assigned", assigned)
        blanks_as_null = ", ".join(f"nullif(f.{identifier(c)}, '') as {identifier(c)}" for c in columns)
        connection.execute(f"""
            create temp table records as
            select f.unique_id, a.cluster_id, f.holds_exclusive, {blanks_as_null}
            from features f join assigned a using (unique_id)""")
        connection.unregister("features")
        connection.unregister("assigned")
        del features, assigned
        connection.execute("""
            create temp table sizes as select cluster_id, count(*) as records from records group by cluster_id""")
        connection.execute(f"""
            create temp table held as select cluster_id{', ' + held if held else ''} from records group by cluster_id""")
        connection.execute(f"""
            create temp table lone as
            select r.* from records r join sizes s using (cluster_id)
            where s.records = 1 and r.{name} is not null and not r.holds_exclusive{movable_only}""")
        connection.execute(f"create temp table lone_names as select distinct {name} as n from lone")
        connection.execute(f"create temp table alike as {_alike_names(rule.edits, name)}")
        joined = connection.execute(f"""
            with candidates as (
                select distinct l.unique_id as record, l.{name} as lone_name, c.cluster_id
                from lone l
                join alike a on a.lone_name = l.{name}
                join records c on c.{name} = a.name and c.cluster_id <> l.cluster_id
                join held v on v.cluster_id = c.cluster_id
                where {agree}
            ),
            sized as (select c.*, s.records from candidates c join sizes s using (cluster_id)),
            ranked as (
                select record, lone_name, cluster_id, records,
                       sum(records) over (partition by record) as candidate_records,
                       row_number() over (partition by record order by records desc, cluster_id) as rank,
                       count(*) over (partition by record, records) as tied
                from sized
            )
            select record, lone_name, cluster_id, records, candidate_records from ranked
            where rank = 1 and tied = 1 and records >= ? and records >= ? * candidate_records
            order by record""", [rule.min_entity_records, share]).fetchall()
        if not joined:
            return {}, []
        connection.register("joined", pa.table({
            "record": [row[0] for row in joined], "lone_name": [row[1] for row in joined],
            "cluster_id": [row[2] for row in joined]}))
        partners = dict(connection.execute(f"""
            select j.record, min(c.unique_id || chr(31) || c.{name})
            from joined j join alike a on a.lone_name = j.lone_name
            join records c on c.cluster_id = j.cluster_id and c.{name} = a.name
            group by j.record""").fetchall())
    finally:
        connection.close()
    moved: dict[str, str] = {}
    attached: list[Attached] = []
    for record, lone_name, cluster_id, entity_records, candidate_records in joined:
        partner, partner_name = partners[record].split(chr(31), 1)
        moved[record] = cluster_id
        attached.append(Attached(record, partner, lone_name, partner_name, int(entity_records), int(candidate_records)))
    return moved, attached
