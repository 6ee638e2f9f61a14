"""Python's cyclic garbage collector, paused for the bulk stages.

A run builds millions of long-lived objects (records, feature rows, graph rows) and almost no
reference cycles. The cyclic collector does not know that: each time allocations outrun
deallocations it walks the young objects, and every so often *all* of them, so the bulk stages
spent a fifth to a third of their time walking objects that reference counting frees anyway
(see docs/benchmarks.md, "Resolution at a million records"). Reference counting still frees
everything outside a cycle while the collector is paused; the few cycles a stage makes (Splink's
linker objects) are collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; restore its state on the way out,
    also when the block raises."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
