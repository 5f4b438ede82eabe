"""FTP against urllib.request and bare ftplib, in one run.

1. Many small files: 200 files of 1 KiB from one directory through one ``CacheFTPHandler`` opener,
   urlplug's against ``urllib.request.CacheFTPHandler`` (target: urlplug >= 1.5x files/s), from
   two servers: pyftpdlib (the tests' server, in Python, in its own process) and vsftpd (Debian's
   ``vsftpd``, the usual FTP server on Linux; skipped with a note when it is not installed). Also
   urlplug with ``ask_size`` on, which adds a ``SIZE`` round trip per file.
2. One large file: 64 MiB from pyftpdlib through ``urlopen`` read in 64 KiB chunks, against a bare
   ``ftplib`` loop (connect, login, ``retrbinary`` with 64 KiB blocks, quit) (target: >= 0.9x
   throughput).
3. Memory: a fresh process downloads the 64 MiB file with urlplug; its peak RSS (``ru_maxrss``)
   may grow by less than 16 MiB over what it was before the download (also printed: the peak of
   memory traced by ``tracemalloc`` during a second download).

Why vsftpd gives urllib.request so few files per second: after a transfer it waits for the client
to acknowledge all the data before it sends ``226``, and urllib.request reads that ``226`` before
it closes the data connection, so each file waits for the kernel's delayed acknowledgement (about
40 ms). urlplug closes the data connection as soon as the data has ended, then reads ``226``.

Run: ``python bench/ftp.py`` (needs pyftpdlib; ``apt-get install vsftpd`` for the second server).
Prints the median of several interleaved rounds and the ratios (higher is better for files/s and
MB/s).
"""

from __future__ import annotations

import ftplib
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks share the tests' servers

import urlplug
from tests.servers import daemons

SMALL_FILES = 200
SMALL_SIZE = 1024
BIG_SIZE = 64 * 1024 * 1024
CHUNK = 64 * 1024
ROUNDS = 7
TIMEOUT = 30


def serve(root: str) -> None:
    """Run pyftpdlib on 127.0.0.1 (anonymous, read-only) and print its port."""
    import logging

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.log import config_logging
    from pyftpdlib.servers import FTPServer

    config_logging(level=logging.WARNING)  # logging every transfer would slow the server down
    authorizer = DummyAuthorizer()
    authorizer.add_anonymous(root)
    FTPHandler.authorizer = authorizer
    server = FTPServer(("127.0.0.1", 0), FTPHandler)
    print(server.address[1], flush=True)
    server.serve_forever(handle_exit=False)


VSFTPD_CONFIG = """\
listen=YES
listen_address=127.0.0.1
listen_port={port}
background=NO
run_as_launching_user=YES
anonymous_enable=YES
no_anon_password=YES
anon_root={root}
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_address=127.0.0.1
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
syslog_enable=NO
vsftpd_log_file={folder}/vsftpd.log
secure_chroot_dir={folder}/empty
"""


def start_vsftpd(root: str, folder: Path) -> daemons.Daemon | None:
    """vsftpd serving ``root`` anonymously on 127.0.0.1, or ``None`` (with a note) if it cannot run."""
    (folder / "empty").mkdir()

    def configure(port: int) -> list[str]:
        config = folder / "vsftpd.conf"
        config.write_text(VSFTPD_CONFIG.format(port=port, root=root, folder=folder))
        return [str(config)]

    try:
        return daemons.start(daemons.Daemon, "vsftpd", folder, configure, logs=["vsftpd.log"])
    except daemons.DaemonError as exc:
        print(f"vsftpd: not measured ({str(exc).splitlines()[0]})")
        return None


