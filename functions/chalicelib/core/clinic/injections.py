"""The clinic file's parts for treatments under lag (2021:363) om estetiska kirurgiska ingrepp och
estetiska injektionsbehandlingar: staff licences, regulated treatments and their consultation, and
the written information the patient gets (lag 2021:363 and förordning 2021:367; see docs/api.md).

Checked when the file is loaded, with the path of what is wrong: a regulated treatment given by
somebody without a licence never reaches a booking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import ClinicFileError
from .model import Injections, Legitimation, Service, Staff, Text

# Who may give an aesthetic injection (lag 2021:363, 4 §): no delegation to anybody else.
PROFESSIONS = ("sjuksköterska", "läkare", "tandläkare")
KINDS = ("injection",)
MINIMUM_AGE = 18
# The written information, per treatment and for the clinic (lag 2021:363, 6-7 §§; förordning 2021:367).
TREATMENT_POINTS = ("alternatives", "cost", "course_and_result", "renewal", "substances", "risks", "aftercare")
CLINIC_POINTS = ("patient_insurance", "complications_contact", "ivo_registration")

TextReader = Callable[[Any, str], Text]


def legitimation(value: Any, where: str) -> Legitimation | None:
    """``legitimation: {profession: sjuksköterska, number: "..."}``, or None when absent."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) - {"profession", "number"}:
        raise ClinicFileError(f"{where} must be {{profession: {' | '.join(PROFESSIONS)}, number: ...}}")
    profession = value.get("profession")
    if profession not in PROFESSIONS:
        raise ClinicFileError(f"{where}.profession must be one of {', '.join(PROFESSIONS)}")
    number = value.get("number")
    if isinstance(number, bool) or not isinstance(number, str | int) or not str(number).strip() or len(str(number)) > 32:
        raise ClinicFileError(f"{where}.number is missing (the licence number, as a quoted text)")
    return Legitimation(str(profession), str(number).strip())


def service_parts(data: Mapping[str, Any], where: str, text: TextReader) -> dict[str, Any]:
    """A treatment's ``regulated``, ``requires`` and ``information``, as Service keywords."""
    kind = data.get("regulated")
    if kind is not None and kind not in KINDS:
        raise ClinicFileError(f"{where}.regulated must be one of {', '.join(KINDS)} (or absent)")
    requires = data.get("requires")
    if requires is not None and kind is None:
        raise ClinicFileError(f"{where}.requires is only for a regulated treatment")
    if kind is not None and not requires:
        raise ClinicFileError(f"{where}.requires is missing: a regulated treatment needs its consultation")
    information = data.get("information") or {}
    if not isinstance(information, Mapping):
        raise ClinicFileError(f"{where}.information must be a mapping of the points {list(TREATMENT_POINTS)}")
    if kind is None and information:
        raise ClinicFileError(f"{where}.information is only for a regulated treatment")
    return {
        "regulated": kind, "requires": None if requires is None else str(requires),
        "information": _points(information, TREATMENT_POINTS, f"{where}.information", text) if kind else {},
    }


def clinic_parts(data: Any, text: TextReader) -> Injections | None:
    """The file's ``injections:`` section (the public text and the clinic-wide information)."""
    if data is None:
        return None
    if not isinstance(data, Mapping) or set(data) - {"public_text", "information"}:
        raise ClinicFileError("injections must have public_text and information")
    if "public_text" not in data:
        raise ClinicFileError("injections.public_text is missing")
    public = text(data["public_text"], "injections.public_text")
    if "botulinum" in (public.sv + public.en).lower():
        raise ClinicFileError("injections.public_text names a prescription medicine (not allowed in public)")
    return Injections(public, _points(data.get("information") or {}, CLINIC_POINTS, "injections.information", text))


def _points(data: Mapping[str, Any], names: Sequence[str], where: str, text: TextReader) -> dict[str, Text]:
    unknown = set(data) - set(names)
    if unknown:
        raise ClinicFileError(f"{where} has unknown points {sorted(map(str, unknown))}")
    points: dict[str, Text] = {}
    for name in names:
        if name not in data or data[name] in (None, ""):
            raise ClinicFileError(f"{where}.{name} is missing (lag 2021:363 requires it in the written information)")
        points[name] = text(data[name], f"{where}.{name}")
        if not points[name].sv.strip() or not points[name].en.strip():
            raise ClinicFileError(f"{where}.{name} is empty")
    return points


def check(services: Sequence[Service], staff: Sequence[Staff], injections: Injections | None) -> None:
    """What no single entry shows: licensed staff only, a consultation of its own, 18 and over."""
    index = {s.id: i for i, s in enumerate(staff)}
    by_id = {s.id: (i, s) for i, s in enumerate(services)}
    for i, service in enumerate(services):
        if not service.regulated:
            continue
        where = f"services[{i}] ({service.id})"
        if injections is None:
            raise ClinicFileError(f"{where} is regulated: the injections section (public_text, information) is missing")
        if service.age_limit is None or service.age_limit < MINIMUM_AGE:
            raise ClinicFileError(f"services[{i}].age_limit must be at least {MINIMUM_AGE} for a regulated treatment")
        _licensed(service, where, staff, index)
        if "botulinum" in (service.description.sv + service.description.en + service.name.sv + service.name.en).lower():
            raise ClinicFileError(
                f"services[{i}].description names a prescription medicine: public texts may not (say it in information)")
        found = by_id.get(str(service.requires))
        if found is None:
            raise ClinicFileError(f"services[{i}].requires names an unknown treatment {service.requires!r}")
        j, consultation = found
        if consultation.regulated:
            raise ClinicFileError(f"services[{i}].requires must name a consultation, not a regulated treatment")
        _licensed(consultation, f"services[{j}] ({consultation.id}), the consultation of {service.id},", staff, index)


def _licensed(service: Service, where: str, staff: Sequence[Staff], index: Mapping[str, int]) -> None:
    for staff_id in service.staff:
        i = index[staff_id]
        if staff[i].legitimation is None:
            raise ClinicFileError(
                f"{where} is given by staff[{i}] ({staff_id}), who has no legitimation: under lag (2021:363) only a "
                f"licensed {', '.join(PROFESSIONS)} may (add staff[{i}].legitimation or take {staff_id} off its staff)")

