"""部门整体 workbooks built by code, in the layouts of the published templates (never real
files): the 部门（单位）整体支出绩效目标申报表 form — title, 部门（单位）名称 | 部门编码, 部门职责,
年度总体目标, a 年度预算（万元） block merged over 资金总额 / 基本支出 / 项目支出, and an indicator
grid whose 一级/二级 cells are merged down (the shape of the 中央部门整体支出绩效目标申报表 of
财预〔2015〕88号 as provinces reproduce it, with the 部门职责 and 年度预算 rows of their
部门整体绩效目标表); a budget system's list export of several departments; the 部门整体支出
绩效自评表 form with its money block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
over 年度资金总额 / 其中：基本支出 / 项目支出); and the 部门整体支出绩效监控表 form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import xlsxwriter


@dataclass
class DeptLine:
    level1: str
    level2: str
    name: str
    nature: str | None
    target: Any
    unit: str | None
    weight: Any
    actual: Any = None
    score: Any = None


def five_dimension_lines() -> list[DeptLine]:
    return [
        DeptLine("运行成本", "经济成本指标", "“三公”经费控制率", "≤", "100%", "%", 10, "96%", 10),
        DeptLine("管理效率", "预算管理", "政府采购执行率", "≥", "95%", "%", 10, "97%", 10),
        DeptLine("履职效能", "重点工作完成", "农村公路养护里程", "≥", 266, "公里", 20, 266, 20),
        DeptLine("履职效能", "部门职责履行", "公路优良路率", "≥", "85%", "%", 20, "80%", 20),
        DeptLine("社会效应", "社会效益指标", "群众出行条件", "定性", "有效改善", None, 20, "达成", 18),
        DeptLine("服务对象满意度", "服务对象满意度指标", "群众满意度", "≥", "90%", "%", 10, "92%", 10),
    ]


@dataclass
class DepartmentSpec:
    name: str = "交通运输局"
    code: str = "105"
    duties: str = "负责全区公路、水路交通行业管理，组织农村公路建设与养护"
    annual_goal: str = "完成农村公路日常养护266公里，优良路率达到85%以上，保障群众安全便捷出行"
    year: int = 2026
    total: Any = 1000
    basic: Any = 600
    project: Any = 400
    lines: list[DeptLine] = field(default_factory=five_dimension_lines)
    #: self-evaluation: (年初预算数, 全年预算数, 全年执行数) of 基本支出 and 项目支出
    basic_money: tuple = (600, 600, 588)
    project_money: tuple = (400, 420, 336)
    execution_weight: Any = 10
    execution_score: Any = 10
    claimed_total: Any = None
    title: str | None = None
    #: the self-evaluation's 年度资金总额 row as written (default: the sums of the parts)
    total_money: tuple | None = None
    #: the labels of the two rows under 年度资金总额
    part_labels: tuple = ("其中：基本支出", "项目支出")


def _formats(workbook):
    return (workbook.add_format({"bold": True, "align": "center", "font_size": 16}),
            workbook.add_format({"bold": True, "border": 1, "align": "center",
                                 "valign": "vcenter", "text_wrap": True}),
            workbook.add_format({"border": 1, "valign": "vcenter", "text_wrap": True}))


def _put(sheet, r: int, c: int, value: Any, fmt=None) -> None:
    if value is None:
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(r, c, value, fmt)
    else:
        sheet.write_string(r, c, str(value), fmt)


def _merge(sheet, r0: int, c0: int, r1: int, c1: int, value: Any, fmt) -> None:
    if (r0, c0) == (r1, c1):
        _put(sheet, r0, c0, value, fmt)
    else:
        sheet.merge_range(r0, c0, r1, c1, None, fmt)
        _put(sheet, r0, c0, value, fmt)


def _levels_merged(sheet, first: int, lines: list[DeptLine], fmt) -> None:
    """一级 and 二级 merged down over their runs of lines."""
    for col, key in ((0, lambda x: x[1].level1), (1, lambda x: (x[1].level1, x[1].level2))):
        for _, run in groupby(enumerate(lines), key=key):
            run = list(run)
            start, stop = first + run[0][0], first + run[-1][0]
            _merge(sheet, start, col, stop, col, getattr(run[0][1], "level1" if col == 0
                                                         else "level2"), fmt)


def _target_text(line: DeptLine) -> Any:
    """The 年度指标值 of a self-evaluation or monitoring form: the operator written in it."""
    if line.nature in (None, "定性") or (isinstance(line.target, str) and
                                        line.target[:1] in "≥≤"):
        return line.target
    return f"{line.nature}{line.target}"


def write_department_goal_form(path: Path, departments: list[DepartmentSpec]) -> Path:
    """One department per sheet: the 部门（单位）整体支出绩效目标申报表 with merged cells."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    title_fmt, label, value = _formats(workbook)
    for dept in departments:
        sheet = workbook.add_worksheet(dept.name)
        sheet.merge_range(0, 0, 0, 6, dept.title or "部门（单位）整体支出绩效目标申报表", title_fmt)
        sheet.write_string(1, 0, f"（{dept.year}年度）")
        sheet.write_string(2, 0, "部门（单位）名称", label)
        _merge(sheet, 2, 1, 2, 3, dept.name, value)
        sheet.write_string(2, 4, "部门编码", label)
        _merge(sheet, 2, 5, 2, 6, dept.code, value)
        sheet.write_string(3, 0, "部门职责", label)
        _merge(sheet, 3, 1, 3, 6, dept.duties, value)
        sheet.write_string(4, 0, "年度总体目标", label)
        _merge(sheet, 4, 1, 4, 6, dept.annual_goal, value)
        sheet.merge_range(5, 0, 7, 0, "年度预算（万元）", label)
        for offset, (text, amount) in enumerate([("资金总额", dept.total),
                                                 ("其中：基本支出", dept.basic),
                                                 ("项目支出", dept.project)]):
            sheet.write_string(5 + offset, 1, text, label)
            _merge(sheet, 5 + offset, 2, 5 + offset, 6, amount, value)
        header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "权重"]
        for col, text in enumerate(header):
            sheet.write_string(8, col, text, label)
        first = 9
        _levels_merged(sheet, first, dept.lines, value)
        for k, line in enumerate(dept.lines):
            for col, item in enumerate((line.name, line.nature, line.target, line.unit,
                                        line.weight), start=2):
                _put(sheet, first + k, col, item, value)
        sheet.write_string(first + len(dept.lines) + 1, 0, "填报人：张三")
    workbook.close()
    return path


