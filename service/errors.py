"""Domain errors of the API and the one place they become ``application/problem+json``."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
# Seconds a client should wait before asking again while Neo4j is down (Retry-After on 503s).
RETRY_AFTER_S = 5
# The server ends running transactions with these codes when it shuts down (or an operator kills
# them): for a client that is "the database is going away", not a bug of the query.
_TERMINATED = frozenset({"Neo.ClientError.Transaction.Terminated", "Neo.ClientError.Transaction.LockClientStopped"})


class ApiError(Exception):
    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unauthorized(ApiError):
    """A missing or wrong API key: 401 with a ``WWW-Authenticate`` challenge."""

    status = 401
    title = "API key required"


class EntityNotFound(ApiError):
    status = 404
    title = "Entity not found"


class EntityMoved(ApiError):
    """The id was merged into another entity: answered with 301 and a Location header."""

    status = 301
    title = "Entity merged into another"

    def __init__(self, old_id: str, new_id: str, location: str) -> None:
        super().__init__(f"entity {old_id!r} was merged into {new_id!r}")
        self.new_id = new_id
        self.location = location


class InvalidCursor(ApiError):
    status = 422
    title = "Invalid request"


class DatabaseUnavailable(ApiError):
    status = 503
    title = "Graph database unavailable"


class QueryTimeout(ApiError):
    status = 504
    title = "Query timed out"


def problem(status: int, title: str, detail: str, request: Request, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": str(request.url.path), **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if type(exc) is DatabaseUnavailable:
        response = problem(exc.status, exc.title, exc.detail, request)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if isinstance(exc, EntityMoved):
        response = problem(exc.status, exc.title, exc.detail, request, redirect_to=exc.new_id)
        response.headers["Location"] = exc.location
        return response
    response = problem(exc.status, exc.title, exc.detail, request)
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
    return problem(422, "Invalid request", detail, request, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
    return problem(exc.status_code, title, str(exc.detail), request)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unavailable_problem(request: Request, cause: str) -> JSONResponse:
    uri = getattr(getattr(request.app.state, "settings", None), "neo4j_uri", "the configured URI")
    detail = f"Neo4j at {uri} cannot be reached or is not serving queries; retry later. Cause: {_one_line(cause)}"
    response = problem(503, DatabaseUnavailable.title, detail, request)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Connection refused or lost, pool exhausted, database stopping or starting: 503, retry later."""
    return _unavailable_problem(request, getattr(exc, "message", None) or str(exc) or type(exc).__name__)


async def _client_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ClientError)
    code = exc.code or ""
    if "TransactionTimedOut" in code or "timeout" in code.lower():
        return problem(504, QueryTimeout.title, "the query ran past its time limit", request)
    if code in _TERMINATED:
        return _unavailable_problem(request, exc.message or code)
    log.exception("Neo4j client error")
    return problem(500, "Query failed", exc.message or "the graph query failed", request)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s", request.url.path)
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged", request)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the API can meet to a problem document."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ServiceUnavailable, _unavailable)
    app.add_exception_handler(SessionExpired, _unavailable)
    app.add_exception_handler(ConnectionAcquisitionTimeoutError, _unavailable)
    # DatabaseUnavailable (starting, stopping), deadlocks, leader switches: the same query may work
    # in a moment, so 503 with Retry-After rather than a 500
    app.add_exception_handler(TransientError, _unavailable)
    app.add_exception_handler(ClientError, _client_error)
    app.add_exception_handler(Exception, _unexpected)
