"""TEST FIXTURE: customers written straight through the models, with every
kind of item a customer can have (bookings, consents, messages).

Used by the rights tests for states the API cannot reach quickly (a past
visit, a message log); where a test needs a real booking it uses POST /bookings.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from chalicelib.core.clock import STOCKHOLM
from chalicelib.links import tokens as links
from chalicelib.retention import dates as retention
from chalicelib.store.models import Booking, Customer, EmailKey, MarketingConsent, Message, customer_pk


@dataclass
class TestCustomer:
    customer: Customer
    bookings: list[Booking] = field(default_factory=list)
    consents: list[MarketingConsent] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.customer.customer_id

    def token(self, purpose: str = "data", *, now: dt.datetime, days: int = 7, booking_id: str | None = None,
              generation: int | None = None) -> str:
        return links.issue(self.id, purpose, self.customer.link_generation if generation is None else generation,
                           now + dt.timedelta(days=days), booking_id)


def make_customer(
    now: dt.datetime,
    *,
    name: str = "Greta Testsson",
    email: str | None = None,
    phone: str = "+46701234567",
    language: str = "sv",
    marketing: tuple[bool, bool] = (True, True),
    visits: tuple[tuple[int, str], ...] = ((-30, "completed"), (20, "confirmed")),
    note: str | None = "Känslig hud <b>inte</b> retinol",
) -> TestCustomer:
    """A customer with bookings ``visits`` = (days from now, status), consents and two messages."""
    customer_id = secrets.token_hex(10)  # the form customers.new_id() gives
    email = email or f"greta.{customer_id}@example.se"
    starts = [(now + dt.timedelta(days=d)).astimezone(STOCKHOLM).replace(hour=10, minute=0, second=0, microsecond=0)
              for d, _ in visits]
    expires = retention.customer_expiry([(s, status == "cancelled") for s, (_, status) in zip(starts, visits)], now)
    customer = Customer(*Customer.key(customer_id), customer_id=customer_id, name=name, email=email, phone=phone,
                        language=language, marketing_email=marketing[0], marketing_sms=marketing[1],
                        link_generation=1, created_at=now - dt.timedelta(days=40), expires_at=expires)
    customer.index_expiry()
    customer.save()
    EmailKey(*EmailKey.key(email), customer_id=customer_id, expires_at=expires, link_generation=1).save()
    made = TestCustomer(customer)
    for start, (_, status) in zip(starts, visits):
        booking_id = secrets.token_hex(8)  # the form booking.new_id() gives
        booking = Booking(*Booking.key(customer_id, booking_id), booking_id=booking_id, customer_id=customer_id,
                          service_id="konsultation", staff_id="anna", start=start, end=start + dt.timedelta(minutes=30),
                          locked_units=2, status=status, note=note, language=language, price_sek=500,
                          created_at=now - dt.timedelta(days=40), expires_at=expires,
                          gsi1pk=f"CAL#{start:%Y-%m}", gsi1sk=f"{start.isoformat()}#{booking_id}")
        booking.save()
        made.bookings.append(booking)
    for channel, granted in zip(("email", "sms"), marketing):
        at = now - dt.timedelta(days=40)
        consent = MarketingConsent(customer_pk(customer_id), f"CONSENT#{at.isoformat()}#{channel}", channel=channel,
                                   granted=granted, source="booking_form", at=at, expires_at=expires)
        consent.save()
        made.consents.append(consent)
    for i, purpose in enumerate(("confirmation", "reminder")):
        at = now - dt.timedelta(days=39 - i)
        message_id = f"m{i}{secrets.token_hex(4)}"
        message = Message(customer_pk(customer_id), f"MSG#{at.isoformat()}#{message_id}", message_id=message_id,
                          channel="email", purpose=purpose, recipient=email, subject=f"Bokning {purpose}",
                          booking_id=made.bookings[0].booking_id, sent_at=at, transport_id=f"{customer_id}-{i}.eml",
                          expires_at=expires)
        message.save()
        made.messages.append(message)
    return made
