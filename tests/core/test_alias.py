"""urlplug aliased as ``urllib.request``: the usual drop-in, as programs and test suites do it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def run_aliased(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where ``urllib.request`` is urlplug from the start."""
    prelude = """
        import sys, urllib, urlplug
        sys.modules["urllib.request"] = urlplug
        urllib.request = urlplug
    """
    script = textwrap.dedent(prelude) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("parse_http_list('a, \"b,c\"')", "['a', '\"b,c\"']"),
        ("parse_keqv_list(['a=1', 'b=\"2\"'])", "{'a': '1', 'b': '2'}"),
        ("pathname2url('/a b')", "'/a%20b'"),
        ("url2pathname('/a%20b')", "'/a b'"),
        ("getproxies()", "{'http': 'http://proxy.test:3128'}"),
        ("bool(proxy_bypass('example.org'))", "False"),
    ],
)
def test_stdlib_helpers_work_under_the_alias(call: str, expected: str) -> None:
    name = call.removeprefix("bool(").partition("(")[0]
    result = run_aliased(
        f"""
        import os
        os.environ.clear()
        os.environ["http_proxy"] = "http://proxy.test:3128"
        from urllib.request import {name}
        print(repr({call}))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_the_alias_is_urlplug_at_run_time() -> None:
    result = run_aliased(
        """
        import urllib.request
        from urllib.request import Request, build_opener
        assert urllib.request is urlplug and Request is urlplug.Request
        assert type(build_opener()).__module__ == "urlplug.director"
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
