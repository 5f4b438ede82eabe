"""RFC 9111 through the cache, on every storage: what is served, revalidated, stored and invalidated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import urlplug
from tests.servers.http import LoopbackHTTPServer, Reply, Seen
from urlplug_cache import CacheStatus

from .support import counting, fixed

Make = Callable[..., urlplug.OpenerDirector]


def fetch(opener: urlplug.OpenerDirector, url: str, **kwargs: Any) -> tuple[bytes, CacheStatus]:
    """The body of ``url`` and how the cache served it."""
    with opener.open(urlplug.Request(url, **kwargs)) as response:
        body: bytes = response.read()
        status: CacheStatus = response.cache_status
        return body, status


def test_a_fresh_response_is_served_from_the_store(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(http_server, "/fresh", fixed(("Cache-Control", "max-age=60")))
    first = fetch(opener, http_server.url("/fresh"))
    second = fetch(opener, http_server.url("/fresh"))
    assert first == (b"payload", (False, False, True))
    assert second == (b"payload", (True, False, False))
    assert len(hits) == 1


def test_no_store_is_never_stored(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    hits = counting(http_server, "/secret", fixed(("Cache-Control", "no-store, max-age=60")))
    statuses = [fetch(opener, http_server.url("/secret"))[1] for _ in range(2)]
    assert statuses == [(False, False, False)] * 2
    assert len(hits) == 2


def test_no_cache_revalidates_with_the_etag_and_a_304_serves_the_stored_body(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    def answer(seen: Seen) -> Reply:
        if seen.headers.get("If-None-Match") == '"v1"':
            return Reply(304, [("ETag", '"v1"'), ("Cache-Control", "no-cache")])
        return Reply(200, [("ETag", '"v1"'), ("Cache-Control", "no-cache")], b"version one")

    hits = counting(http_server, "/etag", answer)
    fetch(opener, http_server.url("/etag"))
    body, status = fetch(opener, http_server.url("/etag"))
    assert (body, status) == (b"version one", (True, True, False))
    assert hits[1].headers["If-None-Match"] == '"v1"'


def test_last_modified_validation(opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer) -> None:
    stamp = "Mon, 01 Jan 2024 00:00:00 GMT"

    def answer(seen: Seen) -> Reply:
        if seen.headers.get("If-Modified-Since") == stamp:
            return Reply(304, [("Last-Modified", stamp), ("Cache-Control", "max-age=0")])
        return Reply(200, [("Last-Modified", stamp), ("Cache-Control", "max-age=0")], b"dated")

    hits = counting(http_server, "/dated", answer)
    fetch(opener, http_server.url("/dated"))
    assert fetch(opener, http_server.url("/dated")) == (b"dated", (True, True, False))
    assert [seen.headers.get("If-Modified-Since") for seen in hits] == [None, stamp]


def test_a_changed_resource_replaces_the_stale_one(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    versions = iter([b"old", b"new"])
    counting(
        http_server,
        "/changes",
        lambda seen: Reply(
            200, [("ETag", f'"{len(seen.headers)}"'), ("Cache-Control", "no-cache")], next(versions)
        ),
    )
    assert fetch(opener, http_server.url("/changes"))[0] == b"old"
    assert fetch(opener, http_server.url("/changes")) == (b"new", (False, True, True))


def test_vary_keeps_one_entry_per_variant(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    def answer(seen: Seen) -> Reply:
        language = seen.headers.get("Accept-Language", "en")
        return Reply(200, [("Vary", "Accept-Language"), ("Cache-Control", "max-age=60")], language.encode())

    hits = counting(http_server, "/greeting", answer)
    url = http_server.url("/greeting")
    assert fetch(opener, url, headers={"Accept-Language": "fr"})[0] == b"fr"
    body, status = fetch(opener, url, headers={"Accept-Language": "de"})
    assert (body, status.from_cache, status.stored) == (b"de", False, True)
    assert fetch(opener, url, headers={"Accept-Language": "fr"}) == (b"fr", (True, False, False))
    assert len(hits) == 2


def test_a_successful_unsafe_method_invalidates_the_url(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(
        http_server,
        "/doc",
        lambda seen: Reply(200, [("Cache-Control", "max-age=60")], seen.method.encode() + seen.body),
    )
    url = http_server.url("/doc")
    fetch(opener, url)
    assert fetch(opener, url, data=b"!", method="POST") == (b"POST!", (False, False, False))
    assert fetch(opener, url) == (b"GET", (False, False, True))
    assert [seen.method for seen in hits] == ["GET", "POST", "GET"]


def test_an_unsafe_method_is_never_answered_from_the_store(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(http_server, "/form", fixed(("Cache-Control", "max-age=60")))
    for _ in range(2):
        fetch(opener, http_server.url("/form"), data=b"x", method="POST")
    assert len(hits) == 2


def test_private_responses_are_stored_by_default(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    hits = counting(http_server, "/mine", fixed(("Cache-Control", "private, max-age=60")))
    fetch(opener, http_server.url("/mine"))
    assert fetch(opener, http_server.url("/mine"))[1] == (True, False, False)
    assert len(hits) == 1


def test_a_shared_cache_does_not_store_private_responses(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/shared.db", shared=True))
    hits = counting(http_server, "/mine", fixed(("Cache-Control", "private, max-age=60")))
    statuses = [fetch(opener, http_server.url("/mine"))[1] for _ in range(2)]
    assert statuses == [(False, False, False)] * 2
    assert len(hits) == 2


def test_a_large_body_streams_into_and_out_of_the_store(
    opener: urlplug.OpenerDirector, http_server: LoopbackHTTPServer
) -> None:
    chunk = bytes(range(256)) * 1024  # 256 KiB, several storage chunks in all
    counting(
        http_server, "/big", lambda seen: Reply(200, [("Cache-Control", "max-age=60")], iter([chunk] * 12))
    )
    for expected in ((False, False, True), (True, False, False)):
        with opener.open(http_server.url("/big")) as response:
            pieces = iter(lambda: response.read(100_000), b"")
            assert b"".join(pieces) == chunk * 12
            assert response.cache_status == expected


def test_a_shared_cache_stores_an_authorized_response_only_when_it_says_public(
    make_opener: Make, http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    opener = make_opener(urlplug.CacheHandler(f"sqlite://{tmp_path}/auth.db", shared=True))
    counting(http_server, "/plain", fixed(("Cache-Control", "max-age=60")))
    counting(http_server, "/public", fixed(("Cache-Control", "public, max-age=60")))
    signed = {"Authorization": "Bearer token"}
    for path, second in (("/plain", (False, False, False)), ("/public", (True, False, False))):
        fetch(opener, http_server.url(path), headers=signed)
        assert fetch(opener, http_server.url(path), headers=signed)[1] == second
