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
from resolution.pipeline import resolve
from resolution.run_folder import KEPT_APART
from resolution.settings import ResolutionSettings
from tests.conftest import NAMESAKE_SETTINGS

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
