"""Every Cypher file: declared parameters match the body, and Neo4j accepts it (EXPLAIN)."""

import pytest
from neo4j import Driver

import cypher

ALL = [(folder, name) for folder in ("schema", "load", "queries") for name in cypher.statements(folder)]


@pytest.mark.parametrize(("folder", "name"), ALL)
def test_declared_parameters_match_the_body(folder: str, name: str) -> None:
    stmt = cypher.statement(folder, name)
    assert stmt.declared_params == stmt.used_params, f"{stmt.name}: declare exactly the $names it uses"


def test_unknown_statement_is_a_clear_error() -> None:
    with pytest.raises(cypher.UnknownStatementError, match="no Cypher statement queries/nope"):
        cypher.statement("queries", "nope")


@pytest.mark.graph
@pytest.mark.parametrize(("folder", "name"), [a for a in ALL if a[0] != "schema"])
def test_neo4j_accepts_every_statement(neo4j_driver: Driver, folder: str, name: str) -> None:
    stmt = cypher.statement(folder, name)
    params = {p: None for p in stmt.declared_params}
    neo4j_driver.execute_query("EXPLAIN " + stmt.text, params)
