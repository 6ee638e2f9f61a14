"""The pairs file: written from rows, read back whole or filtered, and older runs' pairs.jsonl."""

from __future__ import annotations

import pytest

from resolution.errors import RunFolderError
from resolution.pairs_file import (
    LEGACY_PAIRS,
    PAIRS,
    batch_rows,
    count_pairs,
    pairs_path,
    read_matched,
    read_pairs,
    read_pairs_table,
    write_pair_rows,
)
from resolution.run_folder import write_jsonl


def _pair(left: str, right: str, merged: bool, probability: float = 0.99, **weights: float) -> dict[str, object]:
    return {"entity_type": "company", "record_l": left, "record_r": right, "match_probability": probability,
            "match_weight": 7.5 if merged else -1.0, "merged": merged, "weights": dict(sorted(weights.items())),
            "tf_adjustments": {}}


ROWS = [
    _pair("a:1", "a:2", True, name=6.5, country=1.2),
    _pair("a:1", "b:7", False, 0.41, name=1.5),
    _pair("a:2", "c:3", True, name=9.0),
    _pair("b:7", "c:3", True),
]


def test_rows_written_come_back_as_they_were_in_their_order(tmp_path) -> None:
    assert write_pair_rows(tmp_path / PAIRS, ROWS) == 4
    assert list(read_pairs(tmp_path)) == ROWS
    assert read_pairs_table(tmp_path).num_rows == 4


@pytest.mark.parametrize("name", [PAIRS, LEGACY_PAIRS])
def test_filters_keep_the_merged_pairs_and_the_pairs_within_a_set_of_records(tmp_path, name) -> None:
    if name == PAIRS:
        write_pair_rows(tmp_path / PAIRS, ROWS)
    else:  # a run folder written before pairs.parquet
        write_jsonl(tmp_path / LEGACY_PAIRS, ROWS)
    assert pairs_path(tmp_path).name == name
    assert list(read_pairs(tmp_path, merged_only=True)) == [ROWS[0], ROWS[2], ROWS[3]]
    assert list(read_pairs(tmp_path, within={"a:1", "a:2", "b:7"})) == [ROWS[0], ROWS[1]]
    assert list(read_pairs(tmp_path, merged_only=True, within={"a:1", "a:2", "b:7"})) == [ROWS[0]]
    assert list(read_pairs(tmp_path, within=set())) == []
    assert read_pairs_table(tmp_path).column("record_r").to_pylist() == ["a:2", "b:7", "c:3", "c:3"]
    assert (count_pairs(tmp_path), count_pairs(tmp_path, merged_only=True)) == (4, 3)
    assert list(read_matched(tmp_path)) == [
        ("a:1", "a:2", 0.99, 7.5, ["country", "name"], [1.2, 6.5]),
        ("a:2", "c:3", 0.99, 7.5, ["name"], [9.0]),
        ("b:7", "c:3", 0.99, 7.5, [], []),
    ]


def test_writing_pairs_into_an_older_run_folder_removes_its_pairs_jsonl(tmp_path) -> None:
    write_jsonl(tmp_path / LEGACY_PAIRS, ROWS[:1])
    write_pair_rows(tmp_path / PAIRS, ROWS)
    assert not (tmp_path / LEGACY_PAIRS).exists()
    assert len(list(read_pairs(tmp_path))) == 4


def test_a_folder_without_pairs_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(RunFolderError, match="pairs.parquet is missing"):
        list(read_pairs(tmp_path))
    with pytest.raises(RunFolderError, match="pairs.parquet is missing"):
        count_pairs(tmp_path)


def test_no_pairs_count_none(tmp_path) -> None:
    write_pair_rows(tmp_path / PAIRS, [])
    assert (count_pairs(tmp_path), count_pairs(tmp_path, merged_only=True)) == (0, 0)


def test_rows_of_a_batch_sliced_from_a_table_are_that_slices_rows(tmp_path) -> None:
    write_pair_rows(tmp_path / PAIRS, ROWS)
    table = read_pairs_table(tmp_path)
    sliced = table.slice(1, 2).to_batches()[0]  # map keys and items of a slice start mid-array
    assert list(batch_rows(sliced)) == ROWS[1:3]
    assert list(batch_rows(table.slice(3, 1).to_batches()[0])) == ROWS[3:]
