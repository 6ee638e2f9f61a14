import pytest

from resolution.link.features import features
from resolution.link.person import name_comparison
from resolution.models import Record
from tests.resolution.link.levels import level_reached

REORDERED_WITH_A_VARIATION = ("(Jaro-Winkler distance of name_sorted >= 0.88) AND "
                              "(Array intersection size >= 1)")


def _name_level(left: str, right: str) -> str:
    rows = [features(Record(source="t", record_id=str(i), entity_type="person", name=name))
            for i, name in enumerate((left, right))]
    return level_reached(name_comparison(), *rows,
                         columns=("name_compact", "name_sorted", "name_keys", "name_tokens"))


@pytest.mark.parametrize(("left", "right", "level"), [
    ("KIM Yong Chol", "Kim Yong-chol", "Exact match on name_compact"),
    ("Yong Chol KIM", "KIM, Yong Chol", "Exact match on name_sorted"),
    # real OFAC entry and alias: the same words in another order, with a spelling variation
    ("AHMED, Qassim Abdullah Ali", "ABDULLAH ALI, Qassim", REORDERED_WITH_A_VARIATION),
    # no word in common: alphabetical order puts "gang..." first in both, and Jaro-Winkler's prefix
    # bonus alone used to reach 0.88 (same-day namesakes merged at three million records)
    ("Guo Gang", "XU Gangming", "All other comparisons"),
    ("Wang Ming", "ZHAO Mingqiang", "All other comparisons"),
])
def test_person_name_levels(left: str, right: str, level: str) -> None:
    assert _name_level(left, right) == level
