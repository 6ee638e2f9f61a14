from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import EntityIdPath, Repository
from service.errors import EntityNotFound
from service.schemas import (
    DEFAULT_PATH_RELATIONS,
    PATH_RELATION_TYPES,
    Entity,
    Listing,
    NeighbourhoodResponse,
    Problem,
)
from service.subgraph import SubgraphBuilder

router = APIRouter(prefix="/entities", tags=["entities"])
_CORE = {"id", "type", "name", "aliases", "country", "sanctioned"}
RelationFilter = Annotated[
    list[str] | None,
    Query(description=f"Relationship types to follow (default: all but POSSIBLY_SAME_AS). One of {', '.join(PATH_RELATION_TYPES)}"),
]


def relation_types(requested: list[str] | None) -> list[str]:
    """Validated relationship types: only names from a fixed list ever reach a query."""
    if not requested:
        return list(DEFAULT_PATH_RELATIONS)
    wanted = [t.strip().upper() for item in requested for t in item.split(",") if t.strip()]
    unknown = sorted(set(wanted) - set(PATH_RELATION_TYPES))
    if unknown:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(
            [{"loc": ("query", "relations"), "msg": f"unknown relationship types {unknown}", "type": "value_error"}]
        )
    return wanted


@router.get("/{entity_id}", response_model=Entity, responses={404: {"model": Problem}, 503: {"model": Problem}})
async def get_entity(entity_id: EntityIdPath, repository: Repository) -> Entity:
    """Golden attributes, labels, sanctions listings and counts for one entity."""
    row = await repository.entity(entity_id)
    if row is None:
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    props = row["entity"]
    return Entity(
        id=props["id"], type=props.get("type", ""), labels=row["labels"], name=props.get("name", ""),
        aliases=props.get("aliases", []), country=props.get("country"),
        sanctioned=bool(props.get("sanctioned")),
        listings=[Listing(**{k: v for k, v in lst.items() if k in Listing.model_fields}) for lst in row["listings"]],
        record_count=row["record_count"], relation_count=row["relation_count"],
        possible_duplicates=row["possible_duplicates"],
        attributes={k: v for k, v in props.items() if k not in _CORE},
    )


@router.get(
    "/{entity_id}/neighbourhood",
    response_model=NeighbourhoodResponse,
    responses={404: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
)
async def neighbourhood(
    entity_id: EntityIdPath,
    repository: Repository,
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the entity (at most 3)")] = 1,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many paths are expanded")] = 200,
    relations: RelationFilter = None,
) -> NeighbourhoodResponse:
    """The bounded subgraph around one entity."""
    types = relation_types(relations)
    if await repository.missing_ids([entity_id]):
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    rows = await repository.neighbourhood(entity_id, depth=depth, limit=limit, relation_types=types)
    builder = SubgraphBuilder()
    for row in rows:
        builder.add_path(row)
    return NeighbourhoodResponse(
        entity_id=entity_id, depth=depth, truncated=len(rows) >= limit,
        nodes=list(builder.nodes.values()), relationships=list(builder.relationships.values()),
    )
