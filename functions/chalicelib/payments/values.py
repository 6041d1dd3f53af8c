"""What the rest of the platform sees of a payment: plain data, no Stripe objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaymentStart:
    """What the page needs to take the payment with Stripe.js."""

    payment_intent_id: str
    client_secret: str
    publishable_key: str
    amount_sek: int
    stripe_js: str

    def public(self) -> dict[str, str | int]:
        """The ``payment`` object of ``POST /bookings``."""
        return {
            "client_secret": self.client_secret,
            "publishable_key": self.publishable_key,
            "amount_sek": self.amount_sek,
            "stripe_js": self.stripe_js,
        }


@dataclass(frozen=True)
class Paid:
    """A PaymentIntent as Stripe has it now (retrieved, not taken from an event)."""

    payment_intent_id: str
    status: str
    amount_ore: int
    currency: str
    charge_id: str | None
    amount_refunded_ore: int
    booking_id: str | None
    customer_id: str | None
    service_id: str | None = None  # the treatment paid for (metadata; intents made before it have none)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded" and self.charge_id is not None


@dataclass(frozen=True)
class Intent:
    """The few facts of an intent that the booking page's status question needs."""

    payment_intent_id: str
    status: str
    client_secret: str
    booking_id: str | None
    customer_id: str | None


@dataclass(frozen=True)
class Refunded:
    """A refund Stripe made."""

    refund_id: str
    status: str


@dataclass(frozen=True)
class RefundResult:
    """A refund asked of Stripe (or found already made)."""

    amount_sek: int
    status: str               # Stripe's refund status (succeeded | pending), already_refunded, or failed
    refund_id: str | None

    def public(self) -> dict[str, str | int]:
        """The ``refund`` object of ``POST /bookings/{id}/cancel``."""
        return {"amount_sek": self.amount_sek, "status": self.status}


@dataclass(frozen=True)
class StripeEvent:
    """A webhook event whose signature held."""

    id: str
    type: str
    created: int
    object: dict[str, object]  # what it is about (a PaymentIntent), as JSON

    @property
    def object_id(self) -> str:
        return str(self.object.get("id") or "")


class Payable(Protocol):
    """What a payment needs of a booking: its ids and the prepayment (a store.models.Booking is one)."""

    @property
    def booking_id(self) -> str: ...

    @property
    def customer_id(self) -> str: ...

    @property
    def prepayment_sek(self) -> float: ...

    @property
    def service_id(self) -> str: ...
