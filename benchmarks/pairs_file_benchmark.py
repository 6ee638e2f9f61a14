"""The pairs file: ``pairs.parquet`` against the ``pairs.jsonl`` runs wrote before, in one run.

    python -m benchmarks.pairs_file_benchmark RUN_DIR [--repeat 2] [--out DIR]

Reads the scored pairs of a finished run (either file) back into one Arrow table per entity type,
shaped as Splink's predictions leave the engine (ids, probability, match weight, ``mw_*``
columns), then, per trial, writes them both ways: JSON lines (``write_jsonl(evidence_rows(...))``,
orjson a row at a time: the rows ``pairs.jsonl`` held) and ``write_evidence`` (``pairs.parquet``).
Prints the seconds and megabytes of each and their ratio, then what readers pay for each file:
every merged pair (``read_matched``, what ``tracegraph load`` reads) and the pairs within two
records (``read_pairs(within=...)``, what ``tracegraph explain`` reads), and whether both files
give the same rows. Last, what an incremental run pays: every pair read as a dictionary and
written again from dictionaries, each file.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from resolution.collector import collector_paused
from resolution.link.evidence import evidence_rows, write_evidence
from resolution.pairs_file import LEGACY_PAIRS, PAIRS, read_matched, read_pairs, read_pairs_table, write_pair_rows
from resolution.run_folder import write_jsonl
from resolution.settings import ResolutionSettings


def scored_pairs(run_dir: Path) -> list[tuple[str, pa.Table]]:
    """The run's pairs as Splink-shaped tables, one per entity type, in file order."""
    table = read_pairs_table(run_dir)
    tables = []
    for kind in sorted(set(table.column("entity_type").to_pylist())):
        part = table.filter(pc.equal(table.column("entity_type"), kind))
        columns: dict[str, Any] = {
            "unique_id_l": part.column("record_l"), "unique_id_r": part.column("record_r"),
            "match_probability": part.column("match_probability"), "match_weight": part.column("match_weight"),
        }
        for field, prefix in (("weights", "mw_"), ("tf_adjustments", "mw_tf_adj_")):
            names = sorted({name for chunk in part.column(field).chunks for name in chunk.keys.to_pylist()})
            columns |= {f"{prefix}{name}": pc.map_lookup(part.column(field), name, "first") for name in names}
        tables.append((kind, pa.table(columns)))
    return tables


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="where to write the two files (default: a temp dir)")
    args = parser.parse_args()
    threshold = ResolutionSettings().merge_threshold
    scored = scored_pairs(args.run_dir)
    print("pairs:", {kind: table.num_rows for kind, table in scored}, flush=True)
    out = args.out or Path(tempfile.mkdtemp(prefix="pairs-bench-"))
    as_json, as_parquet = out / "jsonl", out / "parquet"
    for folder in (as_json, as_parquet):
        folder.mkdir(parents=True, exist_ok=True)
    for trial in range(1, args.repeat + 1):
        baseline, _ = _timed(lambda: write_jsonl(as_json / LEGACY_PAIRS, (
            row for kind, table in scored for row in evidence_rows(kind, table, threshold))))
        parquet, _ = _timed(lambda: write_evidence(as_parquet / PAIRS, scored, threshold))
        print(f"trial {trial}: pairs.jsonl (orjson a row at a time) {baseline:.1f} s, "
              f"pairs.parquet {parquet:.1f} s, ratio {baseline / parquet:.1f}x", flush=True)
    json_mb, parquet_mb = ((f / name).stat().st_size / 1e6 for f, name in ((as_json, LEGACY_PAIRS),
                                                                           (as_parquet, PAIRS)))
    print(f"size: pairs.jsonl {json_mb:.0f} MB, pairs.parquet {parquet_mb:.0f} MB, ratio {json_mb / parquet_mb:.1f}x")

    first = next(read_pairs(as_parquet, merged_only=True))
    partners = {first["record_l"], first["record_r"]}
    for folder in (as_json, as_parquet):
        merged_s, merged = _timed(lambda folder=folder: sum(1 for _ in read_matched(folder)))
        within_s, within = _timed(lambda folder=folder: len(list(read_pairs(folder, within=partners))))
        print(f"read {folder.name}: every merged pair {merged_s:.1f} s ({merged}), "
              f"the pairs within two records {within_s:.2f} s ({within})", flush=True)
    # what an incremental run does with the previous run's pairs: every one as a dictionary, then
    # written again from dictionaries; with the cyclic collector paused, as runs pause it
    for folder, write in ((as_json, lambda rows: write_jsonl(out / "again.jsonl", rows)),
                          (as_parquet, lambda rows: write_pair_rows(out / "again.parquet", rows))):
        with collector_paused():
            read_s, rows = _timed(lambda folder=folder: list(read_pairs(folder)))
            write_s, _ = _timed(lambda rows=rows, write=write: write(rows))
        print(f"{folder.name} as dictionaries: read {read_s:.1f} s, written again {write_s:.1f} s", flush=True)
        del rows
    same = all(a == b for a, b in zip(read_pairs(as_json), read_pairs(as_parquet), strict=True))
    print(f"same rows: {same} ({out})")


if __name__ == "__main__":
    main()
