"""Each staff member's private calendar feed: an ``.ics`` URL a calendar app subscribes to.

The URL's key is 256 bits derived from the signing key and a random nonce kept on the staff
member's account; the table also keeps the key's digest (``FeedKey``) to find the member from a URL.
Renewing makes a new nonce and deletes the old digest: the old URL is dead (404, like any URL
without its key). The feed carries treatment and the customer's first name only (no e-mail, phone
or note), from a week back to two months ahead, plus the member's blocked time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from ..booking.locks import bookings_between
from ..core import clinic as clinic_module
from ..core import secret_store, settings
from ..core.errors import NotFound
from ..messages.ics import TZID, vtimezone
from ..store import tx
from ..store.models import Booking, FeedKey, StaffAccount
from ..store.tx import Tx
from . import access, schedule, sessions, views

BACK = dt.timedelta(days=7)
AHEAD = dt.timedelta(days=62)


def _key(staff_id: str, nonce: str) -> str:
    secret = secret_store.get("LINK_SIGNING_KEY").encode("utf-8")
    return hmac.new(secret, f"allavie.feed.v1\x00{staff_id}\x00{nonce}".encode(), hashlib.sha256).hexdigest()


def url(staff_id: str, key: str) -> str:
    return f"{settings.get().api_url}/staff/feed/{key}.ics"


def _account(staff_id: str) -> StaffAccount:
    return tx.get(StaffAccount, StaffAccount.key(staff_id)) or StaffAccount(*StaffAccount.key(staff_id),
                                                                             staff_id=staff_id)


def _install(staff_id: str, account: StaffAccount, now: dt.datetime) -> str:
    """A new nonce on the account and the digest of its key, the old digest deleted, all at once."""
    nonce = secrets.token_hex(16)
    key = _key(staff_id, nonce)
    change = Tx()
    if account.feed_nonce:
        change.delete("old", FeedKey(*FeedKey.key(_key(staff_id, account.feed_nonce))))
    change.put("new", FeedKey(*FeedKey.key(key), staff_id=staff_id, created_at=now))
    seen = StaffAccount.feed_nonce.does_not_exist() if not account.feed_nonce else \
        StaffAccount.feed_nonce == account.feed_nonce
    change.update("account", StaffAccount(*StaffAccount.key(staff_id)), [
        StaffAccount.kind.set(StaffAccount), StaffAccount.staff_id.set(staff_id), StaffAccount.feed_nonce.set(nonce),
    ], seen)
    change.commit()
    return key


def feed_url(user: sessions.StaffUser, now: dt.datetime) -> str:
    """``GET /staff/feed``: the member's URL (made on first use)."""
    account = _account(user.id)
    key = _key(user.id, account.feed_nonce) if account.feed_nonce else _install(user.id, account, now)
    return url(user.id, key)


def renew(user: sessions.StaffUser, now: dt.datetime) -> str:
    """``POST /staff/feed/renew``: a new URL; the old one is dead at once."""
    return url(user.id, _install(user.id, _account(user.id), now))


def member_of(key: str, now: dt.datetime) -> sessions.StaffUser:
    """The staff member whose feed this key opens, or 404 (unknown, renewed, or no longer on the staff)."""
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise NotFound()
    found = tx.get(FeedKey, FeedKey.key(key))
    member = clinic_module.current().staff_member(found.staff_id) if found is not None else None
    if found is None or member is None or member.email is None:
        raise NotFound()
    return sessions.StaffUser(member.id, member.name, member.role, member.email)


def ics(key: str, now: dt.datetime) -> bytes:
    """The feed itself: treatment and first name per booking, and the blocked time."""
    from icalendar import Calendar, Event

    user = member_of(key, now)
    clinic = clinic_module.current()
    begin, end = now - BACK, now + AHEAD
    found = [b for b in bookings_between(clinic, begin, end, now)
             if isinstance(b, Booking) and b.staff_id == user.id and schedule.active(b, now)]
    people = views.profiles((b.customer_id for b in found), now)
    access.record(user, ((b.customer_id, b.expires_at) for b in found), "feed", now)
    feed = Calendar()
    feed.add("prodid", "-//Allavie AB//Hudateljen personal//SV")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{clinic.name}: {user.name}")
    feed.add("x-wr-timezone", TZID)
    feed.add_component(vtimezone())
    zone = clinic.tz
    for booking in found:
        service = clinic.service(booking.service_id)
        person = people.get(booking.customer_id)
        first = (person.name.split() or ["–"])[0] if person is not None and person.name else "–"
        event = Event()
        event.add("uid", f"{booking.booking_id}@allavie-personal")
        event.add("dtstamp", now)
        event.add("dtstart", booking.start.astimezone(zone))
        event.add("dtend", booking.end.astimezone(zone))
        event.add("summary", f"{service.name.sv if service else booking.service_id} – {first}")
        feed.add_component(event)
    for block in schedule.blocks(begin, end, user.id, now):
        event = Event()
        event.add("uid", f"{block.block_id}@allavie-personal")
        event.add("dtstamp", now)
        event.add("dtstart", block.start.astimezone(zone))
        event.add("dtend", block.end.astimezone(zone))
        event.add("summary", f"Spärrad tid: {block.reason}")
        feed.add_component(event)
    return bytes(feed.to_ical())
