"""Treatments under lag (2021:363) through the API (Chalice in-process, DynamoDB Local, localstripe):
the consultation first and two calendar days of betänketid, a repeat within six months, the flag when
the consultation goes, the written information after a consultation is booked, the practitioner's
confirmations before completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chalicelib.booking import consultations, regulated
from chalicelib.core import clinic as clinic_module
from chalicelib.store.models import Booking, Customer, Item, Message
from support.booking_data import answer, at, body, fragment, get, post
from support.injections import CONSULTATION, FILLER, NOW, WRINKLES, ask, book, booking, items, pay


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client










def refused(response: Any) -> dict:
    assert response.status_code == 409, response.body
    error = answer(response)["error"]
    assert error["code"] == "consultation_required"
    return error


def manage(outbox, booking_id: str, address: str = "astrid@example.se") -> str:
    """The token of the newest manage link for ``booking_id`` in the customer's e-mails."""
    for message in reversed(outbox.emails_to(address)):
        for link in outbox.links(message):
            if "/hantera/" in link and fragment(link).get("b") == booking_id:
                return fragment(link)["t"]
    raise AssertionError(f"no manage link for {booking_id}")




def flag_mails(outbox) -> list:
    """The e-mails telling the customer their treatment is flagged. Counted by Message-ID: when chalice
    local's stream pump (real clock) runs beside this in-process client (a pinned clock), both may
    send one queued message, each judging the other's lease by its own clock."""
    return [m for m in outbox.emails_to("astrid@example.se") if m["Subject"].startswith("Viktigt om din bokning")]


def completed_before(customer_id: str, service: str, start: str) -> Booking:
    """A treatment the clinic completed (the back office records it; here it is written as it would be)."""
    begins = dt.datetime.fromisoformat(start).astimezone(dt.timezone.utc)
    done = Booking(*Booking.key(customer_id, f"done{begins:%m%d}"), booking_id=f"done{begins:%m%d}",
                   customer_id=customer_id, service_id=service, staff_id="anna", start=begins,
                   end=begins + dt.timedelta(hours=1), locked_units=0, status="completed", created_at=begins,
                   expires_at=dt.datetime(2030, 3, 31, tzinfo=dt.timezone.utc))
    done.save()
    return done


# --- the catalogue --------------------------------------------------------------------------------------------


def test_services_say_which_treatments_are_regulated_and_what_they_require(api) -> None:
    services = {s["id"]: s for s in answer(get(api, "/services"))["services"]}
    assert services[FILLER]["regulated"] is True and services[FILLER]["requires"] == CONSULTATION
    assert services[WRINKLES]["regulated"] is True and services[WRINKLES]["requires"] == CONSULTATION
    assert services[CONSULTATION]["regulated"] is False and "requires" not in services[CONSULTATION]
    assert services["konsultation"]["regulated"] is False and "requires" not in services["konsultation"]
    assert "Ordineras efter konsultation med legitimerad sjuksköterska." in services[WRINKLES]["description"]
    english = {s["id"]: s for s in answer(get(api, "/services", language="en"))["services"]}
    assert "Prescribed after a consultation with a registered nurse." in english[FILLER]["description"]
    for shown in (services, english):  # no prescription medicine named in public (läkemedelslagen)
        assert all("botulinum" not in str(s).lower() for s in shown.values())


# --- the betänketid -----------------------------------------------------------------------------------------------


def test_a_new_customers_filler_without_consultation_is_409_with_the_earliest_date(api) -> None:
    error = refused(ask(api, FILLER, "2027-03-31", "10:00"))
    # The first free consultation is Monday 22 March (Saturday's last times are within the notice): +2 days.
    assert error["earliest"] == "2027-03-24"
    assert "konsultation" in error["message"]
    assert items(Item) == []  # nothing stored, no time held
    english = refused(ask(api, FILLER, "2027-03-31", "10:00", language="en"))
    assert "consultation" in english["message"] and english["earliest"] == "2027-03-24"


