"""OpenerDirector: the seed's semantics, with classic handlers and native hookimpls in one chain."""

from __future__ import annotations

import io
import threading
from typing import Any

import pluggy
import pytest

import urlplug
from urlplug import BaseHandler, Exchange, OpenerDirector, Request, Response, UnknownHandler, URLError
from urlplug.response import make_headers


def _resp(req: Request, body: bytes = b"ok", code: int = 200) -> Response:
    return Response(io.BytesIO(body), make_headers(()), req.full_url, code, "OK")


class Recorder:
    """A log shared by the handlers of one test: each appends what it did."""

    def __init__(self) -> None:
        self.calls: list[str] = []


def classic(log: Recorder, name: str, order: int = 500, **behaviour: Any) -> BaseHandler:
    """A classic handler whose methods log their call and return ``behaviour[method](req)``."""
    attrs: dict[str, Any] = {"handler_order": order}
    for method, result in behaviour.items():

        def make(method: str = method, result: Any = result) -> Any:
            def hook(self: Any, *args: Any) -> Any:
                log.calls.append(f"{name}.{method}")
                return result(*args) if callable(result) else result

            return hook

        attrs[method] = make()
    return type(name, (BaseHandler,), attrs)()


# --- the open stage ------------------------------------------------------------------------------


def test_protocol_open_returns_the_response() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    resp = opener.open("mem://host/path")
    assert resp.read() == b"ok"
    assert resp.geturl() == "mem://host/path"
    assert log.calls == ["Mem.mem_open"]


def test_open_tries_handlers_in_handler_order_until_one_answers() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Late", 700, mem_open=_resp))
    opener.add_handler(classic(log, "Early", 100, mem_open=None))
    opener.add_handler(classic(log, "Middle", 400, mem_open=lambda req: _resp(req, b"middle")))
    assert opener.open("mem://h/").read() == b"middle"
    assert log.calls == ["Early.mem_open", "Middle.mem_open"]


def test_equal_order_keeps_insertion_order() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "First", mem_open=None))
    opener.add_handler(classic(log, "Second", mem_open=None))
    opener.add_handler(classic(log, "Third", mem_open=_resp))
    opener.open("mem://h/")
    assert log.calls == ["First.mem_open", "Second.mem_open", "Third.mem_open"]


def test_default_open_runs_before_protocol_open_and_unknown_open_after() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Unknown", 100, unknown_open=_resp))
    opener.add_handler(classic(log, "Proto", 900, mem_open=None))
    opener.add_handler(classic(log, "Default", 800, default_open=None))
    opener.open("mem://h/")
    assert log.calls == ["Default.default_open", "Proto.mem_open", "Unknown.unknown_open"]


def test_default_open_answer_ends_the_stage() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Proto", mem_open=_resp))
    opener.add_handler(classic(log, "Default", default_open=lambda req: _resp(req, b"default")))
    assert opener.open("mem://h/").read() == b"default"
    assert log.calls == ["Default.default_open"]


def test_handlers_for_other_schemes_are_not_called() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Other", other_open=_resp, other_request=lambda r: r))
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    opener.open("mem://h/")
    assert log.calls == ["Mem.mem_open"]


def test_nobody_opens_ends_in_unknown_handler() -> None:
    opener = OpenerDirector()
    opener.add_handler(UnknownHandler())
    with pytest.raises(URLError, match="unknown url type: 'nosuch'"):
        opener.open("nosuch://h/")


def test_unknown_error_names_the_plugin_for_well_known_schemes() -> None:
    opener = OpenerDirector()
    opener.add_handler(UnknownHandler())
    with pytest.raises(URLError, match=r"unknown url type: 'ftp' — .*urlplug-ftp"):
        opener.open("ftp://h/file")


def test_without_any_handler_open_returns_none() -> None:
    assert OpenerDirector().open("mem://h/") is None


