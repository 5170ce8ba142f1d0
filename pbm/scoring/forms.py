"""Write 项目支出绩效自评表 (self-evaluation) and 评价评分表 (evaluation scoring) workbooks.

Used by ``pbm template self-eval`` / ``pbm template evaluation``, the sample-data generator,
the tests and the benchmark, so every workbook ``pbm score`` is tested on is one a unit could
have filled in from pbm's own template.

* Self-evaluation form (表单式), the national layout (池州市贵池区 2022 自评表): title, 项目名称 /
  主管部门 / 实施单位, the money block as a small table (年初预算数 | 全年预算数 | 全年执行数 |
  分值 | 执行率 | 得分 over the rows 年度资金总额 / 其中：本年财政拨款 / 上年结转资金 / 其他资金),
  年度总体目标, the indicator grid (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 |
  偏差原因分析及改进措施) with 一级/二级 merged vertically, then 总分 and 自评等级.
* Self-evaluation list (清单式): one row per indicator, project columns repeated.
* Evaluation scoring sheet (评分表, pbm's layout): 项目名称, 评价组, 评价人, then
  一级 | 二级 | 三级 | 分值 | 评分要点 | 得分 | 扣分原因.  One sheet per evaluator: each
  evaluator fills a copy; a workbook (or several) holds the copies (README, ``pbm score``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from pbm.scoring.frameworks import SCORING_SHEET_HEADER
from pbm.workbook.forms import (
    FormWriter,
    write_instructions,
    write_level_columns,
    write_list_table,
    write_value,
)
from pbm.workbook.writer import build_xlsx

SELF_EVAL_LIST_COLUMNS = [
    "项目编码", "项目名称", "主管部门", "实施单位", "全年预算数(万元)", "全年执行数(万元)",
    "预算执行率得分", "自评总分", "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值",
    "实际完成值", "计量单位", "分值", "得分", "偏差原因分析及改进措施",
]
SELF_EVAL_INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                              "得分", "偏差原因分析及改进措施"]
MONEY_HEADER = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
EVALUATOR_GROUPS = ["财政", "主管部门", "项目单位", "第三方", "群众代表"]


@dataclass
class SelfEvalIndicator:
    """One 三级 line of a 自评表; values are written as given (numbers or text)."""

    level1: Any = None
    level2: Any = None
    name: Any = None
    target: Any = None  # 年度指标值 as written: "≥95%", "≤90万元", "有效提升"
    actual: Any = None  # 实际完成值: "90%", 99, "达成"
    weight: Any = None  # 分值
    score: Any = None  # the unit's own 得分
    deviation: Any = None  # 偏差原因分析及改进措施
    nature: Any = None  # 指标性质 (list layout only: ≥ ≤ = 定性 不适用)
    unit: Any = None  # 计量单位 (list layout only)


@dataclass
class SelfEvalSpec:
    """One project's 自评表 (池州市贵池区 2022 layout)."""

    name: Any = None
    code: Any = None
    department: Any = None
    unit: Any = None  # 实施单位
    initial_budget: Any = None  # 年初预算数
    budget: Any = None  # 全年预算数 (adjusted, incl. 上年结转)
    executed: Any = None  # 全年执行数
    carryover: Any = 0  # 上年结转资金 (全年预算数 column)
    other: Any = 0  # 其他资金 (全年预算数 column)
    execution_weight: Any = 10  # 分值 of the money block
    execution_score: Any = None  # the unit's own 得分 of the money block
    goal_expected: Any = None
    goal_actual: Any = None
    indicators: list[SelfEvalIndicator] = field(default_factory=list)
    total: Any = None  # the unit's own 总分
    grade: Any = None  # the unit's own 自评等级
    year: int = 2026
    money_unit: str = "万元"


def _rate_text(budget: Any, executed: Any) -> str | None:
    if not isinstance(budget, (int, float, Decimal)) or not isinstance(executed, (int, float, Decimal)):
        return None
    if not budget:
        return None
    rate = Decimal(str(executed)) / Decimal(str(budget)) * 100
    return f"{rate.quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


