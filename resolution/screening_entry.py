"""Thin entry points for the API's screening worker process.

Importing this module does not import Splink; the worker imports ``resolution.screening`` when
it initialises, inside its own process.
"""

from __future__ import annotations

import signal
from typing import Any


def init_worker(run_dir: str) -> None:
    # Ctrl+C in a terminal signals the whole foreground process group; the API stops its worker
    # itself on the way out (ScreeningClient.close), so the worker ignores SIGINT rather than die
    # mid-call with a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from resolution.screening import init_worker as init

    init(run_dir)


def screen_in_worker(payload: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    from resolution.screening import screen_in_worker as screen

    return screen(payload, limit)


def allocator_in_use() -> str:
    """``jemalloc`` or ``system``: what the worker process allocates memory with."""
    from resolution.allocator import loaded_allocator

    return loaded_allocator()
