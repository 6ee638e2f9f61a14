"""Screening replays the SQL Splink ran once at start-up: it must answer exactly as a fresh
``predict_between`` does, for every kind of record, call after call."""

import csv
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from splink import DuckDBAPI

from resolution.demo import generate_world
from resolution.evaluate import read_assignments
from resolution.link.engine import SPECS, arrow_table, prepare_linker
from resolution.link.features import features
from resolution.models import Record, record_key
from resolution.pipeline import RunSummary, resolve
from resolution.run_folder import read_jsonl
from resolution.screening import QUERY_ID, SCREEN_THRESHOLD, Screener, screening_model
from resolution.settings import ResolutionSettings
from tests.conftest import NAMESAKE_SETTINGS


def _records(run_dir: Path) -> list[Record]:
    return [
        Record.model_validate({k: v for k, v in row["props"].items() if not k.startswith("attr_")})
        for row in read_jsonl(run_dir / "records.jsonl")
    ]


def _queries(records: list[Record]) -> list[Record]:
    """Records of the run under a new id, some with a changed name, a few of each type."""
    queries: list[Record] = []
    for entity_type in ("company", "person", "vessel"):
        of_type = [r for r in records if r.entity_type.value == entity_type][:6]
        for i, record in enumerate(of_type):
            name = record.name.upper() if i % 2 else record.name
            queries.append(record.model_copy(update={"source": "query", "record_id": f"q{i}", "name": name}))
    return queries


def _fresh_predict_between(run_dir: Path, records: list[Record], query: Record, *,
                           word_rule: bool = True) -> list[dict[str, Any]]:
    """What Splink itself answers for ``query``, on a linker built from scratch (with the model's
    own blocking rules alone when not ``word_rule``)."""
    entity_type = query.entity_type.value
    spec = SPECS[entity_type]()
    rows = [features(r) for r in records if r.entity_type.value == entity_type]
    db_api = DuckDBAPI(connection=duckdb.connect())
    settings = screening_model(json.loads((run_dir / f"model_{entity_type}.json").read_text(encoding="utf-8")), len(rows))
    if not word_rule:
        settings["blocking_rules_to_generate_predictions"] = settings["blocking_rules_to_generate_predictions"][:-1]
    prepared = prepare_linker(db_api, spec, rows, name=entity_type, settings=settings)
    new = db_api.register(arrow_table(spec, [{**features(query), "unique_id": QUERY_ID}]), table_name="fresh_query")
    scored = prepared.linker.inference.predict_between(prepared.records, new, threshold_match_probability=SCREEN_THRESHOLD)
    return scored.as_record_list()


@pytest.mark.parametrize("key_index", [True, False], ids=["key-index", "every-row"])
def test_screening_answers_exactly_as_a_fresh_predict_between(small_run: tuple[Path, RunSummary], key_index: bool) -> None:
    run_dir = small_run[0]
    records = _records(run_dir)
    screener = Screener(run_dir, key_index_min_rows=0 if key_index else 10**9)
    assert screener.entity_types == ["company", "person", "vessel"]
    # every type's rules are equalities: with the index each call scores only rows sharing a key
    assert all((index.key_hashes is not None) is key_index for index in screener._indexes.values())  # noqa: SLF001
    found_any = 0
    for query in _queries(records):
        index = screener._indexes[query.entity_type.value]  # noqa: SLF001 - the ranking of the same index
        row = {**features(query), "unique_id": QUERY_ID}
        expected = Screener._ranked(index, _fresh_predict_between(run_dir, records, query), 50, row)  # noqa: SLF001
        got = screener.screen(query, limit=50)
        assert got == expected, query.name
        found_any += bool(got)
    assert found_any >= 12  # records of the run under a new id find their own entity


def test_screening_many_times_leaves_no_table_behind_and_answers_the_same(small_run: tuple[Path, RunSummary]) -> None:
    screener = Screener(small_run[0], key_index_min_rows=0)
    query = _queries(_records(small_run[0]))[0]
    index = screener._indexes[query.entity_type.value]  # noqa: SLF001
    tables_before = index.connection.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
    first = screener.screen(query)
    for _ in range(50):
        assert screener.screen(query) == first
    assert index.connection.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == tables_before
    assert first and first[0]["match_probability"] > 0.5


