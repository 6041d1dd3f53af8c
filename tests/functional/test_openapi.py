"""The API as a published contract: the OpenAPI document is valid, is served, and has exactly the
routes Chalice has (a route without its document, or a document without its route, fails here)."""

from __future__ import annotations

import json

from chalicelib.routes import api_doc
from openapi_spec_validator import validate

OPERATIONS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"}


def chalice_routes() -> set[tuple[str, str]]:
    from app import app

    return {(path, method) for path, methods in app.routes.items() for method in methods}


def documented() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in api_doc.document()["paths"].items()
            for method in item if method.upper() in OPERATIONS}


def test_the_document_is_valid_openapi_3_1() -> None:
    document = api_doc.document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    routes, paths = chalice_routes(), documented()
    assert routes - paths == set(), "routes the document lacks: add them to routes/openapi/<blueprint>.yml"
    assert paths - routes == set(), "documented operations no route has"


def test_every_operation_answers_its_4xx_in_the_error_shape() -> None:
    for path, item in api_doc.document()["paths"].items():
        for method, operation in item.items():
            if method.upper() in OPERATIONS:
                assert operation["responses"].get("4XX") == {"$ref": "#/components/responses/Error"}, (path, method)
                assert operation.get("operationId"), (path, method)


def test_a_path_in_two_files_is_refused(tmp_path, monkeypatch) -> None:
    for name in ("base.yml", "booking.yml"):
        (tmp_path / name).write_text((api_doc.PARTS / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz_other.yml").write_text("paths:\n  /bookings:\n    get: {responses: {}}\n", encoding="utf-8")
    monkeypatch.setattr(api_doc, "PARTS", tmp_path)
    api_doc.document.cache_clear()
    try:
        api_doc.document()
    except api_doc.DocumentError as error:
        assert "/bookings" in str(error)
    else:
        raise AssertionError("two files with one path were merged")
    finally:
        monkeypatch.undo()
        api_doc.document.cache_clear()


def test_get_openapi_json_serves_the_document(client) -> None:
    response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.body) == json.loads(json.dumps(api_doc.document()))
