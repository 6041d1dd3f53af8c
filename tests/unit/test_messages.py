"""Booking e-mails as built (no servers): languages, escaping, links, the .ics, the outbox files."""

import dataclasses
import datetime as dt
import email
import email.policy
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from chalicelib import messages
from chalicelib.booking import mail as booking_mail
from chalicelib.messages.transports import OutboxTransport
from chalicelib.store.models import Customer

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 10, 20, 9, 0, tzinfo=UTC)
NASTY = "Eve <script>alert('x')</script> & \"Co\""


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LINK_SIGNING_KEY", "unit-test-key")
    monkeypatch.setenv("SITE_URL", "https://hudateljen.example")
    monkeypatch.setenv("API_URL", "https://api.hudateljen.example")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path))


def customer(language: str = "sv", address: str = "eve@example.se") -> Customer:
    return Customer(*Customer.key("c0ffee"), customer_id="c0ffee", name=NASTY, email=address, phone="+46701234567",
                    language=language, link_generation=3, created_at=NOW)


def facts(language: str = "sv", note: str | None = "<img src=x onerror=alert(1)>\n& tack") -> booking_mail.BookingFacts:
    start = dt.datetime(2027, 10, 31, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm, the day the clocks go back
    return booking_mail.BookingFacts(
        booking_id="b1", name=NASTY, language=language, service="Hudkonsultation" if language == "sv" else "Skin consultation",
        staff="Sara Berg", start=start, end=start + dt.timedelta(minutes=30), price_sek=895, paid_sek=0, note=note,
        manage_url="https://hudateljen.example/hantera/#t=TOKEN&b=b1", change_until=start - dt.timedelta(hours=24),
        sequence=0,
    )


def built(kind: str = "confirmation", language: str = "sv") -> email.message.EmailMessage:
    mail = booking_mail.compose(kind, facts(language), now=NOW)
    message = messages.build_email(customer(language), mail.subject, mail.text, mail.html, mail.attachments, now=NOW)
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)  # as a mail client reads it


def test_swedish_by_default_with_time_in_stockholm() -> None:
    message = built()
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Bokningsbekräftelse: Hudkonsultation söndag 31 oktober 2027 kl. 09:00"
    assert "söndag 31 oktober 2027 kl. 09:00–09:30" in text
    assert "Ändra eller avboka senast lördag 30 oktober 2027 kl. 10:00" in text  # 24 h before, summer time


def test_english_when_the_customer_chose_it() -> None:
    message = built(language="en")
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Booking confirmed: Skin consultation Sunday 31 October 2027, 09:00"
    assert "Hello" in text and "/en/mina-uppgifter/#t=" in text


def test_html_escapes_the_name_and_the_note_and_text_keeps_them_verbatim() -> None:
    message = built()
    markup = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;\n&amp; tack" in markup
    assert "<img src=x onerror=alert(1)>\n& tack" in text
    assert NASTY in text


def test_links_manage_data_and_one_click_unsubscribe() -> None:
    message = built()
    text = message.get_body(("plain",)).get_content()
    assert "https://hudateljen.example/hantera/#t=TOKEN&b=b1" in text
    assert "https://hudateljen.example/mina-uppgifter/#t=" in text
    assert "https://hudateljen.example/utskick/#t=" in text
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://api.hudateljen.example/unsubscribe?token=")
    assert "<mailto:info@allavieclinic.com?subject=unsubscribe>" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    from chalicelib.links import tokens as links

    token = unsubscribe.split("token=")[1].split(">")[0]
    claims = links.verify(token, ("unsubscribe",), NOW)
    assert claims.customer_id == "c0ffee" and claims.generation == 3
    markup = message.get_body(("html",)).get_content()
    assert 'href="https://hudateljen.example/hantera/#t=TOKEN&amp;b=b1"' in markup


def test_the_ics_is_in_stockholm_time_across_the_clock_change() -> None:
    message = built()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    raw = attachment.get_content()
    raw = raw.encode() if isinstance(raw, str) else raw
    assert b"DTSTART;TZID=Europe/Stockholm:20271031T090000" in raw
    assert b"TZID:Europe/Stockholm" in raw and b"BYMONTH=10" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == dt.datetime(2027, 10, 31, 8, 0, tzinfo=UTC)
    assert event.decoded("dtend").utcoffset() == dt.timedelta(hours=1)
    assert str(event["uid"]) == "b1@allavie-booking"


@pytest.mark.parametrize("kind", ["confirmation", "reschedule"])
def test_the_ics_carries_no_link_with_a_token_the_body_keeps_the_manage_link(kind: str) -> None:
    """Issue 28 (left from the first round): calendars are shared and synced; the token stays in the e-mail."""
    message = built(kind)
    assert "/hantera/#t=TOKEN&b=b1" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    raw = attachment.get_content()
    text = raw.decode() if isinstance(raw, bytes) else raw
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    assert "TOKEN" not in unfolded and "t=" not in unfolded and "/hantera/" not in unfolded and "://" not in unfolded


