import pytest

from resolution.standardise.countries import UnknownCountryError, to_iso2


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("Korea, North", "KP"), ("North Korea", "KP"), ("CN", "CN"), ("China", "CN"), ("CHN", "CN"),
     ("United Kingdom", "GB"), ("Hong Kong", "HK"), ("sierra leone", "SL"), ("Panama", "PA"),
     # spellings from the real OFAC SDN and UN lists that pycountry alone does not read
     ("Turkey", "TR"), ("Congo, Democratic Republic of the", "CD"), ("Iran (Islamic Republic of)", "IR"),
     ("St. Kitts and Nevis", "KN"), ("Cote d Ivoire", "CI"), ("West Bank", "PS"), ("Kosovo", "XK"),
     ("XK", "XK")],
)
def test_names_and_codes_become_iso2(raw: str, iso: str) -> None:
    assert to_iso2(raw) == iso


def test_empty_is_none() -> None:
    assert to_iso2("  ") is None
    assert to_iso2(None) is None


def test_unknown_country_raises_every_time() -> None:
    for _ in range(2):  # the refusal is cached, and still raised
        with pytest.raises(UnknownCountryError, match="Atlantis"):
            to_iso2("Atlantis")


def test_country_or_none_keeps_readers_going() -> None:
    from resolution.standardise.countries import country_or_none

    assert country_or_none("Korea, North") == "KP"
    assert country_or_none("Atlantis") is None and country_or_none(None) is None
