"""Screen one incoming record against the resolved entities of a run with the trained model.

``Screener`` keeps, per entity type, the run's records in DuckDB with the Splink model and the
term-frequency tables registered once. Scoring one record is Splink's ``predict_between(existing,
new)``; but building that SQL (Python, sqlglot) costs more than running it, and part of it (the
exploded name keys of every existing record) does not depend on the new record at all. So the
screener runs ``predict_between`` once at start-up on a query table of its own and keeps the SQL
Splink executed, step by step: steps that never read the query table are kept as tables, the
others are run again for each record, as one SELECT over the record (registered as the query
table) with each step a common table expression, so no table is made or dropped per call and
memory and latency stay flat over thousands of calls. A test checks the answers against a fresh
``predict_between`` for each record.

The API runs this in a separate worker process (see ``service.screening``), so the API process
itself never imports Splink.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from resolution.errors import RunFolderError
from resolution.link.engine import SPECS, arrow_table, prepare_linker
from resolution.link.features import features
from resolution.link.model import ModelSpec
from resolution.models import EntityType, Record
from resolution.run_folder import read_jsonl

log = logging.getLogger(__name__)
# pairs under this probability are not candidates (it is part of the SQL compiled at start-up)
SCREEN_THRESHOLD = 0.01
QUERY_ID = "__screen__:query"


@dataclass(frozen=True)
class _Step:
    """One table Splink created while scoring the query table: its name and its SELECT."""

    table: str
    sql: str


@dataclass
class _TypeIndex:
    """Splink's scoring SQL for one entity type, split into what runs once and per record."""

    connection: duckdb.DuckDBPyConnection
    spec: ModelSpec
    query_table: str
    per_call: list[_Step]

    @property
    def per_call_query(self) -> str:
        """The per-record steps as one SELECT: each step a CTE named as its table was, so the
        steps read each other as they did, and no table is created or dropped per call."""
        *earlier, last = self.per_call
        ctes = ",\n".join(f"{step.table} AS (\n{step.sql}\n)" for step in earlier)
        return (f"WITH {ctes}\n" if ctes else "") + f"SELECT * FROM (\n{last.sql}\n) AS scored"
    entity_of: dict[str, str]
    names: dict[str, str]


def _mentions(sql: str, table: str) -> bool:
    return re.search(rf"\b{re.escape(table)}\b", sql) is not None


def _split_steps(steps: list[_Step], query_table: str) -> tuple[list[_Step], list[_Step]]:
    """(steps that never read the query table, directly or through another such step; the rest)."""
    constant: list[_Step] = []
    per_call: list[_Step] = []
    for step in steps:
        reads_query = _mentions(step.sql, query_table) or any(_mentions(step.sql, s.table) for s in per_call)
        (per_call if reads_query else constant).append(step)
    return constant, per_call


def _compile(db_api: DuckDBAPI, linker: Linker, existing: Any, spec: ModelSpec, query_table: str,
             template: dict[str, Any]) -> list[_Step]:
    """Score ``template`` once with ``predict_between`` and return the steps Splink ran for it;
    keeps the steps that do not depend on the query table as tables and drops the others."""
    connection = db_api._con  # noqa: SLF001 - the DuckDB connection the API was built on
    connection.register(query_table, arrow_table(spec, [template]))  # each call registers its own
    query = db_api.register(query_table, table_name=query_table)
    cache = db_api._intermediate_table_cache  # noqa: SLF001 - Splink keeps its executed SQL here
    cache.executed_queries.clear()
    scored = linker.inference.predict_between(existing, query, threshold_match_probability=SCREEN_THRESHOLD)
    steps = [_Step(df.physical_name, df.sql_used_to_create) for df in cache.executed_queries]
    if not steps or steps[-1].table != scored.physical_name:
        raise RuntimeError("could not capture the SQL Splink ran for predict_between")
    constant, per_call = _split_steps(steps, query_table)
    for step in per_call:
        connection.execute(f"DROP TABLE IF EXISTS {step.table}")
    for step in constant:  # dropped by Splink once used (exploded ids): make them again, to keep
        connection.execute(f"CREATE OR REPLACE TABLE {step.table} AS {step.sql}")
    cache.executed_queries.clear()
    cache.queries_retrieved_from_cache.clear()
    return per_call


