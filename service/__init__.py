"""Tracegraph HTTP API (FastAPI). Never imports Splink; Cypher comes from ``cypher/queries``."""
