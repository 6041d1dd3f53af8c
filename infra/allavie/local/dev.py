"""``allavie dev``: the whole system on this machine, and stopping all of it.

Stopping is the delicate part. ``make dev`` runs ``allavie dev`` in make's
process group; the servers run in sessions of their own (see servers.py).
``kill -TERM -- -PGID`` therefore reaches make and ``allavie dev``, and make,
on SIGTERM, sends its child a second SIGTERM and waits for it. A handler that
raised on each signal was hit again inside ``Stack.stop()`` and abandoned the
servers not yet stopped; one arriving while a server was starting left that
server out of the stack. So the signals here only set a flag: the loops that
wait (for a port, for the servers) look at it, and the stop always finishes.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

from .. import ROOT
from . import s3_server, servers, stream_pump

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl-C, kill / make, the terminal closing


def _port(variable: str, default: int) -> int:
    value = os.environ.get(variable, str(default))
    if not value.isdigit():
        raise servers.StackError(f"{variable}={value!r} is not a port number")
    return int(value)


@dataclass(frozen=True)
class Settings:
    """Where ``make dev`` runs its servers and keeps its data (each overridable by its variable)."""

    site_port: int
    api_port: int
    dynamodb_port: int
    stripe_port: int
    s3_port: int
    var: Path
    outbox: Path

    @classmethod
    def from_env(cls) -> Settings:
        var = Path(os.environ.get("VAR_DIR") or ROOT / "var")
        return cls(site_port=_port("SITE_PORT", 8000), api_port=_port("API_PORT", 8001),
                   dynamodb_port=_port("DYNAMODB_PORT", 8002), stripe_port=_port("STRIPE_PORT", 8420),
                   s3_port=_port("S3_PORT", 8003), var=var, outbox=Path(os.environ.get("OUTBOX_DIR") or var / "outbox"))

    @property
    def dynamodb_url(self) -> str:
        return f"http://127.0.0.1:{self.dynamodb_port}"

    @property
    def stripe_url(self) -> str:
        return f"http://127.0.0.1:{self.stripe_port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.site_port}"

    def app_env(self) -> dict[str, str]:
        """The environment of ``make dev``'s API: its table, localstripe, photo bucket, outbox and URLs."""
        return servers.app_env(dynamodb_url=self.dynamodb_url, stripe_url=self.stripe_url, api_url=self.api_url,
                               site_url=self.site_url, outbox=self.outbox,
                               extra={"S3_ENDPOINT": self.s3_url, "PHOTO_BUCKET": s3_server.BUCKET})


class Signals:
    """While active, SIGINT, SIGTERM and SIGHUP only record that a stop was asked for."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, object] = {}

    def _record(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum

    def __call__(self) -> bool:
        return self.received is not None

    def __enter__(self) -> Signals:
        for number in HANDLED:
            self._previous[number] = signal.signal(number, self._record)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def _say(text: str, *, error: bool = False) -> None:
    """Print, unless the terminal is gone (SIGHUP): stopping must not fail on a print."""
    try:
        print(text, file=sys.stderr if error else sys.stdout, flush=True)
    except OSError:
        pass


def init_table(env: dict[str, str]) -> bool:
    """Create the table (TTL on) if it is missing; safe to run again."""
    from .. import domain

    os.environ.update(env)
    return domain.db.ensure_table()


def run(settings: Settings) -> int:
    """Start every server, run until a signal or a server ends, then stop them all (reverse order)."""
    with Signals() as stopping:
        # A second `make dev` must fail cleanly before it starts anything (the caller reports it).
        for port, name, variable in ((settings.site_port, "site", "SITE_PORT"), (settings.api_port, "API", "API_PORT"),
                                     (settings.dynamodb_port, "DynamoDB Local", "DYNAMODB_PORT"),
                                     (settings.stripe_port, "localstripe", "STRIPE_PORT"),
                                     (settings.s3_port, "S3 (moto)", "S3_PORT")):
            servers.require_free(port, name, variable)
        settings.outbox.mkdir(parents=True, exist_ok=True)
        stack = servers.Stack()
        try:
            return _serve(settings, stack, stopping)
        except servers.Interrupted:
            return 0
        finally:
            if stopping():
                _say("\nStopping ...")
            stack.stop()


def _serve(settings: Settings, stack: servers.Stack, stopping: Signals) -> int:
    def step(text: str) -> None:
        if stopping():
            raise servers.Interrupted(text)
        _say(text)

    step("Starting DynamoDB Local (data in var/dynamodb) ...")
    dynamo = stack.add(servers.start_dynamodb(settings.dynamodb_port, db_path=settings.var / "dynamodb",
                                              stopping=stopping))
    step("Starting localstripe (in memory) ...")
    stripe = stack.add(servers.start_stripe(settings.stripe_port, stopping=stopping))
    step("Starting the photo bucket (moto's S3 server, in memory) ...")
    s3 = stack.add(s3_server.start_s3(settings.s3_port, stopping=stopping))
    s3_server.create_bucket(s3.url, settings.site_url)
    env = settings.app_env()
    created = init_table(env)
    step("Table created." if created else "Table exists; kept its data.")
    step("Starting the API (chalice local) ...")
    stack.add(servers.start_api(settings.api_port, env, quiet=False, stopping=stopping))
    stack.add(stream_pump.start(env, quiet=False))  # sends the outbox's messages, as the stream's Lambda does
    stack.add(s3_server.start_trigger(env, quiet=False))  # cleans each upload, as the bucket's notification does
    servers.register_stripe_webhook(stripe.url, settings.api_url)
    step("Starting the site (mkdocs serve) ...")
    stack.add(servers.start_site(settings.site_port, env, quiet=True, stopping=stopping))
    step(
        "\nAllavie is running:\n"
        f"  site        {settings.site_url}/\n"
        f"  API         {settings.api_url}/services\n"
        f"  DynamoDB    {dynamo.url} (DynamoDB Local listens on all interfaces: development machines only)\n"
        f"  localstripe {stripe.url}\n"
        f"  photos      {s3.url}/{s3_server.BUCKET} (moto, in memory; each upload cleaned by the upload trigger)\n"
        f"  outbox      {settings.outbox}/ (every e-mail and SMS as a file)\n"
        "Press Ctrl-C to stop everything."
    )
    while not stopping():
        dead = [s.name for s in stack.servers if s.proc.poll() is not None]
        if dead:
            _say(f"Stopped because {', '.join(dead)} ended.", error=True)
            return 1
        time.sleep(0.2)
    return 0
