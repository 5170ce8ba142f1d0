"""Goal forms as a city budget system exports them (tests/real_like.py): what a reviewer
would sign — the indicators the forms hold, counted exactly; no finding on a row that says
不适用; the fields the forms label their own way found."""

from __future__ import annotations

import json

from tests.real_like import CityProject, write_city_goal_forms, write_vocational_goal_form


def _validate(run_pbm, path, cwd):
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", cwd / "out", cwd=cwd)
    assert code in (0, 1), err
    return json.loads(out)


def test_rows_that_say_not_applicable_are_no_indicators(tmp_path, run_pbm):
    odd = CityProject("物业后勤经费", not_applicable="不适用\t")
    typo = CityProject("档案管理经费", not_applicable="不适应")
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [CityProject("社区工作站经费"), odd,
                                                          typo])
    data = _validate(run_pbm, path, tmp_path)
    assert data["summary"]["indicators"] == 3 * 6  # six filled rows a form, four say 不适用
    assert [p["indicators"] for p in data["projects"]] == [6, 6, 6]
    # rows 16, 18, 19 and 21 of each sheet say 不适用: no rule speaks of them
    rows_na = {"16", "18", "19", "21"}
    on_na = [f for f in data["findings"] if f["cell"] and f["cell"][1:] in rows_na]
    assert on_na == []
    notes = [f for f in data["findings"] if f["code"] == "R-NOT-INDICATOR-ROWS"]
    assert len(notes) == 3 and all("16、18、19、21" in f["message"] for f in notes)
    assert not any(f["code"] == "G-DUPLICATE" for f in data["findings"])


def _codes(data):
    return [f["code"] for f in data["findings"]]


def test_the_forms_own_labels_are_found(tmp_path, run_pbm):
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [CityProject("社区工作站经费")])
    data = _validate(run_pbm, path, tmp_path)
    assert "G-REQUIRED" not in _codes(data)  # 申请单位：/一级预算单位： are the units
    [project] = data["projects"]
    assert project["department"] == "深圳市宝安区松岗街道办事处(本级)"  # NFKC
    # 本年度项目金额 (137584, in 元 under a 万元 label) is the year's amount, not the
    # medium-term 项目总金额（中期规划，万元）
    assert project["amount"] == 13.7584


def test_amounts_in_yuan_are_decided_once_for_the_file(tmp_path, run_pbm):
    # no amount reaches 10亿 as 万元; the second form's 测算依据 states its 3000 as 0.3万元
    forms = [CityProject("食堂经费", year_yuan=30000.0, basis="按合同支付"),
             CityProject("社区工作站经费", year_yuan=3000.0, basis="评估费0.3万元"),
             CityProject("档案经费", year_yuan=0.0, basis="")]
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", forms)
    data = _validate(run_pbm, path, tmp_path)
    [said] = [f for f in data["findings"] if f["code"] == "G-MONEY-IN-YUAN"]
    assert said["cell"] == "E6" and said["sheet"].startswith("2.")
    assert "0.3 万元" in said["message"] and "2 个项目" in said["message"]
    assert [p["amount"] for p in data["projects"]] == [3, 0.3, 0]
    # the 0 of the third form stays 0 (资金总额应大于 0), said for that form only
    assert [f["sheet"][:2] for f in data["findings"] if f["code"] == "G12"] == ["3."]


def test_in_a_file_of_wan_amounts_only_the_one_typed_in_yuan_is_converted(tmp_path, run_pbm):
    forms = [CityProject("甲经费", year_yuan=13.7584, basis=""),
             CityProject("乙经费", year_yuan=2400000.0, basis=""),  # 240亿 as 万元
             CityProject("丙经费", year_yuan=45.0, basis="")]
    data = _validate(run_pbm, write_city_goal_forms(tmp_path / "a.xlsx", forms), tmp_path)
    [said] = [f for f in data["findings"] if f["code"] == "G-MONEY-IN-YUAN"]
    assert said["project"] == "乙经费" and "1 个项目" in said["message"]
    assert [p["amount"] for p in data["projects"]] == [13.7584, 240, 45]


def test_amounts_in_wan_stay_when_nothing_says_otherwise(tmp_path, run_pbm):
    forms = [CityProject("社区工作站经费", total_yuan=41.2752, year_yuan=13.7584,
                         basis="按合同支付")]
    data = _validate(run_pbm, write_city_goal_forms(tmp_path / "a.xlsx", forms), tmp_path)
    assert "G-MONEY-IN-YUAN" not in _codes(data)
    assert data["projects"][0]["amount"] == 13.7584


def test_a_template_without_weights_is_said_once_not_per_project(tmp_path, run_pbm):
    forms = [CityProject(f"项目{k}") for k in range(4)]
    data = _validate(run_pbm, write_city_goal_forms(tmp_path / "a.xlsx", forms), tmp_path)
    assert "G6" not in _codes(data) and "G7" not in _codes(data)
    [said] = [f for f in data["findings"] if f["code"] == "G-NO-WEIGHT-COLUMN"]
    assert said["severity"] == "info" and "4 个项目" in said["message"]


def _with_other_satisfaction(name):
    project = CityProject(name)
    project.lines = {**project.lines, "其他满意度": ("主管部门满意度", "≥90%", "问卷")}
    return project


