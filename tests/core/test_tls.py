"""``ContextOnFirstUse``: a given context at once, the default one made once on first use."""

from __future__ import annotations

import ssl
from concurrent.futures import ThreadPoolExecutor

from urlplug.tls import ContextOnFirstUse


def test_a_given_context_is_used_with_check_hostname_applied() -> None:
    context = ssl.create_default_context()
    tls = ContextOnFirstUse(context, check_hostname=False)
    assert tls.given
    assert tls.get() is context and context.check_hostname is False


def test_the_default_is_made_once_and_verifies() -> None:
    tls = ContextOnFirstUse()
    assert not tls.given
    with ThreadPoolExecutor(8) as pool:
        contexts = set(map(id, pool.map(lambda _: tls.get(), range(32))))
    assert len(contexts) == 1
    assert tls.get().verify_mode == ssl.CERT_REQUIRED and tls.get().check_hostname
