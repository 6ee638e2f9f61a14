"""Writing ``pairs.jsonl``: DuckDB (``write_evidence``) against orjson a row at a time, in one run.

    python -m benchmarks.pairs_file_benchmark RUN_DIR [--repeat 2] [--out DIR]

Reads the scored pairs of a finished run back into one Arrow table per entity type, shaped as
Splink's predictions leave the engine (ids, probability, match weight, ``mw_*`` columns), then
writes them both ways: ``write_jsonl(evidence_rows(...))``, the baseline that full runs used
before, and ``write_evidence``. Prints the seconds of each, their ratio, and whether the two files
are byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from resolution.link.evidence import evidence_rows, write_evidence
from resolution.run_folder import PAIRS, write_jsonl
from resolution.settings import ResolutionSettings

_COLUMNS = ("{entity_type: 'VARCHAR', record_l: 'VARCHAR', record_r: 'VARCHAR', match_probability: 'DOUBLE', "
            "match_weight: 'DOUBLE', weights: 'JSON', tf_adjustments: 'JSON'}")


def scored_pairs(pairs_file: Path) -> list[tuple[str, pa.Table]]:
    """The pairs of ``pairs_file`` as Splink-shaped tables, one per entity type."""
    con = duckdb.connect()
    con.execute(f"create table pairs as select * from read_json(?, format='newline_delimited', columns={_COLUMNS})",
                [str(pairs_file)])
    tables = []
    for (kind,) in con.execute("select distinct entity_type from pairs order by 1").fetchall():
        columns = ["record_l as unique_id_l", "record_r as unique_id_r", "match_probability", "match_weight"]
        for field, prefix in (("weights", "mw_"), ("tf_adjustments", "mw_tf_adj_")):
            names = con.execute(f"select distinct unnest(json_keys({field})) from pairs where entity_type = ? "
                                "order by 1", [kind]).fetchall()
            columns += [f"({field} ->> '{name}')::DOUBLE as \"{prefix}{name}\"" for (name,) in names]
        query = f"select {', '.join(columns)} from pairs where entity_type = $kind order by record_l, record_r"
        tables.append((kind, con.sql(query, params={"kind": kind}).to_arrow_table()))
    con.close()
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="where to write the two files (default: a temp dir)")
    args = parser.parse_args()
    threshold = ResolutionSettings().merge_threshold
    scored = scored_pairs(args.run_dir / PAIRS)
    print("pairs:", {kind: table.num_rows for kind, table in scored}, flush=True)
    out = args.out or Path(tempfile.mkdtemp(prefix="pairs-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    for trial in range(1, args.repeat + 1):
        started = time.perf_counter()
        write_jsonl(out / "orjson.jsonl", (row for kind, table in sorted(scored, key=lambda s: s[0])
                                           for row in evidence_rows(kind, table, threshold)))
        middle = time.perf_counter()
        write_evidence(out / "duckdb.jsonl", scored, threshold)
        done = time.perf_counter()
        baseline, duck = middle - started, done - middle
        print(f"trial {trial}: orjson a row at a time {baseline:.1f} s, DuckDB {duck:.1f} s, "
              f"ratio {baseline / duck:.1f}x", flush=True)
    same = filecmp.cmp(out / "orjson.jsonl", out / "duckdb.jsonl", shallow=False)
    print(f"byte-identical: {same} ({out})")


if __name__ == "__main__":
    main()
