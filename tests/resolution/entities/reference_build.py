"""The entity builder as it was before it moved to DuckDB (``resolution.entities.build``): Python
rows a record at a time. Kept as the reference the DuckDB builder's files are compared with, byte
for byte (``test_build.py``); not used by the product."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resolution.entities.ids import address_id, entity_id, sanction_id
from resolution.models import Listing, Record, Relation, RelationType
from resolution.run_folder import CLUSTERS, GRAPH_FILES, write_csv_tuples, write_jsonl
from resolution.standardise.names import standardise_address


@dataclass
class ResolvedGraph:
    """Everything the graph loader writes, as plain rows.

    The two kinds of rows made per record (``records``, ``clusters``) are made as they are read or
    written, from ``members``: held as dictionaries they took about 1 GiB at a million records.
    The aggregated relations (``relations``) are made so too, from ``relation_groups``: held, their
    rows took 328 MB at a million records, at the run's peak."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    # per record, in key order: the record, its key, its entity id and the probability that tied it in
    members: list[tuple[Record, str, str, float]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    registered_at: list[dict[str, Any]] = field(default_factory=list)
    sanctions: list[dict[str, Any]] = field(default_factory=list)
    listed_on: list[dict[str, Any]] = field(default_factory=list)
    # per (from entity, to entity, kind), in that order: the source relations aggregated into one
    relation_groups: list[tuple[tuple[str, str, RelationType], list[Relation]]] = field(default_factory=list)
    possibly_same_as: list[dict[str, Any]] = field(default_factory=list)

    @property
    def relations(self) -> Iterator[dict[str, Any]]:
        """The ``relations.jsonl`` rows: one per pair of entities and kind of relation."""
        return (_relation_row(src, dst, kind, members) for (src, dst, kind), members in self.relation_groups)

    @property
    def records(self) -> Iterator[dict[str, Any]]:
        """The ``records.jsonl`` rows: each source record with its entity id and probability."""
        return (_record_row(record, key, eid, probability) for record, key, eid, probability in self.members)

    @property
    def clusters(self) -> Iterator[dict[str, str]]:
        """The ``clusters.csv`` rows: source, record id and entity id of each record."""
        return ({"source": record.source, "record_id": record.record_id, "entity_id": eid}
                for record, _key, eid, _probability in self.members)

    def write(self, folder: Path) -> None:
        """Write ``clusters.csv`` and the graph files the loader reads into a run folder."""
        write_csv_tuples(folder / CLUSTERS, ["source", "record_id", "entity_id"],
                         ((record.source, record.record_id, eid) for record, _key, eid, _probability in self.members))
        for name in GRAPH_FILES:
            write_jsonl(folder / f"{name}.jsonl", getattr(self, name))


def _most_common(values: Iterable[str | None]) -> str | None:
    """The most frequent non-empty value, the smallest of those tied; ``None`` for none."""
    present = [v for v in values if v]
    if not present:
        return None
    first = present[0]
    if all(v == first for v in present):  # most entities: one record, or records that agree
        return first
    counts = Counter(present)
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def _display_name(records: list[Record]) -> str:
    """Most frequent Latin-script name in mixed case (Chinese script and all-capitals spellings
    stay as aliases when there is another), ties broken stably."""
    latin = [r.name for r in records if r.name.isascii()]
    mixed_case = [n for n in latin if not n.isupper()]
    return _most_common(mixed_case or latin or [r.name for r in records]) or records[0].name


def _golden(entity_type: str, eid: str, members: list[Record], listed: list[Listing]) -> dict[str, Any]:
    """The entity row of ``members``: the most common value of each field, all names and sources."""
    name = _display_name(members)
    names = sorted({n for r in members for n in (r.name, *r.aliases)} - {name})
    row: dict[str, Any] = {
        "id": eid,
        "type": entity_type,
        "name": name,
        "aliases": names,
        "country": _most_common(r.country for r in members),
        "sources": sorted({r.source for r in members}),
        "record_count": len(members),
        "sanctioned": bool(listed),
        "programs": sorted({lst.program for lst in listed if lst.program}),
    }
    if entity_type == "company":
        row["registration_number"] = _most_common(r.registration_number for r in members)
        row["incorporation_date"] = _most_common(r.incorporation_date for r in members)
    elif entity_type == "person":
        full = [r.date_of_birth for r in members if r.date_of_birth and len(r.date_of_birth) == 10]
        row["date_of_birth"] = _most_common(full) or _most_common(r.date_of_birth for r in members)
        row["nationality"] = _most_common(r.nationality for r in members)
        row["id_number"] = _most_common(r.id_number for r in members)
    else:
        row["imo"] = _most_common(r.imo for r in members)
        row["mmsi"] = _most_common(r.mmsi for r in members)
        row["call_sign"] = _most_common(r.call_sign for r in members)
        row["flag"] = _most_common(r.flag for r in members)
        row["flags"] = sorted({r.flag for r in members if r.flag})
    return {k: v for k, v in row.items() if v is not None}


def _record_row(record: Record, key: str, eid: str, probability: float) -> dict[str, Any]:
    # the fields as they are (text, the alias list, the type's value): what model_dump(exclude_none)
    # gives, at a fraction of its cost for a million records
    data = {k: v for k, v in record.__dict__.items() if v is not None and k != "attributes"}
    data["entity_type"] = record.entity_type.value
    data.update({f"attr_{k}": v for k, v in record.attributes.items()})
    return {"key": key, "entity_id": eid, "probability": round(probability, 6), "props": data}


def _relation_groups(
    relations: list[Relation], entity_of: dict[str, str]
) -> list[tuple[tuple[str, str, RelationType], list[Relation]]]:
    groups: dict[tuple[str, str, RelationType], list[Relation]] = defaultdict(list)
    for rel in relations:
        groups[(entity_of[rel.from_key], entity_of[rel.to_key], rel.relation)].append(rel)
    return sorted(groups.items(), key=lambda item: (item[0][0], item[0][1], item[0][2].value))


def _relation_row(src: str, dst: str, kind: RelationType, members: list[Relation]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "source_keys": sorted({f"{r.source}:{r.from_record_id}->{r.to_record_id}" for r in members}),
    }
    starts = [r.start_date for r in members if r.start_date]
    ends = [r.end_date for r in members if r.end_date]
    if kind is RelationType.TRADED_WITH:
        props["shipments"] = sum(r.shipments if r.shipments is not None else 1 for r in members)
        values = [r.value_usd for r in members if r.value_usd is not None]
        if values:
            props["value_usd"] = round(sum(values), 2)
        if starts:
            props["first_date"], props["last_date"] = min(starts), max(starts + ends)
        props["hs_codes"] = sorted({r.hs_code for r in members if r.hs_code})
    else:
        if starts:
            props["start_date"] = min(starts)
        if ends:
            props["end_date"] = max(ends)
        shares = [r.share_pct for r in members if r.share_pct is not None]
        if shares:
            props["share_pct"] = max(shares)
    return {"type": kind.graph_type, "from_id": src, "to_id": dst, "props": props}


def build_graph(
    records: list[Record],
    relations: list[Relation],
    listings: list[Listing],
    clusters: dict[str, str],
    record_probability: dict[str, float],
    review_pairs: list[tuple[str, str, float]],
    entity_ids: Mapping[str, str] | None = None,
    kept_apart: Mapping[tuple[str, str], str] | None = None,
) -> ResolvedGraph:
    """Turn record-level clusters into the rows the graph loader writes.

    ``clusters`` maps record key -> cluster label (any string; labels only group records),
    ``record_probability`` the best match probability that tied a record into its cluster, and
    ``review_pairs`` the record pairs kept for review (below the merge threshold, or over it and
    kept apart). ``entity_ids``
    maps cluster labels to ids chosen by the caller (an incremental run keeps previous ids); a
    label it does not name gets ``entity_id`` of its members. ``kept_apart`` says, for the review
    pairs over the threshold that were not merged, why (``date_of_birth 1961-03-14 / 1979-08-02``):
    their ``POSSIBLY_SAME_AS`` carries it as ``kept_apart``.
    """
    chosen = entity_ids or {}
    by_key = {r.key: r for r in records}  # each key made once (``Record.key`` builds a new string)
    members: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        members[clusters.get(key, key)].append(key)
    listings_by_key: dict[str, list[Listing]] = defaultdict(list)
    for listing in listings:
        listings_by_key[listing.key].append(listing)

    graph = ResolvedGraph()
    entity_of: dict[str, str] = {}
    for label, keys in members.items():
        group = [by_key[key] for key in keys]
        entity_type = group[0].entity_type.value
        eid = chosen.get(label) or entity_id(entity_type, keys)
        for key in keys:
            entity_of[key] = eid
        listed = [lst for key in keys for lst in listings_by_key.get(key, ())]
        graph.entities.append(_golden(entity_type, eid, group, listed))
    graph.entities.sort(key=lambda e: e["id"])

    addresses: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    address_of: dict[tuple[str | None, str | None], str | None] = {}  # (address, country) -> its id
    for key in sorted(by_key):
        record = by_key[key]
        eid = entity_of[key]
        graph.members.append((record, key, eid, record_probability.get(key, 1.0)))
        place = (record.address, record.country)
        if place in address_of:
            aid = address_of[place]
        else:
            standard = standardise_address(record.address)
            aid = address_of[place] = address_id(record.country, standard) if standard else None
            if aid is not None and aid not in addresses:  # the first record's spelling is the text
                addresses[aid] = {"id": aid, "text": record.address, "country": record.country, "standard": standard}
        if aid is not None:
            links[(eid, aid)].add(key)
    graph.addresses = sorted(addresses.values(), key=lambda a: a["id"])
    graph.registered_at = [
        {"from_id": eid, "to_id": aid, "props": {"source_keys": sorted(keys)}}
        for (eid, aid), keys in sorted(links.items())
    ]

    for listing in sorted(listings, key=lambda x: (x.key, x.list_name, x.program or "")):
        sid = sanction_id(listing.source, listing.record_id, listing.list_name, listing.program)
        graph.sanctions.append(
            {"id": sid, "props": {k: v for k, v in listing.model_dump().items() if v is not None}}
        )
        graph.listed_on.append({"from_id": entity_of[listing.key], "to_id": sid, "props": {"source_keys": [listing.key]}})

    graph.relation_groups = _relation_groups(relations, entity_of)

    review: dict[tuple[str, str], dict[str, Any]] = {}
    for left, right, probability in review_pairs:
        a, b = sorted((entity_of[left], entity_of[right]))
        if a == b or left not in by_key or right not in by_key:
            continue
        row = review.setdefault((a, b), {"from_id": a, "to_id": b, "props": {"probability": 0.0, "source_keys": []}})
        row["props"]["probability"] = max(row["props"]["probability"], round(probability, 6))
        row["props"]["source_keys"].append(f"{left}~{right}")
        if kept_apart and (why := kept_apart.get((left, right))) is not None:
            row["props"].setdefault("kept_apart", set()).add(why)
    graph.possibly_same_as = [review[k] for k in sorted(review)]
    for row in graph.possibly_same_as:
        row["props"]["source_keys"].sort()
        if "kept_apart" in row["props"]:
            row["props"]["kept_apart"] = sorted(row["props"]["kept_apart"])
    return graph
