"""OFAC screening benchmark: does screening a published alias find its SDN entry?

    python -m benchmarks.ofac_screening_benchmark [--data ../shared/data/ofac-sdn-sample]
        [--limit 10] [--clean 2000] [--samples 10]

The list (list A of ``benchmarks.ofac_alias_benchmark``: each SDN entry with its own fields and
its name as published, no aliases) is resolved alone, as a user would resolve a sanctions list.
Then each alt.csv alias (aka / fka / nka) is screened against it with ``resolution.screening``,
as ``POST /match`` does, twice: with the alias name and the entry type alone, and with the entry's
country too. For each alias: is its entry among the candidates (``--limit``), first among them,
and first with a probability of 0.5 or more; is another entry first with 0.5 or more (a false
alert). The aliases are counted by how their name relates to the entry's
(``ofac_alias_benchmark.miss_kind``'s kinds).

A negative control: ``--clean`` names of a generated world's people and firms (none of them is
on the list) screened the same way; the share with any candidate at 0.5 or more is the false
alert rate on names that are not listed.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.ofac_alias_benchmark import (
    DEFAULT_DATA,
    LIST_A,
    LIST_B,
    build_lists,
    miss_kind,
    run_ours,
)
from resolution.demo import generate_world
from resolution.evaluate import read_assignments
from resolution.models import Record
from resolution.screening import Screener
from resolution.settings import ResolutionSettings

ALERT = 0.5


def _query(row: dict[str, Any], *, with_country: bool) -> Record:
    return Record(source="query", record_id=row["record_id"], entity_type=row["entity_type"], name=row["name"],
                  country=(row["country"] or None) if with_country else None)


def screen_aliases(screener: Screener, aliases: list[dict[str, Any]], entries: dict[str, dict[str, Any]],
                   entity_of: dict[str, str], *, with_country: bool, limit: int) -> tuple[dict[str, Counter[str]], list[float], list[str]]:
    """Counts per group (``all``, each type, each kind of alias), call latencies, and missed samples."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    latencies: list[float] = []
    missed: list[str] = []
    for alias in aliases:
        entry_number = alias["record_id"].split("-")[0]
        entry = entries[entry_number]
        kind = miss_kind(alias["name"], entry["name"], alias["entity_type"], alias["alt_type"])
        kind = kind.removesuffix(", not merged")
        started = time.perf_counter()
        found = screener.screen(_query(alias, with_country=with_country), limit=limit)
        latencies.append(time.perf_counter() - started)
        wanted = entity_of[f"{LIST_A}:{entry_number}"]
        rank = next((i for i, c in enumerate(found) if c["entity_id"] == wanted), None)
        outcome = Counter(aliases=1, candidates=bool(found), found=rank is not None, first=rank == 0,
                          first_alert=rank == 0 and found[0]["match_probability"] >= ALERT,
                          false_alert=bool(found) and rank != 0 and found[0]["match_probability"] >= ALERT)
        for group in ("all", alias["entity_type"], kind):
            counts[group].update(outcome)
        if rank is None and len(missed) < 400:
            missed.append(f"{alias['entity_type']}: {alias['name']!r} vs entry {entry['name']!r} [{kind}]"
                          + (f"; first {found[0]['name']!r} p={found[0]['match_probability']}" if found else ""))
    return counts, latencies, missed


def clean_names(count: int, folder: Path) -> list[dict[str, Any]]:
    """Names of a generated world's people and firms: none of them is on the SDN list."""
    world = generate_world(folder, size=max(200, count), seed=5)
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []
    with world.records.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["entity_type"], row["name"])
            if row["entity_type"] in {"person", "company"} and row["name"] and key not in seen:
                seen.add(key)
                rows.append({**row, "record_id": f"clean-{len(rows)}", "country": ""})
    return rows[:count]


def print_counts(counts: dict[str, Counter[str]]) -> None:
    print("| aliases | n | any candidate | entry among candidates | entry first | entry first, p >= 0.5 | another first, p >= 0.5 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for group, c in sorted(counts.items(), key=lambda item: (item[0] != "all", -item[1]["aliases"])):
        n = c["aliases"]
        cells = " | ".join(f"{c[k] / n:.1%}" for k in ("candidates", "found", "first", "first_alert", "false_alert"))
        print(f"| {group} | {n:,} | {cells} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=10, help="candidates asked for per alias")
    parser.add_argument("--clean", type=int, default=2000, help="names not on the list screened as a control")
    parser.add_argument("--samples", type=int, default=10, help="missed aliases printed per variant")
    args = parser.parse_args()
    rows, _truth, kinds = build_lists(args.data, alias_country=True)
    entries = {r["record_id"]: r for r in rows if r["source"] == LIST_A}
    aliases = [{**r, "alt_type": kinds[f"{LIST_B}:{r['record_id']}"]} for r in rows if r["source"] == LIST_B]
    with tempfile.TemporaryDirectory(prefix="ofac-screen-") as scratch:
        run, seconds = run_ours(list(entries.values()), Path(scratch) / "list", ResolutionSettings())
        entity_of = read_assignments(run / "clusters.csv", "entity_id")
        started = time.perf_counter()
        screener = Screener(run)
        print(f"list: {len(entries):,} SDN entries resolved in {seconds} s; screener ready in "
              f"{time.perf_counter() - started:.1f} s; {len(aliases):,} aliases screened, up to {args.limit} candidates each")
        for with_country in (False, True):
            label = "alias name + type + entry's country" if with_country else "alias name + type only"
            counts, latencies, missed = screen_aliases(screener, aliases, entries, entity_of,
                                                       with_country=with_country, limit=args.limit)
            print(f"\n## {label} (p50 {np.percentile(latencies, 50) * 1000:.1f} ms, "
                  f"p95 {np.percentile(latencies, 95) * 1000:.1f} ms per call)")
            print_counts(counts)
            step = max(1, len(missed) // max(1, args.samples))
            for line in missed[::step][:args.samples]:
                print(f"    missed {line}")
        clean = clean_names(args.clean, Path(scratch) / "clean")
        alerts = Counter()
        for row in clean:
            found = screener.screen(_query(row, with_country=False), limit=1)
            alerts[row["entity_type"]] += bool(found) and found[0]["match_probability"] >= ALERT
        by_type = Counter(r["entity_type"] for r in clean)
        print(f"\ncontrol: {len(clean):,} generated names not on the list (name + type); alert (p >= {ALERT}): "
              + ", ".join(f"{t} {alerts[t]}/{n} ({alerts[t] / n:.1%})" for t, n in sorted(by_type.items())))


if __name__ == "__main__":
    main()
