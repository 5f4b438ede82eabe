"""nginx for the benchmarks: Debian's (``apt-get install nginx``), on loopback, with a config of our own.

``start(folder, servers)`` writes a config whose ``http`` block holds the common settings (keep-alive,
no logging, temporary files in ``folder``) and the ``server`` blocks that ``servers(port)`` returns,
starts nginx in the foreground and waits until ``port`` accepts connections.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks share the tests' servers

from tests.servers import daemons
from tests.servers.daemons import free_port

__all__ = ["CONFIG", "free_port", "start"]

CONFIG = """\
worker_processes 1;
master_process off;
daemon off;
pid {root}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    default_type application/octet-stream;
{servers}
}}
"""


def start(folder: Path, servers: Callable[[int], str]) -> daemons.Daemon:
    """Start nginx with its files in ``folder``; exit with the reason if it cannot start."""
    (folder / "tmp").mkdir(exist_ok=True)

    def configure(port: int) -> list[str]:
        (folder / "nginx.conf").write_text(CONFIG.format(root=folder, servers=servers(port)))
        return ["-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]

    try:
        return daemons.start(daemons.Daemon, "nginx", folder, configure, logs=["error.log"])
    except daemons.DaemonError as exc:
        sys.exit(str(exc))
