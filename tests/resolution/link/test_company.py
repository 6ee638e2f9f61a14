import pytest

from resolution.link.company import address_comparison
from resolution.link.features import features
from resolution.models import Record
from tests.resolution.link.levels import level_reached


def _address_level(left: str, right: str) -> str:
    """The label of the address level two firms' records reach, on the DuckDB SQL Splink runs."""
    rows = [features(Record(source="t", record_id=str(i), entity_type="company", name="Dandong Hongxiang Trading",
                            address=address)) for i, address in enumerate((left, right))]
    return level_reached(address_comparison(), *rows, columns=("address_std", "address_numbers"))


@pytest.mark.parametrize(("left", "right", "level"), [
    ("No. 229 Huanghai Road, Shenyang", "229 HUANGHAI RD, SHENYANG", "Exact match on address_std"),
    ("No. 229 Huanghai Road, Shenyang", "229 Huanghai Raod, Shenyang", "(Exact match on address_numbers) AND "
     "(Jaro-Winkler distance of address_std >= 0.9)"),
    # two buildings of one road: Jaro-Winkler alone put them at 0.95 and above
    ("No. 229 Huanghai Road, Shenyang", "No. 217 Huanghai Road, Shenyang", "All other comparisons"),
    ("Room 2780, 154 Jiefang Road, Mong Kok", "Room 2781, 154 Jiefang Road, Mong Kok", "All other comparisons"),
])
def test_an_address_agrees_only_with_its_own_numbers(left: str, right: str, level: str) -> None:
    assert _address_level(left, right) == level


def test_no_address_is_the_null_level() -> None:
    assert _address_level("No. 229 Huanghai Road, Shenyang", "") == "address_std is NULL"


def test_a_names_term_frequency_counts_the_firms_at_their_addresses() -> None:
    """Two firms of one name at two addresses are two distinct rows; the record with the name and
    no address, and a second spelling of one address, are neither of them again."""
    from resolution.link.company import spec
    from resolution.link.engine import arrow_table, distinct_rows

    def record(record_id: str, address: str | None) -> dict[str, object]:
        return features(Record(source="customs", record_id=record_id, entity_type="company",
                               name="Nampo Tansu Trading Company", country="KP", address=address))

    rows = [record("a", "286 Puryong Street, Sosong District, Nampo"),
            record("b", "238 Tansung Street, Moranbong District, Sinuiju"),
            record("c", None),
            record("d", "286 PURYONG STREET, SOSONG DISTRICT, NAMPO")]
    distinct = distinct_rows(spec(), arrow_table(spec(), rows))
    assert distinct.column("unique_id").to_pylist() == ["customs:a", "customs:b"]


def test_a_firm_at_another_address_is_still_a_candidate(small_run) -> None:
    """A firm's mention at an address it was never seen at (it moved) with its exact name: the
    address counts against it, but not so much that the firm drops out of the review band. Trained
    by EM on generated firms that never move, "address differs" weighed -5.3 bits here (Splink's
    default m) and -24 bits at a million records."""
    from resolution.run_folder import read_jsonl
    from resolution.screening import Screener
    from resolution.settings import ResolutionSettings

    run_dir = small_run[0]
    registry = [row for row in read_jsonl(run_dir / "records.jsonl")
                if row["props"]["entity_type"] == "company" and row["props"].get("registration_number")][:10]
    screener = Screener(run_dir)
    against_the_address = 0
    for row in registry:
        props = {k: v for k, v in row["props"].items() if not k.startswith("attr_")}
        moved = Record.model_validate(props | {"source": "customs", "record_id": "moved", "registration_number": None,
                                               "incorporation_date": None, "address": "No. 999 Renmin Road, Shenyang"})
        best = screener.screen(moved, limit=1)
        assert best and best[0]["entity_id"] == row["entity_id"], props["name"]
        assert best[0]["match_probability"] >= ResolutionSettings().review_threshold, props["name"]
        # (the firm's best record may have no address at all; most have one, which differs)
        against_the_address += best[0]["weights"]["address"] < 0
    assert against_the_address >= 5