def free(api, service: str, day: str) -> list[str]:
    shown = answer(get(api, f"/availability?service={service}&from={day}&to={day}&staff=anna"))
    return [slot["start"] for slot in shown["slots"]]


def test_the_earliest_date_follows_the_first_free_consultation(api) -> None:
    taken = 0
    while slots := free(api, CONSULTATION, "2027-03-22"):  # fill Monday 22 March, time by time
        assert refused(ask(api, FILLER, "2027-03-31", "10:00"))["earliest"] == "2027-03-24"  # a time is left
        assert post(api, "/bookings", body(service=CONSULTATION, staff="anna", age_confirmed=True, start=slots[0],
                                           email=f"m{taken}@example.se")).status_code == 201
        taken += 1
    assert taken >= 10
    assert refused(ask(api, FILLER, "2027-03-31", "10:00"))["earliest"] == "2027-03-25"  # Tuesday's, +2


def test_a_consultation_one_day_before_is_409_and_two_days_before_is_201(api) -> None:
    consultation = book(api, CONSULTATION, "2027-04-06", "17:00")  # Tuesday
    error = refused(ask(api, FILLER, "2027-04-07", "10:00"))  # Wednesday: one day
    assert error["earliest"] == "2027-04-08"  # two days after the customer's own consultation
    assert [b.service_id for b in items(Booking)] == [CONSULTATION]

    other = "bo@example.se"
    first = book(api, CONSULTATION, "2027-04-05", "17:00", email=other)  # Monday at five
    treatment = book(api, FILLER, "2027-04-07", "09:00", email=other)  # Wednesday at nine: calendar days, not 48 h
    stored = booking(treatment["id"])
    assert (stored.basis_kind, stored.basis_booking_id) == ("consultation", first["id"])
    assert treatment["status"] == "awaiting_payment" and treatment["flag"] is None
    assert consultation["id"] != first["id"]


def test_a_repeat_within_six_months_of_a_completed_filler_needs_no_consultation(api) -> None:
    book(api, "konsultation", "2027-03-23", "10:00")  # any booking makes the customer known
    [customer] = items(Customer)
    done = completed_before(customer.customer_id, FILLER, "2026-10-20T10:00:00+02:00")
    repeat = book(api, FILLER, "2027-04-07", "10:00")  # within six months of 20 October
    assert (booking(repeat["id"]).basis_kind, booking(repeat["id"]).basis_booking_id) == ("repeat", done.booking_id)
    # Not the same kind of treatment, or later than six months after it: a consultation again.
    refused(ask(api, WRINKLES, "2027-04-07", "14:00"))
    refused(ask(api, FILLER, "2027-04-21", "10:00"))


