"""Run-folder files: the same rows give the same bytes, and they read back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution.errors import RunFolderError
from resolution.run_folder import read_csv, read_jsonl, write_csv, write_csv_tuples, write_jsonl


def test_rows_round_trip_with_sorted_keys_and_script_kept(tmp_path: Path) -> None:
    rows = [{"name": "丹东鸿祥贸易有限公司", "aliases": ["Dandong Hongxiang"], "p": 0.998765, "n": 3, "none": None},
            {"b": {"z": 1, "a": 2}, "a": True}]
    path = tmp_path / "rows.jsonl"
    assert write_jsonl(path, iter(rows)) == 2
    text = path.read_text(encoding="utf-8")
    assert "丹东鸿祥贸易有限公司" in text  # UTF-8, not \\u escapes
    assert text.splitlines()[1] == '{"a":true,"b":{"a":2,"z":1}}'
    assert list(read_jsonl(path)) == rows
    again = tmp_path / "again.jsonl"
    write_jsonl(again, [dict(reversed(list(r.items()))) for r in rows])
    assert again.read_bytes() == path.read_bytes()


def test_a_missing_file_names_the_run_folder(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="complete run folder"):
        list(read_jsonl(tmp_path / "entities.jsonl"))


def test_rows_written_from_tuples_are_the_bytes_of_rows_written_from_dictionaries(tmp_path: Path) -> None:
    columns = ["source", "record_id", "entity_id"]
    rows = [("reg", "1", "tg-co-1"), ("reg", 'quoted "2", with comma', "tg-co-2"), ("customs", "行", "")]
    write_csv(tmp_path / "dicts.csv", columns, (dict(zip(columns, row, strict=True)) for row in rows))
    write_csv_tuples(tmp_path / "tuples.csv", columns, iter(rows))
    assert (tmp_path / "tuples.csv").read_bytes() == (tmp_path / "dicts.csv").read_bytes()
    assert [tuple(r.values()) for r in read_csv(tmp_path / "tuples.csv")] == rows
