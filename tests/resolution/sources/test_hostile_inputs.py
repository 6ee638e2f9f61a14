"""Hostile input to the pipeline: every bad file gives quarantine rows or a clear InputFileError,
and every good record in the same file still comes out (issue "hostile input to the pipeline").

The big and binary files are generated in tmp_path; the small ones live in fixtures/hostile/.
"""

import codecs
import csv
import json
import random
from pathlib import Path

import pytest

from resolution.errors import InputFileError
from resolution.models import RelationType
from resolution.run_folder import QUARANTINE_COLUMNS, write_csv
from resolution.sources import InputBatch, read_inputs
from resolution.sources.canonical import MAX_COLUMN_NAME, MAX_FIELD_BYTES, row_problem

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
HEADER = "source,record_id,entity_type,name,aliases,country,address,imo,date_of_birth,vessel_class\n"
GOOD = "reg,1,company,Dandong Co.,,\"Korea, North\",,,,\nreg,2,company,Good Co,,CN,,,,\n"
TEN_MB = 10 * 1024 * 1024


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def ids(batch: InputBatch) -> list[str]:
    return [r.record_id for r in batch.records]


def quarantined(batch: InputBatch) -> dict[tuple[str, str], str]:
    return {(q.record_id, q.field): q.reason for q in batch.quarantine}


def assert_quarantine_writable(batch: InputBatch, tmp_path: Path) -> None:
    """quarantine.csv must be writable as UTF-8 and stay small, whatever the input held."""
    out = tmp_path / "quarantine.csv"
    write_csv(out, QUARANTINE_COLUMNS, (q.model_dump() for q in batch.quarantine))
    assert out.stat().st_size < 10_000
    with out.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(batch.quarantine)


# --- truncated files -------------------------------------------------------------------------

def test_file_cut_mid_row_quarantines_the_short_row() -> None:
    batch = read_inputs([FIXTURES / "truncated_mid_row.csv"])
    assert ids(batch) == ["1", "2"]
    [row] = batch.quarantine
    assert (row.record_id, row.field, row.line) == ("3", "<row>", 4)
    assert row.reason == "row has 4 cells, header has 10"


def test_file_cut_mid_quoted_field_quarantines_the_last_row() -> None:
    batch = read_inputs([FIXTURES / "truncated_mid_quote.csv"])
    assert ids(batch) == ["1", "2"]
    [row] = batch.quarantine
    assert (row.source, row.record_id, row.field, row.line) == ("reg", "3", "<row>", 4)
    assert row.reason == ("malformed CSV: a quoted field opened on line 4 is not closed "
                          "(file cut short, or a stray quote?)")


@pytest.mark.parametrize(("after", "reason"), [
    ("reg,3,company,Third Co,,CN,,,,\n", "a quoted field opened on line 2 is not closed"),
    ('reg,3,company,Third Co,,"Korea, North",,,,\n', "',' expected after '\"'"),
])
def test_stray_quote_does_not_swallow_the_rest_of_the_file(tmp_path: Path, after: str, reason: str) -> None:
    path = write(tmp_path / "r.csv", HEADER + 'reg,1,company,"Open Co,,,,,,\n' + after
                 + "reg,2,company,Good Co,,CN,,,,\nreg,4,company,Last Co,,,,,,\n")
    batch = read_inputs([path])
    assert ids(batch) == ["3", "2", "4"]
    [row] = batch.quarantine
    assert (row.record_id, row.line) == ("1", 2)
    assert reason in row.reason


def test_text_after_a_closing_quote_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + 'reg,9,company,"Bad" Co,,,,,,\n' + GOOD)
    batch = read_inputs([path])
    assert ids(batch) == ["1", "2"]
    assert batch.quarantine[0].reason.startswith("malformed CSV: ',' expected after '\"'")


