"""Worker processes (monitor's readers, report's renderers) end with the pbm process that
started them: after ``kill -9`` of pbm none is left holding the caller's pipes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process table of Linux")

_PARENT = r"""
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from pbm.perf import end_with_parent

def work(_):
    os.write(1, f"{os.getpid()}\n".encode())  # one write: lines of two workers never mix
    time.sleep(120)

if __name__ == "__main__":
    init = end_with_parent if sys.argv[1] == "watched" else None
    args = (os.getpid(),) if init else ()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"),
                             initializer=init, initargs=args) as pool:
        list(pool.map(work, range(2)))
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("mode", ["watched", "unwatched"])
def test_workers_die_with_a_killed_parent(tmp_path, mode):
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, mode], stdout=subprocess.PIPE,
                              text=True, cwd=tmp_path)
    workers = [int(parent.stdout.readline()) for _ in range(2)]
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(map(_alive, workers)):
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    if mode == "watched":
        assert left == []
    else:  # the case pbm guards against: without the guard they stay
        assert left == workers
