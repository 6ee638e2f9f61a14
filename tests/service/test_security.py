"""Access control: API keys on write/admin endpoints (and reads when asked), CORS off by default,
production refuses unsafe settings. No database needed: the checks run before any query."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from service.app import create_app
from service.security import key_is_valid
from service.settings import ServiceSettings

KEY = "k" * 20
OTHER_KEY = "a-second-key-0123456789"
OFFLINE = {"NEO4J_URI": "bolt://127.0.0.1:1", "connection_timeout_s": 1}
MATCH_BODY = {"entity_type": "company", "name": "Dandong Trading"}


def client_for(**values: object) -> TestClient:
    return TestClient(create_app(ServiceSettings(**OFFLINE, **values)))


def test_keys_are_compared_against_every_configured_key() -> None:
    keys = [SecretStr(KEY), SecretStr(OTHER_KEY)]
    assert key_is_valid(KEY, keys) and key_is_valid(OTHER_KEY, keys)
    assert not key_is_valid(KEY[:-1], keys)
    assert not key_is_valid(KEY + "x", keys)
    assert not key_is_valid("", keys)


@pytest.mark.parametrize(("method", "path"), [("POST", "/match"), ("GET", "/metrics")])
def test_write_and_admin_endpoints_need_a_key(method: str, path: str) -> None:
    with client_for(keys=f"{KEY},{OTHER_KEY}") as client:
        body = MATCH_BODY if method == "POST" else None
        missing = client.request(method, path, json=body)
        wrong = client.request(method, path, json=body, headers={"X-API-Key": "not-the-key-at-all"})
        right = client.request(method, path, json=body, headers={"X-API-Key": OTHER_KEY})
    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert "X-API-Key" in missing.json()["detail"] and missing.headers["WWW-Authenticate"]
    assert wrong.json()["detail"] == "the API key is not valid"
    assert right.status_code not in (401, 403)


def test_reads_are_open_unless_protected() -> None:
    with client_for(keys=KEY) as client:
        assert client.get("/paths", params={"source": "a", "target": "b"}).status_code == 503
        assert client.get("/health").status_code == 503
    with client_for(keys=KEY, protect_reads=True) as client:
        assert client.get("/paths", params={"source": "a", "target": "b"}).status_code == 401
        assert client.get("/entities", params={"q": "x"}, headers={"X-API-Key": KEY}).status_code == 503
        assert client.get("/health").status_code == 503  # health stays open for orchestrators


def test_without_keys_the_endpoints_are_open_and_a_warning_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"), client_for() as client:
        assert client.get("/metrics").status_code == 200
    assert any("TRACEGRAPH_API_KEYS" in m for m in caplog.messages)
    assert any("NEO4J_PASSWORD" in m for m in caplog.messages)


def test_cors_is_off_unless_configured() -> None:
    preflight = {"Origin": "https://analyst.example", "Access-Control-Request-Method": "GET"}
    with client_for() as client:
        response = client.get("/metrics", headers={"Origin": "https://analyst.example"})
        assert "access-control-allow-origin" not in response.headers
    with client_for(cors_origins="https://analyst.example, https://other.example") as client:
        allowed = client.options("/metrics", headers=preflight)
        refused = client.options("/metrics", headers=preflight | {"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://analyst.example"
    assert "access-control-allow-origin" not in refused.headers


def test_settings_read_comma_separated_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEGRAPH_API_KEYS", f" {KEY} , {OTHER_KEY} ")
    monkeypatch.setenv("TRACEGRAPH_API_CORS_ORIGINS", "https://a.example")
    settings = ServiceSettings()
    assert [k.get_secret_value() for k in settings.keys] == [KEY, OTHER_KEY]
    assert settings.cors_origins == ["https://a.example"]
    assert KEY not in repr(settings)


def test_short_keys_and_unsafe_production_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least 16"):
        ServiceSettings(keys="short")
    with pytest.raises(ValidationError, match="needs TRACEGRAPH_API_KEYS"):
        ServiceSettings(environment="production", NEO4J_PASSWORD="a-real-password")
    with pytest.raises(ValidationError, match="development NEO4J_PASSWORD"):
        ServiceSettings(environment="production", keys=KEY)
    ok = ServiceSettings(environment="production", keys=KEY, NEO4J_PASSWORD="a-real-password")
    assert ok.warnings() == []


def test_openapi_document_says_which_operations_need_a_key() -> None:
    def secured(settings: ServiceSettings) -> set[str]:
        document = create_app(settings).openapi()
        return {f"{m.upper()} {p}" for p, item in document["paths"].items() for m, op in item.items() if op.get("security")}

    assert secured(ServiceSettings(**OFFLINE)) == set()
    assert secured(ServiceSettings(**OFFLINE, keys=KEY)) == {"POST /match", "GET /metrics"}
    everything = secured(ServiceSettings(**OFFLINE, keys=KEY, protect_reads=True))
    assert {"GET /paths", "GET /entities/{entity_id}", "POST /match"} <= everything
    assert "GET /health" not in everything
    with pytest.raises(ValidationError, match="PROTECT_READS needs"):
        ServiceSettings(protect_reads=True)
