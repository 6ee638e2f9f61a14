"""Settings of the resolution package: one pydantic-settings object, environment first."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from resolution.errors import SettingsError, validation_message

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What Neo4j 5.26 accepts for db.tx_log.rotation.retention_policy (checked here, so a bad value is a
# settings error naming the variable rather than a server that fails to start).
TX_LOG_RETENTION_PATTERN = (
    r"^(true|keep_all|false|keep_none|(\d+[KkMmGg]?( (files|size|txs|entries|hours( \d+[KkMmGg]?)?"
    r"|days( \d+[KkMmGg]?)?))))$"
)

# TRACEGRAPH_DUCKDB_MEMORY_LIMIT: "auto" or a size DuckDB reads (checked here, so a typo is a
# settings error naming the variable rather than a DuckDB error in the middle of a run)
MEMORY_LIMIT_PATTERN = re.compile(r"(?i)^\s*(auto|\d+(\.\d+)?\s*([KMGT](i?B)?|bytes))\s*$")


class ResolutionSettings(BaseSettings):
    """Everything the pipeline and the local Neo4j launcher read from the environment.

    Neo4j: ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.
    Linking: ``TRACEGRAPH_MERGE_THRESHOLD`` and ``TRACEGRAPH_REVIEW_THRESHOLD`` (match
    probabilities), ``TRACEGRAPH_SEED``, ``TRACEGRAPH_DUCKDB_MEMORY_LIMIT`` (DuckDB spills to disk
    beyond it; ``auto``, the default, gives each linking job 2 KiB a record, at least 1500MB;
    DuckDB's own default would be 80% of the machine's memory; with Spark in local mode it is the
    driver's heap), ``TRACEGRAPH_BACKEND`` (``duckdb``, or ``spark`` with the ``spark`` extra).
    Loading: ``TRACEGRAPH_BATCH_SIZE`` (rows per transaction), ``TRACEGRAPH_LOAD_WRITERS``
    (transactions at once).
    Demo: ``TRACEGRAPH_RUNS_DIR`` (where ``tracegraph demo`` writes the world and the run).
    Local server: ``TRACEGRAPH_NEO4J_HOME`` (where the server keeps conf, data and logs),
    ``TRACEGRAPH_NEO4J_HEAP``, ``TRACEGRAPH_NEO4J_PAGECACHE`` and
    ``TRACEGRAPH_NEO4J_TX_LOG_RETENTION`` (Neo4j's ``db.tx_log.rotation.retention_policy``).
    """

    model_config = SettingsConfigDict(env_prefix="TRACEGRAPH_", extra="ignore")

    neo4j_uri: str = Field("bolt://localhost:7687", validation_alias="NEO4J_URI")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(
        SecretStr("tracegraph-dev"), validation_alias="NEO4J_PASSWORD"
    )
    neo4j_database: str = Field("neo4j", validation_alias="NEO4J_DATABASE")

    merge_threshold: float = Field(0.7, gt=0, lt=1)
    review_threshold: float = Field(0.3, gt=0, lt=1)
    # clusters never join two values of a field one entity holds once (``resolution.link.conflicts``)
    split_conflicts: bool = True
    # a record left alone joins the entity holding most records of its name (``resolution.link.lone_records``)
    attach_lone_records: bool = True
    seed: int = 42
    batch_size: int = Field(5_000, ge=1, le=200_000)
    load_writers: int = Field(2, ge=1, le=16)
    # "auto" sizes the cap from the records of each linking job (``resolution.link.backends``);
    # else a size in DuckDB's units ("4GB", "1500MB", "2GiB")
    duckdb_memory_limit: str = "auto"
    backend: Literal["duckdb", "spark"] = "duckdb"

    runs_dir: Path = PROJECT_ROOT / "runs"

    neo4j_project_dir: Path = PROJECT_ROOT / "neo4j-local"
    neo4j_home: Path = PROJECT_ROOT / "neo4j-local" / "home"
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "512m"
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_start_timeout_s: float = 120.0
    # Neo4j keeps two days of transaction logs by default: on a machine that loads and wipes runs
    # again and again they reached 46 GB and filled the disk. The local server is for development
    # and tests, not backups, so it keeps about 1 GiB (pruned at each checkpoint). Neo4j's syntax.
    neo4j_tx_log_retention: str = Field("1G size", pattern=TX_LOG_RETENTION_PATTERN)

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory_limit_duckdb_reads(cls, value: str) -> str:
        if not MEMORY_LIMIT_PATTERN.match(value):
            raise ValueError("must be auto or a size such as 4GB, 1500MB or 2GiB")
        return value


def environment_variable(field: str) -> str:
    """The environment variable that sets ``field`` of the settings."""
    alias = ResolutionSettings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"TRACEGRAPH_{field.upper()}"


def settings_error(exc: ValidationError) -> SettingsError:
    """One line per bad setting, naming its environment variable, the value and what is wrong."""
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        name = environment_variable(field) if field in ResolutionSettings.model_fields else field
        message = validation_message(error)
        problems.append(f"{name}={error.get('input')!r}: {message}")
    return SettingsError("bad setting: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> ResolutionSettings:
    """The process-wide settings object (read once); a bad value is a ``SettingsError``."""
    try:
        return ResolutionSettings()
    except ValidationError as exc:
        raise settings_error(exc) from None
