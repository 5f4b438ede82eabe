"""CPython's own urllib test suites, run against urlplug standing in for ``urllib.request``.

Each suite runs in a process of its own (``run_cpython.py``), with ``urllib.request`` and
``urllib.error`` replaced by urlplug at import and at run time. Every test passes except those listed
in ``exclusions.py``, each explained by a difference the README lists.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .exclusions import EXCLUDED

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("test_urllib2", "test_urllib2_localnet")


def _has_test_package() -> bool:
    try:
        return importlib.util.find_spec("test.test_urllib2") is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.timeout(300)
@pytest.mark.parametrize("suite", SUITES)
def test_cpython_suite_passes_against_urlplug(suite: str, tmp_path: Path) -> None:
    if not _has_test_package():
        pytest.skip(
            f"this Python ({sys.executable}) has no 'test' package, so CPython's {suite} cannot run: "
            "use a full CPython build (Debian: apt-get install libpython3-testsuite)"
        )
    report_path = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "tests.conformance.run_cpython", suite, "--json", str(report_path)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert report_path.exists(), f"{suite} did not run:\n{result.stderr[-4000:]}"
    report = json.loads(report_path.read_text())
    assert report["failures"] == [], f"{suite}:\n{result.stderr[-8000:]}"
    assert report["stale_exclusions"] == [], "excluded tests that no longer exist"
    assert report["ran"] > 0
    assert result.returncode == 0, result.stderr[-4000:]


def _readme_differences() -> dict[str, set[str]]:
    """The README's "Differences on purpose": heading -> the CPython tests it names."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Differences on purpose", 1)[1].split("\n## ", 1)[0]
    differences: dict[str, set[str]] = {}
    for item in re.findall(r"^- \*\*(.+?)\.\*\*(.*?)(?=^- |\Z)", section, re.MULTILINE | re.DOTALL):
        heading, body = item
        differences[heading] = set(re.findall(r"`(test_urllib2\w*\.\w+\.\w+)`", body))
    return differences


def test_every_exclusion_is_a_readme_difference_and_back() -> None:
    differences = _readme_differences()
    assert differences, "the README has no 'Differences on purpose' list"
    named_in_readme = {(heading, test) for heading, tests in differences.items() for test in tests}
    assert named_in_readme == {(heading, test) for test, heading in EXCLUDED.items()}
