"""Where links in e-mails point: the site's link pages, with the token in the fragment."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from ..core import settings
from .tokens import issue

# Links to "Mina uppgifter" and "Utskick": long enough to act on, short if a mail leaks.
DATA_LINK_DAYS = 7

# The site's pages that a link opens (Swedish at /page/, English at /en/page/).
PAGES = {"manage": "hantera", "data": "mina-uppgifter", "preferences": "utskick"}


def page_url(page: str, token: str, language: str, **params: str) -> str:
    """A link page with the token (and ``params``) in the fragment, which browsers never send."""
    prefix = "/en" if language == "en" else ""
    return f"{settings.get().site_url}{prefix}/{PAGES[page]}/#{urlencode({'t': token, **params})}"


def site_page(path: str, language: str) -> str:
    """A page of the site without a token, e.g. ``site_page("bokningsvillkor", "en")``."""
    prefix = "/en" if language == "en" else ""
    return f"{settings.get().site_url}{prefix}/{path}/"


def data_token(customer_id: str, generation: int, now: dt.datetime) -> str:
    """A token for the customer's data and preferences pages."""
    return issue(customer_id, "data", generation, now + dt.timedelta(days=DATA_LINK_DAYS))
