"""Neo4j: the batched, idempotent loader and the manager of the bundled local server."""
