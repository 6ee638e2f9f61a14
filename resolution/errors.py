"""Domain exceptions of the resolution pipeline, in one place.

The CLI turns each into a one-line message and a non-zero exit status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class TracegraphError(Exception):
    """Base of every error the pipeline reports to a user."""


class InputFileError(TracegraphError):
    """A whole input file cannot be read (missing, unknown format, unreadable columns)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputFileError], tuple[str, str]]:
        # rebuilt from both parts when it crosses a process boundary (a file read in a worker)
        return type(self), (self.path, self.reason)


class RunFolderError(TracegraphError):
    """A run folder is missing files that a stage needs."""


class LinkageError(TracegraphError):
    """Splink could not train or predict for an entity type."""


class EntityBuildError(TracegraphError):
    """Clusters could not be made into entities (a relation or listing naming no record of the run)."""


class GraphLoadError(TracegraphError):
    """Writing a run into Neo4j failed (connection lost, constraint broken)."""


class LocalNeo4jError(TracegraphError):
    """The bundled local Neo4j could not be built, started or stopped."""


class SettingsError(TracegraphError):
    """An environment setting has a value the project cannot use."""


def validation_message(error: Mapping[str, Any]) -> str:
    """One pydantic error's message as a user reads it: without the ``Value error, `` that pydantic
    puts before the message of a validator's own ``ValueError``."""
    return str(error["msg"]).removeprefix("Value error, ")
