"""A reader of SIE 4 files written for the tests from the format's description (not the writer's code): the
header's labels, the accounts and the vouchers with their transactions, and checks of bytes and lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Voucher:
    series: str
    number: str
    date: str
    text: str
    trans: list[tuple[str, Decimal, str]] = field(default_factory=list)  # (account, amount, text)


@dataclass
class SieFile:
    labels: dict[str, list[list[str]]]
    accounts: dict[str, str]
    vouchers: list[Voucher]

    def per_account(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for voucher in self.vouchers:
            for account, amount, _ in voucher.trans:
                sums[account] += amount
        return dict(sums)


def tokens(line: str) -> list[str]:
    """Fields separated by spaces; "quoted" with \\" inside; {} an object list (kept as one token)."""
    found: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char in " \t":
            index += 1
        elif char == '"':
            index += 1
            text = []
            while line[index] != '"':
                if line[index] == "\\":
                    index += 1
                text.append(line[index])
                index += 1
            found.append("".join(text))
            index += 1
        elif char == "{":
            end = line.index("}", index)
            found.append(line[index:end + 1])
            index = end + 1
        else:
            end = index
            while end < len(line) and line[end] not in " \t":
                end += 1
            found.append(line[index:end])
            index = end
    return found


def read(data: bytes) -> SieFile:
    """Parse, asserting what SIE requires of the bytes: CP437 (#FORMAT PC8) and CRLF line ends."""
    assert data.endswith(b"\r\n"), "the last line ends with CRLF"
    assert b"\n" not in data.replace(b"\r\n", b""), "every line ends with CRLF, none with LF alone"
    assert b"\r" not in data.replace(b"\r\n", b""), "no CR alone"
    text = data.decode("cp437")
    labels: dict[str, list[list[str]]] = defaultdict(list)
    accounts: dict[str, str] = {}
    vouchers: list[Voucher] = []
    current: Voucher | None = None
    inside = False
    for line in text.split("\r\n")[:-1]:
        stripped = line.strip()
        if stripped == "{":
            assert current is not None and not inside
            inside = True
            continue
        if stripped == "}":
            assert inside
            inside, current = False, None
            continue
        parts = tokens(stripped)
        label, values = parts[0], parts[1:]
        if inside:
            assert label == "#TRANS" and current is not None
            assert values[1].startswith("{") and values[1].endswith("}")
            amount = values[2]
            assert "." in amount and len(amount.split(".")[1]) == 2, amount
            current.trans.append((values[0], Decimal(amount), values[4] if len(values) > 4 else ""))
        elif label == "#VER":
            current = Voucher(values[0], values[1], values[2], values[3])
            vouchers.append(current)
        elif label == "#KONTO":
            accounts[values[0]] = values[1]
        else:
            labels[label].append(values)
    assert not inside
    return SieFile(dict(labels), accounts, vouchers)