def test_exceptions_from_handlers_propagate() -> None:
    class Boom(BaseHandler):
        def mem_open(self, req: Request) -> None:
            raise MemoryError("not mapped to URLError")

    opener = OpenerDirector()
    opener.add_handler(Boom())
    opener.add_handler(UnknownHandler())
    with pytest.raises(MemoryError, match="not mapped"):
        opener.open("mem://h/")


def test_open_returns_whatever_the_open_method_returns() -> None:
    # urllib2 hands back what the handler gave; test doubles return their own objects.
    marker = object()

    class Double(BaseHandler):
        def mem_open(self, req: Request) -> object:
            return marker

    opener = OpenerDirector()
    opener.add_handler(Double())
    assert opener.open("mem://h/") is marker


def test_open_sets_timeout_and_data() -> None:
    seen: list[Request] = []

    class Mem(BaseHandler):
        def mem_open(self, req: Request) -> Response:
            seen.append(req)
            return _resp(req)

    opener = OpenerDirector()
    opener.add_handler(Mem())
    opener.open("mem://h/", data=b"body", timeout=3.5)
    req = Request("mem://h/other")
    opener.open(req, b"more", 7)
    assert [(r.data, r.timeout, r.get_method()) for r in seen] == [
        (b"body", 3.5, "POST"),
        (b"more", 7, "POST"),
    ]
    assert seen[1] is req


@pytest.mark.parametrize("bad", [None, 42, b"mem://h/", ["mem://h/"]])
def test_open_rejects_what_is_neither_url_nor_request(bad: object) -> None:
    opener = OpenerDirector()
    with pytest.raises(TypeError, match="expected a URL string or a Request"):
        opener.open(bad)  # type: ignore[arg-type]


# --- processors ----------------------------------------------------------------------------------


def test_request_processors_run_in_order_and_chain() -> None:
    log = Recorder()

    def replace(req: Request) -> Request:
        return Request(req.full_url + "/replaced")

    def tag(req: Request) -> Request:
        req.add_header("X-Seen", req.full_url)
        return req

    opener = OpenerDirector()
    opener.add_handler(
        classic(log, "Open", mem_open=lambda req: _resp(req, req.get_header("X-seen").encode()))
    )
    opener.add_handler(classic(log, "Tag", 200, mem_request=tag))
    opener.add_handler(classic(log, "Replace", 100, mem_request=replace))
    resp = opener.open("mem://h/x")
    assert resp.read() == b"mem://h/x/replaced"
    assert log.calls == ["Replace.mem_request", "Tag.mem_request", "Open.mem_open"]


@pytest.mark.parametrize("monitored", [False, True], ids=["call lists", "pluggy's caller"])
def test_response_processors_run_in_order_and_chain(monitored: bool) -> None:
    log = Recorder()

    def wrap(tag: bytes) -> Any:
        return lambda req, resp: _resp(req, resp.read() + tag)

    opener = OpenerDirector()
    opener.add_handler(classic(log, "Open", mem_open=_resp))
    opener.add_handler(classic(log, "Second", 600, mem_response=wrap(b"+second")))
    opener.add_handler(classic(log, "First", 300, mem_response=wrap(b"+first")))
    if monitored:  # the hooks then run through pluggy, one adapter at a time
        opener.add_hookcall_monitoring(lambda *args: None, lambda *args: None)
    assert opener.open("mem://h/").read() == b"ok+first+second"
    assert log.calls == ["Open.mem_open", "First.mem_response", "Second.mem_response"]


@pytest.mark.parametrize("monitored", [False, True], ids=["call lists", "pluggy's caller"])
@pytest.mark.parametrize("others", [0, 2], ids=["alone", "in a row of processors"])
def test_processor_returning_a_wrong_type_is_a_clear_error(others: int, monitored: bool) -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Open", mem_open=_resp))
    opener.add_handler(classic(log, "Forgetful", mem_request=None))
    for order in range(others):  # before it and after it
        opener.add_handler(classic(log, f"Fine{order}", 400 + 200 * order, mem_request=lambda req: req))
    if monitored:  # the hooks then run through pluggy, one adapter at a time
        opener.add_hookcall_monitoring(lambda *args: None, lambda *args: None)
    with pytest.raises(TypeError, match=r"Forgetful\.mem_request returned 'NoneType'"):
        opener.open("mem://h/")


