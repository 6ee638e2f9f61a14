from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import Repository
from service.schemas import ControlledFirm, Controller, ControllersResponse, problem_responses

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/controllers", response_model=ControllersResponse, responses=problem_responses(401, 422, 503, 504))
async def controllers(
    repository: Repository,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ControllersResponse:
    """People and companies that control the largest share of trade through ownership,
    shareholding, directorship or management, with their firms (largest trade first)."""
    rows = await repository.controllers(limit=limit)
    return ControllersResponse(items=[
        Controller(
            id=r["controller"]["id"], name=r["controller"].get("name", ""), labels=r["labels"],
            firm_count=r["firm_count"], trade_usd=round(r["trade_usd"], 2), shipments=r["shipments"],
            share_of_trade=round(r["share"], 6),
            firms=[ControlledFirm(**{**f, "trade_usd": round(f["trade_usd"], 2)}) for f in r["firms"]],
        )
        for r in rows
    ])
