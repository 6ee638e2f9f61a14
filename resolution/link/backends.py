"""Where Splink runs: DuckDB in-process (default) or Spark, for when one machine is outgrown.

The engine trains, predicts and clusters through Splink's database API, which hides each engine's
SQL dialect; what differs per engine is only how the connection is made, how a finished Splink
table is read back as Arrow, and what is cleaned up afterwards. That is this module's seam.

Spark: an active session is used as it is; otherwise one is created on first use (start-up takes
seconds) and kept for later entity types and runs: ``local[*]``, or under ``spark-submit`` the
submitted master. Splink's Jaro-Winkler functions come from the similarity jar shipped with Splink
(``spark.jars``). ``pyspark`` is an optional extra: importing this module never needs it.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import pyarrow as pa

from resolution.errors import LinkageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.splink_dataframe import SplinkDataFrame

BackendName = Literal["duckdb", "spark"]
BACKENDS: tuple[BackendName, ...] = ("duckdb", "spark")
# Rows per Spark partition after blocking: few partitions for small inputs (each costs a task),
# enough to spread a million-record job over a cluster's cores.
ROWS_PER_PARTITION = 50_000
MAX_PARTITIONS = 200
# ``TRACEGRAPH_DUCKDB_MEMORY_LIMIT=auto`` (the default): DuckDB's cap grows with the rows of the
# job, from a floor, up to half of the machine's memory. Measured at a million records (678k
# companies, docs/benchmarks.md): a 1500MB cap took the run's peak from 4.9 to 3.9 GiB for 0-13 s
# more of stages (DuckDB spills in the predictions), but failed at three million (2.07M companies:
# "could not allocate block"), where 4GB works. 2 KiB a row gives 1500MB up to 730k rows and
# 4.2 GB for 2.07M.
AUTO_MEMORY_LIMIT = "auto"
AUTO_FLOOR_MB = 1_500
AUTO_BYTES_PER_ROW = 2_048


class LinkBackend(Protocol):
    """One linking job's connection to an engine; ``close`` frees what the job left behind."""

    name: BackendName
    db_api: DatabaseAPI

    def fetch(self, table: SplinkDataFrame, columns: str = "*", order_by: str | None = None) -> pa.Table:
        """``columns`` of a Splink table as Arrow, optionally ordered (SQL column lists)."""
        ...

    def close(self) -> None:
        """Drop the job's tables and scratch files; the engine itself may live on."""
        ...


class DuckDBBackend:
    """An in-memory DuckDB that spills to ``out_dir/.duckdb-spill`` beyond ``memory_limit``."""

    name: BackendName = "duckdb"

    def __init__(self, out_dir: Path, memory_limit: str) -> None:
        import duckdb
        from splink import DuckDBAPI

        self._spill = out_dir / ".duckdb-spill"
        self._con = duckdb.connect(config={
            "memory_limit": memory_limit, "temp_directory": str(self._spill), "preserve_insertion_order": False,
        })
        self.db_api = DuckDBAPI(connection=self._con)

    def fetch(self, table: SplinkDataFrame, columns: str = "*", order_by: str | None = None) -> pa.Table:
        order = f" ORDER BY {order_by}" if order_by else ""
        return self._con.sql(f"SELECT {columns} FROM {table.physical_name}{order}").to_arrow_table()

    def close(self) -> None:
        self._con.close()
        shutil.rmtree(self._spill, ignore_errors=True)


_spark_lock = threading.Lock()
_spark_session: SparkSession | None = None
_spark_owned = False
_checkpoints_ours = False  # True once a job has pointed the checkpoint directory into its run folder


def _physical_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on every platform
        return None


