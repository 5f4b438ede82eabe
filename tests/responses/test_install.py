"""``urlplug-responses`` installs on ``urlplug`` and ``urlplug-http`` alone, and its README runs there."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from .test_readme import examples

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_it_installs_on_urlplug_and_urlplug_http_alone(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    distributions = [str(ROOT / path) for path in ("core", "plugins/http", "plugins/responses")]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", *distributions, "pytest"],
        check=True,
        timeout=280,
        capture_output=True,
    )
    listing = subprocess.run(
        [python, "-m", "urlplug", "plugins"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert [line.split()[0] for line in listing.splitlines() if not line.startswith(" ")] == [
        "urlplug-http",
        "urlplug-responses",
    ]
    readme = tmp_path / "test_readme_examples.py"
    readme.write_text(examples(ROOT / "plugins" / "responses" / "README.md", "# urlplug-responses"))
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(readme)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
