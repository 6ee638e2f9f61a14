"""Models built from plain CSV cells are what pydantic's validation makes of the same rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resolution.models import EntityType, Record, Relation
from resolution.sources import canonical, prevalidated
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, InputBatch

# per column: cells that validate, then cells that fail or whose validation is easy to get subtly
# wrong (a row drawn from the first kind only is one the builder must build)
TEXT = (["Ma Xiaohong", "  Dandong Hongxiang  ", "鸿祥实业有限公司", "x" * 1000, " " + "y" * 1000 + " ",
         "Chon Ma San", "a,b \"c\""], ["", " ", "x" * 1001, "a\x00b", "caf\udce9"])
OPTIONAL_TEXT = ([*TEXT[0], "", " "], ["x" * 70000, "a\x00b", "caf\udce9"])
COUNTRY = (["", "CN", "China", " korea, north ", "kp", "Hong Kong SAR"], ["Atlantis", "中国"])
DATE = (["", "2016-12-02", "May 1962", "1962", "31/12/2001", " 2001-01-01 "], ["2016-02-30", "soon", "1850"])
IMO = (["", "IMO 8660313", "8660313", "imo:8660313"], ["8660314", "123"])
MMSI = (["", "445123456", "445 123 456"], ["12"])
NUMBER = (["", "0", "10", "100", "100.0", " 25 ", "1.5", "3.25"],
          ["120", "-1", "1e3", "007", "nan", "inf", "1_000", "99999999999999999999", "12.", ".5", "-0"])
COLUMNS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    KIND_RECORDS: {
        "source": (["reg", " reg ", "customs"], ["", " "]),
        "record_id": (["1", " 2 ", "R-3"], [""]),
        "entity_type": (["company", "person", "vessel"], ["Company", " company", "alien", ""]),
        "name": TEXT,
        "aliases": (["", "Hongxiang|鸿祥", " a | a |b", "|"], ["x" * 1001]),
        "country": COUNTRY, "nationality": COUNTRY, "flag": COUNTRY,
        "address": OPTIONAL_TEXT, "id_number": OPTIONAL_TEXT, "call_sign": OPTIONAL_TEXT,
        "registration_number": (["", "91-2101 0676", "--", "abc123"], []),
        "incorporation_date": DATE, "date_of_birth": DATE,
        "imo": IMO, "mmsi": MMSI,
        "sector": (["", "shipping", " "], []),
    },
    KIND_RELATIONS: {
        "source": (["reg", " reg "], [""]),
        "from_record_id": (["1", " 2"], [""]),
        "to_record_id": (["2", "3"], [""]),
        "relation": (["director_of", "owner_of"], ["DIRECTOR_OF", "friend_of", ""]),
        "start_date": DATE, "end_date": DATE,
        "share_pct": NUMBER, "value_usd": NUMBER, "shipments": (["", "0", "3", " 12 "], NUMBER[1] + ["1.5"]),
        "hs_code": (["", "8703", " 27 "], []),
        "note": (["", "ignored"], []),
    },
    KIND_LISTINGS: {
        "source": (["sdn"], [""]),
        "record_id": (["1", " 2 "], [""]),
        "list_name": (["SDN"], ["", "  "]),
        "program": (["", "DPRK3"], []),
        "listed_on": DATE,
    },
}


def _read(path: Path, *, builders: bool, monkeypatch: pytest.MonkeyPatch) -> InputBatch:
    with monkeypatch.context() as patch:
        if not builders:
            patch.setattr(prevalidated, "understood", lambda kind, columns: False)
        batch = InputBatch()
        canonical.read(path, batch)
    return batch


def _same_batches(fast: InputBatch, slow: InputBatch) -> None:
    assert fast.rows_read == slow.rows_read
    for name in ("records", "relations", "listings", "quarantine"):
        built, validated = getattr(fast, name), getattr(slow, name)
        assert built == validated, name
        for a, b in zip(built, validated, strict=True):
            assert a.model_fields_set == b.model_fields_set
            assert list(a.__dict__) == list(b.__dict__)
            assert [type(v) for v in a.__dict__.values()] == [type(v) for v in b.__dict__.values()]
            assert a.__pydantic_extra__ == b.__pydantic_extra__
            assert a.__pydantic_private__ == b.__pydantic_private__


def _write(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    kind = draw(st.sampled_from(sorted(COLUMNS)))
    pools = COLUMNS[kind]
    required = ("source", "record_id", "entity_type", "name") if kind == KIND_RECORDS else \
        ("source", "from_record_id", "to_record_id", "relation") if kind == KIND_RELATIONS else \
        ("source", "record_id", "list_name")
    optional = [c for c in pools if c not in required]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True))
    columns = draw(st.permutations([*required, *chosen]))
    plain = st.tuples(*(st.sampled_from(pools[c][0]) for c in columns)).map(list)
    any_cells = st.tuples(*(st.sampled_from(pools[c][0] + pools[c][1]) for c in columns)).map(list)
    doubtful = [c for c in columns if pools[c][1]]
    one_doubtful = plain if not doubtful else st.tuples(plain, st.sampled_from(doubtful), st.data()).map(
        lambda drawn: [drawn[2].draw(st.sampled_from(pools[c][1])) if c == drawn[1] else cell
                       for c, cell in zip(columns, drawn[0], strict=True)])
    rows = draw(st.lists(st.one_of(plain, plain, one_doubtful, any_cells), min_size=1, max_size=25))
    return kind, columns, rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files())
def test_building_gives_what_validating_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              drawn: tuple[str, list[str], list[list[str]]]) -> None:
    _kind, columns, rows = drawn
    path = tmp_path / "input.csv"
    _write(path, columns, rows)
    fast = _read(path, builders=True, monkeypatch=monkeypatch)
    slow = _read(path, builders=False, monkeypatch=monkeypatch)
    _same_batches(fast, slow)


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_each_cell_in_an_otherwise_plain_row_gives_what_validating_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    pools = COLUMNS[kind]
    columns = list(pools)
    first = [pools[c][0][0] for c in columns]
    rows = [[cell if c == column else plain for c, plain in zip(columns, first, strict=True)]
            for column in columns for cell in pools[column][0] + pools[column][1]]
    path = tmp_path / f"{kind}.csv"
    _write(path, columns, rows)
    fast = _read(path, builders=True, monkeypatch=monkeypatch)
    _same_batches(fast, _read(path, builders=False, monkeypatch=monkeypatch))
    assert fast.quarantine, "the doubtful cells include ones that fail"


def test_the_drawn_plain_rows_are_built() -> None:
    """The comparison above is worth something only if the plain cells are ones the builders take."""
    for kind, pools in COLUMNS.items():
        columns = list(pools)
        builder = prevalidated.RowBuilder(kind, columns, set())
        for position, column in enumerate(columns):
            for cell in pools[column][0]:
                cells = [pools[c][0][0] if c != column else cell for c in columns]
                assert builder.build(cells) is not None, (kind, column, cell)


def test_plain_rows_are_built_and_doubtful_ones_left_to_pydantic() -> None:
    columns = ["source", "record_id", "entity_type", "name", "country", "imo", "sector"]
    builder = prevalidated.RowBuilder(KIND_RECORDS, columns, {"source", "record_id", "entity_type", "name",
                                                              "country", "imo", "attributes"})
    record = builder.build(["reg", " 7 ", "vessel", "Chon Ma San", "Korea, North", "IMO 8660313", "ships"])
    assert isinstance(record, Record)
    assert (record.record_id, record.entity_type, record.country, record.imo) == ("7", EntityType.VESSEL, "KP", "8660313")
    assert record.attributes == {"sector": "ships"} and record.aliases == [] and record.flag is None
    assert record == Record.model_validate({"source": "reg", "record_id": "7", "entity_type": "vessel",
                                            "name": "Chon Ma San", "country": "Korea, North",
                                            "imo": "IMO 8660313", "attributes": {"sector": "ships"}})
    # a bad check digit, an unknown type and a blank name are pydantic's to report
    assert builder.build(["reg", "7", "vessel", "Chon Ma San", "KP", "8660314", ""]) is None
    assert builder.build(["reg", "7", "alien", "Chon Ma San", "KP", "", ""]) is None
    assert builder.build(["reg", "7", "vessel", "  ", "KP", "", ""]) is None


def test_numbers_are_built_only_when_written_plainly() -> None:
    columns = ["source", "from_record_id", "to_record_id", "relation", "share_pct", "shipments"]
    builder = prevalidated.RowBuilder(KIND_RELATIONS, columns, set(columns))
    relation = builder.build(["reg", "1", "2", "shareholder_of", "49.5", "3"])
    assert isinstance(relation, Relation)
    assert relation.share_pct == 49.5 and relation.shipments == 3 and isinstance(relation.shipments, int)
    for share in ("120", "1e2", "-0", "007"):
        assert builder.build(["reg", "1", "2", "shareholder_of", share, ""]) is None


def test_files_a_builder_cannot_take_are_validated_row_by_row() -> None:
    assert prevalidated.understood(KIND_RECORDS, ["source", "record_id", "entity_type", "name"])
    assert not prevalidated.understood(KIND_RECORDS, ["source", "record_id", "name"])  # no entity_type
    assert not prevalidated.understood(KIND_RECORDS, ["source", "record_id", "entity_type", "name", "attributes"])
    assert not prevalidated.understood(KIND_LISTINGS, ["source", "record_id", "list_name", ""])


def test_bad_rows_among_plain_ones_keep_their_place_and_reasons(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "records.csv"
    path.write_text(
        "source,record_id,entity_type,name,imo\n"
        "reg,1,company,Alpha Trading,\n"
        "reg,2,vessel,Bad Digit,8660314\n"
        "reg,3,company,\"Unclosed,\n"
        "reg,4,company,Short\n"
        "reg,5,company,Omega Trading,\n",
        encoding="utf-8",
    )
    fast = _read(path, builders=True, monkeypatch=monkeypatch)
    _same_batches(fast, _read(path, builders=False, monkeypatch=monkeypatch))
    # the lines after the unclosed quote are read again, so the last row still comes out
    assert [r.record_id for r in fast.records] == ["1", "5"]
    assert [(q.record_id, q.field) for q in fast.quarantine] == [("2", "imo"), ("3", "<row>"), ("4", "<row>")]
