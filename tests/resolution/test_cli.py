import csv
import json
import shutil
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from resolution.cli import _weights_text, app
from resolution.pairs_file import LEGACY_PAIRS, PAIRS, read_pairs
from resolution.run_folder import read_jsonl, write_jsonl
from resolution.settings import ResolutionSettings
from tests.api_server import neo4j_env, serve_api, spawned_children

runner = CliRunner()


def test_generate_resolve_evaluate(tmp_path: Path) -> None:
    world = tmp_path / "world"
    result = runner.invoke(app, ["generate", "--out", str(world), "--size", "20", "--seed", "2"])
    assert result.exit_code == 0, result.output
    run = tmp_path / "run"
    inputs = [str(world / n) for n in ("records.csv", "relations.csv", "listings.csv")]
    result = runner.invoke(app, ["resolve", *inputs, "--out", str(run)])
    assert result.exit_code == 0, result.output
    assert (run / "clusters.csv").exists() and (run / "quarantine.csv").exists()
    # each stage says how fast it went, and the summary keeps the seconds of each linking step
    assert "rows/s" in result.output and "company records in" in result.output
    assert "entities from" in result.output and "records/s" in result.output
    seconds = json.loads((run / "summary.json").read_text())["seconds"]
    for kind in ("company", "person", "vessel"):
        steps = [seconds[f"link_{kind}.{step}"] for step in ("features", "prepare", "train", "predict", "cluster")]
        assert all(value >= 0 for value in steps)
        assert sum(steps) <= seconds[f"link_{kind}"] + 0.01
    assert seconds["read"] + seconds["entities"] + seconds["write_pairs"] + seconds["write"] <= seconds["total"]
    result = runner.invoke(app, ["evaluate", str(run), "--truth", str(world / "truth_records.csv")])
    assert result.exit_code == 0 and "vessel" in result.output


