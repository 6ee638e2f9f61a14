from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import StringConstraints

from service.deps import EntityIdPath, Repository, raise_missing_entity, require_entity
from service.pagination import decode_cursor, encode_cursor
from service.schemas import (
    DEFAULT_PATH_RELATIONS,
    PATH_RELATION_TYPES,
    Entity,
    EntityPage,
    EntitySummary,
    Evidence,
    Exposure,
    ExposureResponse,
    Listing,
    MemberRecord,
    NeighbourhoodResponse,
    problem_responses,
    RecordsResponse,
)
from service.search import lucene_query
from service.subgraph import SubgraphBuilder

router = APIRouter(prefix="/entities", tags=["entities"])
_CORE = {"id", "type", "name", "aliases", "country", "sanctioned"}
_RELATION_NAME = "|".join(n for t in PATH_RELATION_TYPES for n in (t, t.lower()))
RELATION_LIST_PATTERN = rf"^\s*({_RELATION_NAME})(\s*,\s*({_RELATION_NAME}))*\s*$"
RelationFilter = Annotated[
    list[Annotated[str, StringConstraints(pattern=RELATION_LIST_PATTERN)]] | None,
    Query(
        description="Relationship types to follow (default: all but POSSIBLY_SAME_AS), repeated or "
        f"comma-separated. One of {', '.join(PATH_RELATION_TYPES)}",
    ),
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


ERRORS = problem_responses(301, 401, 404, 422, 503, 504)
EntityType = Literal["company", "person", "vessel"]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]


def _summary(row: dict) -> EntitySummary:
    props = row["entity"]
    return EntitySummary(
        id=props["id"], type=props.get("type", ""), name=props.get("name", ""), labels=row["labels"],
        country=props.get("country"), sanctioned=bool(props.get("sanctioned")),
        aliases=props.get("aliases", []), score=row.get("score"),
    )


@router.get("", response_model=EntityPage, responses=problem_responses(401, 422, 503, 504))
async def search_entities(
    repository: Repository,
    q: Annotated[str | None, Query(max_length=300, description="Search text over names and aliases (fulltext, typo-tolerant)")] = None,
    type: Annotated[list[EntityType] | None, Query(description="Only these entity types")] = None,  # noqa: A002
    country: Annotated[list[CountryCode] | None, Query(description="Only these ISO 3166-1 alpha-2 countries")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500, description="next_cursor of the previous page")] = None,
) -> EntityPage:
    """Ranked fulltext search over names and aliases, or (without q) all entities in id order."""
    types = sorted(set(type or []))
    countries = sorted({c.strip().upper() for c in country or [] if c.strip()})
    lucene = lucene_query(q) if q else None
    if lucene:
        state = decode_cursor(cursor, "search")
        skip = int(state.get("skip", 0))
        rows = await repository.search(lucene, types=types, countries=countries, skip=skip, limit=limit + 1)
        more = len(rows) > limit
        next_cursor = encode_cursor({"k": "search", "skip": skip + limit}) if more else None
    else:
        state = decode_cursor(cursor, "list")
        rows = await repository.list_entities(types=types, countries=countries, after=str(state.get("after", "")), limit=limit + 1)
        more = len(rows) > limit
        next_cursor = encode_cursor({"k": "list", "after": rows[limit - 1]["entity"]["id"]}) if more else None
    return EntityPage(items=[_summary(r) for r in rows[:limit]], next_cursor=next_cursor)


@router.get("/{entity_id}", response_model=Entity, responses=ERRORS)
async def get_entity(entity_id: EntityIdPath, repository: Repository, request: Request) -> Entity:
    """Golden attributes, labels, sanctions listings and counts for one entity; a merged-away id
    answers 301 with the surviving id."""
    row = await repository.entity(entity_id)
    if row is None:
        await raise_missing_entity(repository, entity_id, request)
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
    responses=ERRORS,
)
async def neighbourhood(
    entity_id: EntityIdPath,
    repository: Repository,
    request: Request,
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the entity (at most 3)")] = 1,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many paths are expanded")] = 200,
    relations: RelationFilter = None,
) -> NeighbourhoodResponse:
    """The bounded subgraph around one entity."""
    types = relation_types(relations)
    await require_entity(repository, entity_id, request)
    rows = await repository.neighbourhood(entity_id, depth=depth, limit=limit, relation_types=types)
    builder = SubgraphBuilder()
    for row in rows:
        builder.add_path(row)
    return NeighbourhoodResponse(
        entity_id=entity_id, depth=depth, truncated=len(rows) >= limit, **dict(builder.subgraph())
    )


@router.get("/{entity_id}/exposure", response_model=ExposureResponse, responses=ERRORS)
async def exposure(
    entity_id: EntityIdPath,
    repository: Repository,
    request: Request,
    max_hops: Annotated[int, Query(ge=1, le=6, description="Furthest sanctioned party considered (at most 6)")] = 4,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many sanctioned parties")] = 20,
    relations: RelationFilter = None,
) -> ExposureResponse:
    """The nearest sanctioned parties, each with one shortest path, its hop count and the kinds of
    relationship on the way, sorted by distance."""
    types = relation_types(relations)
    found = await repository.exposure(entity_id, max_hops=max_hops, relation_types=types, limit=limit)
    if found is None:
        await raise_missing_entity(repository, entity_id, request)
    builder = SubgraphBuilder()
    for node in found["nodes"]:
        builder.add_node(node)
    for rel in found["relationships"]:
        builder.add_relationship(rel)
    exposures = []
    for row in found["exposures"]:
        path = builder.path(row["node_ids"], row["relationship_ids"])
        exposures.append(Exposure(
            sanctioned_id=row["sanctioned_id"], sanctioned_name=builder.nodes[row["sanctioned_id"]].name,
            hops=path.length, relationship_types=sorted({h.type for h in path.hops}), path=path,
        ))
    return ExposureResponse(
        entity_id=entity_id, max_hops=max_hops,
        self_sanctioned="Sanctioned" in found["labels"], exposures=exposures, **dict(builder.subgraph()),
    )


@router.get("/{entity_id}/records", response_model=RecordsResponse, responses=ERRORS)
async def records(
    entity_id: EntityIdPath,
    repository: Repository,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> RecordsResponse:
    """The entity's member source records, each with the merged pairs (evidence) that tie it to
    other members and every comparison's match weight."""
    await require_entity(repository, entity_id, request)
    skip = int(decode_cursor(cursor, "records").get("skip", 0))
    rows = await repository.records(entity_id, skip=skip, limit=limit + 1)
    items = []
    for row in rows[:limit]:
        props = row["record"]
        evidence = [
            Evidence(other=e["other"], match_probability=e["match_probability"], match_weight=e["match_weight"],
                     weights=dict(zip(e["comparisons"], e["weights"], strict=True)))
            for e in row["evidence"] if e is not None
        ]
        items.append(MemberRecord(
            key=props["key"], source=props["source"], record_id=props["record_id"], name=props.get("name", ""),
            probability=row["probability"], properties=props, evidence=evidence,
        ))
    more = len(rows) > limit
    return RecordsResponse(
        entity_id=entity_id, items=items,
        next_cursor=encode_cursor({"k": "records", "skip": skip + limit}) if more else None,
    )
