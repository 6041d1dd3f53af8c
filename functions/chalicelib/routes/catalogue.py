"""What the clinic offers, and whether the API can reach its table."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..core import clinic
from ..store import connection
from . import web

bp = Blueprint(__name__)


def service_json(service: clinic.Service, language: str) -> dict[str, object]:
    return {
        "id": service.id,
        "name": service.name.get(language),
        "description": service.description.get(language),
        "duration_minutes": service.duration_minutes,
        "price_sek": service.price_sek,
        "prepayment_sek": service.prepayment_sek,
        "age_limit": service.age_limit,
        "staff": list(service.staff),
    }


@bp.route("/services", methods=["GET"], cors=True)
def services() -> Response:
    lang = web.language(bp.current_request)
    current = clinic.current()
    return web.ok({
        "services": [service_json(s, lang) for s in current.services],
        "staff": [{"id": s.id, "name": s.name, "title": s.title.get(lang)} for s in current.staff],
    })


@bp.route("/health", methods=["GET"], cors=True)
def health() -> Response:
    reachable = connection.reachable()
    return web.ok({"status": "ok" if reachable else "degraded", "table": reachable},
                   status=200 if reachable else 503)
