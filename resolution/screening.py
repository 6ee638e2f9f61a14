"""Screen one incoming record against the resolved entities of a run with the trained model.

``Screener`` keeps, per entity type, the run's records in DuckDB with the Splink model and the
term-frequency tables registered once. Scoring one record is Splink's ``predict_between(existing,
new)``; but building that SQL (Python, sqlglot) costs more than running it. So the screener runs
``predict_between`` once at start-up on a query table of its own and keeps the SQL Splink
executed; each record then runs those steps again as one SELECT over the record (registered as
the query table), each step a common table expression, so no table is made or dropped per call.

A screened record is scored with the run's model, with two changes for a record from outside the
run (``screening_model``): the prior of one match among the type's records when the run's own is
lower (``EXPECTED_MATCHES``), and one more blocking rule, a word of the name in common
(``WORD_RULE``), so that spelling variants the model can score become candidates.

From ``KEY_INDEX_MIN_ROWS`` records of a type, the blocking keys of the existing records are
indexed once (Splink's own rule expressions, evaluated by DuckDB, hashed and sorted) and each
call hands Splink's SQL only the rows sharing a key with the record, with their term-frequency
rows: the pairs are the same (but that a word held by more than ``MAX_WORD_ROWS`` records finds
none by itself), and the cost no longer grows with the index. A test checks the answers
against a fresh ``predict_between`` for each record, with and without the index.

The API runs this in a separate worker process (see ``service.screening``), so the API process
itself never imports Splink; that process runs with jemalloc, without which the latency creeps up
over thousands of calls (see ``resolution.allocator`` and docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from splink import DuckDBAPI, Linker

from resolution.collector import collector_paused
from resolution.errors import RunFolderError
from resolution.link.conflicts import exclusive_value
from resolution.link.engine import (
    SPECS,
    PreparedLinker,
    arrow_table,
    expected_matches_prior,
    prepare_linker,
)
from resolution.link.evidence import weight_maps
from resolution.link.features import features
from resolution.link.model import ModelSpec
from resolution.models import EntityType, Record
from resolution.run_folder import read_jsonl

log = logging.getLogger(__name__)
# pairs under this probability are not candidates (it is part of the SQL compiled at start-up)
SCREEN_THRESHOLD = 0.01
# Below this many records of a type, scoring every row costs less than finding the candidates
# (demo run, 1.5k records: p95 40 ms without the key index, 67 ms with it; at 678k: 68 vs 291 ms).
KEY_INDEX_MIN_ROWS = 50_000
QUERY_ID = "__screen__:query"
EXPECTED_MATCHES = 1.0
"""How many of a type's existing records a screened record is taken to name, a priori, at least.

A run's model carries the prior of its own pairs: how likely two of the run's records are one
thing. A run of a sanctions list alone has almost no duplicates, so that prior is tiny (6.5e-7
for the people of the OFAC sample), and a screened record that gives only a name, even one spelt
exactly as listed (``QADHAFI, Muammar``), scored 0.001 and was not a candidate at all. A screened
record comes from outside the run and is asked about precisely because it may be one of its
entities: it is scored with the prior of one match among the type's records (``screening_model``)
when the run's own is lower."""
WORD_COLUMN = "name_tokens"
WORD_RULE = {"blocking_rule": f'l."{WORD_COLUMN}" = r."{WORD_COLUMN}"', "arrays_to_explode": [WORD_COLUMN]}
"""A blocking rule screening adds to the model's: a word of the name in common. The model's own
rules want the whole name, a key of it, an identifier or a date of birth to agree, which is what
linking millions of records can afford; a screened record is one, and its variants are what it is
asked about. Of the OFAC sample's 3,023 person aliases, 1,214 reach one of the model's
Jaro-Winkler name levels against their entry but share no key with it (only 93 share one); a
word in common makes them candidates, and the model scores them as it scores any pair."""
MAX_WORD_ROWS = 500
"""With the key index (``KEY_INDEX_MIN_ROWS`` records and more), a word held by more existing
records than this (``wang``, ``trading``, ``al``) finds no candidate by itself: each would hand
every one of its records to the call. Without the index every record is scored anyway."""


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
    entity_of: dict[str, str]
    names: dict[str, str]
    # per entity, the values it holds of each of the model's exclusive fields (entities with some)
    held: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    records_view: str = ""  # the name Splink's SQL reads the existing records by
    existing: Any = None  # those records (Arrow), from which each call takes its candidates
    keys_sql: str = ""  # SELECT h: the hashed blocking keys of the query record
    key_hashes: Any = None  # every existing row's hashed blocking keys, sorted (numpy uint64)
    key_rows: Any = None  # the row (position in ``existing``) of each of them
    # term-frequency lookups: (view name, column, the table, row of each value) for each column
    frequencies: list[tuple[str, str, Any, dict[Any, int]]] = field(default_factory=list)

    @property
    def per_call_query(self) -> str:
        """The per-record steps as one SELECT: each step a CTE named as its table was, so the
        steps read each other as they did, and no table is created or dropped per call."""
        *earlier, last = self.per_call
        ctes = ",\n".join(f"{step.table} AS (\n{step.sql}\n)" for step in earlier)
        return (f"WITH {ctes}\n" if ctes else "") + f"SELECT * FROM (\n{last.sql}\n) AS scored"


