"""A whole run keeps namesakes apart that a record with a name and nothing else would chain
(``resolution.link.conflicts`` through ``resolution.pipeline.resolve``)."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resolution.cli import app
from resolution.demo.generator import DemoWorld
from resolution.link import engine
from resolution.pipeline import resolve
from resolution.run_folder import KEPT_APART
from resolution.settings import ResolutionSettings

# Two people of one rare name, each listed twice with a date of birth and an identity number, and
# a registry row giving the name alone: it scores the same against all four (p 0.53 in this world,
# over the merge threshold of 0.5 used here) and chains the two people into one component.
NAMESAKES = """\
extra_a,A-1,person,Ouyang Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_a,A-2,person,OUYANG Qiaoling,,CN,,,,1961-03-14,CN,445566771,,,,
extra_b,B-1,person,Ouyang Qiaoling,,CN,,,,1979-08-02,CN,998877661,,,,
extra_b,B-2,person,Ouyang Qiaoling,,CN,,,,1979-08-02,CN,998877661,,,,
extra_c,C-1,person,Ouyang Qiaoling,,CN,,,,,CN,,,,,
"""
SETTINGS = ResolutionSettings(merge_threshold=0.5)


@pytest.fixture(scope="module")
def namesake_inputs(small_world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("namesakes")
    records = folder / "records.csv"
    shutil.copyfile(small_world.records, records)
    with records.open("a", encoding="utf-8") as handle:
        handle.write(NAMESAKES)
    return [records, small_world.relations, small_world.listings]


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

    pairs = [json.loads(line) for line in (tmp_path / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    flags = {(p["record_l"], p["record_r"]): p for p in pairs if p["record_r"] == "extra_c:C-1"}
    assert flags[("extra_a:A-1", "extra_c:C-1")]["merged"] is True
    kept_pair = flags[("extra_b:B-1", "extra_c:C-1")]
    assert kept_pair["merged"] is False and kept_pair["match_probability"] >= SETTINGS.merge_threshold
    assert summary.merged_pairs == sum(p["merged"] for p in pairs)

    # the pair kept apart stays a candidate for analysts: POSSIBLY_SAME_AS between the two people
    review = [json.loads(line) for line in (tmp_path / "possibly_same_as.jsonl").read_text(encoding="utf-8").splitlines()]
    between = [r for r in review if {r["from_id"], r["to_id"]} == {a, b}]
    assert len(between) == 1 and "extra_b:B-1~extra_c:C-1" in between[0]["props"]["source_keys"]

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
