"""The ASGI app: ``service.app:app``. Importing it opens no connection; the Neo4j driver is
created in the lifespan and closed on shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import logging

from fastapi import Depends, FastAPI

from service.errors import install_error_handlers
from service.repository import GraphRepository
from service.metrics import install_metrics
from service.routers import analytics, entities, health, match, paths
from service.screening import ScreeningClient
from service.security import install_cors, require_key
from service.settings import ServiceSettings, get_settings


log = logging.getLogger("service")


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The app for ``settings`` (read from the environment when not given); no connection yet."""
    active = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for warning in active.warnings():
            log.warning(warning)
        repository = GraphRepository.connect(active)
        app.state.repository = repository
        app.state.screening = ScreeningClient(active.run_dir, allocator=active.screening_allocator)
        try:
            yield
        finally:
            app.state.repository = None
            app.state.screening.close()
            await repository.close()

    app = FastAPI(
        title="Tracegraph API",
        version="0.1.0",
        description="How is this firm connected to a sanctioned party? Entities resolved from "
        "registries, trade data and sanctions lists, with paths and neighbourhoods from Neo4j.",
        lifespan=lifespan,
    )
    app.state.settings = active
    install_error_handlers(app)
    # the key checks are attached only when keys are configured, so the OpenAPI document says
    # truthfully which operations need one
    writes = [Depends(require_key)] if active.keys else []
    reads = writes if active.protect_reads else []
    install_metrics(app, dependencies=writes)
    install_cors(app, active)
    app.include_router(health.router)
    app.include_router(entities.router, dependencies=reads)
    app.include_router(paths.router, dependencies=reads)
    app.include_router(analytics.router, dependencies=reads)
    app.include_router(match.router, dependencies=writes)
    return app


app = create_app()