DEPT_LIST_COLUMNS = ["部门编码", "部门名称", "部门职责", "年度总体目标", "资金总额(万元)",
                     "基本支出(万元)", "项目支出(万元)", "一级指标", "二级指标", "三级指标", "指标性质",
                     "指标值", "计量单位", "权重"]


def write_department_goal_list(path: Path, departments: list[DepartmentSpec], *,
                               title: str = "2026年部门整体绩效目标汇总表") -> Path:
    """A budget system's export: one row per indicator, the department's columns repeated."""
    return _write_list(path, "部门整体绩效目标", title, DEPT_LIST_COLUMNS, [
        [dept.code, dept.name, dept.duties, dept.annual_goal, dept.total, dept.basic,
         dept.project, line.level1, line.level2, line.name, line.nature, line.target, line.unit,
         line.weight]
        for dept in departments for line in dept.lines])


def _write_list(path: Path, sheet_name: str, title: str, columns, rows: list[list[Any]]) -> Path:
    """A list export: the title merged across the top, the header, one row per indicator."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name)
    sheet.merge_range(0, 0, 0, len(columns) - 1, title)
    for col, text in enumerate(columns):
        sheet.write_string(1, col, text)
    for row, values in enumerate(rows, 2):
        for col, item in enumerate(values):
            _put(sheet, row, col, item)
    workbook.close()
    return path


def write_department_selfeval_form(path: Path, departments: list[DepartmentSpec]) -> Path:
    """The 部门整体支出绩效自评表: money block with 基本支出 / 项目支出 rows, then the grid."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    title_fmt, label, value = _formats(workbook)
    for dept in departments:
        sheet = workbook.add_worksheet(dept.name)
        sheet.merge_range(0, 0, 0, 7, dept.title or f"{dept.year}年度部门整体支出绩效自评表",
                          title_fmt)
        sheet.write_string(1, 6, "金额单位：万元")
        sheet.write_string(2, 0, "部门（单位）名称", label)
        _merge(sheet, 2, 1, 2, 3, dept.name, value)
        sheet.write_string(2, 4, "部门编码", label)
        _merge(sheet, 2, 5, 2, 7, dept.code, value)
        sheet.merge_range(3, 0, 6, 0, "年度预算执行情况（万元）", label)
        sheet.write_blank(3, 1, None, label)
        for offset, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                                       "得分"]):
            sheet.write_string(3, 2 + offset, text, label)
        parts = [dept.basic_money, dept.project_money]
        sums = list(dept.total_money) if dept.total_money is not None else [
            None if any(p[i] is None for p in parts) else sum(p[i] for p in parts)
            for i in range(3)]
        rate = f"{sums[2] / sums[1] * 100:.2f}%" if sums[1] and sums[2] is not None else None
        rows = [("年度资金总额", *sums, dept.execution_weight, rate, dept.execution_score),
                (dept.part_labels[0], *dept.basic_money, "—", "—", "—"),
                (dept.part_labels[1], *dept.project_money, "—", "—", "—")]
        for offset, items in enumerate(rows):
            sheet.write_string(4 + offset, 1, items[0], label)
            for col, item in enumerate(items[1:], start=2):
                _put(sheet, 4 + offset, col, item, value)
        sheet.merge_range(7, 0, 8, 0, "年度总体目标", label)
        _merge(sheet, 7, 1, 7, 4, "预期目标", label)
        _merge(sheet, 7, 5, 7, 7, "实际完成情况", label)
        _merge(sheet, 8, 1, 8, 4, dept.annual_goal, value)
        _merge(sheet, 8, 5, 8, 7, "全年完成养护266公里，优良路率80%", value)
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                  "偏差原因分析及改进措施"]
        for col, text in enumerate(header):
            sheet.write_string(9, col, text, label)
        first = 10
        _levels_merged(sheet, first, dept.lines, value)
        for k, line in enumerate(dept.lines):
            target = _target_text(line)
            for col, item in enumerate((line.name, target, line.actual, line.weight,
                                        line.score, None), start=2):
                _put(sheet, first + k, col, item, value)
        total_row = first + len(dept.lines)
        _merge(sheet, total_row, 0, total_row, 4, "总分", label)
        _put(sheet, total_row, 5, 100, value)
        claimed = dept.claimed_total
        if claimed is None:
            claimed = sum(x.score for x in dept.lines if isinstance(x.score, (int, float))) + (
                dept.execution_score or 0)
        _put(sheet, total_row, 6, claimed, value)
    workbook.close()
    return path


