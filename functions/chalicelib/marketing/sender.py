"""The sender of offers: a page of recipients at a time, each recorded before it is sent.

    POST /staff/offers/{id}/send        draft -> sending, step 1 (once: ``offers.request_send``)
      -> stream record (the offer at a new step)      ``handle_records`` (the Lambda ``send_offers``): one page
      -> the step's page: up to ``page_size`` customers of the channel's list after the cursor (one Query of gsi1)
         each one: TransactWriteItems of the OfferDelivery (``attribute_not_exists``), the Message (the outbox
         sends it), a condition check of the live profile (consent still on, same link generation, not
         expired) and the offer's count; a repeated page finds the deliveries and writes nothing
      -> the offer to the next step (condition: still at this one) -> the next stream record ...
      -> no more on the last channel: sent
    ``resume`` (every five minutes) starts the step again of an offer that has not moved for a while (a
    failed Lambda, a lost record), so a send always finishes; what it had sent stays sent.

Each page takes at least as long as its messages need at the account's rate (``offers.email_per_second`` /
``sms_per_second`` in the clinic file), so the outbox sends them within SES's and SMS's limits.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..core import clinic as clinic_module
from ..core import clock
from ..messages import add
from ..messages.addresses import UnsafeMessage
from ..store import lookups, offers_repo, stream, tx
from ..store.errors import ConditionFailed
from ..store.models import Customer, Offer, OfferDelivery
from ..store.tx import Tx
from . import offers, optin
from .offer_mail import Content, composable, message

log = logging.getLogger(__name__)

ATTEMPTS = 5                               # a contended delivery (two pages at once) is tried again
STALLED = dt.timedelta(minutes=2)          # an offer whose step has not moved for this long is resumed
Sleep = Callable[[float], None]


def consent_holds(customer: Customer, channel: str, now: dt.datetime) -> Any:
    """The condition, checked in the delivery's transaction, that the customer may still get it by ``channel``."""
    flag = Customer.marketing_email if channel == "email" else Customer.marketing_sms
    return ((flag == True) & (Customer.link_generation == customer.link_generation)  # noqa: E712 - a condition
            & (Customer.expires_at.does_not_exist() | (Customer.expires_at > now)))


def deliver(customer: Customer, channel: str, delivery: OfferDelivery, content: Content, purpose: str,
            now: dt.datetime, counter: tuple[Offer, Any] | None = None) -> bool:
    """Record and queue one message: True when written now, False when already delivered, refused or unreachable."""
    if not customer.is_live(now) or not optin.reachable(customer, channel):
        return False
    try:
        queued = message(customer, content, channel, purpose, now=now)
    except UnsafeMessage:  # this customer's message cannot be composed: the others still get theirs
        log.warning("%s to %s not composed", purpose, customer.customer_id)
        return False
    if queued is None:
        return False
    delivery.message_id = queued.message_id
    for attempt in range(1, ATTEMPTS + 1):
        change = Tx()
        change.put("delivery", delivery, OfferDelivery.pk.does_not_exist())
        add(change, queued)
        change.check("customer", Customer, Customer.key(customer.customer_id), consent_holds(customer, channel, now))
        if counter is not None:
            change.update("offer", counter[0], [counter[1].add(1)], Offer.status == offers.SENDING)
        try:
            change.commit()
            return True
        except ConditionFailed as refused:
            if not refused.contended or attempt == ATTEMPTS:
                return False  # delivered before, consent withdrawn meanwhile, or the send was finished
            tx.backoff(attempt)
    return False


def _profiles(customer_ids: list[str]) -> dict[str, Customer]:
    if not customer_ids:
        return {}
    return {c.customer_id: c for c in lookups.profiles(customer_ids, consistent=True)}


