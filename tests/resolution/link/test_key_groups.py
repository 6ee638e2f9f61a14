"""Key rules predicted over groups of records: the same candidate pairs as the exploded keys."""

import dataclasses
import itertools
import json
from pathlib import Path

import pyarrow as pa
import pytest

from resolution.link.key_groups import KeyGroups, with_group_pairs
from resolution.standardise.names import name_keys, standardise_name, typo_keys, typo_keys_sql

TYPO = KeyGroups(keys="name_typo_keys", pairs="name_typo_pairs", group="name_compact", covered_by="name_compact")
# as in production: the keys computed per name, so that rows need not carry them
TYPO_PER_NAME = dataclasses.replace(TYPO, keys_of_group=typo_keys_sql)
NAME_KEYS = KeyGroups(keys="name_keys", pairs="name_key_pairs", covered_by="name_compact")

COMPACT_NAMES = [
    "dandongkaitianindustrial",
    "dandongkaitainindustrial",  # transposition of the first
    "dandongkaitianindustrial",  # the first again
    "dandongkaitianindustrials",  # insertion
    "dandongkaitianindustria",  # deletion
    "dandongkangwentechnology",  # another firm of the city
    "hunchundingkangtechnology",
    "hunchundingkagntechnology",  # typo
    "shortnm",  # too short for typo keys
    "shortnx",
    None,
    "chongjinsopokmining",
    "chongjinsupokmining",  # a distinct firm one letter apart: still a candidate, scoring decides
]

# (name, aliases): one key array can belong to records of different names (an alias swapped)
NAMED = [
    ("Korea Ryonha Machinery", ["Ryonha Machinery Joint Venture"]),
    ("Ryonha Machinery Joint Venture", ["Korea Ryonha Machinery"]),  # same keys, other name
    ("Korea Ryonha Machinery", ["Ryonha Machinery Joint Venture"]),  # same keys, same name
    ("Korea Ryonha Machinery", []),  # shares a key with the three above
    ("Machinery Ryonha Korea", []),  # token order: shares the sorted key
    ("Dandong Hongxiang Industrial", []),
    ("Dandong Hongxiang Industrial", []),  # same keys, same name: the exact rule has this pair
    ("Hongxiang Dandong Industrial", ["Dandong Hongxiang Industrial"]),
    ("Chongjin Sopok Mining", []),
]


def _typo_table(names: list[str | None]) -> pa.Table:
    keys = [list(typo_keys(name)) or None if name else None for name in names]
    return pa.table({
        "unique_id": [f"r{i}" for i in range(len(names))],
        "name_compact": pa.array(names, pa.string()),
        "name_typo_keys": pa.array(keys, pa.list_(pa.string())),
    })


def _named_table() -> pa.Table:
    return pa.table({
        "unique_id": [f"r{i}" for i in range(len(NAMED))],
        "name_compact": [standardise_name(name).compact for name, _ in NAMED],
        "name_keys": pa.array([name_keys([name, *aliases], organisation=True) for name, aliases in NAMED],
                              pa.list_(pa.string())),
    })


def _covered(table: pa.Table, groups: KeyGroups, i: int, j: int) -> bool:
    if groups.covered_by is None:
        return False
    values = table.column(groups.covered_by).to_pylist()
    return values[i] is not None and values[i] == values[j]


def _key_pairs(table: pa.Table, groups: KeyGroups) -> set[tuple[int, int]]:
    """What the exploded key rule adds after the exact rule: rows sharing a key, not covered."""
    keys = [set(k or ()) for k in table.column(groups.keys).to_pylist()]
    return {(i, j) for i, j in itertools.combinations(range(table.num_rows), 2)
            if keys[i] & keys[j] and not _covered(table, groups, i, j)}


def _signed_pairs(table: pa.Table, groups: KeyGroups) -> set[tuple[int, int]]:
    """What ``l.pairs = -r.pairs`` joins (either orientation), after the exact rule."""
    ids = [set(p or ()) for p in table.column(groups.pairs).to_pylist()]
    return {(i, j) for i, j in itertools.combinations(range(table.num_rows), 2)
            if any(-p in ids[j] for p in ids[i]) and not _covered(table, groups, i, j)}