def measure_memory(url: str) -> None:
    """Download ``url`` twice and print the growth of peak RSS, then tracemalloc's peak, in KiB."""
    import tracemalloc

    opener = urlplug.build_opener()
    with opener.open(url.rsplit("/", 1)[0] + "/small/f0.bin", timeout=TIMEOUT) as warm:  # imports, mimetypes
        warm.read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    download(opener, url)
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    tracemalloc.start()
    download(opener, url)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(rss_growth, traced_peak // 1024)


def download(opener: urlplug.OpenerDirector, url: str) -> None:
    received = 0
    with opener.open(url, timeout=TIMEOUT) as resp:
        while chunk := resp.read(CHUNK):
            received += len(chunk)
    assert received == BIG_SIZE


def make_tree(root: Path) -> None:
    rng = random.Random(1)
    (root / "small").mkdir()
    for i in range(SMALL_FILES):
        (root / "small" / f"f{i}.bin").write_bytes(rng.randbytes(SMALL_SIZE))
    with open(root / "big.bin", "wb") as big:
        for _ in range(BIG_SIZE // (1024 * 1024)):
            big.write(rng.randbytes(1024 * 1024))


def files_per_second(opener: object, base: str) -> float:
    start = time.perf_counter()
    for i in range(SMALL_FILES):
        with opener.open(f"{base}/small/f{i}.bin", timeout=TIMEOUT) as resp:  # type: ignore[attr-defined]
            assert len(resp.read()) == SMALL_SIZE
    return SMALL_FILES / (time.perf_counter() - start)


def bare_ftplib(port: int) -> float:
    received = 0

    def count(block: bytes) -> None:
        nonlocal received
        received += len(block)

    start = time.perf_counter()
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=TIMEOUT)
    ftp.login()
    ftp.retrbinary("RETR big.bin", count, blocksize=CHUNK)
    ftp.quit()
    elapsed = time.perf_counter() - start
    assert received == BIG_SIZE
    return BIG_SIZE / elapsed / 1e6


def urlplug_download(opener: urlplug.OpenerDirector, base: str) -> float:
    start = time.perf_counter()
    download(opener, f"{base}/big.bin")
    return BIG_SIZE / (time.perf_counter() - start) / 1e6


def rounds(runners: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Median of ``ROUNDS`` interleaved runs of each runner, after one warm-up run each."""
    results: dict[str, list[float]] = {name: [] for name in runners}
    for run in runners.values():
        run()
    for _ in range(ROUNDS):
        for name, run in runners.items():
            results[name].append(run())
    return {name: statistics.median(values) for name, values in results.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as vsftpd_folder:
        make_tree(Path(root))
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", root], stdout=subprocess.PIPE, text=True
        )
        vsftpd = start_vsftpd(root, Path(vsftpd_folder))
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            small_files("pyftpdlib", port)
            if vsftpd is not None:
                small_files("vsftpd", vsftpd.port)
            large_file(port)
        finally:
            server.terminate()
            server.wait()
            if vsftpd is not None:
                vsftpd.stop()


def small_files(server: str, port: int) -> None:
    base = f"ftp://127.0.0.1:{port}"
    stdlib = urllib.request.build_opener(urllib.request.CacheFTPHandler)
    plug = urlplug.build_opener(urlplug.CacheFTPHandler)
    sized_handler = urlplug.CacheFTPHandler()
    sized_handler.ask_size = True
    sized = urlplug.build_opener(sized_handler)
    small = rounds(
        {
            "stdlib": lambda: files_per_second(stdlib, base),
            "urlplug": lambda: files_per_second(plug, base),
            "sized": lambda: files_per_second(sized, base),
        }
    )
    print(
        f"{SMALL_FILES} x 1 KiB from {server:9}  urllib.request {small['stdlib']:7.0f} files/s   "
        f"urlplug {small['urlplug']:7.0f} files/s   ratio {small['urlplug'] / small['stdlib']:.2f}x "
        "(target >= 1.5x)"
    )
    print(
        f"  with ask_size (SIZE per file)                          urlplug {small['sized']:7.0f} files/s   "
        f"ratio {small['sized'] / small['stdlib']:.2f}x"
    )
    stdlib.close()
    plug.close()
    sized.close()


def large_file(port: int) -> None:
    base = f"ftp://127.0.0.1:{port}"
    opener = urlplug.build_opener()
    big = rounds({"ftplib": lambda: bare_ftplib(port), "urlplug": lambda: urlplug_download(opener, base)})
    print(
        f"64 MiB        bare ftplib    {big['ftplib']:7.0f} MB/s      "
        f"urlplug {big['urlplug']:7.0f} MB/s      "
        f"ratio {big['urlplug'] / big['ftplib']:.2f}x (target >= 0.9x)"
    )

    growth = subprocess.run(
        [sys.executable, __file__, "--memory", f"{base}/big.bin"],
        capture_output=True,
        text=True,
        check=True,
    )
    rss_kib, traced_kib = map(int, growth.stdout.split()[-2:])
    print(
        f"64 MiB        reading process: peak RSS growth {rss_kib / 1024:.1f} MiB, "
        f"tracemalloc peak {traced_kib / 1024:.1f} MiB (target < 16 MiB)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["--memory"]:
        measure_memory(sys.argv[2])
    else:
        main()