def memory_cap(setting: str, rows: int, *, share: float = 1.0) -> str:
    """The DuckDB memory limit for a job over ``rows`` rows: ``setting`` as it is, or for ``auto``
    ``rows`` x 2 KiB, at least 1500MB and at most half of the machine's memory (never below the
    floor), times ``share`` (a job that works beside others takes part of it). In DuckDB's units
    (MB = 10^6 bytes), so it reads the same in messages and in DuckDB."""
    if setting.strip().lower() != AUTO_MEMORY_LIMIT:
        return setting
    wanted_mb = -(-rows * AUTO_BYTES_PER_ROW // 1_000_000)
    physical = _physical_memory_bytes()
    ceiling_mb = physical // 2 // 1_000_000 if physical else wanted_mb
    return f"{int(max(AUTO_FLOOR_MB, min(wanted_mb, ceiling_mb)) * share)}MB"


def spark_memory(memory_limit: str) -> str | None:
    """DuckDB-style sizes ("4GB", "512MB", "2GiB") as a JVM size ("4g"); None when unreadable."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT])i?B?\s*", memory_limit, re.IGNORECASE)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2).lower()
    if number.is_integer():
        return f"{int(number)}{unit}"
    return f"{math.ceil(number * 1024)}{dict(k='k', m='k', g='m', t='g')[unit]}"


def spark_session(memory_limit: str = "4GB") -> SparkSession:
    """The process's Spark session: an active one (a notebook's, ``spark-submit``'s) as it is, else
    a local one created on first call and kept for later calls.

    Local mode binds to the loopback address, runs no web UI, writes no warehouse into the working
    directory and uses ``memory_limit`` as the driver's heap. Under ``spark-submit`` (which sets
    ``PYSPARK_GATEWAY_PORT``) the submitted master and jars are kept: pass Splink's jar with
    ``--jars``. Arrow carries the records into Spark and the results back out."""
    global _spark_session, _spark_owned  # noqa: PLW0603 - one JVM per process
    with _spark_lock:
        if _spark_session is not None:
            return _spark_session
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import similarity_jar_location
        except ImportError as exc:
            raise LinkageError(
                "the Spark backend needs pyspark: pip install 'tracegraph[spark]' (and Java 17+)"
            ) from exc
        active = SparkSession.getActiveSession()
        if active is not None:
            _spark_session, _spark_owned = active, False
            return active
        builder = SparkSession.builder.appName("tracegraph-resolve").config(
            "spark.sql.execution.arrow.pyspark.enabled", "true"
        )
        if "PYSPARK_GATEWAY_PORT" not in os.environ:
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            builder = (
                builder.master("local[*]")
                .config("spark.jars", similarity_jar_location())
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                # Splink keeps its tables as temporary views: the warehouse stays empty
                .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "tracegraph-spark-warehouse"))
                .config("spark.sql.shuffle.partitions", str(max(4, 2 * (os.cpu_count() or 1))))
            )
            memory = spark_memory(memory_limit)
            if memory:
                builder = builder.config("spark.driver.memory", memory)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # no Java, bad conf: py4j and Spark raise plain exceptions
            raise LinkageError(f"could not start Spark: {exc}") from exc
        session.sparkContext.setLogLevel("ERROR")
        _spark_session, _spark_owned = session, True
        return session


def stop_spark_session() -> None:
    """Stop the Spark session this module started (tests; a process that is done with Spark).
    A session that was already active when linking began belongs to its creator and is kept."""
    global _spark_session  # noqa: PLW0603
    with _spark_lock:
        if _spark_session is not None and _spark_owned:
            _spark_session.stop()
        _spark_session = None


class SparkBackend:
    """Splink on the process's Spark session; intermediate tables break lineage as Parquet files
    under the session's checkpoint directory: the caller's if one was set before the first job
    (on a cluster it must be shared storage), else ``out_dir/.spark-checkpoints``, per job."""

    name: BackendName = "spark"

    def __init__(self, out_dir: Path, memory_limit: str, record_count: int) -> None:
        from splink.backends.spark import SparkAPI

        self._spark = spark_session(memory_limit)
        context = self._spark.sparkContext
        self._scratch: Path | None = None
        global _checkpoints_ours  # noqa: PLW0603
        if _checkpoints_ours or context._jsc.sc().getCheckpointDir().isEmpty():
            self._scratch = out_dir.resolve() / ".spark-checkpoints"
            context.setCheckpointDir(str(self._scratch))
            _checkpoints_ours = True
        self._views_before = self._temp_views()
        partitions = min(MAX_PARTITIONS, max(2, -(-record_count // ROWS_PER_PARTITION)))
        self.db_api = SparkAPI(
            spark_session=self._spark, break_lineage_method="parquet", num_partitions_on_repartition=partitions,
        )

    def _temp_views(self) -> set[str]:
        return {row.name for row in self._spark.catalog.listTables() if row.isTemporary}

    def fetch(self, table: SplinkDataFrame, columns: str = "*", order_by: str | None = None) -> pa.Table:
        order = f" ORDER BY {order_by}" if order_by else ""
        return self._spark.sql(f"SELECT {columns} FROM {table.physical_name}{order}").toArrow()

    def close(self) -> None:
        """Drop the views this job registered, then delete the Parquet scratch files (the views
        read them, so they go first). A checkpoint directory set by the caller is left alone."""
        for view in self._temp_views() - self._views_before:
            self._spark.catalog.dropTempView(view)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def open_backend(name: str, *, out_dir: Path, memory_limit: str, record_count: int) -> LinkBackend:
    """A fresh job on the named engine (``duckdb`` or ``spark``)."""
    if name == "duckdb":
        return DuckDBBackend(out_dir, memory_limit)
    if name == "spark":
        return SparkBackend(out_dir, memory_limit, record_count)
    raise LinkageError(f"unknown linking backend {name!r}: choose one of {', '.join(BACKENDS)}")
