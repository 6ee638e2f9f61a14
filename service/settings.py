"""Settings of the API service: one pydantic-settings object, environment first."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` and
    ``TRACEGRAPH_API_*`` (query timeout in seconds, connection pool size, ``RUN_DIR`` for screening)."""

    model_config = SettingsConfigDict(env_prefix="TRACEGRAPH_API_", extra="ignore")

    neo4j_uri: str = Field("bolt://localhost:7687", validation_alias="NEO4J_URI")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(SecretStr("tracegraph-dev"), validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field("neo4j", validation_alias="NEO4J_DATABASE")
    query_timeout_s: float = Field(10.0, gt=0, le=300)
    pool_size: int = Field(50, ge=1, le=500)
    connection_timeout_s: float = Field(5.0, gt=0, le=60)
    run_dir: Path | None = Field(
        None, description="Run folder whose records and models POST /match screens against"
    )


@lru_cache(maxsize=1)
def get_settings() -> ServiceSettings:
    return ServiceSettings()
