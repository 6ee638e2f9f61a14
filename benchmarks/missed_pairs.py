"""What kinds of record pairs a run misses: the true pairs split across entities, counted by what
each side carries.

Pairwise recall counts every pair of records of one true entity that the run put in two entities.
This counts the same pairs, per entity type, by a short description of both records (a person
row with an id number, a full date of birth, a birth year or a name only; a firm record with or
without an address; a vessel record with or without an IMO number) and by whether their
standardised names are equal. Reads the run folder's ``clusters.csv`` and the generated world's
``records.csv`` and ``truth_records.csv``.

    python -m benchmarks.missed_pairs RUN_DIR --world WORLD_DIR
"""

from __future__ import annotations

import argparse
import csv
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

from resolution.evaluate import read_assignments
from resolution.models import record_key
from resolution.standardise.names import standardise_name

Row = dict[str, str]


def _person(row: Row) -> str:
    if row["id_number"]:
        return "id number"
    if len(row["date_of_birth"]) == 10:
        return "full birth date"
    return "birth year" if row["date_of_birth"] else "name only"


def _company(row: Row) -> str:
    return "address" if row["address"] else "no address"


def _vessel(row: Row) -> str:
    return "IMO" if row["imo"] else "no IMO"


DESCRIBE: dict[str, Callable[[Row], str]] = {"company": _company, "person": _person, "vessel": _vessel}


def missed_pairs(run_dir: Path, world_dir: Path) -> dict[str, tuple[int, Counter[tuple[str, str, str]]]]:
    """Per entity type: the number of true pairs, and the missed ones counted by (description of
    one side, of the other, sorted; "same name" or "other name")."""
    entity_of = read_assignments(run_dir / "clusters.csv", "entity_id")
    true_entity = read_assignments(world_dir / "truth_records.csv", "true_entity_id")
    with (world_dir / "records.csv").open(encoding="utf-8", newline="") as handle:
        records = {record_key(r["source"], r["record_id"]): r for r in csv.DictReader(handle)}
    members: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, entity in true_entity.items():
        if key in entity_of:  # quarantined rows are scored by no one
            members[records[key]["entity_type"]][entity].append(key)

    @cache
    def compact(name: str, entity_type: str) -> str:
        return standardise_name(name, organisation=entity_type != "person").compact

    result: dict[str, tuple[int, Counter[tuple[str, str, str]]]] = {}
    for entity_type, entities in sorted(members.items()):
        describe = DESCRIBE[entity_type]
        kinds: Counter[tuple[str, str, str]] = Counter()
        true_pairs = 0
        for keys in entities.values():
            true_pairs += len(keys) * (len(keys) - 1) // 2
            for a, b in itertools.combinations(keys, 2):
                if entity_of[a] == entity_of[b]:
                    continue
                left, right = records[a], records[b]
                first, second = sorted((describe(left), describe(right)))
                same = compact(left["name"], entity_type) == compact(right["name"], entity_type)
                kinds[(first, second, "same name" if same else "other name")] += 1
        result[entity_type] = (true_pairs, kinds)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--world", type=Path, required=True, help="folder with records.csv and truth_records.csv")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    for entity_type, (true_pairs, kinds) in missed_pairs(args.run_dir, args.world).items():
        missed = sum(kinds.values())
        recall = 1 - missed / true_pairs if true_pairs else 1.0
        print(f"{entity_type}: {missed:,} of {true_pairs:,} true pairs missed (pairwise recall {recall:.4f})")
        print("| one record | the other | names | missed pairs | share |")
        print("| --- | --- | --- | ---: | ---: |")
        for (first, second, names), count in kinds.most_common(args.top):
            print(f"| {first} | {second} | {names} | {count:,} | {count / missed:.3f} |")
        print()


if __name__ == "__main__":
    main()
