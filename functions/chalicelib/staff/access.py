"""The access log (15): every look by staff at a customer's personal data, in the customer's partition.

``record`` is called by everything in the back office that shows a customer's data (the calendar,
a booking, the customer's page, search results, an export, the calendar feed) and by what comes
later (offers, complaints, photos). One item per staff member, kind of look and Stockholm day keeps
the log readable and its cost bounded: a calendar reloaded all day is one line per customer.
It carries the customer's expiry (and moves with it), so it is kept exactly as long as their data,
goes with an erasure, and is listed in their export (``rights.export``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..core.clock import local
from ..rights.export import access_entry
from ..store import customer_repo
from ..store.models import AccessEntry
from ..store.tx import Write, write_all
from . import looks
from .sessions import StaffUser

WHAT = ("calendar", "booking", "customer", "search", "export", "feed",
        "photos", "complaints")  # the clinic's side of photos and complaints (photos.uploads, complaints.clinic)


def record(user: StaffUser, seen: Iterable[tuple[str, dt.datetime | None]], what: str, now: dt.datetime) -> int:
    """Log that ``user`` saw the data of each (customer id, that customer's expiry) in ``seen``."""
    if what not in WHAT:
        raise ValueError(f"unknown kind of look {what!r}")
    day = local(now).date()
    writes = []
    each = dict(seen)
    looks.logged(each)  # the middleware's net does not log these twice
    for customer_id, expires in each.items():
        entry = AccessEntry(*customer_repo.access_key(customer_id, day, user.id, what))
        actions = [
            AccessEntry.kind.set(AccessEntry), AccessEntry.staff_id.set(user.id), AccessEntry.staff_name.set(user.name),
            AccessEntry.what.set(what), AccessEntry.first_at.set(AccessEntry.first_at | now),
            AccessEntry.last_at.set(now), AccessEntry.views.add(1),
        ]
        if expires is not None:
            actions.append(AccessEntry.expires_at.set(expires))
        writes.append(Write(entry, None, actions))
    return len(write_all(writes).written) if writes else 0


def entries(customer_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The customer's access log, oldest first (one Query of their partition's ``ACCESS#`` items)."""
    found = customer_repo.access_log(customer_id, now)
    return sorted((access_entry(e) for e in found), key=lambda e: e["at"])


KINDS = {"calendar": "calendar", "blocks": "calendar", "bookings": "booking", "customers": "customer",
         "complaints": "complaints", "feed": "feed"}  # by the path's second part


def record_shown(collected: looks.Looks, path: str, now: dt.datetime) -> int:
    """Log every customer the answer to ``path`` showed that its route did not log itself."""
    unlogged = collected.unlogged()
    if not unlogged:
        return 0
    if collected.user is None:  # a customer shown to no session: never let it out
        raise RuntimeError(f"{path} showed a customer without a signed-in member")
    part = path.strip("/").split("/")[1] if path.count("/") > 1 else ""
    return record(collected.user, unlogged.items(), KINDS.get(part, "customer"), now)