class SelfEvalFormWriter(FormWriter):
    """Writes form-layout 自评表 sheets into an open xlsxwriter Workbook."""

    def __init__(self, workbook):
        super().__init__(workbook)
        self.number = workbook.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00"})
        self.number_format = self.number

    def _merged(self, sheet, row: int, first: int, last: int, value: Any, fmt=None) -> None:
        if last > first:
            sheet.merge_range(row, first, row, last, None, fmt or self.value)
        self._write(sheet, row, first, value, fmt)

    def write(self, sheet, spec: SelfEvalSpec, *, blank_rows: int = 0) -> dict[str, int]:
        """Write one project; returns the 0-based rows of the blocks (for tests)."""
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, 2, 26)
        sheet.set_column(3, 6, 13)
        sheet.set_column(7, 7, 30)
        sheet.merge_range(0, 0, 0, 7, f"{spec.year}年度项目支出绩效自评表", self.title)
        sheet.set_row(0, 30)
        sheet.write_string(1, 6, f"金额单位：{spec.money_unit}")
        sheet.write_string(2, 0, "项目名称", self.label)
        self._merged(sheet, 2, 1, 7, spec.name)
        sheet.write_string(3, 0, "主管部门", self.label)
        self._merged(sheet, 3, 1, 3, spec.department)
        sheet.write_string(3, 4, "实施单位", self.label)
        self._merged(sheet, 3, 5, 7, spec.unit)
        if spec.code is not None:
            sheet.write_string(1, 0, "项目编码", self.label)
            self._merged(sheet, 1, 1, 3, spec.code)

        # Money block: a small table, as published (池州市贵池区 2022 自评表).
        sheet.merge_range(4, 0, 8, 0, f"项目资金（{spec.money_unit}）", self.label)
        sheet.write_blank(4, 1, None, self.label)
        for offset, text in enumerate(MONEY_HEADER):
            sheet.write_string(4, 2 + offset, text, self.label)
        rate = _rate_text(spec.budget, spec.executed)
        rows = [
            ("年度资金总额", spec.initial_budget, spec.budget, spec.executed,
             spec.execution_weight, rate, spec.execution_score),
            ("其中：本年财政拨款", spec.initial_budget, _minus(spec.budget, spec.carryover, spec.other),
             spec.executed, "—", "—", "—"),
            ("上年结转资金", 0, spec.carryover, 0, "—", "—", "—"),
            ("其他资金", 0, spec.other, 0, "—", "—", "—"),
        ]
        for offset, values in enumerate(rows):
            row = 5 + offset
            sheet.write_string(row, 1, values[0], self.label)
            for col, value in enumerate(values[1:], start=2):
                self._write(sheet, row, col, value)

        sheet.merge_range(9, 0, 10, 0, "年度总体目标", self.label)
        self._merged(sheet, 9, 1, 4, "预期目标", self.label)
        self._merged(sheet, 9, 5, 7, "实际完成情况", self.label)
        self._merged(sheet, 10, 1, 4, spec.goal_expected)
        self._merged(sheet, 10, 5, 7, spec.goal_actual)
        sheet.set_row(10, 36)

        header_row = 11
        for col, text in enumerate(SELF_EVAL_INDICATOR_HEADER):
            sheet.write_string(header_row, col, text, self.label)
        first = header_row + 1
        indicators = list(spec.indicators) or [SelfEvalIndicator() for _ in range(blank_rows)]
        self._write_indicators(sheet, first, indicators)
        last = first + len(indicators) - 1
        total_row = last + 1
        self._merged(sheet, total_row, 0, 4, "总分", self.label)
        weight_total = _sum_numbers([spec.execution_weight, *(i.weight for i in indicators)])
        self._write(sheet, total_row, 5, weight_total)
        self._write(sheet, total_row, 6, spec.total)
        self._write(sheet, total_row, 7, None)
        sheet.write_string(total_row + 1, 0, "自评等级", self.label)
        self._merged(sheet, total_row + 1, 1, 3, spec.grade)
        return {"money_header": 4, "money_total": 5, "indicator_header": header_row,
                "first_indicator": first, "total": total_row}

    def _write_indicators(self, sheet, first: int, indicators: list[SelfEvalIndicator]) -> None:
        write_level_columns(sheet, first, indicators, self.value,
                            lambda row, col, value: self._write(sheet, row, col, value))
        for offset, indicator in enumerate(indicators):
            row = first + offset
            for col, attr in enumerate(("name", "target", "actual", "weight", "score",
                                        "deviation"), start=2):
                self._write(sheet, row, col, getattr(indicator, attr))


def _minus(total: Any, *parts: Any) -> Any:
    if not isinstance(total, (int, float, Decimal)):
        return total
    result = Decimal(str(total))
    for part in parts:
        if isinstance(part, (int, float, Decimal)):
            result -= Decimal(str(part))
    return float(result)


