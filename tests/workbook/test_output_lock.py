"""The output folder's lock under many runs started together, and after a run was killed: one
run holds it at a time, a dead run holds nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from pbm.errors import PbmError
from pbm.workbook.writer import output_lock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="forked takers")


def _taker(out: Path, log: Path, start) -> None:
    start.wait()
    try:
        with output_lock(out):
            with log.open("a") as stream:
                stream.write(f"in {os.getpid()}\n")
            time.sleep(0.02)
            with log.open("a") as stream:
                stream.write(f"out {os.getpid()}\n")
    except PbmError:
        pass


def test_of_many_takers_one_holds_the_lock_at_a_time(tmp_path):
    out, log = tmp_path / "out", tmp_path / "log.txt"
    out.mkdir()
    context = multiprocessing.get_context("fork")
    for _ in range(8):
        (out / ".pbm.lock").write_text("999999999")  # left by a run that was killed
        start = context.Event()
        takers = [context.Process(target=_taker, args=(out, log, start)) for _ in range(16)]
        for taker in takers:
            taker.start()
        start.set()
        for taker in takers:
            taker.join(30)
    holders, most, entered = 0, 0, 0
    for line in log.read_text().splitlines():
        holders += 1 if line.startswith("in") else -1
        entered += line.startswith("in")
        most = max(most, holders)
    assert most == 1  # never two at once
    assert entered >= 8  # and every round someone got it


def test_a_killed_run_leaves_no_lock(tmp_path):
    out = tmp_path / "out"
    context = multiprocessing.get_context("fork")
    ready = context.Event()

    def hold() -> None:
        with output_lock(out):
            ready.set()
            time.sleep(60)

    holder = context.Process(target=hold)
    holder.start()
    assert ready.wait(10)
    with pytest.raises(PbmError) as busy, output_lock(out):
        pass
    assert busy.value.code == "CLI-OUTPUT-BUSY"
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    with output_lock(out):  # taken at once, without guessing whether a pid is alive
        assert (out / ".pbm.lock").read_text() == str(os.getpid())


def test_a_live_run_whose_lock_file_holds_no_pid_yet_is_not_taken_over(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        (out / ".pbm.lock").write_text("")  # created, its pid not yet written
        with pytest.raises(PbmError) as busy, output_lock(out):
            pass
        assert busy.value.code == "CLI-OUTPUT-BUSY"