def test_a_local_category_is_one_warning_per_file_or_accepted(tmp_path, run_pbm):
    forms = [_with_other_satisfaction("甲经费"), _with_other_satisfaction("乙经费")]
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", forms)
    data = _validate(run_pbm, path, tmp_path)
    [said] = [f for f in data["findings"] if f["code"] == "G-LOCAL-CATEGORY"]
    assert said["severity"] == "warning" and said["cell"] == "B21"
    assert said["value"] == "其他满意度" and "共 2 行" in said["message"]
    assert not any(f["severity"] == "error" and f["code"].startswith("G-LEVEL")
                   for f in data["findings"])
    (tmp_path / "pbm.toml").write_text('[goals]\nlocal_categories = ["其他满意度"]\n',
                                       encoding="utf-8")
    data = _validate(run_pbm, path, tmp_path)
    assert "G-LOCAL-CATEGORY" not in _codes(data)
    assert data["summary"]["indicators"] == 14


def test_traditional_characters_are_read_as_simplified(tmp_path, run_pbm):
    project = CityProject("社區工作站經費")
    project.lines = {"數量": ("社区饭堂数量", "1处", "有1处"),
                     "質量": ("服务质量", "≥95分", "考核"),
                     "時效": ("出餐及时性", "3個小時內", "出餐用时"),
                     "社會效益": ("用餐环境改善", "明显改善", "达标"),
                     "服務對象滿意度": ("工作人员满意度", "≥95%", "问卷")}
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [project])
    data = _validate(run_pbm, path, tmp_path)
    assert not any(f["code"] in ("G-LEVEL1", "G-LEVEL2", "G-LOCAL-CATEGORY", "G8")
                   for f in data["findings"]), _codes(data)
    assert data["projects"][0]["name"] == "社區工作站經費"  # shown as written


def test_a_long_code_stored_as_a_number_keeps_what_it_shows(tmp_path, run_pbm):
    forms = [CityProject("社区工作站经费", code=4.403062313915e+20)]
    data = _validate(run_pbm, write_city_goal_forms(tmp_path / "a.xlsx", forms), tmp_path)
    [lost] = [f for f in data["findings"] if f["code"] == "R-CODE-DIGITS-LOST"]
    assert lost["cell"] == "B2" and lost["severity"] == "warning"
    assert data["projects"][0]["code"] == "4.403062313915e+20"  # no digit invented


def test_a_second_header_row_under_a_merged_group_label_is_a_header(tmp_path, run_pbm):
    # 指标值 merged over 总体 | 第一年度 | 第二年度, the template's instructions in column J
    path = write_vocational_goal_form(tmp_path / "资源库-绩效目标.xlsx")
    data = _validate(run_pbm, path, tmp_path)
    codes = [f["code"] for f in data["findings"]]
    assert data["summary"]["indicators"] == 6  # seven rows, one with a blank 三级指标
    assert [p["indicators"] for p in data["projects"]] == [6]
    # row 9 (总体 | 第一年度 | 第二年度) is a header row, not a line without a 三级指标
    assert "R-NOT-INDICATOR-ROWS" not in codes
    assert "G-UNFILLED" not in codes
    # the units are written in the names (用户数（人）): no "quantitative without a unit"
    assert "G2" not in codes
    # the template has no 项目名称/主管部门/实施单位/资金总额: one warning, no error per item
    assert "G-REQUIRED" not in codes
    [absent] = [f for f in data["findings"] if f["code"] == "G-NO-FIELD"]
    assert absent["severity"] == "warning"
    assert "主管部门、项目实施单位、资金总额" in absent["message"]
    # nothing is said of the header's 总体 or of the 说明 in column J
    assert not any(f.get("cell") and (f["cell"].startswith("J") or f["cell"][1:] == "9")
                   for f in data["findings"])


def test_a_vague_total_target_is_found_in_the_total_column(tmp_path, run_pbm):
    from tests.real_like import VOCATIONAL_LINES

    lines = list(VOCATIONAL_LINES)
    lines[2] = ("产出指标", "质量指标", "活跃资源占比（%）", "加强建设", "≥50", "≥60")
    path = write_vocational_goal_form(tmp_path / "资源库-绩效目标.xlsx", lines=lines)
    data = _validate(run_pbm, path, tmp_path)
    vague = [f for f in data["findings"] if f["value"] == "加强建设"]
    assert vague and {f["cell"] for f in vague} == {"E12"}


def test_process_rates_are_no_inputs_and_a_frequency_is_measurable(tmp_path, run_pbm):
    # 资金拨付及时率 is a rate of the process, not 资金、人力 投入 (G11); 每月/次 states how often
    # (G13 is for 加强管理-like words); 项目资金投入 stays an input
    lines = {"数量": ("项目资金投入", "≥150万元", "投入资金"),
             "质量": ("资金使用合规率", "100%", "合规使用"),
             "时效": ("资金拨付及时率", "100%", "按时拨付"),
             "成本": ("巡查频次", "每月/次", "每月巡查一次"),
             "社会效益": ("对用餐环境的改善", "明显", "考核用餐环境是否达标"),
             "服务对象满意度": ("社区工作人员对环境满意度", "95%", "根据意见作出调整")}
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [CityProject("资金管理", lines=lines)])
    data = _validate(run_pbm, path, tmp_path)
    g11 = [f["value"] for f in data["findings"] if f["code"] == "G11"]
    assert g11 == ["项目资金投入"]
    assert not [f for f in data["findings"] if f["code"] == "G13"]
