"""Shared dependencies: the repository lives on ``app.state`` from the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from service.errors import DatabaseUnavailable
from service.repository import GraphRepository
from service.schemas import ENTITY_ID_PATTERN


def get_repository(request: Request) -> GraphRepository:
    repository = getattr(request.app.state, "repository", None)
    if repository is None:
        raise DatabaseUnavailable("the API has no database connection (lifespan not started)")
    return repository


Repository = Annotated[GraphRepository, Depends(get_repository)]
EntityIdPath = Annotated[
    str, Path(pattern=ENTITY_ID_PATTERN, description="Entity id, e.g. tg-co-0003c73c33270795")
]
