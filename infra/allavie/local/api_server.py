"""``chalice local`` with a deeper listen queue.

Chalice's dev server inherits socketserver's backlog of 5, so a burst of more
simultaneous connections (the booking race test sends 30 at once) gets some
reset by the kernel before the app sees them. API Gateway has no such limit;
this launcher raises the backlog and then runs Chalice's own CLI.

A path no route has: API Gateway's default is 403 ``{"message": "Missing Authentication Token"}``,
which chalice local copies; the stack replaces that gateway response with a 404 in the API's error
shape (``template.merge``: GatewayResponses), so here too the app's own 404 answers it.
"""

from __future__ import annotations

import sys
from typing import Any


def _unknown_paths_are_404() -> None:
    from chalice import local

    original = local.LocalGateway.handle_request

    def handle_request(self: Any, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Any:
        try:
            self.event_converter._route_matcher.match_route(path)
        except ValueError:
            from chalicelib.core import i18n
            from chalicelib.core.errors import NotFound
            from chalicelib.routes import web

            language = i18n.pick_language(headers.get("accept-language") or headers.get("Accept-Language"))
            return web.error_response(NotFound(), language).to_dict()
        return original(self, method, path, headers, body)

    local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]


def main() -> int:
    from chalice import local
    from chalice.cli import main as chalice_main

    local.ThreadedHTTPServer.request_queue_size = 128
    _unknown_paths_are_404()
    sys.argv = ["chalice", *sys.argv[1:]]
    return int(chalice_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