def test_open_returns_whatever_the_response_processor_returns() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Open", mem_open=_resp))
    opener.add_handler(classic(log, "Replace", mem_response=lambda req, resp: "replaced"))
    assert opener.open("mem://h/") == "replaced"


def test_native_hooks_are_never_read_as_a_classic_scheme() -> None:
    class Native:
        @urlplug.hookimpl
        def urlplug_open(self, opener: OpenerDirector, request: Request) -> Response | None:
            return _resp(request) if request.type == "mem" else None

        @urlplug.hookimpl
        def urlplug_error(self, args: tuple[Any, ...]) -> None:
            return None

    opener = OpenerDirector()
    opener.add_handler(Native())
    opener.add_handler(UnknownHandler())
    assert "urlplug" not in opener.handle_open
    assert "urlplug" not in opener.handle_error
    assert opener.open("mem://h/").read() == b"ok"
    with pytest.raises(URLError, match="unknown url type: 'urlplug'"):
        opener.open("urlplug:x")


# --- the error stage -----------------------------------------------------------------------------


def test_http_error_runs_code_handlers_then_default() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Default", 100, http_error_default=lambda *a: "default"))
    opener.add_handler(classic(log, "Four04", 900, http_error_404=None))
    opener.add_handler(classic(log, "Other", 50, http_error_500="wrong code"))
    req = Request("http://h/")
    assert opener.error("http", req, None, 404, "Not Found", make_headers(())) == "default"
    assert log.calls == ["Four04.http_error_404", "Default.http_error_default"]


def test_http_error_code_handler_result_wins() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Default", http_error_default="default"))
    opener.add_handler(
        classic(log, "Redirect", http_error_302=lambda req, fp, code, msg, hdrs: f"{code} {msg}")
    )
    assert opener.error("https", Request("https://h/"), None, 302, "Found", make_headers(())) == "302 Found"
    assert log.calls == ["Redirect.http_error_302"]


def test_http_error_arguments_are_passed_through() -> None:
    got: list[tuple[Any, ...]] = []

    class Handler(BaseHandler):
        def http_error_default(self, *args: Any) -> str:
            got.append(args)
            return "handled"

    opener = OpenerDirector()
    opener.add_handler(Handler())
    req, fp, hdrs = Request("http://h/"), io.BytesIO(), make_headers(())
    opener.error("http", req, fp, 418, "Teapot", hdrs)
    assert got == [(req, fp, 418, "Teapot", hdrs)]


def test_http_error_without_handlers_returns_none() -> None:
    assert OpenerDirector().error("http", Request("http://h/"), None, 500, "x", make_headers(())) is None


def test_http_error_needs_five_arguments() -> None:
    with pytest.raises(TypeError, match="request, response, code, msg, headers"):
        OpenerDirector().error("http", Request("http://h/"), None, 500)


def test_other_protocol_errors_run_proto_error_handlers() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Ftp", ftp_error=lambda *args: ("handled", args)))
    opener.add_handler(classic(log, "Gopher", gopher_error="wrong proto"))
    assert opener.error("ftp", 1, "two") == ("handled", (1, "two"))
    assert opener.error("nntp", 1) is None
    assert log.calls == ["Ftp.ftp_error"]


# --- add_handler ---------------------------------------------------------------------------------


def test_look_alike_methods_are_not_hooks() -> None:
    class LookAlike(BaseHandler):
        def redirect_request(self, *a: Any) -> None:
            raise AssertionError("redirect_request is not a request processor")

        def do_open(self, *a: Any) -> None:
            raise AssertionError("do_open is not an open method")

        def proxy_open(self, *a: Any) -> None:
            raise AssertionError("proxy_open is not an open method")

        def http_error_auth_reqed(self, *a: Any) -> None:
            raise AssertionError("http_error_auth_reqed is not an error handler")

        def do_request_(self, *a: Any) -> None:
            raise AssertionError("do_request_ is not a processor")

        def _private_open(self, *a: Any) -> None:
            raise AssertionError("private methods are not hooks")

    opener = OpenerDirector()
    opener.add_handler(LookAlike())
    assert opener.handlers == []
    for scheme in ("redirect", "do", "proxy", "private"):
        assert opener.open(f"{scheme}://h/") is None
    assert opener.error("http", Request("http://h/"), None, 401, "x", make_headers(())) is None


