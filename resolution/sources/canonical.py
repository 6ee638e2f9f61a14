"""Reader for the canonical format (DESIGN.md): CSV, JSON lines or Parquet files.

A file's kind is told by its columns: ``entity_type`` -> records, ``relation`` -> relations,
``list_name`` -> listings. Each row is validated with the pydantic models; a row that fails goes to
the quarantine with its source, record id, the failing field and the reason, and the run goes on.
A file that cannot be read at all raises ``InputFileError``.

Hostile input is handled here, once, for every CSV-based reader (``open_csv`` is shared with the
trade reader):

- text encoding: UTF-8 (a byte-order mark is skipped); UTF-16 / UTF-32 files *with* a byte-order
  mark are decoded; a row holding bytes that are not UTF-8 is quarantined ("not valid UTF-8
  text"); a file that is mostly control bytes or not UTF-8 at all (binary, a ZIP/Excel/gzip/
  Parquet file named ``.csv``, UTF-16 without a byte-order mark) raises ``InputFileError``;
- delimiter: sniffed from the header line among ``,`` ``;`` tab and ``|`` (``csv.Sniffer``), so
  semicolon- or tab-separated files are read as they are; Excel's ``sep=;`` first line is obeyed;
- structure: the header must name each column once; a row whose cell count differs from the header
  (e.g. a file cut short mid-row), or that is not well-formed CSV (an unterminated quoted field, a
  quote followed by text) is quarantined with the reason; when such a record spans several lines
  (an unterminated quote swallows the file to its end) the lines after its first one are read
  again as rows, so one stray quote cannot hide the rest of the file;
- content: a field holding a NUL character, or longer than ``MAX_FIELD_BYTES`` (64 KiB) of UTF-8,
  quarantines its row naming the field, so huge values never reach the graph;
- rows whose cells are all blank hold no data and are skipped, like blank lines.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from resolution.errors import InputFileError
from resolution.sources import prevalidated
from resolution.sources.batch import KIND_LISTINGS, KIND_RECORDS, KIND_RELATIONS, InputBatch, Kind
from resolution.sources.record_columns import RecordRows

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

MAX_FIELD_BYTES = 64 * 1024
"""Longest field (UTF-8 bytes) carried into the graph; a longer one quarantines its row."""
MAX_COLUMN_NAME = 1000
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
_CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
MAX_REREADS = 100
"""How many times the lines after a malformed multi-line record are read again, per file."""
_ID_FIELDS = ("source", "record_id", "from_record_id", "to_record_id")
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook?): export it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or other OLE2 file: export it as CSV"),
    (b"\x1f\x8b", "gzip-compressed: decompress it first"),
    (b"PAR1", "a Parquet file: name it .parquet"),
    (b"%PDF", "a PDF document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_EXCEL_SEP = re.compile(r"^sep=([,;\t|])\r?\n?$")
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}

Problem = tuple[str, str]
"""A quarantine reason for a whole row: (field, reason)."""
Row = tuple[int, dict[str, Any], Problem | None]
"""(line number, row, problem found while reading it or None)."""
CsvRecord = tuple[int, list[str], str | None]
"""(first line, cells, why the record is malformed or None)."""


def _kind_of(columns: Iterable[str], path: Path) -> Kind:
    names = set(columns)
    if "entity_type" in names:
        return KIND_RECORDS
    if "relation" in names:
        return KIND_RELATIONS
    if "list_name" in names:
        return KIND_LISTINGS
    hint = ""
    if "shipment_id" in names:  # a trade file that format detection missed (its first line is read as UTF-8 CSV)
        hint = "; this looks like a trade file, which is detected only when its header line is comma-separated UTF-8"
    raise InputFileError(
        str(path),
        "cannot tell the kind of file: expected a column 'entity_type' (records), "
        f"'relation' (relations) or 'list_name' (listings); found {sorted(names)}{hint}",
    )


def text_encoding(path: Path) -> str:
    """The codec to read ``path`` with; raises ``InputFileError`` when it is not text."""
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if not path.is_file():
        raise InputFileError(str(path), "not a file")
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            raise InputFileError(str(path), f"not a text file: {what}")
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    bad = text.count("\ufffd") + sum(1 for ch in text if ord(ch) in _CONTROL)
    if bad > max(8, len(text) * 0.3):
        if sample.count(0) > len(sample) // 4:
            raise InputFileError(str(path), "looks like UTF-16 or UTF-32 text without a byte-order mark: "
                                            "save it as UTF-8")
        raise InputFileError(str(path), f"not a text file: {bad} of the first {len(text)} characters are "
                                        "control bytes or not UTF-8 (binary data, or another encoding?)")
    return "utf-8"


def _errors_for(codec: str) -> str:
    # Bad UTF-8 bytes survive as surrogates so one bad row is quarantined, not the whole file.
    return "surrogateescape" if codec.startswith("utf-8") else "strict"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line among ``, ; tab |`` (``,`` when it cannot be told)."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _numbered_lines(path: Path, handle: Iterable[str]) -> Iterator[tuple[int, str]]:
    try:
        yield from enumerate(handle, start=1)
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"cannot decode the file: {exc.reason}") from exc


def _loose_cells(line: str, delimiter: str) -> list[str]:
    """The cells of one physical line read leniently, to name a malformed row in the quarantine."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _csv_error(exc: csv.Error, first: int) -> str:
    if "unexpected end of data" in str(exc):
        return (f"malformed CSV: a quoted field opened on line {first} is not closed "
                "(file cut short, or a stray quote?)")
    return f"malformed CSV: {exc}"


