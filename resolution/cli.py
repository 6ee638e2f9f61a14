"""The ``tracegraph`` command line (Typer + rich)."""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from resolution.collector import end_with_the_process, freeze_for_exit
from resolution.errors import SettingsError, TracegraphError, validation_message
from resolution.run_folder import ATTACHED, KEPT_APART, read_csv
from resolution.settings import ResolutionSettings, get_settings

app = typer.Typer(
    help="Tracegraph: resolve company, person and vessel records into a Neo4j graph and serve it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
neo4j_app = typer.Typer(help="Manage the bundled local Neo4j (Community 5.26 from Maven Central).")
app.add_typer(neo4j_app, name="neo4j")
console = Console(stderr=True)


def _runs_dir() -> Path:
    """Where the demo writes; with a bad setting anywhere, the default, so that the command itself
    (not this import) reports the setting as a one-line error."""
    try:
        return get_settings().runs_dir
    except SettingsError:
        return Path(ResolutionSettings.model_fields["runs_dir"].default)


# True only under ``main``: in-process callers (tests, a notebook) keep freeing what a run made
_process_ends_after_command = False
_RUNS_DIR = _runs_dir()
DEMO_DIR = _RUNS_DIR / "demo-world"
DEMO_RUN = _RUNS_DIR / "demo"


@contextmanager
def _driver_log_lines() -> Iterator[None]:
    """Show the Neo4j driver's warnings (each retry of a failed batch) as one line each on the
    console; without a handler, logging's last resort prints them raw, over several lines."""

    class OneLine(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = " ".join(record.getMessage().split())
            console.print(f"[dim]neo4j driver: {escape(text)}[/]", soft_wrap=True)

    driver_log = logging.getLogger("neo4j")
    handler = OneLine(logging.WARNING)
    driver_log.addHandler(handler)
    try:
        yield
    finally:
        driver_log.removeHandler(handler)


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=1)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the generated files")] = DEMO_DIR,
    size: Annotated[int, typer.Option(help="About how many companies", min=5)] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same world")] = 7,
) -> None:
    """Generate a demo world with ground truth (records, relations, listings, truth files)."""
    from resolution.demo import generate_world

    world = generate_world(out, size=size, seed=seed)
    console.print(f"generated {world.counts} into {out}")


@app.command()
def resolve(
    inputs: Annotated[list[Path], typer.Argument(help="Input files (or an OFAC SDN CSV folder)")],
    out: Annotated[Path, typer.Option("--out", help="Run folder to write")],
    model: Annotated[Path | None, typer.Option("--model", help="Run folder whose model_<type>.json to reuse")] = None,
    format_name: Annotated[str | None, typer.Option(
        "--format", help="Read every input as this format (default: told per file): canonical, ftm, "
        "ofac-csv, ofac-xml, un-xml, trade")] = None,
    backend: Annotated[Literal["duckdb", "spark"] | None, typer.Option(
        "--backend", help="Linking engine (default: TRACEGRAPH_BACKEND, else duckdb); spark needs the spark extra")] = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="A finished run folder to add the inputs to: only their records are linked, "
        "with its models, and its entity ids are kept (merges leave redirects.csv)")] = None,
) -> None:
    """Read, validate, link and cluster records; write the run folder.

    Inputs: canonical CSV / JSONL / Parquet, FollowTheMoney JSON lines, the OFAC SDN CSV folder or
    XML, the UN consolidated list XML, trade shipment CSVs (see docs/input-formats.md). With
    --previous RUN_DIR the inputs are an increment: --out gets the previous run plus them."""
    from resolution.pipeline import resolve as run_resolve

    try:
        with console.status("resolving...") as status:
            settings = get_settings() if backend is None else get_settings().model_copy(update={"backend": backend})
            summary = run_resolve(inputs, out, settings, model_dir=model, format_name=format_name,
                                  keep=end_with_the_process if _process_ends_after_command else None,
                                  progress=lambda m: (status.update(m), console.log(m)), previous=previous)
    except TracegraphError as exc:
        raise _fail(exc) from exc
    table = Table(title=f"run folder {out}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("rows read", summary.rows_read), ("records", summary.records),
                         ("relations", summary.relations), ("listings", summary.listings),
                         ("quarantined", summary.quarantined), ("merged pairs", summary.merged_pairs),
                         ("review pairs", summary.review_pairs)):
        table.add_row(label, str(value))
    for entity_type, n in summary.entities.items():
        table.add_row(f"{entity_type} entities", str(n))
    for label, key in (("new records", "new_records"), ("changed records", "updated_records"),
                       ("repeated records", "repeated_records"), ("pairs scored", "pairs_scored"),
                       ("entities kept", "entities_kept"), ("entities grown", "entities_grown"),
                       ("entities new", "entities_new"), ("entities merged away", "entities_merged_away")):
        if key in summary.increment:
            table.add_row(label, str(summary.increment[key]))
    table.add_row("seconds", str(summary.seconds["total"]))
    console.print(table)
    if summary.quarantined:
        console.print(f"[yellow]{summary.quarantined} rows quarantined[/]: see {out / 'quarantine.csv'}")
    if summary.kept_apart:
        kept = ", ".join(f"{n} {entity_type}" for entity_type, n in summary.kept_apart.items())
        console.print(f"{sum(summary.kept_apart.values())} pairs over the merge threshold kept apart ({kept}): "
                      f"they would have joined two values of a field one entity holds once; see {out / KEPT_APART}")
    if summary.attached:
        joined = ", ".join(f"{n} {entity_type}" for entity_type, n in summary.attached.items())
        console.print(f"{sum(summary.attached.values())} records left alone joined the entity holding most records "
                      f"of their name ({joined}); see {out / ATTACHED}")
    for entity_type, levels in summary.untrained_levels.items():
        console.print(f"[yellow]{entity_type} model: {len(levels)} level{'s' if len(levels) > 1 else ''} untrained[/] "
                      f"(no training pair reached them; Splink's default m or u is used): {'; '.join(levels)}")


