"""Build realistic workbooks for the tests: form layout with merged cells, list layout,
messy values.  Everything is written with the same form writer as
``pbm template goal``, so the reader is tested on files a department could really send."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter

from pbm.workbook.forms import (
    GOAL_LIST_COLUMNS,
    GoalFormWriter,
    IndicatorSpec,
    ProjectSpec,
    list_rows,
    write_instructions,
)


def good_project(name: str = "乡村道路养护项目", **overrides: Any) -> ProjectSpec:
    spec = ProjectSpec(
        name=name, code="P2026001", department="交通运输局", department_code="105",
        unit="县公路养护中心", manager="王明", phone="0571-88886666", attribute="延续项目",
        period="2026年1月-2026年12月", prior_assessment="不适用", total=150, fiscal=120, other=30,
        carryover=0, overall_goal="保障农村公路安全畅通，提升路况水平",
        annual_goal="完成农村公路日常养护266公里，优良路率达到85%以上",
        indicators=[
            IndicatorSpec("产出指标", "数量指标", "日常养护里程", "≥", 266, "公里", 20),
            IndicatorSpec("产出指标", "质量指标", "优良路率", "≥", "85%", "%", 20),
            IndicatorSpec("产出指标", "时效指标", "养护任务完成时间", "≤", "2026年12月", "月", 10),
            IndicatorSpec("产出指标", "成本指标", "每公里养护成本", "≤", "0.56万元", "万元", 10),
            IndicatorSpec("效益指标", "社会效益指标", "群众出行条件", "定性", "有效改善", None, 20),
            IndicatorSpec("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥", "90%", "%", 10),
        ])
    for key, value in overrides.items():
        setattr(spec, key, value)
    return spec


def write_form_workbook(path: Path, projects: list[ProjectSpec], *, hidden: ProjectSpec | None = None,
                        instructions: bool = True, sheet_names: list[str] | None = None) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    writer = GoalFormWriter(workbook)
    if instructions:
        write_instructions(workbook)
    for index, project in enumerate(projects):
        name = sheet_names[index] if sheet_names else f"项目{index + 1}"
        writer.write(workbook.add_worksheet(name), project)
    if hidden is not None:
        sheet = workbook.add_worksheet("旧版")
        writer.write(sheet, hidden)
        sheet.hide()
    workbook.close()
    return path


def write_list_workbook(path: Path, projects: list[ProjectSpec], *, title_rows: int = 1,
                        total_row: bool = False, extra_rows: list[list[Any]] | None = None) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("项目绩效目标")
    row = 0
    if title_rows:
        sheet.merge_range(0, 0, 0, len(GOAL_LIST_COLUMNS) - 1, "2026年部门项目绩效目标汇总表")
        row = title_rows
    for col, text in enumerate(GOAL_LIST_COLUMNS):
        sheet.write_string(row, col, text)
    row += 1
    for project in projects:
        for values in list_rows(project):
            _write_row(sheet, row, values)
            row += 1
    for values in extra_rows or []:
        _write_row(sheet, row, values)
        row += 1
    if total_row:
        sheet.write_string(row, 0, "合计")
        sheet.write_number(row, 5, sum(float(p.total or 0) for p in projects))
    workbook.close()
    return path


def _write_row(sheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))


def write_csv(path: Path, projects: list[ProjectSpec], encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GOAL_LIST_COLUMNS)
        for project in projects:
            writer.writerows(list_rows(project))
    return path


def rewrite_members(source: Path, target: Path, member_pattern: str, edit) -> Path:
    """A copy of ``source`` whose zip members matching ``member_pattern`` are passed through
    ``edit`` (bytes → bytes): a hostile workbook made from a normal one."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if re.fullmatch(member_pattern, info.filename):
                data = edit(data)
            new.writestr(info, data)
    return target
