import pytest

from resolution.standardise.dates import InvalidDateError, normalise_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("1962", "1962"), ("May 1962", "1962-05"), ("12 May 1962", "1962-05-12"), ("12/05/1962", "1962-05-12"),
     ("1962-5-2", "1962-05-02"), ("circa 1962", "1962"), ("1962.05.12", "1962-05-12"),
     ("May 12, 1962", "1962-05-12"), ("2016-03-02T00:00:00", "2016-03-02"), ("", None),
     ("2015-03-27-04:00", "2015-03-27"), ("2015-03-27Z", "2015-03-27")],
)
def test_loose_dates_become_iso_keeping_partial(raw: str, iso: str | None) -> None:
    assert normalise_date(raw) == iso


@pytest.mark.parametrize("raw", ["1961-02-30", "1962-13-01", "0012", "yesterday", "31 Foo 1962"])
def test_impossible_or_unreadable_dates_raise(raw: str) -> None:
    with pytest.raises(InvalidDateError):
        normalise_date(raw)
