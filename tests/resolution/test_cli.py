from pathlib import Path

from typer.testing import CliRunner

from resolution.cli import app

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
