"""Score clusters against ground truth: pairwise precision/recall/F1 and B-cubed F1."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from resolution.collector import collector_paused


@dataclass(frozen=True)
class Scores:
    records: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(groups: dict[str, list[str]]) -> int:
    return sum(len(m) * (len(m) - 1) // 2 for m in groups.values())


def score(predicted: dict[str, str], truth: dict[str, str]) -> Scores:
    """Compare record -> predicted cluster with record -> true entity over their common records."""
    keys = sorted(set(predicted) & set(truth))
    pred_groups: dict[str, list[str]] = defaultdict(list)
    true_groups: dict[str, list[str]] = defaultdict(list)
    both: dict[tuple[str, str], int] = defaultdict(int)
    for key in keys:
        pred_groups[predicted[key]].append(key)
        true_groups[truth[key]].append(key)
        both[(predicted[key], truth[key])] += 1
    true_positive = sum(n * (n - 1) // 2 for n in both.values())
    predicted_pairs, true_pairs = _pairs(pred_groups), _pairs(true_groups)
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    b_precision = sum(both[(predicted[k], truth[k])] / len(pred_groups[predicted[k]]) for k in keys) / max(1, len(keys))
    b_recall = sum(both[(predicted[k], truth[k])] / len(true_groups[truth[k]]) for k in keys) / max(1, len(keys))
    return Scores(
        records=len(keys),
        pairwise_precision=round(precision, 4), pairwise_recall=round(recall, 4),
        pairwise_f1=round(_f1(precision, recall), 4),
        bcubed_precision=round(b_precision, 4), bcubed_recall=round(b_recall, 4),
        bcubed_f1=round(_f1(b_precision, b_recall), 4),
    )


def read_assignments(path: Path, column: str) -> dict[str, str]:
    """``source:record_id`` -> value of ``column`` from a clusters or truth CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {f"{row['source']}:{row['record_id']}": row[column] for row in csv.DictReader(handle)}


def evaluate_run(run_dir: Path, truth_csv: Path) -> dict[str, Scores]:
    """Scores overall and per entity type for a run folder against ``truth_records.csv``
    (Python's cyclic garbage collector paused meanwhile: see ``resolution.collector``)."""
    with collector_paused():
        return _evaluate_run(run_dir, truth_csv)


def _evaluate_run(run_dir: Path, truth_csv: Path) -> dict[str, Scores]:
    predicted = read_assignments(run_dir / "clusters.csv", "entity_id")
    truth = read_assignments(truth_csv, "true_entity_id")
    with truth_csv.open(encoding="utf-8", newline="") as handle:
        types = {f"{r['source']}:{r['record_id']}": r["entity_type"] for r in csv.DictReader(handle)}
    result = {"all": score(predicted, truth)}
    for entity_type in sorted(set(types.values())):
        subset = {k: v for k, v in truth.items() if types[k] == entity_type}
        result[entity_type] = score(predicted, subset)
    return result
