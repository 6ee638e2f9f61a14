"""Prometheus metrics: request counts and latencies per route template, served at /metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response, params
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest


def install_metrics(app: FastAPI, dependencies: Sequence[params.Depends] = ()) -> None:
    """A registry per app (so several apps can live in one process, as in tests)."""
    registry = CollectorRegistry()
    requests = Counter(
        "tracegraph_http_requests", "HTTP requests served", ["method", "route", "status"], registry=registry
    )
    latency = Histogram(
        "tracegraph_http_request_duration_seconds", "Time to answer a request", ["method", "route"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=registry,
    )

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", "unmatched")
            requests.labels(request.method, route, str(status)).inc()
            latency.labels(request.method, route).observe(time.perf_counter() - started)

    @app.get("/metrics", include_in_schema=True, tags=["health"], response_class=Response,
             dependencies=list(dependencies))
    async def metrics() -> Response:
        """Prometheus text format."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