@app.command()
def load(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by resolve")],
    replace: Annotated[bool, typer.Option("--replace", help="Empty the database first")] = False,
) -> None:
    """Write a run folder into Neo4j (idempotent: loading twice changes nothing)."""
    from resolution.graph.loader import load_run
    from resolution.pairs_file import count_pairs
    from resolution.run_folder import GRAPH_FILES

    settings = get_settings()
    try:
        totals = {name: sum(1 for _ in (run_dir / f"{name}.jsonl").open()) for name in GRAPH_FILES}
        totals["pairs"] = count_pairs(run_dir, merged_only=True)  # only merged pairs are loaded
    except FileNotFoundError as exc:
        raise _fail(TracegraphError(f"{run_dir} is not a complete run folder: {exc.filename} missing")) from exc
    except TracegraphError as exc:  # no pairs file (RunFolderError)
        raise _fail(exc) from exc
    failure: TracegraphError | None = None
    with _driver_log_lines(), Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console,
    ) as bars:
        tasks = {name: bars.add_task(name, total=total) for name, total in totals.items()}
        try:
            report = load_run(run_dir, settings, replace=replace,
                              progress=lambda name, n: bars.advance(tasks[name], n))
            bars.update(tasks["pairs"], completed=totals["pairs"])
        except TracegraphError as exc:
            failure = exc
    if failure is not None:
        # after the bars, on one line (no wrapping, no markup read into "[Errno 111]"), so that the
        # last line a user or a log reader sees says what happened and what to do
        console.print(f"[bold red]error:[/] {escape(' '.join(str(failure).split()))}", soft_wrap=True)
        raise typer.Exit(code=1) from failure
    how = "first load into an empty database (CREATE)" if report.first_load else "merged into the graph (MERGE)"
    seconds = sum(report.seconds.values())
    console.print(f"loaded {run_dir} into {settings.neo4j_uri}, {how}, in {seconds:.1f} s: "
                  f"{json.dumps(report.counts, sort_keys=True)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    run: Annotated[Path | None, typer.Option("--run", help="Run folder POST /match screens against")] = None,
    workers: Annotated[int, typer.Option(
        min=1, max=64,
        help="Worker processes. One is plenty while Neo4j shares the machine's cores; with Neo4j on "
             "another host, about one per core (each worker holds its own screening index)",
    )] = 1,
) -> None:
    """Serve the HTTP API (service.app:app) with uvicorn."""
    import uvicorn

    if run is not None:
        os.environ["TRACEGRAPH_API_RUN_DIR"] = str(run.resolve())
    console.print(f"API docs: http://{host}:{port}/docs" + (f" ({workers} workers)" if workers > 1 else ""))
    uvicorn.run("service.app:app", host=host, port=port, log_level="info", workers=workers)


