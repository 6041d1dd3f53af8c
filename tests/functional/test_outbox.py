"""No message is lost: the transactional outbox against DynamoDB Local's real stream.

Sending is made to fail for real: ``OUTBOX_DIR`` lies under a file, so the outbox transport cannot
create it. These tests use a table of their own, so that the stream pump beside ``chalice local``
(which sends with the session's working outbox) never sees their messages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
from allavie.commands import messages as messages_cmd
from chalicelib.core import clock
from chalicelib.messages import outbox as sender
from chalicelib.store import connection
from chalicelib.store.models import Item, Message
from support.booking_data import answer, at, body, post
from support.outbox import Outbox, settle

NOW = dt.datetime(2027, 3, 20, 12, 0, tzinfo=clock.STOCKHOLM)


@pytest.fixture()
def own(stack_env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A table of this test's own, a working outbox directory and one that cannot be written."""
    table = f"allavie_outbox_{time.monotonic_ns()}"
    monkeypatch.setenv("TABLE_NAME", table)
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    connection.ensure_table()
    (tmp_path / "a-file").write_text("not a directory")
    broken, working = tmp_path / "a-file" / "outbox", tmp_path / "outbox"
    monkeypatch.setenv("OUTBOX_DIR", str(broken))
    yield monkeypatch, broken, working
    connection.bind()
    Item.delete_table()


@pytest.fixture()
def api(own):
    from app import app
    from chalice.test import Client

    with Client(app, stage_name="local") as client:
        yield client


def messages() -> list[Message]:
    """The messages to the customer (each booking also queues its notices to the clinic: ``notices``)."""
    return [i for i in Item.scan(consistent_read=True) if isinstance(i, Message) and i.purpose != "clinic_notice"]


def notices() -> list[Message]:
    return [i for i in Item.scan(consistent_read=True) if isinstance(i, Message) and i.purpose == "clinic_notice"]


def retry_at(api, moment: dt.datetime, monkeypatch) -> dict:
    monkeypatch.setenv("ALLAVIE_NOW", moment.isoformat())
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return api.lambda_.invoke("retry_messages", event).payload


def test_a_failing_transport_loses_nothing_retries_with_backoff_lists_it_failed_and_resends_it(api, own) -> None:
    monkeypatch, broken, working = own
    response = post(api, "/bookings", body(start=at("2027-03-30", "10:00")))
    assert response.status_code == 201  # the booking stands whatever the mail does
    booking_id = answer(response)["booking"]["id"]
    [queued] = messages()
    assert queued.status == "queued" and queued.booking_id == booking_id and queued.payload

    settle()  # the stream's first attempt fails
    [first] = messages()
    assert first.status == "queued" and first.attempts == 1 and "NotADirectoryError" in first.last_error
    assert first.next_attempt_at == NOW + sender.BACKOFF[0] and first.lease_until is None
    assert not broken.exists()

    assert retry_at(api, NOW + dt.timedelta(seconds=30), monkeypatch) == {}  # not due yet: nothing tried
    moment = NOW
    together = 1 + len(notices())  # the booking's notices to the clinic (back office) fail and retry alongside
    for attempt in range(2, sender.MAX_ATTEMPTS + 1):
        moment = messages()[0].next_attempt_at
        outcome = retry_at(api, moment, monkeypatch)
        assert outcome == ({"failed": together} if attempt == sender.MAX_ATTEMPTS else {"retry": together}), (
            attempt, outcome)
    [dead] = messages()
    assert dead.status == "failed" and dead.attempts == sender.MAX_ATTEMPTS and dead.failed_at == moment
    assert moment - NOW > dt.timedelta(hours=8)  # 1 + 5 + 30 minutes + 2 + 6 hours of backoff
    assert retry_at(api, moment + dt.timedelta(days=1), monkeypatch) == {}  # a failed one is no longer retried

    listed = io.StringIO()
    [shown] = [m for m in messages_cmd.failed(listed) if m.purpose != "clinic_notice"]
    assert shown.message_id == dead.message_id and dead.message_id in listed.getvalue()
    assert "confirmation" in listed.getvalue() and "astrid" not in listed.getvalue().lower()  # no content shown

    monkeypatch.setenv("OUTBOX_DIR", str(working))  # the operator fixed the cause
    assert messages_cmd.resend(dead.message_id, io.StringIO())
    assert not messages_cmd.resend("no-such-id", io.StringIO())
    for notice in notices():
        assert messages_cmd.resend(notice.message_id, io.StringIO())
    settle()  # the stream sends it again
    [sent] = messages()
    assert sent.status == "sent" and sent.payload is None and sent.transport_id
    [mail] = Outbox(working).emails()
    assert str(mail["Subject"]).startswith("Bokningsbekräftelse") and booking_id in Outbox.text(mail)
    assert messages_cmd.failed(io.StringIO()) == []


def test_a_message_is_sent_once_however_often_its_record_comes(api, own) -> None:
    monkeypatch, _, working = own
    monkeypatch.setenv("OUTBOX_DIR", str(working))
    assert post(api, "/bookings", body(start=at("2027-03-30", "10:00"))).status_code == 201
    records = settle()
    again = sender.handle_records(records)  # the stream delivering the same batch again
    assert again == {"skipped": 1 + len(notices())}  # the confirmation and the clinic's notices, each once
    assert len(list(working.glob("*.eml"))) == 1 + len(notices()) and messages()[0].status == "sent"


def test_erasure_takes_the_queued_messages_and_the_outbox_copies(api, own) -> None:
    monkeypatch, _, working = own
    assert post(api, "/bookings", body(start=at("2027-03-30", "10:00"))).status_code == 201
    settle()  # fails: queued, waiting for a retry
    [waiting] = messages()
    customer_id = waiting.customer_id
    monkeypatch.setenv("OUTBOX_DIR", str(working))
    from chalicelib.links import urls

    token = urls.data_token(customer_id, 1, NOW)
    erased = api.http.post("/me/erase", headers={"Authorization": f"Bearer {token}"})
    assert erased.status_code == 200, erased.body
    assert messages() == [] and notices() == [] and retry_at(api, NOW + dt.timedelta(hours=1), monkeypatch) == {}
    assert not list(working.glob(f"{customer_id}-*"))
    assert customer_id not in json.dumps([i.to_simple_dict() for i in Item.scan()], default=str)
