"""Write monitoring workbooks (项目支出绩效运行监控表) in form and list layout.

Used by ``pbm template monitor`` (one workbook per department, pre-filled with its approved
projects and indicators, only the values left to fill), by the sample-data generator and by
the tests, so every monitoring file pbm reads in its tests is one a department could have
filled in from pbm's own template.  The form mirrors :class:`pbm.workbook.forms.GoalFormWriter`
(columns A–H, merged 一级/二级 cells) and the fields of 黄石's 2019 monitoring table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pbm.workbook.forms import FormWriter, write_level_columns, write_list_table
from pbm.workbook.forms import write_instructions as _write_instructions

POSSIBILITIES = ["确定能", "有可能", "不可能"]


def list_columns(month: int) -> list[str]:
    """Columns of the list layout (清单式) for a period ending in ``month``."""
    return ["主管部门编码", "主管部门", "项目编码", "项目名称", "项目实施单位", "年初预算数(万元)",
            "全年预算数(万元)", f"1-{month}月执行数(万元)", "全年预计执行数(万元)", "完成目标可能性",
            "偏差原因分析", "相关建议或举措", "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值",
            "计量单位", f"1-{month}月完成值", "全年预计完成情况", "填报日期"]


@dataclass
class MonitorIndicatorSpec:
    level1: Any = None
    level2: Any = None
    name: Any = None
    nature: Any = None
    target: Any = None
    unit: Any = None
    actual: Any = None
    expected: Any = None


@dataclass
class MonitorProjectSpec:
    name: Any = None
    code: Any = None
    department: Any = None
    department_code: Any = None
    unit: Any = None
    attribute: Any = None
    annual_goal: Any = None
    initial_budget: Any = None
    adjusted_budget: Any = None
    executed: Any = None
    expected_execution: Any = None
    possibility: Any = None
    deviation_reason: Any = None
    measures: Any = None
    version: Any = None  # 填报日期
    indicators: list[MonitorIndicatorSpec] = field(default_factory=list)
    year: int = 2026
    month: int = 9
    money_unit: str = "万元"


class MonitorFormWriter(FormWriter):
    """Writes form-layout monitoring sheets into an open xlsxwriter Workbook.

    With ``template=True`` the approved parts (project block, indicators, targets) are locked
    and the sheet is protected without a password; only the cells a department fills in —
    budgets after adjustment, amounts executed, actual values, 可能性, reasons, measures, date —
    stay editable, with drop-down lists and number checks, so drift and typing mistakes do
    not start.
    """

    def __init__(self, workbook):
        super().__init__(workbook)
        base = {"border": 1, "valign": "vcenter", "text_wrap": True}
        self.money = workbook.add_format({**base, "num_format": "#,##0.00"})
        self.number_format = self.value
        self.input = workbook.add_format({**base, "locked": False, "bg_color": "#FFF9E5"})
        self.input_money = workbook.add_format({**base, "locked": False, "bg_color": "#FFF9E5",
                                                "num_format": "#,##0.00"})

    # ------------------------------------------------------------------ sheet
    def write(self, sheet, project: MonitorProjectSpec, *, template: bool = False,
              blank_rows: int = 0) -> tuple[int, int]:
        """Write one project; returns the first and last indicator rows (0-based)."""
        month = project.month
        fixed = self.value
        entry = self.input if template else self.value
        entry_money = self.input_money if template else self.money
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, 2, 28)
        sheet.set_column(3, 7, 13)
        sheet.merge_range(0, 0, 0, 7, f"{project.year}年项目支出绩效运行监控表（1-{month}月）",
                          self.title)
        sheet.set_row(0, 30)
        sheet.write_string(1, 0, "填报单位（盖章）：")
        sheet.write_string(1, 6, f"金额单位：{project.money_unit}")
        self._pair(sheet, 2, "项目名称", project.name, fmt=fixed)
        self._pair(sheet, 2, "项目编码", project.code, col=4, fmt=fixed)
        self._pair(sheet, 3, "主管部门", project.department, fmt=fixed)
        self._pair(sheet, 3, "主管部门编码", project.department_code, col=4, fmt=fixed)
        self._pair(sheet, 4, "项目实施单位", project.unit, fmt=fixed)
        self._pair(sheet, 4, "项目属性", project.attribute, col=4, fmt=fixed)
        money = [("年初预算数", project.initial_budget, self.money),
                 ("全年预算数", project.adjusted_budget, entry_money),
                 (f"1-{month}月执行数", project.executed, entry_money),
                 ("全年预计执行数", project.expected_execution, entry_money)]
        for index, (label, value, fmt) in enumerate(money):
            sheet.write_string(5, index * 2, label, self.label)
            self._write(sheet, 5, index * 2 + 1, value, fmt)
        self._pair(sheet, 6, "年度目标", project.annual_goal, span=7, fmt=fixed)
        sheet.set_row(6, 36)
        header = ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "计量单位",
                  f"1-{month}月完成值", "全年预计完成情况"]
        for col, text in enumerate(header):
            sheet.write_string(7, col, text, self.label)
        first = 8
        indicators = list(project.indicators) or [MonitorIndicatorSpec() for _ in range(blank_rows)]
        self._write_indicators(sheet, first, indicators, fixed if template else self.value, entry)
        last = first + len(indicators) - 1
        tail = max(last, first - 1) + 2
        # The first row under the grid must leave the 三级指标/指标值 columns empty: the
        # reader ends the indicator grid at a project label such as 完成目标可能性.
        self._pair(sheet, tail, "完成目标可能性", project.possibility, span=7, fmt=entry)
        self._pair(sheet, tail + 1, "偏差原因分析", project.deviation_reason, span=7, fmt=entry)
        self._pair(sheet, tail + 2, "相关建议或举措", project.measures, span=7, fmt=entry)
        # 填报日期 last and alone on its row: the reader takes a blank value from the cell to
        # the right or below, so nothing that is not a field label may sit there.
        self._pair(sheet, tail + 3, "填报日期", project.version, fmt=entry)
        sheet.set_row(tail + 1, 36)
        sheet.set_row(tail + 2, 36)
        if template:
            self._validation(sheet, month, first, last, tail)
            sheet.protect("", {"format_cells": True, "format_columns": True, "format_rows": True})
        return first, last

    def _validation(self, sheet, month: int, first: int, last: int, tail: int) -> None:
        amount = {"validate": "decimal", "criteria": ">=", "value": 0,
                  "input_title": "金额（万元）", "input_message": "填写数字，单位万元；没有支出填 0",
                  "error_message": "请填写不小于 0 的数字（万元）"}
        for col in (3, 5, 7):
            sheet.data_validation(5, col, 5, col, amount)
        sheet.data_validation(tail, 1, tail, 1, {
            "validate": "list", "source": POSSIBILITIES, "input_title": "完成目标可能性",
            "input_message": "确定能 / 有可能 / 不可能；选“有可能”或“不可能”时须填写偏差原因分析和相关建议或举措"})
        if last >= first:
            sheet.data_validation(first, 6, last, 6, {
                "validate": "any", "input_title": f"1-{month}月完成值",
                "input_message": "定量指标填数字（可带单位），定性指标填 达成 / 部分达成 / 未达成"})

    def _write_indicators(self, sheet, first: int, indicators: list[MonitorIndicatorSpec],
                          fixed, entry) -> None:
        write_level_columns(sheet, first, indicators, fixed,
                            lambda row, col, value: self._write(sheet, row, col, value, fixed))
        for offset, indicator in enumerate(indicators):
            row = first + offset
            for col, attr in enumerate(("name", "nature", "target", "unit"), 2):
                self._write(sheet, row, col, getattr(indicator, attr), fixed)
            self._write(sheet, row, 6, indicator.actual, entry)
            self._write(sheet, row, 7, indicator.expected, entry)


def list_rows(project: MonitorProjectSpec) -> list[list[Any]]:
    """The rows of one project in list layout, in :func:`list_columns` order."""
    rows = []
    for indicator in project.indicators or [MonitorIndicatorSpec()]:
        rows.append([project.department_code, project.department, project.code, project.name,
                     project.unit, project.initial_budget, project.adjusted_budget,
                     project.executed, project.expected_execution, project.possibility,
                     project.deviation_reason, project.measures, indicator.level1,
                     indicator.level2, indicator.name, indicator.nature, indicator.target,
                     indicator.unit, indicator.actual, indicator.expected, project.version])
    return rows


def write_list_sheet(workbook, sheet_name: str, projects: list[MonitorProjectSpec], *,
                     title: str | None = None, total_row: bool = False, month: int = 9):
    """A list-layout sheet (as exported from a budget system): title, header, one row per
    indicator with the project columns repeated, optionally a 合计 row."""
    sheet, row = write_list_table(
        workbook, sheet_name, list_columns(month),
        (values for project in projects for values in list_rows(project)), title=title,
        header={"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                "text_wrap": True})
    if total_row:
        sheet.write_string(row, 0, "合计")
        for col, attr in ((5, "initial_budget"), (6, "adjusted_budget"), (7, "executed")):
            numbers = [getattr(p, attr) for p in projects
                       if isinstance(getattr(p, attr), (int, float))]
            sheet.write_number(row, col, sum(numbers))
    return sheet


INSTRUCTIONS = [
    ("填报说明", ""),
    ("1", "本表按项目填报，一个工作表一个项目；项目、指标及年度指标值按批复的绩效目标预先填好，请勿改动。"),
    ("2", "金额单位为万元。执行数填写截至监控期末（1-N月）的累计执行数，没有支出的填 0；预算调整的填写全年预算数。"),
    ("3", "完成值：定量指标填写数字（可带单位），定性指标填写“达成”“部分达成”或“未达成”。"),
    ("4", "完成目标可能性从“确定能、有可能、不可能”中选择；选“有可能”或“不可能”的，须填写偏差原因分析和相关建议或举措。"),
    ("5", "偏差原因从规划和目标设计、投入保障、制度保障、项目管理等方面分析。"),
    ("6", "填报日期写明本版本的日期（如 2026-10-08）；同一部门报送多份时以日期较新的为准。"),
]


def write_instructions(workbook, sheet_name: str = "填报说明"):
    return _write_instructions(workbook, sheet_name, INSTRUCTIONS)
