"""The back office's own message: the sign-in link to a staff member, queued in the outbox under their
``STAFF#<id>`` for a day (``messages.clinic_email``). What staff do to bookings is told to customers
and the clinic by booking's own messages, in the transactions of those changes."""

from __future__ import annotations

import datetime as dt

from .. import messages
from ..core import settings
from ..core.clinic import Staff
from ..messages import layout
from ..store import outbox_repo
from ..store.models import Message

SIGNIN_MINUTES = 15


def signin_url(token: str) -> str:
    return f"{settings.get().site_url}/personal/#t={token}"


def signin_mail(member: Staff, token: str, now: dt.datetime) -> Message:
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
    return messages.clinic_email(member.email, "signin", subject, text, markup, now=now,
                                 owner_pk=outbox_repo.staff_owner(member.id), expires=now + dt.timedelta(days=1))
