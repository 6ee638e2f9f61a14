"""Build entities from clusters: golden attributes, addresses, listings, aggregated relations.

The work is DuckDB's, a column at a time (``resolution.entities.graph_sql``): the records,
relations and listings go in as Arrow tables (``resolution.entities.tables``) and the run
folder's graph files come out as JSON lines, the same bytes as the Python rows they replace
(``tests/resolution/entities/test_build.py`` compares them with a row-at-a-time reference on
generated worlds). At a million records this took 19.5 s of Python plus 12 s of writing before.

Rules (the invariants the files keep):
- an entity's id is the caller's (``entity_ids``) or ``ids.entity_id`` of its smallest record key;
- a golden value is the most frequent non-empty value of its records, the smallest of those tied;
  the name is the most frequent Latin-script name in mixed case (else in capitals, else any), and
  every other name and alias is an alias;
- an address is one per standardised text and country, its text the spelling of the record with
  the smallest key;
- relations are aggregated per pair of entities and kind, with the source relations' keys;
- review pairs become one ``POSSIBLY_SAME_AS`` per pair of distinct entities.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
import pyarrow as pa

from resolution.entities import graph_sql, tables
from resolution.errors import EntityBuildError
from resolution.link.backends import AUTO_MEMORY_LIMIT, memory_cap
from resolution.models import Listing, Record, Relation
from resolution.run_folder import CLUSTERS, GRAPH_FILES, write_lines

CLUSTER_COLUMNS = ("source", "record_id", "entity_id")
"""The columns of ``clusters.csv``, in order (``graph_sql.CLUSTER_ROWS`` selects them so)."""

MEMORY_SHARE = 0.5
"""The part of ``memory_cap``'s ``auto`` limit the builder takes: it works beside the pairs writer's
DuckDB and the run's Python objects. At a million records the run's peak was 4.2-5.0 GB with all
of it (2 GB), and the build alone took 9 s with 2 GB, 10.5 s with 1 GB, 13.7 s with 600 MB."""


class ResolvedGraph:
    """The resolved entities and everything the graph loader writes, held by DuckDB.

    ``write`` lays the files into a run folder; the properties give the rows of each file as
    dictionaries (for tests and small runs: they parse the lines). Close it (or use ``with``) to
    free DuckDB's memory."""

    def __init__(self, connection: Any) -> None:
        self._con = connection
        sizes = connection.sql(graph_sql.ENTITY_SIZES).fetchall()
        self.entity_sizes: dict[str, int] = {eid: count for eid, _type, count in sizes}
        """Per entity id, how many records it holds."""
        self.entity_counts: dict[str, int] = {}
        """Per entity type, how many entities there are."""
        for _eid, entity_type, _count in sizes:
            self.entity_counts[entity_type] = self.entity_counts.get(entity_type, 0) + 1

    def write(self, folder: Path) -> None:
        """Write ``clusters.csv`` and the graph files the loader reads into a run folder."""
        write_clusters(self._con, folder / CLUSTERS)
        for name in GRAPH_FILES:
            write_lines(folder / f"{name}.jsonl", self._lines(name))

    def write_record_relations(self, path: Path) -> None:
        """Write the record-level relations as read (``record_relations.jsonl``), in their order."""
        write_lines(path, self._query_lines(graph_sql.RECORD_RELATION_LINES))

    def _lines(self, name: str) -> Iterator[pa.Array]:
        return self._query_lines(graph_sql.LINES[name])

    def _query_lines(self, sql: str) -> Iterator[pa.Array]:
        return query_lines(self._con, sql)

    def rows(self, name: str) -> list[dict[str, Any]]:
        """The rows of the graph file ``name`` (``entities``, ``records``...), parsed."""
        return [orjson.loads(line) for chunk in self._lines(name) for line in chunk.to_pylist()]

    entities = property(lambda self: self.rows("entities"))
    records = property(lambda self: self.rows("records"))
    addresses = property(lambda self: self.rows("addresses"))
    registered_at = property(lambda self: self.rows("registered_at"))
    sanctions = property(lambda self: self.rows("sanctions"))
    listed_on = property(lambda self: self.rows("listed_on"))
    relations = property(lambda self: self.rows("relations"))
    possibly_same_as = property(lambda self: self.rows("possibly_same_as"))

    @property
    def clusters(self) -> list[dict[str, str]]:
        """The ``clusters.csv`` rows: source, record id and entity id of each record."""
        return [dict(zip(CLUSTER_COLUMNS, row, strict=True)) for row in self._con.sql(graph_sql.CLUSTER_ROWS).fetchall()]

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> ResolvedGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def query_lines(con: Any, sql: str) -> Iterator[pa.Array]:
    """The one text column of ``sql``'s rows (whole lines), as Arrow arrays of 100,000."""
    for batch in con.sql(sql).to_arrow_reader(100_000):
        yield batch.column(0)


