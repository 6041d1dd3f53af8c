"""The foundation against real DynamoDB Local: the table, TTL, the first routes."""

import json

from chalicelib.store import connection as db
from chalicelib.store.models import Item


def test_the_table_has_ttl_on_its_ttl_attribute(table: None) -> None:
    assert db.ttl_status() == "ENABLED"
    assert db.ttl_attribute() == Item.expires_at.attr_name == "expires_at"


def test_a_second_start_does_not_fail_on_enabling_ttl_again(table: None) -> None:
    assert db.ensure_table() is False  # exists: kept, TTL not enabled twice
    assert db.ensure_table() is False
    assert db.ttl_status() == "ENABLED"


def test_services_answer_from_the_clinic_file(client) -> None:
    answer = client.http.get("/services")
    assert answer.status_code == 200
    services = json.loads(answer.body)["services"]
    ids = {s["id"] for s in services}
    assert {"konsultation", "rynkbehandling"} <= ids
    first = services[0]
    assert set(first) >= {"id", "name", "description", "duration_minutes", "price_sek", "prepayment_sek", "age_limit", "staff"}


def test_services_speak_english_when_asked(client) -> None:
    sv = json.loads(client.http.get("/services").body)["services"]
    en = json.loads(client.http.get("/services", headers={"Accept-Language": "en"}).body)["services"]
    assert sv[0]["name"] == "Hudkonsultation" and en[0]["name"] == "Skin consultation"


def test_health_reports_the_table(client) -> None:
    answer = client.http.get("/health")
    assert answer.status_code == 200
    assert json.loads(answer.body) == {"status": "ok", "table": True}
