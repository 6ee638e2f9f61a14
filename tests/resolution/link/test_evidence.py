"""Evidence from scored pairs, built a column at a time from the evidence columns only."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from resolution.link.evidence import PairOutcome, evidence_rows, evidence_table

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


def test_each_pair_keeps_its_ids_probability_and_rounded_weights_whatever_else_the_table_holds() -> None:
    rows = list(evidence_rows("company", _scored(), THRESHOLD))
    assert rows[0] == {
        "entity_type": "company", "record_l": "a:1", "record_r": "a:2",
        "match_probability": 0.998765, "match_weight": 9.7123, "merged": True,
        "weights": {"name": 6.6439}, "tf_adjustments": {"name_compact": -0.5123},
    }
    assert rows[1]["weights"] == {"name": 1.585, "country": 0.1} and rows[1]["tf_adjustments"] == {}
    assert [(r["record_l"], r["record_r"]) for r in rows] == [("a:1", "a:2"), ("a:1", "b:7"), ("a:2", "b:7"), ("b:7", "c:3")]
    assert [r["merged"] for r in rows] == [True, False, False, True]  # at the threshold is merged
    # a table holding only the evidence columns gives the same rows
    assert list(evidence_rows("company", evidence_table(_scored()), THRESHOLD)) == rows


def test_rows_come_batch_by_batch_in_the_tables_order(monkeypatch) -> None:
    import resolution.link.evidence as evidence

    monkeypatch.setattr(evidence, "_BATCH_ROWS", 3)
    table = pa.concat_tables([_scored()] * 3)
    rows = list(evidence_rows("company", table, THRESHOLD))
    assert len(rows) == 12 and rows[4] == rows[0] and rows[11]["record_r"] == "c:3"


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


def test_outcome_from_the_pairs_files_columns_equals_outcome_from_splinks_table() -> None:
    """What an incremental run counts from its pairs (the file's rounded columns, ``merged``
    decided) is what a full run counts from Splink's table."""
    from resolution.link.evidence import pairs_batch

    from_table, from_file = PairOutcome(), PairOutcome()
    from_table.add(_scored(), THRESHOLD)
    rows = pairs_batch("company", evidence_table(_scored()).to_batches()[0], THRESHOLD)
    from_file.add(pa.table({"unique_id_l": rows.column("record_l"), "unique_id_r": rows.column("record_r"),
                            "match_probability": rows.column("match_probability"),
                            "merged": rows.column("merged")}), THRESHOLD)
    assert (from_file.merged, from_file.probability, from_file.review) == \
        (from_table.merged, from_table.probability, from_table.review)
    assert from_file.merged == 2 and len(from_file.review) == 2


def test_the_pairs_file_holds_the_rows_evidence_rows_makes_types_in_name_order(tmp_path) -> None:
    from resolution.link.evidence import empty_pairs, write_evidence
    from resolution.pairs_file import PAIRS, PAIRS_SCHEMA, read_pairs

    person = pa.table({  # odd ids, no weights at all, zero and minus zero, a tie to round
        "unique_id_l": ["p:1", "p:\u00fc\"2", "p:5"], "unique_id_r": ["p:3", "p/4", "p:6"],
        "match_probability": [0.3000004, 1.0, 0.5], "match_weight": [-1.23456, 40.0, 0.00005],
        "mw_name": [None, 0.0, -0.00004], "mw_dob": [None, None, 2.5], "mw_tf_adj_name_sorted": [None, 3.33335, None],
    })
    scored = [("vessel", empty_pairs()), ("person", person), ("company", _scored())]
    write_evidence(tmp_path / PAIRS, scored, THRESHOLD)
    expected = [row for kind, table in sorted(scored, key=lambda s: s[0])
                for row in evidence_rows(kind, table, THRESHOLD)]
    written = list(read_pairs(tmp_path))
    assert written == expected and len(written) == 7
    assert [r["entity_type"] for r in written] == ["company"] * 4 + ["person"] * 3
    assert written[4]["weights"] == {} and written[4]["tf_adjustments"] == {}
    assert list(written[6]["weights"]) == ["dob", "name"]  # keys in name order
    assert pq.read_schema(tmp_path / PAIRS).equals(PAIRS_SCHEMA)
    assert [p.name for p in tmp_path.iterdir()] == [PAIRS]  # no part left behind


def test_no_pairs_write_an_empty_pairs_file(tmp_path) -> None:
    from resolution.link.evidence import empty_pairs, write_evidence
    from resolution.pairs_file import PAIRS, read_pairs

    write_evidence(tmp_path / PAIRS, [("company", empty_pairs())], THRESHOLD)
    assert pq.read_table(tmp_path / PAIRS).num_rows == 0 and list(read_pairs(tmp_path)) == []


def test_types_must_come_in_name_order(tmp_path) -> None:
    from resolution.link.evidence import EvidenceWriter
    from resolution.pairs_file import PAIRS

    with EvidenceWriter(tmp_path / PAIRS, THRESHOLD) as writer:
        writer.add("person", _scored())
        with pytest.raises(ValueError, match="sorted by entity type"):
            writer.add("company", _scored())


def test_a_writer_closed_before_it_finished_leaves_no_pairs_file(tmp_path) -> None:
    from resolution.link.evidence import EvidenceWriter
    from resolution.pairs_file import PAIRS

    with EvidenceWriter(tmp_path / PAIRS, THRESHOLD) as writer:
        writer.add("company", _scored())
    assert list(tmp_path.iterdir()) == []
