"""``allavie staff``: customers and bookings from before the back office become findable (``reindex``), and a member
who lost their phone enrols again (``reset-code``)."""

from __future__ import annotations

import datetime as dt

from allavie import cli
from chalicelib.staff import customers, sessions
from chalicelib.store.models import CustomerTerm, Item, StaffAccount
from support.rights_customers import make_customer

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)
SARA = sessions.StaffUser("sara", "Sara Berg", "staff", "sara@allavieclinic.com")


def test_reindex_makes_earlier_customers_findable_once(table, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    old = make_customer(NOW, name="Ulla Tidigare", email="ulla@example.se", phone="+46701112233")
    assert customers.find(SARA, "ulla", NOW) == []  # written before the back office: no terms
    assert cli.main(["staff", "reindex"]) == 0
    assert "1 customers, 6 search terms written, 2 bookings moved to the calendar keys" in capsys.readouterr().out
    [found] = customers.find(SARA, "070-111 22", NOW)
    assert found["id"] == old.id and found["name"] == "Ulla Tidigare"
    terms = [i for i in Item.scan() if isinstance(i, CustomerTerm)]
    assert {t.expires_at for t in terms} == {old.customer.expires_at}  # they live as long as her data
    assert cli.main(["staff", "reindex"]) == 0
    assert "1 customers, 0 search terms written, 0 bookings moved" in capsys.readouterr().out
    # Her bookings are on the calendar and found by id now, as bookings made since are.
    from chalicelib.store import lookups

    for booking in old.bookings:
        assert lookups.booking_by_id(booking.booking_id, NOW).gsi1pk == f"CAL#{booking.start:%Y-%m}"


def test_reset_code_lets_a_member_enrol_again(table, capsys) -> None:
    StaffAccount(*StaffAccount.key("sara"), staff_id="sara", nonce="n1", enrolled_at=NOW).save()
    assert cli.main(["staff", "reset-code", "--staff", "sara"]) == 0
    assert "enrolment removed" in capsys.readouterr().out
    account = StaffAccount.get(*StaffAccount.key("sara"), consistent_read=True)
    assert account.nonce is None and account.enrolled_at is None
    assert cli.main(["staff", "reset-code", "--staff", "nobody"]) == 1
