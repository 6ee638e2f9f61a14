"""Neo4j Browser assets: the style sheet covers every label and the saved queries run."""

import re

import pytest
from neo4j import Driver

from cypher import CYPHER_DIR, browser_file

SAVED = sorted((CYPHER_DIR / "browser" / "saved").glob("*.cypher"))


def test_style_sheet_styles_every_node_label_with_a_caption() -> None:
    grass = browser_file("style.grass")
    for label in ("Company", "Person", "Vessel", "Sanctioned", "Address", "Sanction", "Record"):
        block = re.search(rf"node\.{label}\s*\{{([^}}]*)\}}", grass)
        assert block and "caption" in block.group(1), label
    assert grass.count("{") == grass.count("}")


def test_saved_queries_have_a_title_comment() -> None:
    assert len(SAVED) >= 5
    for path in SAVED:
        assert path.read_text(encoding="utf-8").startswith("// "), path.name


@pytest.mark.graph
@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_saved_queries_are_valid_cypher(neo4j_driver: Driver, path) -> None:
    text = path.read_text(encoding="utf-8")
    params = {name: None for name in re.findall(r"\$([A-Za-z_]\w*)", text)}
    neo4j_driver.execute_query("EXPLAIN " + text, params)
