"""A visit for the photo and complaint pages: booked through the API, then moved into the past in the table."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import requests

from support import clock as run_clock
from support.booking_data import body

EMAIL = "bild.kund@example.se"


def book_visit(api_url: str) -> None:
    first = run_clock.open_day(3)
    query = f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=20)}"
    with urllib.request.urlopen(api_url + query, timeout=30) as answer:
        slot = json.loads(answer.read())["slots"][0]
    made = requests.post(api_url + "/bookings", json=body(email=EMAIL, start=slot["start"], staff=slot["staff"][0]),
                         timeout=30)
    assert made.status_code == 201, made.text


def visit_in_the_past(email: str) -> None:
    """The visit has taken place: the booking's time moved to yesterday in the table (its link still works)."""
    from chalicelib.store import tx
    from chalicelib.store.models import Booking, Customer, Item

    customer = next(i for i in Item.scan(consistent_read=True) if isinstance(i, Customer) and i.email == email)
    booking = next(i for i in Item.scan(consistent_read=True)
                   if isinstance(i, Booking) and i.customer_id == customer.customer_id)
    start = run_clock.now().replace(microsecond=0) - dt.timedelta(days=1)
    tx.update(booking, [Booking.start.set(start), Booking.end.set(start + dt.timedelta(minutes=30))])
