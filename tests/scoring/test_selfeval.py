"""From a read 自评表 to the scoring inputs (pbm.scoring.selfeval), on forms and lists written
with pbm's own 自评表 writer: the money block and the 总分 row of a form, the fields of a list,
how typed lines are scored (时效, 定性, 不适用, a fraction for a percentage), and the findings of
the typing at the cells they name."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pbm.scoring.forms import SelfEvalIndicator, SelfEvalSpec, write_self_eval_workbook
from pbm.scoring.rules import ScoreRules
from pbm.scoring.selfeval import SelfEvalTyping, aggregate_groups, aggregate_units
from pbm.workbook.read import read_workbook

RULES = ScoreRules()


def _spec(name="教师培训", lines=None, **kw):
    lines = lines or [
        SelfEvalIndicator("产出指标", "数量指标", "培训人次", 500, 480, 20, 19.2),
        SelfEvalIndicator("产出指标", "质量指标", "合格率", "≥95%", "96%", 20, 20),
        SelfEvalIndicator("产出指标", "时效指标", "完成时间", "≤2026年10月", "2026年9月", 10, 10),
        SelfEvalIndicator("效益指标", "社会效益指标", "教学质量", "有效提升", "达成", 20, 18,
                          nature="定性"),
        SelfEvalIndicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "92%", 20, 20)]
    values = dict(name=name, code="C-1", department="教育局", unit="教师发展中心",
                  initial_budget=200, budget=200, executed=186.5, execution_score=9.33,
                  indicators=lines, total=96.53)
    values.update(kw)
    return SelfEvalSpec(**values)


def _inputs(path, year=2026):
    typing = SelfEvalTyping(RULES, year)
    return [typing.project(record, typing.typing.table(table))
            for table in read_workbook(path).tables for record in table.projects]


@pytest.mark.parametrize("layout", ["form", "list"])
def test_amounts_claims_and_lines_of_both_layouts(tmp_path, layout):
    path = write_self_eval_workbook(tmp_path / f"{layout}.xlsx", [_spec()], layout=layout)
    [inp] = [i for i in _inputs(path) if i.indicators]
    assert (inp.name, inp.department, inp.code) == ("教师培训", "教育局", "C-1")
    assert (inp.budget, inp.executed, inp.claimed_execution, inp.claimed_total) == \
        (D(200), D("186.5"), D("9.33"), D("96.53"))
    assert inp.execution_cell and inp.total_cell and inp.executed_cell
    count, rate, deadline, quality, satisfied = inp.indicators
    assert (count.op, count.target, count.actual, count.weight, count.claimed) == \
        ("≥", D(500), D(480), D(20), D("19.2"))
    assert (rate.target, rate.actual, rate.unit) == (D(95), D(96), "%")
    # a deadline is scored ≥ 1 of 1 when on time, and shows the operator it writes
    assert (deadline.op, deadline.target, deadline.actual, deadline.timeliness,
            deadline.written_op) == ("≥", D(1), D(1), True, "≤")
    assert (quality.op, quality.actual_tier) == ("定性", "达成")
    assert satisfied.cell("score") and satisfied.file == inp.file
    assert inp.findings == []


def test_the_form_takes_its_money_block_over_its_key_value_fields(tmp_path):
    """The 年度资金总额 row of the money block carries the budget, the amount executed and the
    unit's execution 得分; a blank 得分 there is no claim, reported at its own address."""
    path = write_self_eval_workbook(tmp_path / "f.xlsx", [_spec(execution_score=None)])
    [inp] = [i for i in _inputs(path) if i.indicators]
    [record] = [p for p in read_workbook(path).projects if p.line_count]
    assert inp.claimed_execution is None
    assert inp.execution_cell == record.money.columns["score"]
    assert inp.executed_cell == record.money.cells["executed"].a1


def test_findings_of_the_typing_name_their_cells(tmp_path):
    lines = [SelfEvalIndicator("产出指标", "数量指标", "培训人次", 500, 480, "二十", 19.2),
             SelfEvalIndicator("产出指标", "质量指标", "合格率", "≥95%", 0.96, 20, 20),
             SelfEvalIndicator("产出指标", "质量指标", "覆盖率", "**", "96%", 20, 20),
             SelfEvalIndicator("产出指标", "数量指标", "经费", "≥1.2E+05", "1.3E+05", 10, 10),
             SelfEvalIndicator("效益指标", "社会效益指标", "教学质量", "有效提升", "达成", 30,
                               "不适用", nature="定性")]
    path = write_self_eval_workbook(tmp_path / "l.xlsx", [_spec(lines=lines)], layout="list")
    [inp] = _inputs(path)
    found = {(f.code, f.cell) for f in inp.findings}
    # the list writer puts 指标值 in M, 实际完成值 in N, 分值 in P, the first line on row 2
    assert found == {("R-UNPARSEABLE", "P2"), ("S-ACTUAL-AS-FRACTION", "N3"),
                     ("R-PLACEHOLDER", "M4"), ("V-SCIENTIFIC", "M5"), ("V-SCIENTIFIC", "N5")}
    weightless, fraction, _, scientific, inapplicable = inp.indicators
    assert weightless.weight is None and fraction.actual == D(96)
    assert scientific.target == D(120000)
    assert not inapplicable.applicable and inapplicable.claimed is None


def test_units_of_one_project_are_summed_into_one_summary(tmp_path):
    first = write_self_eval_workbook(tmp_path / "甲.xlsx", [_spec(budget=200, executed=180)])
    second = write_self_eval_workbook(tmp_path / "乙.xlsx", [_spec(budget=100, executed=100)])
    inputs = [i for path in (first, second) for i in _inputs(path) if i.indicators]
    [group] = aggregate_groups(inputs)
    summary = aggregate_units(group)
    assert (summary.budget, summary.executed, summary.layout) == (D(300), D(280), "aggregate")
    count, rate = summary.indicators[:2]
    assert (count.target, count.actual) == (D(1000), D(960))  # counts are summed
    assert rate.actual == D(96)  # rates are weighted by each unit's budget