def _csv_records(lines: Iterator[tuple[int, str]], delimiter: str) -> Iterator[CsvRecord]:
    """Yield (first line, cells, None) per CSV record, or (first line, cells, reason) for a bad one.

    The csv module is strict about quotes here. A malformed record that spans several physical
    lines (an unterminated quoted field swallows the file up to its end) is reported on its first
    line, and the lines after that one are parsed again, so good rows behind it still come out.
    """
    pending: deque[tuple[int, str]] = deque()
    taken: list[tuple[int, str]] = []
    rereads = 0

    def feed() -> Iterator[str]:
        while True:
            item = pending.popleft() if pending else next(lines, None)
            if item is None:
                return
            taken.append(item)
            yield item[1]

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    while True:
        taken.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first, text = taken[0] if taken else (0, "")
            yield first, _loose_cells(text, delimiter), _csv_error(exc, first)
            if len(taken) > 1 and rereads < MAX_REREADS:
                rereads += 1
                pending.extendleft(reversed(taken[1:]))
                reader = csv.reader(feed(), delimiter=delimiter, strict=True)
            continue
        if taken:
            yield taken[0][0], cells, None


def _header(path: Path, records: Iterator[CsvRecord]) -> list[str]:
    first = next(records, None)
    if first is None:
        raise InputFileError(str(path), "empty CSV file (no header row)")
    _line, cells, error = first
    if error is not None:
        raise InputFileError(str(path), f"unreadable CSV header: {error}")
    columns = [c.strip().lstrip("\ufeff") for c in cells]
    for column in columns:
        if _text_problem(column) is not None:
            raise InputFileError(str(path), "the header row is not valid UTF-8 text (binary file?)")
        if len(column) > MAX_COLUMN_NAME:
            raise InputFileError(str(path), f"the header names a column longer than {MAX_COLUMN_NAME} characters")
    named = [c for c in columns if c]
    if not named:
        raise InputFileError(str(path), "the header row names no columns")
    repeated = sorted({c for c in named if named.count(c) > 1})
    if repeated:
        raise InputFileError(str(path), f"the header names a column more than once: {repeated}")
    return columns


def _row_of(
    columns: list[str], unnamed: tuple[int, ...], cells: list[str]
) -> tuple[dict[str, Any], Problem | None]:
    """The row of ``cells`` under the header's ``columns``; ``unnamed`` are the positions of the
    header's blank column names (their cells must be blank)."""
    if unnamed:
        row = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
    else:  # nearly every file: no per-cell test
        row = dict(zip(columns, cells, strict=False))
    if len(cells) != len(columns):
        return row, ("<row>", f"row has {len(cells)} cells, header has {len(columns)}")
    for index in unnamed:
        if cells[index].strip():
            return row, (f"<column {index + 1}>", "value under a column the header does not name")
    return row, None


@dataclass
class CsvFile:
    """An open CSV file past its header: its columns, delimiter and records (see ``open_csv``)."""

    columns: list[str]
    delimiter: str
    records: Iterator[CsvRecord]
    handle: IO[str]

    @property
    def unnamed(self) -> tuple[int, ...]:
        """The positions of the header's blank column names."""
        return tuple(index for index, column in enumerate(self.columns) if not column)


def open_csv_records(path: Path) -> CsvFile:
    """The header and the CSV records of ``path``; close ``handle`` when done (``open_csv``
    does). Raises ``InputFileError`` for a file that is not CSV text or has no usable header."""
    codec = text_encoding(path)
    handle = path.open("r", encoding=codec, errors=_errors_for(codec), newline="")
    try:
        lines = _numbered_lines(path, handle)
        head = _first_text_line(lines)
        delimiter = sniff_delimiter(head[1]) if head else ","
        if head and (hint := _EXCEL_SEP.match(head[1])):  # Excel's "sep=;" line before the header
            delimiter, head = hint.group(1), _first_text_line(lines)
        if head is None:
            raise InputFileError(str(path), "empty CSV file (no header row)")
        records = _csv_records(_chain(head, lines), delimiter)
        columns = _header(path, records)
    except BaseException:
        handle.close()
        raise
    return CsvFile(columns, delimiter, records, handle)