def test_handler_that_is_not_a_base_handler_subclass_works() -> None:
    class Duck:
        handler_order = 500

        def add_parent(self, parent: OpenerDirector) -> None:
            self.parent = parent

        def mem_open(self, req: Request) -> Response:
            return _resp(req, b"duck")

    duck = Duck()
    opener = OpenerDirector()
    opener.add_handler(duck)
    assert opener.open("mem://h/").read() == b"duck"
    assert duck.parent is opener


def test_add_handler_sets_parent_and_keeps_the_sorted_list() -> None:
    log = Recorder()
    opener = OpenerDirector()
    late, early = classic(log, "Late", 900, mem_open=None), classic(log, "Early", 10, mem_open=None)
    opener.add_handler(late)
    opener.add_handler(early)
    assert opener.handlers == [early, late]
    assert late.parent is opener


def test_adding_a_class_instead_of_an_instance_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected a handler instance, got the class UnknownHandler"):
        OpenerDirector().add_handler(UnknownHandler)


def test_adding_something_that_is_not_a_handler_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected a handler"):
        OpenerDirector().add_handler(object())


def test_adding_the_same_handler_twice_has_no_effect() -> None:
    log = Recorder()
    handler = classic(log, "Mem", mem_open=None)
    opener = OpenerDirector()
    opener.add_handler(handler)
    opener.add_handler(handler)
    assert opener.handlers == [handler]
    opener.open("mem://h/")
    assert log.calls == ["Mem.mem_open"]


def test_handler_added_after_first_open_is_used() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Late", 900, mem_open=_resp))
    opener.open("mem://h/")
    opener.add_handler(classic(log, "Early", 100, mem_open=lambda req: _resp(req, b"early")))
    assert opener.open("mem://h/").read() == b"early"


def test_close_closes_handlers_and_empties_the_chain() -> None:
    closed: list[str] = []

    class Closing(BaseHandler):
        def mem_open(self, req: Request) -> None:
            return None

        def close(self) -> None:
            closed.append("closed")
            super().close()

    handler = Closing()
    opener = OpenerDirector()
    opener.add_handler(handler)
    opener.close()
    assert closed == ["closed"]
    assert opener.handlers == []
    assert handler.parent is None
    assert opener.open("mem://h/") is None


def test_default_user_agent_is_python_urllib() -> None:
    import sys

    assert OpenerDirector().addheaders == [
        ("User-agent", "Python-urllib/{}.{}".format(*sys.version_info[:2]))
    ]


# --- native plugins beside classic handlers ------------------------------------------------------


class NativeOpen:
    """A native plugin: opens mem: URLs when asked to, and logs every hook call."""

    def __init__(self, log: Recorder, name: str, answer: bool, order: int = 500) -> None:
        self.log, self.name, self.answer, self.handler_order = log, name, answer, order

    @urlplug.hookimpl
    def urlplug_open(self, request: Request) -> Response | None:
        self.log.calls.append(f"{self.name}.urlplug_open")
        return _resp(request, self.name.encode()) if self.answer else None


def test_native_and_classic_open_interleave_by_handler_order() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Classic300", 300, mem_open=None))
    opener.add_handler(NativeOpen(log, "Native200", answer=False, order=200))
    opener.add_handler(NativeOpen(log, "Native400", answer=True, order=400))
    opener.add_handler(classic(log, "Classic600", 600, mem_open=_resp))
    assert opener.open("mem://h/").read() == b"Native400"
    assert log.calls == ["Native200.urlplug_open", "Classic300.mem_open", "Native400.urlplug_open"]


