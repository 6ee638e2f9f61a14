"""Python's cyclic garbage collector, paused for the bulk stages.

A run builds millions of long-lived objects (records, feature rows, graph rows) and almost no
reference cycles. The cyclic collector does not know that: each time allocations outrun
deallocations it walks the young objects, and every so often *all* of them, so the bulk stages
spent a fifth to a third of their time walking objects that reference counting frees anyway
(see docs/benchmarks.md, "Resolution at a million records"). Reference counting still frees
everything outside a cycle while the collector is paused; the few cycles a stage makes (Splink's
linker objects) are collected once the collector runs again. A loop that makes cycles on every
turn must free them itself (``collect_cycles``): the Neo4j driver's objects of each transaction
form a cycle that holds the transaction's parameters, so a load kept every batch it had written
(5.3 GB for a million records) until it ended.
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


def collect_cycles() -> int:
    """Free the reference cycles made so far (a full collection; while the collector is paused,
    the few long-lived objects of a load make it take milliseconds). Returns what was freed."""
    return gc.collect()
