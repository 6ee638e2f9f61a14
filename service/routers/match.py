from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from resolution.errors import validation_message
from resolution.models import Record
from service.schemas import MatchCandidate, MatchRequest, MatchResponse, problem_responses
from service.screening import ScreeningClient

router = APIRouter(tags=["screening"])


@router.post("/match", response_model=MatchResponse, responses=problem_responses(401, 422, 503))
async def match(body: MatchRequest, request: Request) -> MatchResponse:
    """Screen a record against the resolved entities with the trained Splink model: candidates
    with match probability and each comparison's weight, best first.

    Candidates are the resolved records that share a blocking key of the model or a word of the
    name with the record; the probability takes the record to name one of the type's resolved
    records, a priori, when the run's own prior is lower (a run of a sanctions list alone)."""
    payload = body.model_dump(exclude={"limit"}) | {"source": "query", "record_id": "query"}
    try:
        record = Record.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError(
            [{"loc": ("body", *e["loc"]), "msg": validation_message(e), "type": e["type"]} for e in exc.errors()]
        ) from exc
    client: ScreeningClient = request.app.state.screening
    candidates = await client.screen(record.model_dump(mode="json"), body.limit)
    return MatchResponse(candidates=[MatchCandidate(**c) for c in candidates])
