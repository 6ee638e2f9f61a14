import csv
from pathlib import Path

import pytest

from resolution.demo import generate_world
from resolution.sources import read_inputs
from resolution.standardise.identifiers import imo_check_digit_ok


def test_same_seed_same_world(tmp_path: Path) -> None:
    a = generate_world(tmp_path / "a", size=30, seed=3)
    b = generate_world(tmp_path / "b", size=30, seed=3)
    for x, y in zip(a.inputs + [a.truth_records], b.inputs + [b.truth_records], strict=True):
        assert x.read_bytes() == y.read_bytes()
    c = generate_world(tmp_path / "c", size=30, seed=4)
    assert c.records.read_bytes() != a.records.read_bytes()


def test_world_has_the_c4ads_shape(tmp_path: Path) -> None:
    world = generate_world(tmp_path, size=80, seed=1)
    batch = read_inputs(world.inputs)
    truth = list(csv.DictReader(world.truth_records.open(encoding="utf-8")))
    truth_keys = {f"{t['source']}:{t['record_id']}" for t in truth}
    # every good record has ground truth; only the deliberately bad rows are quarantined
    assert {r.key for r in batch.records} == truth_keys
    assert len(batch.quarantine) == world.counts["bad_rows"] > 0
    # same entity under several records and sources, with Chinese script among the spellings
    per_entity: dict[str, set[str]] = {}
    for t in truth:
        per_entity.setdefault(t["true_entity_id"], set()).add(t["source"])
    assert sum(len(s) > 1 for s in per_entity.values()) > 20
    assert any(not r.name.isascii() for r in batch.records)
    vessels = [r for r in batch.records if r.imo]
    assert vessels and all(imo_check_digit_ok(r.imo) for r in vessels)
    assert {r.relation.value for r in batch.relations} >= {"director_of", "traded_with", "owner_of", "operator_of"}
    assert {lst.list_name for lst in batch.listings} == {"OFAC SDN", "UN 1718 Committee"}
    kinds = {t["entity_type"] for t in truth if t["sanctioned"] == "1"}
    assert kinds == {"company", "person", "vessel"}


def test_big_worlds_get_longer_trade_names_so_firm_names_do_not_run_out() -> None:
    from resolution.demo.generator import _firm_names, _World

    assert _firm_names(2) == 10 * 60 * 59 * 9
    small, largest_two, big = _World(300, 1), _World(199_125, 1), _World(565_000, 1)
    assert small.trade_syllables == largest_two.trade_syllables == 2  # the 1M benchmark world is size 185,000
    assert big.trade_syllables == 3
    latin, han = big.trade_name()
    assert len(han) == 3 and latin[0].isupper() and latin[1:].islower()
    assert len(small.trade_name()[1]) == 2
    # more firms than two-syllable names exist (318,600), each with a name of its own
    for _ in range(330_000):
        big.make_cn_company()
    assert len(big.used_names) == 330_000


def test_big_worlds_coin_three_syllable_north_korean_firm_names() -> None:
    """Past 60% of the two-syllable names a world's North Korean firms coin three syllables:
    the 113,000 firms of --size 565000 used to outnumber the 67,488 names and share them."""
    from resolution.demo.generator import _kp_firm_names, _World

    assert _kp_firm_names(2) == 8 * 38 * 37 * 6
    largest_two, big = _World(202_460, 1), _World(565_000, 1)
    assert largest_two.kp_syllables == 2  # the 1M benchmark world is size 185,000
    assert big.kp_syllables == 3
    firms = [big.make_kp_company() for _ in range(113_000)]
    assert len({firm.attrs["name"] for firm in firms}) == len(firms)
    assert _World(300, 1).make_kp_company().attrs["name"].split()[1].isalpha()


class _EveryNameUsed(set):
    def __contains__(self, name: object) -> bool:
        return True


@pytest.mark.parametrize("make", ["make_kp_company", "make_cn_company"])
def test_a_world_too_big_for_its_firm_names_is_an_error(make: str) -> None:
    """When no unused name turns up, generating stops with an error instead of making namesakes."""
    from resolution.demo.generator import _World

    world = _World(300, 1)
    world.used_names = _EveryNameUsed()
    with pytest.raises(ValueError, match="too big for the vocabulary"):
        getattr(world, make)()
