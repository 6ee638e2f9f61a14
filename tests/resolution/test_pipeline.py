"""A whole run keeps namesakes apart that a record with a name and nothing else would chain
(``resolution.link.conflicts`` through ``resolution.pipeline.resolve``)."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution.cli import app
from resolution.link import engine
from resolution.pairs_file import read_pairs
from resolution.pipeline import resolve
from resolution.demo import DemoWorld
from resolution.run_folder import ATTACHED, KEPT_APART, read_csv, read_jsonl
from resolution.settings import ResolutionSettings
from tests.conftest import NAMESAKE_SETTINGS, with_extra_records

SETTINGS = NAMESAKE_SETTINGS


def _entity_of(run: Path) -> dict[str, str]:
    with (run / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        return {f"{r['source']}:{r['record_id']}": r["entity_id"] for r in csv.DictReader(handle)}


def test_a_name_alone_does_not_chain_two_namesakes(namesake_inputs: list[Path], tmp_path: Path) -> None:
    summary = resolve(namesake_inputs, tmp_path, SETTINGS)
    entity = _entity_of(tmp_path)
    a, b, c = entity["extra_a:A-1"], entity["extra_b:B-1"], entity["extra_c:C-1"]
    assert entity["extra_a:A-2"] == a and entity["extra_b:B-2"] == b
    assert a != b
    assert c == a  # equal scores against both: the pair of the smallest keys wins

    with (tmp_path / KEPT_APART).open(encoding="utf-8", newline="") as handle:
        kept = [row for row in csv.DictReader(handle) if row["record_r"] == "extra_c:C-1"]
    assert {row["record_l"] for row in kept} == {"extra_b:B-1", "extra_b:B-2"}
    assert {row["field"] for row in kept} == {"date_of_birth"}
    assert {(row["value_l"], row["value_r"]) for row in kept} == {("1979-08-02", "1961-03-14")}
    assert summary.kept_apart["person"] >= 2

    pairs = list(read_pairs(tmp_path))
    flags = {(p["record_l"], p["record_r"]): p for p in pairs if p["record_r"] == "extra_c:C-1"}
    assert flags[("extra_a:A-1", "extra_c:C-1")]["merged"] is True
    kept_pair = flags[("extra_b:B-1", "extra_c:C-1")]
    assert kept_pair["merged"] is False and kept_pair["match_probability"] >= SETTINGS.merge_threshold
    assert summary.merged_pairs == sum(p["merged"] for p in pairs)

    # the pair kept apart stays a candidate for analysts: POSSIBLY_SAME_AS between the two people
    review = [json.loads(line) for line in (tmp_path / "possibly_same_as.jsonl").read_text(encoding="utf-8").splitlines()]
    between = [r for r in review if {r["from_id"], r["to_id"]} == {a, b}]
    assert len(between) == 1 and "extra_b:B-1~extra_c:C-1" in between[0]["props"]["source_keys"]
    assert between[0]["props"]["kept_apart"] == ["date_of_birth 1979-08-02 / 1961-03-14"]
    assert all("kept_apart" not in r["props"] for r in review if r is not between[0])  # only pairs kept apart say so

    shown = CliRunner().invoke(app, ["explain", b, "--run", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "not merged: extra_b:B-1 ~ extra_c:C-1" in shown.output
    assert "date_of_birth 1979-08-02" in shown.output


def test_without_exclusive_fields_the_chain_merges_them(namesake_inputs: list[Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the split prevents: with no exclusive field, connected components join all five."""
    person = engine.SPECS["person"]
    monkeypatch.setitem(engine.SPECS, "person", lambda: dataclasses.replace(person(), exclusives=()))
    summary = resolve(namesake_inputs, tmp_path, SETTINGS)
    entity = _entity_of(tmp_path)
    assert len({entity[k] for k in entity if k.startswith("extra_")}) == 1
    assert summary.kept_apart == {}


def test_the_split_can_be_turned_off(namesake_inputs: list[Path], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_SPLIT_CONFLICTS", "false")
    settings = ResolutionSettings(merge_threshold=SETTINGS.merge_threshold)
    assert settings.split_conflicts is False
    summary = resolve(namesake_inputs, tmp_path, settings)
    entity = _entity_of(tmp_path)
    assert len({entity[k] for k in entity if k.startswith("extra_")}) == 1
    assert summary.kept_apart == {}
    assert (tmp_path / KEPT_APART).read_text(encoding="utf-8").count("\n") == 1  # the header alone


# An executive listed four times with a date of birth and an identity number, a namesake listed
# once, and a registry row with the name alone: it scores about 0.5 against each of the five
# records (two people bear the name), below the merge threshold, and stays alone in Splink's
# clusters. The executive holds four of the five records of that name: 0.8, over the threshold.
EXECUTIVE = """\
extra_e,E-1,person,Ouyang Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_e,E-2,person,OUYANG Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_e,E-3,person,Ouyang Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_e,E-4,person,Ouyang Qiaoling,,CN,,,,1961-03-14,,445566771,,,,
extra_n,N-1,person,Ouyang Qiaoling,,CN,,,,1979-08-02,CN,998877661,,,,
extra_l,L-1,person,Ouyang Qiaoling,,CN,,,,,CN,,,,,
"""


@pytest.fixture(scope="module")
def executive_inputs(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return with_extra_records(small_world, tmp_path_factory.mktemp("executive"), EXECUTIVE)


def test_a_lone_name_only_row_joins_the_namesake_with_most_records(executive_inputs: list[Path],
                                                                     tmp_path: Path) -> None:
    summary = resolve(executive_inputs, tmp_path, ResolutionSettings())
    entity = _entity_of(tmp_path)
    executive = entity["extra_e:E-1"]
    assert {entity[f"extra_e:E-{i}"] for i in range(1, 5)} == {executive}
    assert entity["extra_n:N-1"] != executive
    assert entity["extra_l:L-1"] == executive

    pairs = list(read_pairs(tmp_path))
    lone = [p for p in pairs if "extra_l:L-1" in (p["record_l"], p["record_r"])]
    assert lone and all(p["match_probability"] < 0.7 and not p["merged"] for p in lone)  # no pair merged it

    rows = [row for row in read_csv(tmp_path / ATTACHED) if row["record"] == "extra_l:L-1"]
    assert len(rows) == 1
    assert rows[0]["joined_record"] == "extra_e:E-1"
    assert (rows[0]["entity_records"], rows[0]["candidate_records"], rows[0]["share"]) == ("4", "5", "0.8")
    assert summary.attached["person"] == len([r for r in read_csv(tmp_path / ATTACHED) if r["entity_type"] == "person"])
    written = {row["key"]: row for row in read_jsonl(tmp_path / "records.jsonl")}
    assert written["extra_l:L-1"]["probability"] == 0.8  # its share: no merged pair ties it in
    assert written["extra_l:L-1"]["entity_id"] == executive

    shown = CliRunner().invoke(app, ["explain", executive, "--run", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "attached: extra_l:L-1" in shown.output and "4 of the 5" in shown.output


def test_lone_records_can_be_left_alone(executive_inputs: list[Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_ATTACH_LONE_RECORDS", "false")
    settings = ResolutionSettings()
    assert settings.attach_lone_records is False
    summary = resolve(executive_inputs, tmp_path, settings)
    entity = _entity_of(tmp_path)
    assert entity["extra_l:L-1"] not in {entity["extra_e:E-1"], entity["extra_n:N-1"]}
    assert summary.attached == {}
    assert read_csv(tmp_path / ATTACHED) == []
