"""POST /consent and POST /analytics/pageview against real DynamoDB Local."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from chalicelib.cookies import analytics, consent
from chalicelib.store.models import CookieConsent, Item, PageCount

JSON = {"Content-Type": "application/json"}


def post(client, path: str, body: object, language: str = "sv"):
    return client.http.post(path, headers={**JSON, "Accept-Language": language}, body=json.dumps(body))


def error_fields(answer) -> dict[str, str]:
    assert answer.status_code == 400, answer.body
    return json.loads(answer.body)["error"]["fields"]


def every_item() -> list[Item]:
    return list(Item.scan())


def good_body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "choices": {"necessary": True, "analytics": False},
        "policy_version": "2.0",
    }
    body.update(changes)
    return body


def test_a_choice_is_kept_as_proof_with_its_own_ttl_and_nothing_personal(client, monkeypatch) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", "2026-11-25T10:00:00+01:00")
    body = good_body(choices={"necessary": True, "analytics": True})
    answer = client.http.post("/consent", headers={**JSON, "X-Forwarded-For": "203.0.113.7", "User-Agent": "Probe/1.0"},
                              body=json.dumps(body))
    assert answer.status_code == 204
    (proof,) = every_item()
    assert isinstance(proof, CookieConsent)
    assert proof.pk == f"COOKIE#{body['id']}"
    assert proof.choices.as_dict() == {"necessary": True, "analytics": True}
    assert proof.policy_version == "2.0"
    assert proof.given_at == dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
    assert proof.expires_at == dt.datetime(2029, 11, 25, 9, 0, tzinfo=dt.timezone.utc)  # 3 years
    assert proof.gsi2pk == "EXPIRY"  # the sweeper finds it without a Scan
    stored = json.dumps(proof.serialize())
    assert "203.0.113.7" not in stored and "Probe" not in stored


def test_a_changed_choice_adds_to_the_history_of_the_same_id(client, monkeypatch) -> None:
    consent_id = str(uuid.uuid4())
    monkeypatch.setenv("ALLAVIE_NOW", "2026-11-25T10:00:00+01:00")
    assert post(client, "/consent", good_body(id=consent_id, choices={"necessary": True, "analytics": True})).status_code == 204
    monkeypatch.setenv("ALLAVIE_NOW", "2026-12-01T10:00:00+01:00")
    assert post(client, "/consent", good_body(id=consent_id)).status_code == 204
    now = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)
    assert [p.choices.as_dict()["analytics"] for p in consent.history(consent_id, now)] == [True, False]
    # After its three years a proof is no longer read, even before TTL deletes it.
    later = consent.history(consent_id, dt.datetime(2029, 11, 26, tzinfo=dt.timezone.utc))
    assert [p.choices.as_dict()["analytics"] for p in later] == [False]
    assert len(consent.history(consent_id, dt.datetime(2029, 12, 2, tzinfo=dt.timezone.utc))) == 0


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"id": "required", "choices": "required", "policy_version": "required"}),
    (good_body(id="not-a-uuid"), {"id": "consent_id"}),
    (good_body(id=str(uuid.uuid4()).upper()), {"id": "consent_id"}),
    (good_body(id=str(uuid.uuid1())), {"id": "consent_id"}),
    (good_body(id=12), {"id": "consent_id"}),
    (good_body(policy_version="v2; drop"), {"policy_version": "policy_version"}),
    (good_body(policy_version=2), {"policy_version": "policy_version"}),
    (good_body(choices=[True]), {"choices": "type"}),
    (good_body(choices={"necessary": False, "analytics": False}), {"choices.necessary": "must_be_true"}),
    (good_body(choices={"necessary": True}), {"choices.analytics": "required"}),
    (good_body(choices={"necessary": True, "analytics": "yes"}), {"choices.analytics": "type"}),
    (good_body(choices={"necessary": True, "analytics": False, "marketing": True}), {"choices.marketing": "unknown_field"}),
    (good_body(ip="203.0.113.7"), {"ip": "unknown_field"}),
    (good_body(email="a@example.com"), {"email": "unknown_field"}),
])
def test_bad_consent_is_400_naming_each_field_and_stores_nothing(client, body, fields) -> None:
    answer = post(client, "/consent", body)
    got = error_fields(answer)
    assert set(got) == set(fields)
    assert every_item() == []


def test_consent_errors_speak_english_when_asked(client) -> None:
    answer = post(client, "/consent", good_body(id="x"), language="en")
    assert json.loads(answer.body)["error"]["fields"] == {"id": "Invalid consent id (a UUID v4)."}


def test_malformed_json_is_400_naming_the_body(client) -> None:
    answer = client.http.post("/consent", headers=JSON, body="{not json")
    assert error_fields(answer) == {"body": "Ogiltig JSON."}


def test_page_views_are_counted_per_stockholm_day_and_page_with_a_ttl(client, monkeypatch) -> None:
    # 23:30 UTC on 30 November is already 1 December in Stockholm.
    monkeypatch.setenv("ALLAVIE_NOW", "2026-11-30T23:30:00+00:00")
    for path in ("/", "/", "/en/integritetspolicy/"):
        assert post(client, "/analytics/pageview", {"path": path}).status_code == 204
    now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    assert analytics.counts(dt.date(2026, 12, 1), now) == {"/": 2, "/en/integritetspolicy/": 1}
    counts = [item for item in every_item() if isinstance(item, PageCount)]
    assert len(counts) == 2 and {c.pk for c in counts} == {"STATS#2026-12-01"}
    assert all(c.expires_at == dt.datetime(2029, 1, 1, tzinfo=dt.timezone.utc) for c in counts)  # 25 months
    assert all(c.gsi2pk == "EXPIRY" for c in counts)
    assert analytics.counts(dt.date(2026, 12, 1), dt.datetime(2029, 1, 2, tzinfo=dt.timezone.utc)) == {}


def test_invented_paths_are_not_counted_nothing_is_stored(client, monkeypatch) -> None:
    """Issue 28, finding 11: each invented path made a new item kept 25 months; only the site's pages count."""
    monkeypatch.setenv("ALLAVIE_NOW", "2026-11-30T12:00:00+00:00")
    for i in range(5):
        assert post(client, "/analytics/pageview", {"path": f"/pa-hittad-{i}/"}).status_code == 204
    assert every_item() == []
    assert post(client, "/analytics/pageview", {"path": "/en/personal/erbjudanden/"}).status_code == 204
    assert [item.sk for item in every_item() if isinstance(item, PageCount)] == ["/en/personal/erbjudanden/"]


def test_concurrent_views_lose_no_count(table) -> None:
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: analytics.count_view("/", now), range(40)))
    assert analytics.counts(dt.date(2026, 11, 25), now) == {"/": 40}


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"path": "required"}),
    ({"path": 3}, {"path": "type"}),
    ({"path": "/hantera/?t=secret"}, {"path": "page_path"}),
    ({"path": "/hantera/#t=secret"}, {"path": "page_path"}),
    ({"path": "https://evil.example/"}, {"path": "page_path"}),
    ({"path": "/a/b/c/d/"}, {"path": "page_path"}),
    ({"path": "/Boka/"}, {"path": "page_path"}),
    ({"path": "/" + "a" * 100 + "/"}, {"path": "page_path"}),
    ({"path": "/", "consent_id": str(uuid.uuid4())}, {"consent_id": "unknown_field"}),
])
def test_bad_page_views_are_400_and_count_nothing(client, body, fields) -> None:
    got = error_fields(post(client, "/analytics/pageview", body))
    assert set(got) == set(fields)
    assert every_item() == []
