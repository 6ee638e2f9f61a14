"""Linking with Splink: one model per entity type (company, person, vessel).

``features`` turns records into the columns each model compares; ``company``, ``person`` and
``vessel`` each return their Splink settings and training plan; ``engine`` trains, predicts and
clusters on DuckDB.
"""