def test_moving_the_treatment_closer_than_two_days_after_the_consultation_is_409(api, outbox, stripe_url) -> None:
    book(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book(api, FILLER, "2027-04-07", "10:00")
    pay(api, stripe_url, treatment["id"])
    token = manage(outbox, treatment["id"])
    closer = post(api, f"/bookings/{treatment['id']}/reschedule", {"start": at("2027-04-06", "14:00")}, token)
    assert refused(closer)["earliest"] == "2027-04-07"
    assert booking(treatment["id"]).start == dt.datetime.fromisoformat(at("2027-04-07", "10:00"))
    later = post(api, f"/bookings/{treatment['id']}/reschedule", {"start": at("2027-04-08", "14:00")}, token)
    assert later.status_code == 200, later.body


# --- what the transaction checks ------------------------------------------------------------------------


def test_a_consultation_cancelled_while_the_treatment_is_booked_cannot_slip_through(api, monkeypatch) -> None:
    """The rule decides, then the consultation is cancelled before the booking's transaction commits:
    the transaction's condition check on the consultation fails, the rule decides again, and it is 409."""
    consultation = book(api, CONSULTATION, "2027-04-05", "10:00")
    decide = consultations.require
    calls: list[str] = []

    def then_cancel(*args: Any, **kwargs: Any) -> regulated.Basis:
        calls.append("asked")
        found = decide(*args, **kwargs)  # raises on the second call, once the consultation is gone
        calls.append(found.booking_id)
        if len(calls) == 2:
            from chalicelib.booking import change

            [customer] = items(Customer)
            change.cancel(customer, booking(consultation["id"]), dt.datetime.fromisoformat(NOW))
        return found

    monkeypatch.setattr(consultations, "require", then_cancel)
    refused(ask(api, FILLER, "2027-04-07", "10:00"))
    # Decided once (the consultation), then the transaction's check failed and the rule said no.
    assert calls == ["asked", consultation["id"], "asked"]
    assert [(b.service_id, b.status) for b in items(Booking)] == [(CONSULTATION, "cancelled")]


# --- when the consultation goes ------------------------------------------------------------------------------


def test_cancelling_the_consultation_flags_the_treatment_and_tells_the_customer(api, outbox, stripe_url) -> None:
    consultation = book(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book(api, FILLER, "2027-04-07", "10:00")
    pay(api, stripe_url, treatment["id"])
    token = manage(outbox, consultation["id"])
    assert post(api, f"/bookings/{consultation['id']}/cancel", None, token).status_code == 200

    assert booking(treatment["id"]).flag == "consultation_required"
    shown = answer(get(api, f"/bookings/{treatment['id']}", manage(outbox, treatment["id"])))["booking"]
    assert shown["flag"] == "consultation_required" and shown["status"] == "confirmed"
    told = flag_mails(outbox)
    assert len({m["Message-ID"] for m in told}) == 1  # one message (counted by id: see flag_mails)
    text = outbox.text(told[0])
    assert "minst två kalenderdagar" in text and "senast måndag 5 april 2027" in text
    assert "/boka/?behandling=injektionskonsultation" in text and "/hantera/" in text
    purposes = sorted(m.purpose for m in items(Message) if m.booking_id == treatment["id"] and m.purpose != "clinic_notice")
    # the payment's confirmation and receipt (issue 15), then the flag's (the clinic's notices of the
    # paid booking, since the back office, come beside them)
    assert purposes == ["confirmation", "consultation_required", "receipt"]

    # A new consultation in time clears the flag; nobody is told twice.
    book(api, CONSULTATION, "2027-04-02", "10:00")
    assert booking(treatment["id"]).flag is None
    assert len({m["Message-ID"] for m in flag_mails(outbox)}) == 1


def test_moving_the_consultation_too_close_flags_and_moving_it_back_clears(api, outbox, stripe_url) -> None:
    consultation = book(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book(api, FILLER, "2027-04-07", "10:00")
    pay(api, stripe_url, treatment["id"])
    moved = post(api, f"/bookings/{consultation['id']}/reschedule", {"start": at("2027-04-06", "10:00")},
                 manage(outbox, consultation["id"]))
    assert moved.status_code == 200, moved.body
    assert booking(treatment["id"]).flag == "consultation_required"
    back = post(api, f"/bookings/{consultation['id']}/reschedule", {"start": at("2027-04-05", "11:00")},
                manage(outbox, consultation["id"]))
    assert back.status_code == 200, back.body
    assert booking(treatment["id"]).flag is None


def test_a_lapsed_hold_is_not_flagged_nor_anybody_told(api, outbox, monkeypatch) -> None:
    consultation = book(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book(api, FILLER, "2027-04-07", "10:00")  # never paid
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:20:00+01:00")  # the hold lapsed at 12:15
    assert post(api, f"/bookings/{consultation['id']}/cancel", None, manage(outbox, consultation["id"])).status_code == 200
    assert booking(treatment["id"]).flag is None
    assert not flag_mails(outbox)


# --- the written information ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_written_information_follows_a_consultation_booking(api, outbox, language: str) -> None:
    made = post(api, "/bookings", body(service=CONSULTATION, staff="anna", age_confirmed=True, language=language,
                                       start=at("2027-04-05", "10:00")))
    assert made.status_code == 201, made.body
    created = answer(made)["booking"]
    sent = [m for m in outbox.emails_to("astrid@example.se") if "/integritetspolicy/" in outbox.text(m)]
    assert len({m["Message-ID"] for m in sent}) == 1  # one message (by id: see flag_mails)
    info = sent[0]
    assert info["Subject"] == ("Skriftlig information inför din behandling" if language == "sv"
                               else "Written information before your treatment")
    text = " ".join(outbox.text(info).split())
    current = clinic_module.current()
    for service in (current.service(FILLER), current.service(WRINKLES)):
        for point, said in service.information.items():
            assert " ".join(said.get(language).split()) in text, point
    for point, said in current.injections.information.items():
        assert " ".join(said.get(language).split()) in text, point
    assert ("onsdag 7 april 2027" if language == "sv" else "Wednesday 7 April 2027") in text  # betänketid's end
    stored = booking(created["id"])
    assert stored.information_sent_at == dt.datetime.fromisoformat(NOW)
    assert [m.purpose for m in items(Message) if m.booking_id == created["id"]].count("information") == 1


def test_other_bookings_get_no_written_information(api, outbox) -> None:
    book(api, "konsultation", "2027-04-05", "10:00")
    assert not [m for m in outbox.emails() if "information" in str(m["Subject"]).lower()]
    assert all(b.information_sent_at is None for b in items(Booking))


# --- before the treatment is completed ------------------------------------------------------------------------


def test_only_licensed_staff_confirm_age_and_consent_and_not_before_the_betanketid_ends(api, stripe_url) -> None:
    book(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book(api, FILLER, "2027-04-07", "10:00")
    pay(api, stripe_url, treatment["id"])
    current = clinic_module.current()
    anna, sara = current.staff_member("anna"), current.staff_member("sara")
    stored = booking(treatment["id"])
    assert regulated.completion_blocker(stored) == "confirmation_required"

    def confirm(who, at_time: str, **answers: Any) -> Any:
        flags = {"age_checked": True, "consent_after_betanketid": True, **answers}
        return regulated.confirm_before_completion(booking(treatment["id"]), who, flags["age_checked"],
                                                   flags["consent_after_betanketid"], dt.datetime.fromisoformat(at_time))

    with pytest.raises(Exception) as unlicensed:
        confirm(sara, "2027-04-07T10:05:00+02:00")
    assert (unlicensed.value.status, unlicensed.value.code) == (403, "licence_required")
    with pytest.raises(Exception) as early:
        confirm(anna, "2027-04-06T18:00:00+02:00")  # the day after the consultation: still betänketid
    assert (early.value.status, early.value.code, early.value.extra) == (409, "betanketid_not_over",
                                                                          {"earliest": "2027-04-07"})
    with pytest.raises(Exception) as unchecked:
        confirm(anna, "2027-04-07T10:05:00+02:00", age_checked=False)
    assert unchecked.value.fields == {"age_checked": "must_be_true"}
    assert booking(treatment["id"]).consent_at is None

    # The write that records "completed" carries the condition: refused until both are recorded.
    from chalicelib.store.errors import ConditionFailed
    from chalicelib.store.tx import update

    condition = regulated.completion_condition(booking(treatment["id"]))
    with pytest.raises(ConditionFailed):
        update(booking(treatment["id"]), [Booking.status.set("completed")], condition)
    assert regulated.completion_condition(Booking(*Booking.key("c", "b"), service_id="laser-pigment")) is None

    done = confirm(anna, "2027-04-07T10:05:00+02:00")
    stored = booking(treatment["id"])
    assert (stored.age_checked_by, stored.consent_by) == ("anna", "anna")
    assert stored.age_checked_at == stored.consent_at == dt.datetime.fromisoformat("2027-04-07T10:05:00+02:00")
    assert regulated.completion_blocker(stored) is None and done.consent_by == "anna"
    update(stored, [Booking.status.set("completed")], regulated.completion_condition(stored))
    assert booking(treatment["id"]).status == "completed"