def test_typo_groups_join_exactly_the_records_the_deletion_keys_pair() -> None:
    table = with_group_pairs(_typo_table(COMPACT_NAMES), TYPO)
    expected = _key_pairs(table, TYPO)
    assert (0, 1) in expected and (1, 3) not in expected  # one edit apart; two edits apart
    assert _signed_pairs(table, TYPO) == expected


def test_key_array_groups_join_exactly_the_records_the_name_keys_pair() -> None:
    table = with_group_pairs(_named_table(), NAME_KEYS)
    expected = _key_pairs(table, NAME_KEYS)
    assert (0, 1) in expected and (0, 4) in expected and (5, 6) not in expected
    assert _signed_pairs(table, NAME_KEYS) == expected


def test_without_an_earlier_exact_rule_every_group_pairs_its_own_records() -> None:
    uncovered = KeyGroups(keys="name_keys", pairs="name_key_pairs")
    table = with_group_pairs(_named_table(), uncovered)
    expected = _key_pairs(table, uncovered)
    assert (5, 6) in expected  # one name twice: no exact rule has the pair here
    assert _signed_pairs(table, uncovered) == expected


def test_a_group_gets_its_own_id_only_when_the_exact_rule_misses_some_of_its_pairs() -> None:
    pairs = with_group_pairs(_named_table(), NAME_KEYS).column("name_key_pairs").to_pylist()
    own = [{p for p in ids or () if -p in ids} for ids in pairs]
    assert own[0] and own[0] == own[1] == own[2]  # one array, two names: the group pairs itself
    assert not own[5] and not own[6]  # one array, one name: the exact rule has the pair


def test_rows_keep_their_order_and_names_without_neighbours_get_none() -> None:
    table = with_group_pairs(_typo_table(COMPACT_NAMES), TYPO)
    assert table.column("unique_id").to_pylist() == [f"r{i}" for i in range(len(COMPACT_NAMES))]
    pairs = table.column("name_typo_pairs").to_pylist()
    assert pairs[0] == pairs[2]  # one name, one list
    assert pairs[5] is None and pairs[8] is None and pairs[10] is None
    # the lower name of a pair holds +id, the higher -id
    (shared,) = set(pairs[6]) & {-p for p in pairs[7]}
    assert (shared > 0) == (COMPACT_NAMES[6] < COMPACT_NAMES[7])


def test_keys_computed_per_name_give_the_same_pair_ids_without_the_keys_column() -> None:
    carried = with_group_pairs(_typo_table(COMPACT_NAMES), TYPO).column("name_typo_pairs")
    without = _typo_table(COMPACT_NAMES).drop_columns(["name_typo_keys"])
    computed = with_group_pairs(without, TYPO_PER_NAME).column("name_typo_pairs")
    assert carried.null_count < len(COMPACT_NAMES)
    assert computed.equals(carried)


def test_keys_per_group_need_a_group_column() -> None:
    with pytest.raises(ValueError, match="need a group column"):
        with_group_pairs(_typo_table(COMPACT_NAMES), dataclasses.replace(TYPO_PER_NAME, group=None))


def test_no_names_with_keys_gives_an_empty_column() -> None:
    table = with_group_pairs(_typo_table(["shortnm", None]), TYPO)
    assert table.column("name_typo_pairs").to_pylist() == [None, None]
    assert table.schema.field("name_typo_pairs").type == pa.list_(pa.int64())


# Only the company typo keys are grouped in production (the others were measured not to gain);
# the name keys of every type are grouped here to test the general case, own group ids included.
GROUPED = {
    "company": (KeyGroups(keys="name_keys", pairs="name_key_pairs", covered_by="name_compact"), TYPO),
    "person": (KeyGroups(keys="name_keys", pairs="name_key_pairs", covered_by="name_sorted"),),
    "vessel": (KeyGroups(keys="name_keys", pairs="name_key_pairs", covered_by="name_compact"),),
}


