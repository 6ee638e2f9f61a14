"""The settings object: what ``TRACEGRAPH_DUCKDB_MEMORY_LIMIT`` accepts, and how a bad value is told."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution.cli import app
from resolution.errors import SettingsError
from resolution.settings import ResolutionSettings, get_settings


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_memory_limit_is_auto_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACEGRAPH_DUCKDB_MEMORY_LIMIT", raising=False)
    assert get_settings().duckdb_memory_limit == "auto"


@pytest.mark.parametrize("value", ["auto", "AUTO", "4GB", "1500MB", "2GiB", "1.5GB", "4G", "512 MB"])
def test_sizes_duckdb_reads_are_accepted(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_DUCKDB_MEMORY_LIMIT", value)
    assert ResolutionSettings().duckdb_memory_limit == value


@pytest.mark.parametrize("value", ["lots", "", "4 Q", "-1GB", "auto4GB"])
def test_anything_else_is_an_error_naming_the_variable(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_DUCKDB_MEMORY_LIMIT", value)
    with pytest.raises(SettingsError, match=r"TRACEGRAPH_DUCKDB_MEMORY_LIMIT=.*must be auto or a size"):
        get_settings()


def test_every_bad_setting_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_BATCH_SIZE", "many")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("TRACEGRAPH_MERGE_THRESHOLD", "2")
    with pytest.raises(SettingsError) as caught:
        get_settings()
    message = str(caught.value)
    assert "TRACEGRAPH_BATCH_SIZE='many'" in message
    assert "TRACEGRAPH_MERGE_THRESHOLD='2'" in message
    assert "NEO4J_USER" not in message


def test_the_cli_says_it_in_one_line_and_exits_non_zero(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRACEGRAPH_DUCKDB_MEMORY_LIMIT", "lots")
    source = tmp_path / "records.csv"
    source.write_text("source,record_id,entity_type,name\ns,1,company,Acme\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["resolve", str(source), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "TRACEGRAPH_DUCKDB_MEMORY_LIMIT='lots'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()