_KEY_SEPARATOR = "chr(31)"


def _rule_keys(linker: Linker) -> list[tuple[list[str], list[str]]] | None:
    """Each prediction blocking rule as (key expressions over one table, array columns it
    explodes), read from Splink's own rule SQL (``l.x = r.x AND ...``); None when a rule is not
    such a conjunction of equalities (then every existing row is a candidate)."""
    rules = []
    for rule in linker._settings_obj._blocking_rules_to_generate_predictions:  # noqa: SLF001
        expressions = []
        for part in re.split(r"\s+AND\s+", rule.blocking_rule_sql, flags=re.IGNORECASE):
            part = part.strip()
            while part.startswith("(") and part.endswith(")"):
                part = part[1:-1].strip()
            left, equals, right = part.partition(" = ")
            if not equals or re.sub(r"\bl\.", "r.", left) != right or "l." not in left:
                return None
            expressions.append(re.sub(r"\bl\.", "", left))
        rules.append((expressions, list(getattr(rule, "array_columns_to_explode", None) or [])))
    return rules


def _keys_sql(rules: list[tuple[list[str], list[str]]], table: str, *, max_word_rows: int | None = None) -> str:
    """SELECT k, pos: every blocking key of every row of ``table`` (which has a ``pos`` column),
    one row per key, NULL keys left out (SQL equality never pairs them). With ``max_word_rows``,
    a key of ``WORD_RULE`` that more rows hold is left out (counted over that rule's keys alone)."""
    selects = []
    for number, (expressions, exploded) in enumerate(rules):
        source = table
        if exploded:
            replaced = ", ".join(f"unnest({column}) AS {column}" for column in exploded)
            source = f"(SELECT * REPLACE ({replaced}) FROM {table})"
        key = f"concat_ws({_KEY_SEPARATOR}, '{number}', " + ", ".join(f"({e})::VARCHAR" for e in expressions) + ")"
        present = " AND ".join(f"({e}) IS NOT NULL" for e in expressions)
        select = f"SELECT {key} AS k, pos FROM {source} WHERE {present}"
        if max_word_rows is not None and (expressions, exploded) == ([f'"{WORD_COLUMN}"'], [WORD_COLUMN]):
            select = f"SELECT * FROM ({select}) QUALIFY count(*) OVER (PARTITION BY k) <= {int(max_word_rows)}"
        selects.append(select)
    return "\nUNION ALL\n".join(selects)


def _compile(db_api: DuckDBAPI, linker: Linker, existing: Any, spec: ModelSpec, query_table: str,
             template: dict[str, Any]) -> list[_Step]:
    """Score ``template`` once with ``predict_between`` and return the steps Splink ran for it
    (each reads the query table, the exploded name keys too: they are exploded on both sides
    together), dropping the tables it left."""
    connection = db_api._con  # noqa: SLF001 - the DuckDB connection the API was built on
    connection.register(query_table, arrow_table(spec, [template]))  # each call registers its own
    query = db_api.register(query_table, table_name=query_table)
    cache = db_api._intermediate_table_cache  # noqa: SLF001 - Splink keeps its executed SQL here
    cache.executed_queries.clear()
    scored = linker.inference.predict_between(existing, query, threshold_match_probability=SCREEN_THRESHOLD)
    steps = [_Step(df.physical_name, df.sql_used_to_create) for df in cache.executed_queries]
    if not steps or steps[-1].table != scored.physical_name:
        raise RuntimeError("could not capture the SQL Splink ran for predict_between")
    for step in steps:
        connection.execute(f"DROP TABLE IF EXISTS {step.table}")
    cache.executed_queries.clear()
    cache.queries_retrieved_from_cache.clear()
    return steps


