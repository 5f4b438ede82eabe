"""Run one of CPython's urllib test modules with ``urllib.request``/``urllib.error`` replaced by urlplug.

Usage: ``python -m tests.conformance.run_cpython test_urllib2 [--json FILE]``. Runs in a process of its
own: the alias lasts for the whole process.
"""

from __future__ import annotations

import argparse
import json
import sys
import unittest
import urllib

import urlplug
import urlplug.errors

from .exclusions import EXCLUDED, SHIMS, SINCE


def alias_urllib() -> None:
    """Make ``urllib.request`` and ``urllib.error`` *be* urlplug, at import and at run time."""
    sys.modules["urllib.request"] = urlplug
    sys.modules["urllib.error"] = urlplug.errors
    urllib.request = urlplug  # type: ignore[attr-defined]
    urllib.error = urlplug.errors  # type: ignore[attr-defined]
    for name, value in SHIMS.items():
        setattr(urlplug, name, value)


def _tests(suite: unittest.TestSuite) -> list[unittest.TestCase]:
    found: list[unittest.TestCase] = []
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            found.extend(_tests(item))
        else:
            found.append(item)
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module")
    parser.add_argument("--json")
    args = parser.parse_args()
    alias_urllib()
    module = __import__(f"test.{args.module}", fromlist=["*"])
    loaded = unittest.defaultTestLoader.loadTestsFromModule(module)
    excluded = {name for name in EXCLUDED if name.startswith(f"{args.module}.")}
    kept = unittest.TestSuite()
    for case in _tests(loaded):
        test_id = f"{args.module}.{case.id().split('.', 2)[-1]}"
        if test_id in excluded:
            excluded.discard(test_id)
            continue
        kept.addTest(case)
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(kept)
    if sys.modules["urllib.request"] is not urlplug:  # a test put the standard module back
        raise SystemExit("urllib.request was no longer urlplug after the run")
    report = {
        "ran": result.testsRun,
        "failures": [case.id() for case, _ in result.failures + result.errors],
        "unexpected_successes": [case.id() for case in result.unexpectedSuccesses],
        "stale_exclusions": sorted(name for name in excluded if sys.version_info >= SINCE.get(name, (0, 0))),
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
