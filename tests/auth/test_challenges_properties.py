"""Properties of the challenge parser: it never raises, stays within its caps, and reads back what
a well-formed header says."""

from __future__ import annotations

from hypothesis import given, strategies as st

from urlplug_auth.challenges import MAX_CHALLENGES, MAX_PARAMS, Challenge, parse_challenges, quote

TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
tokens = st.text(TCHARS, min_size=1, max_size=12)
# RFC 7235's token68, optionally padded.
token68s = st.builds(
    str.__add__, st.text("abcXYZ019-._~+/", min_size=1, max_size=20), st.text("=", max_size=2)
)
# The characters the parser gives meaning to, so that random text hits its branches often.
header_text = st.one_of(st.text(), st.text(" \t,=\"\\'aB1/=+~-", max_size=80))


@st.composite
def challenges(draw: st.DrawFn) -> Challenge:
    scheme = draw(tokens)
    if draw(st.booleans()):
        return Challenge(scheme, token68=draw(token68s))
    names = draw(st.lists(tokens.map(str.lower), unique=True, max_size=6))
    params = {name: draw(st.text(max_size=20)) for name in names}
    unquoted = {name for name in names if _bare(params[name]) and draw(st.booleans())}
    return Challenge(scheme, params, unquoted=unquoted)


def _bare(value: str) -> bool:
    # A value may go unquoted when it is a token; one starting with ' would be read back as
    # urllib2's single-quoted form, so it is always quoted.
    return bool(value) and all(c in TCHARS for c in value) and not value.startswith("'")


def serialize(challenge: Challenge) -> str:
    if challenge.token68 is not None:
        return f"{challenge.scheme} {challenge.token68}"
    params = ", ".join(
        f"{name}={value if name in challenge.unquoted else quote(value)}"
        for name, value in challenge.params.items()
    )
    return f"{challenge.scheme} {params}".rstrip()


@given(st.lists(header_text, max_size=5))
def test_any_text_parses_without_raising_and_within_the_caps(values: list[str]) -> None:
    found = parse_challenges(values)
    assert len(found) <= MAX_CHALLENGES
    for challenge in found:
        assert challenge.scheme and all(c in TCHARS for c in challenge.scheme)
        assert len(challenge.params) <= MAX_PARAMS
        assert challenge.unquoted <= set(challenge.params)
        assert challenge.token68 is None or not challenge.params


@given(st.lists(challenges(), min_size=1, max_size=5), st.sampled_from([", ", ",", " , ", ",\t"]))
def test_well_formed_challenges_in_one_header_read_back(offered: list[Challenge], comma: str) -> None:
    assert parse_challenges([comma.join(serialize(c) for c in offered)]) == offered


@given(st.lists(challenges(), min_size=1, max_size=5))
def test_well_formed_challenges_in_several_headers_read_back(offered: list[Challenge]) -> None:
    assert parse_challenges([serialize(c) for c in offered]) == offered
