"""First-party aggregate statistics, counted only after the visitor consented
("övergripande analytisk information" in the notice): views per page and day.

No identifiers of any kind: not the consent id, not an IP address, not a
referrer. A count is one item per (Stockholm day, page path), incremented with
an atomic ADD so concurrent views never lose a count.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from ..core.clock import local
from ..core.errors import Invalid
from ..store import records_repo, tx
from ..store.models import Item, PageCount

# Counts are kept 25 months: enough to compare a month with the same month a
# year earlier, and no longer (they are aggregate, but nothing needs them after).
KEEP_MONTHS = 25
# The shape of the site's page paths: "/", "/en/", "/integritetspolicy/",
# "/en/hantera/": at most three lower-case segments, each ending in "/". A
# query string or fragment (where link tokens travel) can never fit.
PAGE_PATH = re.compile(r"^/(?:[a-z0-9]+(?:-[a-z0-9]+)*/){0,3}$")
MAX_PATH = 80
# The site's own pages (generated from site/ by infra/allavie/site_build.py; a unit test keeps it equal): a path
# of the right shape that is no page of the site is not counted, so invented paths store nothing.
PAGES_FILE = Path(__file__).with_name("pages.txt")


@functools.cache
def pages() -> frozenset[str]:
    lines = PAGES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_page(path: str) -> bool:
    return path in pages()


def parse(body: dict[str, Any]) -> str:
    """The page path of a ``POST /analytics/pageview`` body, or 400 naming the field."""
    fields = {name: "unknown_field" for name in body if name != "path"}
    path = body.get("path")
    if path is None:
        fields["path"] = "required"
    elif not isinstance(path, str):
        fields["path"] = "type"
    elif len(path) > MAX_PATH or not PAGE_PATH.match(path):
        fields["path"] = "page_path"
    if fields:
        raise Invalid(fields=fields)
    assert isinstance(path, str)
    return path


def day_of(now: dt.datetime) -> dt.date:
    return local(now).date()


def expiry(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + relativedelta(months=KEEP_MONTHS), dt.time(0), dt.timezone.utc)


def count_view(path: str, now: dt.datetime) -> bool:
    """Add one view of ``path`` on today's Stockholm date (creates the count on first view); a path that is
    none of the site's pages is not counted (False): nothing is stored for it."""
    if not is_page(path):
        return False
    day = day_of(now)
    count = PageCount(*records_repo.page_count_key(day, path), expires_at=expiry(day))
    count.index_expiry()  # the sweeper finds it by its expiry, as every other root item
    tx.update(count, [
        PageCount.views.add(1),
        Item.kind.set(PageCount),  # type: ignore[arg-type]  # the discriminator serialises a class
        Item.expires_at.set(count.expires_at),
        Item.gsi2pk.set(count.gsi2pk),
        Item.gsi2sk.set(count.gsi2sk),
    ])
    return True


def counts(day: dt.date, now: dt.datetime) -> dict[str, int]:
    """Views per page on one day (pattern 12: one Query)."""
    return {
        item.sk: int(item.views)
        for item in records_repo.page_counts(day, now)
    }