class Screener:
    """Scores records against one run folder's resolved records (one model per entity type).

    Not for concurrent calls: each entity type has one query table (the API gives every worker
    process a screener of its own)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._indexes: dict[str, _TypeIndex] = {}
        if not (run_dir / "records.jsonl").exists():
            raise RunFolderError(f"{run_dir} has no records.jsonl to screen against")
        with (run_dir / "clusters.csv").open(encoding="utf-8", newline="") as handle:
            entity_of = {f"{r['source']}:{r['record_id']}": r["entity_id"] for r in csv.DictReader(handle)}
        names = {e["id"]: e["name"] for e in read_jsonl(run_dir / "entities.jsonl")}
        rows: dict[str, list[dict[str, Any]]] = {t.value: [] for t in EntityType}
        for row in read_jsonl(run_dir / "records.jsonl"):
            props = {k: v for k, v in row["props"].items() if not k.startswith("attr_")}
            record = Record.model_validate(props)
            rows[record.entity_type.value].append(features(record))
        logging.getLogger("splink").setLevel(logging.ERROR)
        for entity_type, type_rows in rows.items():
            model = run_dir / f"model_{entity_type}.json"
            if len(type_rows) < 1 or not model.exists():
                continue
            spec = SPECS[entity_type]()
            db_api = DuckDBAPI(connection=duckdb.connect())
            prepared = prepare_linker(
                db_api, spec, type_rows, name=entity_type,
                settings=json.loads(model.read_text(encoding="utf-8")),
            )
            query_table = f"screen_query_{entity_type}"
            template = {**type_rows[0], "unique_id": QUERY_ID, "source": "__screen__"}
            per_call = _compile(db_api, prepared.linker, prepared.records, spec, query_table, template)
            self._indexes[entity_type] = _TypeIndex(
                db_api._con, spec, query_table, per_call, entity_of, names,  # noqa: SLF001
            )

    @property
    def entity_types(self) -> list[str]:
        return sorted(self._indexes)

    def screen(self, record: Record, *, limit: int = 10) -> list[dict[str, Any]]:
        """Best candidates (one per entity) with probability and per-comparison weights."""
        index = self._indexes.get(record.entity_type.value)
        if index is None:
            return []
        row = {**features(record), "unique_id": QUERY_ID}
        connection = index.connection
        connection.register(index.query_table, arrow_table(index.spec, [row]))  # replaces the last
        result = connection.execute(index.per_call_query)
        columns = [column[0] for column in result.description]
        pairs = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
        return self._ranked(index, pairs, limit)

    @staticmethod
    def _ranked(index: _TypeIndex, pairs: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
        best: dict[str, dict[str, Any]] = {}
        for pair in pairs:
            existing_key = pair["unique_id_l"] if pair["unique_id_r"] == QUERY_ID else pair["unique_id_r"]
            entity_id = index.entity_of.get(existing_key)
            if entity_id is None:
                continue
            candidate = {
                "entity_id": entity_id,
                "name": index.names.get(entity_id, ""),
                "record_key": existing_key,
                "match_probability": round(float(pair["match_probability"]), 6),
                "match_weight": round(float(pair["match_weight"]), 4),
                "weights": {
                    k.removeprefix("mw_"): round(float(v), 4)
                    for k, v in pair.items()
                    if k.startswith("mw_") and not k.startswith("mw_tf_adj") and v is not None
                },
            }
            held = best.get(entity_id)
            # the best record of each entity; among equals the first key, whatever the row order
            if held is None or (-candidate["match_probability"], existing_key) < (-held["match_probability"], held["record_key"]):
                best[entity_id] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c["match_probability"], c["entity_id"]))
        return ranked[:limit]


_WORKER: Screener | None = None


def init_worker(run_dir: str) -> None:
    """Process-pool initializer: build the screener once per worker process."""
    global _WORKER  # noqa: PLW0603
    _WORKER = Screener(Path(run_dir))


def screen_in_worker(payload: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """Entry point the API calls in its worker process; ``payload`` is a canonical record."""
    if _WORKER is None:
        raise RuntimeError("screening worker was not initialised")
    return _WORKER.screen(Record.model_validate(payload), limit=limit)
