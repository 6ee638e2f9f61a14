"""Fault tests: the real Neo4j stops (cleanly or by SIGKILL) under the loader and under the API."""