def write_department_monitor_form(path: Path, departments: list[DepartmentSpec], *,
                                  month: int = 9, money_block: bool = False,
                                  total_blank: bool = False) -> Path:
    """The 部门整体支出绩效监控表 (1–``month``月): 全年预算数 / 1-N月执行数 — as two key–value
    cells, or (``money_block``) as a small table over 资金总额 / 其中：基本支出 / 项目支出 whose
    资金总额 row may be left blank (``total_blank``) — then 一级 | 二级 | 三级 | 年度指标值 |
    1-N月完成值 | 完成目标可能性 | 偏差原因分析; the 执行数 is the year's × N/12."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    title_fmt, label, value = _formats(workbook)
    for dept in departments:
        sheet = workbook.add_worksheet(dept.name)
        sheet.merge_range(0, 0, 0, 6, f"{dept.year}年部门整体支出绩效监控表（1-{month}月）",
                          title_fmt)
        sheet.write_string(1, 0, "部门名称", label)
        _merge(sheet, 1, 1, 1, 3, dept.name, value)
        sheet.write_string(1, 4, "部门编码", label)
        _merge(sheet, 1, 5, 1, 6, dept.code, value)
        parts = [(p[1], round(p[2] * month / 12, 2)) for p in (dept.basic_money,
                                                               dept.project_money)]
        budget, executed = (sum(p[i] for p in parts) for i in range(2))
        row = 2
        if money_block:
            sheet.write_blank(row, 0, None, label)
            sheet.write_string(row, 1, "全年预算数", label)
            sheet.write_string(row, 2, f"1-{month}月执行数", label)
            totals = (None, None) if total_blank else (budget, executed)
            for offset, (text, amounts) in enumerate([("资金总额", totals),
                                                      ("其中：基本支出", parts[0]),
                                                      ("项目支出", parts[1])], start=1):
                sheet.write_string(row + offset, 0, text, label)
                for col, amount in enumerate(amounts, start=1):
                    _put(sheet, row + offset, col, amount, value)
            row += 4
        else:
            sheet.write_string(row, 0, "全年预算数", label)
            _put(sheet, row, 1, budget, value)
            sheet.write_string(row, 2, f"1-{month}月执行数", label)
            _put(sheet, row, 3, round(executed, 2), value)
            row += 1
        sheet.write_string(row, 0, "年度总体目标", label)
        _merge(sheet, row, 1, row, 6, dept.annual_goal, value)
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", f"1-{month}月完成值",
                  "完成目标可能性", "偏差原因分析"]
        for col, text in enumerate(header):
            sheet.write_string(row + 1, col, text, label)
        first = row + 2
        _levels_merged(sheet, first, dept.lines, value)
        for k, line in enumerate(dept.lines):
            target = _target_text(line)
            for col, item in enumerate((line.name, target, line.actual, "确定能", None), start=2):
                _put(sheet, first + k, col, item, value)
    workbook.close()
    return path

DEPT_SELFEVAL_COLUMNS = ["部门编码", "部门名称", "全年预算数(万元)", "全年执行数(万元)", "预算执行率得分",
                         "自评总分", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                         "分值", "得分"]


def write_department_selfeval_list(path: Path, departments: list[DepartmentSpec], *,
                                   title: str = "2026年部门整体支出绩效自评汇总表") -> Path:
    """A budget system's export of several departments' self-evaluations: no 部门职责 column,
    the title above the header says what they are."""
    rows = []
    for dept in departments:
        budget = sum(p[1] for p in (dept.basic_money, dept.project_money))
        executed = sum(p[2] for p in (dept.basic_money, dept.project_money))
        total = sum(x.score for x in dept.lines) + dept.execution_score
        rows.extend([dept.code, dept.name, budget, executed, dept.execution_score, total,
                     line.level1, line.level2, line.name, _target_text(line), line.actual,
                     line.weight, line.score] for line in dept.lines)
    return _write_list(path, "自评", title, DEPT_SELFEVAL_COLUMNS, rows)
