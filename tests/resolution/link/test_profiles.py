import json
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pytest

from resolution.link.profiles import NOT_COMPARED, Profiles, record_profiles, spread_pairs


def _rows(*rows: tuple[str, str, str | None, list[str] | None]) -> pa.Table:
    ids, sources, names, keys = zip(*rows, strict=True)
    return pa.table({"unique_id": list(ids), "source": list(sources), "name_compact": list(names),
                     "name_keys": pa.array(list(keys), pa.list_(pa.string()))})


def test_records_alike_but_for_id_and_source_are_one_profile_nulls_alike() -> None:
    table = _rows(("b", "registry", "wang", ["wang"]), ("a", "customs", "wang", ["wang"]),
                  ("c", "registry", "wang", ["wang", "w"]), ("e", "x", None, None), ("d", "y", None, None),
                  ("f", "x", "li", ["li"]))
    profiles = record_profiles(table)
    assert profiles.table.column_names == table.column_names
    assert profiles.table.column("unique_id").to_pylist() == ["a", "c", "d", "f"]  # the smallest id of each
    assert dict(zip(*profiles.members.to_pydict().values(), strict=True)) == {
        "a": "a", "b": "a", "c": "c", "d": "d", "e": "d", "f": "f"}
    assert profiles.record_count == 6
    # profiles of two or more records twice: the smallest and the second id, one profile id
    twins = profiles.twins.to_pydict()
    assert list(zip(twins["unique_id"], twins["profile_id"], twins["name_compact"], strict=True)) == [
        ("a", "a", "wang"), ("b", "a", "wang"), ("d", "d", None), ("e", "d", None)]


def test_records_are_grouped_only_when_the_profiles_save_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    from resolution.link import profiles as module

    table = _rows(*((f"r{i}", "s", f"name {i}", None) for i in range(9)), ("r9", "t", "name 0", None))
    grouped = record_profiles(table)  # 9 profiles of 10 records: 0.9 per record, the most grouped
    assert grouped.table.num_rows == 9 and not grouped.one_per_record
    monkeypatch.setattr(module, "MAX_PROFILE_SHARE", 0.85)
    alone = record_profiles(table)
    assert alone.one_per_record and alone.table.equals(table) and alone.twins.num_rows == 0
    assert alone.members.column("profile_id").equals(table.column("unique_id"))
    # nothing to spread: the pairs come back ordered, as they are
    pairs = pa.table({"unique_id_l": ["r2", "r0"], "unique_id_r": ["r5", "r9"], "match_probability": [0.4, 0.9]})
    spread = spread_pairs(pairs, None, alone)
    assert spread.column("unique_id_l").to_pylist() == ["r0", "r2"] and spread.schema == pairs.schema


def test_spread_pairs_give_every_two_records_of_two_profiles_and_of_one_profile_smaller_id_left() -> None:
    members = pa.table({"unique_id": ["a", "z", "m", "b", "c", "q"], "profile_id": ["a", "a", "m", "b", "b", "q"]})
    profiles = Profiles(pa.table({"unique_id": ["a", "b", "m", "q"]}), pa.table({}), members)
    profile_pairs = pa.table({"unique_id_l": ["a", "b"], "unique_id_r": ["m", "q"],
                              "match_probability": [0.9, 0.4], "mw_name": [3.0, -1.0]})
    twin_pairs = pa.table({"unique_id_l": ["b"], "unique_id_r": ["c"], "match_probability": [0.8], "mw_name": [2.0]})
    spread = spread_pairs(profile_pairs, twin_pairs, profiles)
    assert spread.schema == profile_pairs.schema
    assert [tuple(row.values()) for row in spread.to_pylist()] == [
        ("a", "m", 0.9, 3.0), ("b", "c", 0.8, 2.0), ("b", "q", 0.4, -1.0), ("c", "q", 0.4, -1.0),
        ("m", "z", 0.9, 3.0)]
    # a profile's twin pair is spread over its records only: profile "a" has no twin pair here
    assert spread_pairs(profile_pairs.slice(0, 0), twin_pairs, profiles).num_rows == 1
    assert spread_pairs(profile_pairs, None, profiles).num_rows == 4


