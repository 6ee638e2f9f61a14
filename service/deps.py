"""Shared dependencies: the repository lives on ``app.state`` from the lifespan."""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import Depends, Path, Request

from service.errors import DatabaseUnavailable, EntityMoved, EntityNotFound
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


async def require_entity(repository: GraphRepository, entity_id: str, request: Request) -> None:
    """Return when the entity exists; otherwise answer as ``raise_missing_entity`` does."""
    if await repository.missing_ids([entity_id]):
        await raise_missing_entity(repository, entity_id, request)


async def raise_missing_entity(repository: GraphRepository, entity_id: str, request: Request) -> NoReturn:
    """For an id with no entity: 301 to the same resource of the surviving entity when it was
    merged away, 404 otherwise."""
    survivor = await repository.redirect(entity_id)
    if survivor is None:
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    path = request.url.path.replace(f"/entities/{entity_id}", f"/entities/{survivor}", 1)
    location = path + (f"?{request.url.query}" if request.url.query else "")
    raise EntityMoved(entity_id, survivor, location)
