"""Parsing WWW-Authenticate / Proxy-Authenticate: several challenges, quoting, and hostile input."""

from __future__ import annotations

import pytest

from urlplug_auth.challenges import MAX_CHALLENGES, MAX_PARAMS, parse_challenges, quote, unsupported_scheme


def test_single_basic_challenge() -> None:
    [challenge] = parse_challenges(['Basic realm="Our Site"'])
    assert challenge.scheme == "Basic"
    assert challenge.params == {"realm": "Our Site"}
    assert challenge.unquoted == set()


def test_several_challenges_in_one_header() -> None:
    header = 'Digest realm="x", nonce="n", qop="auth,auth-int", algorithm=SHA-256, Basic realm="y"'
    digest, basic = parse_challenges([header])
    assert digest.is_scheme("digest")
    assert digest.params == {"realm": "x", "nonce": "n", "qop": "auth,auth-int", "algorithm": "SHA-256"}
    assert basic.is_scheme("BASIC")
    assert basic.params == {"realm": "y"}


def test_several_headers_keep_their_order() -> None:
    found = parse_challenges(['Digest realm="a", nonce="1"', 'Newauth realm="b"', 'Basic realm="c"'])
    assert [c.scheme for c in found] == ["Digest", "Newauth", "Basic"]


def test_challenge_without_parameters_then_another() -> None:
    found = parse_challenges(['Negotiate, Basic realm="r"'])
    assert [(c.scheme, c.params) for c in found] == [("Negotiate", {}), ("Basic", {"realm": "r"})]


def test_token68_challenge() -> None:
    found = parse_challenges(['Negotiate oYH1MIHyoAMKAQ==, Basic realm="r"'])
    assert found[0].token68 == "oYH1MIHyoAMKAQ=="
    assert found[0].params == {}
    assert found[1].params == {"realm": "r"}


def test_unquoted_value_is_marked() -> None:
    [challenge] = parse_challenges(["Basic realm=foo"])
    assert challenge.params["realm"] == "foo"
    assert challenge.unquoted == {"realm"}


def test_single_quoted_realm_is_accepted_as_urllib2_did() -> None:
    [challenge] = parse_challenges(["Basic realm='ACME Widget Store'"])
    assert challenge.params["realm"] == "ACME Widget Store"
    assert challenge.unquoted == set()


def test_escapes_in_quoted_strings() -> None:
    [challenge] = parse_challenges([r'Basic realm="say \"hi\" \\ bye, now"'])
    assert challenge.params["realm"] == 'say "hi" \\ bye, now'


def test_comma_inside_quoted_value_does_not_split() -> None:
    [challenge] = parse_challenges(['Digest realm="a, b", nonce="n"'])
    assert challenge.params == {"realm": "a, b", "nonce": "n"}


def test_parameter_names_are_case_insensitive() -> None:
    [challenge] = parse_challenges(['Basic REALM="r", Charset="UTF-8"'])
    assert challenge.params == {"realm": "r", "charset": "UTF-8"}


def test_whitespace_around_equals_and_stray_commas() -> None:
    [challenge] = parse_challenges([' ,, Basic   realm = "r" ,  , charset=UTF-8 ,'])
    assert challenge.params == {"realm": "r", "charset": "UTF-8"}


def test_missing_comma_between_parameters_is_tolerated() -> None:
    [challenge] = parse_challenges(['Digest realm="r" nonce="n"'])
    assert challenge.params == {"realm": "r", "nonce": "n"}


def test_unterminated_quote_runs_to_the_end() -> None:
    [challenge] = parse_challenges(['Basic realm="no end'])
    assert challenge.params["realm"] == "no end"


def test_garbage_yields_nothing_usable() -> None:
    assert parse_challenges(["", "   ", ",,,", "=", '"quoted"']) == []


def test_quote_escapes_and_round_trips() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    realm = quote('a"b')
    [challenge] = parse_challenges(["Basic realm=" + realm])
    assert challenge.params["realm"] == 'a"b'


