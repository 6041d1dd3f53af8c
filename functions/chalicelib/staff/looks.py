"""What one back-office answer shows of customers, so that the access log cannot miss a look.

``views.customer`` (the one builder of a customer's details in the back office's answers) notes each
customer it shows here, ``sessions.require`` notes who asks, and ``access.record`` notes who is logged
already. The routes' middleware (``routes.staff.record_looks``) opens one ``Looks`` per ``/staff/``
request and, when the answer is a success, logs every customer shown and not yet logged: a route that
forgets ``access.record`` (a reschedule to the same start, a second cancel) is logged all the same.
No imports beyond the standard library: the middleware loads it on every back-office call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Looks:
    user: Any = None  # the StaffUser of ``sessions.require``, None until a session is checked
    shown: dict[str, dt.datetime | None] = field(default_factory=dict)  # customer id -> their expiry
    logged: set[str] = field(default_factory=set)

    def unlogged(self) -> dict[str, dt.datetime | None]:
        return {c: e for c, e in self.shown.items() if c not in self.logged}


_current: ContextVar[Looks | None] = ContextVar("allavie_staff_looks", default=None)


@contextmanager
def collecting() -> Iterator[Looks]:
    """One request's looks (nested calls share the outer one)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    looks = Looks()
    token = _current.set(looks)
    try:
        yield looks
    finally:
        _current.reset(token)


def signed_in(user: Any) -> None:
    looks = _current.get()
    if looks is not None:
        looks.user = user


def shown(customer_id: str, expires: dt.datetime | None) -> None:
    looks = _current.get()
    if looks is not None and customer_id not in looks.shown:
        looks.shown[customer_id] = expires


def logged(customer_ids: Iterable[str]) -> None:
    looks = _current.get()
    if looks is not None:
        looks.logged.update(customer_ids)
