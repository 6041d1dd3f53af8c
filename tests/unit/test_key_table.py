"""docs/architecture.md's key table is the models' declared keys (``Item.KEYS``), row for row: a kind of item
added without its row, a row left after its item went, or a key changed on one side only fails here; and
the declarations are the keys the store's key functions build (a key function changed alone fails too)."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

from chalicelib.store import keytable
from chalicelib.store.models import Customer, Item
from chalicelib.store.table import Keys

DOCUMENT = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_documented_table_is_the_models_keys() -> None:
    assert keytable.differences(DOCUMENT, keytable.kinds()) == [], keytable.render(keytable.kinds())


def test_every_kind_of_item_is_in_the_table() -> None:
    names = {kind.__name__ for kind in keytable.kinds()}
    assert {"Photo", "Complaint", "SignInFailure", "BlockMarker", "OptIn"} <= names
    assert set(keytable.rows(DOCUMENT)) == names


def test_a_model_added_without_a_row_fails() -> None:
    planted = cast(type[Item], type("Voucher", (), {"KEYS": Keys(pk="`VOUCHER#<id>`", sk="`VOUCHER`")}))
    assert keytable.differences(DOCUMENT, [*keytable.kinds(), planted]) == ["Voucher: no row in the key table"]


def test_a_model_without_declared_keys_fails() -> None:
    planted = cast(type[Item], type("Undeclared", (), {"KEYS": None}))
    assert keytable.differences(DOCUMENT, [*keytable.kinds(), planted]) == ["Undeclared: the model declares no KEYS"]


def test_a_key_changed_on_one_side_fails() -> None:
    drifted = DOCUMENT.replace("| Customer | `CUST#<cid>` | `PROFILE` |", "| Customer | `CUSTOMER#<cid>` | `PROFILE` |")
    assert drifted != DOCUMENT
    problems = keytable.differences(drifted, keytable.kinds())
    assert len(problems) == 1 and problems[0].startswith("Customer: the table says")


def test_a_row_without_its_model_fails() -> None:
    without = [kind for kind in keytable.kinds() if kind is not Customer]
    assert keytable.differences(DOCUMENT, without) == ["Customer: a row, but no such kind of item"]


def test_the_rendered_table_reads_back_as_the_declarations() -> None:
    rendered = keytable.render(keytable.kinds())
    assert keytable.differences(rendered, keytable.kinds()) == []


# --- the declarations are the keys the store builds ----------------------------------------------------------

def _builders() -> dict[str, list[Callable[..., tuple[str, str]]]]:
    from chalicelib.store import customer_repo, ledger_repo, records_repo, search, staff_repo
    from chalicelib.store.models import (
        AccessEntry,
        BookingRef,
        CookieConsent,
        CustomerTerm,
        DeletionRecord,
        LedgerEntry,
        OfferDelivery,
        PageCount,
        RightsRequest,
        SignInFailure,
    )

    def ref_key(customer_id: str, booking_id: str) -> tuple[str, str]:
        ref = BookingRef.make(customer_id, booking_id, None)
        return ref.pk, ref.sk

    def term_key(customer_id: str, field: str, term: str) -> tuple[str, str]:
        found = search.term_item(customer_id, field, term, None)
        return found.pk, found.sk

    special: dict[type[Item], list[Callable[..., tuple[str, str]]]] = {
        AccessEntry: [customer_repo.access_key], BookingRef: [ref_key], CustomerTerm: [term_key],
        CookieConsent: [records_repo.cookie_key], DeletionRecord: [records_repo.deletion_key],
        LedgerEntry: [ledger_repo.entry_key],
        OfferDelivery: [OfferDelivery.offer_key, OfferDelivery.follow_up_key], PageCount: [records_repo.page_count_key],
        RightsRequest: [records_repo.rights_key], SignInFailure: [staff_repo.failure_key],
    }
    found: dict[str, list[Callable[..., tuple[str, str]]]] = {}
    for kind in keytable.kinds():
        builders = special.get(kind) or ([kind.__dict__["key"].__func__] if "key" in kind.__dict__ else [])
        found[kind.__name__] = builders
    return found


def _example(annotation: str, name: str) -> object:
    if "datetime" in annotation:
        return dt.datetime(2027, 3, 30, 8, 15, tzinfo=dt.timezone.utc)
    if "date" in annotation:
        return dt.date(2027, 3, 30)
    return 3 if annotation == "int" else f"{name}1"


def _shape(cell: str) -> re.Pattern[str]:
    """A key cell (`` `CUST#<cid>` ``, alternatives joined by "or") as a pattern of the keys it allows."""
    shapes = [re.sub(r"<[^>]*>", ".+", re.escape(part).replace(r"\<", "<").replace(r"\>", ">"))
              for part in re.findall(r"`([^`]*)`", cell)]
    return re.compile("|".join(f"(?:{s})" for s in shapes))


def built(builder: Callable[..., tuple[str, str]]) -> tuple[str, str]:
    parameters = inspect.signature(builder).parameters.values()
    return builder(*[_example(str(p.annotation), p.name) for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD])


def test_the_declared_keys_are_the_keys_the_store_builds() -> None:
    unchecked = {"RateLimit"}  # its partition is a keyed hash (store.ratelimit.subject_key): it needs the secret
    for kind in keytable.kinds():
        builders = _builders()[kind.__name__]
        assert builders or kind.__name__ in unchecked, f"{kind.__name__}: no key function to check"
        assert kind.KEYS is not None
        for builder in builders:
            pk, sk = built(builder)
            assert _shape(kind.KEYS.pk).fullmatch(pk), (kind.__name__, kind.KEYS.pk, pk)
            assert _shape(kind.KEYS.sk).fullmatch(sk), (kind.__name__, kind.KEYS.sk, sk)


def test_a_key_built_otherwise_than_declared_fails() -> None:
    assert Customer.KEYS is not None
    assert _shape(Customer.KEYS.pk).fullmatch(built(Customer.key)[0])

    def drifted(customer_id: str) -> tuple[str, str]:
        return f"CUSTOMER#{customer_id}", "PROFILE"

    assert not _shape(Customer.KEYS.pk).fullmatch(built(drifted)[0])
