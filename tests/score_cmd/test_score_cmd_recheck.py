"""Recheck (复核) through workbooks: every S-code on the cell that causes it, in both layouts,
and the 复核差异 sheet naming the scoring method that reproduces each claimed score."""

from __future__ import annotations

import openpyxl
import pytest

from tests.score_cmd.score_cmd_helpers import (
    LAYOUTS,
    line,
    line_cell,
    lines_of,
    project,
    project_of,
    qual,
    score_json,
    write,
)

CLAIMS = [
    line("维修校舍面积", "≥18000", 16560, 20, 19.5),                  # 0 S-INFLATED (pbm 18.40)
    line("任务完成率", "≥95%", "92%", 15, 15, level2="质量指标"),     # 1 S-FULL-DESPITE-SHORTFALL
    line("公交线路条数", "≥42", 42, 20, 16),                           # 2 S-DEDUCTED-WHEN-MET
    line("建成智慧教室", "≥120间", "≥120间", 10, 10),                  # 3 S-ACTUAL-REPEATS-TARGET
    line("服务对象满意度", "≥90%", "92%", 10, None, level1="满意度指标",
         level2="服务对象满意度指标"),                                  # 4 S-MISSING-SCORE
    qual("长效管护机制", "部分达成", 10, 8),                            # 5 S-QUAL-OUT-OF-TIER
    line("单位成本控制", "≤0.5万元", "0.75万元", 5, 2.5, level2="成本指标"),  # 6 R2 claim
]
CLAIMED_PARTS = 19.5 + 15 + 16 + 10 + 8 + 2.5 + 10  # lines + execution 10


def _spot_check_project():
    # 540 executed of 520: S-EXEC-OVER-100; total written 3 points above its parts.
    return project("复核项目", CLAIMS, budget=520, executed=540, execution_score=10,
                   total=CLAIMED_PARTS + 3)


def _overweight_project():
    return project("权重不符项目", [line("数量", "≥10", 10, 60, 60), line("质量", "≥90%", "95%", 40, 40)],
                   budget=100, executed=100, execution_score=10, total=110)


