"""The API as a published contract: ``GET /openapi.json``, an OpenAPI 3.1 document.

Kept as one YAML file per blueprint in ``routes/openapi/`` (``booking.py`` -> ``booking.yml``), so
that a new capability adds its own file and no one edits another's; ``base.yml`` holds the frame and
the shared components. ``document()`` merges them: each path in one file only, components by name
(the same name twice must mean the same thing), and every operation's 4xx in the one error shape.
tests/functional/test_openapi.py compares it with Chalice's route table both ways, validates it
with openapi-spec-validator, and schemathesis checks the running API against it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from chalice import Blueprint, Response

from . import web

bp = Blueprint(__name__)
PARTS = Path(__file__).with_name("openapi")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class DocumentError(ValueError):
    """Two files say different things about one path or component."""


def _merge_components(into: dict[str, Any], part: dict[str, Any], source: str) -> None:
    for section, named in part.items():
        target = into.setdefault(section, {})
        for name, value in named.items():
            if name in target and target[name] != value:
                raise DocumentError(f"{source}: components.{section}.{name} differs from another file's")
            target[name] = value


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The whole document (read once per Lambda)."""
    import yaml  # when the document is asked for, not at import (cold start)

    whole: dict[str, Any] = yaml.safe_load((PARTS / "base.yml").read_text(encoding="utf-8"))
    paths: dict[str, Any] = {}
    for file in sorted(PARTS.glob("*.yml")):
        if file.name == "base.yml":
            continue
        part = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        _merge_components(whole.setdefault("components", {}), part.get("components") or {}, file.name)
        for path, item in (part.get("paths") or {}).items():
            if path in paths:
                raise DocumentError(f"{file.name}: {path} is in another file too")
            paths[path] = item
    for item in paths.values():
        for method in METHODS:
            if method in item:
                item[method].setdefault("responses", {}).setdefault("4XX", {"$ref": "#/components/responses/Error"})
    whole["paths"] = dict(sorted(paths.items()))
    return whole


@bp.route("/openapi.json", methods=["GET"], cors=True)
def openapi_json() -> Response:
    answer = web.ok(document())
    answer.headers["Cache-Control"] = "public, max-age=300"
    return answer


def dumps() -> str:
    """The document as JSON text (for tools)."""
    return json.dumps(document(), ensure_ascii=False, indent=2)
