"""What the clinic offers, and whether the API can reach its table."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..store import connection
from . import web

bp = Blueprint(__name__)


@bp.route("/services", methods=["GET"], cors=True)
def services() -> Response:
    from ..booking import view
    from ..core import clinic

    lang = web.language(bp.current_request)
    current = clinic.current()
    return web.ok({
        "services": [view.service(s, lang, current) for s in current.services],
        "staff": [{"id": s.id, "name": s.name, "title": s.title.get(lang)} for s in current.staff],
    })


@bp.route("/health", methods=["GET"], cors=True)
def health() -> Response:
    reachable = connection.reachable()
    return web.ok({"status": "ok" if reachable else "degraded", "table": reachable},
                   status=200 if reachable else 503)
