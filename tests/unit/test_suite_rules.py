"""The suite's own rules, read from its source: shared helpers only from tests/support, no sys.path edits in
tests or infra, Chromium from PATH, and no test that reads today's date or the time of day itself (it asks
support.clock, which the any-day runs pin; tests/conftest.py INSTANTS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

# An import of another test module, or of a helper kept beside the tests instead of in tests/support.
CROSS_IMPORT = re.compile(r"^\s*(from|import)\s+(test_\w+|browser|functional|unit|integration|conftest)\b", re.M)
SYS_PATH = re.compile(r"sys\.path\s*(\.|\[|\+?=)")
# The real clock where a test chooses dates: date.today(), datetime.now(...), a TOTP code for the real now.
REAL_CLOCK = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(|\.utcnow\(\)|TOTP\([^)]*\)\.now\(\)")


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)


def offending(pattern: re.Pattern[str], files: list[Path], skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in files:
        if path.relative_to(ROOT).as_posix() in skip:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_tests_import_shared_helpers_from_tests_support_only() -> None:
    assert offending(CROSS_IMPORT, sources("tests")) == []
    assert sorted(p.name for p in TESTS.glob("*/*.py") if not p.name.startswith("test_") and p.parent.name != "support") == []


def test_nothing_in_tests_or_infra_edits_sys_path() -> None:
    assert offending(SYS_PATH, sources("tests", "infra"), skip=("tests/unit/test_suite_rules.py",)) == []


def test_chromium_is_found_on_path_not_at_a_fixed_place() -> None:
    assert offending(re.compile(r"/usr/bin/chromium"), sources("tests", "infra", "bench"),
                     skip=("tests/unit/test_suite_rules.py",)) == []


def test_no_test_reads_the_real_date_or_time_of_day() -> None:
    skip = ("tests/support/clock.py", "tests/unit/test_suite_rules.py")
    assert offending(REAL_CLOCK, sources("tests"), skip=skip) == []


@pytest.mark.parametrize(("line", "rule"), [
    ("from test_payments import pay", CROSS_IMPORT),
    ("    from browser.booking_steps import TIMES", CROSS_IMPORT),
    ('sys.path.insert(0, "functions")', SYS_PATH),
    ("first = dt.date.today() + dt.timedelta(days=2)", REAL_CLOCK),
    ("now = dt.datetime.now(dt.timezone.utc)", REAL_CLOCK),
    ("code = pyotp.TOTP(secret).now()", REAL_CLOCK),
])
def test_each_rule_finds_a_planted_violation(line: str, rule: re.Pattern[str], tmp_path: Path) -> None:
    planted = tmp_path / "test_planted.py"
    planted.write_text(f"{line}\n", encoding="utf-8")
    assert rule.search(planted.read_text(encoding="utf-8"))
