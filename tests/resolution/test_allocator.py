"""Starting child processes with jemalloc preloaded, and telling which allocator a process has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from resolution.allocator import find_jemalloc, loaded_allocator, preloaded

CHILD = "from resolution.allocator import loaded_allocator; print(loaded_allocator())"


def _child_allocator() -> str:
    return subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout.strip()


def test_a_child_started_inside_the_block_has_jemalloc_and_one_started_after_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    library = find_jemalloc()
    assert library, "scripts/ensure-prereqs.sh installs libjemalloc2"
    with preloaded(library):
        assert _child_allocator() == "jemalloc"
    assert "LD_PRELOAD" not in os.environ
    assert _child_allocator() == "system"


def test_an_existing_preload_is_kept_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_PRELOAD", "libother.so")
    with preloaded("libjemalloc.so.2"):
        assert os.environ["LD_PRELOAD"] == "libjemalloc.so.2 libother.so"
    assert os.environ["LD_PRELOAD"] == "libother.so"
    with preloaded(None):
        assert os.environ["LD_PRELOAD"] == "libother.so"


def test_the_allocator_is_read_from_the_memory_map(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n", encoding="utf-8")
    assert loaded_allocator(maps) == "jemalloc"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n", encoding="utf-8")
    assert loaded_allocator(maps) == "system"
    assert loaded_allocator(tmp_path / "missing") == "system"
