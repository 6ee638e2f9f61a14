"""Readers that turn source files into canonical records, relations and listings."""

from resolution.sources.canonical import InputBatch, read_inputs

__all__ = ["InputBatch", "read_inputs"]