def test_unreadable_input_exits_non_zero_with_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["resolve", str(bad), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "cannot tell the kind of file" in result.output


def test_load_of_missing_run_folder_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "not a complete run folder" in result.output


def test_load_of_a_run_folder_without_its_pairs_file_fails_clearly(small_run, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(small_run[0], run_dir)
    (run_dir / PAIRS).unlink()
    result = runner.invoke(app, ["load", str(run_dir)])
    assert result.exit_code == 1 and "pairs.parquet is missing" in " ".join(result.output.split())


def test_explain_reads_an_older_runs_pairs_jsonl_as_it_reads_pairs_parquet(small_run, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # rich's width: record keys shown whole
    run_dir, _summary = small_run
    pair = next(read_pairs(run_dir, merged_only=True))
    with (run_dir / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        entity = next(row["entity_id"] for row in csv.DictReader(handle)
                      if f"{row['source']}:{row['record_id']}" == pair["record_l"])
    shown = runner.invoke(app, ["explain", entity, "--run", str(run_dir)])
    assert shown.exit_code == 0, shown.output
    assert pair["record_l"] in shown.output and f"{pair['match_probability']:.4f}" in shown.output

    older = tmp_path / "older"
    shutil.copytree(run_dir, older)
    write_jsonl(older / LEGACY_PAIRS, read_pairs(run_dir))
    (older / PAIRS).unlink()
    again = runner.invoke(app, ["explain", entity, "--run", str(older)])
    assert again.exit_code == 0 and again.output == shown.output.replace(str(run_dir), str(older))


FIXTURES = Path(__file__).parent / "sources" / "fixtures"


def test_resolve_reads_every_source_format_in_one_run(tmp_path: Path) -> None:

    inputs = [FIXTURES / "ofac_csv", FIXTURES / "ofac_xml" / "sdn.xml", FIXTURES / "un_xml" / "consolidated.xml",
              FIXTURES / "ftm" / "ofac_dprk.ftm.json", FIXTURES / "trade" / "customs_cn_kp.csv"]
    run = tmp_path / "run"
    result = runner.invoke(app, ["resolve", *map(str, inputs), "--out", str(run)])
    assert result.exit_code == 0, result.output
    with (run / "clusters.csv").open(encoding="utf-8") as handle:
        sources = {row["source"] for row in csv.DictReader(handle)}
    assert {"ofac-sdn", "un-sc", "us_ofac_sdn", "customs-cn-kp"} <= sources
    with (run / "quarantine.csv").open(encoding="utf-8") as handle:
        reasons = [row["reason"] for row in csv.DictReader(handle)]
    assert any("aircraft" in r.lower() for r in reasons)


def test_unknown_format_name_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["resolve", str(FIXTURES / "ofac_csv"), "--format", "excel", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "known: canonical" in result.output


def test_neo4j_stop_says_what_it_did(tmp_path: Path, monkeypatch) -> None:
    """It used to print "Neo4j not running" after stopping a server too."""
    import subprocess

    from resolution.settings import get_settings

    home = tmp_path / "home"
    monkeypatch.setenv("TRACEGRAPH_NEO4J_HOME", str(home))
    monkeypatch.setenv("TRACEGRAPH_NEO4J_BOLT_PORT", "1")  # nothing answers there: no real server is asked
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["neo4j", "stop"])
        assert result.exit_code == 0 and "Neo4j was not running" in result.output
        # a stand-in for the server's process: stop signals the pid the start recorded, and waits
        stand_in = subprocess.Popen(["sleep", "60"])
        (home / "run").mkdir(parents=True)
        (home / "run" / "tracegraph-neo4j.pid").write_text(str(stand_in.pid))
        result = runner.invoke(app, ["neo4j", "stop"])
        assert result.exit_code == 0 and f"Neo4j stopped (pid {stand_in.pid})" in result.output
        assert stand_in.poll() is not None
    finally:
        get_settings.cache_clear()


@pytest.mark.graph
def test_serve_with_several_workers(graph_settings: ResolutionSettings) -> None:
    """``tracegraph serve --workers 2`` runs two API processes behind one port, both answering."""
    command = [sys.executable, "-m", "resolution", "serve", "--workers", "2"]
    with serve_api(neo4j_env(graph_settings), command=command) as url:
        port = url.rsplit(":", 1)[1]
        supervisor = next(
            int(p.parent.name) for p in Path("/proc").glob("[0-9]*/cmdline")
            if (args := _cmdline(p)) and "serve" in args and "--workers" in args and port in args
        )
        deadline = time.monotonic() + 30
        while len(workers := spawned_children(supervisor)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2
        assert {httpx.get(f"{url}/health", timeout=10).status_code for _ in range(20)} == {200}


def _cmdline(path: Path) -> list[str]:
    try:
        return path.read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def test_screen_shows_the_entity_of_a_name_in_the_run(small_run) -> None:
    run_dir = small_run[0]
    with (run_dir / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        first = next(row for row in csv.DictReader(handle) if row["entity_id"].startswith("tg-co-"))
    record = next(row["props"] for row in read_jsonl(run_dir / "records.jsonl")
                  if row["props"]["source"] == first["source"] and row["props"]["record_id"] == first["record_id"])
    result = runner.invoke(app, ["screen", record["name"], "--type", "company", "--run", str(run_dir)],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert first["entity_id"] in result.output  # whole, in an 80-column terminal
    assert "probability" in result.output


def test_screen_of_an_invalid_record_or_run_folder_fails_clearly(small_run, tmp_path: Path) -> None:
    bad_imo = runner.invoke(app, ["screen", "EVER BRIGHT 88", "--type", "vessel", "--imo", "9123450",
                                  "--run", str(small_run[0])])
    assert bad_imo.exit_code == 1
    assert "cannot screen this record" in bad_imo.output and "imo" in bad_imo.output
    no_run = runner.invoke(app, ["screen", "Dandong", "--run", str(tmp_path / "nothing")])
    assert no_run.exit_code == 1
    assert "no records.jsonl" in no_run.output


def test_weights_are_shown_with_their_frequency_adjustment_added() -> None:
    """What each comparison gave the pair; a comparison that gave nothing is left out."""
    text = _weights_text({"country": -1.0, "dob": 0.0, "name": 19.9}, {"name": -8.9})
    assert text == "country -1.0, name +11.0 (frequency -8.9)"
