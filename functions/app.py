"""The Allavie API: a table of contents. Each capability's routes live in
``chalicelib/routes/<capability>.py``; the domain they call is pure Python."""

from chalice import Chalice
from chalicelib import db, http
from chalicelib.errors import ApiError
from chalicelib.routes import booking, catalogue, consent, payments, retention, rights

app = Chalice(app_name="allavie")
app.api.binary_types = []  # JSON only; webhooks need the raw text body as sent


@app.middleware("http")
def answer_errors(event, get_response):  # type: ignore[no-untyped-def]
    """Bind the table, and turn domain errors (and Chalice's own 405/415) into their 4xx JSON answer."""
    db.bind()
    try:
        return http.in_house(get_response(event), http.language(event))
    except ApiError as error:
        return http.error_response(error, http.language(event))


app.register_blueprint(catalogue.bp)   # GET /services, GET /health
app.register_blueprint(booking.bp)     # availability, bookings, reschedule, cancel, reminders
app.register_blueprint(payments.bp)    # Stripe webhook
app.register_blueprint(rights.bp)      # links, /me, export, erase, unsubscribe
app.register_blueprint(consent.bp)     # cookie consent proofs, aggregate page counts
app.register_blueprint(retention.bp)   # TTL cascade and the daily sweeper
