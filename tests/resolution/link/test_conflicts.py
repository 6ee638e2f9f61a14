"""Clusters that would join two values of a field one entity holds once are split
(``resolution.link.conflicts``)."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolution.link.conflicts import SPLIT_PREFIX, Exclusive, KeptApart, merged_after_split
from resolution.link.conflicts import split_conflicts as split_arrow
from resolution.link.person import spec as person_spec

THRESHOLD = 0.7
PERSON = person_spec().exclusives


def _table(rows: dict[str, dict[str, str | None]]) -> pa.Table:
    ids = list(rows)
    return pa.table({
        "unique_id": ids,
        "dob": [rows[i].get("dob") for i in ids],
        "birth_year": [(rows[i].get("dob") or "")[:4] or None for i in ids],
        "id_number": [rows[i].get("id_number") for i in ids],
    })


def _pairs(edges: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table({
        "unique_id_l": [min(a, b) for a, b, _p in edges],
        "unique_id_r": [max(a, b) for a, b, _p in edges],
        "match_probability": pa.array([p for _a, _b, p in edges], pa.float64()),
    })


def split_conflicts(table: pa.Table, pairs: pa.Table, clusters: dict[str, str], exclusives: tuple[Exclusive, ...],
                    threshold: float, **options: list[list[str]]) -> tuple[dict[str, str], list[KeptApart]]:
    """``split_conflicts`` on a dictionary of clusters: every record's cluster after the split."""
    assigned = pa.table({"unique_id": list(clusters), "cluster_id": list(clusters.values())})
    split, kept = split_arrow(table, pairs, assigned, exclusives, threshold, **options)
    return clusters | split, kept


def _groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for key, cluster in clusters.items():
        members[cluster].add(key)
    return {frozenset(keys) for keys in members.values()}


# Two namesakes born on different days, and a registry row naming one of them with no date: it
# scores over the threshold against both and chains them into one component.
NAMESAKES = {
    "a1": {"dob": "1970-01-02"}, "a2": {"dob": "1970-01-02", "id_number": "111"},
    "b1": {"dob": "1981-05-06"}, "b2": {"dob": "1981-05-06"},
    "hub": {},
}
CHAIN = [("a1", "a2", 0.999), ("b1", "b2", 0.998), ("a1", "hub", 0.91), ("b1", "hub", 0.85), ("b2", "hub", 0.84)]


def test_a_record_without_a_date_does_not_chain_two_namesakes() -> None:
    clusters = dict.fromkeys(NAMESAKES, "a1")  # Splink's connected component
    split, kept = split_conflicts(_table(NAMESAKES), _pairs(CHAIN), clusters, PERSON, THRESHOLD)
    # the undated row goes with the namesake it resembles most
    assert _groups(split) == {frozenset({"a1", "a2", "hub"}), frozenset({"b1", "b2"})}
    assert {(k.record_l, k.record_r) for k in kept} == {("b1", "hub"), ("b2", "hub")}
    first = next(k for k in kept if k.record_l == "b1")
    assert (first.field, first.match_probability) == ("date_of_birth", 0.85)
    assert {first.value_l, first.value_r} == {"1970-01-02", "1981-05-06"}
    assert all(label.startswith(SPLIT_PREFIX) for label in split.values())
    assert split["a1"] == SPLIT_PREFIX + "a1" and split["b1"] == SPLIT_PREFIX + "b1"


def test_clusters_without_a_conflict_keep_their_labels() -> None:
    rows = {"x1": {"dob": "1960-03-04"}, "x2": {}, "y1": {"dob": "1990-01-01"}, "y2": {"dob": "1990"}}
    clusters = {"x1": "x1", "x2": "x1", "y1": "y1", "y2": "y1"}
    split, kept = split_conflicts(_table(rows), _pairs([("x1", "x2", 0.9), ("y1", "y2", 0.8)]), clusters,
                                  PERSON, THRESHOLD)
    assert split == clusters and kept == []  # a year alone agrees with a full date of that year


def test_two_values_a_merged_pair_joins_directly_stay_together() -> None:
    # the model merged a pair whose dates differ (a typo the identity number outweighs): trusted
    rows = {"p1": {"dob": "1970-01-02", "id_number": "9"}, "p2": {"dob": "1970-01-20", "id_number": "9"},
            "p3": {}}
    clusters = dict.fromkeys(rows, "p1")
    split, kept = split_conflicts(_table(rows), _pairs([("p1", "p2", 0.97), ("p2", "p3", 0.8)]), clusters,
                                  PERSON, THRESHOLD)
    assert _groups(split) == {frozenset(rows)} and kept == []


def test_years_of_birth_that_differ_are_a_conflict() -> None:
    rows = {"q1": {"dob": "1970"}, "q2": {}, "q3": {"dob": "1971-02-03"}}
    clusters = dict.fromkeys(rows, "q1")
    split, kept = split_conflicts(_table(rows), _pairs([("q1", "q2", 0.9), ("q2", "q3", 0.8)]), clusters,
                                  PERSON, THRESHOLD)
    assert _groups(split) == {frozenset({"q1", "q2"}), frozenset({"q3"})}
    assert [(k.field, k.value_l, k.value_r) for k in kept] == [("year_of_birth", "1970", "1971")]


