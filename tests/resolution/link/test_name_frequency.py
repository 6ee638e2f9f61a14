"""The looser name levels are adjusted by the name's frequency against their own u, floored there:
they never weigh more than an exact match of the same name."""

import math
import random

import duckdb
import pytest
from splink import DuckDBAPI

from resolution.link import company, person
from resolution.link.engine import arrow_table, prepare_linker
from resolution.link.features import features
from resolution.link.name_frequency import floor_frequencies_at_u
from resolution.models import Record
from resolution.screening import screening_model

MARK = {"tf_adjustment_column": "name_compact", "tf_adjustment_weight": 1.0, "disable_tf_exact_match_detection": True}


def _settings(*levels: dict) -> dict:
    return {"comparisons": [{"output_column_name": "name", "comparison_levels": list(levels)}]}


def test_a_marked_level_is_floored_at_its_own_u_and_others_are_left_alone() -> None:
    exact = {"sql_condition": "a = b", "tf_adjustment_column": "name_compact", "u_probability": 0.001}
    looser = {"sql_condition": "jw(a, b) >= 0.9", "u_probability": 2e-5, **MARK}
    settings = _settings(exact, looser)

    floored = floor_frequencies_at_u(settings, sampled_pairs=2e6)

    levels = floored["comparisons"][0]["comparison_levels"]
    assert levels[1]["tf_minimum_u_value"] == 2e-5
    assert "tf_minimum_u_value" not in levels[0]  # the exact level's adjustment is Splink's own
    assert "tf_minimum_u_value" not in settings["comparisons"][0]["comparison_levels"][1]  # a copy


def test_a_marked_level_no_sampled_pair_reached_is_bounded_by_the_pairs_sampled() -> None:
    """Its u is below one in the pairs sampled: that is its u and its floor (Splink's default u
    for an untrained level gave a shared alias 5.3-5.7 bits at any size)."""
    floored = floor_frequencies_at_u(_settings({"sql_condition": "x", "m_probability": 0.2, **MARK}), sampled_pairs=2e6)
    level = floored["comparisons"][0]["comparison_levels"][0]
    assert level["u_probability"] == level["tf_minimum_u_value"] == 5e-7
    assert level["m_probability"] == 0.2


@pytest.mark.parametrize("spec", [person.spec, company.spec], ids=["person", "company"])
def test_every_looser_name_level_is_marked(spec) -> None:
    levels = spec().settings.get_settings("duckdb").comparisons[0].comparison_levels
    looser = [level for level in levels
              if not (level.is_null_level or level._is_else_level or level._is_exact_match)]
    assert looser
    for level in looser:
        assert level._tf_adjustment_input_column.input_name == "name_compact", level.label_for_charts
        assert level.disable_tf_exact_match_detection, level.label_for_charts


def _random_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(3, 4))).capitalize()


def _name_weights(listed: list[Record], query: Record) -> dict[str, float]:
    """The name comparison's weight (its frequency adjustment added) of ``query`` against each
    listed record it is paired with, by the listed record's id, screened as ``POST /match`` does
    (the word rule pairs near spellings too) with a person model trained on ``listed``."""
    rows = [features(r) for r in listed]
    spec = person.spec()
    db_api = DuckDBAPI(connection=duckdb.connect())
    trained = prepare_linker(db_api, spec, rows, name="person", settings=None).settings
    prepared = prepare_linker(db_api, spec, rows, name="screened", settings=screening_model(trained, len(rows)))
    table = db_api.register(arrow_table(spec, [{**features(query), "unique_id": "q"}]), table_name="query")
    scored = prepared.linker.inference.predict_between(prepared.records, table, threshold_match_probability=0)
    return {pair["unique_id_l"].split(":")[1]: pair["mw_name"] + (pair.get("mw_tf_adj_name") or 0.0)
            for pair in scored.as_record_list()}


def _rare_names(count: int) -> list[str]:
    rng = random.Random(5)
    return [f"{_random_word(rng)} {_random_word(rng)}" for _ in range(count)]


def test_a_near_spelling_weighs_less_than_the_exact_name_on_a_list_of_rare_names() -> None:
    """On a list where every name is rare (a sanctions list), random pairs almost never reach the
    Jaro-Winkler level, so its u is far below any name's frequency: unadjusted, a near spelling
    of another person outweighed the very name spelt as listed (OFAC: 12.2 against 11 bits)."""
    names = [*_rare_names(300), "Pak Kwang Hun", "Pak Kwang Ho"]
    listed = [Record(source="list", record_id=name, entity_type="person", name=name) for name in names]

    weight = _name_weights(listed, Record(source="query", record_id="q", entity_type="person", name="PAK, Kwang-hun"))

    assert weight["Pak Kwang Ho"] < weight["Pak Kwang Hun"], weight


def test_a_shared_alias_weighs_by_the_names_frequency() -> None:
    """Random pairs never share an alias where no record has one: the level's u is bounded by the
    pairs sampled, and the weight is m over the name's frequency (one in the 301 distinct rows),
    not Splink's default for an untrained level (5.3 bits whatever the list)."""
    listed = [Record(source="list", record_id=name, entity_type="person", name=name) for name in _rare_names(300)]
    listed.append(Record(source="list", record_id="alias", entity_type="person", name="Kim Chol Ung",
                         aliases=["Ri Pyong Sam"]))

    weight = _name_weights(listed, Record(source="query", record_id="q", entity_type="person", name="RI, Pyong-sam"))

    assert weight["alias"] == pytest.approx(math.log2(0.2 * 301), abs=0.01)
