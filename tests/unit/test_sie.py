"""The SIE 4I writer (pure), read back by the tests' own reader: balanced vouchers, sums per account equal to
the ledger's, CP437 bytes, CRLF lines, Swedish letters intact, #ORGNR only when the clinic has one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from chalicelib.core import clinic as clinic_module
from chalicelib.core.clinic import ClinicFileError
from chalicelib.payments import ledger
from chalicelib.payments.receipts import vat_included
from chalicelib.reports import sie
from support.sie_reader import read

UTC = dt.timezone.utc


def row(day: str, entry_type: str, ore: int, *, rate: int | None = 25, channel: str = "online",
        obj: str = "") -> ledger.Row:
    return ledger.Row(
        booked_on=dt.date.fromisoformat(day), entry_type=entry_type, amount_ore=ore, currency="sek",
        booking_id="b" + obj, payment_intent_id="pi_" + obj, stripe_object_id=obj or f"{entry_type}{day}{ore}",
        recorded_at=dt.datetime.fromisoformat(day + "T10:00:00+00:00"), expires_at=None,
        vat_percent=rate, vat_ore=None if rate is None else vat_included(ore, rate), channel=channel,
    )


ROWS = [
    row("2026-03-02", "payment", 30000, obj="ch1"),
    row("2026-03-02", "payment", 119900, obj="ch2"),
    row("2026-03-02", "refund", -30000, obj="re1"),
    row("2026-03-03", "payment", 50000, rate=12, obj="ch3"),
    row("2026-03-03", "payment", 40000, rate=0, obj="ch4"),
    row("2026-03-04", "payment", 20000, rate=None, obj="ch5"),            # no receipt: 25 %
    row("2026-03-04", "payment", 89500, channel="desk", obj="d1"),
    row("2026-03-05", "payment", 50000, channel="gift_card", obj="g1"),
    row("2026-03-06", "redemption", 50000, channel="desk", obj="g1r"),
    row("2026-03-06", "payment", 24900, channel="shop", obj="s1"),
]


def clinic(**changes: object) -> clinic_module.Clinic:
    return dataclasses.replace(clinic_module.load(), **changes)  # type: ignore[arg-type]


def test_every_voucher_balances_and_the_accounts_carry_the_ledgers_sums() -> None:
    data = sie.write(ROWS, clinic(), 2026, dt.date(2026, 4, 1))
    parsed = read(data)
    assert parsed.labels["#FLAGGA"] == [["0"]]
    assert parsed.labels["#FORMAT"] == [["PC8"]]
    assert parsed.labels["#SIETYP"] == [["4"]]
    assert parsed.labels["#GEN"] == [["20260401"]]
    assert parsed.labels["#RAR"] == [["0", "20260101", "20261231"]]
    assert parsed.labels["#PROGRAM"][0][0] == "Allavie"
    for voucher in parsed.vouchers:
        assert sum(amount for _, amount, _ in voucher.trans) == 0, voucher
    # one voucher per day and payment type
    assert [(v.date, v.text.split(" 2026")[0]) for v in parsed.vouchers] == [
        ("20260302", "Kortbetalningar online (Stripe)"), ("20260303", "Kortbetalningar online (Stripe)"),
        ("20260304", "Kortbetalningar online (Stripe)"), ("20260304", "Betalningar i kassan"),
        ("20260305", "Sålda presentkort"), ("20260306", "Webbutiken"), ("20260306", "Inlösta presentkort"),
    ]
    sums = parsed.per_account()
    money = [r for r in ROWS if r.entry_type != ledger.REDEMPTION]
    assert sums["1580"] == Decimal(sum(r.amount_ore for r in money)) / 100  # what moved, as the ledger says
    vat25 = sum(vat_included(r.amount_ore, 25) for r in ROWS if r.vat_percent in (25, None)
                and r.channel != "gift_card")
    assert sums["2611"] == -Decimal(vat25) / 100
    assert sums["2621"] == -Decimal(vat_included(50000, 12)) / 100
    assert sums["3044"] == Decimal(-400)
    assert sums["3001"] == -Decimal(24900 - vat_included(24900, 25)) / 100     # goods from the shop
    assert sums["2420"] == Decimal(0)                                          # sold 500 and redeemed 500
    services = (30000 + 119900 - 30000 + 20000 + 89500 + 50000) - (vat25 - vat_included(24900, 25))
    assert sums["3041"] == -Decimal(services) / 100
    assert set(parsed.accounts) == {"1580", "2420", "2611", "2621", "3001", "3041", "3042", "3044"}
    assert parsed.accounts["3041"] == "Försäljning tjänster inom Sverige, 25 % moms"


def test_a_refund_is_a_negative_sale_on_its_own_lines() -> None:
    parsed = read(sie.write(ROWS[:3], clinic(), 2026, dt.date(2026, 4, 1)))
    (voucher,) = parsed.vouchers
    refunds = [(a, amount) for a, amount, text in voucher.trans if text == "Återbetalningar"]
    assert refunds == [("1580", Decimal("-300.00")), ("3041", Decimal("240.00")), ("2611", Decimal("60.00"))]


def test_swedish_letters_survive_as_cp437_and_orgnr_only_when_given() -> None:
    without = sie.write(ROWS, clinic(organisation="Hudateljén Åsa & Öhrström AB"), 2026, dt.date(2026, 4, 1))
    assert b"#ORGNR" not in without
    assert "Åsa".encode("cp437") in without and "Öhrström".encode("cp437") in without
    assert "å".encode() not in without  # not UTF-8
    parsed = read(without)
    assert parsed.labels["#FNAMN"] == [["Hudateljén Åsa & Öhrström AB"]]
    assert "Sålda presentkort 2026-03-05" in [v.text for v in parsed.vouchers]
    given = read(sie.write(ROWS, clinic(organisation_number="556123-4567"), 2026, dt.date(2026, 4, 1)))
    assert given.labels["#ORGNR"] == [["556123-4567"]]


def test_quotes_in_a_name_are_escaped() -> None:
    parsed = read(sie.write([], clinic(organisation='Kliniken "Hud" AB'), 2026, dt.date(2026, 4, 1)))
    assert parsed.labels["#FNAMN"] == [['Kliniken "Hud" AB']]
    assert parsed.vouchers == [] and parsed.accounts == {}


def test_the_clinic_file_names_other_accounts_and_refuses_bad_ones() -> None:
    chart = clinic_module.accounts.parse({"card_receivable": 1581, "sales_services": {25: 3040}})
    assert chart.card_receivable == 1581 and chart.sales_services[25] == 3040 and chart.sales_services[12] == 3042
    parsed = read(sie.write(ROWS[:1], clinic(accounts=chart), 2026, dt.date(2026, 4, 1)))
    assert {a for a, _, _ in parsed.vouchers[0].trans} == {"1581", "3040", "2611"}
    for bad in ({"card_receivable": "15x0"}, {"sales_services": {7: 3041}}, {"output_vat": {0: 2600}},
                {"nonsense": 1}, {"voucher_series": "A B"}, ["1580"]):
        with pytest.raises(ClinicFileError):
            clinic_module.accounts.parse(bad)
