"""Evidence from scored pairs, built a column at a time, agrees with the row-at-a-time reading."""

from __future__ import annotations

import pyarrow as pa

from resolution.link.evidence import PairOutcome, evidence_rows, evidence_table, pair_evidence

THRESHOLD = 0.9


def _scored() -> pa.Table:
    """Shaped like Splink's predictions with intermediate columns retained."""
    return pa.table({
        "match_weight": [9.71234567, 1.5, -0.25, 12.0],
        "match_probability": [0.99876543219, 0.7391, 0.45, 0.9],
        "unique_id_l": ["a:1", "a:1", "a:2", "b:7"],
        "unique_id_r": ["a:2", "b:7", "b:7", "c:3"],
        "name_compact_l": ["dandong", "dandong", "dandong", "x"],
        "name_compact_r": ["dandong", "dandongx", "dandongx", "y"],
        "gamma_name": [4, 2, 2, 4],
        "bf_name": [100.0, 3.0, 3.0, 100.0],
        "mw_name": [6.64385619, 1.58496250, 1.58496250, 6.64385619],
        "mw_tf_adj_name_compact": [-0.51234, None, None, 0.25],
        "mw_country": [None, 0.1, -2.33333, 1.0],
    })


def test_rows_built_from_the_evidence_columns_equal_rows_built_from_whole_rows() -> None:
    table = _scored()
    expected = [pair_evidence("company", row, THRESHOLD) for row in table.to_pylist()]
    assert list(evidence_rows("company", table, THRESHOLD)) == expected
    assert expected[0]["weights"] == {"name": 6.6439} and expected[0]["tf_adjustments"] == {"name_compact": -0.5123}
    assert [e["merged"] for e in expected] == [True, False, False, True]


def test_the_evidence_table_drops_the_intermediate_columns() -> None:
    slim = evidence_table(_scored())
    assert "name_compact_l" not in slim.column_names and "bf_name" not in slim.column_names
    assert {"mw_name", "mw_tf_adj_name_compact", "mw_country", "match_probability"} <= set(slim.column_names)


def test_outcome_counts_merges_keeps_each_records_best_probability_and_the_review_band() -> None:
    outcome = PairOutcome()
    outcome.add(_scored(), THRESHOLD)
    outcome.add(pa.table({
        "match_probability": [0.95], "unique_id_l": ["a:2"], "unique_id_r": ["d:1"], "match_weight": [4.0],
    }), THRESHOLD)
    assert outcome.merged == 3
    assert outcome.probability == {"a:1": 0.998765, "a:2": 0.998765, "b:7": 0.9, "c:3": 0.9, "d:1": 0.95}
    assert outcome.review == [("a:1", "b:7", 0.7391), ("a:2", "b:7", 0.45)]


def test_an_empty_table_adds_nothing() -> None:
    outcome = PairOutcome()
    empty = _scored().slice(0, 0)
    outcome.add(empty, THRESHOLD)
    assert (outcome.merged, outcome.probability, outcome.review) == (0, {}, [])
    assert list(evidence_rows("company", empty, THRESHOLD)) == []
