"""Settings of the API service: one pydantic-settings object, environment first."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_NEO4J_PASSWORD = "tracegraph-dev"
MIN_API_KEY_LENGTH = 16


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ServiceSettings(BaseSettings):
    """``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` and ``TRACEGRAPH_API_*``:
    query timeout in seconds, connection pool size, ``RUN_DIR`` for screening (and
    ``SCREENING_ALLOCATOR``, ``jemalloc`` or ``system``, for its worker process), and access:
    ``KEYS`` (comma-separated API keys for POST /match and /metrics), ``PROTECT_READS`` (reads need a
    key too), ``CORS_ORIGINS`` (comma-separated; CORS is off when empty) and ``ENVIRONMENT``
    (``production`` refuses to start without API keys or with the development Neo4j password)."""

    model_config = SettingsConfigDict(env_prefix="TRACEGRAPH_API_", extra="ignore")

    neo4j_uri: str = Field("bolt://localhost:7687", validation_alias="NEO4J_URI")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(SecretStr(DEV_NEO4J_PASSWORD), validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field("neo4j", validation_alias="NEO4J_DATABASE")
    query_timeout_s: float = Field(10.0, gt=0, le=300)
    pool_size: int = Field(50, ge=1, le=500)
    connection_timeout_s: float = Field(5.0, gt=0, le=60)
    run_dir: Path | None = Field(
        None, description="Run folder whose records and models POST /match screens against"
    )
    screening_allocator: Literal["jemalloc", "system"] = Field(
        "jemalloc", description="Memory allocator of the screening worker (jemalloc when installed)"
    )
    environment: Literal["local", "production"] = "local"
    keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="API keys accepted in the X-API-Key header"
    )
    protect_reads: bool = False
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("keys", "cors_origins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("keys")
    @classmethod
    def _long_enough(cls, keys: list[SecretStr]) -> list[SecretStr]:
        if any(len(k.get_secret_value()) < MIN_API_KEY_LENGTH for k in keys):
            raise ValueError(f"every API key needs at least {MIN_API_KEY_LENGTH} characters")
        return keys

    @model_validator(mode="after")
    def _safe_for_production(self) -> ServiceSettings:
        if self.protect_reads and not self.keys:
            raise ValueError("TRACEGRAPH_API_PROTECT_READS needs TRACEGRAPH_API_KEYS")
        if self.environment != "production":
            return self
        if not self.keys:
            raise ValueError("TRACEGRAPH_API_ENVIRONMENT=production needs TRACEGRAPH_API_KEYS")
        if self.uses_dev_password:
            raise ValueError("TRACEGRAPH_API_ENVIRONMENT=production refuses the development NEO4J_PASSWORD")
        return self

    @property
    def uses_dev_password(self) -> bool:
        return self.neo4j_password.get_secret_value() == DEV_NEO4J_PASSWORD

    def warnings(self) -> list[str]:
        """What a local deployment should be told at start-up."""
        found = []
        if not self.keys:
            found.append("no TRACEGRAPH_API_KEYS set: POST /match and /metrics are open to anyone "
                         "who can reach this port")
        if self.uses_dev_password:
            found.append("NEO4J_PASSWORD is the development default: set your own before exposing Neo4j")
        return found


@lru_cache(maxsize=1)
def get_settings() -> ServiceSettings:
    return ServiceSettings()
