"""``NetrcPasswordMgr``: a password manager that answers from a netrc file, as curl ``-n`` does."""

from __future__ import annotations

import os
from pathlib import Path

from .passwords import HTTPPasswordMgrWithDefaultRealm, _scope_or_none

__all__ = ["NetrcPasswordMgr", "default_netrc_path"]


def default_netrc_path() -> Path:
    """The file curl, requests and ftp read: ``$NETRC`` if set, else ``~/.netrc``."""
    named = os.environ.get("NETRC")
    return Path(named) if named else Path.home() / ".netrc"


class NetrcPasswordMgr(HTTPPasswordMgrWithDefaultRealm):
    """A password manager that looks a URI's host up in a netrc file.

    ``file`` is the netrc file to read (by default ``$NETRC``, else ``~/.netrc``; a missing default
    file is an empty one, a missing file named here is ``FileNotFoundError``; a malformed one is
    ``netrc.NetrcParseError``). It is read once, here. ``find_user_password(realm, uri)`` answers
    with credentials added by :meth:`add_password` first, then with the ``machine`` entry of the
    URI's host (names compared without case, any scheme and port: netrc knows hosts only, not
    realms), then with the file's ``default`` entry, if any. Use it with the auth handlers::

        passwords = urlplug.NetrcPasswordMgr()
        opener = urlplug.build_opener(
            urlplug.HTTPBasicAuthHandler(passwords), urlplug.HTTPDigestAuthHandler(passwords)
        )
    """

    def __init__(self, file: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.file = Path(file) if file is not None else default_netrc_path()
        self._hosts = _read(self.file, required=file is not None)

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str | None, str | None]:
        """Credentials added by hand, else the netrc entry of ``authuri``'s host, else ``(None, None)``."""
        user, password = super().find_user_password(realm, authuri)
        if password is not None:
            return user, password
        target = _scope_or_none(authuri)
        found = None if target is None else self._hosts.get(target.host, self._hosts.get(None))
        return (None, None) if found is None else found


def _read(path: Path, required: bool) -> dict[str | None, tuple[str, str]]:
    """Host (lower-case; ``None`` for ``default``) -> ``(login, password)``."""
    import netrc

    if not required and not path.exists():
        return {}
    hosts: dict[str | None, tuple[str, str]] = {}
    for machine, (login, _, password) in netrc.netrc(os.fspath(path)).hosts.items():
        hosts[None if machine == "default" else machine.lower()] = (login or "", password or "")
    return hosts
