"""Routes of the clinic's settings: the admins' ``/staff/settings`` and the public ``GET /clinic``.
Thin: check the session (admins only: 403 for staff), parse, call ``staff.settings``, answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..core import clock
from ..core.errors import Invalid
from . import web

if TYPE_CHECKING:
    from ..staff.sessions import StaffUser

bp = Blueprint(__name__)

MAX_SETTINGS_BYTES = 256 * 1024  # a section with every treatment's written information; far below an item's 400 KB
PUBLIC_MAX_AGE = 60              # GET /clinic: as fresh as the settings' own cache


def _admin() -> StaffUser:
    from ..staff import sessions

    return sessions.require(web.bearer_token(bp.current_request, code="staff_unauthorized"), clock.now(), role="admin")


def _no_params() -> None:
    params = dict(bp.current_request.query_params or {})
    if params:
        raise Invalid(fields={k[:64]: "unknown_field" for k in params})


@bp.route("/staff/settings", methods=["GET"], cors=True)
def get_settings() -> Response:
    from ..staff import settings

    _admin()
    _no_params()
    return web.ok(settings.view())


@bp.route("/staff/settings/history", methods=["GET"], cors=True)
def get_history() -> Response:
    from ..staff import settings

    _admin()
    _no_params()
    return web.ok(settings.history())


@bp.route("/staff/settings/{section}", methods=["PUT"], cors=True)
def put_section(section: str) -> Response:
    from ..staff import settings

    user = _admin()
    data = web.json_body(bp.current_request, limit=MAX_SETTINGS_BYTES)
    version = settings.change(user, section, data, clock.now())
    return web.ok({"version": version})


@bp.route("/clinic", methods=["GET"], cors=True)
def get_clinic() -> Response:
    """The clinic's contact details, opening hours and exceptions from today, as the site shows them."""
    from ..booking import view
    from ..core import clinic

    _no_params()
    body = view.clinic_public(clinic.current(), clock.local(clock.now()).date())
    return web.ok(body, headers={"Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}"})
