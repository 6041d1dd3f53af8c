"""The table's stream: when TTL deletes a profile, the rest of the customer goes too."""

from __future__ import annotations

from chalicelib.store.models import Customer, DeletionRecord, Item, customer_pk
from support.retention_data import customer_with_visit, dump, everything, expiries, stockholm
from support.streams import TTL_IDENTITY, stream_record


def test_a_ttl_deletion_of_a_profile_cascades_once(client, monkeypatch) -> None:
    expired = customer_with_visit("Tove Ttl", "tove@example.se", "+46708888888", stockholm(2026, 6, 1))
    erased = customer_with_visit("Eva Erase", "eva@example.se", "+46709999999", stockholm(2026, 6, 1))
    alive = customer_with_visit("Lisa Levande", "lisa@example.se", "+46700000000", stockholm(2026, 9, 1))
    alive_before = expiries(alive)
    deleted_at = stockholm(2029, 6, 3, 4, 12)
    monkeypatch.setenv("ALLAVIE_NOW", "2029-06-03T04:12:30+02:00")

    # TTL removed two of Tove's items on its own; somebody else removed Eva's profile
    profile = Customer.get(*Customer.key(expired.customer_id))
    booking = next(i for i in Item.query(customer_pk(expired.customer_id)) if i.sk.startswith("BOOKING#"))
    other = Customer.get(*Customer.key(erased.customer_id))
    profile.delete()
    booking.delete()
    other.delete()
    batch = {"Records": [
        stream_record("REMOVE", booking, identity=TTL_IDENTITY, event_id="e1", at=deleted_at),
        stream_record("REMOVE", profile, identity=TTL_IDENTITY, event_id="e2", at=deleted_at),
        stream_record("REMOVE", other, identity=None, event_id="e3", at=deleted_at),
        stream_record("INSERT", Customer.get(*Customer.key(alive.customer_id)), identity=None, event_id="e4", at=deleted_at),
    ]}
    answer = client.lambda_.invoke("cascade_ttl_deletions", batch)
    assert answer.payload == {"cascaded": 1}

    text = dump(everything())
    for trace in expired.traces:
        assert trace not in text
    assert erased.email in text and erased.customer_id in text  # not a TTL deletion: none of ours
    assert expiries(alive) == alive_before

    records = list(DeletionRecord.query("DELETIONS#2029-06"))
    assert len(records) == 1
    assert records[0].reason == "ttl" and records[0].deleted_at == deleted_at.replace(second=0)
    assert records[0].kinds.as_dict() == {"marketing_consent": 1, "message": 1, "email": 1, "slot_lock": 0}
    assert records[0].gsi2pk == "EXPIRY"  # and it has an end itself

    # Lambda delivers a batch again after a failure: nothing changes twice
    before = dump(everything())
    assert client.lambda_.invoke("cascade_ttl_deletions", batch).payload == {"cascaded": 1}
    assert dump(everything()) == before
