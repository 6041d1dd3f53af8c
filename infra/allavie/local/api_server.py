"""``chalice local`` with a deeper listen queue.

Chalice's dev server inherits socketserver's backlog of 5, so a burst of more
simultaneous connections (the booking race test sends 30 at once) gets some
reset by the kernel before the app sees them. API Gateway has no such limit;
this launcher only raises the backlog and then runs Chalice's own CLI.
"""

from __future__ import annotations

import sys


def main() -> int:
    from chalice import local
    from chalice.cli import main as chalice_main

    local.ThreadedHTTPServer.request_queue_size = 128
    sys.argv = ["chalice", *sys.argv[1:]]
    return int(chalice_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
