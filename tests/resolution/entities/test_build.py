from resolution.entities.build import build_graph
from resolution.entities.ids import entity_id
from resolution.models import Listing, Record, Relation


def rec(record_id: str, name: str, entity_type: str = "company", **kw: str) -> Record:
    return Record(source="s", record_id=record_id, entity_type=entity_type, name=name, **kw)


def test_entity_id_is_stable_and_order_free() -> None:
    assert entity_id("company", ["s:2", "s:1"]) == entity_id("company", ["s:1", "s:2"])
    assert entity_id("company", ["s:1"]).startswith("tg-co-")
    assert entity_id("company", ["s:1"]) != entity_id("company", ["s:2"])


def test_clusters_become_entities_with_golden_attributes_and_aggregated_trade() -> None:
    records = [
        rec("1", "Dandong A Trading Co., Ltd.", country="CN", address="1 Road"),
        rec("2", "丹东A贸易有限公司", country="CN"),
        rec("3", "Korea B Corp", country="KP"),
        rec("4", "KOREA B CORP", country="KP"),
    ]
    relations = [
        Relation(source="s", from_record_id="1", to_record_id="3", relation="traded_with", value_usd=10, start_date="2016-01-02", hs_code="2701"),
        Relation(source="s", from_record_id="2", to_record_id="4", relation="traded_with", value_usd=5, start_date="2015-03-04", hs_code="2601"),
    ]
    listings = [Listing(source="s", record_id="4", list_name="OFAC SDN", program="DPRK")]
    clusters = {"s:1": "a", "s:2": "a", "s:3": "b", "s:4": "b"}
    graph = build_graph(records, relations, listings, clusters, {"s:1": 0.99}, [])
    assert len(graph.entities) == 2
    by_name = {e["name"]: e for e in graph.entities}
    firm = by_name["Dandong A Trading Co., Ltd."]
    assert firm["aliases"] == ["丹东A贸易有限公司"] and firm["record_count"] == 2 and not firm["sanctioned"]
    korean = next(e for e in graph.entities if e["country"] == "KP")
    assert korean["sanctioned"] and korean["programs"] == ["DPRK"]
    (trade,) = graph.relations
    assert trade["type"] == "TRADED_WITH" and trade["from_id"] == firm["id"] and trade["to_id"] == korean["id"]
    assert trade["props"]["shipments"] == 2 and trade["props"]["value_usd"] == 15
    assert (trade["props"]["first_date"], trade["props"]["last_date"]) == ("2015-03-04", "2016-01-02")
    assert trade["props"]["hs_codes"] == ["2601", "2701"]
    assert len(trade["props"]["source_keys"]) == 2
    assert {c["entity_id"] for c in graph.clusters} == {firm["id"], korean["id"]}
    assert graph.listed_on[0]["from_id"] == korean["id"]
    assert [r["probability"] for r in graph.records if r["key"] == "s:1"] == [0.99]


def test_review_pairs_become_possibly_same_as_between_entities() -> None:
    records = [rec("1", "A Co"), rec("2", "A Company"), rec("3", "C Co")]
    clusters = {"s:1": "x", "s:2": "y", "s:3": "y"}
    graph = build_graph(records, [], [], clusters, {}, [("s:1", "s:2", 0.7), ("s:1", "s:3", 0.6), ("s:2", "s:3", 0.8)])
    (pair,) = graph.possibly_same_as
    assert pair["props"]["probability"] == 0.7 and len(pair["props"]["source_keys"]) == 2


def test_golden_values_are_the_most_frequent_with_ties_to_the_smallest() -> None:
    records = [
        rec("1", "Hongxiang Co", country="CN", registration_number="B2"),
        rec("2", "Hongxiang Co", country="KP", registration_number="A1"),
        rec("3", "HONGXIANG CO", country="KP", registration_number="B2"),
        rec("4", "Hongxiang Company", registration_number="A1"),
        rec("5", "Lone Firm", country="CN"),
    ]
    clusters = {f"s:{i}": "a" for i in range(1, 5)}
    graph = build_graph(records, [], [], clusters, {}, [])
    firm, lone = sorted(graph.entities, key=lambda e: e["record_count"], reverse=True)
    assert firm["country"] == "KP"  # two of three given; the record without one does not count
    assert firm["registration_number"] == "A1"  # two each: the smaller
    assert firm["name"] == "Hongxiang Co"  # mixed case first, then the most frequent
    assert lone["country"] == "CN" and "registration_number" not in lone


def test_records_at_one_address_share_it_and_its_first_spelling() -> None:
    records = [
        rec("1", "A Co", country="CN", address="No. 229 Huanghai Rd, Dandong"),
        rec("2", "B Co", country="CN", address="229 Huanghai Road Dandong"),
        rec("3", "C Co", country="KP", address="229 Huanghai Road Dandong"),
        rec("4", "D Co", country="CN", address="No. 229 Huanghai Rd, Dandong"),
    ]
    graph = build_graph(records, [], [], {}, {}, [])
    assert sorted((a["country"], a["text"]) for a in graph.addresses) == [
        ("CN", "No. 229 Huanghai Rd, Dandong"), ("KP", "229 Huanghai Road Dandong")]
    by_address = {a["id"]: a["country"] for a in graph.addresses}
    assert sorted(by_address[link["to_id"]] for link in graph.registered_at) == ["CN", "CN", "CN", "KP"]
