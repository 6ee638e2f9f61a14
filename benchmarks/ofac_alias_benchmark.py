"""OFAC alias benchmark: can the published aliases of real SDN entries be linked back to them?

    python -m benchmarks.ofac_alias_benchmark [--data ../shared/data/ofac-sdn-sample] [--samples 12] [--what-if]

List A: each SDN entry as read by ``resolution.sources.ofac_csv`` (its fields: country of its first
address, date of birth, nationality, passport, IMO, flag, registration number...), with its name
as published in sdn.csv (people ``LAST, First``, as alt.csv writes them too) and *no* aliases.
List B: each alt.csv alias (aka / fka / nka) as a record of its own: the alias name and the
entry's type, nothing else, or in the second variant also the entry's country (the same value as
its list A record; aliases in other sources usually come with a country, but an alias alone is
the pure name test). Entries the reader sets aside (aircraft, a bad IMO) and their aliases are
left out. Truth: every record of one entry is one entity.

A and B are written as canonical CSV into a temp folder and resolved together with
``resolution.pipeline.resolve`` (ours), and linked with the plain Splink baseline of
``benchmarks.plain_splink``; both are scored with ``resolution.evaluate.score`` overall and per
entity type. For ours, the false merges (merged pairs of different entries, from the run's
``pairs.parquet``) and the misses (aliases not in their entry's cluster) are counted by kind and a
sample of each is printed.

``--what-if`` also resolves each variant twice more with two changes to our training applied at
run time (Splink's training methods wrapped; ``resolution`` itself is not changed), to measure
what two training failures seen here cost: "EM guard" puts the model back as it was when an EM
session raises (see ``benchmarks.plain_splink.em_session``); "+ prior" then replaces the prior
estimated from the deterministic rules with one expected match per list B record of the type
(domain knowledge about an alias list, not the truth).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from splink.internals.linker_components.training import LinkerTraining

from benchmarks.accuracy_benchmark import TYPES, print_table
from benchmarks.plain_splink import link_plain, plain_row
from resolution.demo.generator import RECORD_COLUMNS
from resolution.evaluate import Scores, read_assignments, score
from resolution.models import record_key
from resolution.pairs_file import read_pairs
from resolution.pipeline import resolve
from resolution.settings import PROJECT_ROOT, ResolutionSettings
from resolution.sources.batch import InputBatch
from resolution.sources.ofac_csv import ALT_COLUMNS, SDN_COLUMNS, cell, decode, read
from resolution.standardise.names import standardise_name

LIST_A, LIST_B = "sdn", "alias"
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "ofac-sdn-sample"


def _csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str | None]]:
    rows = csv.reader(decode(path).splitlines())
    return [{c: cell(v) for c, v in zip(columns, row, strict=True)} for row in rows if len(row) == len(columns)]


def build_lists(folder: Path, *, alias_country: bool) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """Canonical rows of lists A and B, the truth (record key -> entry number) and alias kinds."""
    batch = InputBatch()
    read(folder, batch)
    published = {row["ent_num"]: row["SDN_Name"] for row in _csv(folder / "sdn.csv", SDN_COLUMNS)}
    rows: list[dict[str, Any]] = []
    entries: dict[str, dict[str, Any]] = {}
    for record in batch.records:
        row = {c: "" for c in RECORD_COLUMNS}
        row.update({c: getattr(record, c) or "" for c in RECORD_COLUMNS if c not in {"source", "record_id", "aliases"}})
        row.update(source=LIST_A, record_id=record.record_id, entity_type=record.entity_type.value,
                   name=published[record.record_id])
        rows.append(row)
        entries[record.record_id] = row
    kinds: dict[str, str] = {}
    for alt in _csv(folder / "alt.csv", ALT_COLUMNS):
        entry = entries.get(alt["ent_num"] or "")
        if entry is None or not alt["alt_name"]:
            continue
        row = {c: "" for c in RECORD_COLUMNS}
        row.update(source=LIST_B, record_id=f"{alt['ent_num']}-{alt['alt_num']}", entity_type=entry["entity_type"],
                   name=alt["alt_name"], country=entry["country"] if alias_country else "")
        rows.append(row)
        kinds[record_key(LIST_B, row["record_id"])] = (alt["alt_type"] or "aka").lower()
    truth = {record_key(r["source"], r["record_id"]): r["record_id"].split("-")[0] for r in rows}
    return rows, truth, kinds


def aliases_linked(truth: dict[str, str], predicted: dict[str, str]) -> tuple[int, int]:
    """List B records in the same cluster as their entry's list A record, and list B records."""
    aliases = [k for k in truth if k.startswith(LIST_B + ":")]
    linked = sum(1 for k in aliases if predicted.get(k) is not None
                 and predicted.get(k) == predicted.get(record_key(LIST_A, truth[k])))
    return linked, len(aliases)


