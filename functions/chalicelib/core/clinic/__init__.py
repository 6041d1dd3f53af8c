"""The clinic's own data (``functions/chalicelib/clinic.yml``): hours, staff, treatments.

``current()`` is the clinic in force: the file, with the owner's settings from the table in place
of its sections once the store has installed its reader (``use_source``; see ``live``), read and
checked when first asked for (never at import: the Lambda's cold start does not parse it) and
again when a minute has passed and the settings' version changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import live
from .accounts import Accounts
from .errors import ClinicFileError
from .live import DEFAULT_PATH, Source, Stored
from .model import (
    ROLES,
    WEEKDAYS,
    BookingRules,
    Clinic,
    FollowUp,
    Hours,
    Injections,
    Legitimation,
    OfferRules,
    Service,
    Staff,
    Text,
)
from .parse import parse

__all__ = ["DEFAULT_PATH", "ROLES", "WEEKDAYS", "Accounts", "BookingRules", "Clinic", "ClinicFileError", "FollowUp",
           "Hours", "Injections", "Legitimation", "OfferRules", "Service", "Source", "Staff", "Stored", "Text", "current",
           "forget", "load", "parse", "use_source"]


def load(path: str | os.PathLike[str] | None = None) -> Clinic:
    """Read and validate the clinic file (``CLINIC_FILE`` or the packaged one)."""
    file = Path(path or os.environ.get("CLINIC_FILE") or DEFAULT_PATH)
    import yaml  # only when the file is read: off the cold start

    with file.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle) or {})


def current() -> Clinic:
    """The clinic in force in this container (at most a minute old)."""
    return live.LIVE.current()


def use_source(source: Source | None) -> None:
    """Where the owner's settings are read (the store's reader); None: the file alone."""
    live.LIVE.use(source)


def forget() -> None:
    """Read the settings again at the next ``current()`` (after a save here; between tests)."""
    live.LIVE.forget()
