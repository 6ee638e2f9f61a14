"""Which reader reads which input: formats told by name, extension and a look at the content.

``detect_format`` names the format of one input path; ``read_inputs`` reads every input with its
reader into one ``InputBatch``. The readers all have the same shape, ``read(path, batch)``, and
live in one module each, imported only when a file of their format comes up.

Formats:
- ``canonical``: the canonical CSV / JSON lines / Parquet of DESIGN.md (records, relations, listings);
- ``ftm``: FollowTheMoney entities as JSON lines (objects with ``schema`` and ``properties``);
- ``ofac-csv``: the OFAC SDN legacy CSV trio (``sdn.csv`` with ``add.csv`` and ``alt.csv`` beside it,
  or the folder that holds them);
- ``ofac-xml``: the OFAC SDN XML (root ``sdnList``);
- ``un-xml``: the UN Security Council consolidated list XML (root ``CONSOLIDATED_LIST``);
- ``trade``: shipment records whose parties are names and addresses (CSV with ``shipment_id``).
"""

from __future__ import annotations

import csv
import importlib
import json
from collections.abc import Iterable
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree

from resolution.errors import InputFileError
from resolution.sources.batch import InputBatch
from resolution.sources.canonical import sniff_delimiter, text_encoding
from resolution.sources.parallel import file_sizes, read_parts, worth_a_worker

READERS: dict[str, str] = {
    "canonical": "resolution.sources.canonical",
    "ftm": "resolution.sources.ftm",
    "ofac-csv": "resolution.sources.ofac_csv",
    "ofac-xml": "resolution.sources.ofac_xml",
    "un-xml": "resolution.sources.un_xml",
    "trade": "resolution.sources.trade",
}
OFAC_CSV_FILES = ("sdn.csv", "add.csv", "alt.csv")
XML_ROOTS = {"sdnList": "ofac-xml", "CONSOLIDATED_LIST": "un-xml"}
TRADE_COLUMNS = frozenset({"shipment_id", "shipper_name", "consignee_name"})


def _xml_root(path: Path) -> str:
    try:
        for _event, element in SafeElementTree.iterparse(str(path), events=("start",)):
            return str(element.tag).rsplit("}", 1)[-1]
    except Exception as exc:  # ParseError, DefusedXmlException (entities, DTDs), OSError
        raise InputFileError(str(path), f"unreadable XML: {exc}") from exc
    raise InputFileError(str(path), "empty XML file")


def _first_line(path: Path) -> str:
    with path.open("r", encoding=text_encoding(path), errors="replace", newline="") as handle:
        for line in handle:
            if line.strip():
                return line
    return ""


def _cells(line: str, delimiter: str = ",") -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # e.g. a first line longer than the csv module's field limit
        return []


def _looks_like_ofac_csv(first_line: str) -> bool:
    cells = _cells(first_line)
    return len(cells) == 12 and cells[0].strip().isdigit() and any(c.strip() == "-0-" for c in cells)


def _looks_like_ftm(first_line: str) -> bool:
    try:
        value = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and "schema" in value and "properties" in value


def _ofac_folder_has_sdn(folder: Path) -> bool:
    return (folder / "sdn.csv").is_file() or (folder / "SDN.CSV").is_file()


def detect_format(path: Path) -> str:
    """The format name of ``path`` (a key of ``READERS``); raises ``InputFileError`` if unknown."""
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if path.is_dir():
        if _ofac_folder_has_sdn(path):
            return "ofac-csv"
        raise InputFileError(str(path), "a folder is read only when it holds the OFAC CSV files (sdn.csv)")
    suffix = path.suffix.lower()
    if suffix == ".xml":
        root = _xml_root(path)
        if root in XML_ROOTS:
            return XML_ROOTS[root]
        raise InputFileError(str(path), f"unknown XML list with root <{root}> (expected <sdnList> or <CONSOLIDATED_LIST>)")
    if suffix in {".json", ".jsonl", ".ndjson"} and _looks_like_ftm(_first_line(path)):
        return "ftm"
    if suffix in {".csv", ".tsv", ".txt"}:
        if path.name.lower() in OFAC_CSV_FILES:
            return "ofac-csv"
        first = _first_line(path)
        if _looks_like_ofac_csv(first):
            return "ofac-csv"
        columns = {c.strip().lstrip("\ufeff") for c in _cells(first, sniff_delimiter(first))}
        if "shipment_id" in columns and columns & {"shipper_name", "consignee_name"}:
            return "trade"
    return "canonical"


def _ofac_input(path: Path) -> Path:
    """The OFAC CSV trio is read once per folder, whichever of its files or folder is named."""
    return path if path.is_dir() else path.parent


def read_inputs(paths: Iterable[Path], *, format_name: str | None = None, finish: bool = True,
                records_as_columns: bool = False) -> InputBatch:
    """Read every input with the reader of its format (detected unless ``format_name`` is given).

    ``finish=False`` leaves duplicate keys and references to records outside these inputs in place
    (an incremental run checks them against the previous run's records itself);
    ``records_as_columns`` holds the finished batch's records as columns (``RecordColumns``). Several large
    canonical files are read in two processes at once (``resolution.sources.parallel``), with the
    same result."""
    if format_name is not None and format_name not in READERS:
        raise InputFileError(format_name, f"unknown format; known: {', '.join(READERS)}")
    plan: list[tuple[str, Path]] = []  # (format, what its reader reads), each once, in order
    done: set[tuple[str, Path]] = set()
    for raw in paths:
        path = Path(raw)
        name = format_name or detect_format(path)
        target = _ofac_input(path) if name == "ofac-csv" else path
        if (name, target.resolve()) not in done:
            done.add((name, target.resolve()))
            plan.append((name, target))
    targets = [target for _name, target in plan]
    sizes = file_sizes(targets)
    if all(name == "canonical" for name, _target in plan) and worth_a_worker(sizes):
        batch = InputBatch.joined(read_parts(targets, sizes, records_as_columns=records_as_columns))
    else:
        batch = InputBatch(records_as_columns=records_as_columns)
        for name, target in plan:
            importlib.import_module(READERS[name]).read(target, batch)
    if finish:
        batch.finish(records_as_columns=records_as_columns)
    return batch
