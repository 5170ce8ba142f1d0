"""Many submissions are read by two forked processes; the result never depends on it."""

from __future__ import annotations

import json
from functools import partial

from pbm.monitoring.project import MonitorContext
from pbm.monitoring.submission import read_submission
from pbm.perf import fork_context
from pbm.workbook import read
from pbm.workbook.read import PROCESS_POOL_FILES, read_file
from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
    write_monitor_list,
)


def _many_submissions(ws, count: int = 2 * PROCESS_POOL_FILES):
    """The workspace's q3/ plus ``count`` more department files in both layouts, with red,
    yellow and green projects, text in number cells, and one file that is no workbook."""
    road, bridge, _ = goal_projects()
    q3 = build_workspace(ws)["q3"]
    for index in range(count):
        department = f"第{index:02d}局"
        specs = [
            monitoring(road, executed=20 + index * 7, department=department,
                       department_code=f"9{index:02d}", code=f"X{index:02d}1"),
            monitoring(bridge, executed="约五十万" if index % 5 == 0 else 90 + index,
                       department=department, department_code=f"9{index:02d}",
                       code=f"X{index:02d}2", possibility="有可能", reason="进度滞后"),
        ]
        name = q3 / f"9{index:02d}-{department}-监控表.xlsx"
        if index % 2:
            write_monitor_list(name, specs, total_row=index % 3 == 0)
        else:
            write_monitor_form(name, specs)
    (q3 / "999-坏文件-监控表.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return q3


def test_forked_readers_give_the_sequential_result(workspace, run_pbm):
    _many_submissions(workspace)
    results = []
    for jobs in ("1", "2"):
        code, out, err = run_pbm("monitor", "q3/", "--format", "json", "--jobs", jobs,
                                 "--out", f"out-{jobs}", cwd=workspace)
        assert code in (0, 1), err
        data = json.loads(out)
        data.pop("outputs", None)
        results.append(data)
    sequential, pooled = results
    assert sequential["summary"]["files"] == 2 * PROCESS_POOL_FILES + 3
    assert sequential["summary"]["lights"]["red"] > 0
    assert any(f["code"] == "R-UNREADABLE" for f in sequential["findings"])
    assert json.dumps(pooled, sort_keys=True, ensure_ascii=False) == \
        json.dumps(sequential, sort_keys=True, ensure_ascii=False)


def _context():
    from pbm.monitoring.departments import Roster
    from pbm.monitoring.lights import LightRule
    from pbm.monitoring.period import Period
    from pbm.workbook.source import Limits

    return MonitorContext(Period(2026, 9, "2026-09"), LightRule(), None, Roster([]), Limits())


def test_process_pool_reads_every_file_in_input_order(workspace):
    q3 = _many_submissions(workspace)
    files = sorted(q3.glob("*.xlsx"))
    assert fork_context() is not None  # Linux, no polars, no other thread: forking is safe
    context = _context()
    jobs = read._Jobs(context.limits, partial(read_submission, context=context))
    seen = []
    pooled = read._in_processes(files, jobs, 2, seen.append)
    assert pooled is not None
    sequential = [read_submission(*read_file(path, context.limits), context) for path in files]
    assert seen == files
    assert [s.file for s in pooled] == [s.file for s in sequential]
    assert [(s.status, len(s.projects), [p.light for p in s.projects], len(s.findings))
            for s in pooled] == \
        [(s.status, len(s.projects), [p.light for p in s.projects], len(s.findings))
         for s in sequential]


def test_terminal_lists_missing_and_red_departments_first_past_the_limit(workspace, run_pbm,
                                                                          monkeypatch):
    from pbm.cli import common

    _many_submissions(workspace)
    monkeypatch.setattr(common, "TERMINAL_LINES", 5)
    code, out, err = run_pbm("monitor", "q3/", "--quiet", cwd=workspace)
    assert code in (0, 1), err
    total = 2 * PROCESS_POOL_FILES + 2 + 1  # + the roster's 文化和旅游局, not submitted
    assert f"另有 {total - 5} 个部门未逐个列出（共 {total} 个" in out
    table = out.split("部门汇总")[1].split("另有")[0]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines()
            if line.startswith("│")]
    assert len(rows) == 5
    assert rows[0][2] == "未报送"  # 文化和旅游局 first
    reds = [int(row[7]) for row in rows[1:]]
    assert reds == sorted(reds, reverse=True) and reds[0] == 2
