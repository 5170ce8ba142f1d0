"""Typed indicators (pbm.indicators): what a line's 指标性质 / 计量单位 / 指标值 / 实际完成值 cells
mean — one answer for validate, monitor and score — on cells as departments write them, and
each distinct value typed once per run on a real workbook."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import xlsxwriter

from pbm import indicators
from pbm.indicators import Typing, normalise_level, normalise_nature, normalise_op, type_line
from pbm.workbook.read import read_workbook
from tests.builders import good_project, write_form_workbook, write_list_workbook


@pytest.mark.parametrize("nature, target, op", [
    ("≥", "95%", "≥"),            # 指标性质 gives the direction of a bare number
    ("反向指标", "5", "≤"),         # vendor spellings of 指标性质
    ("≥", "≤5%", "≤"),            # the operator written in the cell wins (templates write it there)
    (None, "≥95%", "≥"),
    (None, "95%", "≥"),           # no operator anywhere: higher is better
    (None, 0, "="),               # a target of 0 (事故 0 起): = 0
    ("定性", "有效提升", "定性"),
    (None, "有效提升", "定性"),     # a text target is qualitative
    ("定量(其他)", "12", "定量(其他)"),  # scored by hand
    (None, None, None),           # no target
])
def test_the_operator_a_line_is_judged_by(nature, target, op):
    assert type_line(nature, None, target, None).op == op


def test_the_comparison_of_a_qualitative_or_deadline_line_is_its_targets():
    """Monitor's lights and drift compare targets by the comparison they state: 定性 with a
    numeric target compares as the target implies."""
    assert type_line("定性", None, 0, 0).comparison == "="
    assert type_line("≤", None, "2026年10月", "2026年9月").comparison == "≤"
    assert type_line("≥", None, "≤5", 3).comparison == "≤"


def test_a_deadline_is_on_time_or_not():
    on_time = type_line("≤", None, "≤2026年12月", "2026年11月", year=2026)
    late = type_line(None, None, "2026年6月底", "2026年9月30日", year=2026)
    assert (on_time.op, on_time.on_time, on_time.timeliness) == ("≤", True, True)
    assert (late.op, late.on_time) == ("date", False)
    assert type_line(None, None, 95, 96).on_time is None  # not a 时效 line


@pytest.mark.parametrize("cells", [
    ("不适用", None, "≥95%", "96%"),   # 指标性质
    ("≥", None, "不适用", None),       # 指标值
    ("≥", None, "≥95%", "本年不适用"),   # 实际完成值
    ("≥", None, "≥95%", "N/A"),
])
def test_inapplicable_lines(cells):
    assert type_line(*cells).inapplicable


def test_a_fraction_under_a_percentage_target_is_read_as_the_percentage_it_shows():
    fraction = type_line("≥", "%", 95, 0.92)  # a cell formatted as % holds 0.92
    assert (fraction.actual.number, fraction.actual.text, fraction.fraction_of) == \
        (D("92"), "92%", "0.92")
    assert type_line("≥", "%", 95, 1).actual.number == D(100)  # 100 % stored as 1
    # a cell formatted as text holding "0.9" reads like the number 0.9; a text with its own
    # unit says what it means
    as_text = type_line("≥", "%", "≥95%", "0.9")
    assert (as_text.actual.number, as_text.fraction_of) == (D(90), "0.9")
    assert type_line("≥", "%", 95, "0.92%").fraction_of is None
    assert type_line("≥", "%", 0.5, 0.92).fraction_of is None  # a target of 0.5 % is no rate
    assert type_line("≥", "人", 95, 0.92).fraction_of is None


def test_cells_in_scientific_notation_are_named():
    line = type_line("≥", None, "1.2E+05", "1.3E+05")
    assert line.target.number == D(120000)
    assert [(field, number) for field, _, number in line.scientific] == \
        [("target", "120000"), ("actual", "130000")]
    assert type_line("≥", None, 120000.0, 130000.0).scientific == ()  # numbers as numbers


def test_the_actual_takes_the_targets_unit_when_the_line_writes_none():
    line = type_line("≤", None, "≤5万元", "30000元")
    assert (line.actual.number, line.actual.unit) == (D(3), "万元")


def test_quantified_lines_count_by_nature_else_target():
    assert type_line("≥", None, "有效提升", None).quantitative  # 指标性质 says so
    assert not type_line("定性", None, 95, None).quantitative
    assert type_line(None, None, "95%", None).quantitative
    assert not type_line(None, None, "有效提升", None).quantitative


def test_one_table_of_spellings():
    assert [normalise_nature(t) for t in ("正向指标", "＞=", " ≧ ", "小于等于", "定量（其他）")] == \
        ["≥", "≥", "≥", "≤", "定量(其他)"]
    assert [normalise_op(t) for t in (">=", "<=", "＝", None)] == ["≥", "≤", "=", None]
    assert [normalise_level(t) for t in ("产出", "满意度", "社会公众或服务对象满意度指标")] == \
        ["产出指标", "满意度指标", "服务对象满意度指标"]


def _logical_workbook(path):
    """A list whose 指标值/权重 columns hold TRUE beside 1 (they are equal as keys)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("指标")
    sheet.write_row(0, 0, ["项目名称", "主管部门", "一级指标", "二级指标", "三级指标", "指标值", "权重"])
    for r, (target, weight) in enumerate([(1, 1), (True, True), (1.0, 1.0)], start=1):
        sheet.write_row(r, 0, ["校舍维修", "教育局", "产出指标", "数量指标", f"指标{r}"])
        for c, value in ((5, target), (6, weight)):
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    return path


