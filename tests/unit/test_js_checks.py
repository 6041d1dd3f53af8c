"""The site's JavaScript checks (`make eslint`, `make node-test`, both in `make check`) hold, and really
catch what they are for: ESLint fails on a planted undefined global, a global of the old kind
(window.Allavie) or HTML written into the page; the node tests fail when a planted bug makes the
Stockholm conversion ignore daylight saving time, or when a test fails."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(not ESLINT.is_file() or NODE is None,
                                reason="npm packages not installed (make install)")


def _eslint(source: str, as_path: str) -> subprocess.CompletedProcess[str]:
    """ESLint with the repository's config on source, as if it were the file as_path (nothing is written)."""
    return subprocess.run([str(ESLINT), "--max-warnings=0", "--stdin", "--stdin-filename", as_path], input=source,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _node_test(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NODE), "--test", "tests/js/"], cwd=directory, capture_output=True, text=True,
                          timeout=120)


def test_make_test_runs_eslint_and_the_node_tests() -> None:
    """CI runs `make test`, which runs the static checks (ESLint and the node tests among them) first."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    static = re.search(r"^static:(.*)$", makefile, re.M)
    assert static and {"eslint", "node-test"} <= set(static.group(1).split())
    for target in ("test", "check"):
        found = re.search(rf"^{target}:(.*)$", makefile, re.M)
        assert found and "static" in found.group(1).split(), target
    assert re.search(r"^eslint:.*\n\tnode_modules/\.bin/eslint .*\.$", makefile, re.M)
    assert re.search(r"^node-test:.*\n\tnode --test tests/js/$", makefile, re.M)


def test_the_site_passes_eslint() -> None:
    result = subprocess.run([str(ESLINT), "--max-warnings=0", "."], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("planted", "rule"), [
    ("export function f() { return bookingState; }", "no-undef"),                   # a global by load order
    ("export function f() { return window.Allavie.request; }", "no-restricted-properties"),
    ("export function f(node, name) { node.innerHTML = name; }", "no-restricted-properties"),  # HTML, not text
    ('import { nothing } from "./texts.js";\nexport const x = 1;', "no-unused-vars"),
])
def test_eslint_fails_on_a_planted_violation(planted: str, rule: str) -> None:
    clean = _eslint("export function f(a) { return a; }\n", "site/assets/js/lib/planted.js")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    result = _eslint(planted + "\n", "site/assets/js/lib/planted.js")
    assert result.returncode == 1, result.stdout + result.stderr
    assert rule in result.stdout


def test_eslint_keeps_lib_modules_free_of_side_effects() -> None:
    result = _eslint('document.title = "x";\n', "site/assets/js/lib/planted.js")
    assert result.returncode == 1 and "nothing may run when it is imported" in result.stdout
    assert _eslint('document.title = "x";\n', "site/assets/js/pages/planted.js").returncode == 0


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The node tests and the modules they test, in a copy that a test may break."""
    shutil.copytree(ROOT / "tests" / "js", tmp_path / "tests" / "js")
    shutil.copytree(ROOT / "site" / "assets" / "js", tmp_path / "site" / "assets" / "js")
    shutil.copy(ROOT / "package.json", tmp_path / "package.json")
    return tmp_path


def test_the_node_tests_pass(copy: Path) -> None:
    result = _node_test(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# fail 0$", result.stdout, re.M) and not re.search(r"^# pass 0$", result.stdout, re.M)


def test_the_node_tests_fail_when_the_stockholm_conversion_ignores_daylight_saving(copy: Path) -> None:
    dates = copy / "site" / "assets" / "js" / "lib" / "dates.js"
    source = dates.read_text(encoding="utf-8")
    # The planted bug: Stockholm is always UTC+1 (winter time), as a hand-written offset would have it.
    broken = source.replace("return new Date(ms).toISOString();", "return new Date(want - 3600 * 1000).toISOString();")
    assert broken != source
    dates.write_text(broken, encoding="utf-8")
    result = _node_test(copy)
    assert result.returncode != 0
    assert "not ok" in result.stdout and "across the spring change" in result.stdout


def test_the_node_tests_fail_on_a_failing_test(copy: Path) -> None:
    (copy / "tests" / "js" / "planted.test.mjs").write_text(
        'import assert from "node:assert/strict";\nimport { test } from "node:test";\n'
        'test("planted", () => { assert.equal(1 + 1, 3); });\n', encoding="utf-8")
    result = _node_test(copy)
    assert result.returncode != 0
    assert "not ok" in result.stdout and "planted" in result.stdout
