"""The clinic in force: the clinic file with the owner's settings from the table, cached per container.

The store installs its reader (:func:`use`) when the app is imported; without one (unit tests,
tools) the clinic is the file alone. A container keeps what it read for at most ``max_age``
seconds (60; ``CLINIC_CACHE_SECONDS`` may shorten it locally): when that has passed, the next
``current()`` makes one read, and parses again only when the version changed. Nothing is read
at import, so the cold start costs that one read on the first call and nothing more.
The clock is injectable so that tests can move it.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import sections
from .model import Clinic
from .parse import parse

log = logging.getLogger(__name__)
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "clinic.yml"
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class Stored:
    """What the table holds: the version and the sections the owner has saved."""

    version: int
    sections: Mapping[str, Any]


Source = Callable[[], "Stored | None"]


def file_path() -> str:
    return os.environ.get("CLINIC_FILE") or str(DEFAULT_PATH)


@functools.lru_cache(maxsize=4)
def document(path: str) -> dict[str, Any]:
    """The clinic file as parsed YAML (read once per process and path)."""
    import yaml  # only when the file is read: off the cold start

    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        from .errors import ClinicFileError

        raise ClinicFileError("the clinic file must be a mapping")
    return data


def _max_age() -> float:
    try:
        wanted = float(os.environ.get("CLINIC_CACHE_SECONDS") or MAX_AGE_SECONDS)
    except ValueError:
        wanted = MAX_AGE_SECONDS
    return max(0.0, min(wanted, MAX_AGE_SECONDS))  # never longer than a minute


class Live:
    """One container's view of the clinic: at most ``max_age`` seconds old."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.source: Source | None = None
        self.max_age: float | None = None  # None: from the environment
        self._lock = threading.Lock()
        self._clinic: Clinic | None = None
        self._key: tuple[str, int] | None = None
        self._read_at = 0.0

    def use(self, source: Source | None) -> None:
        with self._lock:
            self.source = source
            self._clinic = None

    def forget(self) -> None:
        """Read again at the next call (after a save in this container, or between tests)."""
        with self._lock:
            self._clinic = None

    def current(self) -> Clinic:
        with self._lock:
            path = file_path()
            age = self.max_age if self.max_age is not None else _max_age()
            now = self.clock()
            if (self._clinic is not None and self._key is not None and self._key[0] == path
                    and now - self._read_at < age):
                return self._clinic
            try:
                stored = self.source() if self.source is not None else None
            except Exception:  # noqa: BLE001 - the table unreachable for a moment: keep what this container has
                if self._clinic is None or self._key is None or self._key[0] != path:
                    raise
                log.warning("the clinic's settings could not be read; keeping version %s", self._key[1], exc_info=True)
                return self._clinic
            key = (path, stored.version if stored is not None else 0)
            if self._clinic is None or key != self._key:
                base = document(path)
                self._clinic = sections.check(base, stored.sections) if stored is not None else parse(base)
                self._key = key
            self._read_at = now
            return self._clinic


LIVE = Live()