@app.command()
def evaluate(
    run_dir: Annotated[Path, typer.Argument(help="A run folder")],
    truth: Annotated[Path, typer.Option(help="truth_records.csv of a generated world")] = DEMO_DIR / "truth_records.csv",
) -> None:
    """Score a run's clusters against ground truth (pairwise and B-cubed)."""
    from resolution.evaluate import evaluate_run

    table = Table(title=f"{run_dir} against {truth}")
    for column in ("type", "records", "precision", "recall", "F1", "B3 F1"):
        table.add_column(column, justify="right")
    for kind, s in evaluate_run(run_dir, truth).items():
        table.add_row(kind, str(s.records), f"{s.pairwise_precision:.4f}", f"{s.pairwise_recall:.4f}",
                      f"{s.pairwise_f1:.4f}", f"{s.bcubed_f1:.4f}")
    Console().print(table)


def _weights_text(weights: dict[str, float], adjustments: dict[str, float]) -> str:
    """Each comparison's weight with its term-frequency adjustment added (the weight it gave the
    pair), the adjustment shown beside it: ``name +11.0 (frequency -8.9)``."""
    parts = []
    for name, weight in weights.items():
        adjustment = adjustments.get(name) or 0.0
        if not (weight or adjustment):
            continue
        parts.append(f"{name} {weight + adjustment:+.1f}" + (f" (frequency {adjustment:+.1f})" if adjustment else ""))
    return ", ".join(parts)