def test_a_cancellation_cancels_the_calendar_entry_and_has_no_manage_link() -> None:
    message = built("cancellation")
    text = message.get_body(("plain",)).get_content()
    assert "/hantera/" not in text
    [attachment] = list(message.iter_attachments())
    raw = attachment.get_content()
    raw = raw.encode() if isinstance(raw, str) else raw
    assert b"METHOD:CANCEL" in raw and b"STATUS:CANCELLED" in raw


def test_an_internationalised_address_gets_utf8_headers() -> None:
    mail = booking_mail.compose("confirmation", facts(), now=NOW)
    message = messages.build_email(customer(address="östen@exämple.se"), mail.subject, mail.text, mail.html, now=NOW)
    assert "östen@exämple.se" in message.as_bytes().decode("utf-8")


def test_outbox_files_start_with_the_customer_id_and_can_be_erased(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path)
    mail = booking_mail.compose("reminder", facts(), now=NOW)
    message = messages.build_email(customer(), mail.subject, mail.text, mail.html, now=NOW)
    eml = outbox.send_email(message.as_bytes(), "info@allavieclinic.com", "astrid@example.se", "c0ffee")
    sms = outbox.send_sms("+46701234567", booking_mail.reminder_sms(facts()), "c0ffee", NOW)
    other = outbox.send_sms("+46701234568", "hej", "beef", NOW)
    assert eml.startswith("c0ffee-") and eml.endswith(".eml") and sms.startswith("c0ffee-") and sms.endswith(".sms")
    lines = (tmp_path / sms).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "To: +46701234567" and lines[1].startswith("Date: ") and lines[2] == ""
    assert outbox.erase_copies("c0ffee") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [other]


def test_the_transport_is_the_outbox_locally_and_ses_in_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(messages.transport(), OutboxTransport)
    monkeypatch.delenv("OUTBOX_DIR")
    assert type(messages.transport()).__name__ == "AwsTransport"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("kind", ["confirmation", "reschedule", "cancellation", "reminder"])
def test_the_html_part_is_the_shared_layout_and_references_nothing_remote(kind: str) -> None:
    markup = built(kind).get_body(("html",)).get_content()
    parser = Tags()
    parser.feed(markup)
    tags = {tag for tag, _ in parser.found}
    assert not tags & {"img", "link", "style", "script", "iframe", "object", "video", "audio", "source"}
    for tag, attrs in parser.found:  # nothing fetched when the mail is opened
        assert not {"src", "background", "srcset", "poster"} & attrs.keys(), tag
        assert "url(" not in (attrs.get("style") or ""), tag
    assert '<html lang="sv"' in markup and '<div role="article" aria-roledescription="e-post" lang="sv"' in markup
    assert "max-width:600px" in markup and 'role="presentation"' in markup
    assert ">Hudateljén</p>" in markup  # the clinic's name as text in the header
    assert markup.count('<div role="contentinfo">') == 1 and "/unsubscribe?token=" in markup


def test_the_confirmation_links_the_booking_terms_in_the_customers_language() -> None:
    for language, path in (("sv", "/bokningsvillkor/"), ("en", "/en/bokningsvillkor/")):
        terms = f"https://hudateljen.example{path}"
        mail = booking_mail.compose("confirmation", dataclasses.replace(facts(language), terms_url=terms), now=NOW)
        label = "Bokningsvillkor" if language == "sv" else "Booking terms"
        assert f"{label} (" in mail.text and terms in mail.text
        assert f'href="{terms}"' in mail.html and label in mail.html


def test_a_booking_inside_the_change_deadline_says_it_cannot_be_changed_online() -> None:
    late = dataclasses.replace(facts(), change_until=NOW - dt.timedelta(hours=1))  # booked 23 hours before
    mail = booking_mail.compose("confirmation", late, now=NOW)
    assert "senast" not in mail.text and "Ändra eller avboka" not in mail.text
    assert ("Den här tiden går inte att ändra eller avboka på nätet, eftersom det är mindre än 24 timmar kvar till den. "
            "Behöver du ändra eller avboka, ring oss på 063-512545 eller mejla info@allavieclinic.com.") in mail.text
    assert "Se din bokning: https://hudateljen.example/hantera/#t=TOKEN&b=b1" in mail.text
    english = booking_mail.compose("confirmation", dataclasses.replace(late, language="en"), now=NOW)
    assert "can no longer be changed or cancelled online" in english.text
    assert "Change or cancel until" not in english.text
