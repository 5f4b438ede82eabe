"""Types at the seams: a type checker sees what urlopen() returns and the names plugins export."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[2]


def check(tmp_path: Path, code: str) -> str:
    """mypy's report on ``code`` (strict, with the repository's settings)."""
    source = tmp_path / "program.py"
    source.write_text(code)
    stdout, _stderr, _status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-incremental",
            "--follow-imports=silent",
            str(source),
        ]
    )
    return str(stdout)


@pytest.mark.timeout(180)
def test_mypy_sees_the_response_protocol_and_the_plugin_names(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        """
import urlplug

def fetch(url: str) -> bytes:
    with urlplug.urlopen(url, timeout=5) as response:
        assert response.geturl() and response.status
        return response.read()

def wrong(url: str) -> None:
    urlplug.urlopen(url).nonexistent()

handler: urlplug.HTTPDigestAuthHandler = urlplug.HTTPDigestAuthHandler()
handler.add_password("realm", "https://example.org/", "user", 1)
urlplug.install_opener(urlplug.build_opener(handler))
""",
    )
    errors = [line for line in report.splitlines() if ": error:" in line]
    assert len(errors) == 2, report
    assert '"URLResponse" has no attribute "nonexistent"' in errors[0]
    assert "add_password" in errors[1] and '"int"' in errors[1]
