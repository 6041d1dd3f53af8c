"""The pure parts of offers: when a follow-up is due, the offer e-mail's headers and the SMS's stop link
(each naming its one channel), what an unsubscribe link stops, SMS lengths, and the clinic file's checks."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest
from chalicelib.booking import follow_ups
from chalicelib.core import clinic, fields
from chalicelib.links import tokens
from chalicelib.marketing import offer_mail
from chalicelib.marketing.offer_mail import Content
from chalicelib.rights.preferences import unsubscribe_channels
from chalicelib.store.models import Customer

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
NASTY = "Eve <script>alert('x')</script>"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LINK_SIGNING_KEY", "unit-test-key")
    monkeypatch.setenv("SITE_URL", "https://hudateljen.example")
    monkeypatch.setenv("API_URL", "https://api.hudateljen.example")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path))


def customer(language: str = "sv") -> Customer:
    return Customer(*Customer.key("c0ffee"), customer_id="c0ffee", name="Alva Ek", email="alva@example.se",
                    phone="+46701234567", language=language, link_generation=3, created_at=NOW)


# --- follow-ups: due rules ----------------------------------------------------------------------------


def test_a_follow_up_is_due_on_its_day_and_for_the_catch_up_days_after_never_before() -> None:
    visit = dt.date(2027, 3, 1)
    due_day = visit + dt.timedelta(days=42)
    assert not follow_ups.is_due(visit, due_day - dt.timedelta(days=1), 42, 3)
    assert follow_ups.is_due(visit, due_day, 42, 3)
    assert follow_ups.is_due(visit, due_day + dt.timedelta(days=3), 42, 3)   # a missed run still sends it
    assert not follow_ups.is_due(visit, due_day + dt.timedelta(days=4), 42, 3)
    assert follow_ups.due_window(dt.date(2027, 4, 15), 42, 0) == (dt.date(2027, 3, 4), dt.date(2027, 3, 4))


def test_only_a_visit_counts_and_a_new_booking_of_the_treatment_stops_the_follow_up() -> None:
    from chalicelib.store.models import Booking

    def booking(booking_id: str, status: str, days: int, service: str = "kemisk-peeling") -> Booking:
        start = NOW + dt.timedelta(days=days)
        return Booking(*Booking.key("c0ffee", booking_id), booking_id=booking_id, customer_id="c0ffee",
                       service_id=service, staff_id="sara", start=start, end=start + dt.timedelta(hours=1),
                       locked_units=4, status=status, created_at=NOW)

    visit = booking("b1", "completed", -42)
    assert follow_ups.was_visit(visit, NOW)
    assert follow_ups.was_visit(booking("b2", "confirmed", -42), NOW)      # over, staff did not mark it
    assert not follow_ups.was_visit(booking("b3", "confirmed", 1), NOW)    # not yet
    for status in ("no_show", "cancelled", "awaiting_payment"):
        assert not follow_ups.was_visit(booking("b4", status, -42), NOW)
    assert follow_ups.booked_again(visit, [visit, booking("b5", "confirmed", 3)])
    assert not follow_ups.booked_again(visit, [visit, booking("b6", "cancelled", 3)])
    assert not follow_ups.booked_again(visit, [visit, booking("b7", "confirmed", 3, service="microneedling")])


# --- the offer e-mail and SMS ----------------------------------------------------------------------------


def parsed(language: str = "sv", service: str | None = "kemisk-peeling") -> email.message.EmailMessage:
    message = offer_mail.email_message(customer(language), Content(f"Vår {NASTY}", f"Hej\n\n{NASTY}", service),
                                       "offer", now=NOW)
    assert message.payload is not None
    return email.message_from_string(message.payload, policy=email.policy.default)


def test_every_offer_email_has_one_click_unsubscribe_for_email_only_and_the_utskick_link() -> None:
    mail = parsed()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = next(p.strip(" <>") for p in str(mail["List-Unsubscribe"]).split(",") if "/unsubscribe?token=" in p)
    assert url.startswith("https://api.hudateljen.example/unsubscribe?token=")
    claims = tokens.verify(url.split("token=")[1], ("unsubscribe",), NOW)
    assert (claims.customer_id, claims.generation, claims.ref) == ("c0ffee", 3, "email")
    assert unsubscribe_channels(claims.ref) == ("email",)
    text = mail.get_body(("plain",)).get_content()
    assert "https://hudateljen.example/utskick/#t=" in text and "Avsluta erbjudanden per e-post" in text
    assert "Boka kemisk peeling: https://hudateljen.example/boka/?behandling=kemisk-peeling" in text
    assert text.startswith("Hej Alva!") and NASTY in text  # text as written in the text part
    markup = mail.get_body(("html",)).get_content()
    assert "<script>" not in markup and "&lt;script&gt;" in markup  # and escaped in the HTML


def test_a_subject_cannot_add_a_header_and_english_customers_get_english_links() -> None:
    message = offer_mail.email_message(customer("en"), Content("Spring\r\nBcc: x@example.se", "Hi", None), "offer",
                                       now=NOW)
    mail = email.message_from_string(message.payload or "", policy=email.policy.default)
    assert mail["Bcc"] is None and mail["Subject"] == "Spring Bcc: x@example.se"
    assert "/en/utskick/#t=" in mail.get_body(("plain",)).get_content()
    with pytest.raises(fields.FieldError):
        fields.line("Spring\r\nBcc: x@example.se", 120)  # and the API refuses it before that


def test_the_offer_sms_ends_with_a_link_that_stops_sms_only() -> None:
    message = offer_mail.sms_message(customer(), Content("Vår", "20 % i april.", "kemisk-peeling"), "offer", now=NOW)
    assert message is not None and message.payload is not None
    lines = message.payload.splitlines()
    assert lines[0] == "Hudateljén: 20 % i april."
    assert lines[1] == "https://hudateljen.example/boka/?behandling=kemisk-peeling"
    assert lines[-1].startswith("Sluta få sms-erbjudanden: https://api.hudateljen.example/unsubscribe?token=")
    claims = tokens.verify(lines[-1].split("token=")[1], ("unsubscribe",), NOW)
    assert claims.ref == "sms" and unsubscribe_channels(claims.ref) == ("sms",)


def test_a_link_without_a_channel_stops_both_as_the_links_sent_before_promised() -> None:
    assert unsubscribe_channels(None) == ("email", "sms")
    assert unsubscribe_channels("fax") == ("email", "sms")


def test_sms_parts_count_gsm_and_unicode_lengths() -> None:
    assert offer_mail.sms_parts("å" * 160) == 1 and offer_mail.sms_parts("å" * 161) == 2
    assert offer_mail.sms_parts("a" * 306) == 2 and offer_mail.sms_parts("a" * 307) == 3
    assert offer_mail.sms_parts("ę" * 70) == 1 and offer_mail.sms_parts("ę" * 71) == 2


def test_the_preview_is_for_a_made_up_customer() -> None:
    shown = offer_mail.preview(Content("Vår", "Text", None), "sv", now=NOW)
    assert "anna.exempel@example.se" in shown["email"]["to"]  # type: ignore[index]
    assert shown["email"]["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"  # type: ignore[index]


# --- the clinic file ---------------------------------------------------------------------------------------

BASE = {
    "clinic": {"name": "X", "organisation": "Y", "emails": ["a@b.se"], "phone": "1"},
    "staff": [{"id": "a", "name": "A"}],
    "services": [{"id": "s", "name": "S", "duration_minutes": 30, "price_sek": 100, "staff": ["a"]}],
}
FOLLOW = {"id": "igen", "after_days": 42, "channels": ["email"], "text": {"sv": "Igen?", "en": "Again?"}}


def test_the_packaged_clinic_file_has_a_peel_follow_up_and_offer_rules() -> None:
    current = clinic.load()
    [peel] = current.service("kemisk-peeling").follow_ups
    assert (peel.after_days, peel.channels) == (42, ("email", "sms"))
    assert current.offers.page_size == 25 and current.offers.catch_up_days == 3


@pytest.mark.parametrize(("change", "message"), [
    ({"offers": {"page_size": 0}}, "offers.page_size"),
    ({"offers": {"pace": 1}}, "unknown settings"),
    ({"offers": {"page_size": 100, "sms_per_second": 1}}, "one Lambda call"),
    ({"services": [{**BASE["services"][0], "follow_ups": [{**FOLLOW, "channels": ["fax"]}]}]}, "channels"),
    ({"services": [{**BASE["services"][0], "follow_ups": [{**FOLLOW, "after_days": 0}]}]}, "after_days"),
    ({"services": [{**BASE["services"][0], "follow_ups": [FOLLOW, FOLLOW]}]}, "share an id"),
    ({"services": [{**BASE["services"][0], "follow_ups": [{**FOLLOW, "channels": ["sms"],
                                                           "text": {"sv": "x" * 301, "en": "y"}}]}]}, "1 to 300"),
])
def test_bad_offer_settings_fail_at_load_naming_the_place(change: dict, message: str) -> None:
    with pytest.raises(clinic.ClinicFileError, match=message):
        clinic.parse({**BASE, **change})


def test_the_sms_stop_link_is_short_signed_and_names_sms() -> None:
    from chalicelib.core.errors import Unauthorized

    message = offer_mail.sms_message(customer(), Content("Vår", "Hej.", None), "offer", now=NOW)
    assert message is not None and message.payload is not None
    url = message.payload.splitlines()[-1].split(": ", 1)[1]
    code = url.split("token=")[1]
    assert len(url) < 90 and len(code) <= 40 and "." not in code
    claims = tokens.verify(code, ("unsubscribe",), NOW)
    assert (claims.customer_id, claims.generation, claims.ref) == ("c0ffee", 3, "sms")
    assert claims.expires > NOW + dt.timedelta(days=720)
    with pytest.raises(Unauthorized):
        tokens.verify(code, ("data",), NOW)                  # only ever an unsubscribe link
    with pytest.raises(Unauthorized):
        tokens.verify(code, ("unsubscribe",), NOW + dt.timedelta(days=740))  # it expires
    for altered in (code[:-1] + ("A" if code[-1] != "A" else "B"), "A" * len(code), code[:10], "!!"):
        with pytest.raises(Unauthorized):
            tokens.verify(altered, ("unsubscribe",), NOW)
    other_key = tokens.issue_short_unsubscribe("c0ffee", 3, NOW + dt.timedelta(days=30), "sms", key="another")
    with pytest.raises(Unauthorized):
        tokens.verify(other_key or "", ("unsubscribe",), NOW)
    assert tokens.issue_short_unsubscribe("not-hex", 3, NOW, "sms") is None  # then the full token is used
