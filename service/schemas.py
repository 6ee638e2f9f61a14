"""Response models of the API (pydantic), with examples for the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ENTITY_ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"
PATH_RELATION_TYPES = (
    "OWNER_OF", "DIRECTOR_OF", "SHAREHOLDER_OF", "OPERATOR_OF", "MANAGER_OF", "TRADED_WITH",
    "FAMILY_OF", "ASSOCIATE_OF", "REGISTERED_AT", "POSSIBLY_SAME_AS",
)
DEFAULT_PATH_RELATIONS = tuple(t for t in PATH_RELATION_TYPES if t != "POSSIBLY_SAME_AS")


class Problem(BaseModel):
    """RFC 9457 problem document returned for every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


PROBLEM_DESCRIPTIONS = {
    301: "Merged into another entity: the Location header names the surviving entity's resource",
    401: "Missing or invalid API key (when TRACEGRAPH_API_KEYS is set)",
    404: "No such entity",
    422: "Invalid parameters or body",
    503: "Neo4j (or the screening model) is unavailable",
    504: "The query ran past the server-side time limit",
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error codes, each an ``application/problem+json`` Problem."""
    schema = Problem.model_json_schema()
    return {
        code: {"description": PROBLEM_DESCRIPTIONS[code],
               "content": {"application/problem+json": {"schema": schema}}}
        for code in codes
    }


class Health(BaseModel):
    status: Literal["ok"]
    neo4j: Literal["reachable"]


class Listing(BaseModel):
    list_name: str
    program: str | None = None
    listed_on: str | None = None
    source: str | None = None
    record_id: str | None = None


class Entity(BaseModel):
    id: str = Field(examples=["tg-co-0003c73c33270795"])
    type: str = Field(examples=["company"])
    labels: list[str] = Field(examples=[["Entity", "Company", "Sanctioned"]])
    name: str = Field(examples=["Dandong Hongxiang Industrial Development Co., Ltd."])
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None
    sanctioned: bool = False
    listings: list[Listing] = Field(default_factory=list)
    record_count: int = 0
    relation_count: int = 0
    possible_duplicates: int = 0
    attributes: dict[str, Any] = Field(default_factory=dict, description="Other golden attributes")


class GraphNode(BaseModel):
    id: str
    labels: list[str]
    name: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class GraphRelationship(BaseModel):
    id: str
    type: str
    start_node: str
    end_node: str
    properties: dict[str, Any] = Field(default_factory=dict)


class Hop(BaseModel):
    from_id: str
    to_id: str
    type: str
    direction: Literal["forward", "backward"] = Field(
        description="forward when the relationship points from from_id to to_id"
    )


class PathResult(BaseModel):
    length: int
    node_ids: list[str]
    hops: list[Hop]


class Subgraph(BaseModel):
    nodes: list[GraphNode]
    relationships: list[GraphRelationship]


class PathsResponse(Subgraph):
    source: str
    target: str
    max_hops: int
    found: bool = Field(description="false when no path exists within max_hops (not an error)")
    paths: list[PathResult]


class NeighbourhoodResponse(Subgraph):
    entity_id: str
    depth: int
    truncated: bool = Field(description="true when the limit cut the neighbourhood short")


class EntitySummary(BaseModel):
    id: str
    type: str
    name: str
    labels: list[str]
    country: str | None = None
    sanctioned: bool = False
    aliases: list[str] = Field(default_factory=list)
    score: float | None = Field(None, description="fulltext relevance when searching")


class EntityPage(BaseModel):
    items: list[EntitySummary]
    next_cursor: str | None = Field(None, description="pass as cursor= for the next page; null on the last")


class Exposure(BaseModel):
    sanctioned_id: str
    sanctioned_name: str | None
    hops: int
    relationship_types: list[str]
    path: PathResult


class ExposureResponse(Subgraph):
    entity_id: str
    max_hops: int
    self_sanctioned: bool
    exposures: list[Exposure]


class Evidence(BaseModel):
    other: str = Field(description="the other record of the merged pair")
    match_probability: float
    match_weight: float
    weights: dict[str, float] = Field(description="match weight of each comparison (Splink mw_*)")


class MemberRecord(BaseModel):
    key: str
    source: str
    record_id: str
    name: str
    probability: float | None = Field(description="best match probability that tied the record in")
    properties: dict[str, Any]
    evidence: list[Evidence]


class RecordsResponse(BaseModel):
    entity_id: str
    items: list[MemberRecord]
    next_cursor: str | None = None


class ControlledFirm(BaseModel):
    id: str
    name: str | None
    trade_usd: float
    sanctioned: bool


class Controller(BaseModel):
    id: str
    name: str
    labels: list[str]
    firm_count: int
    trade_usd: float
    shipments: int
    share_of_trade: float
    firms: list[ControlledFirm]


class ControllersResponse(BaseModel):
    items: list[Controller]


class MatchRequest(BaseModel):
    """A record to screen; the same fields as a canonical record (validated the same way)."""

    entity_type: Literal["company", "person", "vessel"]
    name: str = Field(min_length=1, max_length=1000, examples=["Dandong Hongxiang Industrial Development Co., Ltd."])
    aliases: list[str] = Field(default_factory=list, max_length=50)
    country: str | None = Field(None, max_length=100, examples=["China"])
    address: str | None = Field(None, max_length=1000)
    registration_number: str | None = Field(None, max_length=100)
    date_of_birth: str | None = Field(None, max_length=40)
    nationality: str | None = Field(None, max_length=100)
    id_number: str | None = Field(None, max_length=100)
    imo: str | None = Field(None, max_length=20, examples=["IMO 9074729"])
    mmsi: str | None = Field(None, max_length=20)
    call_sign: str | None = Field(None, max_length=20)
    flag: str | None = Field(None, max_length=100)
    limit: int = Field(10, ge=1, le=50)


class MatchCandidate(BaseModel):
    entity_id: str
    name: str
    record_key: str = Field(description="the member record that scored best")
    match_probability: float
    match_weight: float
    weights: dict[str, float] = Field(description="match weight of each comparison (Splink mw_*), in bits")
    tf_adjustments: dict[str, float] = Field(
        default_factory=dict,
        description="what the value's frequency changed a comparison's weight by, in bits (Splink mw_tf_adj_*): "
                    "a name many records share weighs less. The prior's weight, the weights and these add "
                    "up to match_weight",
    )
    conflicts: list[str] = Field(
        default_factory=list,
        description="fields one entity holds once on which the record and the entity disagree, e.g. "
                    "'date_of_birth 1970-01-02 / 1981-05-06' (the record's value, then the entity's): "
                    "a high probability through one of its records that lacks the field may still be another entity",
    )


class MatchResponse(BaseModel):
    candidates: list[MatchCandidate]
