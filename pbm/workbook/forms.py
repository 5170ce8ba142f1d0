"""Write goal-declaration workbooks in form layout (表单式) and list layout (清单式).

Used by ``pbm template goal`` (a blank form with drop-down lists), by the sample-data
generator and by the tests' fixture generator, so every form pbm reads in its tests is
one a department could have filled in from pbm's own template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pbm.workbook.writer import write_value

LEVEL1 = ["产出指标", "效益指标", "满意度指标"]
LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
NATURES = ["≥", "≤", "=", ">", "<", "定性", "定量(其他)"]
ATTRIBUTES = ["新增项目", "延续项目"]
PRIOR = ["已开展", "未开展", "不适用"]
GOAL_LIST_COLUMNS = ["项目编码", "项目名称", "主管部门", "项目实施单位", "项目属性", "资金总额(万元)",
                     "财政拨款(万元)", "其他资金(万元)", "事前绩效评估", "年度目标", "一级指标", "二级指标",
                     "三级指标", "指标性质", "指标值", "计量单位", "权重", "指标值说明"]


@dataclass
class IndicatorSpec:
    level1: Any = None
    level2: Any = None
    name: Any = None
    nature: Any = None
    target: Any = None
    unit: Any = None
    weight: Any = None
    note: Any = None


@dataclass
class ProjectSpec:
    name: Any = None
    code: Any = None
    department: Any = None
    department_code: Any = None
    unit: Any = None
    manager: Any = None
    phone: Any = None
    attribute: Any = None
    period: Any = None
    prior_assessment: Any = None
    total: Any = None
    fiscal: Any = None
    other: Any = None
    carryover: Any = None
    overall_goal: Any = None
    annual_goal: Any = None
    indicators: list[IndicatorSpec] = field(default_factory=list)
    year: int = 2026
    money_header_unit: str = "万元"


class FormWriter:
    """Shared cell writing for the form-layout writers (goal, monitoring, self-evaluation).

    Formats are made once per workbook; submitted text is written with ``write_string`` so a
    value such as "=1+1" or "+86" never becomes a formula.
    """

    def __init__(self, workbook):
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 16, "align": "center",
                                          "valign": "vcenter", "font_name": "黑体"})
        self.label = workbook.add_format({"bold": True, "border": 1, "align": "center",
                                          "valign": "vcenter", "bg_color": "#F2F2F2",
                                          "text_wrap": True})
        self.value = workbook.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        self.money = workbook.add_format({"border": 1, "valign": "vcenter",
                                          "num_format": "#,##0.00"})
        self.number_format = self.value  # format for numbers written with the default format

    def _write(self, sheet, row: int, col: int, value: Any, fmt=None) -> None:
        fmt = fmt or self.value
        write_value(sheet, row, col, value, fmt,
                    number_fmt=self.number_format if fmt is self.value else fmt)

    def _pair(self, sheet, row: int, label: str, value: Any, col: int = 0, span: int = 3,
              fmt=None) -> None:
        """A label cell and its value merged over ``span`` columns to the right."""
        fmt = fmt or self.value
        sheet.write_string(row, col, label, self.label)
        if span > 1:
            sheet.merge_range(row, col + 1, row, col + span, None, fmt)
        self._write(sheet, row, col + 1, value, fmt)


class GoalFormWriter(FormWriter):
    """Writes form-layout goal sheets into an open xlsxwriter Workbook."""

    def write(self, sheet, project: ProjectSpec, *, blank_rows: int = 0, validation: bool = False):
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, 2, 28)
        sheet.set_column(3, 7, 13)
        sheet.merge_range(0, 0, 0, 7, f"{project.year}年项目支出绩效目标申报表", self.title)
        sheet.set_row(0, 30)
        sheet.write_string(1, 0, "填报单位（盖章）：")
        sheet.write_string(1, 6, f"金额单位：{project.money_header_unit}")
        self._pair(sheet, 2, "项目名称", project.name)
        self._pair(sheet, 2, "项目编码", project.code, col=4)
        self._pair(sheet, 3, "主管部门", project.department)
        self._pair(sheet, 3, "主管部门编码", project.department_code, col=4)
        self._pair(sheet, 4, "项目实施单位", project.unit)
        self._pair(sheet, 4, "项目负责人", project.manager, col=4)
        self._pair(sheet, 5, "项目属性", project.attribute)
        self._pair(sheet, 5, "项目起止时间", project.period, col=4)
        self._pair(sheet, 6, "事前绩效评估", project.prior_assessment)
        self._pair(sheet, 6, "联系电话", project.phone, col=4)
        unit = project.money_header_unit
        for col, (label, value) in enumerate([(f"资金总额({unit})", project.total),
                                              ("其中：财政拨款", project.fiscal),
                                              ("其他资金", project.other),
                                              ("上年结转", project.carryover)]):
            sheet.write_string(7, col * 2, label, self.label)
            self._write(sheet, 7, col * 2 + 1, value, self.money)
        self._pair(sheet, 8, "总体目标", project.overall_goal, span=7)
        self._pair(sheet, 9, "年度目标", project.annual_goal, span=7)
        sheet.set_row(8, 36)
        sheet.set_row(9, 36)
        header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "权重", "指标值说明"]
        for col, text in enumerate(header):
            sheet.write_string(10, col, text, self.label)
        first = 11
        indicators = list(project.indicators) or [IndicatorSpec() for _ in range(blank_rows)]
        self._write_indicators(sheet, first, indicators)
        last = first + len(indicators) - 1
        if validation and indicators:
            sheet.data_validation(first, 0, last, 0, {"validate": "list", "source": LEVEL1})
            all_level2 = [v for values in LEVEL2.values() for v in values]
            sheet.data_validation(first, 1, last, 1, {"validate": "list", "source": all_level2})
            sheet.data_validation(first, 3, last, 3, {"validate": "list", "source": NATURES})
            sheet.data_validation(5, 1, 5, 1, {"validate": "list", "source": ATTRIBUTES})
            sheet.data_validation(6, 1, 6, 1, {"validate": "list", "source": PRIOR})
        tail = last + 2
        self._pair(sheet, tail, "主管部门审核意见", None, span=7)
        self._pair(sheet, tail + 1, "填报日期", None, span=3)
        return first, last

    def _write_indicators(self, sheet, first: int, indicators: list[IndicatorSpec]):
        write_level_columns(sheet, first, indicators, self.value,
                            lambda row, col, value: self._write(sheet, row, col, value))
        for offset, indicator in enumerate(indicators):
            row = first + offset
            for col, attr in enumerate(("name", "nature", "target", "unit", "weight", "note"), 2):
                self._write(sheet, row, col, getattr(indicator, attr))


def write_level_columns(sheet, first: int, items: list, fmt, write, columns=(0, 1)) -> None:
    """一级/二级 cells merged vertically over their runs, as in published forms.

    ``items`` have ``level1``/``level2``; a blank (None) continues the run above; a 二级 run
    never crosses a change of 一级.  ``write(row, col, value)`` writes the first cell of a run.
    """
    for level_index, attr in ((0, "level1"), (1, "level2")):
        start = 0
        while start < len(items):
            value = getattr(items[start], attr)
            end = start
            while value is not None and end + 1 < len(items) \
                    and getattr(items[end + 1], attr) in (None, value) \
                    and (level_index == 0 or items[end + 1].level1 in (None, items[start].level1)):
                end += 1
            col = columns[level_index]
            if end > start:
                sheet.merge_range(first + start, col, first + end, col, None, fmt)
            write(first + start, col, value)
            start = end + 1


def write_list_table(workbook, sheet_name: str, columns: list[str], rows, *,
                     title: str | None = None, header: dict | None = None):
    """A list-layout sheet as budget systems export it: an optional merged title row, the
    header, then the rows (blank cells left empty, numbers as numbers, text as text — never a
    formula).  Returns the sheet and the next free row (for a 合计 row)."""
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format(header or {"bold": True, "border": 1, "text_wrap": True})
    row = 0
    if title:
        sheet.merge_range(0, 0, 0, len(columns) - 1, title, bold)
        row = 1
    for col, text in enumerate(columns):
        sheet.write_string(row, col, text, bold)
    row += 1
    for values in rows:
        for col, value in enumerate(values):
            write_value(sheet, row, col, value)
        row += 1
    return sheet, row


def list_rows(project: ProjectSpec) -> list[list[Any]]:
    """The rows of one project in list layout, in GOAL_LIST_COLUMNS order."""
    rows = []
    for indicator in project.indicators or [IndicatorSpec()]:
        rows.append([project.code, project.name, project.department, project.unit,
                     project.attribute, project.total, project.fiscal, project.other,
                     project.prior_assessment, project.annual_goal, indicator.level1,
                     indicator.level2, indicator.name, indicator.nature, indicator.target,
                     indicator.unit, indicator.weight, indicator.note])
    return rows


INSTRUCTIONS = [
    ("填报说明", ""),
    ("1", "本表按项目填报，一个工作表填一个项目；可复制工作表填报多个项目。"),
    ("2", "金额单位为万元；资金总额应等于财政拨款、其他资金与上年结转之和。"),
    ("3", "一级指标从“产出指标、效益指标、满意度指标”中选择；二级指标按下拉列表选择。"),
    ("4", "三级指标应具体、可衡量，名称不超过100字；不得把资金、人力等投入数量作为绩效目标。"),
    ("5", "指标性质选择 ≥、≤、=、定性 等；指标值填写数字，定性指标填写分级分档的表述。"),
    ("6", "定量指标必须填写计量单位；权重（分值）合计应为90分（预算执行率另占10分）。"),
    ("7", "新增项目资金总额达到200万元及以上的，须开展事前绩效评估并在“事前绩效评估”栏填写“已开展”。"),
    ("8", "请勿保留“**”“XX”等模板占位符。"),
]


def write_instructions(workbook, sheet_name: str = "填报说明", lines=None):
    """A 填报说明 (or 评分说明) sheet: a title line, then numbered instructions."""
    lines = INSTRUCTIONS if lines is None else lines
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 90)
    for row, (number, text) in enumerate(lines):
        sheet.write_string(row, 0, number, bold if row == 0 else None)
        if text:
            sheet.write_string(row, 1, text, wrap)
    return sheet
