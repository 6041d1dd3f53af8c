"""Offers and who they may reach (pattern 16 of docs/architecture.md): the opt-in lists (gsi1
``OPTIN#<channel>``, by customer id) and the offers (gsi1 ``OFFERS`` by when written, ``OFFERS#sending``
while going out). Their keys are built here."""

from __future__ import annotations

import datetime as dt

from .engine import Query, Range, engine
from .models import Offer
from .models.marketing import OPTIN_PREFIX

LISTED, GOING = "OFFERS", "OFFERS#sending"  # gsi1: every offer by when written; the ones going out


def offer_index(created_at: dt.datetime, offer_id: str) -> tuple[str, str]:
    """A new offer's gsi1 keys (``LISTED``; ``GOING`` replaces the partition while it goes out)."""
    return LISTED, f"{created_at.astimezone(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{offer_id}"


def optin_count(channel: str, now: dt.datetime) -> int:
    """How many are on the list of ``channel`` now (one Query of gsi1, keys and expiry only)."""
    return sum(1 for _ in engine().query(Query(f"{OPTIN_PREFIX}{channel}", index="gsi1", live_at=now, keys_only=True)))


def optin_page(channel: str, after: str | None, limit: int) -> list[str]:
    """The next ``limit`` customer ids on the list of ``channel`` after ``after`` (gsi1, in id order)."""
    found = engine().query(Query(f"{OPTIN_PREFIX}{channel}", Range(">", after) if after else None, "gsi1",
                                 limit=limit))
    return [item.gsi1sk for item in found if item.gsi1sk]


def newest(partition: str, limit: int) -> list[Offer]:
    """The newest offers of ``LISTED`` or ``GOING``, newest first (one Query of gsi1)."""
    found = engine().query(Query(partition, index="gsi1", forward=False, limit=limit))
    return [offer for offer in found if isinstance(offer, Offer)]


def going() -> list[Offer]:
    """Every offer going out (``resume_offers``: one Query of gsi1)."""
    return [offer for offer in engine().query(Query(GOING, index="gsi1")) if isinstance(offer, Offer)]
