"""The booking form's fields, checked before anything is stored (pure)."""

import pytest
from chalicelib.booking import requests
from chalicelib.core import clinic
from chalicelib.core import fields as validation
from chalicelib.core.errors import Invalid
from support.booking_data import DROP, body

CLINIC = clinic.load()


def fields_of(data: object) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        requests.booking_request(CLINIC, data, "sv")  # type: ignore[arg-type]
    return caught.value.fields


@pytest.mark.parametrize(("typed", "stored"), [
    ("Astrid@Example.SE", "astrid@example.se"),
    ("  astrid@example.se ", "astrid@example.se"),
    ("östen@exämple.se", "östen@exämple.se"),
    ("用户@例子.广告", "用户@例子.广告"),
])
def test_email_is_normalised_and_internationalised_addresses_are_valid(typed: str, stored: str) -> None:
    assert validation.email(typed) == stored


@pytest.mark.parametrize("typed", ["", "astrid", "astrid@", "@example.se", "a b@example.se", "astrid@example..se",
                                   "x" * 250 + "@e.se", "astrid@example.se\nBcc: x@y.se"])
def test_malformed_email(typed: str) -> None:
    with pytest.raises(validation.FieldError):
        validation.email(typed)


@pytest.mark.parametrize(("typed", "stored"), [
    ("070-123 45 67", "+46701234567"),
    ("0701234567", "+46701234567"),
    ("+46 70 123 45 67", "+46701234567"),
    ("063-51 25 45", "+4663512545"),
    ("+47 412 34 567", "+4741234567"),
])
def test_phone_numbers_are_stored_in_e164(typed: str, stored: str) -> None:
    assert validation.phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "123", "070-123", "hej", "+46 70 123 45 67 89 00", "0" * 40])
def test_malformed_phone(typed: str) -> None:
    with pytest.raises(validation.FieldError):
        validation.phone(typed)


def test_a_good_request() -> None:
    wanted = requests.booking_request(CLINIC, body(note="  <b>hej</b>\n"), "en")
    assert wanted.email == "astrid@example.se" and wanted.phone == "+46701234567"
    assert wanted.note == "  <b>hej</b>\n"  # verbatim
    assert wanted.language == "en" and wanted.reminder == "email"
    assert wanted.marketing_email is False and wanted.marketing_sms is False


@pytest.mark.parametrize(("field", "value", "key"), [
    ("service", DROP, "required"), ("service", 7, "type"), ("service", "botox-deluxe", "unknown_service"),
    ("start", DROP, "required"), ("start", 1700000000, "type"), ("start", "tomorrow", "datetime"),
    ("start", "2027-03-30T10:00:00", "datetime"),
    ("staff", "bob", "unknown_staff"), ("staff", 3, "type"), ("staff", "anna", None),
    ("name", DROP, "required"), ("name", "   ", "required"), ("name", "x" * 101, "too_long"),
    ("name", "Eve\r\nBcc: x@y.se", "invalid"), ("name", ["Eve"], "type"),
    ("email", DROP, "required"), ("email", "nope", "email"),
    ("phone", DROP, "required"), ("phone", "12", "phone"), ("phone", 701234567, "type"),
    ("note", "x" * 1001, "too_long"), ("note", {"a": 1}, "type"),
    ("marketing", DROP, "required"), ("marketing", True, "type"),
    ("language", "de", "language"), ("reminder", "pigeon", "invalid"),
    ("age_confirmed", "yes", "type"), ("surprise", 1, "unknown_field"),
])
def test_each_bad_field_is_named(field: str, value: object, key: str | None) -> None:
    data = body(**{field: value})
    if key is None:
        requests.booking_request(CLINIC, data, "sv")
        return
    assert fields_of(data) == {field: key}


def test_staff_who_does_not_give_the_treatment() -> None:
    assert fields_of(body(service="ansiktsbehandling", staff="anna")) == {"staff": "staff_not_for_service"}


def test_marketing_channels_must_be_booleans() -> None:
    assert fields_of(body(marketing={"email": "yes", "sms": False})) == {"marketing.email": "type"}


def test_age_limited_treatments_need_the_confirmation() -> None:
    assert fields_of(body(service="rynkbehandling", staff="anna")) == {"age_confirmed": "age_confirmation_required"}
    assert fields_of(body(service="rynkbehandling", staff="anna", age_confirmed=False)) == {
        "age_confirmed": "age_confirmation_required"}
    requests.booking_request(CLINIC, body(service="rynkbehandling", staff="anna", age_confirmed=True), "sv")


def test_every_bad_field_at_once() -> None:
    assert set(fields_of({"service": "x", "email": "y"})) == {"service", "start", "name", "email", "phone", "marketing"}
