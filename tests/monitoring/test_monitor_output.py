"""The merged workbook through both writers, thread/sequential determinism, repeat runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pbm.config import load_config
from tests.monitoring.monitor_builders import build_workspace


@pytest.fixture
def result(workspace):
    from pbm.cli.monitor_cmd import run_monitor

    build_workspace(workspace)
    return run_monitor(load_config(workspace), workspace / "q3", jobs=1)


def _values_openpyxl(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def _values_calamine(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rust_fast_path_reads_back_identically(result, tmp_path, monkeypatch):
    from pbm.monitoring.output import write_outputs
    from pbm.workbook import fastwrite

    result.started = dt.datetime(2026, 10, 10, 9, 0)
    monkeypatch.setenv("PBM_XLSX_ENGINE", "xlsxwriter")
    assert fastwrite.available() is False  # the switch that forces XlsxWriter
    slow = write_outputs(result, tmp_path / "slow", command="pbm monitor q3/", preset="p",
                         engine="xlsxwriter").workbook
    monkeypatch.delenv("PBM_XLSX_ENGINE")
    fast = write_outputs(result, tmp_path / "fast", command="pbm monitor q3/", preset="p",
                         engine="auto").workbook
    try:
        import rustpy_xlsxwriter  # noqa: F401
        rust = True
    except ImportError:
        rust = False
    assert fastwrite.available() is rust
    assert _values_openpyxl(fast) == _values_openpyxl(slow)
    assert _values_calamine(fast) == _values_calamine(slow)
    book = openpyxl.load_workbook(fast)
    assert book["项目"].freeze_panes == "A2"
    # Light fills survive on the text cells of a project row in both writers.
    for path in (slow, fast):
        sheet = openpyxl.load_workbook(path)["项目"]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            light = row[header.index("灯色")]
            expected = {"红": "FFFFC7CE", "黄": "FFFFEB9C", "绿": "FFC6EFCE"}[light.value]
            assert light.fill.fgColor.rgb == expected


def test_threads_and_sequential_give_the_same_result(workspace):
    from pbm.cli.monitor_cmd import run_monitor

    build_workspace(workspace)
    config = load_config(workspace)
    one = run_monitor(config, workspace / "q3", jobs=1).to_dict()
    two = run_monitor(config, workspace / "q3", jobs=2).to_dict()
    assert one == two


def test_second_run_is_byte_comparable_but_for_the_timestamp(workspace, run_pbm, monkeypatch):
    monkeypatch.setenv("PBM_XLSX_ENGINE", "xlsxwriter")
    build_workspace(workspace)
    assert run_pbm("monitor", "q3/", cwd=workspace)[0] == 0
    first = _values_openpyxl(workspace / "out" / "monitor-2026-09.xlsx")
    assert run_pbm("monitor", "q3/", cwd=workspace)[0] == 0
    second = _values_openpyxl(workspace / "out" / "monitor-2026-09.xlsx")
    drop = lambda rows: [r for r in rows if r[0] != "生成时间"]  # noqa: E731
    assert drop(first.pop("说明")) == drop(second.pop("说明"))
    assert first == second
    assert not list((workspace / "out").glob(".~pbm-*"))  # no temporary file left behind