def _by_type(truth: dict[str, str], types: dict[str, str], predicted: dict[str, str]) -> dict[str, Scores]:
    result = {"all": score(predicted, truth)}
    for entity_type in TYPES:
        result[entity_type] = score(predicted, {k: v for k, v in truth.items() if types[k] == entity_type})
    return result


def run_ours(rows: list[dict[str, Any]], folder: Path, settings: ResolutionSettings) -> tuple[Path, float]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "records.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RECORD_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    started = time.perf_counter()
    summary = resolve([folder / "records.csv"], folder / "run", settings)
    if summary.quarantined:
        print(f"ours: {summary.quarantined} rows quarantined")
    return folder / "run", round(time.perf_counter() - started, 1)


def run_plain(rows: list[dict[str, Any]], settings: ResolutionSettings) -> tuple[dict[str, str], float]:
    predicted: dict[str, str] = {}
    seconds = 0.0
    for entity_type in TYPES:
        typed = [plain_row(record_key(r["source"], r["record_id"]), entity_type, r)
                 for r in rows if r["entity_type"] == entity_type]
        result = link_plain(entity_type, typed, threshold=settings.merge_threshold, seed=settings.seed)
        seconds += result.seconds
        predicted.update({k: f"{entity_type}:{c}" for k, c in result.clusters.items()})
        for note in result.notes:
            print(f"plain {entity_type}: {note}")
    return predicted, round(seconds, 1)


@contextlib.contextmanager
def what_if(priors: dict[str, float] | None) -> Iterator[None]:
    """Our pipeline with failed EM sessions undone and, when ``priors`` is given, the prior of each
    entity type (told by its comparisons) set after the deterministic-rule estimate."""
    em, prior = (LinkerTraining.estimate_parameters_using_expectation_maximisation,
                 LinkerTraining.estimate_probability_two_random_records_match)

    def guarded_em(self: LinkerTraining, *args: Any, **kwargs: Any) -> Any:
        saved = self._linker._settings_obj.core_model_settings.copy()
        try:
            return em(self, *args, **kwargs)
        except Exception:
            self._linker._settings_obj.core_model_settings = saved
            raise

    def fixed_prior(self: LinkerTraining, *args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(Exception):  # the engine notes failures; the prior is set anyway
            prior(self, *args, **kwargs)
        names = {c.output_column_name for c in self._linker._settings_obj.comparisons}
        entity_type = "vessel" if "imo" in names else "person" if "dob" in names else "company"
        self._linker._settings_obj._probability_two_random_records_match = priors[entity_type]

    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(LinkerTraining, "estimate_parameters_using_expectation_maximisation", guarded_em))
        if priors is not None:
            stack.enter_context(mock.patch.object(LinkerTraining, "estimate_probability_two_random_records_match", fixed_prior))
        yield


