"""Property-based fuzzing of every endpoint from the OpenAPI document (schemathesis), against the
real API process and the real Neo4j holding a resolved world.

Checks on every generated request: no 5xx other than the documented 503/504, responses conform to
the documented schemas and status codes, errors are problem documents, no response is unbounded,
and the graph is not changed by any request (hostile names stay data). The number of examples per
operation is bounded (``FUZZ_EXAMPLES``) and the run is derandomised so CI is reproducible.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from neo4j import Driver
from schemathesis.specs.openapi.checks import positive_data_acceptance

from resolution.graph.loader import graph_counts
from resolution.settings import ResolutionSettings
from service.app import create_app
from service.settings import ServiceSettings
from tests.api_server import neo4j_env, serve_api

pytestmark = [pytest.mark.graph]
FUZZ_EXAMPLES = int(os.environ.get("TRACEGRAPH_FUZZ_EXAMPLES", "25"))
MAX_RESPONSE_BYTES = 2_000_000
API_KEY = "fuzz-key-0123456789abcdef"
AUTH = {"X-API-Key": API_KEY}
HOSTILE_TEXT = [
    "') DETACH DELETE n //",
    "x\" OR 1=1 //",
    "MATCH (n) DETACH DELETE n",
    "*:* OR name:*",
    "} RETURN 1 UNION CALL db.labels() YIELD label RETURN label //",
    "\u0000\u202e\ufeff",
    "a" * 5000,
]


@pytest.fixture(scope="module")
def api_url(loaded_run: Path, graph_settings: ResolutionSettings) -> Iterator[str]:
    env = neo4j_env(graph_settings, TRACEGRAPH_API_RUN_DIR=str(loaded_run), TRACEGRAPH_API_KEYS=API_KEY,
                    TRACEGRAPH_API_PROTECT_READS="true")
    with serve_api(env) as url:
        yield url


@pytest.fixture(scope="module")
def counts_before(loaded_run: Path, neo4j_driver: Driver) -> dict[str, int]:
    return graph_counts(neo4j_driver, "neo4j")


@pytest.fixture(scope="module")
def api_schema(api_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{api_url}/openapi.json")


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation, read from the app without any connection."""
    document = create_app(ServiceSettings(NEO4J_URI="bolt://127.0.0.1:1", keys=API_KEY, protect_reads=True)).openapi()
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


@schemathesis.check
def bounded_response(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool:
    """No answer is bigger than MAX_RESPONSE_BYTES."""
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise AssertionError(f"{case.method} {case.path} answered {len(response.content)} bytes")
    return True


@schemathesis.check
def errors_are_problems(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool:
    """Every 4xx/5xx is application/problem+json with a title and a detail."""
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), f"{response.status_code} as {content_type}"
        body = response.json()
        assert body.get("title") and body.get("detail"), body
    return True


# Operations whose schema-valid input may still be refused with 422, by design: POST /match
# validates fields semantically (country names, IMO check digits, impossible dates) and
# GET /entities takes an opaque cursor that only this API hands out.
SEMANTIC_VALIDATION = {("POST", "/match"), ("GET", "/entities")}


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: str(v))
def test_every_endpoint_survives_generated_input(api_schema: schemathesis.BaseSchema, method: str, path: str) -> None:
    operation = api_schema[path][method]
    excluded = [positive_data_acceptance] if (method, path) in SEMANTIC_VALIDATION else []

    @given(case=operation.as_strategy())
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(timeout=30, headers=AUTH)
        assert response.status_code not in (500, 502), response.text[:500]
        case.validate_response(response, additional_checks=[bounded_response, errors_are_problems],
                               excluded_checks=excluded)

    fuzz()


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_stays_data(api_url: str, text: str, neo4j_driver: Driver,
                                 counts_before: dict[str, int]) -> None:
    responses = [
        httpx.get(f"{api_url}/entities", params={"q": text, "limit": 5}, headers=AUTH, timeout=30),
        httpx.get(f"{api_url}/entities", params={"q": "dandong", "country": text[:2], "type": "company"}, headers=AUTH,
                  timeout=30),
        httpx.post(f"{api_url}/match", json={"entity_type": "company", "name": text, "country": "CN"}, headers=AUTH,
                   timeout=60),
        httpx.get(f"{api_url}/paths", params={"source": text, "target": text}, headers=AUTH, timeout=30),
    ]
    for response in responses:
        assert response.status_code in (200, 404, 422), response.text[:300]
        if response.status_code != 200:
            assert response.headers["content-type"] == "application/problem+json"
    assert graph_counts(neo4j_driver, "neo4j") == counts_before


def test_fuzzing_left_the_graph_unchanged(api_url: str, neo4j_driver: Driver, counts_before: dict[str, int]) -> None:
    assert graph_counts(neo4j_driver, "neo4j") == counts_before
