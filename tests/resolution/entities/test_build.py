from collections.abc import Sequence
from pathlib import Path

import pytest

from resolution.entities.build import build_graph
from resolution.entities.ids import entity_id
from resolution.entities.tables import record_tables
from resolution.errors import EntityBuildError
from resolution.models import Listing, Record, Relation
from resolution.run_folder import GRAPH_FILES, write_jsonl
from resolution.sources.relation_columns import RelationColumns
from tests.resolution.entities import reference_build


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


# --- the DuckDB builder against the row-at-a-time reference (reference_build.py) -------------

_NAMES = ["Dandong A Trading Co., Ltd.", "DANDONG A TRADING CO., LTD.", "丹东A贸易有限公司", "Korea B Corp",
          "korea b corp", "Ünïcödé Shipping GmbH", 'Quote "Q" \\ Back', "Tab\tand\nnewline\x01", "K", "ok ltd",
          "OK LTD", "Ok Ltd", "  spaced name ", "吴明华", "Wu Minghua", "WU MINGHUA", "Smith, John"]
_ADDRESSES = [None, "No. 229 Huanghai Rd, Dandong", "229 Huanghai Road Dandong", "丹东黄海路229号", ",", "-",
              "1 Rue de l'Église, Paris", "P.O. Box 7\r\nPyongyang"]
_ID_ENDINGS = ["", "é", "-x", ' "q"', "r\r\n2", ","]

_DATES = [None, "1961", "1961-03", "1961-03-14", "1979-08-02", "2016-01-02"]


