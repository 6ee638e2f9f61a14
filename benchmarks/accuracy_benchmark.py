"""Accuracy on a generated world: our pipeline and a plain Splink baseline, side by side.

    python -m benchmarks.accuracy_benchmark [--size 600] [--seed 3] [--out DIR]

Generates a world (``resolution.demo.generate_world``), resolves it with ``resolution.pipeline``
and, in the same run, links the same records with the plain baseline of
``benchmarks.plain_splink`` (raw fields, name lower-cased, aliases ignored). Both are scored with
``resolution.evaluate.score`` against ``truth_records.csv``: pairwise precision, recall, F1 and
B-cubed F1 per entity type and overall, and the seconds each took. The quarantined rows of the
world are not in the truth and are scored for neither.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from benchmarks.plain_splink import link_plain, plain_row
from resolution.demo import generate_world
from resolution.evaluate import Scores, evaluate_run, read_assignments, score
from resolution.models import record_key
from resolution.pipeline import resolve
from resolution.settings import ResolutionSettings

TYPES = ("company", "person", "vessel")


def print_table(rows: list[tuple[str, str, Scores, float | None]]) -> None:
    """Markdown table: type, model, records, pairwise P/R/F1, B-cubed F1, seconds."""
    print("| type | model | records | pairwise precision | pairwise recall | F1 | B-cubed F1 | seconds |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, model, s, seconds in rows:
        shown = "" if seconds is None else f"{seconds:.1f}"
        print(f"| {kind} | {model} | {s.records:,} | {s.pairwise_precision:.4f} | {s.pairwise_recall:.4f} "
              f"| {s.pairwise_f1:.4f} | {s.bcubed_f1:.4f} | {shown} |")


def plain_baseline(records_csv: Path, truth_csv: Path, threshold: float, seed: int) -> tuple[dict[str, Scores], dict[str, float]]:
    """Link the truth's records with the plain model per entity type and score them."""
    truth = read_assignments(truth_csv, "true_entity_id")
    by_type: dict[str, list[dict[str, str | None]]] = {t: [] for t in TYPES}
    with records_csv.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            key = record_key(raw["source"], raw["record_id"])
            if key in truth and raw["entity_type"] in by_type:
                by_type[raw["entity_type"]].append(plain_row(key, raw["entity_type"], raw))
    predicted: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for entity_type, rows in by_type.items():
        result = link_plain(entity_type, rows, threshold=threshold, seed=seed)
        seconds[entity_type] = result.seconds
        predicted.update({k: f"{entity_type}:{c}" for k, c in result.clusters.items()})
        for note in result.notes:
            print(f"plain {entity_type}: {note}")
    scores = {"all": score(predicted, truth)}
    for entity_type, rows in by_type.items():
        keys = {r["unique_id"] for r in rows}
        scores[entity_type] = score(predicted, {k: v for k, v in truth.items() if k in keys})
    seconds["all"] = round(sum(seconds.values()), 2)
    return scores, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=600)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the world and run here (default: a temp folder)")
    args = parser.parse_args()
    settings = ResolutionSettings()
    with tempfile.TemporaryDirectory(prefix="accuracy-") as scratch:
        folder = args.out or Path(scratch)
        started = time.perf_counter()
        world = generate_world(folder / "world", size=args.size, seed=args.seed)
        print(f"world size {args.size} seed {args.seed}: {world.counts} ({time.perf_counter() - started:.1f} s)")

        summary = resolve(world.inputs, folder / "run", settings)
        ours = evaluate_run(folder / "run", world.truth_records)
        ours_seconds = {t: summary.seconds[f"link_{t}"] for t in TYPES} | {"all": summary.seconds["total"]}
        plain, plain_seconds = plain_baseline(world.records, world.truth_records, settings.merge_threshold, settings.seed)

    print(f"merge threshold {settings.merge_threshold}; ours: seconds per type are linking, 'all' is the whole "
          "resolve (read, link, entities, run folder); plain: seconds are training + prediction + clustering")
    rows: list[tuple[str, str, Scores, float | None]] = []
    for kind in ("all", *TYPES):
        rows.append((kind, "ours", ours[kind], ours_seconds.get(kind)))
        rows.append((kind, "plain Splink", plain[kind], plain_seconds.get(kind)))
    print_table(rows)


if __name__ == "__main__":
    main()