def screening_model(model: dict[str, Any], record_count: int,
                    expected_matches: float = EXPECTED_MATCHES) -> dict[str, Any]:
    """``model`` (a saved Splink model) as a screened record is scored with against
    ``record_count`` existing records: with the prior of the model or of ``expected_matches``
    among them, whichever is higher (``EXPECTED_MATCHES``), and ``WORD_RULE`` after its blocking
    rules."""
    prior = float(model["probability_two_random_records_match"])
    floor = expected_matches_prior(expected_matches, record_count)  # the pairs: the record and each
    rules = [*model["blocking_rules_to_generate_predictions"], {**WORD_RULE, "sql_dialect": model["sql_dialect"]}]
    return {**model, "probability_two_random_records_match": max(prior, floor),
            "blocking_rules_to_generate_predictions": rules}


def _index_blocking_keys(index: _TypeIndex, prepared: PreparedLinker, max_word_rows: int) -> None:
    """Index every blocking key of the existing records, so that each call hands Splink's SQL
    only the rows that share a key with the record instead of all of them.

    The keys are Splink's own rule expressions evaluated by DuckDB on both sides, so the
    candidates are exactly the rows some rule can pair with the record: the scored pairs are the
    same as over every row (a test compares with a fresh ``predict_between``). The index is the
    keys' 64-bit hashes sorted, searched with numpy: a lookup takes microseconds where DuckDB
    took 14 ms to plan and run it against an ART index. A hash shared by two keys only adds a
    candidate, which Splink's own blocking SQL then leaves unpaired."""
    rules = _rule_keys(prepared.linker)
    if rules is None:
        log.warning("screening %s: a blocking rule is not a conjunction of equalities; every "
                    "existing record is scored on each call", index.query_table)
        return
    connection = index.connection
    records_view = prepared.records.physical_name
    existing = prepared.table.combine_chunks()  # one chunk: taking a few rows per call stays cheap
    connection.register("screen_existing", existing.append_column("pos", pa.array(range(existing.num_rows), pa.int64())))
    keys_sql = _keys_sql(rules, "screen_existing", max_word_rows=max_word_rows)
    keys = connection.sql(f"SELECT hash(k) AS h, pos FROM ({keys_sql}) ORDER BY h").to_arrow_table()
    connection.unregister("screen_existing")
    index.key_hashes = keys.column("h").to_numpy()
    index.key_rows = keys.column("pos").to_numpy()
    connection.register(records_view, existing)  # the one copy of the rows, read through the view
    index.records_view, index.existing = records_view, existing
    index.keys_sql = f"SELECT DISTINCT hash(k) FROM ({_keys_sql(rules, f'(SELECT *, 0 AS pos FROM {index.query_table})')})"
    for column, lookup in prepared.tf_lookups.items():  # Splink joins these to every row it reads
        view = lookup.physical_name
        table = connection.sql(f"SELECT * FROM {view}").to_arrow_table().combine_chunks()
        connection.register(view, table)
        row_of = {value: row for row, value in enumerate(table.column(column).to_pylist())}
        index.frequencies.append((view, column, table, row_of))


def _candidate_rows(index: _TypeIndex, hashes: list[int]) -> list[int]:
    """Positions of the existing rows holding one of the hashed keys, ascending."""
    wanted = np.asarray(hashes, dtype=np.uint64)
    starts = np.searchsorted(index.key_hashes, wanted, side="left")
    ends = np.searchsorted(index.key_hashes, wanted, side="right")
    found = [index.key_rows[start:end] for start, end in zip(starts, ends, strict=True) if end > start]
    return np.unique(np.concatenate(found)).tolist() if found else []