# --- delimiters and encodings ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["semicolon.csv", "tab.tsv"])
def test_other_delimiters_are_sniffed_and_read(name: str) -> None:
    batch = read_inputs([FIXTURES / name])
    assert batch.quarantine == []
    assert [(r.record_id, r.name, r.country) for r in batch.records] == [
        ("1", "Dandong Hongxiang Co., Ltd.", "KP"), ("2", "Good Co", "CN")]


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "sep=;\r\n" + HEADER.replace(",", ";") + "reg;1;company;A, B and C Co;;;;;;\n")
    batch = read_inputs([path])
    assert [(r.record_id, r.name) for r in batch.records] == [("1", "A, B and C Co")]


def test_quoted_field_with_line_breaks_is_one_row(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + 'reg,0,company,A Co,,CN,"No. 18 Binjiang Road\r\nDandong",,,\n'
                 + GOOD + "reg,3,company,Short\n")
    batch = read_inputs([path])
    assert ids(batch) == ["0", "1", "2"]
    assert batch.records[0].address == "No. 18 Binjiang Road\r\nDandong"
    assert [(q.record_id, q.line) for q in batch.quarantine] == [("3", 6)]


def test_latin1_row_in_utf8_file_is_quarantined_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + "reg,1,company,Café Co,,,,,,\n".encode()
                     + b"reg,2,company,Caf\xe9 Co,,,,,,\n" + b"reg,3\xe9,company,X,,,,,,\n")
    batch = read_inputs([path])
    assert ids(batch) == ["1"] and batch.records[0].name == "Café Co"
    assert quarantined(batch) == {("2", "name"): "not valid UTF-8 text",
                                  ("3\ufffd", "record_id"): "not valid UTF-8 text"}
    assert_quarantine_writable(batch, tmp_path)


def test_utf8_bom_is_skipped() -> None:
    assert (FIXTURES / "bom.csv").read_bytes().startswith(codecs.BOM_UTF8)
    batch = read_inputs([FIXTURES / "bom.csv"])
    assert [(r.source, r.record_id) for r in batch.records] == [("reg", "1"), ("reg", "2")]


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    # Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab separated.
    path = tmp_path / "excel.txt"
    path.write_text(HEADER.replace(",", "\t") + "reg\t1\tcompany\t丹东鸿祥实业发展有限公司\t\tCN\t\t\t\t\n",
                    encoding="utf-16")
    batch = read_inputs([path])
    assert [(r.name, r.country) for r in batch.records] == [("丹东鸿祥实业发展有限公司", "CN")]


def test_utf16_without_bom_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes((HEADER + GOOD).encode("utf-16-le"))
    with pytest.raises(InputFileError, match="UTF-16 or UTF-32 text without a byte-order mark"):
        read_inputs([path])


# --- huge fields -----------------------------------------------------------------------------

def test_ten_megabyte_name_and_attribute_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + GOOD)
        handle.write("reg," + "B" * TEN_MB + ",company,Big Id Co,,,,,,\n")
        handle.write("reg,3,company," + "N" * TEN_MB + ",,,,,,\n")
        handle.write("reg,4,vessel,HUGE CLASS,,,,,," + "x" * TEN_MB + "\n")
        handle.write("reg,5,company," + "L" * 2000 + ",,,,,,\n")
    batch = read_inputs([path])
    assert ids(batch) == ["1", "2"]
    too_long = f"field longer than {MAX_FIELD_BYTES} bytes ({TEN_MB} bytes)"
    reasons = quarantined(batch)
    assert reasons[("B" * 200 + "…", "record_id")] == too_long
    assert reasons[("3", "name")] == too_long
    assert reasons[("4", "vessel_class")] == too_long
    assert "at most 1000 characters" in reasons[("5", "name")]
    assert_quarantine_writable(batch, tmp_path)


