"""Forked children drop the connections their parent keeps."""

from __future__ import annotations

import os

import pytest

from urlplug.forking import forget_in_forked_children


class Holder:
    def __init__(self) -> None:
        self.forgotten = False

    def forget_after_fork(self) -> None:
        self.forgotten = True


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_registered_owners_forget_in_the_child_only() -> None:
    holder = Holder()
    forget_in_forked_children(holder)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write_end, b"1" if holder.forgotten else b"0")
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as report:
        assert report.read() == b"1"
    assert not holder.forgotten