def test_native_tryfirst_runs_with_default_open_and_trylast_with_unknown_open() -> None:
    log = Recorder()

    class First:
        @urlplug.hookimpl(tryfirst=True)
        def urlplug_open(self, request: Request) -> None:
            log.calls.append("First")

    class Last:
        @urlplug.hookimpl(trylast=True)
        def urlplug_open(self, request: Request) -> Response:
            log.calls.append("Last")
            return _resp(request)

    opener = OpenerDirector()
    opener.add_handler(Last())
    opener.add_handler(classic(log, "Proto", mem_open=None))
    opener.add_handler(classic(log, "Default", 100, default_open=None))
    opener.add_handler(First())
    opener.open("mem://h/")
    assert log.calls == ["Default.default_open", "First", "Proto.mem_open", "Last"]


def test_native_processors_chain_with_classic_ones() -> None:
    log = Recorder()

    class NativeProcessor:
        handler_order = 250

        @urlplug.hookimpl
        def urlplug_request(self, exchange: Exchange) -> None:
            log.calls.append(f"native request sees {exchange.request.get_header('X-a')}")
            exchange.request.add_header("X-b", "native")

        @urlplug.hookimpl
        def urlplug_response(self, exchange: Exchange) -> None:
            log.calls.append("native response")
            exchange.response = _resp(exchange.request, exchange.response.read() + b"+native")

    def add_a(req: Request) -> Request:
        req.add_header("X-a", "classic")
        return req

    opener = OpenerDirector()
    opener.add_handler(NativeProcessor())
    opener.add_handler(classic(log, "A", 100, mem_request=add_a))
    opener.add_handler(classic(log, "Open", mem_open=lambda req: _resp(req, req.get_header("X-b").encode())))
    opener.add_handler(
        classic(log, "Wrap", 300, mem_response=lambda req, resp: _resp(req, resp.read() + b"+wrap"))
    )
    assert opener.open("mem://h/").read() == b"native+native+wrap"
    assert log.calls == [
        "A.mem_request",
        "native request sees classic",
        "Open.mem_open",
        "native response",
        "Wrap.mem_response",
    ]


def test_native_plugin_with_schemes_is_called_only_for_them() -> None:
    log = Recorder()

    class OnlyMem:
        schemes = frozenset({"mem"})

        @urlplug.hookimpl
        def urlplug_open(self, request: Request) -> Response:
            log.calls.append(f"OnlyMem {request.type}")
            return _resp(request)

    opener = OpenerDirector()
    opener.add_handler(OnlyMem())
    opener.add_handler(UnknownHandler())
    opener.open("mem://h/")
    with pytest.raises(URLError, match="unknown url type: 'other'"):
        opener.open("other://h/")
    assert log.calls == ["OnlyMem mem"]


def test_native_http_error_hook_beside_classic_default() -> None:
    class Native:
        @urlplug.hookimpl
        def urlplug_http_error(self, code: int, msg: str) -> str | None:
            return f"native {code}" if code == 429 else None

    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(Native())
    opener.add_handler(classic(log, "Default", http_error_default="default"))
    req = Request("http://h/")
    assert opener.error("http", req, None, 429, "Slow down", make_headers(())) == "native 429"
    assert opener.error("http", req, None, 500, "Boom", make_headers(())) == "default"


def test_native_protocol_error_hook() -> None:
    class Native:
        @urlplug.hookimpl
        def urlplug_error(self, proto: str, args: tuple[Any, ...]) -> Any:
            return (proto, args)

    opener = OpenerDirector()
    opener.add_handler(Native())
    assert opener.error("ftp", "550 no such file") == ("ftp", ("550 no such file",))


def test_misspelled_native_hook_fails_loudly() -> None:
    class Typo:
        @urlplug.hookimpl
        def urlplug_opne(self, request: Request) -> None:
            return None

    with pytest.raises(pluggy.PluginValidationError, match="urlplug_opne"):
        OpenerDirector().add_handler(Typo())


