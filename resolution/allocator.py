"""Which memory allocator a process runs with, and starting a child process with jemalloc.

The screening worker runs one small DuckDB query after another for as long as the API lives.
With glibc's malloc those queries slow down as the heap fragments: on a 98k-record run Splink's
scoring SQL went from 19 to 41 ms per record over 4,000 calls; with jemalloc preloaded it stayed
at 19-21 ms (this DuckDB build does not bring its own jemalloc). jemalloc can only be chosen when
a process starts (``LD_PRELOAD``), so the API starts its worker with it when the library is
installed (``scripts/ensure-prereqs.sh`` installs Debian's ``libjemalloc2``).
"""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

JEMALLOC = "jemalloc"


def find_jemalloc() -> str | None:
    """The jemalloc shared library's name as the dynamic loader finds it, or None."""
    return ctypes.util.find_library(JEMALLOC)


def loaded_allocator(maps: Path = Path("/proc/self/maps")) -> str:
    """``jemalloc`` when it is mapped into this process, else ``system``."""
    try:
        text = maps.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "system"
    return JEMALLOC if f"lib{JEMALLOC}" in text else "system"


@contextmanager
def preloaded(library: str | None) -> Iterator[None]:
    """Within the block, processes started by this one preload ``library`` (nothing when None);
    any ``LD_PRELOAD`` already set is kept after it and restored on leaving."""
    if not library:
        yield
        return
    before = os.environ.get("LD_PRELOAD")
    os.environ["LD_PRELOAD"] = f"{library} {before}" if before else library
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("LD_PRELOAD", None)
        else:
            os.environ["LD_PRELOAD"] = before