def write_clusters(con: Any, path: Path) -> None:
    """Write ``clusters.csv`` from the connection's ``members``: its lines made by DuckDB
    (``graph_sql.CLUSTER_LINES``), the bytes ``csv.writer`` writes of ``CLUSTER_ROWS`` (a
    million rows: 0.21 s against 0.93 s; ``benchmarks/clusters_csv_benchmark.py``)."""
    header = pa.array([",".join(CLUSTER_COLUMNS) + "\r\n"])
    write_lines(path, itertools.chain([header], query_lines(con, graph_sql.CLUSTER_LINES)))


def _check_all_joined(con: Any, table: str, expected: int, what: str) -> None:
    """Every relation and listing names records of the run (the readers set aside the others):
    a row lost in the joins would be silent data loss, so it is an error."""
    ((found,),) = con.execute(f"select count(*) from {table}").fetchall()
    if found != expected:
        raise EntityBuildError(f"{expected - found} of {expected} {what} name records the run does not hold")


def build_graph(
    records: Sequence[Record],
    relations: Sequence[Relation],
    listings: Sequence[Listing],
    clusters: Mapping[str, str],
    record_probability: Mapping[str, float],
    review_pairs: Sequence[tuple[str, str, float]],
    entity_ids: Mapping[str, str] | None = None,
    kept_apart: Mapping[tuple[str, str], str] | None = None,
    *,
    memory_limit: str = AUTO_MEMORY_LIMIT,
    threads: int | None = None,
) -> ResolvedGraph:
    """Turn record-level clusters into the rows the graph loader writes.

    ``clusters`` maps record key -> cluster label (any string; labels only group records; a record
    it does not name is alone), ``record_probability`` the best match probability that tied a
    record into its cluster (1.0 when absent), and ``review_pairs`` the record pairs kept for
    review (below the merge threshold, or over it and kept apart). ``entity_ids`` maps cluster
    labels to ids chosen by the caller (an incremental run keeps previous ids); a label it does not
    name gets ``entity_id`` of its members. ``kept_apart`` says, for the review pairs over the
    threshold that were not merged, why (``date_of_birth 1961-03-14 / 1979-08-02``): their
    ``POSSIBLY_SAME_AS`` carries it as ``kept_apart``. ``memory_limit`` caps DuckDB (``auto``:
    ``MEMORY_SHARE`` of what linking this many records would get; a size is taken as it is); ``threads`` is DuckDB's thread count (default: one a core).
    """
    import duckdb  # Splink's own dependency

    # insertion order is kept: ``members`` is made in key order, and the records' lines and
    # clusters.csv stream from it in that order instead of sorting a million lines again
    config: dict[str, str | bool | int] = {"memory_limit": memory_cap(memory_limit, len(records), share=MEMORY_SHARE),
                                           "preserve_insertion_order": True}
    if threads is not None:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    try:
        record_rows, places = tables.record_tables(records)
        con.register("records_in", record_rows)
        inputs = {
            "places_in": places,
            "clusters_in": tables.mapping_table(clusters, "key", "label", pa.string()),
            "probabilities_in": tables.probability_table(record_probability),
            "chosen_in": tables.mapping_table(entity_ids or {}, "label", "entity_id", pa.string()),
        }
        for name, table in inputs.items():
            con.register(name, table)
        con.execute(graph_sql.MACROS)
        # the records' columns stay in Arrow, where DuckDB reads them without a copy: ``members``
        # is them in key order with what the clustering gave each (a DuckDB table of them took
        # 580 MB at a million records)
        assigned = con.sql(graph_sql.MEMBERS).to_arrow_table()
        members = record_rows.take(assigned.column("pos")).drop_columns(["pos"])
        for column in assigned.column_names[1:]:
            members = members.append_column(column, assigned.column(column))
        del assigned, record_rows, places
        for name in ("records_in", *inputs):
            con.unregister(name)
        del inputs
        con.register("members", members)
        con.register("relations_in", tables.relation_table(relations))
        con.register("listings_in", tables.listing_table(listings))
        con.register("review_in", tables.review_table(review_pairs, kept_apart))
        con.execute(graph_sql.TABLES)
        con.unregister("listings_in")
        _check_all_joined(con, "relations_of_entities", len(relations), "relations")
        _check_all_joined(con, "record_listings", len(listings), "listings")
    except BaseException:
        con.close()
        raise
    return ResolvedGraph(con)