def test_ten_megabyte_json_value_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    lines = [{"source": "s", "record_id": "1", "entity_type": "company", "name": "A Co"},
             {"source": "s", "record_id": "2", "entity_type": "company", "name": "B Co",
              "aliases": ["x" * (MAX_FIELD_BYTES // 2), "y" * (MAX_FIELD_BYTES // 2 + 1)]}]
    write(path, "\n".join(json.dumps(line) for line in lines) + "\n")
    batch = read_inputs([path])
    assert ids(batch) == ["1"]
    assert quarantined(batch) == {("2", "aliases"): f"field longer than {MAX_FIELD_BYTES} bytes (65537 bytes)"}


# --- duplicates, NUL, JSON lines -------------------------------------------------------------

def test_duplicate_column_in_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "source,record_id,entity_type,name,name\nreg,1,company,A,B\n")
    with pytest.raises(InputFileError, match=r"names a column more than once: \['name'\]"):
        read_inputs([path])


def test_duplicate_keys_in_json_and_duplicate_record_ids_are_quarantined(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl",
                 '{"source": "s", "record_id": "1", "entity_type": "company", "name": "A", "name": "B"}\n'
                 '{"source": "s", "record_id": "2", "entity_type": "company", "name": "First"}\n'
                 '{"source": "s", "record_id": "2", "entity_type": "company", "name": "Second"}\n')
    batch = read_inputs([path])
    assert [(r.record_id, r.name) for r in batch.records] == [("2", "First")]
    reasons = quarantined(batch)
    assert reasons[("1", "name")] == "the key appears more than once in the JSON object"
    assert reasons[("2", "record_id")].startswith("duplicate record key")


def test_nul_bytes_quarantine_their_row(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + "reg,7,company,Nul\x00Co,,,,,,\n" + GOOD)
    jsonl = write(tmp_path / "r.jsonl", json.dumps({"source": "j", "record_id": "a\x00b", "entity_type": "company",
                                                   "name": "N"}) + "\n")
    batch = read_inputs([path, jsonl])
    assert ids(batch) == ["1", "2"]
    assert quarantined(batch) == {("7", "name"): "contains a NUL character",
                                  ("a\ufffdb", "record_id"): "contains a NUL character"}
    assert_quarantine_writable(batch, tmp_path)


def test_json_lines_mix_of_good_invalid_and_non_object_lines() -> None:
    batch = read_inputs([FIXTURES / "mixed.jsonl"])
    assert ids(batch) == ["1", "2"]
    assert [(q.line, q.reason) for q in batch.quarantine] == [
        (2, "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
        (3, "a JSON line must hold an object"),
        (4, "a JSON line must hold an object"),
        (7, "a JSON line must hold an object"),
    ]
    assert batch.rows_read == 6


def test_json_array_file_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "r.json", '[\n  {"source": "s",\n   "record_id": "1"}\n]\n')
    with pytest.raises(InputFileError, match="no line holds a JSON object"):
        read_inputs([path])


# --- empty, header-only, binary ---------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "empty CSV file"),
    ("blank.csv", b"\n \r\n\n", "empty CSV file"),
    ("bom-only.csv", codecs.BOM_UTF8, "empty CSV file"),
    ("empty.jsonl", b"", "empty JSON lines file"),
    ("nul-header.csv", b"source,record\x00_id,entity_type,name\nreg,1,company,A\n", "header row is not valid"),
    ("long-header.csv", b"source,record_id,entity_type," + b"n" * 2000 + b"\n", "column longer than 1000"),
])
def test_empty_files_raise_clear_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_inputs([path])


def test_header_only_file_reads_nothing_and_is_no_error() -> None:
    batch = read_inputs([FIXTURES / "header_only.csv"])
    assert (batch.records, batch.quarantine, batch.rows_read) == ([], [], 0)


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + "\n,,,,,,,,,\n" + GOOD + " \n")
    batch = read_inputs([path])
    assert ids(batch) == ["1", "2"] and batch.quarantine == [] and batch.rows_read == 2


def test_a_value_under_a_column_the_header_does_not_name_quarantines_its_row(tmp_path: Path) -> None:
    # a spreadsheet export with a blank header cell (here the 11th) and a trailing one (the 13th)
    header = HEADER.rstrip("\n") + ",,note,\n"
    path = write(tmp_path / "r.csv", header
                 + "reg,1,company,Dandong Co.,,CN,,,,,,kept,\n"
                 + "reg,2,company,Good Co,,CN,,,,,stray,,\n"
                 + "reg,3,company,Third Co,,CN,,,,,,,late\n")
    batch = read_inputs([path])
    assert ids(batch) == ["1"]
    assert batch.records[0].attributes == {"note": "kept"}
    assert quarantined(batch) == {
        ("2", "<column 11>"): "value under a column the header does not name",
        ("3", "<column 13>"): "value under a column the header does not name",
    }


