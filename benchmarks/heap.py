"""What Python objects hold, for the benchmarks that compare models with Arrow columns."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any


def python_heap_held(make: Callable[[], Any]) -> int:
    """Bytes of Python heap that what ``make`` returns still holds once made (``tracemalloc``:
    slow, so a pass of its own); it is let go afterwards."""
    tracemalloc.start()
    made = make()
    held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del made
    return held
