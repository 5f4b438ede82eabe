"""Credentials (-u, URLs, -n), TLS (-k, --cacert) and proxies (-x) from the command line."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.servers.auth import PASSWORD, USER, BasicAuthority, DigestAuthority
from tests.servers.http import ForwardProxy, LoopbackHTTPServer, Reply

from .support import error_line, urlplug


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_user_sends_basic_credentials_up_front(http_server: LoopbackHTTPServer) -> None:
    authority = BasicAuthority()
    http_server.routes["/private"] = authority.route(b"the secret")
    result = urlplug(http_server.url("/private"), "-u", f"{USER}:{PASSWORD}")
    assert (result.returncode, result.stdout) == (0, b"the secret")
    assert authority.accepted == [USER]
    assert len(http_server.seen) == 1


def test_user_wins_over_credentials_in_the_url(http_server: LoopbackHTTPServer) -> None:
    url = http_server.url("/").replace("://", "://someone:else@")
    urlplug(url, "-u", "me:mine")
    assert http_server.seen[-1].headers["Authorization"] == basic("me", "mine")


def test_credentials_in_the_url(http_server: LoopbackHTTPServer) -> None:
    url = http_server.url("/p").replace("://", "://me%40home:p%3Aw@")
    result = urlplug(url, "-v")
    seen = http_server.seen[-1]
    assert seen.headers["Authorization"] == basic("me@home", "p:w")
    assert seen.headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert "> GET /p HTTP/1.1" in result.stderr.decode().splitlines()


def test_credentials_stay_with_their_origin_on_a_redirect(
    http_server: LoopbackHTTPServer, other_http_server: LoopbackHTTPServer
) -> None:
    http_server.routes["/away"] = lambda seen: Reply(302, [("Location", other_http_server.url("/there"))])
    result = urlplug(http_server.url("/away"), "-L", "-u", "me:mine")
    assert result.stdout == b"GET /there"
    assert http_server.seen[-1].headers["Authorization"] == basic("me", "mine")
    assert "Authorization" not in other_http_server.seen[-1].headers


def test_netrc_answers_basic_and_digest(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f'machine 127.0.0.1 login {USER} password "{PASSWORD}"\n')
    http_server.routes["/basic"] = BasicAuthority().route(b"basic ok")
    http_server.routes["/digest"] = DigestAuthority(algorithms=("SHA-256",)).route(b"digest ok")
    assert urlplug(http_server.url("/basic"), "-n", env={"NETRC": str(netrc)}).stdout == b"basic ok"
    assert urlplug(http_server.url("/digest"), "--netrc-file", str(netrc)).stdout == b"digest ok"


def test_without_netrc_the_401_is_the_answer(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    http_server.routes["/basic"] = BasicAuthority().route()
    result = urlplug(http_server.url("/basic"), "-f", env={"NETRC": str(netrc)})
    assert result.returncode == 22


def test_a_malformed_netrc_is_one_line(http_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h login u password p\nbogus x\n")
    result = urlplug(http_server.url("/"), "--netrc-file", str(netrc))
    assert result.returncode == 26
    assert "netrc" in error_line(result)


def test_an_untrusted_certificate_exits_60(https_server: LoopbackHTTPServer) -> None:
    result = urlplug(https_server.url("/"))
    assert result.returncode == 60
    assert error_line(result).startswith("urlplug: (60) SSL certificate problem:")


def test_cacert_trusts_the_servers_ca(https_server: LoopbackHTTPServer, ca_file: Path) -> None:
    result = urlplug(https_server.url("/tls"), "--cacert", str(ca_file))
    assert (result.returncode, result.stdout) == (0, b"GET /tls")


def test_a_cacert_that_cannot_be_read_exits_77(https_server: LoopbackHTTPServer, tmp_path: Path) -> None:
    result = urlplug(https_server.url("/"), "--cacert", str(tmp_path / "absent.pem"))
    assert result.returncode == 77


def test_insecure_skips_verification(https_server: LoopbackHTTPServer) -> None:
    result = urlplug(https_server.url("/tls"), "-k")
    assert (result.returncode, result.stdout) == (0, b"GET /tls")


def test_proxy_carries_the_request(forward_proxy: ForwardProxy) -> None:
    result = urlplug("http://example.invalid/page", "-x", forward_proxy.url("/").rstrip("/"))
    assert (result.returncode, result.stdout) == (0, b"proxied GET http://example.invalid/page")


def test_proxy_tunnels_https(
    forward_proxy: ForwardProxy, https_server: LoopbackHTTPServer, ca_file: Path
) -> None:
    url = https_server.url("/through")
    result = urlplug(url, "-x", f"127.0.0.1:{forward_proxy.port}", "--cacert", str(ca_file))
    assert (result.returncode, result.stdout) == (0, b"GET /through")
    assert forward_proxy.seen[-1].method == "CONNECT"


def test_user_without_password_asks_for_it(http_server: LoopbackHTTPServer) -> None:
    import os
    import subprocess
    import sys

    # A new session has no terminal: getpass reads the answer from standard input.
    result = subprocess.run(
        [sys.executable, "-m", "urlplug", http_server.url("/"), "-u", "me"],
        input=b"typed\n",
        capture_output=True,
        start_new_session=True,
        env=os.environ,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert b"Enter host password for user 'me':" in result.stderr
    assert http_server.seen[-1].headers["Authorization"] == basic("me", "typed")
