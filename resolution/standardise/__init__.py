"""Standardisation of names, countries, dates and identifiers before linking."""
