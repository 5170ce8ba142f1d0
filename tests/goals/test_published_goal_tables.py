"""The 绩效目标表 county and city governments publish (tests/real_like.py): names written with
their codes, level cells merged down or left blank, the points of a category in its cell, a
blank template — each said once, at its place."""

from __future__ import annotations

import json

from tests.real_like import PublishedGoalTable, write_published_goal_table


def _validate(run_pbm, path, cwd):
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", cwd / "out", cwd=cwd)
    assert code in (0, 1), err
    return json.loads(out)


def _codes(data):
    return [f["code"] for f in data["findings"]]


def test_a_department_written_with_its_code_is_split(tmp_path, run_pbm):
    table = PublishedGoalTable(department="[105]教育部")
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [project] = data["projects"]
    assert project["department"] == "教育部"
    table = PublishedGoalTable()  # 813-潼南区五桂镇
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "u.xlsx", table), tmp_path)
    assert data["projects"][0]["department"] == "潼南区五桂镇"


def test_merged_levels_are_read_down_and_the_table_passes(tmp_path, run_pbm):
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx",
                                                         PublishedGoalTable()), tmp_path)
    assert [f for f in data["findings"] if f["severity"] != "info"] == []
    assert data["projects"][0]["grade"] == "优"


def test_levels_left_blank_are_one_finding_classed_by_their_level_two(tmp_path, run_pbm):
    table = PublishedGoalTable(merged=False, lines=[
        ("", "数量指标", "日常维修维护次数", "", "2280次", "", None),
        ("", "质量指标", "维修维护验收合格率", "", "≥92%", "", None),
        ("", "成本指标", "成本控制率", "", "不超预算", "", None),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [blank] = [f for f in data["findings"] if f["code"] == "G-LEVEL1-BLANK"]
    assert blank["cell"] == "A8" and blank["severity"] == "warning"
    assert "3 行" in blank["message"] and "已按二级指标归类" in blank["message"]
    assert "G-LEVEL1" not in _codes(data)
    [coverage] = [f for f in data["findings"] if f["code"] == "G8"]  # 产出 only: classed
    assert "效益指标" in coverage["message"] and "产出指标" not in coverage["message"]


def test_a_grid_with_no_levels_at_all_is_one_finding_and_no_coverage_guess(tmp_path, run_pbm):
    table = PublishedGoalTable(merged=False, lines=[
        ("", "", "按月发放", "=", "1", "次", 20), ("", "", "本土人才满意度", "≥", "95", "%", 10),
        ("", "", "发放金额", "≥", "9.31", "万元", 20), ("", "", "领取补助人数", "≥", "100", "人", 40),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [blank] = [f for f in data["findings"] if f["code"] == "G-LEVEL1-BLANK"]
    assert "4 行" in blank["message"] and "未检查" in blank["message"]
    assert "G-LEVEL1" not in _codes(data) and "G8" not in _codes(data)


def test_a_category_written_with_its_points_is_the_category(tmp_path, run_pbm):
    table = PublishedGoalTable(lines=[
        ("产出指标(0-50)分", "数量指标", "领取补助人数", "≥", "100", "人", 30),
        ("", "质量指标", "补助发放准确率", "=", "100", "%", 20),
        ("成本指标(0-20)分", "经济成本指标", "人均补助标准", "≤", "1500", "元/人*月", 20),
        ("效益指标", "社会效益指标", "村级组织运转保障", "定性", "有效保障", "", 10),
        ("满意度指标", "服务对象满意度指标", "村干部满意度", "≥", "95", "%", 10),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    assert not any(f["code"].startswith(("G-LEVEL", "G-LOCAL", "R-PLACEHOLDER", "G4"))
                   for f in data["findings"]), _codes(data)


def test_a_blank_template_is_one_finding(tmp_path, run_pbm):
    table = PublishedGoalTable(name="", total=None, annual_goal="", lines=[
        ("产出指标", "数量指标", "用户数（人）", "", "", "", None),
        ("", "质量指标", "活跃资源占比（%）", "", "", "", None),
        ("效益指标", "社会效益指标", "社会学习用户数（人）", "", "", "", None),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    problems = [f for f in data["findings"] if f["severity"] != "info"]
    assert [f["code"] for f in problems] == ["G-UNFILLED"]
    assert data["projects"][0]["grade"] == "差"


def test_a_blank_amount_is_blank_not_the_goal_written_below_it(tmp_path, run_pbm):
    table = PublishedGoalTable(total=None, annual_goal="组织协调推进全州食品安全重点工作")
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    assert "R-UNPARSEABLE" not in _codes(data)
    [required] = [f for f in data["findings"] if f["code"] == "G-REQUIRED"]
    assert "资金总额" in required["message"]


def test_a_dash_for_a_target_is_no_target_stated_a_warning(tmp_path, run_pbm):
    table = PublishedGoalTable()
    table.lines[2] = ("", "时效指标", "按月发放", "", "—", "", 20)
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [dash] = [f for f in data["findings"] if f["code"] == "G-NO-TARGET"]
    assert dash["cell"] == "E10" and dash["severity"] == "warning"
    assert "G4" not in _codes(data)


def test_a_grid_without_level_columns_is_read_by_its_indicator_column(tmp_path, run_pbm):
    from tests.real_like import write_levelless_goal_table

    data = _validate(run_pbm, write_levelless_goal_table(tmp_path / "t.xlsx"), tmp_path)
    assert data["summary"]["indicators"] == 5
    codes = _codes(data)
    # the template has no 一级/二级 columns: said once, coverage not judged
    assert codes.count("G-NO-LEVEL-COLUMNS") == 1
    assert "G-LEVEL1-BLANK" not in codes and "G8" not in codes
    # units and operators are in their own columns: no unit or direction complaint
    assert "G2" not in codes and "G-NATURE-MISMATCH" not in codes
    # the one real problem: the 定性 line states no target, at its 指标值 cell
    problems = [(f["code"], f["cell"]) for f in data["findings"] if f["severity"] == "error"]
    assert problems == [("G3", "E12")]


def test_a_target_that_is_only_an_operator_is_incomplete_not_vague(tmp_path, run_pbm):
    # 鄂州's 水电气消耗下降率: the 指标值 cell holds ">" and nothing else
    table = PublishedGoalTable(merged=False, lines=[
        ("产出指标", "数量指标", "日常维修维护次数", "", "≥2280次", "", None),
        ("产出指标", "成本指标", "水电气消耗下降率", "", ">", "", None),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [g3] = [f for f in data["findings"] if f["code"] == "G3"]
    assert g3["value"] == ">" and "只有计算符号" in g3["message"]
    assert "G13" not in _codes(data)


def test_a_share_targeted_above_100_percent_is_a_warning_but_a_growth_is_not(tmp_path, run_pbm):
    # 鄂州's 经常性大型设备更新验收合格率 292% (92% misread); 增长率 may pass 100 %
    table = PublishedGoalTable(merged=False, lines=[
        ("产出指标", "质量指标", "经常性大型设备更新验收合格率", "", "≥292%", "", None),
        ("产出指标", "质量指标", "重要设备维修维保验收合格率", "", "≥95%", "", None),
        ("效益指标", "经济效益指标", "接诊量增长率", "", "≥120%", "", None),
        ("满意度指标", "服务对象满意度指标", "办公人员满意度", "", "≥95%", "", None),
    ])
    data = _validate(run_pbm, write_published_goal_table(tmp_path / "t.xlsx", table), tmp_path)
    [over] = [f for f in data["findings"] if f["code"] == "G-RATE-OVER-100"]
    assert over["value"] == "≥292%" and over["severity"] == "warning"
    assert over["dimension"] == "可行性"
