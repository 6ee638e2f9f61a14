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
    found = await repository.shortest_paths(source, target, max_hops=max_hops, k=k, relation_types=types)
    missing = [i for i, ok in ((source, found["source_found"]), (target, found["target_found"])) if not ok]
    if missing:
        moved = {m: await repository.redirect(m) for m in missing}
        unknown = [m for m, to in moved.items() if to is None]
        if unknown:
            raise EntityNotFound(f"no entity with id {', '.join(repr(m) for m in unknown)}")
        source, target = moved.get(source) or source, moved.get(target) or target
        found = await repository.shortest_paths(source, target, max_hops=max_hops, k=k, relation_types=types)
    builder = SubgraphBuilder()
    results = [builder.add_path(row) for row in found["paths"]]
    return PathsResponse(
        source=source, target=target, max_hops=max_hops, found=bool(results), paths=results,
        **dict(builder.subgraph()),
    )