def alias_priors(rows: list[dict[str, Any]]) -> dict[str, float]:
    """One expected match per list B record: aliases of the type / pairs of records of the type."""
    result = {}
    for entity_type in TYPES:
        typed = [r for r in rows if r["entity_type"] == entity_type]
        aliases = sum(1 for r in typed if r["source"] == LIST_B)
        result[entity_type] = max(1, aliases) / max(1, len(typed) * (len(typed) - 1) // 2)
    return result


def _tokens(name: str, entity_type: str) -> tuple[str, set[str]]:
    std = standardise_name(name, organisation=entity_type != "person")
    return std.compact, set(std.standard.split())


def false_merge_kind(a: str, b: str, entity_type: str) -> str:
    (ca, ta), (cb, tb) = _tokens(a, entity_type), _tokens(b, entity_type)
    if ca == cb:
        return "same standardised name"
    if ta == tb:
        return "same words, other order"
    if ta < tb or tb < ta:
        return "one name's words inside the other's"
    return "similar but different names"


def miss_kind(alias: str, primary: str, entity_type: str, alt_type: str) -> str:
    (ca, ta), (cp, tp) = _tokens(alias, entity_type), _tokens(primary, entity_type)
    if ca == cp:
        return "same standardised name, not merged"
    if len(ta) == 1 and len(tp) > 1:
        return "one-word alias (acronym, short form)"
    if not ta & tp:
        return f"no word in common ({'former/new name' if alt_type in {'fka', 'nka'} else 'aka'})"
    return "some words in common (translation, partial, reordered)"


def failures(run: Path, rows: list[dict[str, Any]], truth: dict[str, str], kinds: dict[str, str],
             samples: int, seed: int) -> None:
    """Print counts by kind and a sample of ours' false merges and misses."""
    by_key = {record_key(r["source"], r["record_id"]): r for r in rows}
    predicted = read_assignments(run / "clusters.csv", "entity_id")
    false_pairs: list[tuple[str, str, float, str]] = []
    for pair in read_pairs(run, merged_only=True):
        left, right = pair["record_l"], pair["record_r"]
        if truth.get(left) != truth.get(right):
            kind = false_merge_kind(by_key[left]["name"], by_key[right]["name"], pair["entity_type"])
            false_pairs.append((left, right, pair["match_probability"], kind))
    misses: list[tuple[str, str, str]] = []
    for key, entry in truth.items():
        if not key.startswith(LIST_B + ":"):
            continue
        primary = record_key(LIST_A, entry)
        if predicted.get(key) != predicted.get(primary):
            row = by_key[key]
            misses.append((key, primary, miss_kind(row["name"], by_key[primary]["name"], row["entity_type"], kinds[key])))
    rng = random.Random(seed)
    aliases = sum(1 for k in truth if k.startswith(LIST_B + ":"))
    print(f"\nours: {len(false_pairs)} merged pairs join different entries; by kind:")
    for kind, count in Counter(k for *_, k in false_pairs).most_common():
        print(f"  {count:5d}  {kind}")
    for left, right, p, kind in rng.sample(false_pairs, min(samples, len(false_pairs))):
        a, b = by_key[left], by_key[right]
        print(f"    p={p:.3f} {a['entity_type']}: {left} {a['name']!r} ({a['country'] or '-'}) ~ "
              f"{right} {b['name']!r} ({b['country'] or '-'})  [{kind}]")
    print(f"\nours: {len(misses)} of {aliases} aliases are not in their entry's cluster; by kind:")
    for kind, count in Counter(k for *_, k in misses).most_common():
        print(f"  {count:5d}  {kind}")
    for alias, primary, kind in rng.sample(misses, min(samples, len(misses))):
        a, b = by_key[alias], by_key[primary]
        print(f"    {a['entity_type']}: {kinds[alias]} {a['name']!r}  vs entry {b['name']!r}  [{kind}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--what-if", action="store_true", help="also run ours with the two training changes")
    args = parser.parse_args()
    settings = ResolutionSettings()
    with tempfile.TemporaryDirectory(prefix="ofac-alias-") as scratch:
        for alias_country in (False, True):
            label = "alias name + type + entry's country" if alias_country else "alias name + type only"
            rows, truth, kinds = build_lists(args.data, alias_country=alias_country)
            types = {record_key(r["source"], r["record_id"]): r["entity_type"] for r in rows}
            count = Counter((r["source"], r["entity_type"]) for r in rows)
            print(f"\n## list B: {label}")
            print(f"records: {len(rows):,} (list A {sum(v for (s, _), v in count.items() if s == LIST_A):,} entries, "
                  f"list B {sum(v for (s, _), v in count.items() if s == LIST_B):,} aliases); by type: "
                  + ", ".join(f"{s} {t} {n}" for (s, t), n in sorted(count.items())))
            run, ours_seconds = run_ours(rows, Path(scratch) / f"country-{alias_country}", settings)
            ours_predicted = read_assignments(run / "clusters.csv", "entity_id")
            ours = _by_type(truth, types, ours_predicted)
            plain_predicted, plain_seconds = run_plain(rows, settings)
            linked_by_model = {"ours": ours_predicted, "plain Splink": plain_predicted}
            plain = _by_type(truth, types, plain_predicted)
            models: list[tuple[str, dict[str, Scores], float]] = [
                ("ours", ours, ours_seconds), ("plain Splink", plain, plain_seconds)]
            if args.what_if:
                priors = alias_priors(rows)
                print("what-if priors: " + ", ".join(f"{t} {p:.3g}" for t, p in priors.items()))
                for label, value in (("ours + EM guard", None), ("ours + EM guard + prior", priors)):
                    with what_if(value):
                        folder = Path(scratch) / f"country-{alias_country}-{label.replace(' ', '')}"
                        changed, seconds = run_ours(rows, folder, settings)
                    linked_by_model[label] = read_assignments(changed / "clusters.csv", "entity_id")
                    models.append((label, _by_type(truth, types, linked_by_model[label]), seconds))
            table: list[tuple[str, str, Scores, float | None]] = []
            for kind in ("all", *TYPES):
                table.extend((kind, label, scores[kind], seconds if kind == "all" else None)
                             for label, scores, seconds in models)
            print_table(table)
            for label, predicted in linked_by_model.items():
                linked, total = aliases_linked(truth, predicted)
                print(f"{label}: {linked:,} of {total:,} aliases ({linked / total:.1%}) are in their entry's cluster")
            failures(run, rows, truth, kinds, args.samples, settings.seed)


if __name__ == "__main__":
    main()
