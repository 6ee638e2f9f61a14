"""Screen one incoming record against the resolved entities of a run with the trained model.

``Screener`` keeps, per entity type, the run's records in DuckDB with the Splink model and the
term-frequency tables registered once. Each ``screen`` call registers the new record, runs
``predict_between(existing, new)``, reads the scored pairs and then drops every table that call
created (Splink 5 leaves its intermediate tables behind otherwise), so memory and latency stay
flat over thousands of calls.

The API runs this in a separate worker process (see ``service.screening``), so the API process
itself never imports Splink.
"""

from __future__ import annotations

import csv
import itertools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from resolution.errors import RunFolderError
from resolution.link.engine import SPECS, arrow_table, prepare_linker
from resolution.link.features import features
from resolution.models import EntityType, Record
from resolution.run_folder import read_jsonl

log = logging.getLogger(__name__)


@dataclass
class _TypeIndex:
    db_api: DuckDBAPI
    linker: Linker
    existing: Any
    entity_of: dict[str, str]
    names: dict[str, str]


class Screener:
    """Scores records against one run folder's resolved records (one model per entity type)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._counter = itertools.count()
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
            db_api = DuckDBAPI(connection=duckdb.connect())
            prepared = prepare_linker(
                db_api, SPECS[entity_type](), type_rows, name=entity_type,
                settings=json.loads(model.read_text(encoding="utf-8")),
            )
            self._indexes[entity_type] = _TypeIndex(db_api, prepared.linker, prepared.records, entity_of, names)

    @property
    def entity_types(self) -> list[str]:
        return sorted(self._indexes)

    def screen(self, record: Record, *, limit: int = 10, threshold: float = 0.01) -> list[dict[str, Any]]:
        """Best candidates (one per entity) with probability and per-comparison weights."""
        index = self._indexes.get(record.entity_type.value)
        if index is None:
            return []
        spec = SPECS[record.entity_type.value]()
        row = features(record)
        row["unique_id"] = f"__screen__:{next(self._counter)}"
        table_name = f"screen_{record.entity_type.value}"
        new = index.db_api.register(arrow_table(spec, [row]), table_name=table_name)
        try:
            scored = index.linker.inference.predict_between(
                index.existing, new, threshold_match_probability=threshold
            )
            try:
                pairs = scored.as_record_list()
            finally:
                scored.drop_table_from_database_and_remove_from_cache()
        finally:
            index.db_api.delete_tables_created_by_splink_from_db()
            index.db_api._con.unregister(table_name)  # noqa: SLF001 - registered with con.register
            index.db_api._registered_table_names.discard(table_name)  # noqa: SLF001 - no public API
            # the cache also keeps the text of every query it ran: forget it, or memory grows
            cache = index.db_api._intermediate_table_cache  # noqa: SLF001
            cache.executed_queries.clear()
            cache.queries_retrieved_from_cache.clear()
        best: dict[str, dict[str, Any]] = {}
        for pair in pairs:
            existing_key = pair["unique_id_l"] if pair["unique_id_r"] == row["unique_id"] else pair["unique_id_r"]
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
            if entity_id not in best or candidate["match_probability"] > best[entity_id]["match_probability"]:
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