def _world(seed: int) -> tuple[list[Record], list[Relation], list[Listing], dict[str, str], dict[str, float],
                                list[tuple[str, str, float]], dict[str, str], dict[tuple[str, str], str]]:
    """Random records of every type with the awkward values real files carry (Han script,
    capitals, quotes, control characters, partial dates, attributes; commas, quotes and line
    breaks in sources and record ids, which clusters.csv must quote), random clusters within a
    type, probabilities, review pairs (repeated, within one entity, kept apart) and chosen ids."""
    import random

    rng = random.Random(seed)
    pick = rng.choice
    records: list[Record] = []
    for i in range(rng.randint(40, 160)):
        kind = pick(["company", "person", "vessel"])
        fields: dict[str, object] = {
            "source": pick(["reg", "customs", "ofac", "s p", "a,b"]),
            "record_id": f"{kind[0]}{i}{pick(_ID_ENDINGS)}",
            "entity_type": kind, "name": pick(_NAMES), "aliases": rng.sample(_NAMES, rng.randint(0, 3)),
            "country": pick([None, "CN", "KP", "RU"]), "address": pick(_ADDRESSES),
        }
        if kind == "company":
            fields.update(registration_number=pick([None, "91210600", "A1", "B2"]), incorporation_date=pick(_DATES))
        elif kind == "person":
            fields.update(date_of_birth=pick(_DATES), nationality=pick([None, "KP", "CN"]),
                          id_number=pick([None, "P123", "P456"]))
        else:
            fields.update(imo=pick([None, "9074729", "8814275"]), mmsi=pick([None, "445123000"]),
                          call_sign=pick([None, "HMYZ", "3EXY"]), flag=pick([None, "KP", "PA", "SL"]))
        if rng.random() < 0.2:
            fields["attributes"] = {pick(["zeta", "alpha", "name", "website"]): pick(["x", "ü\"\\", "1"])
                                    for _ in range(rng.randint(1, 3))}
        records.append(Record.model_validate(fields))
    keys = [r.key for r in records]
    relations = []
    for _ in range(rng.randint(0, 120)):
        left, right = rng.sample(records, 2) if len(records) > 1 else (records[0], records[0])
        if left.source != right.source:
            continue
        kind = pick(["traded_with", "owner_of", "director_of", "operator_of"])
        relations.append(Relation(
            source=left.source, from_record_id=left.record_id, to_record_id=right.record_id, relation=kind,
            start_date=pick(_DATES), end_date=pick(_DATES), share_pct=pick([None, 10.0, 50.5, 100]),
            value_usd=pick([None, 0, 10, 1234.56, 0.01, 99999.99]), hs_code=pick([None, "2701", "9301"]),
            shipments=pick([None, 1, 3])))
    listings = [Listing(source=r.source, record_id=r.record_id, list_name=pick(["OFAC SDN", "UN"]),
                        program=pick([None, "DPRK", "DPRK3", "IRAN"]), listed_on=pick(_DATES))
                for r in rng.sample(records, rng.randint(0, len(records) // 3)) for _ in range(rng.randint(1, 2))]
    labels = {r.key: f"{r.entity_type.value}:{rng.randint(0, len(records) // 4)}" for r in records
              if rng.random() < 0.9}
    probability = {key: rng.choice([0.7, 0.912345678, 1.0, 0.99999949]) for key in keys if rng.random() < 0.5}
    review = [(a, b, rng.choice([0.5, 0.6, 0.8123456789])) for a, b in
              (rng.sample(keys, 2) for _ in range(rng.randint(0, 60)))]
    review += review[: len(review) // 5]
    chosen = {label: f"tg-co-chosen{n}" for n, label in enumerate(sorted(set(labels.values()))) if rng.random() < 0.2}
    reasons = {(a, b): pick(["date_of_birth 1961-03-14 / 1979-08-02", "imo 9074729 / 8814275"])
               for a, b, _p in review if rng.random() < 0.3}
    return records, relations, listings, labels, probability, review, chosen, reasons


@pytest.mark.parametrize("handed_over", [False, True], ids=["models", "relation-columns"])
@pytest.mark.parametrize("seed", range(12))
def test_files_are_byte_for_byte_those_of_the_row_at_a_time_reference(seed: int, handed_over: bool,
                                                                      tmp_path: Path) -> None:
    records, relations, listings, labels, probability, review, chosen, reasons = _world(seed)
    expected = reference_build.build_graph(records, relations, listings, labels, probability, review,
                                           entity_ids=chosen, kept_apart=reasons)
    (tmp_path / "reference").mkdir()
    (tmp_path / "duckdb").mkdir()
    expected.write(tmp_path / "reference")
    # relations as the reading worker hands them over, or as models
    given_relations: Sequence[Relation] = RelationColumns.from_models(relations) if handed_over else relations
    with build_graph(records, given_relations, listings, labels, probability, review, entity_ids=chosen,
                     kept_apart=reasons) as graph:
        graph.write(tmp_path / "duckdb")
        graph.write_record_relations(tmp_path / "duckdb" / "record_relations.jsonl")
        assert graph.entity_sizes == {e["id"]: e["record_count"] for e in expected.entities}
    write_jsonl(tmp_path / "reference" / "record_relations.jsonl",
                (r.model_dump(exclude_none=True, mode="json") for r in relations))
    for name in ("clusters.csv", "record_relations.jsonl", *(f"{g}.jsonl" for g in GRAPH_FILES)):
        produced = (tmp_path / "duckdb" / name).read_bytes()
        assert produced == (tmp_path / "reference" / name).read_bytes(), name


def test_a_relation_naming_no_record_of_the_run_is_an_error_not_a_silent_loss() -> None:
    records = [rec("1", "A Co"), rec("2", "B Co")]
    stray = Relation(source="s", from_record_id="1", to_record_id="9", relation="owner_of")
    with pytest.raises(EntityBuildError, match="1 of 1 relations"):
        build_graph(records, [stray], [], {}, {}, [])


def test_record_tables_hold_every_record_and_each_distinct_place_once() -> None:
    records = [rec("1", "A Co", address="1 Road", country="CN"), rec("2", "B Co", address="1 ROAD", country="CN"),
               rec("3", "C Co"), rec("4", "D Co", address="1 Road"), rec("5", "E Co", address="1 Road", country="CN")]
    rows, places_table = record_tables(records)
    assert rows.column("record_id").to_pylist() == ["1", "2", "3", "4", "5"]
    # one row per distinct (address, country), a missing country one of them; no address, no row
    places = sorted(zip(*(places_table.column(c).to_pylist() for c in ("address", "country", "standard")),
                        strict=True), key=str)
    assert places == sorted([("1 Road", "CN", "1 road"), ("1 ROAD", "CN", "1 road"), ("1 Road", None, "1 road")],
                            key=str)
