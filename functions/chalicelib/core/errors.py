"""The one exception root, and the errors the API answers with.

``AllavieError`` is the root of every exception the domain raises on purpose
(the store's ``ConditionFailed`` too), so a caller can tell "our rule said
no" from a bug. ``ApiError`` and its kinds carry a code, a status and the
fields at fault; messages are looked up by code in :mod:`chalicelib.core.i18n`,
so every error has a Swedish and an English text and routes never build
strings by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice import ChaliceUnhandledError


class AllavieError(Exception):
    """The root of the platform's own exceptions."""


class ApiError(AllavieError, ChaliceUnhandledError):
    """An answer with a 4xx status; raising it changes nothing stored.

    A ChaliceUnhandledError, because Chalice turns any other exception from a
    view into a 500 before the app's middleware (which answers these) sees it.
    """

    status = 400
    code = "invalid"

    def __init__(
        self,
        code: str | None = None,
        fields: Mapping[str, str] | None = None,
        status: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code or self.code
        self.status = status or self.status
        # field name -> message key (see i18n.FIELD_MESSAGES)
        self.fields: dict[str, str] = dict(fields or {})
        # facts the answer carries beside code, message and fields (e.g. consultation_required's "earliest")
        self.extra: dict[str, Any] = {k: v for k, v in (extra or {}).items() if k not in ("code", "message", "fields")}
        super().__init__(f"{self.status} {self.code} {self.fields}")


class Invalid(ApiError):
    status = 400
    code = "invalid"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class TooMany(ApiError):
    status = 429
    code = "too_many_requests"