def test_native_hook_with_unknown_argument_fails_loudly() -> None:
    class BadArgs:
        @urlplug.hookimpl
        def urlplug_open(self, request: Request, nonsense: int) -> None:
            return None

    with pytest.raises(pluggy.PluginValidationError, match="nonsense"):
        OpenerDirector().add_handler(BadArgs())


def test_hook_calls_can_be_monitored_also_after_the_chain_changes() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    traced: list[str] = []
    opener.add_hookcall_monitoring(
        lambda name, impls, kwargs: traced.append(name), lambda outcome, name, impls, kwargs: None
    )
    opener.open("mem://h/")
    opener.add_handler(classic(log, "Tag", mem_request=lambda req: req))
    opener.open("mem://h/")
    assert traced == ["urlplug_open", "urlplug_request", "urlplug_open"]


def test_monitoring_added_after_requests_sees_the_next_ones() -> None:
    opener = OpenerDirector()
    opener.add_handler(classic(Recorder(), "Mem", mem_open=_resp, mem_request=lambda req: req))
    opener.open("mem://h/")  # the scheme's call lists are built and cached
    traced: list[str] = []
    opener.add_hookcall_monitoring(
        lambda name, impls, kwargs: traced.append(f"{name} {sorted(kwargs)}"),
        lambda outcome, name, impls, kwargs: None,
    )
    opener.open("mem://h/")
    assert traced == ["urlplug_request ['exchange']", "urlplug_open ['opener', 'request']"]


def test_native_hook_gets_the_arguments_it_names_in_its_own_order() -> None:
    seen: list[tuple[Any, Any]] = []

    class Reordered:
        @urlplug.hookimpl
        def urlplug_open(self, request: Request, opener: OpenerDirector) -> Response:
            seen.append((request.full_url, opener))
            return _resp(request)

    class OnlyHeaders:
        @urlplug.hookimpl
        def urlplug_http_error(self, headers: Any, code: int) -> str:
            return f"{code} {headers['X-why']}"

    opener = OpenerDirector()
    opener.add_handler(Reordered())
    opener.add_handler(OnlyHeaders())
    opener.open("mem://h/")
    assert seen == [("mem://h/", opener)]
    headers = make_headers([("X-why", "busy")])
    assert opener.error("http", Request("http://h/"), None, 503, "Busy", headers) == "503 busy"


def test_native_wrapper_surrounds_the_stage() -> None:
    log = Recorder()

    class Timing:
        @urlplug.hookimpl(wrapper=True)
        def urlplug_open(self, request: Request) -> Any:
            log.calls.append("before")
            response = yield
            log.calls.append(f"after {response.read()!r}")
            return _resp(request, b"wrapped")

    opener = OpenerDirector()
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    opener.add_handler(Timing())
    assert opener.open("mem://h/").read() == b"wrapped"
    assert log.calls == ["before", "Mem.mem_open", "after b'ok'"]


def test_adding_handlers_while_other_threads_open_never_breaks_their_requests() -> None:
    class Mem(BaseHandler):
        def mem_open(self, req: Request) -> Response:
            return _resp(req)

    opener = OpenerDirector()
    opener.add_handler(Mem())
    opener.add_handler(UnknownHandler())
    failures: list[str] = []
    done = threading.Event()

    def worker() -> None:
        while not done.is_set():
            try:
                response = opener.open("mem://h/")
            except Exception as exc:
                failures.append(repr(exc))
            else:
                if response is None:
                    failures.append("None")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(200):
        opener.add_handler(type(f"Extra{n}", (BaseHandler,), {"other_open": lambda self, req: None})())
    done.set()
    for thread in threads:
        thread.join()
    assert failures == []


# --- sharing -------------------------------------------------------------------------------------


def test_one_opener_serves_many_threads() -> None:
    class Echo(BaseHandler):
        def mem_open(self, req: Request) -> Response:
            return _resp(req, req.selector.encode())

    opener = OpenerDirector()
    opener.add_handler(Echo())
    mismatches: list[str] = []

    def worker(n: int) -> None:
        for i in range(200):
            path = f"/{n}/{i}"
            if opener.open(f"mem://h{path}").read() != path.encode():
                mismatches.append(path)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []


