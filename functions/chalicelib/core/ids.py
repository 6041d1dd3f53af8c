"""Random identifiers: unguessable, so that an id alone opens nothing and tells nothing."""

from __future__ import annotations

import secrets


def new_id() -> str:
    """20 hex digits (80 bits): customers, and (cut to 16) bookings."""
    return secrets.token_hex(10)
