"""Writing ``clusters.csv``: its lines made by DuckDB (``build.write_clusters``, as the entity
builder writes them) against the csv module a row at a time (``run_folder.write_csv_tuples``, as
the builder wrote them before), in one run.

    python -m benchmarks.clusters_csv_benchmark RUN_DIR [--repeat N]

``RUN_DIR`` is a finished run (``tracegraph resolve``); its ``clusters.csv`` is read into DuckDB as
the builder's ``members`` and written both ways into a scratch folder, with Python's collector
paused as in ``tracegraph resolve``. Prints the seconds of each way (every repeat), the ratio and
whether the two files are byte for byte the same.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from resolution.collector import collector_paused
from resolution.entities import graph_sql
from resolution.entities.build import CLUSTER_COLUMNS, write_clusters
from resolution.run_folder import CLUSTERS, write_csv_tuples


def main() -> None:
    import duckdb

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    members = pa_csv.read_csv(args.run_dir / CLUSTERS, convert_options=pa_csv.ConvertOptions(
        column_types=dict.fromkeys(CLUSTER_COLUMNS, pa.string())))
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.register("members", members)
    con.execute(graph_sql.MACROS)
    print(f"{members.num_rows} rows of {args.run_dir / CLUSTERS}")
    with collector_paused(), tempfile.TemporaryDirectory(prefix="clusters-csv-benchmark-") as scratch:
        by_module, by_duckdb = Path(scratch) / "module.csv", Path(scratch) / "duckdb.csv"
        for _ in range(args.repeat):
            started = time.perf_counter()
            rows = con.sql(graph_sql.CLUSTER_ROWS).to_arrow_table()
            write_csv_tuples(by_module, list(CLUSTER_COLUMNS),
                             zip(*(rows.column(i).to_pylist() for i in range(3)), strict=True))
            module_seconds = time.perf_counter() - started
            del rows
            started = time.perf_counter()
            write_clusters(con, by_duckdb)
            duckdb_seconds = time.perf_counter() - started
            same = by_module.read_bytes() == by_duckdb.read_bytes()
            print(f"csv module {module_seconds:.2f} s, DuckDB lines {duckdb_seconds:.2f} s "
                  f"({module_seconds / duckdb_seconds:.1f}x), same bytes: {same}")


if __name__ == "__main__":
    main()
