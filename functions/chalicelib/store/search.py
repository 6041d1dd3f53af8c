"""Finding customers by name, e-mail or phone without a Scan (pattern of the back office's search).

Each customer has a few ``CustomerTerm`` items in their own partition (so they carry the customer's
expiry and go with an erasure), each in gsi1 under ``FIND#<field>`` / ``<term>#<cid>``: a search is
one Query per field with ``begins_with`` and a limit. Terms are folded (lowercase, no accents:
"Åsa Öberg" is found by "asa ob"), phone numbers kept as digits in both forms people type
(``46701234567`` and ``0701234567``).

``terms`` is pure; ``reindex`` writes what differs (after a new customer, a correction, a new address).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Customer, CustomerTerm, Item, customer_pk, live
from .tx import Write, write_all

FIELDS = ("name", "email", "phone")
MIN_QUERY = 2
MAX_TERM = 100
DIGITS = re.compile(r"\D+")


def fold(text: str) -> str:
    """Lowercase, accents off, one space between words: how names are indexed and searched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())[:MAX_TERM]


def phone_forms(e164: str) -> set[str]:
    """The digits of a number as stored (+46701234567 -> 46701234567) and, for Swedish ones, nationally (0701234567)."""
    digits = DIGITS.sub("", e164)
    forms = {digits}
    if digits.startswith("46"):
        forms.add("0" + digits[2:])
    return forms


def terms(name: str | None, email: str | None, phone: str | None) -> set[tuple[str, str]]:
    """(field, term) pairs that find a customer."""
    found: set[tuple[str, str]] = set()
    if name:
        whole = fold(name)
        found.add(("name", whole))
        found.update(("name", word) for word in whole.split())
    if email:
        found.add(("email", email.lower()))
    if phone:
        found.update(("phone", form) for form in phone_forms(phone))
    return {(f, t) for f, t in found if t}


def term_item(customer_id: str, field: str, term: str, expires: dt.datetime | None) -> CustomerTerm:
    return CustomerTerm(customer_pk(customer_id), f"FIND#{field}#{term}", customer_id=customer_id, field=field,
                        term=term, gsi1pk=f"FIND#{field}", gsi1sk=f"{term}#{customer_id}", expires_at=expires)


def items_for(customer: Customer) -> list[CustomerTerm]:
    return [term_item(customer.customer_id, f, t, customer.expires_at)
            for f, t in sorted(terms(customer.name, customer.email, customer.phone))]


def reindex(customer_id: str, now: dt.datetime) -> int:
    """Make the customer's terms match their profile (one consistent Query, then the differences)."""
    partition = list(Item.query(customer_pk(customer_id), consistent_read=True))
    profile = next((i for i in partition if isinstance(i, Customer) and i.is_live(now)), None)
    have = {(i.field, i.term): i for i in partition if isinstance(i, CustomerTerm)}
    want = {(i.field, i.term): i for i in items_for(profile)} if profile is not None else {}
    writes = [Write(item) for key, item in have.items() if key not in want]
    writes += [Write(item, put=True) for key, item in want.items() if key not in have]
    return len(write_all(writes).written) if writes else 0


@dataclass(frozen=True)
class Query:
    field: str
    prefix: str


def parse(text: str) -> list[Query]:
    """What a search box's text means: an address, a number, or a name (too short: nothing)."""
    raw = text.strip()
    if "@" in raw:
        prefix = raw.lower()
        return [Query("email", prefix)] if len(prefix) >= MIN_QUERY else []
    digits = DIGITS.sub("", raw)
    if digits and len(digits) >= len(raw.replace(" ", "").replace("-", "").replace("+", "")):
        if len(digits) < MIN_QUERY:
            return []
        return [Query("phone", digits)]
    name = fold(raw)
    if len(name) < MIN_QUERY:
        return []
    # A word is also the start of an address ("astrid" finds astrid.lind@...).
    return [Query("name", name), Query("email", name)] if " " not in name else [Query("name", name)]


def find(queries: Iterable[Query], now: dt.datetime, limit: int = 20) -> list[str]:
    """Customer ids whose terms start with the queries' prefixes, one bounded Query per field, in order found."""
    found: list[str] = []
    for query in queries:
        for item in Item.by_gsi1.query(f"FIND#{query.field}", Item.gsi1sk.startswith(query.prefix),
                                       filter_condition=live(now), limit=limit * 3):
            if isinstance(item, CustomerTerm) and item.customer_id not in found:
                found.append(item.customer_id)
            if len(found) >= limit:
                return found
    return found