def _cells(layout):
    money = {"form": ("E6", "G20"), "list": ("F3", "H3")}[layout]  # 全年执行数, 总分
    return {
        ("S-INFLATED", line_cell(layout, "score", 0)),
        ("S-FULL-DESPITE-SHORTFALL", line_cell(layout, "score", 1)),
        ("S-DEDUCTED-WHEN-MET", line_cell(layout, "score", 2)),
        ("S-ACTUAL-REPEATS-TARGET", line_cell(layout, "actual", 3)),
        ("S-MISSING-SCORE", line_cell(layout, "score", 4)),
        ("S-QUAL-OUT-OF-TIER", line_cell(layout, "score", 5)),
        ("S-UNDERSTATED", line_cell(layout, "score", 6)),
        ("S-EXEC-OVER-100", money[0]),
        ("S-TOTAL-MISMATCH", money[1]),
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_recheck_finding_names_its_cell(tmp_path, run_pbm, layout):
    path = write(tmp_path, "复核", [_spot_check_project(), _overweight_project()], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 1, err
    found = {(f["code"], f["cell"]) for f in data["findings"] if f["project"] == "复核项目"}
    assert found == _cells(layout)
    weight = [f for f in data["findings"] if f["code"] == "S-WEIGHT-TOTAL"]
    assert [(f["project"], f["cell"], f["severity"]) for f in weight] == \
        [("权重不符项目", None, "error")]
    assert "合计 100，应为 90" in weight[0]["message"]
    result = project_of(data, "复核项目")
    assert result["claimed_total"] == CLAIMED_PARTS + 3
    # pbm: 18.40 + 14.53 + 20 + 10 + 10 + 7.99 + 3.33 + execution 10 (capped at the weight)
    assert result["recomputed_total"] == 94.25
    assert result["execution_score"] == 10.0
    lines = lines_of(data, "复核项目")
    assert lines["单位成本控制"]["recomputed"] == 3.33  # R1: 5 × 0.5/0.75
    assert lines["服务对象满意度"]["claimed"] is None


def _sheet_rows(path, name):
    sheet = openpyxl.load_workbook(path, read_only=True)[name]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_recheck_sheet_says_which_rule_gives_each_claim(tmp_path, run_pbm, layout):
    path = write(tmp_path, "复核", [_spot_check_project()], layout)
    run_pbm("score", path, "--out", tmp_path / "out", "--quiet", cwd=tmp_path)
    rows = {row["指标"]: row for row in _sheet_rows(tmp_path / "out" / "scores-2026.xlsx", "复核差异")}
    method = "能得出自评分的计分方法"
    assert rows["单位成本控制"][method] == "反向线性扣减法"           # 5 × (1 − 0.25/0.5) = 2.50
    assert rows["单位成本控制"]["复核计分规则"] == "反向（比值法）"
    assert rows["任务完成率"][method] == "直接给满分"
    assert rows["维修校舍面积"][method] == "无（常见计分方法均得不出该分数）"
    assert rows["维修校舍面积"]["问题代码"] == "S-INFLATED"
    assert (rows["维修校舍面积"]["自评得分"], rows["维修校舍面积"]["复核得分"]) == (19.5, 18.4)
    assert rows["预算执行率"]["问题代码"] == "S-EXEC-OVER-100"
    assert rows["总分"]["问题代码"] == "S-TOTAL-MISMATCH"
    assert rows["总分"][method] == "无（常见计分方法均得不出该分数）"
    assert rows["建成智慧教室"]["问题代码"] == "S-ACTUAL-REPEATS-TARGET"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_weight_times_actual_percent_is_recognised(tmp_path, run_pbm, layout):
    spec = project("妇幼健康服务", [
        line("孕产妇系统管理率", "≥95%", "88%", 15, 13.2, level2="质量指标"),
        line("建档人数", "≥100", 100, 75, 75)], budget=100, executed=100, execution_score=10)
    path = write(tmp_path, "pct", [spec], layout)
    code, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    [finding] = [f for f in data["findings"] if f["code"] == "S-UNDERSTATED"]
    assert finding["cell"] == line_cell(layout, "score", 0)
    assert "分值×实际完成百分比" in finding["message"]  # 15 × 88 % = 13.20; pbm 13.89


def test_configured_default_share_fills_a_blank_qualitative_score(workspace, run_pbm):
    config = workspace / "pbm.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[score.qualitative_defaults]\n"达成" = 1.0\n"部分达成" = 0.7\n',
                      encoding="utf-8")
    spec = project("定性默认", [line("数量", "≥10", 10, 70, 70), qual("社会效益", "部分达成", 20)],
                   budget=100, executed=100, execution_score=10)
    path = write(workspace / "self-eval", "qual", [spec], "form")
    code, data, _ = score_json(run_pbm, path, cwd=workspace)
    assert lines_of(data, "定性默认")["社会效益"]["recomputed"] == 14.0  # 0.7 × 20
    [missing] = [f for f in data["findings"] if f["code"] == "S-MISSING-SCORE"]
    assert missing["cell"] == "G14" and "已按默认档次比例计 14.00 分" in missing["message"]
    assert project_of(data, "定性默认")["recomputed_total"] == 94.0
    assert code == 0  # a filled default is a warning, not an error


def test_provincial_preset_scores_execution_out_of_20(workspace, run_pbm):
    (workspace / "pbm.toml").write_text('preset = "provincial-exec20"\n\n[workspace]\nyear = 2026\n',
                                        encoding="utf-8")
    spec = project("省级口径", [line("数量", "≥10", 10, 80, 80)], budget=200, executed=186.5,
                   execution_score=18.65, total=98.65)
    spec.execution_weight = 20
    path = write(workspace / "self-eval", "prov", [spec], "form")
    code, data, err = score_json(run_pbm, path, cwd=workspace)
    assert code == 0, err
    result = project_of(data, "省级口径")
    assert (result["execution_score"], result["recomputed_total"]) == (18.65, 98.65)
    assert data["settings"]["reverse_rule"] == "R2"
    assert not [f for f in data["findings"] if f["code"].startswith("S-")]


def test_the_execution_weight_the_form_states_is_the_one_rechecked(tmp_path, run_pbm):
    spec = project("分值不同", [line("数量", "≥10", 10, 80, 80)], budget=100, executed=90,
                   execution_score=18)
    spec.execution_weight = 20
    path = write(tmp_path, "w20", [spec], "form")
    _, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    said = {(f["code"], f["cell"]): f for f in data["findings"]}
    stated = said[("S-EXEC-WEIGHT-DIFFERS", "F6")]  # the 分值 cell of the money block
    assert stated["severity"] == "info"
    # 90 % of the form's 20 is 18: nothing inflated, the weights (80 + 20) add up
    assert not any(code in ("S-INFLATED", "S-TOTAL-INFLATED", "S-WEIGHT-TOTAL")
                   for code, _ in said), said
    [scored] = data["projects"]
    assert scored["execution_score"] == 18 and scored["recomputed_total"] == 98


def test_percent_cell_holding_a_fraction_is_read_as_percent(tmp_path, run_pbm):
    spec = project("小数百分比", [line("免疫密度", "≥95%", 0.92, 15, 14.53, unit="%"),
                                 line("数量", "≥10", 10, 75, 75)],
                   budget=100, executed=100, execution_score=10)
    path = write(tmp_path, "fraction", [spec], "list")
    code, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    assert lines_of(data, "小数百分比")["免疫密度"]["recomputed"] == 14.53  # 15 × 92/95
    [fraction] = [f for f in data["findings"] if f["code"] == "S-ACTUAL-AS-FRACTION"]
    assert fraction["cell"] == "N3" and "格式" not in fraction["message"]  # a General cell
    assert code == 0


@pytest.mark.parametrize("layout", LAYOUTS)
def test_recheck_sheet_and_recheck_agree_on_a_rescaled_own_total(tmp_path, run_pbm, layout):
    """The unit claims 45 where pbm gives 41 and rescales its own sum over the 90 applicable
    points: (45 + 30 + 10) × 100 / 90 = 94.44.  The recheck accepts that arithmetic (no
    S-TOTAL-MISMATCH), and the 复核差异 sheet names it instead of saying no method fits."""
    spec = project("不适用折算项目", [
        line("产出数量", "≥100", 82, 50, 45),
        qual("社会效益", "达成", 30, 30),
        line("生态效益", "≥100", "不适用", 10, "不适用", level1="效益指标", level2="生态效益指标"),
    ], budget=100, executed=100, execution_score=10, total=94.44)
    path = write(tmp_path, "rescaled", [spec], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code in (0, 1), err
    assert "S-TOTAL-MISMATCH" not in [f["code"] for f in data["findings"]]
    rows = {row["指标"]: row for row in _sheet_rows(tmp_path / "out" / "scores-2026.xlsx", "复核差异")}
    assert rows["总分"]["能得出自评分的计分方法"] == "各项自评得分之和按适用指标折算为百分制"


@pytest.mark.parametrize("label", ["总分", "自评得分合计", "总得分"])
def test_form_total_row_is_read_from_the_score_column_whatever_its_label(tmp_path, run_pbm,
                                                                         label):
    """On the national 自评表 the 总分 row carries the weight total (F) beside the claimed
    total (G); a unit that labels the row 自评得分合计 still gets its G cell read."""
    spec = project("合计标签项目", [
        line("产出数量", "≥100", 100, 50, 50),
        qual("社会效益", "达成", 40, 35),
    ], budget=100, executed=100, execution_score=10, total=95)
    path = write(tmp_path, "label", [spec], "form")
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == "总分"]
    cell.value = label
    book.save(path)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code in (0, 1), err
    assert project_of(data, "合计标签项目")["claimed_total"] == 95
    assert not {"S-TOTAL-MISMATCH", "S-TOTAL-INFLATED"} & {f["code"] for f in data["findings"]}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_blank_qualitative_score_counts_the_floor_of_its_tier(tmp_path, run_pbm, layout):
    """A 达成 line without a 得分 counts 16 of 20 (the lowest score 达成 allows, 80 %),
    not 0: 70 + 16 + 10 = 96 → 优, where 0 would give 80 → 良 and a budget-cut letter.  The
    line is reported, saying the total and grade are a lower bound."""
    spec = project("定性未填分", [line("数量", "≥10", 10, 70, 70), qual("社会效益", "达成", 20)],
                   budget=100, executed=100, execution_score=10)
    path = write(tmp_path, "floor", [spec], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    result = project_of(data, "定性未填分")
    assert (result["recomputed_total"], result["grade"]) == (96.0, "优")
    assert lines_of(data, "定性未填分")["社会效益"]["recomputed"] == 16.0
    [missing] = [f for f in data["findings"] if f["code"] == "S-MISSING-SCORE"]
    assert missing["cell"] == line_cell(layout, "score", 1)
    assert "已按“达成”档次最低分计 16.00 分" in missing["message"]
    assert "总分和等级为下限" in missing["message"]
    rows = _sheet_rows(tmp_path / "out" / "scores-2026.xlsx", "指标得分")
    [row] = [r for r in rows if r["三级指标"] == "社会效益"]
    assert (row["复核得分"], row["说明"]) == (16, "未填得分，按档次最低分计")


def test_blank_qualitative_score_is_reported_without_other_claims(tmp_path, run_pbm):
    """A workbook without any 得分 is scored, not rechecked — except the blank qualitative
    line, whose floor makes the total a lower bound; 未达成 has the floor 0."""
    spec = project("未自评", [line("数量", "≥10", 10, 70), qual("社会效益", "未达成", 20)],
                   budget=100, executed=100)
    path = write(tmp_path, "noclaims", [spec], "form")
    _, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    assert lines_of(data, "未自评")["社会效益"]["recomputed"] == 0.0
    assert project_of(data, "未自评")["recomputed_total"] == 80.0
    assert [(f["code"], f["cell"]) for f in data["findings"] if f["code"].startswith("S-")] \
        == [("S-MISSING-SCORE", "G14")]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_execution_over_100_points_at_the_amount_executed(tmp_path, run_pbm, layout):
    """S-EXEC-OVER-100 is about 全年执行数 (E6 on the form, F in the list); the claimed
    execution 得分 beside it (H6 / G) keeps its own finding."""
    spec = project("超预算执行", [line("数量", "≥10", 10, 90, 90)], budget=200, executed=220,
                   execution_score=11)
    path = write(tmp_path, "over", [spec], layout)
    _, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    executed, score = {"form": ("E6", "H6"), "list": ("F3", "G3")}[layout]
    found = {(f["code"], f["cell"]) for f in data["findings"]}
    assert ("S-EXEC-OVER-100", executed) in found
    assert ("S-INFLATED", score) in found  # 11 claimed, capped at 10
    rows = _sheet_rows(tmp_path / "out" / "scores-2026.xlsx", "复核差异")
    [row] = [r for r in rows if r["指标"] == "预算执行率"]
    assert row["问题代码"] == "S-EXEC-OVER-100、S-INFLATED"


def _graded_project(total, grade):
    # 80 + 0 + 9.99 = 89.99 → 良 on pbm's half-open bands
    spec = project("等级核对", [line("数量", "≥100", 100, 80, 80), qual("满意度", "未达成", 10, 0)],
                   budget=1000, executed=999, execution_score=9.99, total=total)
    spec.grade = grade
    return spec


@pytest.mark.parametrize("total, grade, flagged", [
    (89.99, "优", True),      # 89.99 is 良: bands are half-open
    (89.99, "良", False),
    (89.99, "良好", False),
    (90, "良", True),
    (89.99, None, False),     # no claimed grade
    (None, "优", False),      # no claimed total
])
def test_claimed_grade_not_matching_the_claimed_total_is_flagged(tmp_path, run_pbm, total,
                                                                 grade, flagged):
    path = write(tmp_path, "grade", [_graded_project(total, grade)], "form")
    _, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    found = [f for f in data["findings"] if f["code"] == "S-GRADE-MISMATCH"]
    if not flagged:
        assert found == []
        return
    [finding] = found
    assert (finding["cell"], finding["severity"], finding["value"]) == ("B16", "warning", grade)
    expected = "良" if total == 89.99 else "优"
    assert f"自评等级“{grade}”与自评总分 {total:.2f} 所在的等级“{expected}”" in finding["message"]


def test_claimed_grade_column_of_a_list_is_checked(tmp_path, run_pbm):
    path = write(tmp_path, "grade", [_graded_project(89.99, None),
                                     project("等级一致", [line("数量", "≥100", 100, 90, 90)],
                                             budget=100, executed=100, execution_score=10,
                                             total=100)], "list")
    book = openpyxl.load_workbook(path)
    sheet = book["自评汇总"]
    sheet.cell(2, sheet.max_column + 1, "自评等级")
    column = sheet.max_column
    for row, grade in ((3, "优"), (4, "优"), (5, "优")):
        sheet.cell(row, column, grade)
    book.save(path)
    _, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    found = [(f["code"], f["project"], f["cell"]) for f in data["findings"]
             if f["code"] == "S-GRADE-MISMATCH"]
    assert found == [("S-GRADE-MISMATCH", "等级核对", "S3")]
    rows = _sheet_rows(tmp_path / "out" / "scores-2026.xlsx", "复核差异")
    assert [r["指标"] for r in rows if r["问题代码"] == "S-GRADE-MISMATCH"] == ["自评等级"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_numbers_in_scientific_notation_are_written_out_and_reported(tmp_path, run_pbm, layout):
    # Cells as a narrow General column shows them, and a CSV saved from there keeps them.
    lines = [line("维修校舍面积", "≥1.8E+04", "1.656E+04", 20, "1.84E+01"),
             line("覆盖学校", "≥30所", "30所", 70, 70)]
    spec = project("科学计数项目", lines, budget=520, executed="4.68E+02", execution_score=9)
    path = write(tmp_path, "科学计数", [spec], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err  # warnings only
    result = project_of(data, "科学计数项目")
    assert (result["executed"], result["execution_score"]) == (468.0, 9.0)
    area = lines_of(data, "科学计数项目")["维修校舍面积"]
    assert (area["claimed"], area["recomputed"]) == (18.4, 18.4)  # 20 × 16560 / 18000
    reported = [(f["cell"], f["severity"]) for f in data["findings"] if f["code"] == "V-SCIENTIFIC"]
    assert {(cell, "warning") for cell in (line_cell(layout, "actual", 0),
                                           line_cell(layout, "score", 0))} <= set(reported)
    assert len(reported) == 4 == len(set(reported))  # target, actual, 得分, 全年执行数: once each
    assert not [f for f in data["findings"] if f["code"] in ("S-INFLATED", "R-UNPARSEABLE")]