def test_pairs_under_the_threshold_do_not_join() -> None:
    rows = {"r1": {"id_number": "1"}, "r2": {}, "r3": {"id_number": "2"}}
    clusters = dict.fromkeys(rows, "r1")
    pairs = _pairs([("r1", "r2", 0.9), ("r2", "r3", 0.75), ("r1", "r3", 0.4)])
    split, kept = split_conflicts(_table(rows), pairs, clusters, PERSON, THRESHOLD)
    assert _groups(split) == {frozenset({"r1", "r2"}), frozenset({"r3"})}
    assert [(k.record_l, k.record_r, k.field) for k in kept] == [("r2", "r3", "id_number")]
    assert merged_after_split(pairs, THRESHOLD, kept).to_pylist() == [True, False, False]


def test_no_exclusive_fields_leaves_the_clusters_as_they_are() -> None:
    clusters = dict.fromkeys(NAMESAKES, "a1")
    split, kept = split_conflicts(_table(NAMESAKES), _pairs(CHAIN), clusters, (), THRESHOLD)
    assert split == clusters and kept == []


@pytest.mark.parametrize("length", [None, 10])
def test_the_length_of_a_value_decides_whether_it_counts(length: int | None) -> None:
    rows = {"s1": {"dob": "1970"}, "s2": {"dob": "1971"}}
    only_full_dates = (Exclusive("date_of_birth", "dob", length=length),)
    split, kept = split_conflicts(_table(rows), _pairs([("s1", "s2", 0.9)]), dict.fromkeys(rows, "s1"),
                                  only_full_dates, THRESHOLD)
    # a merged pair joins the two values directly, so even when they count they are vouched for
    assert _groups(split) == {frozenset(rows)} and kept == []


_DATES = st.sampled_from([None, None, "1970-01-01", "1980-02-02", "1970"])
_IDS = st.sampled_from([None, None, "1", "2"])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(_DATES, _IDS), min_size=2, max_size=9),
    edges=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.floats(0.3, 1.0)), max_size=25),
)
def test_split_clusters_hold_no_unvouched_conflict(rows: list[tuple[str | None, str | None]],
                                                    edges: list[tuple[int, int, float]]) -> None:
    ids = [f"k{i}" for i in range(len(rows))]
    table = _table({key: {"dob": dob, "id_number": idn} for key, (dob, idn) in zip(ids, rows, strict=True)})
    seen: dict[tuple[str, str], float] = {}
    for a, b, p in edges:
        if a < len(ids) and b < len(ids) and a != b:
            seen.setdefault((ids[min(a, b)], ids[max(a, b)]), p)
    pairs = _pairs([(a, b, p) for (a, b), p in seen.items()])
    # Splink's clusters: connected components of the merged pairs
    parent = {key: key for key in ids}

    def find(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    for (a, b), p in seen.items():
        if p >= THRESHOLD:
            parent[find(a)] = find(b)
    clusters = {key: find(key) for key in ids}
    split, kept = split_conflicts(table, pairs, clusters, PERSON, THRESHOLD)

    assert set(split) == set(ids)
    for key in ids:  # every part lies within one input cluster
        assert all(clusters[other] == clusters[key] for other in ids if split[other] == split[key])
    merged = merged_after_split(pairs, THRESHOLD, kept).to_pylist()
    vouched = defaultdict(set)
    value = {key: (dob if dob and len(dob) == 10 else None, (dob or "")[:4] or None, idn)
             for key, (dob, idn) in zip(ids, rows, strict=True)}
    for ((a, b), p), is_merged in zip(seen.items(), merged, strict=True):
        if is_merged:
            assert split[a] == split[b]  # a merged pair is within one part
        if p >= THRESHOLD:  # the pairs that vouch for two values
            for index in range(3):
                if value[a][index] and value[b][index] and value[a][index] != value[b][index]:
                    vouched[index].add(frozenset((value[a][index], value[b][index])))
    for k in kept:
        assert split[k.record_l] != split[k.record_r]
    for a in ids:
        for b in ids:
            if a < b and split[a] == split[b]:
                for index in range(3):
                    x, y = value[a][index], value[b][index]
                    assert not (x and y and x != y) or frozenset((x, y)) in vouched[index]


def test_groups_kept_together_stay_whole_and_vouch_for_their_values() -> None:
    """An earlier run's entity holding two dates (joined through records since removed) is not
    split; a new record without a date joins it, a new one with a third date does not."""
    rows = {"g1": {"dob": "1970-01-02"}, "g2": {"dob": "1980-01-02"}, "n1": {}, "n2": {"dob": "1990-01-02"}}
    clusters = dict.fromkeys(rows, "g1")
    pairs = _pairs([("g1", "n1", 0.9), ("n1", "n2", 0.8)])
    alone, _kept = split_conflicts(_table(rows), pairs, clusters, PERSON, THRESHOLD)
    assert _groups(alone) == {frozenset({"g1", "n1"}), frozenset({"g2"}), frozenset({"n2"})}
    split, kept = split_conflicts(_table(rows), pairs, clusters, PERSON, THRESHOLD, kept_together=[["g1", "g2"]])
    assert _groups(split) == {frozenset({"g1", "g2", "n1"}), frozenset({"n2"})}
    assert [(k.record_l, k.record_r, k.field) for k in kept] == [("n1", "n2", "date_of_birth")]