def test_only_the_company_typo_keys_are_grouped_in_production() -> None:
    from resolution.link.engine import SPECS

    assert {kind: spec().key_groups for kind, spec in SPECS.items()} == {
        "company": (TYPO_PER_NAME,), "person": (), "vessel": ()}


@pytest.mark.parametrize("entity_type", ["company", "person", "vessel"])
def test_predictions_are_the_same_with_the_swapped_rules(
    entity_type: str, small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resolution.link import engine
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    batch = read_inputs(small_world.inputs)
    records = [r for r in batch.records if r.entity_type is EntityType(entity_type)]
    # a record known by another name, with the first one's name as an alias and no identifier:
    # only the name keys pair the two (in this world the other rules find every alias pair)
    records.append(records[0].model_copy(update={
        "record_id": "alias-swap", "name": "Ultramarine Weathervane", "aliases": [records[0].name],
        **dict.fromkeys(("imo", "mmsi", "call_sign", "id_number", "date_of_birth", "registration_number"))}))
    rows = [features(r) for r in records]
    spec = engine.SPECS[entity_type]
    table = engine.arrow_table(spec(), rows)
    assert all(_key_pairs(with_group_pairs(table, groups), groups) for groups in GROUPED[entity_type])

    def link(folder: str) -> engine.LinkResult:
        (tmp_path / folder).mkdir()
        # every candidate pair is kept (review threshold 0), each as often as the rules made it
        return engine.link_entity_type(entity_type, rows, out_dir=tmp_path / folder, seed=1,
                                       merge_threshold=0.7, review_threshold=0.0)

    monkeypatch.setitem(engine.SPECS, entity_type, lambda: dataclasses.replace(spec(), key_groups=GROUPED[entity_type]))
    swapped = link("swapped")
    monkeypatch.setitem(engine.SPECS, entity_type, lambda: dataclasses.replace(spec(), key_groups=()))
    keys = link("keys")
    assert "key groups" in swapped.seconds and "key groups" not in keys.seconds
    assert swapped.pairs.num_rows > 0
    assert swapped.pairs.equals(keys.pairs)
    assert swapped.clusters == keys.clusters
    # the saved model keeps the key rules, which screening and incremental runs use
    models = [json.loads((tmp_path / folder / f"model_{entity_type}.json").read_text()) for folder in ("swapped", "keys")]
    for model in models:
        model.pop("linker_uid")
    assert models[0] == models[1]
    assert "_pairs" not in json.dumps(models[0])


def test_a_full_run_without_typo_keys_in_its_rows_predicts_the_pairs_of_the_exploded_keys(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the pipeline does: company rows without typo keys, the production key groups compute
    them per name; against rows with the keys and the exploded typo-key rule."""
    from resolution.link import engine
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    records = [r for r in read_inputs(small_world.inputs).records if r.entity_type is EntityType.COMPANY]
    spec = engine.SPECS["company"]
    with_keys = [features(r) for r in records]
    without_keys = [features(r, with_typo_keys=False) for r in records]
    assert all("name_typo_keys" not in row for row in without_keys)
    assert sum(row["name_typo_keys"] is not None for row in with_keys) > len(records) / 2

    def link(folder: str, rows: list[dict]) -> engine.LinkResult:
        (tmp_path / folder).mkdir()
        return engine.link_entity_type("company", rows, out_dir=tmp_path / folder, seed=1,
                                       merge_threshold=0.7, review_threshold=0.0)

    per_name = link("per_name", without_keys)
    monkeypatch.setitem(engine.SPECS, "company", lambda: dataclasses.replace(spec(), key_groups=()))
    exploded = link("exploded", with_keys)
    assert per_name.pairs.num_rows > 0
    assert per_name.pairs.equals(exploded.pairs)
    assert per_name.clusters == exploded.clusters


def test_a_spec_names_the_keys_its_prediction_computes_per_group() -> None:
    from resolution.link.engine import SPECS

    company = SPECS["company"]()
    assert company.keys_computed_per_group == {"name_typo_keys"}
    carried = dataclasses.replace(company, key_groups=(TYPO,))
    assert carried.keys_computed_per_group == frozenset()
