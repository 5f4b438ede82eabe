"""Digest arithmetic against the worked examples of RFC 2617 and RFC 7616."""

from __future__ import annotations

import hashlib

import pytest

from urlplug_auth.algorithms import (
    SUPPORTED,
    DigestAlgorithm,
    lookup,
    response_digest,
    secret_hash,
    user_hash,
)

RFC7616_EXCHANGE = {
    "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    "method": "GET",
    "uri": "/dir/index.html",
    "qop": "auth",
    "nc": "00000001",
    "cnonce": "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
}


def _algorithm(name: str) -> DigestAlgorithm:
    found = lookup(name)
    assert found is not None, name
    return found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_rfc7616_section_3_9_1(name: str, expected: str) -> None:
    algorithm = _algorithm(name)
    secret = secret_hash(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life")
    assert response_digest(algorithm, secret=secret, **RFC7616_EXCHANGE) == expected


def test_rfc2617_section_3_5() -> None:
    md5 = _algorithm("MD5")
    response = response_digest(
        md5,
        secret=secret_hash(md5, "Mufasa", "testrealm@host.com", "Circle Of Life"),
        nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
        method="GET",
        uri="/dir/index.html",
        qop="auth",
        nc="00000001",
        cnonce="0a4f113b",
    )
    assert response == "6629fae49393a05397450978507c4ef1"


def _h(name: str, text: str) -> str:
    return hashlib.new(name, text.encode()).hexdigest()


def test_secret_is_h_of_user_realm_password() -> None:
    assert secret_hash(_algorithm("SHA-256"), "u", "r", "p") == _h("sha256", "u:r:p")


def test_rfc2069_form_without_qop() -> None:
    ha1, ha2 = _h("md5", "u:r:p"), _h("md5", "GET:/x")
    got = response_digest(
        _algorithm("MD5"), secret=ha1, nonce="n", method="GET", uri="/x", qop=None, nc="", cnonce=""
    )
    assert got == _h("md5", f"{ha1}:n:{ha2}")


def test_sess_variant_hashes_nonce_and_cnonce_into_a1() -> None:
    sess = _algorithm("SHA-256-sess")
    assert sess.session
    secret = _h("sha256", "u:r:p")
    ha1 = _h("sha256", f"{secret}:n:c")
    expected = _h("sha256", f"{ha1}:n:00000001:c:auth:{_h('sha256', 'GET:/x')}")
    got = response_digest(
        sess, secret=secret, nonce="n", method="GET", uri="/x", qop="auth", nc="00000001", cnonce="c"
    )
    assert got == expected


def test_auth_int_hashes_the_body_into_a2() -> None:
    secret = _h("md5", "u:r:p")
    ha2 = _h("md5", f"POST:/x:{hashlib.md5(b'body').hexdigest()}")
    expected = _h("md5", f"{secret}:n:00000001:c:auth-int:{ha2}")
    got = response_digest(
        _algorithm("MD5"),
        secret=secret,
        nonce="n",
        method="POST",
        uri="/x",
        qop="auth-int",
        nc="00000001",
        cnonce="c",
        body=b"body",
    )
    assert got == expected


def test_sha512_256_is_the_truncated_sha512_variant() -> None:
    # FIPS 180-4 test vector for SHA-512/256("abc").
    expected = "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"
    assert _algorithm("SHA-512-256").hash("abc") == expected


def test_userhash_is_h_of_user_and_realm_in_utf8() -> None:
    got = user_hash(_algorithm("SHA-256"), "J\u00e4s\u00f8n", "r")
    assert got == hashlib.sha256("J\u00e4s\u00f8n:r".encode()).hexdigest()


def test_names_are_case_insensitive_and_all_rfc7616_ones_supported() -> None:
    for name in ("MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"):
        assert name in SUPPORTED
        assert lookup(name.lower()) == lookup(name)


def test_unknown_algorithm_is_none() -> None:
    assert lookup("SHA-1024") is None
    assert lookup("") is None
