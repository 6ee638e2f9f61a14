"""Independent answers computed from a run folder, to check the graph and the API against."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path


def entities(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "entities.jsonl").open(encoding="utf-8")]


def adjacency(run_dir: Path, *, addresses: bool = True) -> dict[str, set[str]]:
    """Undirected neighbours over entity relations (and shared addresses unless told not to)."""
    files = ["relations.jsonl"] + (["registered_at.jsonl"] if addresses else [])
    graph: dict[str, set[str]] = {}
    for name in files:
        for line in (run_dir / name).open(encoding="utf-8"):
            row = json.loads(line)
            graph.setdefault(row["from_id"], set()).add(row["to_id"])
            graph.setdefault(row["to_id"], set()).add(row["from_id"])
    return graph


def bfs(graph: dict[str, set[str]], start: str) -> dict[str, int]:
    """Hop distance from ``start`` to every node it reaches."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, ()):
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist
