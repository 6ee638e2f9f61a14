"""Every Cypher file: declared parameters match the body, and Neo4j accepts it (EXPLAIN)."""

import re

import pytest
from neo4j import Driver

import cypher

ALL = [(folder, name) for folder in ("schema", "schema_drop", "load", "first_load", "queries") for name in cypher.statements(folder)]


@pytest.mark.parametrize(("folder", "name"), ALL)
def test_declared_parameters_match_the_body(folder: str, name: str) -> None:
    stmt = cypher.statement(folder, name)
    assert stmt.declared_params == stmt.used_params, f"{stmt.name}: declare exactly the $names it uses"


def test_unknown_statement_is_a_clear_error() -> None:
    with pytest.raises(cypher.UnknownStatementError, match="no Cypher statement queries/nope"):
        cypher.statement("queries", "nope")


@pytest.mark.graph
@pytest.mark.parametrize(("folder", "name"), [a for a in ALL if not a[0].startswith("schema")])
def test_neo4j_accepts_every_statement(neo4j_driver: Driver, folder: str, name: str) -> None:
    stmt = cypher.statement(folder, name)
    params = {p: None for p in stmt.declared_params}
    neo4j_driver.execute_query("EXPLAIN " + stmt.text, params)


def test_hop_ceiling_variants_are_fixed_texts_and_the_smallest_cover_is_chosen() -> None:
    variants = {name: s for name, s in cypher.statements("queries").items() if name.startswith("shortest_paths_within_")}
    assert sorted(variants) == [f"shortest_paths_within_{n}" for n in (2, 4, 6, 8)]
    assert all("HOP_CEILING" not in s.text.split("\n", 2)[2] for s in variants.values())
    assert "{1,6}" in cypher.bounded("queries", "shortest_paths", 5).text
    assert "{1,2}" in cypher.bounded("queries", "shortest_paths", 1).text
    assert "{1,3}" in cypher.bounded("queries", "neighbourhood", 3).text
    with pytest.raises(cypher.UnknownStatementError, match="covers 9 hops"):
        cypher.bounded("queries", "shortest_paths", 9)


def test_every_query_index_a_load_defers_can_be_dropped_and_nothing_else() -> None:
    """A first load creates the constraints before it writes and the other indexes after; a
    replacing load drops those indexes first, so each needs a drop statement (and only those)."""
    created = set()
    for stmt in cypher.statements("schema").values():
        found = re.search(r"CREATE\s+(?:\w+\s+)?(CONSTRAINT|INDEX)\s+(\w+)", stmt.text)
        assert found, stmt.name
        if found.group(1) == "INDEX":
            created.add(found.group(2))
    dropped = {re.search(r"DROP INDEX (\w+) IF EXISTS", s.text).group(1) for s in cypher.statements("schema_drop").values()}
    assert created == dropped
    assert "entity_names" in created
