"""A new e-mail address takes effect only when its owner confirms it from a link sent there.

Whether another customer already has that address is not told when it is asked
for (that would reveal who is a customer); confirming then answers 409.
"""

from __future__ import annotations

import datetime as dt
import secrets

from .. import messages
from ..core.errors import Conflict, Unauthorized
from ..links import access, urls
from ..store import lookups, tx
from ..store.errors import ConditionFailed
from ..store.models import Customer, EmailChange, EmailKey
from ..store.tx import Tx
from . import log as rights_log
from . import mail as rights_mail


def pending_email(customer_id: str, now: dt.datetime) -> str | None:
    changes = [i for i in lookups.partition(customer_id, now) if isinstance(i, EmailChange)]
    return max(changes, key=lambda c: c.requested_at).new_email if changes else None


def request(customer: Customer, new_email: str, now: dt.datetime) -> None:
    """Keep the new address as pending and, in the same transaction, queue its owner's link to confirm it."""
    change_id = secrets.token_urlsafe(12)
    expires = now + dt.timedelta(hours=rights_mail.EMAIL_CONFIRM_HOURS)
    if customer.expires_at is not None:
        expires = min(expires, customer.expires_at)
    change = Tx()
    change.put("change", EmailChange(
        *EmailChange.key(customer.customer_id, change_id),
        change_id=change_id, new_email=new_email, requested_at=now, expires_at=expires,
    ))
    messages.add(change, rights_mail.email_confirmation(customer, new_email, change_id, now))
    change.commit()


def confirm_email(token: str, now: dt.datetime) -> tuple[Customer, str]:
    """Move the customer to the confirmed address and revoke every earlier link.

    One transaction: the profile (only if nothing changed since the link was
    sent), the new EmailKey (only if the address is free), the old EmailKey
    and every pending change. Returns the customer and a fresh data token.
    """
    holder = access.authenticate(token, ("email",), now)
    customer, claims = holder.customer, holder.claims
    change = tx.get(EmailChange, EmailChange.key(customer.customer_id, claims.ref or "-"))
    if change is None or not change.is_live(now):
        raise Unauthorized()
    old_email, new_email = customer.email, change.new_email
    pending = [i for i in lookups.partition(customer.customer_id) if isinstance(i, EmailChange)]
    move = Tx()
    move.update("customer", customer, [
        Customer.email.set(new_email),
        Customer.link_generation.add(1),
        Customer.updated_at.set(now),
    ], (Customer.link_generation == claims.generation) & (Customer.email == old_email))
    move.put("new_key", EmailKey(*EmailKey.key(new_email), customer_id=customer.customer_id,
                                 expires_at=customer.expires_at, link_generation=claims.generation + 1),
             EmailKey.pk.does_not_exist() | (EmailKey.expires_at < now))
    move.delete("old_key", EmailKey(*EmailKey.key(old_email)), EmailKey.customer_id == customer.customer_id)
    for item in pending:
        move.delete("pending", item)
    try:
        move.commit()
    except ConditionFailed:
        fresh = lookups.profile(customer.customer_id, now)
        if fresh is None or fresh.link_generation != claims.generation:
            raise Unauthorized() from None
        raise Conflict("email_taken", {"email": "email_taken"}) from None
    customer = tx.get(Customer, Customer.key(customer.customer_id)) or customer
    rights_log.record("rectification", "web", "email_confirmed", now)
    return customer, urls.data_token(customer.customer_id, int(customer.link_generation), now)
