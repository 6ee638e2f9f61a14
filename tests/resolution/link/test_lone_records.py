"""A record left alone joins the entity that holds most records of its name
(``resolution.link.lone_records``)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolution.link.company import spec as company_spec
from resolution.link.lone_records import Attached, LoneRule, attach_lone_records, attached_rows, attachment_reason
from resolution.link.person import spec as person_spec

SHARE = 0.7
PERSON = person_spec()
COMPANY = company_spec()
PERSON_COLUMNS = ("name_sorted", "nationality", "dob", "birth_year", "id_number")
COMPANY_COLUMNS = ("name_compact", "country", "legal_form", "address_std", "registration_number")


def _table(rows: dict[str, dict[str, str | None]], columns: tuple[str, ...]) -> pa.Table:
    ids = list(rows)
    return pa.table({"unique_id": ids, **{c: pa.array([rows[i].get(c) for i in ids], pa.string()) for c in columns}})


def _people(rows: dict[str, dict[str, str | None]]) -> pa.Table:
    for row in rows.values():
        if row.get("dob"):
            row.setdefault("birth_year", row["dob"][:4])
    return _table(rows, PERSON_COLUMNS)


def _attach_people(rows: dict[str, dict[str, str | None]], clusters: dict[str, str]) -> tuple[dict[str, str], list[Attached]]:
    assert PERSON.lone_rule is not None
    return attach_lone_records(_people(rows), clusters, PERSON.lone_rule, PERSON.exclusives, SHARE)


def _executive_and_namesakes(extra: dict[str, str | None] | None = None) -> tuple[dict, dict]:
    """Zhao Honggang the executive (four records), two namesakes with one each, and a lone row."""
    rows: dict[str, dict[str, str | None]] = {
        f"exec{i}": {"name_sorted": "honggangzhao", "nationality": "CN", "dob": "1966-02-03"} for i in range(4)
    }
    rows["other1"] = {"name_sorted": "honggangzhao", "nationality": "CN", "dob": "1980-07-01"}
    rows["lone"] = {"name_sorted": "honggangzhao", "nationality": "CN", **(extra or {})}
    clusters = {key: ("E" if key.startswith("exec") else key) for key in rows}
    return rows, clusters


def test_a_name_only_row_joins_the_namesake_with_most_records() -> None:
    rows, clusters = _executive_and_namesakes()

    moved, attached = _attach_people(rows, clusters)

    assert moved == {"lone": "E"}
    assert attached == [Attached("lone", "exec0", "honggangzhao", "honggangzhao", 4, 5)]
    assert attached[0].share == pytest.approx(0.8)


def test_no_join_when_the_largest_namesake_holds_less_than_the_share() -> None:
    rows, clusters = _executive_and_namesakes()
    rows["other2"] = {"name_sorted": "honggangzhao", "nationality": "CN", "dob": "1990-01-01"}
    clusters["other2"] = "other2"

    moved, attached = _attach_people(rows, clusters)  # 4 of 6: 0.67

    assert moved == {}
    assert attached == []


@pytest.mark.parametrize("value", [{"dob": "1966-02-03"}, {"id_number": "G123"}, {"dob": "1966"}])
def test_a_record_holding_an_exclusive_value_never_moves(value: dict[str, str]) -> None:
    rows, clusters = _executive_and_namesakes(value)

    moved, _attached = _attach_people(rows, clusters)

    assert moved == {}


def test_a_disagreeing_field_rules_a_cluster_out_and_a_blank_one_does_not() -> None:
    rows, clusters = _executive_and_namesakes({"nationality": "KP"})
    moved, _ = _attach_people(rows, clusters)
    assert moved == {}

    for key in clusters:
        if key.startswith("exec"):
            rows[key]["nationality"] = None
    moved, _ = _attach_people(rows, clusters)
    assert moved == {"lone": "E"}  # the executive's records say no nationality: no disagreement


def test_records_that_were_not_alone_stay() -> None:
    rows, clusters = _executive_and_namesakes()
    rows["lone2"] = {"name_sorted": "honggangzhao", "nationality": "CN"}
    clusters["lone"] = clusters["lone2"] = "pair"

    moved, _ = _attach_people(rows, clusters)

    assert moved == {}


def test_a_one_record_entity_is_not_joined() -> None:
    rows = {"a": {"name_sorted": "weili", "dob": "1970-01-01"}, "lone": {"name_sorted": "weili"}}

    moved, _ = _attach_people(rows, {"a": "a", "lone": "lone"})

    assert moved == {}


def test_two_largest_namesakes_of_one_size_are_a_tie() -> None:
    rows = {key: {"name_sorted": "weili"} for key in ("a1", "a2", "b1", "b2", "lone")}
    for key in ("a1", "a2"):
        rows[key]["dob"] = "1970-01-01"
    for key in ("b1", "b2"):
        rows[key]["dob"] = "1980-01-01"

    moved, _ = attach_lone_records(_people(rows), {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "lone": "lone"},
                                   LoneRule("name_sorted", min_entity_records=2), PERSON.exclusives, 0.5)

    assert moved == {}  # each holds half: share 0.5 reached, but neither is the larger


def _firms(rows: dict[str, dict[str, str | None]]) -> pa.Table:
    return _table(rows, COMPANY_COLUMNS)


def _attach_firms(rows: dict[str, dict[str, str | None]], clusters: dict[str, str]) -> tuple[dict[str, str], list[Attached]]:
    assert COMPANY.lone_rule is not None
    return attach_lone_records(_firms(rows), clusters, COMPANY.lone_rule, COMPANY.exclusives, SHARE)


FIRM = {"name_compact": "wonsanmanamtechnology", "country": "KP", "legal_form": "corp", "address_std": "1 wonsan road",
        "registration_number": None}


def test_a_typo_joins_the_only_firm_one_edit_away() -> None:
    rows = {"f1": dict(FIRM), "f2": dict(FIRM), "typo": {"name_compact": "wonsanmanamtechnolgoy", "legal_form": "corp"}}

    moved, attached = _attach_firms(rows, {"f1": "F", "f2": "F", "typo": "typo"})

    assert moved == {"typo": "F"}
    assert attached == [Attached("typo", "f1", "wonsanmanamtechnolgoy", "wonsanmanamtechnology", 2, 2)]
    reason = attachment_reason(attached_rows("company", attached)[0])
    assert "held 2 of the 2 records named alike (within one edit)" in reason and "share 1.00" in reason


def test_a_typo_one_edit_from_two_firms_of_one_size_stays_alone() -> None:
    other = dict(FIRM, name_compact="wonsanmanantechnology", address_std="2 wonsan road")
    rows = {"f1": dict(FIRM), "f2": dict(FIRM), "g1": dict(other), "g2": dict(other),
            "typo": {"name_compact": "wonsanmanamtechnolagy", "legal_form": "corp"}}
    clusters = {"f1": "F", "f2": "F", "g1": "G", "g2": "G", "typo": "typo"}

    moved, _ = _attach_firms(rows, clusters)
    assert moved == {"typo": "F"}  # one edit from F's name, two from G's

    rows["typo"]["name_compact"] = "wonsanmanatechnology"  # one deletion from either name
    moved, _ = _attach_firms(rows, clusters)
    assert moved == {}


def test_a_firm_of_another_legal_form_or_address_is_no_candidate() -> None:
    rows = {"f1": dict(FIRM), "f2": dict(FIRM), "typo": {"name_compact": "wonsanmanamtechnolgoy", "legal_form": "co"}}
    assert _attach_firms(rows, {"f1": "F", "f2": "F", "typo": "typo"})[0] == {}

    rows["typo"] = {"name_compact": "wonsanmanamtechnolgoy", "address_std": "9 other road"}
    assert _attach_firms(rows, {"f1": "F", "f2": "F", "typo": "typo"})[0] == {}


def test_two_edits_are_not_alike() -> None:
    rows = {"f1": dict(FIRM), "f2": dict(FIRM), "typo": {"name_compact": "wonsanmanamtechnolgoi"}}

    assert _attach_firms(rows, {"f1": "F", "f2": "F", "typo": "typo"})[0] == {}


def test_edits_other_than_zero_or_one_are_refused() -> None:
    rows = {"a": {"name_sorted": "weili"}, "b": {"name_sorted": "weili"}}
    with pytest.raises(ValueError, match="0 or 1"):
        attach_lone_records(_people(rows), {"a": "a", "b": "b"}, LoneRule("name_sorted", edits=2), (), SHARE)


NAMES = st.sampled_from(["weili", "weilin", "honggangzhao", None])
DOBS = st.sampled_from(["1970-01-01", "1980-02-02", None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, DOBS, st.integers(0, 4)), min_size=2, max_size=14))
def test_only_lone_records_without_exclusive_values_move_and_only_into_clusters(
    rows: list[tuple[str | None, str | None, int]],
) -> None:
    table = {f"r{i}": {"name_sorted": name, "dob": dob} for i, (name, dob, _c) in enumerate(rows)}
    clusters = {f"r{i}": f"c{cluster}" for i, (_n, _d, cluster) in enumerate(rows)}
    sizes = {label: list(clusters.values()).count(label) for label in set(clusters.values())}

    moved, attached = attach_lone_records(_people(table), clusters, LoneRule("name_sorted", edits=1),
                                          PERSON.exclusives, SHARE)

    assert set(moved) == {a.record for a in attached}
    for key, label in moved.items():
        assert sizes[clusters[key]] == 1 and table[key]["dob"] is None
        assert label in sizes and sizes[label] >= 2 and label != clusters[key]
    for a in attached:
        assert a.share >= SHARE and a.entity_records == sizes[moved[a.record]]
        assert clusters[a.joined_record] == moved[a.record]
