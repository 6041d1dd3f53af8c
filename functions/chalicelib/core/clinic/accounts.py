"""The clinic file's chart of accounts for the accountant's SIE file (``accounts:``), with BAS defaults.

Every key is optional; a number the clinic's accountant uses instead of BAS's is written there. The
sales and output-VAT accounts are per VAT rate (25, 12, 6 and 0 per cent: 0 has no VAT account).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ClinicFileError

RATES = (25, 12, 6, 0)


@dataclass(frozen=True)
class Accounts:
    """BAS 2025 numbers unless the clinic file says otherwise, and the names the SIE file gives them."""

    card_receivable: int = 1580          # Fordringar för kontokort och kuponger (Stripe pays out later)
    desk_receivable: int = 1580          # the desk's card terminal and Swish until they are settled
    gift_card_liability: int = 2420      # Förskott från kunder: a gift card sold and not yet used
    sales_services: Mapping[int, int] = field(default_factory=lambda: {25: 3041, 12: 3042, 6: 3043, 0: 3044})
    sales_goods: Mapping[int, int] = field(default_factory=lambda: {25: 3001, 12: 3002, 6: 3003, 0: 3004})
    output_vat: Mapping[int, int] = field(default_factory=lambda: {25: 2611, 12: 2621, 6: 2631})
    voucher_series: str = "A"            # the series the accountant imports the vouchers into

    def names(self) -> dict[int, str]:
        """Each account's name as the SIE file's #KONTO lines give it (BAS's Swedish names)."""
        found = {self.card_receivable: "Fordringar för kontokort och kuponger",
                 self.gift_card_liability: "Förskott från kunder (presentkort)"}
        found.setdefault(self.desk_receivable, "Fordringar, betalningar i kassan")
        rate_text = {25: "25 % moms", 12: "12 % moms", 6: "6 % moms", 0: "momsfri"}
        for rate, number in self.sales_services.items():
            found.setdefault(number, f"Försäljning tjänster inom Sverige, {rate_text[rate]}")
        for rate, number in self.sales_goods.items():
            found.setdefault(number, f"Försäljning varor inom Sverige, {rate_text[rate]}")
        for rate, number in self.output_vat.items():
            found.setdefault(number, f"Utgående moms på försäljning inom Sverige, {rate} %")
        return found


_SINGLE = ("card_receivable", "desk_receivable", "gift_card_liability")
_BY_RATE = ("sales_services", "sales_goods", "output_vat")


def _number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise ClinicFileError(f"{where} must be a four-digit account number (BAS), got {value!r}")
    return value


def parse(data: Any) -> Accounts:
    """``accounts: {card_receivable, desk_receivable, gift_card_liability, sales_services: {25: 3041, ...},
    sales_goods: {...}, output_vat: {25: 2611, 12: 2621, 6: 2631}, voucher_series}`` (every key optional)."""
    if data is None:
        return Accounts()
    if not isinstance(data, Mapping):
        raise ClinicFileError("accounts must be a mapping of account numbers")
    unknown = set(data) - set(_SINGLE) - set(_BY_RATE) - {"voucher_series"}
    if unknown:
        raise ClinicFileError(f"accounts: unknown keys {sorted(map(str, unknown))}")
    default = Accounts()
    values: dict[str, Any] = {}
    for key in _SINGLE:
        if key in data:
            values[key] = _number(data[key], f"accounts.{key}")
    for key in _BY_RATE:
        if key not in data:
            continue
        given = data[key]
        if not isinstance(given, Mapping):
            raise ClinicFileError(f"accounts.{key} must map a VAT rate to an account, e.g. {{25: 3041}}")
        merged = dict(getattr(default, key))
        for rate, number in given.items():
            if rate not in RATES or (key == "output_vat" and rate == 0):
                raise ClinicFileError(f"accounts.{key}: {rate!r} is not a VAT rate with an account here")
            merged[int(rate)] = _number(number, f"accounts.{key}.{rate}")
        values[key] = merged
    if "voucher_series" in data:
        series = str(data["voucher_series"]).strip()
        if not (series.isascii() and series.isalnum() and len(series) <= 4):
            raise ClinicFileError("accounts.voucher_series must be up to four letters or digits, e.g. A")
        values["voucher_series"] = series
    return Accounts(**values)
