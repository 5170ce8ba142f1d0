"""The worked scoring examples end to end (line scores, execution, grade edges, 不适用 rescale,
units aggregated): workbook → `pbm score` → the same numbers the scoring library gives
(tests/scoring covers the formulas; these prove the workbook path)."""

from __future__ import annotations

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

EXAMPLE_LINES = [
    line("受训合格率", "≥95%", "90%", 10),                      # ≥: 10 × 90/95
    line("培训人次", "≥100", 135, 8),                            # ≥: capped, 135 % of target
    line("项目总成本", "≤90万元", "99万元", 8),                   # ≤: R1 8 × 90/99, R2 8 × (1 − 9/90)
    line("项目总成本超支三成", "≤90万元", "120万元", 8),       # ≤: R1 6.00, R2 5.33
    line("项目总成本翻倍", "≤90万元", "180万元", 8),           # ≤: R2 0 from 2T on
    line("政策覆盖率", "=100%", "98%", 5),                        # =: 4.90
    line("安全事故数", "=0", 1, 5),                               # = 0: 0
    line("安全事故数为零", "=0", 0, 5),                      # = 0: full weight
    qual("教学质量", "部分达成", 10, 7.5),                         # 定性: 7.50 inside [6, 8)
    qual("服务质量", "部分达成", 10, 8),                           # 定性: 8.00 belongs to 达成
]
R1 = {"受训合格率": 9.47, "培训人次": 8.0, "项目总成本": 7.27, "项目总成本超支三成": 6.0,
      "项目总成本翻倍": 4.0, "政策覆盖率": 4.9, "安全事故数": 0.0, "安全事故数为零": 5.0,
      "教学质量": 7.5, "服务质量": 7.99}
R2 = {**R1, "项目总成本": 7.2, "项目总成本超支三成": 5.33, "项目总成本翻倍": 0.0}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_worked_line_scores_and_execution(tmp_path, run_pbm, layout):
    path = write(tmp_path, "examples", [project("示例项目", EXAMPLE_LINES)], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 1, err  # 8.00 outside its tier is an error
    lines = lines_of(data, "示例项目")
    assert {name: row["recomputed"] for name, row in lines.items()} == R1
    assert lines["项目总成本"]["rule"] == "reverse-R1"
    found = {(f["code"], f["cell"]) for f in data["findings"]}
    assert ("S-OVER-ACHIEVED", line_cell(layout, "actual", 1)) in found       # over-achieved
    assert [f["cell"] for f in data["findings"] if f["code"] == "S-OVER-ACHIEVED"] == \
        [line_cell(layout, "actual", 1)]
    out_of_tier = [f for f in data["findings"] if f["code"] == "S-QUAL-OUT-OF-TIER"]
    assert [f["cell"] for f in out_of_tier] == [line_cell(layout, "score", 9)]  # out of tier
    assert "6.00 分（含）至 8.00 分（不含）" in out_of_tier[0]["message"]
    [result] = data["projects"]
    assert result["execution_rate"] == 0.9325 and result["execution_score"] == 9.33  # execution


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reverse_r2_by_option(tmp_path, run_pbm, layout):
    path = write(tmp_path, "examples", [project("示例项目", EXAMPLE_LINES)], layout)
    _, data, _ = score_json(run_pbm, path, "--reverse-rule", "R2", cwd=tmp_path)
    lines = lines_of(data, "示例项目")
    assert {name: row["recomputed"] for name, row in lines.items()} == R2
    assert lines["项目总成本"]["rule"] == "reverse-R2"


def _grade_project(name, budget, executed, output_actual, outcome, outcome_score,
                   satisfaction_actual):
    return project(name, [
        line("产出数量完成率", "≥100", output_actual, 50),
        qual("社会效益", outcome, 30, outcome_score),
        line("服务对象满意度", "≥100", satisfaction_actual, 10, level1="满意度指标",
             level2="服务对象满意度指标"),
    ], budget=budget, executed=executed)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_totals_and_grade_edges(tmp_path, run_pbm, layout):
    specs = [
        _grade_project("九十二分项目", 200, 186.5, 92.4, "达成", 27.5, 90),      # 9.33+46.20+27.50+9.00
        _grade_project("八十九点九九", 100, 100, 99.98, "部分达成", 21, 90),       # 10+49.99+21+9
        _grade_project("六十分项目", 100, 100, 60, "未达成", 15, 50),             # 10+30+15+5
        _grade_project("五十九点九九", 100, 100, 59.98, "未达成", 15, 50),         # 10+29.99+15+5
    ]
    path = write(tmp_path, "grades", specs, layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    totals = {p["name"]: (p["recomputed_total"], p["grade"]) for p in data["projects"]}
    assert totals == {"九十二分项目": (92.03, "优"), "八十九点九九": (89.99, "良"),
                      "六十分项目": (60.0, "中"), "五十九点九九": (59.99, "差")}
    assert data["summary"]["grades"] == {"优": 1, "良": 1, "中": 1, "差": 1}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_inapplicable_line_is_rescaled(tmp_path, run_pbm, layout):
    spec = project("不适用折算项目", [
        line("产出数量", "≥100", 82, 50),                      # 41.00
        qual("社会效益", "达成", 30, 30),                       # 30.00
        line("生态效益", "≥100", "不适用", 10, "不适用", level1="效益指标", level2="生态效益指标"),
    ], budget=100, executed=100)                               # 10.00 → raw 81 of 90 applicable
    path = write(tmp_path, "rescale", [spec], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    result = project_of(data, "不适用折算项目")
    assert (result["recomputed_total"], result["grade"], result["rescaled"]) == (90.0, "优", True)
    assert lines_of(data, "不适用折算项目")["生态效益"]["applicable"] is False


def _unit_table(unit, budget, rate, trained):
    return project("职业技能培训", [
        line("培训合格率", "≥95%", f"{rate}%", 10, level2="质量指标"),
        line("培训人次", f"≥{trained}", trained, 10),
    ], budget=budget, executed=budget, code="P2026-10", department="人力资源和社会保障局",
        unit=unit)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_units_aggregated_by_funding(tmp_path, run_pbm, layout):
    x = write(tmp_path, "单位X", [_unit_table("职业培训中心", 60, 95, 300)], layout)
    y = write(tmp_path, "单位Y", [_unit_table("技工学校", 40, 85, 200)], layout)
    _, data, _ = score_json(run_pbm, x, y, "--aggregate", cwd=tmp_path)
    [summary] = data["aggregates"]
    assert summary["kind"] == "aggregate" and summary["budget"] == 100.0
    lines = {row["name"]: row for row in summary["lines"]}
    assert lines["培训合格率"]["actual"] == "91%"             # 0.95 × 0.6 + 0.85 × 0.4
    assert lines["培训合格率"]["recomputed"] == 9.58           # 10 × 91/95
    assert lines["培训人次"]["actual"] == "500"                # counts are summed
    # each unit's own table is still scored on its own
    assert sorted(p["recomputed_total"] for p in data["projects"]) == [28.95, 30.0]


def test_execution_with_amounts_in_yuan_on_the_form(tmp_path, run_pbm):
    spec = project("元为单位", [line("数量", "≥10", 10, 90, 90)], budget=2_000_000,
                   executed=1_865_000, execution_score=9.33, total=99.33)
    spec.money_unit = "元"  # the form says 金额单位：元 and 项目资金（元）
    path = write(tmp_path, "yuan", [spec], "form")
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    [result] = data["projects"]
    assert (result["budget"], result["executed"]) == (200.0, 186.5)   # converted to 万元
    assert (result["execution_score"], result["recomputed_total"]) == (9.33, 99.33)