def test_urllib2_tables_describe_the_chain() -> None:
    log = Recorder()
    early = classic(log, "Early", 100, http_open=None, http_request=lambda r: r, default_open=None)
    late = classic(log, "Late", 900, http_open=None, http_response=lambda q, r: r, http_error_302=None)
    errors = classic(log, "Errors", 500, http_error_default=None, ftp_error=None, unknown_open=None)
    opener = OpenerDirector()
    for handler in (late, errors, early):
        opener.add_handler(handler)
    assert opener.handle_open == {"http": [early, late], "default": [early], "unknown": [errors]}
    assert opener.process_request == {"http": [early]}
    assert opener.process_response == {"http": [late]}
    assert opener.handle_error == {"http": {302: [late], "default": [errors]}, "ftp": {"error": [errors]}}


# --- sending a request on through the rest of the open stage ------------------------------------


class SendsOn:
    """A native plugin that sends every request on ``times`` times and keeps what came back."""

    handler_order = 400

    def __init__(self, times: int = 1) -> None:
        self.times = times
        self.seen: list[Any] = []

    @urlplug.hookimpl
    def urlplug_open(self, opener: OpenerDirector, request: Request) -> Any:
        for _ in range(self.times):
            self.seen.append(opener.open_after(self, request))
        return self.seen[-1]


def test_open_after_runs_the_rest_of_the_open_stage() -> None:
    log = Recorder()
    opener = OpenerDirector()
    sender = SendsOn(times=2)
    opener.add_handler(classic(log, "Early", 300, mem_open=None))  # before the sender: not run again
    opener.add_handler(sender)
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    response = opener.open("mem://h/x")
    assert response.read() == b"ok"
    assert len(sender.seen) == 2 and sender.seen[0] is not sender.seen[1]
    assert log.calls == ["Early.mem_open", "Mem.mem_open", "Mem.mem_open"]


def test_open_after_gives_none_when_nothing_after_answers() -> None:
    opener = OpenerDirector()
    sender = SendsOn()
    opener.add_handler(sender)
    assert opener.open("mem://h/") is None
    assert sender.seen == [None]


def test_a_classic_handler_sends_on_through_its_parent() -> None:
    log = Recorder()

    class Wrapping(BaseHandler):
        handler_order = 450

        def mem_open(self, req: Request) -> Any:
            assert self.parent is not None
            response = self.parent.open_after(self, req)
            response.headers["X-Wrapped"] = "yes"
            return response

    opener = OpenerDirector()
    opener.add_handler(Wrapping())
    opener.add_handler(classic(log, "Mem", mem_open=_resp))
    assert opener.open("mem://h/").headers["X-Wrapped"] == "yes"


def test_open_after_works_under_hook_monitoring() -> None:
    calls: list[str] = []
    opener = OpenerDirector()
    opener.add_handler(SendsOn())
    opener.add_handler(classic(Recorder(), "Mem", mem_open=_resp))
    opener.add_hookcall_monitoring(lambda name, impls, kwargs: calls.append(name), lambda *args: None)
    assert opener.open("mem://h/").read() == b"ok"
    assert calls.count("urlplug_open") == 2  # the stage, then the rest of it


def test_open_after_refuses_a_plugin_outside_the_stage() -> None:
    opener = OpenerDirector()
    opener.add_handler(classic(Recorder(), "Mem", mem_open=_resp))
    with pytest.raises(ValueError, match="no urlplug_open"):
        opener.open_after(object(), Request("mem://h/"))


def test_trylast_methods_run_in_handler_order_too() -> None:
    log = Recorder()
    opener = OpenerDirector()
    opener.add_handler(classic(log, "Late", 900, unknown_open=None))
    opener.add_handler(classic(log, "Early", 100, unknown_open=None))
    opener.add_handler(classic(log, "Middle", 500, unknown_open=None))
    assert opener.open("mem://h/") is None
    assert log.calls == ["Early.unknown_open", "Middle.unknown_open", "Late.unknown_open"]
