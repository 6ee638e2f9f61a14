"""Access control: API keys (compared in constant time) and CORS, both from ``ServiceSettings``.

When keys are configured, write/admin endpoints (POST /match, /metrics) depend on ``require_key``,
and reads do too when ``protect_reads`` is set (the app attaches the dependency, so the OpenAPI
document shows which operations need a key); /health stays open for orchestrators. CORS is off
unless origins are configured.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import FastAPI, Request, Security
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import APIKeyHeader
from pydantic import SecretStr

from service.errors import Unauthorized
from service.settings import ServiceSettings

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key from TRACEGRAPH_API_KEYS")


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def key_is_valid(given: str, keys: list[SecretStr]) -> bool:
    """True when ``given`` is one of ``keys``; every key is compared, each in constant time."""
    given_digest = _digest(given)
    valid = False
    for key in keys:
        valid |= hmac.compare_digest(given_digest, _digest(key.get_secret_value()))
    return valid


def _check(request: Request, given: str | None) -> None:
    settings: ServiceSettings = request.app.state.settings
    if not given:
        raise Unauthorized(f"this endpoint needs an API key in the {API_KEY_HEADER} header")
    if not key_is_valid(given, settings.keys):
        raise Unauthorized("the API key is not valid")


async def require_key(request: Request, given: str | None = Security(_api_key)) -> None:
    """Dependency of protected endpoints: 401 problem unless the header holds a configured key."""
    _check(request, given)


def install_cors(app: FastAPI, settings: ServiceSettings) -> None:
    """CORS for the configured origins only (GET and POST, the API key header)."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, "Content-Type"], allow_credentials=False,
        )