def test_unsupported_scheme_only_when_no_basic_or_digest() -> None:
    assert unsupported_scheme(parse_challenges(["NTLM, Negotiate"])) == "NTLM"
    assert unsupported_scheme(parse_challenges(['NTLM, Basic realm="r"'])) is None
    assert unsupported_scheme(parse_challenges(['NTLM, Digest realm="r"'])) is None
    assert unsupported_scheme([]) is None


# Hostile headers: each would take minutes with a backtracking parser (CVE-2020-8492's pattern
# is the first). The bound is generous; the point is that these return at all.
HUGE = 200_000
HOSTILE = {
    "commas (CVE-2020-8492)": "Basic " + "," * HUGE + "A",
    "comma-space runs": "Basic realm=" + ", " * HUGE + "A",
    "tabs before a comma": "Basic " + "\t" * HUGE + ",",
    "spaces before realm": "Basic realm" + " " * HUGE + "x",
    "many empty schemes": "a " * HUGE,
    "backslashes in an open quote": 'Basic realm="' + "\\" * HUGE,
    "escaped quotes": 'Basic realm="' + '\\"' * HUGE,
    "open single quotes": "Basic " + "realm='x " * (HUGE // 8),
    "many parameters": "Digest " + 'a="b", ' * (HUGE // 7),
    "equals runs": "Basic " + "=" * HUGE,
    "token68 lookalike": "Basic " + "a" * HUGE + "=" * HUGE + "b",
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("header", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_header_is_parsed_in_linear_time(header: str) -> None:
    found = parse_challenges([header])
    assert isinstance(found, list)


# Caps: what a hostile server can make the parser keep (and so, how long it reads).


def test_challenges_past_the_cap_are_ignored() -> None:
    found = parse_challenges(["a " * (MAX_CHALLENGES + 10)])
    assert [c.scheme for c in found] == ["a"] * MAX_CHALLENGES


def test_the_challenge_cap_counts_every_header_value() -> None:
    found = parse_challenges([f'Basic realm="r{i}"' for i in range(MAX_CHALLENGES + 5)])
    assert len(found) == MAX_CHALLENGES
    assert found[-1].params == {"realm": f"r{MAX_CHALLENGES - 1}"}


def test_parameters_past_the_cap_end_their_header_value_only() -> None:
    params = ", ".join(f"p{i}={i}" for i in range(MAX_PARAMS + 5))
    digest, basic = parse_challenges([f"Digest {params}, Basic realm=a", 'Basic realm="b"'])
    assert list(digest.params) == [f"p{i}" for i in range(MAX_PARAMS)]
    assert basic.params == {"realm": "b"}


def test_a_challenge_with_exactly_the_cap_is_followed_by_the_next() -> None:
    params = ", ".join(f"p{i}={i}" for i in range(MAX_PARAMS))
    digest, basic = parse_challenges([f"Digest {params}, Basic realm=a"])
    assert len(digest.params) == MAX_PARAMS
    assert basic.params == {"realm": "a"}


def test_a_repeated_parameter_counts_toward_the_cap() -> None:
    [challenge] = parse_challenges(["Digest " + "a=1, " * MAX_PARAMS + "b=2"])
    assert challenge.params == {"a": "1"}


def test_many_huge_headers_of_bare_tokens_keep_only_the_caps() -> None:
    # 30 headers of 60,000 characters: 900,000 challenges (seconds, ~350 MiB) without the cap.
    found = parse_challenges(["a " * 30_000] * 30)
    assert len(found) == MAX_CHALLENGES


def test_many_huge_headers_of_parameters_keep_only_the_caps() -> None:
    header = "Digest " + ", ".join(f"p{i}=v" for i in range(7_000))
    found = parse_challenges([header] * 30)
    assert [len(c.params) for c in found] == [MAX_PARAMS] * 30


def test_junk_between_challenges_is_skipped() -> None:
    found = parse_challenges(["=, (x), " * 1000 + 'Basic realm="r"'])
    assert [(c.scheme, c.params) for c in found] == [("Basic", {"realm": "r"})]
