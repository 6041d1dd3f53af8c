"""Treatments under lag (2021:363), without servers: the clinic file's checks, the betänketid rule,
the practitioner's confirmations, and the written information (every point the law requires)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from chalicelib.booking import information, regulated
from chalicelib.core import clinic
from chalicelib.core.clinic.injections import CLINIC_POINTS, TREATMENT_POINTS
from chalicelib.core.errors import ApiError
from chalicelib.store.models import Booking

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CLINIC = clinic.load()
FILLER = CLINIC.service("fillers-lappar")
RAW = yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8"))


def moment(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), STOCKHOLM)


def a_booking(service: str, day: str, time: str = "10:00", status: str = "confirmed", booking_id: str | None = None,
              **extra: Any) -> Booking:
    start = moment(day, time).astimezone(dt.timezone.utc)
    booking_id = booking_id or f"{service[:4]}{day}{time}"
    return Booking(*Booking.key("c1", booking_id), booking_id=booking_id, customer_id="c1", service_id=service,
                   staff_id="anna", start=start, end=start + dt.timedelta(minutes=30), locked_units=3, status=status,
                   created_at=start, **extra)


def consultation(day: str, time: str = "10:00", status: str = "confirmed", **extra: Any) -> Booking:
    return a_booking("injektionskonsultation", day, time, status, **extra)


# --- the clinic file ----------------------------------------------------------------------------------------


def index_of(data: dict, kind: str, wanted: str) -> int:
    return next(i for i, entry in enumerate(data[kind]) if entry["id"] == wanted)


def test_the_clinic_file_refuses_a_regulated_treatment_for_unlicensed_staff() -> None:
    data = copy.deepcopy(RAW)
    filler = index_of(data, "services", "fillers-lappar")
    sara = index_of(data, "staff", "sara")
    data["services"][filler]["staff"] = ["anna", "sara"]  # a skin therapist may not inject
    with pytest.raises(clinic.ClinicFileError) as refused:
        clinic.parse(data)
    message = str(refused.value)
    assert f"services[{filler}] (fillers-lappar)" in message and f"staff[{sara}] (sara)" in message
    assert "no legitimation" in message and "2021:363" in message


def test_the_clinic_file_refuses_a_consultation_for_injections_given_by_unlicensed_staff() -> None:
    data = copy.deepcopy(RAW)
    data["services"][index_of(data, "services", "injektionskonsultation")]["staff"] = ["anna", "elin"]
    with pytest.raises(clinic.ClinicFileError, match=r"\(injektionskonsultation\), the consultation of .*staff\[2\] \(elin\)"):
        clinic.parse(data)


def broken(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data, data["services"][index_of(data, "services", "rynkbehandling")],
           data["staff"][index_of(data, "staff", "anna")])
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d, s, a: a.pop("legitimation"), r"staff\[0\] \(anna\), who has no legitimation"),
    (lambda d, s, a: a.update(legitimation={"profession": "hudterapeut", "number": "1"}),
     r"staff\[0\]\.legitimation\.profession must be one of sjuksköterska, läkare, tandläkare"),
    (lambda d, s, a: a.update(legitimation={"profession": "läkare"}), r"staff\[0\]\.legitimation\.number is missing"),
    (lambda d, s, a: s.pop("requires"), r"services\[\d\]\.requires is missing"),
    (lambda d, s, a: s.update(requires="nothing"), r"requires names an unknown treatment 'nothing'"),
    (lambda d, s, a: s.update(requires="fillers-lappar"), r"requires must name a consultation"),
    (lambda d, s, a: s.update(regulated="laser"), r"regulated must be one of injection"),
    (lambda d, s, a: s.update(age_limit=16), r"age_limit must be at least 18"),
    (lambda d, s, a: s.update(age_limit=None), r"age_limit must be at least 18"),
    (lambda d, s, a: s["information"].pop("risks"), r"information\.risks is missing"),
    (lambda d, s, a: s["information"].update(price="x"), r"information has unknown points \['price'\]"),
    (lambda d, s, a: s.update(description="Botulinumtoxin för panna."), r"names a prescription medicine"),
    (lambda d, s, a: d["injections"]["information"].pop("ivo_registration"), r"injections\.information\.ivo_registration"),
    (lambda d, s, a: d.pop("injections"), r"the injections section .* is missing"),
    (lambda d, s, a: d["services"][0].update(requires="injektionskonsultation"), r"requires is only for a regulated"),
])
def test_a_wrong_regulated_entry_fails_at_load_naming_the_place(change, message: str) -> None:
    with pytest.raises(clinic.ClinicFileError, match=message):
        clinic.parse(broken(change))


def test_the_packaged_file_gives_injections_by_licensed_staff_and_names_no_prescription_medicine_in_public() -> None:
    regulated_ones = [s for s in CLINIC.services if s.regulated]
    assert {s.id for s in regulated_ones} == {"rynkbehandling", "fillers-lappar"}
    for service in regulated_ones:
        assert service.requires == "injektionskonsultation" and service.age_limit == 18
        for staff_id in service.staff + CLINIC.service(service.requires).staff:
            legitimation = CLINIC.staff_member(staff_id).legitimation
            assert legitimation is not None and legitimation.profession in ("sjuksköterska", "läkare", "tandläkare")
    public = [(s.name.sv, s.name.en, s.description.sv, s.description.en) for s in CLINIC.services]
    assert "botulinum" not in str(public).lower()
    assert "botulinum" in CLINIC.service("rynkbehandling").information["substances"].sv.lower()  # said to the patient


# --- the betänketid ---------------------------------------------------------------------------------------------


def basis(day: str, bookings: list[Booking], time: str = "10:00") -> regulated.Basis | None:
    return regulated.basis(CLINIC, FILLER, moment(day, time), bookings)


def test_a_consultation_on_monday_allows_the_treatment_from_wednesday_by_calendar_days() -> None:
    monday_evening = consultation("2027-04-05", "17:30")
    assert basis("2027-04-06", [monday_evening], "18:00") is None          # Tuesday
    found = basis("2027-04-07", [monday_evening], "09:00")                  # Wednesday morning: 39.5 hours
    assert found == regulated.Basis("consultation", monday_evening.booking_id, monday_evening.start, "confirmed")
    assert basis("2027-04-05", [monday_evening], "18:00") is None          # the same day
    # Across the night the clocks go forward (28 March 2027): still two calendar days in Stockholm.
    assert basis("2027-03-29", [consultation("2027-03-27", "13:00")], "09:00") is not None


def test_only_a_booked_or_completed_consultation_for_it_counts() -> None:
    for status in ("cancelled", "awaiting_payment"):
        assert basis("2027-04-07", [consultation("2027-04-05", status=status)]) is None
    assert basis("2027-04-07", [consultation("2027-04-05", status="completed")]).status == "completed"
    missed = consultation("2027-04-05", status="completed")
    missed.outcome = "no_show"  # as the back office records a consultation nobody came to
    assert basis("2027-04-07", [missed]) is None
    assert basis("2027-04-07", [a_booking("konsultation", "2027-04-05")]) is None  # the skin consultation is another


def test_a_completed_treatment_of_the_same_kind_within_six_months_is_enough() -> None:
    done = a_booking("fillers-lappar", "2026-10-20", status="completed")
    assert basis("2027-04-20", [done]).kind == "repeat"   # six calendar months to the day
    assert basis("2027-04-21", [done]) is None
    assert basis("2027-04-07", [a_booking("fillers-lappar", "2026-12-01", status="confirmed")]) is None  # not done
    assert basis("2027-04-07", [a_booking("rynkbehandling", "2027-01-10", status="completed")]) is None  # other kind
    # Both: the completed repeat comes first (it cannot be cancelled any more).
    both = basis("2027-04-20", [done, consultation("2027-04-12")])
    assert both.kind == "repeat"


def test_the_earliest_date_is_two_days_after_the_customers_first_consultation() -> None:
    bookings = [consultation("2027-04-09"), consultation("2027-04-06"), consultation("2027-04-05", status="cancelled")]
    assert regulated.earliest_after_own(CLINIC, FILLER, bookings) == dt.date(2027, 4, 8)
    assert regulated.earliest_after_own(CLINIC, FILLER, []) is None


# --- before completion ------------------------------------------------------------------------------------------


ANNA, SARA = CLINIC.staff_member("anna"), CLINIC.staff_member("sara")


def check(staff, now: str, age: object = True, consent: object = True, bookings: list[Booking] | None = None,
          treatment: Booking | None = None) -> regulated.Basis:
    treatment = treatment or a_booking("fillers-lappar", "2027-04-07")
    history = [consultation("2027-04-05"), treatment] if bookings is None else bookings + [treatment]
    return regulated.check_confirmation(CLINIC, treatment, staff, age, consent, history,
                                        dt.datetime.fromisoformat(now))


def refusal(**kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        check(**kwargs)
    return caught.value


def test_only_licensed_staff_confirm_and_never_before_the_betanketid_has_ended() -> None:
    assert (refusal(staff=SARA, now="2027-04-07T10:05:00+02:00").status,
            refusal(staff=SARA, now="2027-04-07T10:05:00+02:00").code) == (403, "licence_required")
    assert refusal(staff=None, now="2027-04-07T10:05:00+02:00").code == "licence_required"
    early = refusal(staff=ANNA, now="2027-04-06T23:59:00+02:00")
    assert (early.status, early.code, early.extra) == (409, "betanketid_not_over", {"earliest": "2027-04-07"})
    assert check(ANNA, "2027-04-07T00:00:00+02:00").kind == "consultation"  # the first moment it may be given


def test_both_confirmations_must_be_true_and_the_treatment_regulated_and_allowed() -> None:
    assert refusal(staff=ANNA, now="2027-04-07T10:05:00+02:00", age="yes", consent=False).fields == {
        "age_checked": "must_be_true", "consent_after_betanketid": "must_be_true"}
    assert refusal(staff=ANNA, now="2027-04-07T10:05:00+02:00",
                   treatment=a_booking("laser-pigment", "2027-04-07")).code == "not_regulated"
    assert refusal(staff=ANNA, now="2027-04-07T10:05:00+02:00",
                   treatment=a_booking("fillers-lappar", "2027-04-07", status="cancelled")).code == "conflict"
    gone = refusal(staff=ANNA, now="2027-04-07T10:05:00+02:00", bookings=[consultation("2027-04-06")])
    assert (gone.code, gone.extra) == ("consultation_required", {"earliest": "2027-04-08"})
    repeat = check(ANNA, "2027-04-07T10:05:00+02:00", bookings=[a_booking("fillers-lappar", "2027-01-07",
                                                                         status="completed")])
    assert repeat.kind == "repeat"  # no betänketid for a repeat within six months


def test_completion_waits_for_both_confirmations() -> None:
    treatment = a_booking("fillers-lappar", "2027-04-07")
    assert regulated.completion_blocker(treatment, CLINIC) == "confirmation_required"
    treatment.age_checked_at = treatment.consent_at = moment("2027-04-07", "10:05")
    assert regulated.completion_blocker(treatment, CLINIC) is None
    treatment.flag = "consultation_required"
    assert regulated.completion_blocker(treatment, CLINIC) == "consultation_required"
    assert regulated.completion_blocker(a_booking("laser-pigment", "2027-04-07"), CLINIC) is None


# --- the written information -----------------------------------------------------------------------------------


HEADINGS = {
    "sv": {"alternatives": "Alternativ till behandlingen", "cost": "Kostnad",
           "course_and_result": "Förväntat förlopp och resultat", "renewal": "Behov av förnyad behandling",
           "substances": "Preparat som används", "risks": "Väsentliga risker", "aftercare": "Eftervård",
           "patient_insurance": "Patientförsäkring", "complications_contact": "Kontaktperson vid komplikationer",
           "ivo_registration": "Anmäld till IVO"},
    "en": {"alternatives": "Alternatives to the treatment", "cost": "Cost",
           "course_and_result": "Expected course and result", "renewal": "Need for renewed treatment",
           "substances": "Substances used", "risks": "Material risks", "aftercare": "Aftercare",
           "patient_insurance": "Patient insurance", "complications_contact": "Contact person for complications",
           "ivo_registration": "Registered with IVO"},
}
LAW = {  # what the law says itself, beside the clinic's points
    "sv": ["minst två dagars betänketid", "tidigast ges onsdag 7 april 2027", "samtycke först efter betänketiden",
           "fyllt 18 år", "legitimation", "legitimerad sjuksköterska, läkare eller tandläkare",
           "inom sex månader", "patientdatalagen (2008:355)", "minst tio år efter sista anteckningen",
           "raderas inte på begäran", "2021:363"],
    "en": ["at least two days", "on Wednesday 7 April 2027 at the earliest", "consent only after that time",
           "aged 18 or older", "Bring valid ID", "licensed nurse, physician or dentist", "within six months",
           "patientdatalagen 2008:355", "at least ten years after the last entry", "not erased on request",
           "lag 2021:363"],
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_written_information_names_every_point_the_law_requires(language: str, monkeypatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://hudateljen.example")
    mail = information.compose_information(CLINIC, CLINIC.service("injektionskonsultation"), moment("2027-04-05"),
                                           "Astrid <b>", language, "https://hudateljen.example/hantera/#t=T&b=b1")
    text, html = " ".join(mail.text.split()), mail.html
    assert set(HEADINGS[language]) == set(TREATMENT_POINTS) | set(CLINIC_POINTS)
    for treatment in ("rynkbehandling", "fillers-lappar"):
        service = CLINIC.service(treatment)
        assert service.name.get(language) in text
        for point in TREATMENT_POINTS:
            assert f"{HEADINGS[language][point]}: " in text, point
            assert " ".join(service.information[point].get(language).split()) in text, (treatment, point)
    for point in CLINIC_POINTS:
        assert f"{HEADINGS[language][point]}: " in text, point
        assert " ".join(CLINIC.injections.information[point].get(language).split()) in text, point
    for rule in LAW[language]:
        assert rule in text, rule
    said = ("2\u00a0800 kr, varav 800 kr betalas vid bokning." if language == "sv"
            else "SEK 2,800, of which SEK 800 is paid when booking.")
    assert said in mail.text  # the cost with the price list's price
    assert "Astrid &lt;b&gt;" in html and "<b>" not in html  # the name is the customer's own words
    assert text.count(HEADINGS[language]["substances"] + ":") == 2  # once per treatment


def test_the_flag_email_says_what_to_do_and_by_when(monkeypatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://hudateljen.example")
    start = moment("2027-04-07")
    in_time = information.compose_flagged(CLINIC, FILLER, start, start + dt.timedelta(hours=1), "Astrid", "sv",
                                          "https://m", dt.date(2027, 4, 1))
    assert "senast måndag 5 april 2027" in in_time.text
    assert "https://hudateljen.example/boka/?behandling=injektionskonsultation" in in_time.text
    too_late = information.compose_flagged(CLINIC, FILLER, start, start + dt.timedelta(hours=1), "Astrid", "en",
                                           "https://m", dt.date(2027, 4, 6))
    assert "Move or cancel the treatment" in too_late.text and "boka/?behandling" not in too_late.text
    assert "https://m" in too_late.text and too_late.subject.startswith("Important about your booking")


def test_a_consultation_serves_the_treatments_that_require_it() -> None:
    assert [s.id for s in information.served_by(CLINIC, "injektionskonsultation")] == ["rynkbehandling",
                                                                                      "fillers-lappar"]
    assert information.served_by(CLINIC, "konsultation") == []

