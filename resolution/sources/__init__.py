"""Readers that turn source files into canonical records, relations and listings."""

from resolution.sources.batch import InputBatch
from resolution.sources.formats import READERS, detect_format, read_inputs

__all__ = ["READERS", "InputBatch", "detect_format", "read_inputs"]
