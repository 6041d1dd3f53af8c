"""localstripe bound to 127.0.0.1, in memory.

Its own ``localstripe`` command binds every interface and pickles its whole
store to /tmp on every write (slow, and shared between runs); this launcher
does neither.
"""

from __future__ import annotations

import argparse
import logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    from aiohttp import web
    from localstripe import server  # type: ignore[import-untyped]

    server.store.dump_to_disk = lambda: None  # keep it in memory
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
