"""Proof of cookie choices (GDPR art. 7.1: the controller must be able to show
that the visitor consented, to what, and under which version of the notice).

A proof is a random id made by the visitor's browser, the choices, the policy
version and the time the server received it. Nothing else: no IP address, no
user agent, no customer id; the id alone points to no person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from ..core.errors import Invalid
from ..store import records_repo, tx
from ..store.models import CookieConsent

# Kept 3 years after it was given. A choice is in force in the browser for at
# most 12 months (then the banner asks again); the remaining two years cover a
# complaint to IMY or a dispute about a choice made at the end of that year,
# raised after the fact. The proof holds no personal data, so keeping it costs
# the visitor nothing, while not keeping it would leave consent unprovable.
PROOF_YEARS = 3

CATEGORIES = ("necessary", "analytics")
FIELDS = ("id", "choices", "policy_version")
# crypto.randomUUID() in the browser: a version-4 UUID, lower case.
CONSENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# The notice's version as mkdocs.yml extra.policy_version writes it, e.g. "2.0".
POLICY_VERSION = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4}){0,2}$")


@dataclass(frozen=True)
class Choice:
    consent_id: str
    analytics: bool
    policy_version: str

    @property
    def choices(self) -> dict[str, bool]:
        return {"necessary": True, "analytics": self.analytics}


def parse(body: dict[str, Any]) -> Choice:
    """Validate a ``POST /consent`` body strictly; 400 naming every bad field."""
    fields: dict[str, str] = {}
    for name in body:
        if name not in FIELDS:
            fields[name] = "unknown_field"

    consent_id = body.get("id")
    if consent_id is None:
        fields["id"] = "required"
    elif not isinstance(consent_id, str) or not CONSENT_ID.match(consent_id):
        fields["id"] = "consent_id"

    version = body.get("policy_version")
    if version is None:
        fields["policy_version"] = "required"
    elif not isinstance(version, str) or not POLICY_VERSION.match(version):
        fields["policy_version"] = "policy_version"

    analytics = False
    choices = body.get("choices")
    if choices is None:
        fields["choices"] = "required"
    elif not isinstance(choices, dict):
        fields["choices"] = "type"
    else:
        for name in choices:
            if name not in CATEGORIES:
                fields[f"choices.{name}"] = "unknown_field"
        if choices.get("necessary") is not True:
            # Necessary storage cannot be refused; anything else is a wrong client.
            fields["choices.necessary"] = "must_be_true"
        if "analytics" not in choices:
            fields["choices.analytics"] = "required"
        elif not isinstance(choices["analytics"], bool):
            fields["choices.analytics"] = "type"
        else:
            analytics = choices["analytics"]

    if fields:
        raise Invalid(fields=fields)
    assert isinstance(consent_id, str) and isinstance(version, str)
    return Choice(consent_id=consent_id, analytics=analytics, policy_version=version)


def proof_expiry(given_at: dt.datetime) -> dt.datetime:
    return given_at + relativedelta(years=PROOF_YEARS)


def record(choice: Choice, now: dt.datetime) -> CookieConsent:
    """Store one choice. A later choice with the same id is a new item: the history is the proof."""
    item = CookieConsent(
        *records_repo.cookie_key(choice.consent_id, now),
        consent_id=choice.consent_id,
        choices=choice.choices,
        policy_version=choice.policy_version,
        given_at=now,
        expires_at=proof_expiry(now),
    )
    item.index_expiry()
    tx.put(item)
    return item


def history(consent_id: str, now: dt.datetime) -> list[CookieConsent]:
    """Every live choice made under one id, oldest first (pattern 9)."""
    return records_repo.cookie_proofs(consent_id, now)