@app.command()
def explain(
    entity_id: Annotated[str, typer.Argument(help="An entity id, e.g. tg-co-…")],
    run_dir: Annotated[Path, typer.Option("--run", help="Run folder")] = DEMO_RUN,
) -> None:
    """Show why an entity's records were merged: each pair with its per-comparison match weights
    (each with its term-frequency adjustment added, shown beside it)."""
    with (run_dir / "clusters.csv").open(encoding="utf-8", newline="") as handle:
        members = {f"{r['source']}:{r['record_id']}" for r in csv.DictReader(handle) if r["entity_id"] == entity_id}
    if not members:
        raise _fail(TracegraphError(f"no entity {entity_id} in {run_dir}"))
    table = Table(title=f"{entity_id}: {len(members)} records")
    for column in ("record", "record", "probability", "weights"):
        table.add_column(column)
    from resolution.pairs_file import read_pairs

    for pair in read_pairs(run_dir, merged_only=True, within=members):
        weights = _weights_text(pair["weights"], pair.get("tf_adjustments") or {})
        table.add_row(pair["record_l"], pair["record_r"], f"{pair['match_probability']:.4f}", weights)
    Console().print(table)
    kept = [row for row in read_csv(run_dir / KEPT_APART, missing_ok=True)
            if row["record_l"] in members or row["record_r"] in members]
    for row in kept:
        mine, other = (row["record_l"], row["record_r"]) if row["record_l"] in members else (row["record_r"], row["record_l"])
        ours, theirs = (row["value_l"], row["value_r"]) if mine == row["record_l"] else (row["value_r"], row["value_l"])
        Console().print(f"not merged: {mine} ~ {other} (p {float(row['match_probability']):.4f}): "
                        f"this entity holds {row['field']} {ours}, the other side {theirs}")
    from resolution.link.lone_records import attachment_reason

    for row in read_csv(run_dir / ATTACHED, missing_ok=True):
        if row["record"] in members:
            Console().print(f"attached: {escape(attachment_reason(row))}")


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="The name to screen, as written")],
    entity_type: Annotated[Literal["company", "person", "vessel"], typer.Option("--type", help="Entity type")] = "company",
    run_dir: Annotated[Path, typer.Option("--run", help="Run folder to screen against")] = DEMO_RUN,
    country: Annotated[str | None, typer.Option(help="Country (name or ISO code)")] = None,
    date_of_birth: Annotated[str | None, typer.Option("--dob", help="Date of birth (YYYY, YYYY-MM or YYYY-MM-DD)")] = None,
    nationality: Annotated[str | None, typer.Option(help="Nationality (people)")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="Passport or identity number (people)")] = None,
    imo: Annotated[str | None, typer.Option(help="IMO number (vessels)")] = None,
    registration_number: Annotated[str | None, typer.Option("--registration-number", help="Registration number (firms)")] = None,
    limit: Annotated[int, typer.Option(help="Candidates to show", min=1, max=50)] = 10,
) -> None:
    """Screen one record against a run's resolved entities, as POST /match does: candidates with
    probability, per-comparison weights and conflicting fields, best first."""
    from pydantic import ValidationError

    from resolution.models import Record

    fields = {"country": country, "date_of_birth": date_of_birth, "nationality": nationality,
              "id_number": id_number, "imo": imo, "registration_number": registration_number}
    try:
        record = Record.model_validate({"source": "screen", "record_id": "cli", "entity_type": entity_type,
                                        "name": name, **{k: v for k, v in fields.items() if v is not None}})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {validation_message(e)}"
                             for e in exc.errors(include_url=False))
        raise _fail(TracegraphError(f"cannot screen this record: {problems}")) from exc
    from resolution.screening import Screener

    with console.status(f"indexing {run_dir} for screening"):
        try:
            screener = Screener(run_dir)
        except TracegraphError as exc:
            raise _fail(exc) from exc
    candidates = screener.screen(record, limit=limit)
    if not candidates:
        Console().print(f"no candidate for {escape(name)!r} ({entity_type}) in {run_dir}")
        return
    count = f"{len(candidates)} candidate" + ("s" if len(candidates) > 1 else "")
    table = Table(title=f"{escape(name)} ({entity_type}): {count}")
    # the ids whole, whatever the terminal's width: they are what an analyst looks up next
    table.add_column("entity", no_wrap=True, min_width=max(len(c["entity_id"]) for c in candidates))
    for column in ("name", "probability", "weights", "conflicts"):
        table.add_column(column)
    for candidate in candidates:
        weights = _weights_text(candidate["weights"], candidate["tf_adjustments"])
        table.add_row(candidate["entity_id"], escape(candidate["name"]), f"{candidate['match_probability']:.4f}",
                      weights, escape("; ".join(candidate["conflicts"])))
    Console().print(table)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Build (once) and start the local Neo4j; waits until Bolt answers."""
    from resolution.graph.local_server import LocalNeo4j

    try:
        with console.status("starting Neo4j (the first start builds it with Maven)..."):
            status = LocalNeo4j(get_settings()).start()
    except TracegraphError as exc:
        raise _fail(exc) from exc
    console.print(f"Neo4j {status.message}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j."""
    from resolution.graph.local_server import LocalNeo4j

    server = LocalNeo4j(get_settings())
    running = server.status().pid
    status = server.stop()
    if running is None:
        console.print("Neo4j was not running")
    elif status.pid is None:
        console.print(f"Neo4j stopped (pid {running})")
    else:
        console.print(f"Neo4j {status.message}")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Tell whether the local Neo4j runs and answers (exit 1 if not)."""
    from resolution.graph.local_server import LocalNeo4j

    try:
        status = LocalNeo4j(get_settings()).status()
    except TracegraphError as exc:
        raise _fail(exc) from exc
    console.print(f"Neo4j {status.message}")
    if not status.running:
        raise typer.Exit(code=1)


@app.command()
def demo(
    size: Annotated[int, typer.Option(help="About how many companies", min=5)] = 300,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards")] = True,
    port: Annotated[int, typer.Option(help="API port")] = 8000,
) -> None:
    """Everything on the demo world: local Neo4j (unless NEO4J_URI is set), generate, resolve, load, serve."""
    global _process_ends_after_command
    _process_ends_after_command = False  # the process goes on after resolving: free what it made
    settings = get_settings()
    if "NEO4J_URI" not in os.environ:
        neo4j_start()
    generate(out=DEMO_DIR, size=size, seed=seed)
    resolve(inputs=[DEMO_DIR / n for n in ("records.csv", "relations.csv", "listings.csv")], out=DEMO_RUN, model=None)
    load(DEMO_RUN, replace=True)
    console.print(f"Neo4j Browser: http://localhost:{settings.neo4j_http_port}/browser/ "
                  f"(connect to {settings.neo4j_uri} as {settings.neo4j_user}; "
                  "drag cypher/browser/style.grass onto the Browser to style the graph)")
    if serve_api:
        serve(host="127.0.0.1", port=port, run=None if "TRACEGRAPH_API_RUN_DIR" in os.environ else DEMO_RUN)


def main() -> None:  # pragma: no cover - console entry
    """The ``tracegraph`` command. The process ends with the command, so ``resolve`` leaves its
    run's objects to the operating system instead of freeing them one by one (5.7 s of a
    million-record run), with the cyclic collector still paused (1.6 s more:
    ``resolution.collector.end_with_the_process``)."""
    global _process_ends_after_command
    _process_ends_after_command = True
    try:
        app()
    except TracegraphError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        sys.exit(1)
    finally:
        freeze_for_exit()
