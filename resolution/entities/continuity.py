"""Carry entity ids over from a previous run to the clusters of an incremental one.

Invariants (what users and the graph rely on; the tests state them too):

- an entity whose records all stay together keeps its id, whatever records join it, even a
  record whose key is smaller than every old one (``entity_id`` alone would change then);
- when clusters of several previous entities merge, the merged entity keeps the id of the one that
  had the most records (tie: the smallest id) and every other id becomes a redirect to it;
- when an old entity's records end up in several clusters (only possible when an increment
  changes a record that tied it together), the cluster with most of them keeps the id;
- a cluster without a previous id gets ``fresh_entity_id``: never an id that is alive or was
  retired before, so a redirect never points at a reused id;
- redirects compose: an id retired earlier that pointed at an id retired now points at the id
  that lives on, so every redirect ends at a live entity in one step.

Pure functions on record keys and ids, no Splink and no files: the incremental resolve feeds them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from resolution.entities.ids import fresh_entity_id


@dataclass
class IdCarryOver:
    """Ids for the new clusters and what happened to the previous ids."""

    entity_ids: dict[str, str] = field(default_factory=dict)  # cluster label -> entity id
    redirects: dict[str, str] = field(default_factory=dict)  # every retired id (old and new) -> live id
    kept: set[str] = field(default_factory=set)  # previous ids still in use
    new: set[str] = field(default_factory=set)  # ids minted in this run
    retired: set[str] = field(default_factory=set)  # previous ids merged away in this run


def carry_over_ids(
    clusters: Mapping[str, list[str]],
    entity_types: Mapping[str, str],
    previous_ids: Mapping[str, str],
    previous_redirects: Mapping[str, str] | None = None,
) -> IdCarryOver:
    """Choose an id for each cluster (label -> member record keys) of ``entity_types[label]``.

    ``previous_ids`` maps each record key of the previous run to its entity id (records that are
    new have none); ``previous_redirects`` are the previous run's retired ids (old -> new).
    """
    previous_redirects = previous_redirects or {}
    size: Counter[str] = Counter(previous_ids.values())
    overlap: dict[tuple[str, str], int] = Counter(
        (old, label) for label, keys in clusters.items() for key in keys if (old := previous_ids.get(key))
    )
    # most shared records first; among equals the bigger old entity, then the smaller id
    def rank(item: tuple[tuple[str, str], int]) -> tuple[int, int, str, str]:
        (old, label), shared = item
        return -shared, -size[old], old, min(clusters[label])

    ranked = sorted(overlap.items(), key=rank)
    result = IdCarryOver()
    for (old, label), _ in ranked:
        if old in result.kept or label in result.entity_ids:
            continue
        result.entity_ids[label] = old
        result.kept.add(old)

    taken = set(size) | set(previous_redirects) | set(previous_redirects.values())
    for label in sorted(clusters, key=lambda lb: min(clusters[lb])):
        if label not in result.entity_ids:
            eid = fresh_entity_id(entity_types[label], clusters[label], taken)
            taken.add(eid)
            result.entity_ids[label] = eid
            result.new.add(eid)

    holders: dict[str, Counter[str]] = defaultdict(Counter)
    for (old, label), shared in overlap.items():
        holders[old][result.entity_ids[label]] += shared
    for old in sorted(set(size) - result.kept):
        counter = holders[old]
        if not counter:  # none of its records is in this run: nothing to point at
            continue
        best = max(counter.values())
        result.redirects[old] = min(eid for eid, n in counter.items() if n == best)
        result.retired.add(old)
    for old, target in previous_redirects.items():
        result.redirects[old] = result.redirects.get(target, target)
    return result
