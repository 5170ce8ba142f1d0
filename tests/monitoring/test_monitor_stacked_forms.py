"""``pbm monitor`` on a department's two monitoring forms pasted one below the other in one
sheet: two projects, each lit from its own cells, every row in the 台账 under its own
project (every non-empty row accounted for)."""

from __future__ import annotations

import json

import openpyxl

from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
)
from tests.workbook.stacking import stack_sheets


def _ledger(path):
    rows = list(openpyxl.load_workbook(path)["台账"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_two_forms_in_one_sheet_are_two_projects_in_the_ledger(workspace, run_pbm, tmp_path):
    build_workspace(workspace)
    road, bridge, _ = goal_projects()
    forms = write_monitor_form(tmp_path / "两张表.xlsx", [
        monitoring(road, executed=112.5),
        monitoring(bridge, executed=30, possibility="有可能", reason="招标延后，工程款尚未支付",
                   measures="加快施工进度，按合同节点支付")])
    target = workspace / "q3" / "103-交通运输局-监控表.xlsx"
    target.unlink()
    _, (_, off) = stack_sheets(target, [(forms, "项目1"), (forms, "项目2")], title="监控表")
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    data = json.loads(out)
    summary = data["summary"]
    assert summary["projects"] == 3
    assert summary["lights"] == {"red": 1, "yellow": 1, "green": 1}
    projects = {p["name"]: p for p in data["projects"]}
    assert projects["乡村道路养护项目"]["executed"] == 112.5
    assert projects["危桥改造工程"]["executed"] == 30.0
    assert projects["危桥改造工程"]["indicators"] == 6
    split = [f for f in data["findings"] if f["code"] == "R-FORM-SPLIT"]
    assert [(f["cell"], f["project"]) for f in split] == [(f"B{off + 3}", "危桥改造工程")]
    assert summary["rows_in"] == summary["rows_merged"] + summary["rows_rejected"] + \
        summary["rows_non_data"]
    ledger = [r for r in _ledger(workspace / "out" / "monitor-2026-09.xlsx")
              if "交通运输局" in r["文件"]]
    assert "表格外文字" not in {r["行类别"] for r in ledger}
    merged = {}
    for r in ledger:
        if r["处理结果"] == "合并":
            merged[r["项目"]] = merged.get(r["项目"], 0) + r["行数"]
    assert merged == {"乡村道路养护项目": 6 + 6 + 4, "危桥改造工程": 6 + 6 + 4}
    second = [r for r in ledger if r["起始行"] > off]
    assert {r["项目"] for r in second} == {"危桥改造工程"}


def test_a_second_form_with_the_first_ones_code_is_rejected_alone(workspace, run_pbm,
                                                                   tmp_path):
    # The second form reuses the first one's 项目编码 (copied and not updated): the second is
    # the duplicate (M-DUPLICATE-PROJECT) and only its own rows are 拒收; the first project's
    # rows stay 合并 (they were all marked 拒收 when a form's rows were the whole sheet's).
    build_workspace(workspace)
    road, bridge, _ = goal_projects()
    forms = write_monitor_form(tmp_path / "两张表.xlsx", [
        monitoring(road, executed=112.5),
        monitoring(bridge, executed=30, possibility="有可能", reason="招标延后",
                   measures="加快进度", code=road.code)])
    target = workspace / "q3" / "103-交通运输局-监控表.xlsx"
    target.unlink()
    _, (_, off) = stack_sheets(target, [(forms, "项目1"), (forms, "项目2")], title="监控表")
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    data = json.loads(out)
    assert [f["code"] for f in data["findings"]].count("M-DUPLICATE-PROJECT") == 1
    ledger = [r for r in _ledger(workspace / "out" / "monitor-2026-09.xlsx")
              if "交通运输局" in r["文件"]]
    first = [r for r in ledger if r["起始行"] < off and r["处理结果"] != "非数据"]
    second = [r for r in ledger if r["起始行"] > off and r["处理结果"] != "非数据"]
    assert first and {r["处理结果"] for r in first} == {"合并"}
    assert second and {r["处理结果"] for r in second} == {"拒收"}
    summary = data["summary"]
    assert summary["rows_in"] == summary["rows_merged"] + summary["rows_rejected"] + \
        summary["rows_non_data"]