def test_true_is_not_typed_as_one(tmp_path):
    [project] = read_workbook(_logical_workbook(tmp_path / "t.xlsx")).projects
    typed = Typing().table(project.table)
    lines = typed.lines(project)
    assert [line.target.kind for line in lines] == ["number", "qualitative", "number"]
    assert [w.number for w in typed.numbers(project, "weight")] == [D(1), None, D(1)]


def test_each_distinct_line_is_typed_once_per_run(tmp_path, monkeypatch):
    projects = [good_project(), good_project("危桥改造", code="P2026002")]
    paths = [write_list_workbook(tmp_path / "清单.xlsx", projects),
             write_form_workbook(tmp_path / "表单.xlsx", projects)]
    calls = []
    real = indicators.type_line
    monkeypatch.setattr(indicators, "type_line", lambda *a, **k: calls.append(a) or real(*a, **k))
    typing = Typing(2026)
    seen = []
    for path in paths:
        for table in read_workbook(path).tables:
            typed = typing.table(table)
            for project in table.projects:
                seen.extend(typed.lines(project))
    assert len(seen) == 4 * 6  # two projects of six lines, in two workbooks
    assert len(calls) == len(set(calls)) == 6  # the same six lines, typed once each
    assert len({id(line) for line in seen}) == 6


@pytest.mark.parametrize(("target", "category", "op", "number", "unit"), [
    ("总成本不超200万", None, "≤", D(200), "万"),
    ("总成本不超200万", "成本", "≤", D(200), "万元"),      # 万 is 万元 in a cost
    ("250万", "成本", "≤", D(250), "万元"),                # a cost is a cap
    ("250万", None, "≥", D(250), "万"),
    ("3个小时内", None, "≤", D(3), "小时"),               # the unit after 个
    ("3个月内归档", None, "≤", D(3), "个月"),
    ("3个工作日", "时效", "≤", D(3), "工作日"),           # a bare duration is a limit
    ("3个工作日", None, "≥", D(3), "工作日"),
    ("100%", "时效", "≥", D(100), "%"),                   # no duration: no limit
    ("半小时内", None, "≤", D("0.5"), "小时"),
    ("三小时内", None, "≤", D(3), "小时"),
    ("两小时之内", None, "≤", D(2), "小时"),
    ("十个工作日内", None, "≤", D(10), "工作日"),
    ("达到95%以上", None, "≥", D(95), "%"),
    ("≥530元/人*月", None, "≥", D(530), "元/人*月"),      # * between units is no placeholder
    ("不超過3個小時", None, "≤", D(3), "小时"),            # traditional characters
])
def test_targets_as_departments_write_them(target, category, op, number, unit):
    typed = type_line(None, None, target, None, year=2023, category=category)
    assert (typed.op, typed.target.number, typed.target.unit) == (op, number, unit)
    assert typed.target.text == target  # shown as written


def test_a_day_before_which_is_a_deadline_in_the_forms_year():
    typed = type_line(None, None, "12月31日前", "2023年11月20日", year=2023)
    assert typed.target.kind == "date" and str(typed.target.date) == "2023-12-31"
    assert typed.on_time is True


@pytest.mark.parametrize("text", ["统一标准", "第一年", "一次性发放到位", "三月底前"])
def test_chinese_numerals_only_count_durations(text):
    assert type_line(None, None, text, None).target.number is None


@pytest.mark.parametrize("text", ["{{目标值}}", "${target}", "≥**人"])
def test_template_variables_are_placeholders(text):
    assert type_line(None, None, text, None).target.placeholder
