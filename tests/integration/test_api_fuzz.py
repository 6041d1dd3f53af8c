"""Schemathesis over every operation of the OpenAPI document against ``chalice local`` (bounded):
no 5xx, and every answer (status, content type, headers, body) as the document says.

Stateful too: the document's links (POST /bookings -> GET /bookings/{booking_id}) chain calls.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 12  # per operation: about 25 operations, a minute against chalice local on two cores


@pytest.fixture(scope="session")
def api_schema(api_server: str):
    return schemathesis.openapi.from_url(f"{api_server}/openapi.json")


def test_every_operation_answers_as_documented_and_never_5xx(api_schema, api_url: str) -> None:
    """Each operation in turn, with its own bounded Hypothesis run; every failure is reported at the end."""
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # noqa: ANN001
            case.call_and_validate(base_url=api_url, checks=CHECKS, timeout=30)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collected, so that one run shows every operation's failure
            failures[operation.label] = f"{type(error).__name__}: {error}"[:2000]
    assert failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


def test_stateful_links_answer_as_documented(api_schema, api_url: str) -> None:
    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):  # noqa: ANN001, ANN202
            return {"base_url": api_url, "timeout": 30}

        def validate_response(self, response, case, **kwargs):  # noqa: ANN001, ANN202
            case.validate_response(response, checks=CHECKS)

    Workflow.run(settings=settings(max_examples=10, stateful_step_count=4, deadline=None, derandomize=True, database=None,
                                   suppress_health_check=list(HealthCheck)))
