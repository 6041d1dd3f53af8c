"""Customers with a history, written through the models as booking writes
them (profile, EmailKey, bookings with their time locks, a marketing consent,
messages), then given their expiry by ``expiry.refresh``. For retention tests
that need visits years in the past, which the booking API refuses by design.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

from chalicelib.core.clock import STOCKHOLM
from chalicelib.retention import expiry
from chalicelib.store.models import Booking, Customer, EmailKey, Item, MarketingConsent, Message, SlotLock, customer_pk

SLOT = dt.timedelta(minutes=15)


@dataclass
class Person:
    customer_id: str
    name: str
    email: str
    phone: str
    booking_ids: list[str] = field(default_factory=list)

    @property
    def traces(self) -> tuple[str, ...]:
        """What must not be left anywhere once the person is deleted."""
        return (self.customer_id, self.name, self.email, self.phone)


def stockholm(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=STOCKHOLM)


def make_customer(name: str, email: str, phone: str, created: dt.datetime) -> Person:
    person = Person(uuid.uuid4().hex, name, email, phone)
    Customer(
        *Customer.key(person.customer_id), customer_id=person.customer_id, name=name, email=email,
        phone=phone, marketing_email=True, created_at=created,
    ).save()
    EmailKey(*EmailKey.key(email), customer_id=person.customer_id).save()
    MarketingConsent(
        customer_pk(person.customer_id), f"CONSENT#{created.isoformat()}#email",
        channel="email", granted=True, source="booking_form", at=created,
    ).save()
    return person


def add_booking(person: Person, start: dt.datetime, booked_at: dt.datetime, *, status: str = "confirmed",
                staff: str = "anna", minutes: int = 60) -> str:
    """A booking, its time locks (as booking takes them) and its confirmation message."""
    booking_id = uuid.uuid4().hex
    units = minutes // 15
    Booking(
        *Booking.key(person.customer_id, booking_id), booking_id=booking_id, customer_id=person.customer_id,
        service_id="facial", staff_id=staff, start=start, end=start + dt.timedelta(minutes=minutes),
        locked_units=units, status=status, note=f"Note from {person.name}", created_at=booked_at,
        cancelled_at=booked_at if status == "cancelled" else None,
        gsi1pk=f"CAL#{start.astimezone(STOCKHOLM):%Y-%m}", gsi1sk=f"{start.isoformat()}#{booking_id}",
    ).save()
    if status != "cancelled":
        for unit in range(units):
            SlotLock(*SlotLock.key(staff, start + unit * SLOT), booking_id=booking_id).save()
    Message(
        customer_pk(person.customer_id), f"MSG#{booked_at.isoformat()}#{booking_id}", message_id=uuid.uuid4().hex,
        channel="email", purpose="confirmation", recipient=person.email, subject="Bokningsbekräftelse",
        booking_id=booking_id, sent_at=booked_at,
    ).save()
    person.booking_ids.append(booking_id)
    expiry.refresh(person.customer_id, booked_at)
    return booking_id


def customer_with_visit(name: str, email: str, phone: str, visit: dt.datetime) -> Person:
    """Somebody who booked a week ahead and came on ``visit``."""
    booked_at = visit - dt.timedelta(days=7)
    person = make_customer(name, email, phone, booked_at)
    add_booking(person, visit, booked_at)
    return person


def everything() -> list[Item]:
    """Every item in the table (a Scan: tests only)."""
    return list(Item.scan(consistent_read=True))


def dump(items: list[Item]) -> str:
    """The stored attributes of ``items`` as one string, to search for traces of a person."""
    return "\n".join(json.dumps(item.serialize(), default=str, ensure_ascii=False) for item in items)


def expiries(person: Person) -> dict[str, int | None]:
    """The ``expires_at`` (epoch) of each item of the person, plus their EmailKey."""
    items = list(Item.query(customer_pk(person.customer_id), consistent_read=True))
    items += list(Item.query(EmailKey.key(person.email)[0], consistent_read=True))
    return {f"{i.pk}|{i.sk}": (int(i.expires_at.timestamp()) if i.expires_at else None) for i in items}