def test_a_type_without_a_model_screens_to_nothing(small_run: tuple[Path, RunSummary], tmp_path: Path) -> None:
    import shutil

    run_dir = tmp_path / "run"
    shutil.copytree(small_run[0], run_dir)
    (run_dir / "model_vessel.json").unlink()
    screener = Screener(run_dir)
    vessel = next(r for r in _records(run_dir) if r.entity_type.value == "vessel")
    assert screener.screen(vessel) == []
    with pytest.raises(KeyError):
        screener._indexes["vessel"]  # noqa: SLF001


def test_a_rule_that_is_not_an_equality_leaves_every_row_a_candidate() -> None:
    from resolution.screening import _rule_keys

    class Rule:
        def __init__(self, sql: str) -> None:
            self.blocking_rule_sql = sql

    class Linker:
        def __init__(self, *sqls: str) -> None:
            self._settings_obj = type("S", (), {"_blocking_rules_to_generate_predictions": [Rule(q) for q in sqls]})()

    assert _rule_keys(Linker('l."a" = r."a"', '(SUBSTRING(l.b, 1, 3) = SUBSTRING(r.b, 1, 3)) AND (l."c" = r."c")')) == [
        (['"a"'], []), (["SUBSTRING(b, 1, 3)", '"c"'], []),
    ]
    assert _rule_keys(Linker('l."a" = r."a"', "levenshtein(l.a, r.a) < 2")) is None
    assert _rule_keys(Linker('l."a" = r."b"')) is None


def test_a_candidate_that_holds_another_date_of_birth_says_so(namesake_inputs: list[Path], tmp_path: Path) -> None:
    """Two namesakes; a name-only row was merged into one of them (A). Screening the other one's
    date of birth finds A through that row all the same, and flags the disagreement; B agrees."""
    resolve(namesake_inputs, tmp_path, NAMESAKE_SETTINGS)
    entity_of = {f"{r['source']}:{r['record_id']}": r["entity_id"] for r in _clusters(tmp_path)}
    a, b = entity_of["extra_a:A-1"], entity_of["extra_b:B-1"]
    assert entity_of["extra_c:C-1"] == a
    query = Record(source="query", record_id="q", entity_type="person", name="Ouyang Qiaoling",
                   nationality="CN", date_of_birth="1979-08-02")
    got = {c["entity_id"]: c for c in Screener(tmp_path).screen(query)}
    assert got[b]["conflicts"] == []
    assert got[a]["record_key"] == "extra_c:C-1"  # A's best record is the one without a date
    assert got[a]["conflicts"] == ["date_of_birth 1979-08-02 / 1961-03-14", "year_of_birth 1979 / 1961"]
    partial = Record(source="query", record_id="p", entity_type="person", name="Ouyang Qiaoling", date_of_birth="1961")
    flags = {c["entity_id"]: c["conflicts"] for c in Screener(tmp_path).screen(partial)}
    assert flags[a] == [] and flags[b] == ["year_of_birth 1961 / 1979"]  # a year alone is compared as a year


def _clusters(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def list_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list with one record per true entity of a generated world (a sanctions list has almost
    no duplicates), resolved: its models' priors are those of a list. Big enough (some 200
    people) that a name alone scores under the candidates' threshold with the run's own prior."""
    folder = tmp_path_factory.mktemp("list")
    world = generate_world(folder / "world", size=400, seed=11)
    entity_of = read_assignments(world.truth_records, "true_entity_id")
    seen: set[str] = set()
    with world.records.open(encoding="utf-8", newline="") as source, \
            (folder / "records.csv").open("w", encoding="utf-8", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=list(reader.fieldnames or []))
        writer.writeheader()
        for row in reader:
            entity = entity_of.get(record_key(row["source"], row["record_id"]))
            if entity is not None and entity not in seen:
                seen.add(entity)
                writer.writerow(row)
    out = folder / "run"
    resolve([folder / "records.csv"], out, ResolutionSettings())
    return out


def test_a_name_alone_spelt_as_listed_is_a_candidate_against_a_list(list_run: Path) -> None:
    """The run's own prior (one list entry rarely repeats another) would leave the listed person
    below the candidates' threshold: a screened record is scored with one expected match."""
    model = json.loads((list_run / "model_person.json").read_text(encoding="utf-8"))
    people = [r for r in _records(list_run) if r.entity_type.value == "person" and r.date_of_birth]
    listed = people[0]
    query = Record(source="query", record_id="q1", entity_type="person", name=listed.name)
    floor = screening_model(model, len([r for r in _records(list_run) if r.entity_type.value == "person"]))
    assert floor["probability_two_random_records_match"] > model["probability_two_random_records_match"]

    found = Screener(list_run).screen(query, limit=3)
    assert found and found[0]["record_key"] == listed.key
    assert found[0]["match_probability"] > 0.05
    assert Screener(list_run, expected_matches=0).screen(query, limit=3) == []  # the run's own prior


