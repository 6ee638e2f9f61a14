from resolution.link.sql import identifier, literal


def test_identifiers_and_literals_are_quoted_with_their_quotes_doubled() -> None:
    assert identifier("name_compact") == '"name_compact"'
    assert identifier('odd"name') == '"odd""name"'
    assert literal("company") == "'company'"
    assert literal("/tmp/o'brien/pairs.jsonl") == "'/tmp/o''brien/pairs.jsonl'"
