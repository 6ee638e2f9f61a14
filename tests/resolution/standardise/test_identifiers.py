import pytest

from resolution.standardise.identifiers import (
    InvalidIdentifierError,
    imo_check_digit_ok,
    normalise_imo,
    normalise_mmsi,
    normalise_registration_number,
    with_imo_check_digit,
)


def test_known_imo_numbers_pass_the_check_digit() -> None:
    # 9074729 is the worked example of the IMO scheme; 8712427 and 9176187 are real ships.
    for imo in ("9074729", "8712427", "9176187"):
        assert imo_check_digit_ok(imo)


def test_imo_forms_and_bad_check_digits() -> None:
    assert normalise_imo("IMO 9074729") == "9074729"
    assert normalise_imo("imo:9074729") == "9074729"
    with pytest.raises(InvalidIdentifierError, match="check digit"):
        normalise_imo("9074728")
    with pytest.raises(InvalidIdentifierError, match="7 digits"):
        normalise_imo("12345")


def test_generated_check_digits_validate() -> None:
    for six in ("907472", "123456", "800000"):
        assert imo_check_digit_ok(with_imo_check_digit(six))


def test_mmsi_and_registration_numbers() -> None:
    assert normalise_mmsi("445 123 456") == "445123456"
    with pytest.raises(InvalidIdentifierError):
        normalise_mmsi("1234")
    assert normalise_registration_number("91-2106 00ab") == "91210600AB"
