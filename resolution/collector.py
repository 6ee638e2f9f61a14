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

The objects that exist when the pause begins (modules, the driver, settings: some 80k in a load)
are frozen for its length (``gc.freeze``), so such a collection walks only what the block made:
without that, each one took about 60 ms: some 160 of them at 1M with 5,000-row batches, about
10 s of the loader's 119 s of CPU (an estimate from those two figures).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# set by ``end_with_the_process``: the collector is not restored when a block ends
_paused_to_the_end = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block, with the objects made before it
    frozen (left out of ``collect_cycles``); restore both on the way out, also when the block
    raises. A block inside another (the collector already paused) changes nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    if was_enabled:
        gc.freeze()
    try:
        yield
    finally:
        if was_enabled and not _paused_to_the_end:
            gc.unfreeze()
            gc.enable()


def collect_cycles() -> int:
    """Free the reference cycles made so far (a full collection; inside ``collector_paused`` it
    walks only the objects made since the block began). Returns what was freed."""
    return gc.collect()


# what ``leave_to_the_os`` keeps: a list that holds itself, so that clearing this module at
# shutdown does not free it either
_left_to_the_os: list[object] = []
_left_to_the_os.append(_left_to_the_os)


def leave_to_the_os(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends, so that they are never freed one by one.

    For a command-line process that is about to end: a million-record run leaves some 30 million
    objects (records, relations, graph rows), and freeing them when the pipeline returned took
    5.7 s of a 93 s run; the operating system takes the whole heap back at once. They are held
    in a reference cycle, which the interpreter's shutdown does not free, and ``freeze_for_exit``
    takes that cycle out of the shutdown's last collection. Only for a process's last work: in a
    long-lived process (the API, a test session) it is a leak."""
    _left_to_the_os.append(objects)


def freeze_for_exit() -> None:
    """Just before the process ends: leave everything that is still alive out of the collections
    that the interpreter's shutdown runs (``gc.freeze``), with what ``leave_to_the_os`` kept."""
    gc.freeze()


def end_with_the_process(*objects: object) -> None:
    """A process's last work is done: leave ``objects`` to the operating system
    (``leave_to_the_os``) and keep the collector paused until the process ends, also when the
    ``collector_paused`` block around the call ends.

    Restoring the collector costs a walk over everything the block made: the first young
    collection after ``gc.enable`` visits every object made while it was paused (at a million
    records some 30 million, 1.6 s) just before the process ends and the OS takes them back
    anyway. Only for a process that ends next: in a long-lived one the collector would stay off."""
    global _paused_to_the_end
    leave_to_the_os(*objects)
    _paused_to_the_end = True
    gc.disable()