def test_no_model_compares_what_profiles_leave_out() -> None:
    """Profiles group records alike in all but ``NOT_COMPARED``: a comparison or blocking rule that
    read a record's source would score two records of one profile differently."""
    from resolution.link.engine import SPECS

    for make in SPECS.values():
        spec = make()
        model = spec.settings.get_settings("duckdb").as_dict()
        sql = json.dumps([model["comparisons"], model["blocking_rules_to_generate_predictions"]])
        for column in NOT_COMPARED:
            if column != "unique_id":  # Splink's own join on the id is not a comparison
                assert f'"{column}' not in sql and f"{column}_l" not in sql, (spec.entity_type, column)


@pytest.mark.parametrize("grouped", [True, False], ids=["grouped", "one-per-record"])
@pytest.mark.parametrize("entity_type", ["company", "person", "vessel"])
def test_predicting_over_profiles_gives_the_pairs_and_clusters_of_predicting_over_records(
    entity_type: str, grouped: bool, small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splink import DuckDBAPI

    from resolution.link import engine
    from resolution.link import profiles as module
    from resolution.link.evidence import evidence_columns
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    records = [r for r in read_inputs(small_world.inputs).records if r.entity_type is EntityType(entity_type)]
    # copies under other ids and sources: profiles of several records, whatever the world holds
    records += [r.model_copy(update={"record_id": f"{r.record_id}-again", "source": "copy"}) for r in records[:5]]
    rows = [features(r, with_typo_keys=entity_type != "company") for r in records]
    spec = engine.SPECS[entity_type]()
    table = engine.arrow_table(spec, rows)
    monkeypatch.setattr(module, "MAX_PROFILE_SHARE", 1.0 if grouped else 0.0)  # always / never grouped
    profiles = record_profiles(table)
    if grouped:
        assert profiles.twins.num_rows >= 10 and profiles.table.num_rows < len(records)
    else:
        assert profiles.one_per_record and profiles.twins.num_rows == 0

    # every candidate pair is kept (review threshold 0); clusters as Splink makes them
    result = engine.link_entity_type(entity_type, table, out_dir=tmp_path, seed=1, merge_threshold=0.7,
                                     review_threshold=0.0, split_conflicts=False, attach_lone=False)
    assert "profiles" in result.seconds

    # the same model over the records themselves (the exploded key rules: the same pairs, see
    # test_key_groups); the typo keys computed per name are carried for it
    reference_table = engine.arrow_table(spec, [features(r) for r in records])
    db_api = DuckDBAPI()
    prepared = engine.prepare_linker(db_api, spec, reference_table, name=entity_type,
                                     settings=str(tmp_path / f"model_{entity_type}.json"))
    predictions = prepared.linker.inference.predict(threshold_match_probability=0.0)
    kept = evidence_columns(c.unquote().name for c in predictions.columns)
    expected = predictions.as_pyarrow_table().select(kept).sort_by([("unique_id_l", "ascending"),
                                                                    ("unique_id_r", "ascending")])
    pairs = result.pairs.drop_columns(["merged"])
    assert pairs.num_rows == expected.num_rows > 0
    assert pairs.to_pylist() == expected.to_pylist()

    clustered = prepared.linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.7).as_pyarrow_table().to_pydict()

    def partition(assignment: dict[str, str]) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = defaultdict(set)
        for record, cluster in assignment.items():
            groups[cluster].add(record)
        return {frozenset(group) for group in groups.values()}

    splink_clusters = dict(zip(clustered["unique_id"], clustered["cluster_id"], strict=True))
    assert partition(result.clusters) == partition(splink_clusters)
    assert max(map(len, partition(result.clusters))) > 1
