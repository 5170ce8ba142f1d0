"""A run's outputs are one set (#19 item 5): monitor's workbook and its CSV tables, sample's
record, its history copy and its log line are all replaced or none is — a full disk half-way
leaves the previous set as it was — and what a killed run left in out/ (temporary files,
staging folders) is removed by the next run that takes the folder's lock."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest
import xlsxwriter

from tests.monitoring.monitor_builders import build_workspace


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) → its SHA-256, the lock file apart."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".pbm.lock"}


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(".~pbm-")]


@pytest.fixture
def ws(workspace):
    build_workspace(workspace)
    return workspace


def _disk_full_on_call(monkeypatch, module, name: str, call: int) -> None:
    """``module.name`` fails with ENOSPC on its ``call``-th call, as a full disk does."""
    original, calls = getattr(module, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def test_a_full_disk_half_way_leaves_the_last_monitor_set_whole(ws, run_pbm, monkeypatch):
    import pbm.monitoring.output as output

    code, _, err = run_pbm("monitor", "q3/", "--format", "csv", cwd=ws)
    assert code == 0, err
    before = _files(ws / "out")
    assert {"monitor-2026-09.xlsx", "monitor-2026-09-项目.csv", "monitor-2026-09-指标.csv"} <= \
        set(before)
    _disk_full_on_call(monkeypatch, output, "write_table", 2)  # the workbook and 项目.csv written
    code, out, err = run_pbm("monitor", "q3/", "--format", "csv", cwd=ws)
    assert code == 2 and "Traceback" not in out + err
    assert "无法写入" in err and "No space left" in err
    assert _files(ws / "out") == before  # not a new workbook beside the old tables
    assert _leftovers(ws / "out") == []


def test_a_full_disk_half_way_leaves_the_last_sample_record_and_history(tmp_path, run_pbm,
                                                                        monkeypatch):
    import pbm.sampling.record as record

    source = tmp_path / "list.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("项目清单")
    sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额(万元)"])
    for i in range(40):
        sheet.write_row(i + 1, 0, [f"X{i:03d}", f"项目{i:03d}", "教育局", 50 + i])
    book.close()
    code, _, err = run_pbm("sample", "--from", source, "--rate", "0.1", "--seed", "3",
                           "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 0, err
    before = _files(tmp_path / "out")
    assert {"sample-2026.xlsx", "history/sample-2026.xlsx", "history/samples.csv"} <= set(before)
    _disk_full_on_call(monkeypatch, record, "_append_log", 1)  # record and copy already staged
    code, out, err = run_pbm("sample", "--from", source, "--rate", "0.2", "--seed", "4",
                             "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 2 and "Traceback" not in out + err
    assert _files(tmp_path / "out") == before  # no new record without its history copy
    monkeypatch.undo()
    code, out, err = run_pbm("sample", "--from", source, "--rate", "0.2", "--seed", "4",
                             "--out", tmp_path / "out", "--format", "json", cwd=tmp_path)
    assert code == 0, err
    log = (tmp_path / "out" / "history" / "samples.csv").read_text(encoding="utf-8-sig")
    assert len(log.strip().splitlines()) == 3  # header, the first run, this one: none lost
    assert json.loads(out)["summary"]["seed"] == 4


def test_what_a_killed_run_left_in_out_is_removed_by_the_next(ws, run_pbm):
    out = ws / "out"
    stale = [out / ".~pbm-stage-k1l2" / "monitor-2026-09.xlsx", out / ".~pbm-a1b2.xlsx",
             out / "history" / ".~pbm-c3d4.xlsx", out / "reports" / ".~pbm-goal-review-e5" / "x.docx",
             out / "annotated" / ".~pbm-f6.xlsx"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    mine = [out / "备注.txt", out / "history" / "~$sample-2026.xlsx", out / ".~lock.x.xlsx#"]
    for path in mine:
        path.write_text("the user's", encoding="utf-8")
    code, _, err = run_pbm("monitor", "q3/", cwd=ws)
    assert code == 0, err
    assert _leftovers(out) == []
    assert all(path.read_text(encoding="utf-8") == "the user's" for path in mine)
    assert (out / "monitor-2026-09.xlsx").stat().st_size > 1000
