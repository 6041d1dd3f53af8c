"""``allavie retention --as-of DAY [--apply]``: the operator's view of the same sweep."""

from __future__ import annotations

import datetime as dt

from allavie import cli
from chalicelib.core import clock
from chalicelib.store.models import CookieConsent, DeletionRecord, SlotLock
from support.retention_data import add_booking, customer_with_visit, dump, everything, make_customer, stockholm


def test_lists_what_expires_by_a_day_and_deletes_it_with_apply(table, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", "2026-06-01T12:00:00+02:00")
    past = customer_with_visit("Alma Förr", "alma@example.se", "+46701230001", stockholm(2026, 5, 1))
    ahead = make_customer("Bea Framåt", "bea@example.se", "+46701230002", stockholm(2026, 6, 1, 11))
    add_booking(ahead, stockholm(2026, 6, 10, 13), booked_at=stockholm(2026, 6, 1, 11))
    consent = CookieConsent("COOKIE#k1", "2026-06-01T10:00:00Z", consent_id="k1", choices={"necessary": True},
                            policy_version="1", given_at=stockholm(2026, 6, 1), expires_at=clock.end_of_day(dt.date(2029, 5, 31)))
    consent.index_expiry()
    consent.save()
    before = dump(everything())

    assert cli.main(["retention", "--as-of", "2029-05-31"]) == 0
    listing = capsys.readouterr().out
    assert past.customer_id in listing and "COOKIE#k1" in listing and ahead.customer_id not in listing
    assert "2029-05-02 00:00" in listing  # Alma's data ends when 2029-05-01 ends
    for trace in (*past.traces[1:], *ahead.traces[1:]):  # names, addresses and numbers are never printed
        assert trace not in listing
    assert dump(everything()) == before  # a listing deletes nothing

    assert cli.main(["retention", "--as-of", "2029-06-10", "--apply"]) == 0
    output = capsys.readouterr().out
    assert "Deleted: 2 customers" in output and "has not ended yet" in output
    left = everything()
    for trace in (*past.traces, *ahead.traces):
        assert trace not in dump(left)
    # Bea's booking on 2026-06-10 lay ahead: its time is free again; the locks of Alma's past visit go too
    # (since the back office a lock names its customer)
    assert {lock.booking_id for lock in left if isinstance(lock, SlotLock)} == set()
    assert sorted(r.reason for r in left if isinstance(r, DeletionRecord)) == ["operator", "operator"]
    assert not any(isinstance(item, CookieConsent) for item in left)

    assert cli.main(["retention", "--as-of", "2029-06-10", "--apply"]) == 0
    assert "Deleted: 0 customers" in capsys.readouterr().out