def open_csv(path: Path) -> tuple[list[str], str, Iterator[Row]]:
    """Columns, delimiter and numbered rows of a CSV file (rows checked for structure only).

    Raises ``InputFileError`` for a file that is not CSV text or has no usable header. Each row
    comes with the problem that makes it unusable (bad cell count, malformed CSV) or ``None``;
    use ``row_problem`` for the content checks (encoding, NUL, field size).
    """
    source = open_csv_records(path)
    columns, unnamed = source.columns, source.unnamed

    def rows() -> Iterator[Row]:
        with source.handle:
            for line, cells, error in source.records:
                if error is not None:
                    yield line, dict(zip(columns, cells, strict=False)), ("<row>", error)
                elif any(map(str.strip, cells)):  # a row of blank cells is no row
                    row, problem = _row_of(columns, unnamed, cells)
                    yield line, row, problem

    return columns, source.delimiter, rows()


def _first_text_line(lines: Iterator[tuple[int, str]]) -> tuple[int, str] | None:
    return next(((n, text) for n, text in lines if text.strip()), None)


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def _csv_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    columns, _delimiter, rows = open_csv(path)
    return columns, rows


def _json_object(duplicates: list[str]) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for key, item in pairs:
            if key in value:
                duplicates.append(key)
            else:
                value[key] = item
        return value

    return hook


