"""The prediction-time typo rule: the same candidate pairs as the deletion keys, each once."""

import dataclasses
import itertools
from pathlib import Path

import pyarrow as pa
import pytest

from resolution.link.neighbours import NeighbourPairs, with_neighbour_pairs
from resolution.standardise.names import typo_keys

NEIGHBOURS = NeighbourPairs()

NAMES = [
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


def _table(names: list[str | None]) -> pa.Table:
    keys = [list(typo_keys(name)) or None if name else None for name in names]
    return pa.table({
        "unique_id": [f"r{i}" for i in range(len(names))],
        "name_compact": pa.array(names, pa.string()),
        "name_typo_keys": pa.array(keys, pa.list_(pa.string())),
    })


def _key_pairs(table: pa.Table) -> set[tuple[int, int]]:
    """What the deletion-key rule adds after the exact-name rule: rows sharing a key, names differ."""
    names = table.column("name_compact").to_pylist()
    keys = [set(k or ()) for k in table.column("name_typo_keys").to_pylist()]
    return {(i, j) for i, j in itertools.combinations(range(len(names)), 2)
            if keys[i] & keys[j] and names[i] != names[j]}


def _signed_pairs(table: pa.Table) -> set[tuple[int, int]]:
    """What ``l.pairs = -r.pairs`` joins, in either orientation."""
    ids = [set(p or ()) for p in table.column("name_typo_pairs").to_pylist()]
    return {(i, j) for i, j in itertools.combinations(range(len(ids)), 2)
            if any(-p in ids[j] for p in ids[i])}


def test_signed_pairs_join_exactly_the_records_the_deletion_keys_pair() -> None:
    table = with_neighbour_pairs(_table(NAMES), NEIGHBOURS)
    expected = _key_pairs(table)
    assert (0, 1) in expected and (1, 3) not in expected  # one edit apart; two edits apart
    assert _signed_pairs(table) == expected


def test_rows_keep_their_order_and_names_without_neighbours_get_none() -> None:
    table = with_neighbour_pairs(_table(NAMES), NEIGHBOURS)
    assert table.column("unique_id").to_pylist() == [f"r{i}" for i in range(len(NAMES))]
    pairs = table.column("name_typo_pairs").to_pylist()
    assert pairs[0] == pairs[2]  # one name, one list
    assert pairs[5] is None and pairs[8] is None and pairs[10] is None
    # the lower name of a pair holds +id, the higher -id
    (shared,) = set(pairs[6]) & {-p for p in pairs[7]}
    assert (shared > 0) == (NAMES[6] < NAMES[7])


def test_no_names_with_keys_gives_an_empty_column() -> None:
    table = with_neighbour_pairs(_table(["shortnm", None]), NEIGHBOURS)
    assert table.column("name_typo_pairs").to_pylist() == [None, None]
    assert table.schema.field("name_typo_pairs").type == pa.list_(pa.int64())


def test_company_predictions_are_the_same_with_the_swapped_rule(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resolution.link import engine
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    batch = read_inputs(small_world.inputs)
    rows = [features(r) for r in batch.records if r.entity_type is EntityType.COMPANY]
    assert _key_pairs(with_neighbour_pairs(engine.arrow_table(engine.SPECS["company"](), rows), NEIGHBOURS))

    def link(folder: str):
        (tmp_path / folder).mkdir()
        return engine.link_entity_type("company", rows, out_dir=tmp_path / folder, seed=1,
                                       merge_threshold=0.7, review_threshold=0.3)

    swapped = link("swapped")
    spec = engine.SPECS["company"]
    monkeypatch.setitem(engine.SPECS, "company", lambda: dataclasses.replace(spec(), neighbour_pairs=None))
    keys = link("keys")
    assert "neighbours" in swapped.seconds and "neighbours" not in keys.seconds
    assert swapped.pairs.num_rows > 0
    assert swapped.pairs.equals(keys.pairs)
    assert swapped.clusters == keys.clusters
    # the saved model keeps the deletion-key rule, which screening and incremental runs use
    saved = (tmp_path / "swapped" / "model_company.json").read_text()
    assert "name_typo_keys" in saved and "name_typo_pairs" not in saved
    assert saved == (tmp_path / "keys" / "model_company.json").read_text().replace(
        *_uids(tmp_path / "keys", tmp_path / "swapped"))


def _uids(a: Path, b: Path) -> tuple[str, str]:
    import json

    return (json.loads((a / "model_company.json").read_text())["linker_uid"],
            json.loads((b / "model_company.json").read_text())["linker_uid"])
