"""Routes of the owner's numbers (see app.py for the table of contents): admins only (403 for ``staff``).

- ``GET /staff/reports?from=DATE&to=DATE[&format=csv]``: the period's figures (reports.view), or its days as CSV.
- ``GET /staff/reports/sie?year=YYYY[&month=MM]``: the accountant's SIE 4I file (CP437, attachment).
- ``count_for_reports``: the table's stream (as the outbox's sender): each written booking, ledger row and page
  count updates the per-day aggregates (reports.live). A failure raises: Lambda delivers the batch again, and
  a record counted twice counts once.
"""

from __future__ import annotations

import os
from typing import Any

from chalice import Blueprint, Response

from ..core import clock
from ..core.errors import Invalid
from ..store import connection
from . import web
from .retention import PLACEHOLDER_STREAM_ARN

bp = Blueprint(__name__)


def _admin() -> None:
    from ..staff import sessions

    sessions.require(web.bearer_token(bp.current_request, code="staff_unauthorized"), clock.now(), role="admin")


def _params(allowed: set[str]) -> dict[str, str]:
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    unknown = {k[:64]: "unknown_field" for k in params if k not in allowed}
    if unknown:
        raise Invalid(fields=unknown)
    return params


def _whole(text: str | None, low: int, high: int) -> int | None:
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 4 or not low <= int(text) <= high:
        return None
    return int(text)


@bp.route("/staff/reports", methods=["GET"], cors=True)
def get_reports() -> Response:
    from ..core import clinic, fields
    from ..reports import view

    _admin()
    params = _params({"from", "to", "format"})
    checks = fields.Fields(params)
    first, last = checks.take("from", fields.date), checks.take("to", fields.date)
    wanted = params.get("format", "json")
    if wanted not in ("json", "csv"):
        checks.fail("format", "report_format")
    checks.raise_if_any()
    first, last = view.period(first, last)
    figures = view.report(first, last, clinic.current())
    if wanted == "json":
        return web.ok(figures)
    name = f"rapport-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(body=view.as_csv(figures), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    })


@bp.on_dynamodb_record(
    stream_arn=os.environ.get("TABLE_STREAM_ARN") or PLACEHOLDER_STREAM_ARN,
    batch_size=100,
    starting_position="TRIM_HORIZON",
)
def count_for_reports(event: Any) -> dict[str, int]:
    """Keep the per-day aggregates current with what the batch wrote."""
    from ..reports import live

    connection.bind()
    return live.handle_records((record.to_dict() for record in event), clock.now())


@bp.route("/staff/reports/sie", methods=["GET"], cors=True)
def get_sie() -> Response:
    from ..reports import books

    _admin()
    params = _params({"year", "month"})
    year = _whole(params.get("year"), 2000, 2100)
    month = _whole(params.get("month"), 1, 12) if "month" in params else None
    problems = {}
    if year is None:
        problems["year"] = "year"
    if "month" in params and month is None:
        problems["month"] = "month"
    if problems or year is None:
        raise Invalid(fields=problems)
    name, body = books.sie_file(year, month, clock.now())
    # Chalice sends a str body as UTF-8: the CP437 bytes go as they are through the binary path.
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/plain; charset=IBM437", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    })