def _json_line(line: str) -> tuple[dict[str, Any], Problem | None]:
    duplicates: list[str] = []
    try:
        value = json.loads(line, object_pairs_hook=_json_object(duplicates))
    except json.JSONDecodeError as exc:
        return {}, ("<row>", f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return {}, ("<row>", "invalid JSON: nested too deeply")
    if not isinstance(value, dict):
        return {}, ("<row>", "a JSON line must hold an object")
    if duplicates:
        return value, (str(duplicates[0]), "the key appears more than once in the JSON object")
    return value, None


def _jsonl_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    codec = text_encoding(path)
    with path.open("r", encoding=codec, errors=_errors_for(codec)) as handle:
        lines = [(n, line) for n, line in _numbered_lines(path, handle) if line.strip()]
    if not lines:
        raise InputFileError(str(path), "empty JSON lines file")
    columns: set[str] = set()
    parsed: list[Row] = []
    objects = 0
    for number, line in lines:
        value, problem = _json_line(line)
        if value:
            objects += 1
            columns.update(str(key) for key in value)
        parsed.append((number, value, problem))
    if objects == 0:
        raise InputFileError(str(path), "no line holds a JSON object (expected JSON lines: one object per line)")
    return sorted(columns), iter(parsed)


def _parquet_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise InputFileError(str(path), f"unreadable Parquet: {exc}") from exc
    return table.column_names, ((n, row, None) for n, row in enumerate(table.to_pylist(), start=1))


def _rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if not path.is_file():
        raise InputFileError(str(path), "not a file")
    suffix = path.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return _csv_rows(path)
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return _jsonl_rows(path)
    if suffix in {".parquet", ".pq"}:
        return _parquet_rows(path)
    raise InputFileError(str(path), f"unknown file format {suffix!r} (use .csv, .jsonl or .parquet)")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _text_problem(text: str) -> str | None:
    if text.isascii():  # nearly every field: only a NUL can be wrong with it
        return "contains a NUL character" if "\x00" in text else None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid UTF-8 text"
    if "\x00" in text:
        return "contains a NUL character"
    return None


def _plain_row(row: dict[str, Any]) -> bool:
    """True when no field of ``row`` can be at fault, told in one pass over the row: its names and
    values are all ASCII text without NUL, the values together fit one field's limit and the names
    together one name's (nearly every row of a real file)."""
    try:
        values = "".join(row.values())
        names = "".join(row)
    except TypeError:  # a value that is not text (JSON lines, Parquet): field by field
        return False
    text = values + names
    return len(values) <= MAX_FIELD_BYTES and len(names) <= MAX_COLUMN_NAME and text.isascii() and "\x00" not in text


def row_problem(row: dict[str, Any]) -> Problem | None:
    """The first field of ``row`` that must not reach the graph: bad encoding, NUL, too long."""
    if _plain_row(row):
        return None
    for key, value in row.items():
        name = str(key)
        if (reason := _text_problem(name)) is not None:
            return "<row>", f"a column name: {reason}"
        if len(name) > MAX_COLUMN_NAME:
            return "<row>", f"a column name is longer than {MAX_COLUMN_NAME} characters"
        size = 0
        for text in _texts(value):
            if (reason := _text_problem(text)) is not None:
                return name, reason
            size += len(text) if text.isascii() else len(text.encode("utf-8"))
        if size > MAX_FIELD_BYTES:
            return name, f"field longer than {MAX_FIELD_BYTES} bytes ({size} bytes)"
    return None


def printable(value: Any, limit: int = 200) -> str | None:
    """``value`` as short, writable text for a quarantine row (bad bytes and NULs replaced)."""
    if value is None:
        return None
    text = str(value)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = "".join("\ufffd" if ord(ch) in _CONTROL else ch for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def quarantine_view(row: dict[str, Any]) -> dict[str, Any]:
    """The id fields of ``row`` made printable, for ``InputBatch.set_aside``."""
    return {name: printable(row.get(name)) for name in _ID_FIELDS}


def read(path: Path, batch: InputBatch) -> None:
    """Read one canonical file into ``batch``; bad rows are quarantined, a bad file raises."""
    if path.suffix.lower() in _CSV_SUFFIXES:  # a missing file: text_encoding says so, as _rows would
        _read_csv(path, batch)
        return
    columns, rows = _rows(path)
    kind = _kind_of(columns, path)
    for line, row, found in rows:
        _take(batch, kind, row, found, file=str(path), line=line)


def _take(batch: InputBatch, kind: Kind, row: dict[str, Any], found: Problem | None, *,
          file: str, line: int) -> None:
    """Validate one row into ``batch`` (pydantic), or quarantine it."""
    batch.rows_read += 1
    problem = found or row_problem(row)
    if problem is not None:
        field_name, reason = problem
        batch.set_aside(kind, quarantine_view(row), field_name, reason, file=file, line=line)
    else:
        batch.accept(kind, row, file=file, line=line)


def _read_csv(path: Path, batch: InputBatch) -> None:
    """Read one canonical CSV file into ``batch``.

    Plain rows (the right number of cells, UTF-8 text without NUL, short enough) get their models
    from a ``RowBuilder`` when the file's columns allow one; every other row, and each row the
    builder leaves to pydantic, is taken as ``open_csv`` gives it, so both ways give the same
    models and quarantine rows in file order."""
    source = open_csv_records(path)
    with source.handle:
        columns = source.columns
        kind = _kind_of(columns, path)
        builder = None
        if prevalidated.understood(kind, columns):
            builder = prevalidated.RowBuilder(
                kind, columns, batch.shared_fields_set(prevalidated.given_fields(kind, columns)))
        # a batch that wants its records as columns, still empty of them, gathers this file's as
        # rows of values: no model is made of a row the builder takes
        rows = RecordRows() if (batch.records_as_columns and kind == KIND_RECORDS and builder is not None
                                and not batch.records) else None
        unnamed, width, file = source.unnamed, len(columns), str(path)
        for line, cells, error in source.records:
            if error is not None:
                _take(batch, kind, dict(zip(columns, cells, strict=False)), ("<row>", error), file=file, line=line)
                continue
            text = "".join(cells)
            if not text or text.isspace():  # a row of blank cells is no row
                continue
            if builder is not None and len(cells) == width and _plain_text(text):
                values = builder.values(cells)
                if values is not None:
                    batch.rows_read += 1
                    if rows is not None:
                        rows.add(values, builder.fields_set)
                    else:
                        batch.add(builder.model_of(values))
                    continue
            row, problem = _row_of(columns, unnamed, cells)
            _take(batch, kind, row, problem, file=file, line=line)
            if rows is not None and batch.records:  # validated by pydantic: gathered in its turn
                rows.add_model(batch.records.pop())  # type: ignore[union-attr]
        if rows is not None:
            batch.records = rows.columns()


def _plain_text(text: str) -> bool:
    """True when the cells joined in ``text`` can hold no field ``row_problem`` would name: no NUL,
    valid UTF-8, together within one field's size limit."""
    if "\x00" in text:
        return False
    if text.isascii():
        return len(text) <= MAX_FIELD_BYTES
    if len(text) * 4 <= MAX_FIELD_BYTES:  # no character takes more than four bytes
        return _text_problem(text) is None
    try:
        return len(text.encode("utf-8")) <= MAX_FIELD_BYTES
    except UnicodeEncodeError:
        return False


def read_canonical(paths: Iterable[Path]) -> InputBatch:
    """Read canonical files only (no format detection); ``finish`` applied."""
    batch = InputBatch()
    for path in paths:
        read(Path(path), batch)
    batch.finish()
    return batch
