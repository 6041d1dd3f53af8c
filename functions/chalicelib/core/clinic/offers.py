"""The clinic file's parts for offers: how they go out (``offers:``) and the follow-ups of a treatment
(``follow_ups:`` under a service: "a peel again after 6 weeks"). Checked when the file is loaded, with
the path of what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ClinicFileError
from .model import FollowUp, OfferRules, Text

TextReader = Callable[[Any, str], Text]
CHANNELS = ("email", "sms")
FOLLOW_UP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MAX_AFTER_DAYS = 730           # two years: a follow-up later than that is no follow-up of the visit
MAX_TEXT = {"email": 2000, "sms": 300}  # an SMS follow-up stays within two text messages with its links
MAX_SUBJECT = 120
MAX_PAGE_SECONDS = 20          # a page of the sender, at the slowest rate, within one Lambda call (30 s) and margin


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ClinicFileError(f"{where} must be a whole number from {low} to {high}")
    return value


def rules(data: Any) -> OfferRules:
    """``offers: {page_size, email_per_second, sms_per_second, catch_up_days}`` (every key optional)."""
    if data is None:
        return OfferRules()
    if not isinstance(data, Mapping):
        raise ClinicFileError("offers must be a mapping of settings")
    unknown = set(data) - set(OfferRules.__dataclass_fields__)
    if unknown:
        raise ClinicFileError(f"offers: unknown settings {sorted(unknown)}")
    limits = {"page_size": (1, 100), "email_per_second": (1, 1000), "sms_per_second": (1, 1000), "catch_up_days": (0, 30)}
    found = OfferRules(**{key: _whole(value, f"offers.{key}", *limits[key]) for key, value in data.items()})
    slowest = min(found.email_per_second, found.sms_per_second)
    if found.page_size / slowest > MAX_PAGE_SECONDS:
        raise ClinicFileError(f"offers.page_size {found.page_size} takes more than {MAX_PAGE_SECONDS} s at "
                              f"{slowest} a second: one page must fit in one Lambda call (30 s)")
    return found


def follow_ups(data: Any, where: str, text: TextReader) -> tuple[FollowUp, ...]:
    """A treatment's ``follow_ups: [{id, after_days, channels, text: {sv, en}, subject?}]``."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ClinicFileError(f"{where}.follow_ups must be a list")
    found: list[FollowUp] = []
    for i, item in enumerate(data):
        at = f"{where}.follow_ups[{i}]"
        if not isinstance(item, Mapping):
            raise ClinicFileError(f"{at} must be a mapping with id, after_days, channels and text")
        unknown = set(item) - {"id", "after_days", "channels", "text", "subject"}
        if unknown:
            raise ClinicFileError(f"{at}: unknown keys {sorted(unknown)} (id, after_days, channels, text, subject)")
        follow_up_id = str(item.get("id") or "")
        if not FOLLOW_UP_ID.match(follow_up_id):
            raise ClinicFileError(f"{at}.id {follow_up_id!r}: lowercase letters, digits and hyphens")
        channels = item.get("channels")
        if (not isinstance(channels, list) or not channels or any(c not in CHANNELS for c in channels)
                or len(set(channels)) != len(channels)):
            raise ClinicFileError(f"{at}.channels must list email and/or sms")
        if "text" not in item:
            raise ClinicFileError(f"{at}.text is missing")
        body = text(item["text"], f"{at}.text")
        longest = min(MAX_TEXT[c] for c in channels)
        for language, value in (("sv", body.sv), ("en", body.en)):
            if not value.strip() or len(value) > longest:
                raise ClinicFileError(f"{at}.text.{language} must be 1 to {longest} characters")
        subject = text(item["subject"], f"{at}.subject") if item.get("subject") is not None else None
        if subject is not None and (len(subject.sv) > MAX_SUBJECT or len(subject.en) > MAX_SUBJECT
                                    or "\n" in subject.sv + subject.en):
            raise ClinicFileError(f"{at}.subject must be one line of at most {MAX_SUBJECT} characters")
        found.append(FollowUp(follow_up_id, _whole(item.get("after_days"), f"{at}.after_days", 1, MAX_AFTER_DAYS),
                              tuple(str(c) for c in CHANNELS if c in channels), body, subject))
    if len({f.id for f in found}) != len(found):
        raise ClinicFileError(f"{where}.follow_ups: two share an id")
    return tuple(found)
