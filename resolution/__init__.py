"""Tracegraph resolution: read sources, standardise, link with Splink, build entities, load Neo4j.

Importing this package is cheap: Splink and DuckDB are imported only by the modules that use them.
"""

__version__ = "0.1.0"
