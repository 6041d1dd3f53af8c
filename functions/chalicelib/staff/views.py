"""How the back office shows bookings, customers and blocks (JSON), and the customers' profiles it
needs for a page of bookings (one BatchGetItem per hundred)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..core import clinic as clinic_module
from ..core.clock import iso_local
from ..rights.details import phone_display
from ..store import lookups
from ..store.models import Block, Booking, Customer
from . import looks

BATCH = 100


def profiles(customer_ids: Iterable[str], now: dt.datetime) -> dict[str, Customer]:
    """The live profiles of these customers, by id."""
    ids = sorted(set(customer_ids))
    found: dict[str, Customer] = {}
    for start in range(0, len(ids), BATCH):
        for profile in lookups.profiles(ids[start:start + BATCH]):
            if profile.is_live(now):
                found[profile.customer_id] = profile
    return found


def customer(profile: Customer | None, customer_id: str) -> dict[str, Any]:
    """A customer's details in an answer; noted as shown, so the answer is in the access log (``looks``)."""
    if profile is None:
        return {"id": customer_id, "name": None, "email": None, "phone": None, "phone_display": None, "no_shows": 0}
    looks.shown(profile.customer_id, profile.expires_at)
    return {"id": profile.customer_id, "name": profile.name, "email": profile.email, "phone": profile.phone,
            "phone_display": phone_display(profile.phone), "no_shows": int(profile.no_shows or 0)}


def payment(booking: Booking) -> dict[str, Any]:
    """What is paid: ``state`` is paid | at_clinic | awaiting | refunded | none."""
    prepay, paid, refunded = int(booking.prepayment_sek or 0), int(booking.paid_sek or 0), int(booking.refunded_sek or 0)
    if refunded:
        state = "refunded"
    elif paid:
        state = "paid"
    elif booking.payment == "at_clinic":
        state = "at_clinic"
    elif booking.status == "awaiting_payment":
        state = "awaiting"
    else:
        state = "none"
    return {"state": state, "method": booking.payment, "price_sek": int(booking.price_sek or 0), "prepayment_sek": prepay,
            "paid_sek": paid, "refunded_sek": refunded}


def booking(item: Booking, profile: Customer | None) -> dict[str, Any]:
    clinic = clinic_module.current()
    service = clinic.service(item.service_id)
    member = clinic.staff_member(item.staff_id)
    return {
        "id": item.booking_id, "start": iso_local(item.start), "end": iso_local(item.end), "staff": item.staff_id,
        "staff_name": member.name if member else item.staff_id, "service": item.service_id,
        "service_name": service.name.sv if service else item.service_id, "status": item.status,
        "outcome": item.outcome, "customer": customer(profile, item.customer_id), "note": item.note,
        "payment": payment(item), "booked_by": item.booked_by,
        "hold_until": iso_local(item.hold_until) if item.hold_until else None,
    }


def block(item: Block) -> dict[str, Any]:
    return {"id": item.block_id, "staff": item.staff_id, "start": iso_local(item.start), "end": iso_local(item.end),
            "reason": item.reason, "created_by": item.created_by}