def _variant(name: str) -> str:
    """``name`` with the last letter of its longest word changed: no key of it agrees any more."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    words[longest] = word[:-1] + ("x" if word[-1].lower() != "x" else "z")
    return " ".join(words)


def test_a_spelling_variant_sharing_a_word_is_a_candidate(list_run: Path) -> None:
    """The model's rules need a whole name or key to agree; screening also pairs a word in
    common, and the model scores the pair (a Jaro-Winkler name level here)."""
    records = _records(list_run)
    people = [r for r in records if r.entity_type.value == "person" and r.name.isascii() and len(r.name.split()) == 2
              and max(map(len, r.name.split())) >= 6]
    holders = Counter(word for person in people for word in set(person.name.lower().split()))
    listed = next(p for p in people if holders[min(p.name.lower().split(), key=len)] >= 3)
    query = Record(source="query", record_id="q1", entity_type="person", name=_variant(listed.name))
    assert _fresh_predict_between(list_run, records, query, word_rule=False) == []  # the model's rules alone

    for key_index_min_rows in (0, 10**9):  # with and without the key index
        found = Screener(list_run, key_index_min_rows=key_index_min_rows).screen(query, limit=3)
        assert found and found[0]["record_key"] == listed.key, (query.name, found)
        assert found[0]["weights"]["name"] > 0

    # with the index, a word held by more records than the cap finds nothing by itself: the
    # shared word is the surname, held by several people, and the longest word differs
    capped = Screener(list_run, key_index_min_rows=0, max_word_rows=2).screen(query, limit=3)
    assert listed.key not in [c["record_key"] for c in capped]


@pytest.mark.parametrize("key_index_min_rows", [0, 10**9], ids=["key-index", "every-row"])
def test_a_record_that_shares_no_key_screens_to_nothing(list_run: Path, key_index_min_rows: int) -> None:
    """With the key index such a record has no candidate row at all (Arrow's take of an untyped
    empty list raised, so at 50,000 records and more a new name failed to screen)."""
    query = Record(source="query", record_id="q1", entity_type="person", name="Qwyzx Vbnmkj")
    assert Screener(list_run, key_index_min_rows=key_index_min_rows).screen(query) == []


def test_a_candidates_weights_and_frequency_adjustments_add_up_to_its_match_weight(list_run: Path) -> None:
    """A name's frequency changes its comparison's weight (the exact level and, since the looser
    levels never outweigh it, those too): without the adjustments the weights shown to an analyst
    did not add up to the match weight."""
    people = [r for r in _records(list_run) if r.entity_type.value == "person"]
    model = screening_model(json.loads((list_run / "model_person.json").read_text(encoding="utf-8")), len(people))
    prior = model["probability_two_random_records_match"]
    query = Record(source="query", record_id="q1", entity_type="person", name=people[0].name)

    found = Screener(list_run).screen(query, limit=5)

    assert found and any(c["tf_adjustments"] for c in found)
    for candidate in found:
        total = math.log2(prior / (1 - prior)) + sum(candidate["weights"].values()) + sum(candidate["tf_adjustments"].values())
        assert total == pytest.approx(candidate["match_weight"], abs=1e-3), candidate
