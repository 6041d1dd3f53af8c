"""The right to choose channels ("Rätt att styra utskick"): offers by e-mail and SMS on or
off, each change kept as a MarketingConsent (the proof), from the Utskick page, the
one-click unsubscribe in every message, or the double opt-in link of a booking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..core.errors import Invalid, Unauthorized
from ..links import access, urls
from ..marketing import double_opt_in, optin
from ..marketing.consents import CHANNELS, consent
from ..store import tx
from ..store.errors import ConditionFailed
from ..store.models import Customer
from ..store.table import Action
from ..store.tx import Tx
from . import log as rights_log
from .details import marketing_json


def _only(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise Invalid(fields={k: "unknown_field" for k in unknown})


def set_marketing(customer: Customer, choices: Mapping[str, Any], source: str, now: dt.datetime) -> dict[str, bool]:
    """Turn channels on or off; each change is kept as a MarketingConsent (the proof)."""
    _only(choices, CHANNELS)
    if not choices:
        raise Invalid(fields={"body": "required"})
    for channel, value in choices.items():
        if not isinstance(value, bool):
            raise Invalid(fields={channel: "type"})
    current = marketing_json(customer)
    changed = {ch: v for ch, v in choices.items() if current[ch] != v}
    if changed:
        attribute = {"email": Customer.marketing_email, "sms": Customer.marketing_sms}
        change = Tx()
        actions: list[Action] = [attribute[ch].set(v) for ch, v in changed.items()]
        change.update("customer", customer, [*actions, Customer.updated_at.set(now)],
                      Customer.link_generation == customer.link_generation)
        for channel, granted in changed.items():
            change.put(f"consent_{channel}", consent(customer.customer_id, channel, granted, source, now,
                                                     customer.expires_at))
        optin.add_changes(change, customer, changed, now)  # the lists of offers move with the flags
        try:
            change.commit()
        except ConditionFailed:
            raise Unauthorized() from None
        customer = tx.get(Customer, Customer.key(customer.customer_id)) or customer
    rights_log.record("marketing", "operator" if source == "operator" else "web", "updated" if changed else "unchanged", now)
    return marketing_json(customer)


def unsubscribe_channels(claims_ref: str | None) -> tuple[str, ...]:
    """What an unsubscribe link stops: the one channel it names (every link since the offers), or both
    for a link without one (e-mails sent before, whose links live two years: their promise was "all")."""
    named = tuple(ch for ch in (claims_ref or "").split() if ch in CHANNELS)
    return named or CHANNELS


def unsubscribe(token: str, now: dt.datetime) -> dict[str, bool]:
    """RFC 8058 one-click: the link's channel off (the other stays as it was), recorded with its source."""
    holder = access.authenticate(token, ("unsubscribe",), now)
    return set_marketing(holder.customer, {ch: False for ch in unsubscribe_channels(holder.claims.ref)},
                         "unsubscribe_link", now)




def confirm_marketing(token: str, now: dt.datetime) -> tuple[Customer, dict[str, bool], str]:
    """Grant the channels a booking's double opt-in link names (401 when altered, expired or revoked).

    Returns the customer, their channels and a fresh data token for the page to go on with.
    """
    holder = access.authenticate(token, ("marketing",), now)
    channels = double_opt_in.channels_of(holder.claims)
    if channels is None:
        raise Unauthorized()
    choices = set_marketing(holder.customer, {ch: True for ch in channels}, "email_confirmation", now)
    return holder.customer, choices, urls.data_token(holder.customer.customer_id,
                                                     int(holder.customer.link_generation), now)
