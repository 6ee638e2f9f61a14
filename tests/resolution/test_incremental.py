"""Incremental resolve (``--previous``): stable ids, only new records linked, merges redirect.

The previous run is the small demo world plus three firms of our own: "Quokka Harbour Trading"
(two records, one entity) and "Wombat Pacific Logistics" (one record, another entity); increments
add spellings, new firms, a record that ties both firms together, and bad rows. No Neo4j here.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution.cli import app
from resolution.demo import DemoWorld
from resolution.entities.continuity import carry_over_ids
from resolution.entities.ids import entity_id, fresh_entity_id
from resolution.errors import RunFolderError
from resolution.incremental import read_previous_run, record_from_row
from resolution.pipeline import RunSummary, resolve
from resolution.pairs_file import LEGACY_PAIRS, PAIRS, read_pairs
from resolution.run_folder import ATTACHED, GRAPH_FILES, RECORD_RELATIONS, read_csv, read_jsonl, write_jsonl
from resolution.settings import ResolutionSettings

COLUMNS = ["source", "record_id", "entity_type", "name", "aliases", "country", "address", "registration_number"]
QUOKKA = {"entity_type": "company", "name": "Quokka Harbour Trading Co., Ltd.", "country": "CN",
          "address": "1 River Road, Dandong"}
WOMBAT_REG = "91210600QW1ZZ999XX"
OWN_FIRMS = [
    {"source": "zz_test", "record_id": "A1", **QUOKKA},
    {"source": "zz_test", "record_id": "A2", **QUOKKA, "name": "QUOKKA HARBOUR TRADING CO LTD"},
    {"source": "zz_test", "record_id": "B1", "entity_type": "company", "name": "Wombat Pacific Logistics Limited",
     "country": "CN", "address": "99 Harbour Street, Dalian", "registration_number": WOMBAT_REG},
]


def write_records(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def ids_of(run: Path) -> dict[str, str]:
    with (run / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        return {f"{r['source']}:{r['record_id']}": r["entity_id"] for r in csv.DictReader(handle)}


def redirects_of(run: Path) -> dict[str, str]:
    with (run / "redirects.csv").open(encoding="utf-8", newline="") as handle:
        return {r["old_id"]: r["new_id"] for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def previous(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A full run of the small world plus our own firms; returns the run folder and its inputs."""
    folder = tmp_path_factory.mktemp("previous")
    inputs = [*small_world.inputs, write_records(folder / "own_firms.csv", OWN_FIRMS)]
    resolve(inputs, folder / "run", ResolutionSettings())
    return folder / "run", inputs


def increment(tmp_path: Path, previous_run: Path, rows: list[dict[str, str]], *extra: Path) -> tuple[Path, RunSummary]:
    out = tmp_path / "next"
    summary = resolve([write_records(tmp_path / "increment.csv", rows), *extra], out, ResolutionSettings(),
                      previous=previous_run)
    return out, summary


def test_previous_run_is_set_up_as_the_tests_assume(previous: tuple[Path, list[Path]]) -> None:
    ids = ids_of(previous[0])
    assert ids["zz_test:A1"] == ids["zz_test:A2"] != ids["zz_test:B1"]


def test_records_come_back_whole_from_records_jsonl(previous: tuple[Path, list[Path]], small_world: DemoWorld) -> None:
    from resolution.sources import read_inputs

    batch = read_inputs(small_world.inputs)
    stored = {row["key"]: record_from_row(row) for row in read_jsonl(previous[0] / "records.jsonl")}
    assert all(stored[r.key] == r for r in batch.records)
    assert read_previous_run(previous[0]).relations == batch.relations


