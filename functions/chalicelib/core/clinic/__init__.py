"""The clinic's own data (``functions/chalicelib/clinic.yml``): hours, staff, treatments.

``current()`` is the file in force, read and checked once per process, when
first asked for (never at import: the Lambda's cold start does not parse it).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .accounts import Accounts
from .errors import ClinicFileError
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

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "clinic.yml"

__all__ = ["DEFAULT_PATH", "ROLES", "WEEKDAYS", "Accounts", "BookingRules", "Clinic", "ClinicFileError", "FollowUp", "Hours",
           "Injections", "Legitimation", "OfferRules", "Service", "Staff", "Text", "current", "load", "parse"]


def load(path: str | os.PathLike[str] | None = None) -> Clinic:
    """Read and validate the clinic file (``CLINIC_FILE`` or the packaged one)."""
    file = Path(path or os.environ.get("CLINIC_FILE") or DEFAULT_PATH)
    import yaml  # only when the file is read: off the cold start

    with file.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle) or {})


@functools.lru_cache(maxsize=4)
def _cached(path: str) -> Clinic:
    return load(path)


def current() -> Clinic:
    """The clinic file in force, read once per process."""
    return _cached(os.environ.get("CLINIC_FILE") or str(DEFAULT_PATH))
