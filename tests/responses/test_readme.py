"""The examples of the READMEs that use ``responses`` run as the tests they show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
_PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def examples(readme: Path, after: str) -> str:
    """The Python blocks of ``readme`` after the heading ``after`` that use responses, as one module."""
    text = readme.read_text(encoding="utf-8").partition(after)[2]
    text = text.split("\n## ", 1)[0] if after.startswith("## ") else text
    blocks = [block for block in _PYTHON_BLOCK.findall(text) if "responses" in block]
    assert blocks, f"no example found in {readme}"
    return "\n\n".join(blocks)


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_readme_examples=source)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider")


def test_the_root_readme_testing_section(pytester: pytest.Pytester) -> None:
    source = examples(ROOT / "README.md", "## Testing code that uses urlplug")
    run(pytester, source).assert_outcomes(passed=2)


def test_the_plugin_readme(pytester: pytest.Pytester) -> None:
    source = examples(ROOT / "plugins" / "responses" / "README.md", "# urlplug-responses")
    run(pytester, source).assert_outcomes(passed=2)
