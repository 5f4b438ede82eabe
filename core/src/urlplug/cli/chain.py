"""The opener a fetch's flags ask for: redirects, credentials, proxy, TLS, retries, decoding.

Flags that need a plugin look its name up on ``urlplug`` (``urlplug.RetryHandler``); when the plugin is
not installed, the command stops with exit code 4 and names the distribution to install.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..opener import build_opener
from .failures import NOT_BUILT_IN, READ_ERROR, SSL_CACERT_BADFILE, Failure

if TYPE_CHECKING:
    import ssl

    from ..director import OpenerDirector

__all__ = ["make_opener", "plugin_name", "redirects_exhausted"]


def plugin_name(name: str, dist: str, needed_by: str) -> Any:
    """``urlplug.<name>``, or :class:`Failure` naming ``dist`` when its plugin is not installed."""
    import urlplug

    try:
        return getattr(urlplug, name)
    except AttributeError:
        raise Failure(
            NOT_BUILT_IN, f"{needed_by} needs the {dist} plugin, which is not installed: pip install {dist}"
        ) from None


def make_opener(options: argparse.Namespace, url: str, extra: list[Any]) -> OpenerDirector:
    """An opener with the default chain, changed as the flags say, plus the ``extra`` handlers."""
    handlers = [*extra, *_redirects(options), *_credentials(options, url)]
    if options.proxy is not None:
        proxies = dict.fromkeys(("http", "https", "ftp"), options.proxy)
        handlers.append(plugin_name("ProxyHandler", "urlplug-proxy", "-x/--proxy")(proxies))
    if options.retry is not None:
        handlers.append(plugin_name("RetryHandler", "urlplug-retry", "--retry")(total=options.retry))
    if options.compressed:  # it joins every opener once installed: asking for it is enough
        plugin_name("ContentDecodingProcessor", "urlplug-compression", "--compressed")
    opener = build_opener(*handlers, context=_tls(options))
    from .. import __version__

    opener.addheaders = [("User-agent", f"urlplug/{__version__}")]
    return opener


def _redirects(options: argparse.Namespace) -> list[Any]:
    """curl follows no redirect without ``-L``; ``--max-redirs`` bounds them."""
    import urlplug

    try:
        base: Any = urlplug.HTTPRedirectHandler
    except AttributeError:  # no HTTP plugin: nothing to redirect
        return []
    if not options.location:

        class NotFollowing(base):  # type: ignore[misc]
            """Hands every redirect on to the default error handling: shown, not followed."""

            def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> None:
                return None

            http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        return [NotFollowing()]
    if options.max_redirs is not None:
        return [type("LimitedRedirects", (base,), {"max_redirections": options.max_redirs})()]
    return []


def redirects_exhausted(error: Any, options: argparse.Namespace) -> str | None:
    """What to say if an ``HTTPError`` is the redirect handler giving up (a loop, or too many)."""
    import urlplug

    handler: Any = getattr(urlplug, "HTTPRedirectHandler", None)
    inf_msg: str = getattr(handler, "inf_msg", "")
    if not (options.location and inf_msg and 300 <= (error.code or 0) < 400):
        return None
    if not str(error.msg).startswith(inf_msg):
        return None
    if options.max_redirs is not None:
        return f"Maximum ({options.max_redirs}) redirects followed"
    return f"Too many redirects: a loop, or more than {handler.max_redirections}"


def _credentials(options: argparse.Namespace, url: str) -> list[Any]:
    """``-n``: the auth handlers on a netrc password manager. ``-u`` and URL credentials are in the URL."""
    parts = urlsplit(url)
    if "@" in parts.netloc and parts.scheme.lower() in ("http", "https"):
        plugin_name("URLCredentialsProcessor", "urlplug-auth", "a user name or password")
    if not (options.netrc or options.netrc_file):
        return []
    manager = plugin_name("NetrcPasswordMgr", "urlplug-auth", "-n/--netrc")
    import netrc

    try:
        passwords = manager(options.netrc_file)
    except (OSError, netrc.NetrcParseError) as exc:
        raise Failure(READ_ERROR, f"cannot read the netrc file: {exc}") from None
    import urlplug

    return [urlplug.HTTPDigestAuthHandler(passwords), urlplug.HTTPBasicAuthHandler(passwords)]


def _tls(options: argparse.Namespace) -> ssl.SSLContext | None:
    """``-k`` trusts anything; ``--cacert`` trusts that file's CAs (curl: ``-k`` wins)."""
    if not (options.insecure or options.cacert):
        return None
    import ssl

    if options.insecure:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    from ..tls import client_context

    try:
        return client_context(cafile=options.cacert)
    except (OSError, ssl.SSLError) as exc:
        raise Failure(SSL_CACERT_BADFILE, f"error setting certificate file {options.cacert}: {exc}") from None
