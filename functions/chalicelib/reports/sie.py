"""The accountant's file: SIE 4I (verifikationer to import) from the ledger's rows of a year or a month (pure).

One voucher (``#VER``) per day and payment type, its ``#TRANS`` lines summed per account, payments and
refunds apart (a refund is a negative sale). Debit is positive, credit negative, so every voucher sums to
zero. Money that moved: the receivable (Stripe's 1580, the desk's) against the sales account of the row's
VAT rate (services 3041..., goods 3001...) and the output VAT (2611, 2621, 2631). A gift card sold is a
liability (2420, no VAT: a multi-purpose voucher); redeemed, the liability becomes sales and VAT. A row
without a receipt (none was issued) takes the treatments' default rate, 25 %.

The file is CP437 ("#FORMAT PC8") with CRLF lines, amounts with two decimals and a dot (SIE 4B, 2008).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.clinic import Accounts, Clinic
from ..payments import ledger
from ..payments.receipts import DEFAULT_VAT_PERCENT, vat_included
from . import revenue

PROGRAM = "Allavie"
VERSION = "1.0"
TITLES = {
    revenue.ONLINE: "Kortbetalningar online (Stripe)",
    revenue.DESK: "Betalningar i kassan",
    revenue.SHOP: "Webbutiken",
    revenue.GIFT_CARDS_SOLD: "Sålda presentkort",
    revenue.GIFT_CARDS_REDEEMED: "Inlösta presentkort",
}


@dataclass
class Voucher:
    """One day's money of one payment type: ``lines`` maps (account, text) to öre, debit positive."""

    day: dt.date
    kind: str
    lines: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, account: int, text: str, amount_ore: int) -> None:
        self.lines[(account, text)] += amount_ore


def _vat(row: ledger.Row) -> tuple[int, int]:
    """The row's VAT rate and VAT in öre (signed like the amount)."""
    if row.vat_percent is not None and row.vat_ore is not None:
        return row.vat_percent, row.vat_ore
    return DEFAULT_VAT_PERCENT, vat_included(row.amount_ore, DEFAULT_VAT_PERCENT)


def _sale(voucher: Voucher, accounts: Accounts, row: ledger.Row, text: str, goods: bool) -> None:
    """Credit the sale without VAT and the VAT of the row's rate."""
    rate, vat = _vat(row)
    sales = accounts.sales_goods if goods else accounts.sales_services
    if rate not in sales:
        raise ValueError(f"no sales account for {rate} % VAT")
    if rate and rate not in accounts.output_vat:
        raise ValueError(f"no output VAT account for {rate} %")
    voucher.add(sales[rate], text, -(row.amount_ore - vat))
    if vat:
        voucher.add(accounts.output_vat[rate], text, -vat)


def vouchers(rows: Iterable[ledger.Row], accounts: Accounts) -> list[Voucher]:
    """The vouchers of the rows, by day and then payment type."""
    found: dict[tuple[dt.date, str], Voucher] = {}
    for row in rows:
        kind = revenue.of_row(row)
        voucher = found.setdefault((row.booked_on, kind), Voucher(row.booked_on, kind))
        text = "Återbetalningar" if row.amount_ore < 0 else "Betalningar"
        if kind == revenue.GIFT_CARDS_REDEEMED:
            voucher.add(accounts.gift_card_liability, text, row.amount_ore)
            _sale(voucher, accounts, row, text, goods=False)
        elif kind == revenue.GIFT_CARDS_SOLD:
            voucher.add(accounts.card_receivable, text, row.amount_ore)
            voucher.add(accounts.gift_card_liability, text, -row.amount_ore)
        else:
            receivable = accounts.desk_receivable if kind == revenue.DESK else accounts.card_receivable
            voucher.add(receivable, text, row.amount_ore)
            _sale(voucher, accounts, row, text, goods=kind == revenue.SHOP)
    order = {kind: index for index, kind in enumerate(revenue.KINDS)}
    return sorted(found.values(), key=lambda v: (v.day, order[v.kind]))


def amount(ore: int) -> str:
    """-1234.50: two decimals and a dot, as SIE writes amounts."""
    return ledger.format_sek(ore)


def quoted(text: str) -> str:
    """A field in quotes, its quotes and backslashes escaped, no control characters."""
    clean = "".join(ch for ch in text if ch.isprintable())
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def write(rows: Iterable[ledger.Row], clinic: Clinic, year: int, generated: dt.date) -> bytes:
    """The SIE 4I file of ``rows`` (one year's, or one month's of it) as CP437 bytes with CRLF lines."""
    accounts = clinic.accounts
    made = vouchers(rows, accounts)
    used = sorted({account for voucher in made for (account, _), ore in voucher.lines.items() if ore})
    names = accounts.names()
    lines = [
        "#FLAGGA 0",
        f"#PROGRAM {quoted(PROGRAM)} {quoted(VERSION)}",
        "#FORMAT PC8",
        f"#GEN {_date(generated)}",
        "#SIETYP 4",
    ]
    if clinic.organisation_number:
        lines.append(f"#ORGNR {clinic.organisation_number}")
    lines += [
        f"#FNAMN {quoted(clinic.organisation)}",
        f"#RAR 0 {year:04d}0101 {year:04d}1231",
        "#KPTYP BAS2014",
    ]
    lines += [f"#KONTO {account} {quoted(names.get(account, str(account)))}" for account in used]
    for voucher in made:
        title = f"{TITLES[voucher.kind]} {voucher.day.isoformat()}"
        lines.append(f"#VER {quoted(accounts.voucher_series)} \"\" {_date(voucher.day)} {quoted(title)}")
        lines.append("{")
        for (account, text), ore in voucher.lines.items():
            if ore:
                lines.append(f"   #TRANS {account} {{}} {amount(ore)} \"\" {quoted(text)}")
        lines.append("}")
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")


def file_name(year: int, month: int | None) -> str:
    """allavie-2026.se or allavie-2026-03.se (ASCII: a header's filename)."""
    return f"allavie-{year:04d}" + (f"-{month:02d}" if month else "") + ".se"
