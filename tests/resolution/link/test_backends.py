"""The DuckDB memory cap that ``TRACEGRAPH_DUCKDB_MEMORY_LIMIT=auto`` picks per linking job."""

from __future__ import annotations

import duckdb
import pytest

from resolution.link import backends
from resolution.link.backends import AUTO_FLOOR_MB, memory_cap


def _megabytes(cap: str) -> int:
    assert cap.endswith("MB"), cap
    return int(cap.removesuffix("MB"))


@pytest.mark.parametrize("setting", ["4GB", "1500MB", "2GiB", "512 MB"])
def test_a_size_is_used_as_it_is(setting: str) -> None:
    assert memory_cap(setting, 10_000_000) == setting


@pytest.mark.parametrize("rows", [0, 2, 50_000, 700_000])
def test_auto_never_goes_below_the_floor(rows: int) -> None:
    assert _megabytes(memory_cap("auto", rows)) == AUTO_FLOOR_MB


def test_auto_grows_with_the_rows_beyond_the_floor() -> None:
    caps = [_megabytes(memory_cap("AUTO", rows)) for rows in (1_000_000, 2_000_000, 3_000_000)]
    assert AUTO_FLOOR_MB < caps[0] < caps[1] < caps[2]
    # about 2 KiB a row: twice the rows, twice the cap (to the megabyte)
    assert abs(caps[1] - 2 * caps[0]) <= 1


def test_auto_stops_at_half_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "_physical_memory_bytes", lambda: 8_000_000_000)
    assert memory_cap("auto", 100_000_000) == "4000MB"
    monkeypatch.setattr(backends, "_physical_memory_bytes", lambda: 1_000_000_000)
    assert _megabytes(memory_cap("auto", 100_000_000)) == AUTO_FLOOR_MB  # the floor wins on a tiny machine


def test_auto_without_a_known_machine_size_follows_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "_physical_memory_bytes", lambda: None)
    assert _megabytes(memory_cap("auto", 10_000_000)) > _megabytes(memory_cap("auto", 5_000_000)) > AUTO_FLOOR_MB


@pytest.mark.parametrize("rows", [10, 3_000_000])
def test_duckdb_takes_the_auto_cap(rows: int) -> None:
    cap = memory_cap("auto", rows)
    con = duckdb.connect(config={"memory_limit": cap})
    try:
        set_to = con.execute("SELECT current_setting('memory_limit')").fetchone()
    finally:
        con.close()
    assert set_to is not None
    # DuckDB reports the cap in binary units to a tenth: "1.3 GiB" for 1500MB (1.397 GiB)
    number, unit = str(set_to[0]).split()
    in_bytes = float(number) * {"MiB": 2**20, "GiB": 2**30}[unit]
    assert abs(in_bytes - _megabytes(cap) * 1_000_000) < 0.1 * 2**30


def test_a_job_beside_others_takes_its_share_of_auto_and_a_given_size_as_it_is() -> None:
    whole = _megabytes(memory_cap("auto", 1_000_000))
    assert _megabytes(memory_cap("auto", 1_000_000, share=0.5)) == whole // 2
    assert _megabytes(memory_cap("auto", 10, share=0.5)) == AUTO_FLOOR_MB // 2
    assert memory_cap("3GB", 1_000_000, share=0.5) == "3GB"
