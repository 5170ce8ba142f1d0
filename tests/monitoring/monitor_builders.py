"""Realistic monitoring workbooks for the tests, written with pbm's own monitoring form
writer (form layout with merged 一级/二级 cells, list layout with a 合计 row) from approved
goals written with the goal form writer — the files a department could really send."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import xlsxwriter

from pbm.monitoring.forms import (
    MonitorFormWriter,
    MonitorIndicatorSpec,
    MonitorProjectSpec,
    write_instructions,
    write_list_sheet,
)
from tests.builders import good_project, write_form_workbook

# 1-9月完成值 per indicator of tests.builders.good_project that are all green in September.
GREEN_ACTUALS = [220, 88, "按计划推进", "0.5万元", "达成", 92]


def goal_projects():
    """Approved goals: two projects of 交通运输局, one of 民政局."""
    road = good_project(department_code="103")
    bridge = good_project("危桥改造工程", code="P2026002", department_code="103", total=150,
                          fiscal=150, other=0)
    care = good_project("养老服务补贴", code="P2026101", department="民政局", department_code="105",
                        unit="养老服务中心", total=100, fiscal=100, other=0)
    return [road, bridge, care]


def monitoring(goal, *, executed: Any, budget: Any = None, actuals=None, possibility="确定能",
               reason=None, measures=None, version="2026-10-08", **changes) -> MonitorProjectSpec:
    """A filled monitoring project for the approved ``goal`` (a goal ProjectSpec)."""
    actuals = list(GREEN_ACTUALS if actuals is None else actuals)
    spec = MonitorProjectSpec(
        name=goal.name, code=goal.code, department=goal.department,
        department_code=goal.department_code, unit=goal.unit, attribute=goal.attribute,
        annual_goal=goal.annual_goal, initial_budget=goal.total,
        adjusted_budget=budget if budget is not None else goal.total, executed=executed,
        expected_execution=goal.total, possibility=possibility, deviation_reason=reason,
        measures=measures, version=version,
        indicators=[MonitorIndicatorSpec(i.level1, i.level2, i.name, i.nature, i.target, i.unit,
                                         actual, None)
                    for i, actual in zip(goal.indicators, actuals)],
        year=2026, month=9)
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


def write_monitor_form(path: Path, specs: list[MonitorProjectSpec], *, money_unit: str = "万元",
                       instructions: bool = True) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    writer = MonitorFormWriter(workbook)
    if instructions:
        write_instructions(workbook)
    for index, spec in enumerate(specs, 1):
        spec = copy.deepcopy(spec)
        spec.money_unit = money_unit
        writer.write(workbook.add_worksheet(f"项目{index}"), spec, template=True)
    workbook.close()
    return path


def write_monitor_list(path: Path, specs: list[MonitorProjectSpec], *, total_row: bool = False,
                       title: str | None = "2026年1-9月项目绩效监控表", month: int = 9) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    write_list_sheet(workbook, "绩效监控", specs, title=title, total_row=total_row, month=month)
    workbook.close()
    return path


def write_roster(path: Path, departments: list[tuple[str, str, str]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("名册")
    for col, text in enumerate(("主管部门编码", "主管部门", "联系人")):
        sheet.write_string(0, col, text)
    for row, values in enumerate(departments, 1):
        for col, value in enumerate(values):
            sheet.write_string(row, col, value)
    workbook.close()
    return path


ROSTER = [("103", "交通运输局", "王明"), ("105", "民政局", "陈静"), ("106", "文化和旅游局", "刘洋")]


def build_workspace(root: Path) -> dict[str, Path]:
    """goals/ (form workbooks), roster.xlsx, and q3/ with a 交通运输局 form (one green, one red
    project) and a 民政局 list export with a 合计 row (yellow); 文化和旅游局 does not submit."""
    road, bridge, care = goal_projects()
    goals = root / "goals"
    goals.mkdir(exist_ok=True)
    write_form_workbook(goals / "103-交通运输局-目标.xlsx", [road, bridge])
    write_form_workbook(goals / "105-民政局-目标.xlsx", [care])
    write_roster(root / "roster.xlsx", ROSTER)
    q3 = root / "q3"
    q3.mkdir(exist_ok=True)
    transport = write_monitor_form(q3 / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=112.5),
        monitoring(bridge, executed=30, possibility="有可能", reason="招标延后，工程款尚未支付",
                   measures="加快施工进度，按合同节点支付"),
    ])
    civil = write_monitor_list(q3 / "105-民政局-监控表.xlsx", [
        monitoring(care, executed=50, possibility="有可能", reason="补贴按季度发放",
                   measures="四季度集中发放")], total_row=True)
    return {"goals": goals, "q3": q3, "transport": transport, "civil": civil}
