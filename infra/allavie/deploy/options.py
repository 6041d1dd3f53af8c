"""The operator's choices, checked before anything is built: the stage, an EU
region, a valid sender address, and --emulator only against an emulator."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import aws, template
from .context import Refused

EU_REGION = re.compile(r"^eu-[a-z]+-\d$")
SENDER_VARIABLE = "ALLAVIE_SENDER_EMAIL"


def region_of(region: str | None) -> str:
    """``region``, else $ALLAVIE_REGION, else eu-north-1; refused outside the EU."""
    chosen = str(region or os.environ.get("ALLAVIE_REGION") or template.DEFAULT_REGION)
    if not EU_REGION.match(chosen):
        raise Refused(f"region {chosen!r} is outside the EU; the customers' data stays in the EU (default eu-north-1)")
    return chosen


def _clinic() -> Any:
    """The clinic file, checked; a mistake in it refuses in one line naming the place."""
    from .. import domain

    try:
        return domain.clinic.load()
    except domain.clinic.ClinicFileError as error:
        raise Refused(f"the clinic file is wrong: {error}") from error


def sender_address() -> str:
    """The SES sender: $ALLAVIE_SENDER_EMAIL, else clinic.yml's ``clinic.sender``."""
    from .. import ROOT, domain

    value = os.environ.get(SENDER_VARIABLE, "").strip() or _clinic().sender.strip()
    if not re.fullmatch(r"[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value or ""):
        clinic_file = Path(domain.clinic.DEFAULT_PATH).resolve()
        where = clinic_file.relative_to(ROOT) if clinic_file.is_relative_to(ROOT) else clinic_file
        raise Refused(f"no valid sender address: set clinic.sender in {where} or {SENDER_VARIABLE} (got {value!r})")
    return value


def organisation_number(stage: str) -> str:
    """The clinic's organisation number, which every receipt prints: prod refuses to go live without it.

    Other stages may deploy without it; their receipts say that it is missing."""
    from .. import ROOT, domain

    number = str(_clinic().organisation_number)
    if not number and stage == "prod":
        clinic_file = Path(os.environ.get("CLINIC_FILE") or domain.clinic.DEFAULT_PATH).resolve()
        where = clinic_file.relative_to(ROOT) if clinic_file.is_relative_to(ROOT) else clinic_file
        raise Refused(f"no organisation number: receipts must carry it; set clinic.organisation_number in {where} "
                      "(e.g. 556123-4567) before deploying prod")
    return number


def options_of(stage: str, *, emulator: bool) -> template.Options:
    try:
        checked = template.check_stage(stage)
    except ValueError as error:
        raise Refused(str(error)) from error
    if emulator and not aws.endpoint_url():
        raise Refused("--emulator leaves out CloudFront and the bucket policy: it needs AWS_ENDPOINT_URL (an emulator), "
                      "never real AWS")
    return template.Options(stage=checked, sender=sender_address(), emulator=emulator)
