"""The way from a urlplug ``Request`` into the active ``responses`` mock, and its answer back.

The request is sent the way ``requests`` sends one: as a ``requests.PreparedRequest`` through an
``HTTPAdapter``, whose ``send`` the active mock has patched. So ``responses`` itself matches it
(URL, method, query, matchers, callbacks), records the call, applies its ``response_callback`` and
words its own error for a request that nothing matches. The adapter here never opens a
connection: when the mock lets a request pass through (``add_passthru``), the adapter's first step
stops it, and the request goes on through urlplug's own HTTP handler.
"""

from __future__ import annotations

import io
from typing import Any

import requests
import responses
import urllib3
from requests.adapters import HTTPAdapter

from urlplug import Request, Response, URLError
from urlplug.response import make_headers

__all__ = ["answer"]

_FORM = "application/x-www-form-urlencoded"


class _PassThrough(Exception):
    """The mock let the request through to the network: urlplug's HTTP handler sends it."""


class _Bridge(HTTPAdapter):
    """An adapter for one request: the active mock answers it, or it passes through.

    ``body`` holds the bytes of the mock's answer as they would come over the wire (not decoded
    for ``Content-Encoding``).
    """

    body = b""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        # The first step of HTTPAdapter.send, reached only when the mock passes the request through.
        raise _PassThrough

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        """Keep the body for urlplug; the recorded ``requests.Response`` reads a copy of it."""
        self.body = resp.read(decode_content=False)
        replay = urllib3.HTTPResponse(
            body=io.BytesIO(self.body),
            headers=resp.headers,
            status=resp.status,
            reason=resp.reason,
            preload_content=False,
            decode_content=True,
            request_method=req.method,
        )
        return super().build_response(req, replay)


def _prepared(request: Request) -> requests.PreparedRequest:
    """``request`` as ``requests`` would have prepared it, with the headers urlplug sends."""
    fields = {**request.headers, **request.unredirected_hdrs}  # unredirected win, as on the wire
    headers = {name.title(): value for name, value in fields.items()}
    body = _body_bytes(request)
    data: bytes | str | None = body
    if body and _FORM in str(headers.get("Content-Type", "")).lower() and body.isascii():
        # requests prepares a form (data={...}) as text, and urlencoded_params_matcher expects that.
        data = body.decode("ascii")
    return requests.Request(request.get_method(), request.full_url, headers=headers, data=data).prepare()


def _body_bytes(request: Request) -> bytes | None:
    """The body as bytes; a file or iterable body is read, and kept as bytes for a passthrough."""
    data = request.data
    if data is None or isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    body = data.read() if hasattr(data, "read") else b"".join(data)
    request.data = body
    return body


def _record_passthrough(mock: responses.RequestsMock, prepared: requests.PreparedRequest) -> None:
    """Record a request that a registered ``PassthroughResponse`` let through, as ``responses`` would.

    ``responses`` records such a call with the real response, which urlplug's HTTP handler has yet
    to fetch: the call is recorded without one (``None``), and the registration counts as used. A
    ``passthru`` prefix is not recorded, by ``responses`` either.
    """
    for registered in mock.registered():
        if registered.matches(prepared)[0]:
            if registered.passthrough:
                call = responses.Call(prepared, None)
                mock.calls.add_call(call)
                registered.calls.add_call(call)
            return


def answer(mock: responses.RequestsMock, request: Request) -> Response | None:
    """The answer of ``mock``, the active mock, to ``request``; ``None`` to send it for real.

    ``None`` when the mock passes the request through. A registered
    exception body, and a request nothing matches, raise ``URLError`` whose ``reason`` is the
    exception ``responses`` raised (for no match, a ``requests.ConnectionError`` listing what is
    registered).
    """
    bridge = _Bridge()
    # requests' own default is no timeout; urlplug's is the socket module's default (a sentinel).
    timeout = request.timeout if isinstance(request.timeout, int | float) else None
    try:
        prepared = _prepared(request)
        response = bridge.send(prepared, stream=True, timeout=timeout, verify=True, cert=None, proxies={})
    except _PassThrough:
        _record_passthrough(mock, prepared)
        return None
    except URLError:
        raise
    except Exception as exc:
        raise URLError(exc) from exc
    finally:
        bridge.close()
    headers = make_headers(response.raw.headers.items())
    return Response(
        io.BytesIO(bridge.body), headers, request.full_url, response.status_code, response.reason or ""
    )
