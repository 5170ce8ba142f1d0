"""Outputs go only to regular files or new paths: an existing named pipe, device, folder or
socket (or a symlink to one) is refused with CLI-WRITE-FAILED before anything is written, and
stays what it was."""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from pbm.errors import PbmError
from pbm.workbook.writer import Sheet, atomic_path, output_lock, write_xlsx

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes and /dev are POSIX")


def _special_targets(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    null = tmp_path / "null.xlsx"
    null.symlink_to("/dev/null")  # as root a rename would replace a device itself
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    return {"fifo": fifo, "null": null, "folder": folder}


def _unchanged(targets: dict[str, Path]) -> None:
    assert stat.S_ISFIFO(os.lstat(targets["fifo"]).st_mode)
    assert targets["null"].is_symlink() and os.readlink(targets["null"]) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert targets["folder"].is_dir() and not any(targets["folder"].iterdir())
    leftovers = [p for p in targets["fifo"].parent.iterdir() if p.name.startswith(".~pbm")]
    assert leftovers == []


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_template_goal_refuses_a_pipe_a_device_and_a_folder(tmp_path, run_pbm, force):
    targets = _special_targets(tmp_path)
    expected = {"fifo": "命名管道", "null": "字符设备", "folder": "文件夹"}
    for key, target in targets.items():
        code, out, err = run_pbm("template", "goal", "-o", target, *force, cwd=tmp_path)
        assert code == 2, (key, out)
        assert target.name in err and expected[key] in err and "Traceback" not in err
    _unchanged(targets)


def test_the_atomic_writer_refuses_them_itself(tmp_path):
    targets = _special_targets(tmp_path)
    sock_path = tmp_path / "s.xlsx"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for target in [*targets.values(), sock_path]:
            with pytest.raises(PbmError) as caught:
                write_xlsx(target, [Sheet("表", ["列"], [["值"]])], engine="xlsxwriter")
            assert caught.value.code == "CLI-WRITE-FAILED" and caught.value.file == str(target)
            with pytest.raises(PbmError), atomic_path(target) as temp:
                temp.write_text("never", encoding="utf-8")
    finally:
        server.close()
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    _unchanged(targets)
    # a regular file and a new path are written as before
    (tmp_path / "old.xlsx").write_bytes(b"old")
    for name in ("old.xlsx", "new.xlsx"):
        write_xlsx(tmp_path / name, [Sheet("表", ["列"], [["值"]])], engine="xlsxwriter")
        assert (tmp_path / name).read_bytes()[:2] == b"PK"


def test_the_output_lock_is_never_a_pipe_or_a_device(tmp_path):
    os.mkfifo(tmp_path / ".pbm.lock")
    with pytest.raises(PbmError) as caught, output_lock(tmp_path):
        pass
    assert caught.value.code == "CLI-WRITE-FAILED"
    assert stat.S_ISFIFO(os.lstat(tmp_path / ".pbm.lock").st_mode)


def test_report_publishes_nothing_over_a_pipe(tmp_path, workspace, run_pbm):
    from tests.reports.test_report_context import write_all

    write_all(workspace / "out")
    folder = workspace / "out" / "reports" / "goal-review"
    folder.mkdir(parents=True)
    fifo = folder / "教育局-绩效目标审核意见书.docx"
    os.mkfifo(fifo)
    code, out, err = run_pbm("report", "goal-review", "monitor-feedback", cwd=workspace)
    assert code == 2, out
    assert "命名管道" in err and "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    # neither the other letters of the kind nor the other kind were published
    assert [p.name for p in folder.iterdir()] == [fifo.name]
    assert not list((workspace / "out" / "reports").glob("monitor-feedback/*.docx"))
    assert not list((workspace / "out" / "reports").glob(".~pbm-*"))