def test_same_input_gives_the_same_ids(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    run, inputs = previous
    resolve(inputs, tmp_path / "again", ResolutionSettings())
    assert (tmp_path / "again" / "clusters.csv").read_bytes() == (run / "clusters.csv").read_bytes()

    summary = resolve(inputs, tmp_path / "repeat", ResolutionSettings(), previous=run)
    assert summary.increment["new_records"] == 0 and summary.increment["repeated_records"] == summary.records
    assert summary.increment["new_relations"] == 0 and summary.increment["pairs_scored"] == 0
    for name in ("clusters.csv", "entities.jsonl", "relations.jsonl", "listed_on.jsonl"):
        assert (tmp_path / "repeat" / name).read_bytes() == (run / name).read_bytes(), name
    assert list(read_pairs(tmp_path / "repeat")) == list(read_pairs(run))
    assert redirects_of(tmp_path / "repeat") == {}


def test_a_previous_run_written_with_pairs_jsonl_is_continued_as_one_with_pairs_parquet(
    previous: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    run, _ = previous
    older = tmp_path / "older"
    shutil.copytree(run, older)
    write_jsonl(older / LEGACY_PAIRS, read_pairs(run))  # as run folders before pairs.parquet hold them
    (older / PAIRS).unlink()
    rows = [{"source": "aa_late", "record_id": "1", **QUOKKA, "name": "Quokka Harbour Trading Company Limited"}]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    from_parquet, _ = increment(tmp_path / "a", run, rows)
    from_jsonl, _ = increment(tmp_path / "b", older, rows)
    assert ids_of(from_jsonl) == ids_of(from_parquet)
    assert list(read_pairs(from_jsonl)) == list(read_pairs(from_parquet))
    assert not (from_jsonl / LEGACY_PAIRS).exists()


def test_new_spelling_joins_its_entity_and_keeps_the_old_id(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    run, _ = previous
    before = ids_of(run)
    # "aa_late" sorts before every other key: a from-scratch id would come from it, the kept one must not
    out, summary = increment(tmp_path, run, [
        {"source": "aa_late", "record_id": "1", **QUOKKA, "name": "Quokka Harbour Trading Company Limited"},
    ])
    after = ids_of(out)
    assert after["aa_late:1"] == before["zz_test:A1"]
    assert after["aa_late:1"] != entity_id("company", ["aa_late:1"])  # not derived from its smallest key
    assert {k: after[k] for k in before} == before
    assert summary.increment["entities_grown"] == 1 and summary.increment["entities_new"] == 0
    entity = next(e for e in read_jsonl(out / "entities.jsonl") if e["id"] == before["zz_test:A1"])
    assert entity["record_count"] == 3 and "Quokka Harbour Trading Company Limited" in entity["aliases"] + [entity["name"]]


def test_new_firm_makes_a_new_entity_and_leaves_old_ids(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    run, _ = previous
    before = ids_of(run)
    out, summary = increment(tmp_path, run, [
        {"source": "zz_test", "record_id": "N1", "entity_type": "company", "name": "Platypus Orbital Mining Pty Ltd",
         "country": "AU", "address": "7 Creek Lane, Perth"},
    ])
    after = ids_of(out)
    assert {k: after[k] for k in before} == before
    assert after["zz_test:N1"] not in set(before.values())
    assert summary.increment == summary.increment | {"new_records": 1, "entities_new": 1, "entities_grown": 0,
                                                     "entities_merged_away": 0}
    assert len(list(read_jsonl(out / "entities.jsonl"))) == len(list(read_jsonl(run / "entities.jsonl"))) + 1
    assert redirects_of(out) == {}
    for name in (*(f"{g}.jsonl" for g in GRAPH_FILES), PAIRS, "summary.json", "quarantine.csv",
                 RECORD_RELATIONS, "redirects.csv", "model_company.json", "model_person.json", "model_vessel.json"):
        assert (out / name).exists(), name


def test_record_bridging_two_entities_merges_them_with_one_id_and_a_redirect(
    previous: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    run, _ = previous
    before = ids_of(run)
    quokka, wombat = before["zz_test:A1"], before["zz_test:B1"]
    out, summary = increment(tmp_path, run, [
        {"source": "zz_test", "record_id": "C1", **QUOKKA, "name": "Quokka Harbour Trading Co Ltd",
         "aliases": "Wombat Pacific Logistics Limited", "registration_number": WOMBAT_REG},
    ])
    after = ids_of(out)
    # Quokka had two records, Wombat one: the bigger keeps its id, the other redirects to it
    assert {after[k] for k in ("zz_test:A1", "zz_test:A2", "zz_test:B1", "zz_test:C1")} == {quokka}
    assert redirects_of(out) == {wombat: quokka}
    assert summary.increment["entities_merged_away"] == 1
    assert wombat not in {e["id"] for e in read_jsonl(out / "entities.jsonl")}
    assert {k: v for k, v in after.items() if k in before and before[k] != v} == {"zz_test:B1": quokka}
    merged = [p for p in read_pairs(out) if "zz_test:C1" in (p["record_l"], p["record_r"]) and p["merged"]]
    assert all(p["record_l"] < p["record_r"] for p in merged) and len(merged) >= 2

    # the next increment continues from this run: the redirect stays, ids stay
    (tmp_path / "later").mkdir()
    again, _ = increment(tmp_path / "later", out, [])
    assert redirects_of(again) == {wombat: quokka} and ids_of(again) == after


def test_increment_quarantine_is_written_and_relations_may_name_old_records(
    previous: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    run, _ = previous
    relations = tmp_path / "relations.csv"
    relations.write_text(
        "source,from_record_id,to_record_id,relation\n"
        "zz_test,P1,A1,director_of\n"  # a new person directs an old firm: kept
        "zz_test,P1,NOPE,director_of\n",  # names no record at all: quarantined
        encoding="utf-8",
    )
    out, summary = increment(tmp_path, run, [
        {"source": "zz_test", "record_id": "P1", "entity_type": "person", "name": "Matilda Quokka", "country": "AU"},
        {"source": "zz_test", "record_id": "BAD", "entity_type": "company", "name": ""},
    ], relations)
    with (out / "quarantine.csv").open(encoding="utf-8", newline="") as handle:
        quarantine = list(csv.DictReader(handle))
    with (run / "quarantine.csv").open(encoding="utf-8", newline="") as handle:
        earlier = list(csv.DictReader(handle))
    mine = [(q["record_id"], q["field"]) for q in quarantine if q["source"] == "zz_test"]
    assert ("BAD", "name") in mine and ("P1->NOPE", "to_record_id") in mine
    assert quarantine[: len(earlier)] == earlier  # what the previous run set aside is still listed
    assert summary.quarantined == len(quarantine) and summary.increment["quarantined"] == 2
    ids = ids_of(out)
    assert "zz_test:BAD" not in ids
    directs = [r for r in read_jsonl(out / "relations.jsonl") if r["type"] == "DIRECTOR_OF"
               and r["from_id"] == ids["zz_test:P1"]]
    assert [r["to_id"] for r in directs] == [ids["zz_test:A1"]]
    assert summary.increment["new_relations"] == 1


def test_changed_record_is_linked_again(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    """A repeated key with other values replaces the old record; its old pairs no longer count."""
    run, _ = previous
    before = ids_of(run)
    out, summary = increment(tmp_path, run, [
        {"source": "zz_test", "record_id": "A2", "entity_type": "company", "name": "Echidna Deep Sea Salvage GmbH",
         "country": "DE", "address": "3 Hafenstrasse, Kiel"},
    ])
    after = ids_of(out)
    assert summary.increment["updated_records"] == 1
    assert after["zz_test:A1"] == before["zz_test:A1"]  # the bigger part (a tie: the smaller key) keeps the id
    assert after["zz_test:A2"] != after["zz_test:A1"] and after["zz_test:A2"] not in set(before.values())


def test_cli_resolve_with_previous(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    run, _ = previous
    rows = write_records(tmp_path / "inc.csv", [{"source": "zz_test", "record_id": "N2", "entity_type": "vessel",
                                                 "name": "Numbat Star", "country": "PA"}])
    result = CliRunner().invoke(app, ["resolve", str(rows), "--previous", str(run), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["increment"]["new_records"] == 1
    result = CliRunner().invoke(app, ["resolve", str(rows), "--previous", str(run), "--out", str(run)])
    assert result.exit_code == 1 and "--out must be a new run folder" in result.output


def test_previous_run_without_record_relations_is_a_clear_error(previous: tuple[Path, list[Path]], tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(previous[0], old)
    (old / RECORD_RELATIONS).unlink()
    with pytest.raises(RunFolderError, match="resolve its inputs once in full"):
        resolve([], tmp_path / "out", ResolutionSettings(), previous=old)


# --- id carry-over alone (no Splink) -------------------------------------------------------------


def test_merge_keeps_the_bigger_entity_id_and_ties_go_to_the_smaller_id() -> None:
    previous = {"s:1": "id-b", "s:2": "id-b", "s:3": "id-a", "s:4": "id-c", "s:5": "id-d"}
    clusters = {"x": ["s:1", "s:2", "s:3", "s:9"], "y": ["s:4", "s:5"]}
    result = carry_over_ids(clusters, dict.fromkeys(clusters, "company"), previous)
    assert result.entity_ids == {"x": "id-b", "y": "id-c"}
    assert result.redirects == {"id-a": "id-b", "id-d": "id-c"} and result.new == set()


def test_split_off_part_never_gets_a_live_or_retired_id() -> None:
    old = entity_id("company", ["s:1"])  # the id came from s:1, which leaves its entity below
    previous = {"s:1": old, "s:2": old, "s:3": old}
    clusters = {"x": ["s:2", "s:3"], "y": ["s:1"], "z": ["s:7"]}
    result = carry_over_ids(clusters, dict.fromkeys(clusters, "company"), previous, {"tg-co-gone": old})
    assert result.entity_ids["x"] == old  # most of its records stay together there
    assert result.entity_ids["y"] not in {old, "tg-co-gone"} and result.entity_ids["y"].startswith("tg-co-")
    assert result.entity_ids["z"] == entity_id("company", ["s:7"])
    assert result.new == {result.entity_ids["y"], result.entity_ids["z"]} and result.redirects == {"tg-co-gone": old}
    assert fresh_entity_id("company", ["s:1"], {old}) == result.entity_ids["y"]  # deterministic


def test_earlier_redirects_follow_a_later_merge() -> None:
    previous = {"s:1": "id-a", "s:2": "id-a", "s:3": "id-b"}
    result = carry_over_ids({"x": ["s:1", "s:2", "s:3"]}, {"x": "company"}, previous, {"id-old": "id-b"})
    assert result.redirects == {"id-b": "id-a", "id-old": "id-a"}


PERSON_COLUMNS = ["source", "record_id", "entity_type", "name", "country", "date_of_birth", "nationality", "id_number"]
NAMESAKE_A = {"entity_type": "person", "name": "Ouyang Qiaoling", "country": "CN", "nationality": "CN",
              "date_of_birth": "1961-03-14", "id_number": "445566771"}
NAMESAKE_B = {**NAMESAKE_A, "date_of_birth": "1979-08-02", "id_number": "998877661"}


def test_a_new_record_with_a_name_alone_joins_one_namesake_not_both(small_world: DemoWorld, tmp_path: Path) -> None:
    """Two namesakes resolved before; a new registry row with the name alone scores over the
    threshold (0.5 here) against both. It joins one of them and the two stay apart, as in a
    full run; both old ids live on and the pairs to the other are kept apart."""
    settings = ResolutionSettings(merge_threshold=0.5)
    people = tmp_path / "people.csv"
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PERSON_COLUMNS)
        writer.writeheader()
        for record_id, values in (("A-1", NAMESAKE_A), ("A-2", NAMESAKE_A), ("B-1", NAMESAKE_B), ("B-2", NAMESAKE_B)):
            writer.writerow({"source": "extra", "record_id": record_id, **values})
    before = tmp_path / "before"
    resolve([*small_world.inputs, people], before, settings)
    old = ids_of(before)
    assert old["extra:A-1"] != old["extra:B-1"]

    hub = tmp_path / "hub.csv"
    with hub.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PERSON_COLUMNS)
        writer.writeheader()
        writer.writerow({"source": "extra", "record_id": "C-1", "entity_type": "person", "name": "Ouyang Qiaoling",
                         "country": "CN", "nationality": "CN"})
    after = tmp_path / "after"
    summary = resolve([hub], after, settings, previous=before)
    new = ids_of(after)
    assert new["extra:A-1"] == old["extra:A-1"] and new["extra:B-1"] == old["extra:B-1"]  # neither merged away
    assert new["extra:C-1"] in {old["extra:A-1"], old["extra:B-1"]}
    assert redirects_of(after) == {}

    pairs = [p for p in read_pairs(after) if "extra:C-1" in (p["record_l"], p["record_r"])]
    over = [p for p in pairs if p["match_probability"] >= settings.merge_threshold]
    assert len(over) == 4  # C-1 against each of the four
    joined = {p["record_l"] for p in over if p["merged"]}
    assert joined in ({"extra:A-1", "extra:A-2"}, {"extra:B-1", "extra:B-2"})
    with (after / "kept_apart.csv").open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["record_r"] == "extra:C-1"]
    assert {row["record_l"] for row in kept} == {p["record_l"] for p in over} - joined
    assert {row["field"] for row in kept} == {"date_of_birth"}
    assert summary.kept_apart.get("person", 0) >= 2


def _people_file(path: Path, rows: list[tuple[str, dict[str, str]]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PERSON_COLUMNS)
        writer.writeheader()
        for record_id, values in rows:
            writer.writerow({"source": "extra", "record_id": record_id, **values})
    return path


NAME_ONLY = {"entity_type": "person", "name": "Ouyang Qiaoling", "country": "CN", "nationality": "CN"}


def test_a_new_lone_record_joins_the_namesake_with_most_records_and_old_joins_carry_over(
    small_world: DemoWorld, tmp_path: Path,
) -> None:
    """An executive listed four times and a namesake once, resolved with a name-only row that joined
    the executive (``resolution.link.lone_records``); a second name-only row comes in: it scores
    below the threshold against all and joins the executive too, and the first join is still
    listed in ``attached.csv``."""
    people = _people_file(tmp_path / "people.csv", [
        *((f"A-{i}", NAMESAKE_A) for i in range(1, 5)), ("B-1", NAMESAKE_B), ("C-1", NAME_ONLY)])
    before = tmp_path / "before"
    resolve([*small_world.inputs, people], before, ResolutionSettings())
    old = ids_of(before)
    assert old["extra:C-1"] == old["extra:A-1"] != old["extra:B-1"]

    after = tmp_path / "after"
    summary = resolve([_people_file(tmp_path / "more.csv", [("D-1", NAME_ONLY)])], after, ResolutionSettings(),
                      previous=before)
    new = ids_of(after)
    assert new["extra:D-1"] == new["extra:C-1"] == old["extra:A-1"]
    assert new["extra:B-1"] == old["extra:B-1"]
    pairs = [p for p in read_pairs(after) if "extra:D-1" in (p["record_l"], p["record_r"])]
    assert pairs and not any(p["merged"] for p in pairs)
    rows = {row["record"]: row for row in read_csv(after / ATTACHED) if row["record"].startswith("extra:")}
    assert set(rows) == {"extra:C-1", "extra:D-1"}
    assert (rows["extra:D-1"]["entity_records"], rows["extra:D-1"]["candidate_records"]) == ("5", "6")
    written = {row["key"]: row["probability"] for row in read_jsonl(after / "records.jsonl")}
    assert written["extra:D-1"] == pytest.approx(5 / 6, abs=1e-4) and written["extra:C-1"] == 0.8
    assert summary.attached["person"] == len([r for r in read_csv(after / ATTACHED) if r["entity_type"] == "person"])


def test_an_increment_leaves_lone_records_alone_when_told(small_world: DemoWorld, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    people = _people_file(tmp_path / "people.csv", [*((f"A-{i}", NAMESAKE_A) for i in range(1, 5)), ("B-1", NAMESAKE_B)])
    before = tmp_path / "before"
    resolve([*small_world.inputs, people], before, ResolutionSettings())
    monkeypatch.setenv("TRACEGRAPH_ATTACH_LONE_RECORDS", "false")
    after = tmp_path / "after"
    summary = resolve([_people_file(tmp_path / "more.csv", [("D-1", NAME_ONLY)])], after, ResolutionSettings(),
                      previous=before)
    new = ids_of(after)
    assert new["extra:D-1"] not in {new["extra:A-1"], new["extra:B-1"]}
    assert read_csv(after / ATTACHED) == read_csv(before / ATTACHED)  # the earlier joins stand, no new one
    assert sum(summary.attached.values()) == len(read_csv(before / ATTACHED))
