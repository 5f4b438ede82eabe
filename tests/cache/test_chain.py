"""The cache in urlplug's chain: configuration, redirects, decoding, the status, the command's -v."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import hishel
import pytest

import urlplug
from tests.cli.support import urlplug as run_urlplug
from tests.servers.http import LoopbackHTTPServer, Reply
from tests.servers.proxy import Tinyproxy

from .support import counting, fixed

Make = Callable[..., urlplug.OpenerDirector]


def test_without_a_storage_setting_no_opener_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("URLPLUG_CACHE", raising=False)
    import urlplug_cache

    assert urlplug_cache.default_cache_handler() is None
    code = "import sys, urlplug; urlplug.build_opener(); print('hishel' in sys.modules)"
    env_free = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                              env={"PATH": "/usr/bin:/bin"})  # fmt: skip
    assert env_free.stdout == b"False\n"


def test_urlplug_cache_in_the_environment_joins_every_opener(
    monkeypatch: pytest.MonkeyPatch, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    monkeypatch.setenv("URLPLUG_CACHE", f"sqlite://{tmp_path}/env.db")
    hits = counting(http_server, "/env", fixed(("Cache-Control", "max-age=60")))
    for _ in range(2):
        with urlplug.build_opener(plugins=("urlplug-http", "urlplug-cache")) as opener:
            assert any(type(h).__name__ == "CacheHandler" for h in opener.handlers)
            opener.open(http_server.url("/env")).read()
    assert len(hits) == 1


def test_a_hishel_storage_object_is_accepted(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    storage = hishel.SqliteStorage(database_path=tmp_path / "own.db")
    opener = make_opener(urlplug.CacheHandler(storage))
    hits = counting(http_server, "/own", fixed(("Cache-Control", "max-age=60")))
    statuses = []
    for _ in range(2):
        with opener.open(http_server.url("/own")) as response:
            response.read()
            statuses.append(response.cache_status.from_cache)
    assert (statuses, len(hits)) == ([False, True], 1)
    storage.close()


def test_a_stored_redirect_is_followed_like_one_from_the_network(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    old = counting(
        http_server, "/old", lambda seen: Reply(301, [("Location", "/new"), ("Cache-Control", "max-age=60")])
    )
    new = counting(http_server, "/new", fixed(("Cache-Control", "max-age=60"), body=b"moved here"))
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/r.db"))
    for _ in range(2):
        with opener.open(http_server.url("/old")) as response:
            assert (response.read(), response.geturl()) == (b"moved here", http_server.url("/new"))
    assert (len(old), len(new)) == (1, 1)
    assert response.cache_status.from_cache


def test_a_stored_error_status_still_raises_http_error(
    make_opener: Make, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(http_server, "/gone", fixed(("Cache-Control", "max-age=60"), status=404, body=b"no"))
    opener = make_opener(urlplug.CacheHandler("memory:"))
    for _ in range(2):
        with pytest.raises(urlplug.HTTPError) as caught:
            opener.open(http_server.url("/gone"))
        assert (caught.value.code, caught.value.read()) == (404, b"no")
    assert len(hits) == 1


def test_a_compressed_body_is_stored_as_sent_and_decoded_with_its_status(
    make_opener: Make, http_server: LoopbackHTTPServer
) -> None:
    packed = gzip.compress(b"decoded text" * 100)
    counting(
        http_server, "/gz", fixed(("Cache-Control", "max-age=60"), ("Content-Encoding", "gzip"), body=packed)
    )
    opener = make_opener(
        urlplug.CacheHandler("memory:"), plugins=("urlplug-http", "urlplug-cache", "urlplug-compression")
    )
    for expected in (False, True):
        with opener.open(http_server.url("/gz")) as response:
            assert response.read() == b"decoded text" * 100
            assert response.content_codings == ("gzip",)
            assert response.cache_status.from_cache is expected


def test_the_command_shows_the_cache_status_with_v(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    counting(http_server, "/cli", fixed(("Cache-Control", "max-age=60")))
    env = {"URLPLUG_CACHE": f"sqlite://{tmp_path}/cli.db"}
    first = run_urlplug(http_server.url("/cli"), "-v", env=env)
    second = run_urlplug(http_server.url("/cli"), "-v", env=env)
    assert "* cache: miss, stored" in first.stderr.decode().splitlines()
    assert "* cache: hit" in second.stderr.decode().splitlines()
    assert second.stdout == b"payload"


def test_the_cache_answers_after_the_proxy_handler_chose_a_proxy(
    make_opener: Make,
    http_server: LoopbackHTTPServer,
    tinyproxy_factory: Callable[..., Tinyproxy],
    tmp_path: Path,
) -> None:
    proxy = tinyproxy_factory()
    hits = counting(http_server, "/via", fixed(("Cache-Control", "max-age=60"), body=b"proxied"))
    opener = make_opener(
        urlplug.ProxyHandler({"http": proxy.url()}),
        urlplug.CacheHandler(f"sqlite://{tmp_path}/proxy.db"),
        plugins=("urlplug-http", "urlplug-proxy", "urlplug-cache"),
    )
    statuses = []
    for _ in range(2):
        with opener.open(http_server.url("/via")) as response:
            assert response.read() == b"proxied"
            statuses.append(response.cache_status.from_cache)
    assert statuses == [False, True]
    assert len(hits) == 1
    assert any(name.lower() == "via" for name in hits[0].headers)  # it went through tinyproxy