class Screener:
    """Scores records against one run folder's resolved records (one model per entity type).

    Not for concurrent calls: each entity type has one query table (the API gives every worker
    process a screener of its own)."""

    def __init__(self, run_dir: Path, *, key_index_min_rows: int = KEY_INDEX_MIN_ROWS,
                 expected_matches: float = EXPECTED_MATCHES, max_word_rows: int = MAX_WORD_ROWS) -> None:
        self.run_dir = run_dir
        self._indexes: dict[str, _TypeIndex] = {}
        if not (run_dir / "records.jsonl").exists():
            raise RunFolderError(f"{run_dir} has no records.jsonl to screen against")
        with collector_paused():  # a million records' features: see resolution.collector
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
                    settings=screening_model(json.loads(model.read_text(encoding="utf-8")), len(type_rows),
                                             expected_matches),
                )
                query_table = f"screen_query_{entity_type}"
                template = {**type_rows[0], "unique_id": QUERY_ID, "source": "__screen__"}
                per_call = _compile(db_api, prepared.linker, prepared.records, spec, query_table, template)
                index = _TypeIndex(db_api._con, spec, query_table, per_call, entity_of, names,  # noqa: SLF001
                                   held=_held_values(spec, type_rows, entity_of))
                if len(type_rows) >= key_index_min_rows:
                    _index_blocking_keys(index, prepared, max_word_rows)
                self._indexes[entity_type] = index

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
        if index.key_hashes is not None:
            hashes = [h for (h,) in connection.execute(index.keys_sql).fetchall()]
            # typed: no candidate at all is an empty list, which Arrow cannot take by as it is
            candidates = index.existing.take(pa.array(_candidate_rows(index, hashes), pa.int64()))
            connection.register(index.records_view, candidates)
            for view, column, table, row_of in index.frequencies:
                values = {*candidates.column(column).to_pylist(), row.get(column)}
                connection.register(view, table.take(pa.array(sorted(row_of[v] for v in values if v in row_of), pa.int64())))
        result = connection.execute(index.per_call_query)
        columns = [column[0] for column in result.description]
        pairs = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
        return self._ranked(index, pairs, limit, row)

    @staticmethod
    def _ranked(index: _TypeIndex, pairs: list[dict[str, Any]], limit: int,
                row: dict[str, Any]) -> list[dict[str, Any]]:
        """The best pair of each entity for the screened feature ``row``, best entities first, each
        with what it and the record disagree on (``_conflicts``)."""
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
            }
            # what a value's frequency took from (or added to) a comparison's weight beside the
            # weights: with the prior, they add up to the match weight
            candidate["weights"], candidate["tf_adjustments"] = weight_maps(pair)
            held = best.get(entity_id)
            # the best record of each entity; among equals the first key, whatever the row order
            if held is None or (-candidate["match_probability"], existing_key) < (-held["match_probability"], held["record_key"]):
                best[entity_id] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c["match_probability"], c["entity_id"]))[:limit]
        for candidate in ranked:
            candidate["conflicts"] = _conflicts(index, row, candidate["entity_id"])
        return ranked


def _held_values(spec: ModelSpec, rows: list[dict[str, Any]],
                 entity_of: dict[str, str]) -> dict[str, tuple[frozenset[str], ...]]:
    """Per entity, its records' values of each exclusive field of ``spec`` (``Exclusive``)."""
    held: dict[str, list[set[str]]] = {}
    for row in rows:
        values = [exclusive_value(exclusive, row) for exclusive in spec.exclusives]
        entity_id = entity_of.get(row["unique_id"])
        if entity_id is None or not any(values):
            continue
        sets = held.setdefault(entity_id, [set() for _ in spec.exclusives])
        for held_values, value in zip(sets, values, strict=True):
            if value is not None:
                held_values.add(value)
    return {entity_id: tuple(frozenset(v) for v in sets) for entity_id, sets in held.items()}


def _conflicts(index: _TypeIndex, row: dict[str, Any], entity_id: str) -> list[str]:
    """What the screened record and a candidate entity disagree on among the fields one entity
    holds once (``date_of_birth 1970-01-02 / 1981-05-06``): a candidate that scores high through
    one of its records without a date of birth may still be another person."""
    held = index.held.get(entity_id)
    if held is None:
        return []
    found = []
    for exclusive, values in zip(index.spec.exclusives, held, strict=True):
        mine = exclusive_value(exclusive, row)
        if mine is not None and values and mine not in values:
            found.append(f"{exclusive.field} {mine} / {', '.join(sorted(values))}")
    return found


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
