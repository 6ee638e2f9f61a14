"""Clusters without contradictions: records that name two values of a field one real entity holds
once (a ship's IMO number, a person's date of birth, a firm's registration number) are not merged
through a chain of other records.

Clusters are connected components of the pairs at or above the merge threshold, and components
chain: a registry officer row that gives a name and nothing else scores above the threshold
against two namesakes with different dates of birth and joins them into one person. At a million
generated records, 22,487 of the 23,301 false person pairs sat in clusters holding two dates of
birth, years of birth or identity numbers.

``split_conflicts`` keeps Splink's clusters where they hold one value of each such field. It builds
every other cluster again from its merged pairs, strongest first (then by record keys). A pair is
left out when it would join two sides that hold different values of a field. The exception is
two values that some merged pair joins directly: the model weighed that pair's disagreement and
merged it all the same, as real data has typos and people hold several passports. A pair left out
keeps its probability. It is no longer merged, so it stays in the review band (a
``POSSIBLY_SAME_AS`` between the two entities), and it is reported as ``KeptApart`` with the field
and the two values.

Invariants: every output cluster lies within one input cluster; it holds no two values of an
exclusive field unless a pair at or above the threshold joins those two values directly; a pair
is merged (``merged_after_split``) exactly when it is at or above the threshold and not kept apart,
and then its two records share an output cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Exclusive:
    """A field of which one real entity holds one value, read from a model input column."""

    field: str
    """The field as an analyst knows it (``date_of_birth``), named in ``KeptApart``."""
    column: str
    """The model input column that holds it."""
    length: int | None = None
    """Only values of this length count (a full date; a year alone is compared as a year)."""


@dataclass(frozen=True)
class KeptApart:
    """A pair at or above the merge threshold that was not merged, and why."""

    record_l: str
    record_r: str
    match_probability: float
    field: str
    value_l: str
    """A value of ``field`` held on ``record_l``'s side."""
    value_r: str
    """The other value, held on ``record_r``'s side."""


def kept_apart_rows(entity_type: str, kept: Sequence[KeptApart]) -> list[dict[str, Any]]:
    """``kept_apart.csv`` rows (``run_folder.KEPT_APART_COLUMNS``) of one entity type's pairs."""
    return [{"entity_type": entity_type, **asdict(k)} for k in kept]


