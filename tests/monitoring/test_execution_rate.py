"""执行率 defined once (pbm.monitoring.execution): Σ执行数 ÷ Σ预算数 over the projects that state
their 执行数; a project without one (未填报执行数) is left out of both sums and counted beside —
the same in the JSON, the terminal table and every sheet of monitor-<period>.xlsx."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pbm.monitoring.execution import ExecutionTotals, execution_rate_definition, execution_totals
from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
)

D = Decimal


def test_a_project_without_executed_is_left_out_of_both_sums_and_counted():
    totals = execution_totals([(D(150), D("112.5")), (D(150), None)])
    assert totals.execution_rate == D("0.7500")  # 112.5 / 150, not 112.5 / 300 = 0.3750
    assert (totals.projects, totals.budget, totals.executed) == (2, D(300), D("112.5"))
    assert (totals.without_executed, totals.budget_without_executed) == (1, D(150))
    assert totals.budget_reported == D(150)


def test_no_rate_without_a_reported_budget_and_half_up_rounding():
    assert execution_totals([(D(100), None), (None, None)]).execution_rate is None
    assert execution_totals([]).execution_rate is None
    # a project that spent without a budget counts its spending, no budget: no rate of 0/0
    assert execution_totals([(None, D(5))]).execution_rate is None
    assert execution_totals([(D(3), D(2))]).execution_rate == D("0.6667")
    assert execution_totals([(D(20000), D(1))]).execution_rate == D("0.0001")  # 0.00005 → up
    totals = ExecutionTotals()
    totals.add(D(200), D("186.5"))
    assert totals.to_dict() == {"projects": 1, "budget": 200.0, "executed": 186.5,
                                "execution_rate": 0.9325, "projects_without_executed": 0,
                                "budget_without_executed": 0.0}


def test_the_definition_names_the_period_and_the_projects_left_out():
    text = execution_rate_definition(9)
    assert text.startswith("执行率 = 1-9月执行数 ÷ 预算数")
    assert "只计填报了执行数的项目" in text and "不按 0 计" in text


@pytest.fixture
def ws(workspace):
    """交通运输局: 乡村道路养护项目 150 万元, 112.50 executed; 危桥改造工程 150 万元 without
    执行数.  民政局: 养老服务补贴 100 万元, 50 executed.  文化和旅游局 sends nothing."""
    build_workspace(workspace)
    road, bridge, _ = goal_projects()
    write_monitor_form(workspace / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=112.5),
        monitoring(bridge, executed=None, possibility="有可能", reason="工程款待结算",
                   measures="加快结算")])
    return workspace


def sheet_rows(path: Path, name: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_same_rate_in_json_terminal_and_workbook(ws, run_pbm, monkeypatch):
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=ws)
    assert code == 1, err  # M-NO-EXECUTED is an error
    data = json.loads(out)
    departments = {d["name"]: d for d in data["departments"]}
    transport = departments["交通运输局"]
    assert transport["execution_rate"] == 0.75
    assert (transport["budget"], transport["executed"]) == (300.0, 112.5)
    assert (transport["projects_without_executed"], transport["budget_without_executed"]) == (1, 150.0)
    assert departments["民政局"]["execution_rate"] == 0.5
    assert departments["文化和旅游局"]["execution_rate"] is None
    # the run: (112.5 + 50) / (150 + 100), the 150 万元 without 执行数 in neither sum
    assert data["summary"]["execution_rate"] == 0.65
    assert data["summary"]["projects_without_executed"] == 1
    bridge = next(p for p in data["projects"] if p["name"] == "危桥改造工程")
    assert (bridge["executed"], bridge["execution_rate"], bridge["light"]) == (None, None, "red")

    workbook = ws / "out" / "monitor-2026-09.xlsx"
    summary = {r["主管部门"]: r for r in sheet_rows(workbook, "汇总")}
    assert summary["交通运输局"]["执行率"] == 0.75
    assert (summary["交通运输局"]["未填报执行数的项目"], summary["交通运输局"]["其预算数(万元)"]) == (1, 150)
    assert summary["民政局"]["未填报执行数的项目"] == 0
    assert summary["合计"]["执行率"] == 0.65
    assert (summary["合计"]["预算数(万元)"], summary["合计"]["执行数(万元)"]) == (400, 162.5)
    assert summary["合计"]["未填报执行数的项目"] == 1
    projects = {r["项目名称"]: r for r in sheet_rows(workbook, "项目")}
    assert projects["危桥改造工程"]["1-9月执行数(万元)"] is None  # blank, not 0
    assert projects["危桥改造工程"]["执行率"] is None
    about = {r["项目"]: r["内容"] for r in sheet_rows(workbook, "说明")}
    assert about["执行率口径"].startswith(execution_rate_definition(9))

    monkeypatch.setenv("COLUMNS", "200")  # the terminal table, not cut to 80 columns
    code, out, err = run_pbm("monitor", "q3/", cwd=ws)
    line = next(line for line in out.splitlines() if "交通运输局" in line)
    assert "75.00%" in line and "37.50%" not in line