@pytest.mark.parametrize(("content", "message"), [
    (bytes(random.Random(7).randrange(256) for _ in range(4096)), "not a text file: .* control bytes or not UTF-8"),
    (b"PK\x03\x04" + b"\x14\x00" * 200, "ZIP archive"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 100, "gzip-compressed"),
])
def test_binary_file_named_csv_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_inputs([path])


# --- graph shapes ----------------------------------------------------------------------------

def test_cyclic_ownership_is_legal_data(tmp_path: Path) -> None:
    records = write(tmp_path / "r.csv", HEADER + "reg,A,company,Alpha Co,,,,,,\nreg,B,company,Beta Co,,,,,,\n")
    relations = write(tmp_path / "rel.csv", "source,from_record_id,to_record_id,relation,share_pct\n"
                      "reg,A,B,owner_of,60\nreg,B,A,owner_of,40\n")
    batch = read_inputs([records, relations])
    assert batch.quarantine == []
    assert [(r.from_record_id, r.to_record_id, r.relation, r.share_pct) for r in batch.relations] == [
        ("A", "B", RelationType.OWNER_OF, 60.0), ("B", "A", RelationType.OWNER_OF, 40.0)]


def test_self_relation_is_quarantined(tmp_path: Path) -> None:
    records = write(tmp_path / "r.csv", HEADER + "reg,A,company,Alpha Co,,,,,,\nreg,B,company,Beta Co,,,,,,\n")
    relations = write(tmp_path / "rel.csv", "source,from_record_id,to_record_id,relation\n"
                      "reg,A,A,owner_of\nreg,A,B,owner_of\n")
    batch = read_inputs([records, relations])
    assert [(r.from_record_id, r.to_record_id) for r in batch.relations] == [("A", "B")]
    assert [(q.record_id, q.field, q.reason) for q in batch.quarantine] == [
        ("A->A", "to_record_id", "relation from a record to itself")]


def test_format_detection_survives_a_huge_first_line_in_a_fresh_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "huge.csv"
    path.write_text("source,record_id,entity_type,name\n".replace("name", "n" * 200_000) + "reg,1,company,A\n",
                    encoding="utf-8")
    code = f"from resolution.sources.formats import detect_format; print(detect_format(__import__('pathlib').Path({str(path)!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "canonical"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_trade_files_with_other_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    from resolution.sources.formats import detect_format

    path = tmp_path / "shipments.csv"
    path.write_text(delimiter.join(["shipment_id", "shipper_name", "consignee_name"]) + "\n"
                    + delimiter.join(["S1", "A Co", "B Co"]) + "\n", encoding="utf-8")
    assert detect_format(path) == "trade"


@pytest.mark.parametrize(("row", "expected"), [
    ({"name": "Dandong Hongxiang", "record_id": "1"}, None),
    # each field under the limit, together over it: the one-pass check hands over, nothing is at fault
    ({"name": "x" * (MAX_FIELD_BYTES - 1), "address": "y" * (MAX_FIELD_BYTES - 1)}, None),
    ({"name": "x" * (MAX_FIELD_BYTES + 1)}, ("name", f"field longer than {MAX_FIELD_BYTES} bytes (65537 bytes)")),
    ({"name": "a\x00b"}, ("name", "contains a NUL character")),
    ({"name": "ok", "a\x00": "x"}, ("<row>", "a column name: contains a NUL character")),
    ({"name": "bad \udce9 byte"}, ("name", "not valid UTF-8 text")),
    ({"name": "丹东鸿祥实业发展有限公司"}, None),
    ({"c" * (MAX_COLUMN_NAME + 1): "x"}, ("<row>", f"a column name is longer than {MAX_COLUMN_NAME} characters")),
    ({"name": "ok", "aliases": ["a\x00"]}, ("aliases", "contains a NUL character")),
])
def test_row_problem_names_the_field_at_fault(row: dict, expected: tuple[str, str] | None) -> None:
    assert row_problem(row) == expected
