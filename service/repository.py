"""The only place that runs Cypher for the API: async Neo4j driver, statements from
``cypher/queries``, values as parameters, a server-side timeout on every query."""

from __future__ import annotations

import asyncio
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase, Query

import cypher
from service.errors import DatabaseUnavailable
from service.settings import ServiceSettings


class GraphRepository:
    def __init__(self, driver: AsyncDriver, settings: ServiceSettings) -> None:
        self.driver = driver
        self.settings = settings
        self.queries = cypher.statements("queries")

    @classmethod
    def connect(cls, settings: ServiceSettings) -> GraphRepository:
        """Create the driver (connections open lazily, on the first query)."""
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            max_connection_pool_size=settings.pool_size,
            connection_timeout=settings.connection_timeout_s,
            connection_acquisition_timeout=settings.connection_timeout_s * 2,
            # the static type lists in the path queries name types a graph may not have yet
            notifications_disabled_classifications=["UNRECOGNIZED"],
        )
        return cls(driver, settings)

    async def close(self) -> None:
        await self.driver.close()

    async def read(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        """Run a named read query with a timeout and return its records as dicts."""
        return await self._run(self.queries[name], parameters)

    @property
    def answer_deadline_s(self) -> float:
        """How long a read may take end to end: getting a connection plus the server-side query
        timeout. Past it the server is not answering at all (frozen, or a network that drops
        packets), which the server-side timeout alone cannot catch: the request would hang."""
        return self.settings.connection_timeout_s + self.settings.query_timeout_s

    async def _run(self, statement: cypher.CypherStatement, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        query = Query(statement.text, timeout=self.settings.query_timeout_s)
        try:
            async with asyncio.timeout(self.answer_deadline_s):
                async with self.driver.session(
                    database=self.settings.neo4j_database, default_access_mode="READ"
                ) as session:
                    result = await session.run(query, parameters)
                    # the queries return maps, lists and scalars only (properties(n), never a
                    # node), so a record is taken as it is: Record.data() would walk every nested
                    # value again looking for nodes, a third of an /exposure request's time
                    return [dict(record.items()) async for record in result]
        except TimeoutError as exc:
            raise DatabaseUnavailable(
                f"Neo4j at {self.settings.neo4j_uri} did not answer within {self.answer_deadline_s:.0f} s; "
                "retry later"
            ) from exc

    async def ping(self) -> bool:
        rows = await self.read("ping")
        return bool(rows and rows[0]["ok"] == 1)

    async def entity(self, entity_id: str) -> dict[str, Any] | None:
        rows = await self.read("entity_by_id", id=entity_id)
        return rows[0] if rows else None

    async def missing_ids(self, ids: list[str]) -> list[str]:
        rows = await self.read("entity_exists", ids=ids)
        return [row["id"] for row in rows if not row["found"]]

    async def shortest_paths(
        self, source: str, target: str, *, max_hops: int, k: int, relation_types: list[str]
    ) -> dict[str, Any]:
        """``source_found``, ``target_found`` and up to ``k`` shortest ``paths`` (each with its
        ``nodes`` and ``relationships``; none when an id is unknown or both are the same); one query."""
        statement = cypher.bounded("queries", "shortest_paths", max_hops)
        rows = await self._run(statement, {
            "source": source, "target": target, "max_hops": max_hops, "k": k, "relation_types": relation_types,
        })
        return rows[0]

    async def redirect(self, entity_id: str) -> str | None:
        rows = await self.read("redirect", id=entity_id)
        return rows[0]["to_id"] if rows else None

    async def search(self, lucene: str, *, types: list[str], countries: list[str], skip: int, limit: int) -> list[dict[str, Any]]:
        return await self.read("search_entities", lucene=lucene, types=types, countries=countries, skip=skip, limit=limit)

    async def list_entities(self, *, types: list[str], countries: list[str], after: str, limit: int) -> list[dict[str, Any]]:
        return await self.read("list_entities", types=types, countries=countries, after=after, limit=limit)

    async def exposure(
        self, entity_id: str, *, max_hops: int, relation_types: list[str], limit: int
    ) -> dict[str, Any] | None:
        """The entity's ``labels`` and its nearest sanctioned parties (``exposures``: ids of one
        path each, over the distinct ``nodes`` and ``relationships``), or ``None`` when there is
        no entity with that id; one query."""
        rows = await self.read("exposure", id=entity_id, max_hops=max_hops, relation_types=relation_types, limit=limit)
        return rows[0] if rows else None

    async def records(self, entity_id: str, *, skip: int, limit: int) -> list[dict[str, Any]]:
        return await self.read("entity_records", id=entity_id, skip=skip, limit=limit)

    async def controllers(self, *, limit: int) -> list[dict[str, Any]]:
        return await self.read("controllers", limit=limit)

    async def neighbourhood(
        self, entity_id: str, *, depth: int, limit: int, relation_types: list[str]
    ) -> list[dict[str, Any]]:
        statement = cypher.bounded("queries", "neighbourhood", depth)
        return await self._run(statement, {
            "id": entity_id, "depth": depth, "limit": limit, "relation_types": relation_types,
        })
