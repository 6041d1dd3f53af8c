"""The Allavie API: a table of contents. Each capability's routes live in
``chalicelib/routes/<capability>.py``; the domain they call is in ``chalicelib/<capability>/``."""

from chalice import Chalice
from chalicelib.core.errors import ApiError
from chalicelib.routes import (
    api_doc,
    booking,
    catalogue,
    complaints,
    cookies,
    messages,
    offers,
    payments,
    photos,
    reports,
    retention,
    rights,
    settings,
    staff,
    web,
)
from chalicelib.store import connection

app = Chalice(app_name="allavie")
# JSON, except the accountant's SIE file (CP437 bytes, text/plain; charset=IBM437): its bytes go base64 through
# API Gateway (a caller asks with Accept: text/plain). Webhooks (application/json) keep their raw text body.
app.api.binary_types = ["text/plain"]


@app.middleware("http")
def answer_errors(event, get_response):  # type: ignore[no-untyped-def]
    """Bind the table, and turn domain errors (and Chalice's own 405/415) into their 4xx JSON answer."""
    connection.bind()
    try:
        return web.in_house(get_response(event), web.language(event))
    except ApiError as error:
        return web.error_response(error, web.language(event))


app.middleware("http")(staff.record_looks)  # inside answer_errors: the table is bound, its errors answered


app.register_blueprint(catalogue.bp)   # GET /services, GET /health
app.register_blueprint(booking.bp)     # availability, bookings, reschedule, cancel, reminders
app.register_blueprint(payments.bp)    # Stripe webhook, the booking page's payment status
app.register_blueprint(rights.bp)      # links, /me, export, erase, channels, unsubscribe
app.register_blueprint(cookies.bp)     # cookie consent proofs, aggregate page counts
app.register_blueprint(retention.bp)   # TTL cascade and the daily sweeper
app.register_blueprint(messages.bp)    # the outbox: send from the table's stream, retry on a schedule
app.register_blueprint(photos.bp)      # a booking's photos; the function that cleans an upload (Pillow)
app.register_blueprint(complaints.bp)  # complaints about a treatment (reklamation), from a booking's link
app.register_blueprint(staff.bp)       # the back office: sign-in, calendar, callers, complaints, photos, customers
app.register_blueprint(offers.bp)      # the back office's offers, their sender (stream) and the follow-ups
app.register_blueprint(settings.bp)    # the clinic's settings (admins), and the public GET /clinic
app.register_blueprint(reports.bp)     # the owner's numbers: per-day aggregates from the stream, reports, SIE
app.register_blueprint(api_doc.bp)     # GET /openapi.json: the contract, one file per blueprint in routes/openapi/
