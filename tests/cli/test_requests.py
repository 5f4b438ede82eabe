"""What ``urlplug`` sends: method, headers, bodies (curl's -X, -H, -A, -e, -d, --json, -I)."""

from __future__ import annotations

import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from tests.servers.http import LoopbackHTTPServer, Reply, Seen

from .support import urlplug


def test_body_goes_to_stdout(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(http_server.url("/hello"))
    assert (result.returncode, result.stdout, result.stderr) == (0, b"GET /hello", b"")


def test_a_url_without_scheme_is_http(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(f"127.0.0.1:{http_server.port}/guess")
    assert result.stdout == b"GET /guess"


def test_method_headers_agent_and_referer(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(
        http_server.url("/put"), "-X", "PUT", "-H", "X-Trace: abc", "-A", "agent/1", "-e", "http://from/"
    )
    assert result.returncode == 0
    seen = http_server.seen[-1]
    assert (seen.method, seen.headers["X-Trace"]) == ("PUT", "abc")
    assert (seen.headers["User-Agent"], seen.headers["Referer"]) == ("agent/1", "http://from/")


def test_the_default_user_agent_names_urlplug(http_server: LoopbackHTTPServer) -> None:
    urlplug(http_server.url("/"))
    assert http_server.seen[-1].headers["User-Agent"].startswith("urlplug/")


def test_data_makes_a_form_post_and_pieces_join_with_ampersands(http_server: LoopbackHTTPServer) -> None:
    urlplug(http_server.url("/form"), "-d", "a=1", "--data-raw", "@b=2")
    seen = http_server.seen[-1]
    assert (seen.method, seen.body) == ("POST", b"a=1&@b=2")
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_data_from_a_file_drops_line_breaks_binary_keeps_them(
    http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    source = tmp_path / "body.txt"
    source.write_bytes(b"a=1\r\nb=2\n")
    urlplug(http_server.url("/"), "-d", f"@{source}")
    assert http_server.seen[-1].body == b"a=1b=2"
    urlplug(http_server.url("/"), "--data-binary", f"@{source}")
    assert http_server.seen[-1].body == b"a=1\r\nb=2\n"


def test_data_from_stdin(http_server: LoopbackHTTPServer) -> None:
    urlplug(http_server.url("/"), "--data-binary", "@-", stdin=b"from\nstdin")
    assert http_server.seen[-1].body == b"from\nstdin"


def test_json_sets_both_headers(http_server: LoopbackHTTPServer) -> None:
    urlplug(http_server.url("/api"), "--json", '{"x": 1}')
    seen = http_server.seen[-1]
    assert (seen.method, json.loads(seen.body)) == ("POST", {"x": 1})
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["Accept"] == "application/json"


def test_head_shows_the_headers_only(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/h"] = lambda seen: Reply(200, [("X-Answer", "42")], b"body")
    result = urlplug(http_server.url("/h"), "-I")
    assert http_server.seen[-1].method == "HEAD"
    assert result.stdout.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"X-Answer: 42\r\n" in result.stdout
    assert result.stdout.endswith(b"\r\n\r\n")


def test_include_shows_status_and_headers_before_the_body(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/h"] = lambda seen: Reply(201, [("X-Answer", "42")], b"made")
    out = urlplug(http_server.url("/h"), "-i").stdout
    assert out.startswith(b"HTTP/1.1 201 Created\r\n")
    assert b"X-Answer: 42\r\n" in out
    assert out.endswith(b"\r\n\r\nmade")


def test_verbose_shows_request_and_response_heads_on_stderr(http_server: LoopbackHTTPServer) -> None:
    result = urlplug(http_server.url("/v?q=1"), "-v", "-H", "X-Mine: 1")
    assert result.stdout == b"GET /v?q=1"
    err = result.stderr.decode().splitlines()
    assert "> GET /v?q=1 HTTP/1.1" in err
    assert f"> Host: 127.0.0.1:{http_server.port}" in err
    assert "> X-mine: 1" in err
    assert "< HTTP/1.1 200 OK" in err
    assert err.index("> GET /v?q=1 HTTP/1.1") < err.index("< HTTP/1.1 200 OK")


def test_redirects_are_shown_not_followed_without_location(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/new")], b"moved")
    result = urlplug(http_server.url("/old"), "-i")
    assert result.returncode == 0
    assert result.stdout.startswith(b"HTTP/1.1 302 Found\r\n")
    assert result.stdout.endswith(b"moved")
    assert [seen.path for seen in http_server.seen] == ["/old"]


def test_location_follows_redirects_and_include_shows_every_head(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/old"] = lambda seen: Reply(302, [("Location", "/new")], b"moved")
    result = urlplug(http_server.url("/old"), "-L", "-i")
    assert result.returncode == 0
    assert result.stdout.startswith(b"HTTP/1.1 302 Found\r\n")
    assert b"\r\n\r\nHTTP/1.1 200 OK\r\n" in result.stdout
    assert result.stdout.endswith(b"GET /new")


def test_verbose_shows_each_request_of_a_redirect_chain(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/old"] = lambda seen: Reply(301, [("Location", "/new")])
    err = urlplug(http_server.url("/old"), "-L", "-v").stderr.decode().splitlines()
    requests = [line for line in err if line.startswith("> GET")]
    assert requests == ["> GET /old HTTP/1.1", "> GET /new HTTP/1.1"]


def test_an_http_error_body_is_printed_without_fail(http_server: LoopbackHTTPServer) -> None:
    http_server.routes["/missing"] = lambda seen: Reply(404, [], b"not here")
    result = urlplug(http_server.url("/missing"))
    assert (result.returncode, result.stdout, result.stderr) == (0, b"not here", b"")


def _form_parts(seen: Seen) -> list[Message]:
    """The parts of a multipart/form-data body, parsed by the standard library's email package."""
    raw = f"Content-Type: {seen.headers['Content-Type']}\r\n\r\n".encode() + seen.body
    message = BytesParser(policy=HTTP).parsebytes(raw)
    assert message.get_content_type() == "multipart/form-data"
    return list(message.iter_parts())


def test_form_sends_text_fields_files_and_file_contents(
    http_server: LoopbackHTTPServer, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x00binary")
    note = tmp_path / "note.txt"
    note.write_bytes(b"from a file")
    result = urlplug(
        http_server.url("/upload"),
        "-F",
        "title=holiday",
        "-F",
        f"image=@{photo}",
        "-F",
        f"note=<{note}",
        "-F",
        f"raw=@{note};type=text/x-custom;filename=renamed.txt",
    )
    assert result.returncode == 0, result.stderr
    seen = http_server.seen[-1]
    assert seen.method == "POST"
    parts = {part.get_param("name", header="content-disposition"): part for part in _form_parts(seen)}
    assert parts["title"].get_payload(decode=True) == b"holiday"
    assert parts["title"].get_filename() is None
    assert (parts["image"].get_filename(), parts["image"].get_content_type()) == ("photo.png", "image/png")
    assert parts["image"].get_payload(decode=True) == b"\x89PNG\r\n\x00binary"
    assert parts["note"].get_payload(decode=True) == b"from a file"
    assert parts["note"].get_filename() is None
    assert (parts["raw"].get_filename(), parts["raw"].get_content_type()) == ("renamed.txt", "text/x-custom")


def test_form_reads_an_upload_from_stdin(http_server: LoopbackHTTPServer) -> None:
    urlplug(http_server.url("/upload"), "-F", "data=@-", stdin=b"piped")
    (part,) = _form_parts(http_server.seen[-1])
    assert part.get_payload(decode=True) == b"piped"
    assert part.get_content_type() == "application/octet-stream"


def test_form_with_a_missing_file_exits_26(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    result = urlplug(http_server.url("/"), "-F", f"f=@{tmp_path / 'absent'}")
    assert result.returncode == 26
    assert http_server.seen == []


def test_form_and_data_do_not_mix() -> None:
    assert urlplug("http://127.0.0.1:9/", "-F", "a=1", "-d", "b=2").returncode == 2


def test_form_without_urllib3_names_the_extra(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    hidden = tmp_path / "hide"
    (hidden / "urllib3").mkdir(parents=True)
    (hidden / "urllib3" / "__init__.py").write_text("raise ImportError('urllib3 hidden by the test')\n")
    result = urlplug(http_server.url("/"), "-F", "a=1", env={"PYTHONPATH": str(hidden)})
    assert result.returncode == 4
    assert "pip install 'urlplug[cli]'" in result.stderr.decode()
