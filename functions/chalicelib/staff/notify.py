"""Every message the back office sends, from one module (so that it moves to the outbox in one place):
the sign-in link to a staff member, and the customer's own messages about what staff did (through
booking's mails: confirmation, new time, cancellation, by SMS to a caller without an address)."""

from __future__ import annotations

import datetime as dt

from ..booking.clinic_notice import send_internal
from ..core import settings
from ..core.clinic import Staff
from ..messages import layout

SIGNIN_MINUTES = 15


def signin_url(token: str) -> str:
    return f"{settings.get().site_url}/personal/#t={token}"


def send_signin_link(member: Staff, token: str, now: dt.datetime) -> str:
    """The link that signs ``member`` in (with a code from their authenticator app), to their address."""
    assert member.email is not None
    url = signin_url(token)
    subject = "Logga in i Hudateljéns bokningssystem"
    text = (f"Hej {member.first_name}!\n\nHär är din inloggningslänk. Den gäller i {SIGNIN_MINUTES} minuter och "
            f"kan användas en gång:\n{url}\n\nDu behöver också koden från din autentiseringsapp.\n"
            "Har du inte bett om att logga in? Då kan du bortse från det här meddelandet.\n")
    markup = "".join([
        layout.heading("Logga in"), layout.paragraph(f"Hej {member.first_name}!"),
        layout.paragraph(f"Här är din inloggningslänk. Den gäller i {SIGNIN_MINUTES} minuter och kan användas en gång. "
                         "Du behöver också koden från din autentiseringsapp."),
        layout.button(url, "Logga in"),
        layout.paragraph("Har du inte bett om att logga in? Då kan du bortse från det här meddelandet."),
    ])
    return send_internal(member.email, subject, text, markup, f"staff-{member.id}", now)
