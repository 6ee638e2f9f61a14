"""The canonical models: what their validators make of loosely written values."""

import pytest
from pydantic import ValidationError

from resolution.models import Listing, Record, Relation


def _text(*parts: str) -> str:
    return "".join(parts)  # made at run time: a new string object each call, as a CSV reader makes


def test_rows_of_one_source_share_one_source_string() -> None:
    first = Record.model_validate({"source": _text("cn_", "registry"), "record_id": "1", "entity_type": "company",
                                   "name": "Dandong Hongxiang"})
    second = Record.model_validate({"source": _text(" cn_", "registry "), "record_id": "2",
                                    "entity_type": "company", "name": "Dandong Hongxiang"})
    relation = Relation.model_validate({"source": _text("cn_", "registry"), "from_record_id": "1",
                                        "to_record_id": "2", "relation": "owner_of"})
    listing = Listing.model_validate({"source": _text("cn_", "registry"), "record_id": "1", "list_name": "SDN"})
    assert second.source == "cn_registry"
    assert first.source is second.source is relation.source is listing.source


@pytest.mark.parametrize("source", ["", "   ", None])
def test_a_record_without_a_source_is_refused(source: str | None) -> None:
    with pytest.raises(ValidationError, match="source"):
        Record.model_validate({"source": source, "record_id": "1", "entity_type": "company", "name": "X"})