def _sum_numbers(values) -> float | None:
    numbers = [Decimal(str(v)) for v in values
               if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)]
    return float(sum(numbers, Decimal(0))) if numbers else None


def self_eval_list_rows(spec: SelfEvalSpec) -> list[list[Any]]:
    """The rows of one project in list layout, in SELF_EVAL_LIST_COLUMNS order."""
    rows = []
    for indicator in spec.indicators or [SelfEvalIndicator()]:
        rows.append([spec.code, spec.name, spec.department, spec.unit, spec.budget, spec.executed,
                     spec.execution_score, spec.total, indicator.level1, indicator.level2,
                     indicator.name, indicator.nature, indicator.target, indicator.actual,
                     indicator.unit, indicator.weight, indicator.score, indicator.deviation])
    return rows


def write_self_eval_workbook(path: Path, specs: list[SelfEvalSpec], *, layout: str = "form",
                             title: str | None = None, sheet_names: list[str] | None = None,
                             instructions: bool = True) -> Path:
    """A 自评表 workbook: one sheet per project (form) or one list sheet (list)."""

    def build(workbook) -> None:
        if layout == "form":
            writer = SelfEvalFormWriter(workbook)
            for index, spec in enumerate(specs):
                name = sheet_names[index] if sheet_names else f"项目{index + 1}"
                writer.write(workbook.add_worksheet(name), spec)
        elif layout == "list":
            write_list_table(workbook, sheet_names[0] if sheet_names else "自评汇总",
                             SELF_EVAL_LIST_COLUMNS,
                             (values for spec in specs for values in self_eval_list_rows(spec)),
                             title=title)
        else:
            raise ValueError(f"layout must be form or list, not {layout!r}")
        if instructions:
            write_self_eval_instructions(workbook)

    return build_xlsx(path, build)


SELF_EVAL_INSTRUCTIONS = [
    ("填报说明", ""),
    ("1", "本表按项目填报，一个工作表填一个项目；可复制工作表填报多个项目。金额单位为万元。"),
    ("2", "全年预算数为调整后预算（含上年结转）；执行率 = 全年执行数 / 全年预算数；"
          "预算执行率得分 = 执行率 × 分值，最高为分值。"),
    ("3", "实际完成值填写实际达到的数值，不带 ≥、≤ 等计算符号；定性指标填写“达成”“部分达成”"
          "或“未达成”。"),
    ("4", "定量指标：达到年度指标值得满分，未达到按实际完成值 / 年度指标值 × 分值计分；"
          "反向指标（≤）按年度指标值 / 实际完成值 × 分值计分（以所用规则预设为准）。"),
    ("5", "定性指标：达成得分值的 80%–100%，部分达成 60%–80%（不含），未达成 60% 以下。"),
    ("6", "不适用的指标在“实际完成值”栏填写“不适用”，总分按适用指标分值折算为百分制。"),
    ("7", "总分 = 预算执行率得分 + 各项指标得分；等级：优 ≥90，良 80–90，中 60–80，差 <60。"),
]


def write_self_eval_instructions(workbook, sheet_name: str = "填报说明"):
    return write_instructions(workbook, sheet_name, SELF_EVAL_INSTRUCTIONS)


# --------------------------------------------------------------------------- evaluation sheets

@dataclass
class EvaluationSheetSpec:
    """One evaluator's filled (or blank) scoring sheet."""

    project: Any = None
    department: Any = None
    group: Any = None  # 财政/主管部门/项目单位/第三方/群众代表
    evaluator: Any = None
    scores: list[Any] | None = None  # 得分 per framework row, in framework order
    reasons: list[Any] | None = None  # 扣分原因 per row