def run_page(offer: Offer, channel: str, customer_ids: list[str], now: dt.datetime) -> int:
    """Deliver the offer to those of ``customer_ids`` who may get it by ``channel``; how many were written now."""
    counter = Offer.sent_email if channel == "email" else Offer.sent_sms
    content = offers.content(offer)
    written = 0
    for customer_id, customer in sorted(_profiles(customer_ids).items()):
        delivery = OfferDelivery(*OfferDelivery.offer_key(customer_id, offer.offer_id, channel), channel=channel,
                                 message_id="", at=now, offer_id=offer.offer_id, subject=offer.subject,
                                 expires_at=customer.expires_at)
        if deliver(customer, channel, delivery, content, "offer", now, (Offer(*Offer.key(offer.offer_id)), counter)):
            written += 1
    return written


def step(offer_id: str, at_step: int, now: dt.datetime, sleep: Sleep = time.sleep) -> str:
    """One page of one offer at step ``at_step``: ``sent``, ``next``, ``skipped`` (not at that step), ``lost`` or
    ``failed`` (its messages cannot be composed)."""
    offer = tx.get(Offer, Offer.key(offer_id))
    if offer is None or offer.status != offers.SENDING or int(offer.step or 0) != at_step:
        return "skipped"
    if not composable(offers.content(offer), now):  # it never can be: failed, for staff to edit or delete
        offers.fail(offer, now, offers.SENDING, at_step)
        return offers.FAILED
    rules = clinic_module.current().offers
    chosen = offers.channels_of(offer)
    channel = offer.cursor_channel if offer.cursor_channel in chosen else chosen[0]
    started = time.monotonic()
    page = optin.page(channel, offer.cursor, rules.page_size)
    written = run_page(offer, channel, page, now)
    actions = [Offer.step.set(at_step + 1), Offer.step_at.set(_wall()), Offer.updated_at.set(now)]
    if len(page) == rules.page_size:
        actions.append(Offer.cursor.set(page[-1]))
        outcome = "next"
    elif channel != chosen[-1]:
        actions += [Offer.cursor_channel.set(chosen[chosen.index(channel) + 1]), Offer.cursor.remove()]
        outcome = "next"
    else:
        actions += [Offer.status.set(offers.SENT), Offer.finished_at.set(now), Offer.gsi1pk.set(offers.LISTED),
                    Offer.cursor.remove()]
        outcome = offers.SENT
    rate = rules.email_per_second if channel == "email" else rules.sms_per_second
    wait = written / rate - (time.monotonic() - started)
    if wait > 0 and outcome == "next":
        sleep(wait)  # within the account's rate: the outbox sends this page's messages meanwhile
    try:
        tx.update(offer, actions, (Offer.step == at_step) & (Offer.status == offers.SENDING))
    except ConditionFailed:
        return "lost"  # another reader took this step at the same time; its deliveries and ours are each once
    return outcome


def handle_records(records: Iterable[Mapping[str, Any]], now: dt.datetime | None = None) -> dict[str, int]:
    """The stream handler: each offer that has just come to a new step while sending gets that step."""
    now = now or clock.now()
    counts: dict[str, int] = {}
    for change in stream.written(records):
        new, old = change.new, change.old
        if stream.text(new, "kind") != "offer" or stream.text(new, "status") != offers.SENDING:
            continue
        if stream.text(old, "status") == offers.SENDING and stream.number(old, "step") == stream.number(new, "step"):
            continue  # a count went up, not the step
        try:
            outcome = step(stream.text(new, "offer_id"), stream.number(new, "step"), now)
        except Exception:  # noqa: BLE001 - the schedule resumes it; one offer never holds the stream up
            log.exception("offer %s: step %s failed", stream.text(new, "offer_id"), stream.number(new, "step"))
            outcome = "failed"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _wall() -> dt.datetime:
    """Steps are timed on the wall clock, as the outbox's leases: readers whose business clocks differ
    (an operator's ``--as-of``, a pinned ALLAVIE_NOW) still see each other's progress."""
    return dt.datetime.now(dt.timezone.utc)


def resume(now: dt.datetime) -> dict[str, int]:
    """Every offer still sending whose step has not moved for ``STALLED``: its step once more."""
    counts: dict[str, int] = {}
    for item in offers_repo.going():
        if item.status == offers.SENDING and (
                item.step_at is None or item.step_at < _wall() - STALLED):
            outcome = step(item.offer_id, int(item.step or 0), now)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


