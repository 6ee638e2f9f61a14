from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import Repository
from service.errors import EntityNotFound
from service.routers.entities import RelationFilter, relation_types
from service.schemas import ENTITY_ID_PATTERN, PathsResponse, problem_responses
from service.subgraph import SubgraphBuilder

router = APIRouter(tags=["paths"])
EntityIdQuery = Annotated[str, Query(pattern=ENTITY_ID_PATTERN)]


@router.get(
    "/paths",
    response_model=PathsResponse,
    responses=problem_responses(401, 404, 422, 503, 504),
)
async def paths(
    source: EntityIdQuery,
    target: EntityIdQuery,
    repository: Repository,
    max_hops: Annotated[int, Query(ge=1, le=8, description="Longest path considered (at most 8)")] = 4,
    k: Annotated[int, Query(ge=1, le=5, description="At most this many shortest paths")] = 1,
    relations: RelationFilter = None,
) -> PathsResponse:
    """Up to k shortest paths between two entities, as nodes + relationships + ordered hops.

    No path within ``max_hops`` is an answer (``found: false``), not an error; an unknown id is 404.
    """
    types = relation_types(relations)
    missing = await repository.missing_ids([source, target])
    if missing:
        moved = {m: await repository.redirect(m) for m in missing}
        if all(moved.values()):
            source, target = moved.get(source) or source, moved.get(target) or target
        else:
            unknown = [m for m, to in moved.items() if to is None]
            raise EntityNotFound(f"no entity with id {', '.join(repr(m) for m in unknown)}")
    builder = SubgraphBuilder()
    results = []
    if source != target:
        rows = await repository.shortest_paths(source, target, max_hops=max_hops, k=k, relation_types=types)
        results = [builder.add_path(row) for row in rows]
    return PathsResponse(
        source=source, target=target, max_hops=max_hops, found=bool(results), paths=results,
        **dict(builder.subgraph()),
    )