def write_evaluation_sheet(workbook, sheet, framework, spec: EvaluationSheetSpec, *,
                           formats: dict | None = None, validation: bool = False,
                           groups: list[str] | None = None) -> None:
    """The 评分表 of a framework (pbm.scoring.frameworks.Framework) for one evaluator."""
    formats = formats or evaluation_formats(workbook)
    label, value, wrap = formats["label"], formats["value"], formats["wrap"]
    sheet.set_column(0, 1, 12)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 8)
    sheet.set_column(4, 4, 60)
    sheet.set_column(5, 5, 8)
    sheet.set_column(6, 6, 30)
    title = framework.title or "项目支出绩效评价评分表"
    sheet.merge_range(0, 0, 0, 6, f"绩效评价评分表 — {title}", formats["title"])
    sheet.set_row(0, 28)
    sheet.write_string(1, 0, "项目名称", label)
    sheet.merge_range(1, 1, 1, 3, None, value)
    write_value(sheet, 1, 1, spec.project, value)
    sheet.write_string(1, 4, "评价组", label)
    sheet.merge_range(1, 5, 1, 6, None, value)
    write_value(sheet, 1, 5, spec.group, value)
    sheet.write_string(2, 0, "主管部门", label)
    sheet.merge_range(2, 1, 2, 3, None, value)
    write_value(sheet, 2, 1, spec.department, value)
    sheet.write_string(2, 4, "评价人", label)
    sheet.merge_range(2, 5, 2, 6, None, value)
    write_value(sheet, 2, 5, spec.evaluator, value)
    if validation:
        sheet.data_validation(1, 5, 1, 5, {"validate": "list",
                                           "source": groups or EVALUATOR_GROUPS})
    # A note row between the key-value block and the grid keeps a blank 主管部门/评价人 row
    # from being taken for the first row of a two-row header.
    sheet.merge_range(3, 0, 3, 6, "请逐项打分：得分不超过该行分值，扣分的请在“扣分原因”栏写明依据。",
                      formats["note"])
    for col, text in enumerate(SCORING_SHEET_HEADER):
        sheet.write_string(4, col, text, label)
    first = 5
    items = framework.indicators
    write_level_columns(sheet, first, items, value,
                        lambda row, col, text: sheet.write_string(row, col, text, value))
    for offset, item in enumerate(items):
        row = first + offset
        sheet.write_string(row, 2, item.level3, value)
        sheet.write_number(row, 3, float(item.weight), value)
        sheet.write_string(row, 4, item.scoring_note, wrap)
        score = spec.scores[offset] if spec.scores and offset < len(spec.scores) else None
        write_value(sheet, row, 5, score, value)
        reason = spec.reasons[offset] if spec.reasons and offset < len(spec.reasons) else None
        write_value(sheet, row, 6, reason, wrap)
    if validation and items:
        sheet.data_validation(first, 5, first + len(items) - 1, 5, {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "error_message": "得分应为不小于 0 的数字，且不超过分值"})
    total_row = first + len(items)
    sheet.write_string(total_row, 0, "合计", label)
    sheet.write_number(total_row, 3, float(framework.indicator_total), label)


def evaluation_formats(workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14, "align": "center",
                                      "valign": "vcenter"}),
        "label": workbook.add_format({"bold": True, "border": 1, "align": "center",
                                      "valign": "vcenter", "bg_color": "#F2F2F2"}),
        "value": workbook.add_format({"border": 1, "valign": "vcenter"}),
        "wrap": workbook.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "note": workbook.add_format({"italic": True, "font_color": "#595959"}),
    }


EVALUATION_INSTRUCTIONS = [
    ("评分说明", ""),
    ("1", "每位评价人填写一张评分表（一个工作表）：复制“评分表”工作表，填写项目名称、评价组和评价人后逐项打分。"),
    ("2", "评价组从“财政、主管部门、项目单位、第三方、群众代表”中选择；各组权重在 pbm.toml 的 "
          "[score.group_weights] 中设置。"),
    ("3", "得分不得超过该行分值；扣分的请在“扣分原因”栏写明依据。"),
    ("4", "同一项目的各张评分表可放在一个工作簿中，也可分别保存为多个文件；pbm score 按项目名称汇总。"),
    ("5", "综合得分 = Σ 组权重 × 组内平均分 / 参与评分各组权重之和；同时给出各组得分、组间极差和异常评分人。"),
]


def write_evaluation_workbook(path: Path, framework, sheets: list[EvaluationSheetSpec], *,
                              sheet_names: list[str] | None = None, validation: bool = False,
                              groups: list[str] | None = None, instructions: bool = True) -> Path:
    """A workbook of scoring sheets, one per evaluator (blank specs give the template)."""

    def build(workbook) -> None:
        formats = evaluation_formats(workbook)
        for index, spec in enumerate(sheets):
            name = sheet_names[index] if sheet_names else (
                "评分表" if len(sheets) == 1 else f"评分表{index + 1}")
            write_evaluation_sheet(workbook, workbook.add_worksheet(name[:31]), framework, spec,
                                   formats=formats, validation=validation, groups=groups)
        if instructions:
            write_instructions(workbook, "评分说明", EVALUATION_INSTRUCTIONS)

    return build_xlsx(path, build)
