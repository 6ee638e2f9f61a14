"""Run-folder JSON lines: the same rows give the same bytes, and they read back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution.errors import RunFolderError
from resolution.run_folder import read_jsonl, write_jsonl


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
