"""What a responses user relies on, through urlplug: matching, the answer, errors, the call record."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
import requests
import responses
from responses import matchers

import urlplug

from .conftest import MOCKED

TIMEOUT = 5


def post(url: str, body: bytes, content_type: str = "application/json", **headers: str) -> urlplug.Request:
    return urlplug.Request(url, data=body, headers={"Content-Type": content_type, **headers})


def test_a_registered_url_is_answered_with_its_status_headers_and_body(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "item", body="hello", status=201, headers={"X-Served-By": "mock"})
        with opener.open(MOCKED + "item", timeout=TIMEOUT) as response:
            assert response.status == response.getcode() == 201
            assert response.reason == "Created"
            assert response.headers["X-Served-By"] == "mock"
            assert response.headers["Content-Type"] == "text/plain"
            assert response.geturl() == MOCKED + "item"
            assert response.read() == b"hello"


def test_json_and_content_type_set_the_body_and_its_type(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "j", json={"answer": 42})
        rsps.get(MOCKED + "x", body="<a/>", content_type="application/xml")
        response = opener.open(MOCKED + "j", timeout=TIMEOUT)
        assert response.headers["Content-Type"] == "application/json"
        assert json.load(response) == {"answer": 42}
        assert opener.open(MOCKED + "x", timeout=TIMEOUT).info()["Content-Type"] == "application/xml"


def test_repeated_headers_stay_separate(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        response = opener.open(MOCKED, timeout=TIMEOUT)
        assert response.headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_the_method_picks_the_registration(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "r", body="got")
        rsps.put(MOCKED + "r", body="put")
        rsps.delete(MOCKED + "r", status=204)
        assert opener.open(MOCKED + "r", timeout=TIMEOUT).read() == b"got"
        put = urlplug.Request(MOCKED + "r", data=b"x", method="PUT")
        assert opener.open(put, timeout=TIMEOUT).read() == b"put"
        delete = urlplug.Request(MOCKED + "r", method="DELETE")
        assert opener.open(delete, timeout=TIMEOUT).status == 204


def test_a_head_request_gets_no_body(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.head(MOCKED, headers={"Content-Length": "5"})
        response = opener.open(urlplug.Request(MOCKED, method="HEAD"), timeout=TIMEOUT)
        assert response.headers["Content-Length"] == "5"
        assert response.read() == b""


def test_a_query_string_in_the_registered_url_must_match(opener: Any) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(MOCKED + "s?q=cats&page=2", body="cats")
        assert opener.open(MOCKED + "s?page=2&q=cats", timeout=TIMEOUT).read() == b"cats"
        with pytest.raises(urlplug.URLError):
            opener.open(MOCKED + "s?q=dogs&page=2", timeout=TIMEOUT)


def test_a_regex_url_matches(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(r"http://api\.example/users/\d+"), body="user")
        assert opener.open(MOCKED + "users/17", timeout=TIMEOUT).read() == b"user"


def test_query_matcher(opener: Any) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(MOCKED + "s", body="found", match=[matchers.query_param_matcher({"q": "x y"})])
        assert opener.open(MOCKED + "s?q=x+y", timeout=TIMEOUT).read() == b"found"
        with pytest.raises(urlplug.URLError) as caught:
            opener.open(MOCKED + "s?q=z", timeout=TIMEOUT)
        assert "Parameters do not match" in str(caught.value)


def test_json_body_matcher(opener: Any) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(MOCKED + "j", body="ok", match=[matchers.json_params_matcher({"id": 1, "tags": ["a"]})])
        request = post(MOCKED + "j", json.dumps({"tags": ["a"], "id": 1}).encode())
        assert opener.open(request, timeout=TIMEOUT).read() == b"ok"
        with pytest.raises(urlplug.URLError):
            opener.open(post(MOCKED + "j", b'{"id": 2}'), timeout=TIMEOUT)


def test_urlencoded_body_matcher(opener: Any) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(MOCKED + "f", body="ok", match=[matchers.urlencoded_params_matcher({"a": "1", "b": "two"})])
        # urlplug sends a body without Content-Type as a form, as urllib2 did.
        assert opener.open(MOCKED + "f", data=b"a=1&b=two", timeout=TIMEOUT).read() == b"ok"
        with pytest.raises(urlplug.URLError):
            opener.open(MOCKED + "f", data=b"a=1", timeout=TIMEOUT)
        # Recorded as text, as requests records a form given as data={...}.
        assert rsps.calls[0].request.body == "a=1&b=two"


def test_header_matcher_sees_the_headers_urlplug_sends(opener: Any) -> None:
    opener.addheaders = [("User-agent", "tests/1.0")]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(
            MOCKED,
            body="ok",
            match=[matchers.header_matcher({"Authorization": "Bearer t", "User-Agent": "tests/1.0"})],
        )
        request = urlplug.Request(MOCKED, headers={"authorization": "Bearer t"})
        assert opener.open(request, timeout=TIMEOUT).read() == b"ok"
        with pytest.raises(urlplug.URLError):
            opener.open(MOCKED, timeout=TIMEOUT)


def test_a_callback_computes_the_answer_from_the_request(opener: Any) -> None:
    def echo(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        assert isinstance(request.body, bytes)
        return 202, {"X-Method": str(request.method)}, request.body[::-1]

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, MOCKED + "echo", callback=echo)
        response = opener.open(post(MOCKED + "echo", b"abc", "application/octet-stream"), timeout=TIMEOUT)
        assert (response.status, response.headers["X-Method"], response.read()) == (202, "POST", b"cba")


def test_a_file_or_iterable_body_is_read_for_the_mock(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(MOCKED + "up", body="stored")
        for data in (io.BytesIO(b"from a file"), iter([b"in ", b"chunks"])):
            request = urlplug.Request(MOCKED + "up", data=data, headers={"Content-Type": "text/plain"})
            opener.open(request, timeout=TIMEOUT).close()
        assert [call.request.body for call in rsps.calls] == [b"from a file", b"in chunks"]


def test_an_exception_body_is_raised_as_url_error_with_that_reason(opener: Any) -> None:
    refused = ConnectionRefusedError("no route")
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "down", body=refused)
        with pytest.raises(urlplug.URLError) as caught:
            opener.open(MOCKED + "down", timeout=TIMEOUT)
        assert caught.value.reason is refused
        assert rsps.calls[0].response is refused


def test_a_callback_returning_an_exception_raises_it_as_url_error(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, MOCKED, callback=lambda request: TimeoutError("slow"))
        with pytest.raises(urlplug.URLError) as caught:
            opener.open(MOCKED, timeout=TIMEOUT)
        assert isinstance(caught.value.reason, TimeoutError)


def test_a_url_error_body_is_raised_as_it_is(opener: Any) -> None:
    error = urlplug.URLError("exactly this")
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED, body=error)
        with pytest.raises(urlplug.URLError) as caught:
            opener.open(MOCKED, timeout=TIMEOUT)
        assert caught.value is error


def test_an_unmatched_request_raises_url_error_with_responses_explanation(opener: Any) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(MOCKED + "known", body="x")
        with pytest.raises(urlplug.URLError) as caught:
            opener.open(MOCKED + "unknown", timeout=TIMEOUT)
    reason = caught.value.reason
    assert isinstance(reason, requests.ConnectionError)
    message = str(caught.value)
    assert "doesn't match any registered mock" in message
    assert f"- GET {MOCKED}unknown" in message
    assert f"- GET {MOCKED}known URL does not match" in message


def test_every_call_is_recorded_with_url_method_headers_body_and_response(opener: Any) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED + "a?x=1", json={"n": 1})
        rsps.post(MOCKED + "b", status=500, body="broken")
        opener.open(urlplug.Request(MOCKED + "a?x=1", headers={"X-Trace": "t1"}), timeout=TIMEOUT).read()
        with pytest.raises(urlplug.HTTPError):
            opener.open(post(MOCKED + "b", b'{"k": 2}'), timeout=TIMEOUT)
        first, second = rsps.calls
        assert (first.request.method, first.request.url) == ("GET", MOCKED + "a?x=1")
        assert first.request.headers["X-Trace"] == "t1"
        assert first.request.headers["Host"] == "api.example"
        assert first.request.body is None
        assert first.response.status_code == 200
        assert first.response.json() == {"n": 1}  # the record keeps a body of its own
        assert (second.request.method, second.request.body) == ("POST", b'{"k": 2}')
        assert second.request.headers["Content-Type"] == "application/json"
        assert (second.response.status_code, second.response.text) == (500, "broken")
        assert rsps.assert_call_count(MOCKED + "b", 1)


def test_the_module_level_mock_records_into_responses_calls(opener: Any) -> None:
    @responses.activate
    def fetch() -> bytes:
        responses.get(MOCKED, body="module")
        body: bytes = opener.open(MOCKED, timeout=TIMEOUT).read()
        assert len(responses.calls) == 1
        assert responses.calls[0].request.url == MOCKED
        return body

    assert fetch() == b"module"


def test_the_module_level_start_and_stop_switch_the_mock_on_and_off(opener: Any) -> None:
    responses.start()
    try:
        responses.get(MOCKED + "started", body="on")
        assert opener.open(MOCKED + "started", timeout=TIMEOUT).read() == b"on"
    finally:
        responses.stop()
        responses.reset()
    assert responses.mock.registered() == []


def test_an_unused_registration_fails_when_the_mock_stops(opener: Any) -> None:
    rsps = responses.RequestsMock()
    with pytest.raises(AssertionError, match="Not all requests have been executed"), rsps:
        rsps.get(MOCKED + "used", body="x")
        rsps.get(MOCKED + "never", body="y")
        opener.open(MOCKED + "used", timeout=TIMEOUT).read()


def test_an_ordered_registry_answers_in_turn(opener: Any) -> None:
    from responses.registries import OrderedRegistry

    with responses.RequestsMock(registry=OrderedRegistry) as rsps:
        rsps.get(MOCKED, body="first")
        rsps.get(MOCKED, body="second")
        assert opener.open(MOCKED, timeout=TIMEOUT).read() == b"first"
        assert opener.open(MOCKED, timeout=TIMEOUT).read() == b"second"


def test_a_response_callback_sees_and_changes_each_answer(opener: Any) -> None:
    seen: list[int] = []

    def tag(response: requests.Response) -> requests.Response:
        seen.append(response.status_code)
        response.raw.headers["X-Tagged"] = "yes"
        return response

    with responses.RequestsMock(response_callback=tag) as rsps:
        rsps.get(MOCKED, body="x")
        response = opener.open(MOCKED, timeout=TIMEOUT)
        assert response.headers["X-Tagged"] == "yes"
        assert seen == [200]


def test_an_encoded_body_reaches_urlplug_as_it_would_come_over_the_wire(opener: Any) -> None:
    import gzip

    packed = gzip.compress(b"plain text")
    with responses.RequestsMock() as rsps:
        rsps.get(MOCKED, body=packed, headers={"Content-Encoding": "gzip"})
        assert opener.open(MOCKED, timeout=TIMEOUT).read() == packed
        assert rsps.calls[0].response.content == b"plain text"  # requests' record decodes, as requests does
