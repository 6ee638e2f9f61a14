"""Country names and codes as written in real data -> ISO 3166-1 alpha-2."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from unidecode import unidecode

# Spellings seen in sanctions lists and trade data that pycountry's lookup does not resolve.
_COMMON_NAMES: dict[str, str] = {
    "korea, north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "korea, democratic people's republic of": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "china": "CN",
    "prc": "CN",
    "people's republic of china": "CN",
    "mainland china": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "usa": "US",
    "united states": "US",
    "u.s.a.": "US",
    "vietnam": "VN",
    "laos": "LA",
    "burma": "MM",
    "sierra leone": "SL",
    "togo": "TG",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "moldova": "MD",
    "cambodia": "KH",
    "belize": "BZ",
    "mongolia": "MN",
    "palau": "PW",
    "comoros": "KM",
    "panama": "PA",
    "turkey": "TR",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "iran (islamic republic of)": "IR",
    "venezuela (bolivarian republic of)": "VE",
    "st. kitts and nevis": "KN",
    "st. kitts & nevis": "KN",
    "st. vincent and the grenadines": "VC",
    "cote d ivoire": "CI",
    "west bank": "PS",
    "gaza": "PS",
    "palestinian": "PS",
    "kosovo": "XK",  # user-assigned code, used by the EU and OFAC; pycountry has none
    "xk": "XK",
}


class UnknownCountryError(ValueError):
    """A country value that is neither an ISO code nor a known country name."""


def country_or_none(value: str | None) -> str | None:
    """``to_iso2`` for readers that keep an unreadable country as text instead of refusing the row:
    the ISO code, or ``None`` when empty or not a country (refusals are cached like answers)."""
    try:
        return to_iso2(value)
    except UnknownCountryError:
        return None


def to_iso2(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or name; ``None`` for empty input.

    Raises ``UnknownCountryError`` for a non-empty value that names no country. Answers and
    refusals are both cached (an unknown name costs a fuzzy search once, not once per row).
    """
    if value is None:
        return None
    code = _lookup(value)
    if code is None and value.strip():
        raise UnknownCountryError(f"unknown country {value!r}")
    return code


@lru_cache(maxsize=8192)
def _lookup(value: str) -> str | None:
    text = unidecode(value).strip()
    if not text:
        return None
    key = " ".join(text.lower().split())
    if key in _COMMON_NAMES:
        return _COMMON_NAMES[key]
    if len(text) == 2 and text.isalpha():
        country = pycountry.countries.get(alpha_2=text.upper())
        if country is not None:
            return country.alpha_2
    if len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
        if country is not None:
            return country.alpha_2
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        matches = []
    if len(matches) == 1:
        return matches[0].alpha_2
    return None
