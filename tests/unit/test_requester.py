"""The caller as the API sees it: the address for the hold limits (what API Gateway saw cannot be forged, and a
made-up X-Forwarded-For never gives a key that is somebody else's), and answers that take the same time for all."""

from __future__ import annotations

from typing import Any

from chalice.app import Request
from chalicelib.routes.web import requester


def request(forwarded: str | None, source_ip: str | None) -> Request:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    context: dict[str, Any] = {"identity": {"sourceIp": source_ip} if source_ip else {},
                               "httpMethod": "POST", "resourcePath": "/bookings"}
    event = {"headers": headers, "queryStringParameters": None, "pathParameters": None,
             "stageVariables": None, "requestContext": context, "body": None, "isBase64Encoded": False,
             "multiValueQueryStringParameters": None}
    return Request(event)


EDGE = "130.176.1.10"  # a CloudFront edge server, API Gateway's peer


def test_behind_cloudfront_the_viewer_is_the_entry_cloudfront_appended() -> None:
    assert requester(request("198.51.100.7", EDGE)) == f"198.51.100.7 via {EDGE}"
    # API Gateway appending its peer changes nothing
    assert requester(request(f"198.51.100.7, {EDGE}", EDGE)) == f"198.51.100.7 via {EDGE}"


def test_what_a_caller_writes_before_cloudfronts_entry_is_ignored() -> None:
    mine = requester(request("198.51.100.7", EDGE))
    assert requester(request("203.0.113.99, 198.51.100.7", EDGE)) == mine
    assert requester(request("anything at all, 198.51.100.7", EDGE)) == mine


def test_a_made_up_header_sent_straight_to_the_api_never_counts_as_somebody_else() -> None:
    victim = requester(request("198.51.100.7", EDGE))
    attacker = "203.0.113.5"
    for forged in ("198.51.100.7", f"198.51.100.7, {EDGE}", f"x, 198.51.100.7, {EDGE}"):
        assert requester(request(forged, attacker)) != victim
        assert requester(request(forged, attacker)).endswith(f"via {attacker}")


def test_without_a_header_the_peer_alone_and_without_either_one_key_for_all() -> None:
    assert requester(request(None, "192.0.2.1")) == "192.0.2.1"
    assert requester(request("", "192.0.2.1")) == "192.0.2.1"
    assert requester(request("192.0.2.1", "192.0.2.1")) == "192.0.2.1"
    assert requester(request(None, None)) == "unknown"
    assert len(requester(request("9" * 500, "1" * 500))) <= 64 * 2 + 5


def test_an_answer_takes_at_least_its_time_and_a_slow_one_no_longer() -> None:
    import time

    from chalicelib.routes.web import taking_at_least

    started = time.monotonic()
    with taking_at_least(0.05):
        pass
    assert time.monotonic() - started >= 0.05
    started = time.monotonic()
    with taking_at_least(0.25):
        time.sleep(0.3)
    assert time.monotonic() - started < 0.3 + 0.2  # no second wait on top (that would make it 0.55 s or more)
