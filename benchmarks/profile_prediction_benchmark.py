"""Prediction over profiles against prediction over the records, in one run.

    python -m benchmarks.profile_prediction_benchmark WORLD_DIR [--types person company vessel]

``WORLD_DIR`` holds a generated world (``records.csv``). Per entity type it builds the feature
table as ``tracegraph resolve`` does, links it once (``link_entity_type``: training, then the
prediction over profiles, ``resolution.link.profiles``), and predicts again with the model that run
saved over the records themselves (the baseline: Splink's ``predict`` on the records with the key
rules over groups of records, as a full run did before profiles; the evidence columns fetched in
order). It prints the records, profiles and
twin rows, the seconds of each prediction (for profiles: grouping the records, pairing the key
groups and the prediction with its spreading), their ratio, and whether both gave the same pairs
and scores. Python's collector is paused, as in a run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyarrow as pa
from splink import DuckDBAPI

from resolution.collector import collector_paused
from resolution.link.backends import memory_cap
from resolution.link.engine import SPECS, link_entity_type, prepare_linker, record_table
from resolution.link.evidence import evidence_columns
from resolution.link.key_groups import swap_in_group_pair_rules, with_group_pairs
from resolution.link.profiles import record_profiles
from resolution.models import EntityType
from resolution.settings import ResolutionSettings
from resolution.sources import read_inputs


def _over_records(entity_type: EntityType, table: pa.Table, model: Path, review_threshold: float,
                  memory_limit: str) -> tuple[float, pa.Table]:
    """Seconds of predicting over the records of ``table`` with ``model`` as a full run did before
    profiles (the key rules over groups of records), and the pairs' evidence columns ordered by
    the ids."""
    import duckdb

    spec = SPECS[entity_type.value]()
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    try:
        started = time.perf_counter()
        for groups in spec.key_groups:
            table = with_group_pairs(table, groups, memory_limit=memory_limit)
        grouped = time.perf_counter() - started
        prepared = prepare_linker(DuckDBAPI(connection=con), spec, table, name=entity_type.value, settings=str(model))
        swap_in_group_pair_rules(prepared.linker, spec.key_groups)
        started = time.perf_counter()
        predictions = prepared.linker.inference.predict(threshold_match_probability=review_threshold)
        kept = ", ".join(evidence_columns(c.unquote().name for c in predictions.columns))
        pairs = con.sql(f"select {kept} from {predictions.physical_name} "
                        f"order by unique_id_l, unique_id_r").to_arrow_table()
        return grouped + time.perf_counter() - started, pairs
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--types", nargs="+", default=["person", "company", "vessel"],
                        choices=[t.value for t in EntityType])
    args = parser.parse_args()
    settings = ResolutionSettings()
    with collector_paused():
        batch = read_inputs([args.world / "records.csv"])
        print(f"{'type':8} {'records':>9} {'profiles':>9} {'twins':>8} {'pairs':>10} "
              f"{'records s':>10} {'profiles s':>11} {'ratio':>6}  same")
        for name in args.types:
            entity_type = EntityType(name)
            spec = SPECS[name]()
            records = [r for r in batch.records if r.entity_type is entity_type]
            carry = "name_typo_keys" not in spec.keys_computed_per_group
            table = record_table(spec, records, entity_type, with_typo_keys=carry)
            cap = memory_cap(settings.duckdb_memory_limit, table.num_rows)
            profiles = record_profiles(table, memory_limit=cap)
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder)
                result = link_entity_type(name, table, out_dir=out, seed=settings.seed,
                                          merge_threshold=settings.merge_threshold,
                                          review_threshold=settings.review_threshold,
                                          split_conflicts=False, attach_lone=False)
                over_profiles = sum(result.seconds.get(step, 0.0) for step in ("profiles", "key groups", "predict"))
                over_records, expected = _over_records(entity_type, table, out / f"model_{name}.json",
                                                       settings.review_threshold, cap)
            same = result.pairs.drop_columns(["merged"]).equals(expected)
            print(f"{name:8} {table.num_rows:>9,} {profiles.table.num_rows:>9,} {profiles.twins.num_rows:>8,} "
                  f"{expected.num_rows:>10,} {over_records:>10.1f} {over_profiles:>11.1f} "
                  f"{over_records / over_profiles:>5.2f}x  {'yes' if same else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