def kept_apart_reasons(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """``kept_apart.csv`` rows as (record_l, record_r) -> why: ``date_of_birth 1961-03-14 / 1979-08-02``."""
    return {(row["record_l"], row["record_r"]): f"{row['field']} {row['value_l']} / {row['value_r']}" for row in rows}


_JOIN = "\x1f"  # between the two keys of a pair, for looking pairs up in Arrow
SPLIT_PREFIX = "split:"
"""Before the label of a part of a split cluster (Splink's own labels are record keys)."""

Values = tuple[frozenset[str], ...]
"""A side's values of each exclusive field, in the order of the exclusives."""


def exclusive_value(exclusive: Exclusive, row: Mapping[str, object]) -> str | None:
    """A feature row's value of ``exclusive``, as ``split_conflicts`` counts it (one record at a
    time, for screening; ``None`` when the row has none, or one of another length)."""
    value = row.get(exclusive.column)
    if not isinstance(value, str) or not value:
        return None
    return value if exclusive.length is None or len(value) == exclusive.length else None


def exclusive_values(table: pa.Table, exclusive: Exclusive) -> pa.ChunkedArray:
    """Each row's value of ``exclusive`` (null when it has none, or one of another length): what
    ``exclusive_value`` gives one row, a column at a time."""
    values = table.column(exclusive.column)
    lengths = pc.utf8_length(values)
    counted = pc.greater(lengths, 0) if exclusive.length is None else pc.equal(lengths, exclusive.length)
    return pc.if_else(counted, values, None)


def _conflicted(records: pa.Table, exclusives: Sequence[Exclusive]) -> pa.Table:
    """The rows of ``records`` (``unique_id``, ``cluster_id`` and the exclusive columns) whose
    cluster holds two values of some exclusive field. Arrow throughout: at three million records
    nearly every cluster holds one value, and no row of those becomes a Python object."""
    conflicted: set[str] = set()
    for exclusive in exclusives:
        table = pa.table({"cluster": records.column("cluster_id"), "value": exclusive_values(records, exclusive)})
        table = table.filter(pc.is_valid(table.column("value")))
        counts = table.group_by("cluster").aggregate([("value", "count_distinct")])
        conflicted.update(counts.filter(pc.greater(counts.column("value_count_distinct"), 1))
                          .column("cluster").to_pylist())
    return records.filter(pc.is_in(records.column("cluster_id"), pa.array(sorted(conflicted), pa.string())))


class _Sides:
    """Union-find over the records of the conflicted clusters, each side with its values."""

    def __init__(self, members: Mapping[str, Values]) -> None:
        self.parent = {member: member for member in members}
        self.values: dict[str, Values] = dict(members)
        self.size = dict.fromkeys(members, 1)

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def join(self, a: str, b: str) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.values[a] = tuple(x | y for x, y in zip(self.values[a], self.values.pop(b), strict=True))


def _conflict(left: Values, right: Values, vouched: list[set[frozenset[str]]]) -> tuple[int, str, str] | None:
    """The first exclusive field (its index) and the two values on which ``left`` and ``right``
    disagree with no merged pair joining those values directly, or ``None``."""
    for index, (mine, theirs) in enumerate(zip(left, right, strict=True)):
        if not mine or not theirs or mine == theirs:
            continue
        for a in sorted(mine):
            for b in sorted(theirs):
                if a != b and frozenset((a, b)) not in vouched[index]:
                    return index, a, b
    return None


def split_conflicts(
    table: pa.Table,
    pairs: pa.Table,
    clusters: pa.Table,
    exclusives: Sequence[Exclusive],
    merge_threshold: float,
    *,
    kept_together: Sequence[Sequence[str]] = (),
) -> tuple[dict[str, str], list[KeptApart]]:
    """Split the ``clusters`` (``unique_id``, ``cluster_id``: Splink's, over ``table``'s records)
    that hold two values of an ``exclusive`` field of ``table``, from the merged ``pairs``
    (``unique_id_l``, ``unique_id_r``, ``match_probability``). Returns the new cluster of each
    record of a split cluster (the others keep theirs) and the pairs kept apart. A part of a
    split cluster is labelled by its smallest record key after ``SPLIT_PREFIX``.

    ``kept_together`` are groups of records (each within one cluster) joined before any pair,
    whatever values they hold, and their values count as joined directly: an earlier run's
    entities, which an incremental run only adds to."""
    if not exclusives or pairs.num_rows == 0:
        return {}, []
    columns = sorted({exclusive.column for exclusive in exclusives})
    assigned = pa.table({"unique_id": clusters.column("unique_id").cast(pa.string()),
                         "cluster_id": clusters.column("cluster_id").cast(pa.string())})
    records = pa.table({name: table.column(name).cast(pa.string()) for name in ("unique_id", *columns)}) \
        .join(assigned, "unique_id")
    inside = _conflicted(records, exclusives)
    if inside.num_rows == 0:
        return {}, []
    values = [exclusive_values(inside, exclusive).to_pylist() for exclusive in exclusives]
    members: dict[str, Values] = {
        key: tuple(frozenset() if column[position] is None else frozenset((column[position],)) for column in values)
        for position, key in enumerate(inside.column("unique_id").to_pylist())
    }
    edges = _merged_edges(pairs, members, merge_threshold)
    sides, vouched = _Sides(members), _vouched(edges, members, len(exclusives))
    for group in kept_together:
        _hold_together(sides, vouched, [key for key in group if key in members])
    kept: list[KeptApart] = []
    for left, right, probability in edges:
        a, b = sides.find(left), sides.find(right)
        if a == b:
            continue
        conflict = _conflict(sides.values[a], sides.values[b], vouched)
        if conflict is None:
            sides.join(a, b)
            continue
        index, value_l, value_r = conflict
        kept.append(KeptApart(left, right, probability, exclusives[index].field, value_l, value_r))
    label: dict[str, str] = {}
    result: dict[str, str] = {}
    for key in sorted(members):  # the smallest key of each part comes first
        result[key] = label.setdefault(sides.find(key), SPLIT_PREFIX + key)
    return result, kept


Edge = tuple[str, str, float]
"""A merged pair: its two record keys and its probability."""


def _merged_edges(pairs: pa.Table, members: Mapping[str, Values], merge_threshold: float) -> list[Edge]:
    """The pairs at or above the threshold within the conflicted clusters, strongest first (then
    by their keys, so the same input always splits the same way)."""
    merged = pairs.filter(pc.and_(
        pc.greater_equal(pairs.column("match_probability"), merge_threshold),
        pc.is_in(pairs.column("unique_id_l"), pa.array(list(members), pa.string())),
    ))
    edges = zip(merged.column("unique_id_l").to_pylist(), merged.column("unique_id_r").to_pylist(),
                merged.column("match_probability").to_pylist(), strict=True)
    return sorted(edges, key=lambda edge: (-edge[2], edge[0], edge[1]))


def _vouched(edges: list[Edge], members: Mapping[str, Values], fields: int) -> list[set[frozenset[str]]]:
    """Per exclusive field, the pairs of values that some merged pair joins directly."""
    vouched: list[set[frozenset[str]]] = [set() for _ in range(fields)]
    for left, right, _probability in edges:
        for index, (mine, theirs) in enumerate(zip(members[left], members[right], strict=True)):
            if mine and theirs and mine != theirs:
                vouched[index].add(mine | theirs)
    return vouched


def _hold_together(sides: _Sides, vouched: list[set[frozenset[str]]], group: list[str]) -> None:
    """Join ``group`` whatever its values, and count each two of its values as joined directly."""
    if not group:
        return
    for key in group[1:]:
        a, b = sides.find(group[0]), sides.find(key)
        if a != b:
            sides.join(a, b)
    for index, held in enumerate(sides.values[sides.find(group[0])]):
        vouched[index].update(frozenset((x, y)) for x in held for y in held if x < y)


def merged_after_split(pairs: pa.Table, merge_threshold: float, kept: Sequence[KeptApart]) -> pa.ChunkedArray:
    """Per pair, whether it was merged: at or above the threshold and not kept apart."""
    merged = pc.greater_equal(pairs.column("match_probability"), merge_threshold)
    if not kept:
        return merged
    apart = pa.array(sorted({k.record_l + _JOIN + k.record_r for k in kept}), pa.string())
    pair_keys = pc.binary_join_element_wise(pairs.column("unique_id_l"), pairs.column("unique_id_r"), _JOIN)
    return pc.and_(merged, pc.invert(pc.is_in(pair_keys, apart)))

