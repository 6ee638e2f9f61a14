"""The looser name levels are adjusted by the name's frequency against their own u, floored there:
they never weigh more than an exact match of the same name."""

import random
from pathlib import Path

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

    floored = floor_frequencies_at_u(settings)

    levels = floored["comparisons"][0]["comparison_levels"]
    assert levels[1]["tf_minimum_u_value"] == 2e-5
    assert "tf_minimum_u_value" not in levels[0]  # the exact level's adjustment is Splink's own
    assert "tf_minimum_u_value" not in settings["comparisons"][0]["comparison_levels"][1]  # a copy


def test_a_marked_level_without_a_u_keeps_no_adjustment() -> None:
    """Random pairs never reached it: there is no u to adjust against, and Splink would fail."""
    floored = floor_frequencies_at_u(_settings({"sql_condition": "x", "m_probability": 0.2, **MARK}))
    level = floored["comparisons"][0]["comparison_levels"][0]
    assert not {"tf_adjustment_column", "tf_adjustment_weight", "disable_tf_exact_match_detection"} & set(level)
    assert level["m_probability"] == 0.2


@pytest.mark.parametrize("spec", [person.spec, company.spec], ids=["person", "company"])
def test_every_looser_name_level_is_marked(spec) -> None:
    levels = spec().settings.get_settings("duckdb").comparisons[0].comparison_levels
    looser = [level for level in levels
              if not (level.is_null_level or level._is_else_level or level._is_exact_match
                      or level.label_for_charts == "Array intersection size >= 1")]  # a shared alias: not the name's
    assert looser
    for level in looser:
        assert level._tf_adjustment_input_column.input_name == "name_compact", level.label_for_charts
        assert level.disable_tf_exact_match_detection, level.label_for_charts


def _random_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(3, 4))).capitalize()


def test_a_near_spelling_weighs_less_than_the_exact_name_on_a_list_of_rare_names(tmp_path: Path) -> None:
    """On a list where every name is rare (a sanctions list), random pairs almost never reach the
    Jaro-Winkler level, so its u is far below any name's frequency: unadjusted, a near spelling
    of another person outweighed the very name spelt as listed (OFAC: 12.2 against 11 bits)."""
    rng = random.Random(5)
    names = [f"{_random_word(rng)} {_random_word(rng)}" for _ in range(300)] + ["Pak Kwang Hun", "Pak Kwang Ho"]
    rows = [features(Record(source="list", record_id=str(i), entity_type="person", name=name))
            for i, name in enumerate(names)]
    spec = person.spec()
    db_api = DuckDBAPI(connection=duckdb.connect())
    trained = prepare_linker(db_api, spec, rows, name="person", settings=None).settings
    # screened as POST /match does: the word rule pairs the near spelling too
    prepared = prepare_linker(db_api, spec, rows, name="screened", settings=screening_model(trained, len(rows)))
    query = db_api.register(arrow_table(spec, [{**features(Record(source="query", record_id="q", entity_type="person",
                                                                  name="PAK, Kwang-hun")), "unique_id": "q"}]),
                            table_name="query")
    scored = prepared.linker.inference.predict_between(prepared.records, query, threshold_match_probability=0)
    weight = {names[int(pair["unique_id_l"].split(":")[1])]: pair["mw_name"] + (pair.get("mw_tf_adj_name") or 0.0)
              for pair in scored.as_record_list()}

    assert weight["Pak Kwang Ho"] < weight["Pak Kwang Hun"], weight
