from __future__ import annotations

from fastapi import APIRouter

from service.deps import Repository
from service.errors import DatabaseUnavailable
from service.schemas import Health, problem_responses

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses=problem_responses(503, 504))
async def health(repository: Repository) -> Health:
    """Ok when Neo4j answers a read; 503 problem otherwise."""
    if not await repository.ping():
        raise DatabaseUnavailable("Neo4j answered the health query with an unexpected result")
    return Health(status="ok", neo4j="reachable")
