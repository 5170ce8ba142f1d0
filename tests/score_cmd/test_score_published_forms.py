"""Self-evaluations as counties publish them (the 自评表 form with its money block): lines pbm
cannot rescore keep the unit's own score, the execution weight the form states is the one
rechecked, and a 一级 cell's points are checked where the lines have no weights — so a table
that adds up is never accused of inflating itself."""

from __future__ import annotations

from tests.score_cmd.score_cmd_helpers import line, project, project_of, score_json, write


def _codes(data):
    return [f["code"] for f in data["findings"]]


def test_lines_without_targets_keep_their_claimed_scores(tmp_path, run_pbm):
    # 天长-like: seven lines with a weight and a full score but no target and no actual
    lines = [line("完成中型灌区节水改造项目数量", "1", "1", 10, 10, level1="(50分)"),
             line("完成农业综合水价改革项目", "1", "1", 10, 10, level1="(50分)")]
    lines += [line(f"指标{k}", None, None, 10, 10, level1="(50分)" if k < 3 else "(30分)",
                   level2="质量指标" if k < 3 else "社会效益指标") for k in range(6)]
    lines.append(line("服务对象满意度", "90%", "100%", 10, 10, level1="满意度指标(10分)",
                      level2="服务对象满意度指标"))
    spec = project("水旱灾害防御经费", lines, budget=880, executed=880, execution_score=10,
                   total=100)
    spec.department = None  # 主管部门 left blank above the merged 项目资金（万元） label
    data = score_json(run_pbm, write(tmp_path, "tc", [spec], "form"), cwd=tmp_path)[1]
    scored = project_of(data, "水旱灾害防御经费")
    assert scored["department"] is None  # not the label 项目资金（万元） below the blank cell
    unscorable = [f["message"] for f in data["findings"] if f["code"] == "S-UNSCORABLE"]
    assert all("年度指标值和实际完成值均为空" in m for m in unscorable), unscorable
    assert scored["recomputed_total"] == 100  # the six unscorable lines keep their 10s
    assert (scored["lines"], scored["rechecked_lines"], scored["kept_claims"]) == (9, 3, 60)
    assert "S-TOTAL-INFLATED" not in _codes(data)
    assert _codes(data).count("S-UNSCORABLE") == 6
    assert scored["grade"] == "优"


def test_lines_without_weights_and_a_stated_execution_weight(tmp_path, run_pbm):
    # 黄冈-like: execution worth 20 in the money block, lines with a 得分 but no 分值,
    # traditional characters
    lines = [line("監測數據必須合格", "100%", "100%", None, 10, level1="產出指標",
                  level2="質量指標"),
             line("整編資料審核", "98%", "98%", None, "19.6", level1="效益指標",
                  level2="社會效益指標"),
             line("完成年度資料上報", "100%", "100%", None, 20, level1="產出指標",
                  level2="質量指標")]
    spec = project("水土保持監測", lines, budget=10, executed=10, execution_score=20,
                   total="69.6")
    spec.execution_weight = 20
    data = score_json(run_pbm, write(tmp_path, "hg", [spec], "form"), cwd=tmp_path)[1]
    scored = project_of(data, "水土保持監測")
    assert scored["execution_score"] == 20  # 100 % of the form's 20, not of the preset's 10
    assert scored["recomputed_total"] == 69.6
    assert not any(code in ("S-TOTAL-INFLATED", "S-INFLATED") for code in _codes(data))


def test_a_table_that_does_not_add_up_is_said_once_as_a_mismatch(tmp_path, run_pbm):
    lines = [line("数量", "≥10", 10, 45, 45), line("质量", "≥95%", "96%", 45, 45,
                                                   level2="质量指标")]
    spec = project("合计不符", lines, budget=100, executed=100, execution_score=10, total=110)
    data = score_json(run_pbm, write(tmp_path, "mm", [spec], "form"), cwd=tmp_path)[1]
    assert "S-TOTAL-MISMATCH" in _codes(data)
    assert "S-TOTAL-INFLATED" not in _codes(data)  # no line pbm rescored claims too much


def test_a_total_the_rescored_lines_inflate_is_still_said(tmp_path, run_pbm):
    lines = [line("数量", "≥100", 80, 45, 45), line("指标无目标", None, None, 45, 45)]
    spec = project("虚高", lines, budget=100, executed=100, execution_score=10, total=100)
    data = score_json(run_pbm, write(tmp_path, "in", [spec], "form"), cwd=tmp_path)[1]
    [total] = [f for f in data["findings"] if f["code"] == "S-TOTAL-INFLATED"]
    assert "复核 1/2 行" in total["message"] and "其余 1 行按自评得分计入" in total["message"]
    assert project_of(data, "虚高")["recomputed_total"] == 91  # 36 + 45 kept + 10


def test_points_of_a_level_one_cell_are_checked_where_lines_have_no_weights(tmp_path, run_pbm):
    lines = [line("甲", "100%", "100%", None, 30, level1="产出指标(50分)"),
             line("乙", "100%", "100%", None, 30, level1="产出指标(50分)", level2="质量指标")]
    spec = project("一级分值", lines, budget=100, executed=100, execution_score=10, total=70)
    data = score_json(run_pbm, write(tmp_path, "lp", [spec], "form"), cwd=tmp_path)[1]
    [points] = [f for f in data["findings"] if f["code"] == "S-LEVEL-POINTS"]
    assert "50 分" in points["message"] and "60" in points["message"]


def test_a_table_left_as_the_template_is_not_graded(tmp_path, run_pbm):
    # 青神-like: the targets typed as =100% (stored as formulas without a value by the tool
    # that saved the file), no actual values, no scores, no total: pbm cannot judge the lines
    import openpyxl

    lines = [line("发放(缴纳)覆盖率", "100%", None, 60),
             line("足额保障率(参保率)", "100%", None, 30, level1="效益指标",
                  level2="社会效益指标")]
    spec = project("工资性支出", lines, budget=251.89, executed=251.89)
    path = write(tmp_path, "qs", [spec], "form")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    targets = [cell for row in sheet.iter_rows() for cell in row if cell.value == "100%"]
    assert len(targets) == 2
    for cell in targets:
        cell.value = "=100%"  # openpyxl stores it as a formula with no cached value
    book.save(path)
    data = score_json(run_pbm, path, cwd=tmp_path)[1]
    scored = project_of(data, "工资性支出")
    assert scored["grade"] is None  # 10 of 100 points judged: no 差 against the unit
    assert scored["recomputed_total"] == 10
    codes = _codes(data)
    assert codes.count("S-UNGRADED") == 1
    assert "R-FORMULA-NO-VALUE" not in codes  # =100% is the target the unit typed
    unscorable = [f for f in data["findings"] if f["code"] == "S-UNSCORABLE"]
    assert len(unscorable) == 2 and all("实际完成值" in f["message"] for f in unscorable)
    rows = list(openpyxl.load_workbook(tmp_path / "out" / "scores-2026.xlsx")["项目得分"]
                .iter_rows(values_only=True))
    header = rows[0]
    [row] = [r for r in rows[1:] if "工资性支出" in r]
    assert row[header.index("复核等级")] == "未评定"


def test_an_annual_goal_that_is_only_an_amount_and_names_with_template_marks(tmp_path, run_pbm):
    # 廊坊-like: 年度总体目标 holds the budget, 43.2; 濉溪-like: names keep (≥**人)
    lines = [line("农村低保发放人数(按月平均)(≥**人)", ">=21933人", "21980人", 45, 45),
             line("扶贫临时救助标准(<**元/户·年)", "<=5300元/户", "5200元/户", 45, 45,
                  level2="成本指标"),
             line("受助群众满意度", "≥90%", "95%", 0, 0, level1="满意度指标",
                  level2="服务对象满意度指标")]
    spec = project("临时救助", lines, budget=43.2, executed=43.2, execution_score=10, total=100)
    spec.goal_expected, spec.goal_actual = "43.2", "37.24"
    data = score_json(run_pbm, write(tmp_path, "goal", [spec], "form"), cwd=tmp_path)[1]
    [goal] = [f for f in data["findings"] if f["code"] == "S-GOAL-NOT-STATED"]
    assert goal["value"] == "43.2" and goal["severity"] == "warning"
    [names] = [f for f in data["findings"] if f["code"] == "S-NAME-PLACEHOLDER"]
    assert "2 个三级指标名称" in names["message"] and names["cell"] == "C13"  # the first
    # the lines are still scored: their targets are real (>=21933人, <=5300元/户)
    assert project_of(data, "临时救助")["rechecked_lines"] == 3


def test_a_goal_sentence_with_amounts_is_a_goal(tmp_path, run_pbm):
    spec = project("村级补助", [line("补助村数量", "=8个", "8个", 90, 90)], budget=202.64,
                   executed=202.64, execution_score=10, total=100)
    spec.goal_expected = "本项目共申请预算资金2026400元，其中村级组织运转400000元"
    data = score_json(run_pbm, write(tmp_path, "sentence", [spec], "form"), cwd=tmp_path)[1]
    assert "S-GOAL-NOT-STATED" not in _codes(data)
    assert "S-NAME-PLACEHOLDER" not in _codes(data)


def test_a_constant_with_its_unit_typed_as_a_formula_is_the_target(tmp_path, run_pbm):
    # 贵池-like: 指标值 typed =8个 (saved as a formula without a value) is 等于 8 个; a real
    # formula left without its value is still missing, with a finding at its cell
    import openpyxl

    lines = [line("新建站点数量", "8个", "8个", 50, 50),
             line("站点覆盖率", "95%", "96%", 40, 40)]
    spec = project("站点建设", lines, budget=100, executed=100, execution_score=10, total=100)
    path = write(tmp_path, "gc", [spec], "form")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    target = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "8个")
    [rate] = [cell for row in sheet.iter_rows() for cell in row if cell.value == "95%"]
    target.value = "=8个"
    rate.value = f"={target.coordinate}*2"
    book.save(path)
    data = score_json(run_pbm, path, cwd=tmp_path)[1]
    formula = [f for f in data["findings"] if f["code"] == "R-FORMULA-NO-VALUE"]
    assert [f["cell"] for f in formula] == [rate.coordinate]
    unscorable = [f for f in data["findings"] if f["code"] == "S-UNSCORABLE"]
    assert all("新建站点数量" not in f["message"] for f in unscorable)


def test_a_form_whose_weights_fall_short_of_100_is_not_graded(tmp_path, run_pbm):
    # 贵池-like: lines of 8+8+8+8+8+10 under 产出指标(50分) and 10+10 under 效益指标(30分) —
    # 70 with the execution's 10 makes 80: full marks would still be 良, the grade is the form's
    lines = [line(f"产出{k}", "=8个", "8个", 8, 8, level1="产出指标(50分)") for k in range(5)]
    lines.append(line("项目总成本", "≤202.6万元", "132.9万元", 10, 10, level1="产出指标(50分)",
                      level2="成本指标"))
    lines += [line(f"效益{k}", "≥95%", "96%", 10, 10, level1="效益指标(30分)",
                   level2="社会效益指标") for k in range(2)]
    spec = project("村级补助及运转经费", lines, budget=132.912, executed=132.912,
                   execution_score=10)
    data = score_json(run_pbm, write(tmp_path, "gc", [spec], "form"), cwd=tmp_path)[1]
    scored = project_of(data, "村级补助及运转经费")
    assert scored["recomputed_total"] == 80 and scored["grade"] is None
    [ungraded] = [f for f in data["findings"] if f["code"] == "S-UNGRADED"]
    assert "分值合计 80 分" in ungraded["message"] and "不评定等级" in ungraded["message"]
    assert _codes(data).count("S-WEIGHT-TOTAL") == 1  # the cause, said once


def test_a_form_weighted_to_110_is_graded_and_capped(tmp_path, run_pbm):
    # 中江-like: 产出70/效益20/满意度10 plus execution 10 — over, not short: graded
    lines = [line("管网长度", "≥266米", "270米", 70, 70),
             line("受益人数", "≥500人", "520人", 20, 20, level1="效益指标",
                  level2="社会效益指标"),
             line("满意度", "≥90%", "95%", 10, 10, level1="满意度指标",
                  level2="服务对象满意度指标")]
    spec = project("水表池", lines, budget=20, executed=20, execution_score=10, total=100)
    data = score_json(run_pbm, write(tmp_path, "zj", [spec], "form"), cwd=tmp_path)[1]
    scored = project_of(data, "水表池")
    assert scored["recomputed_total"] == 100 and scored["grade"] == "优"
    assert "S-UNGRADED" not in _codes(data)


def test_a_budget_cut_that_changes_the_execution_score_is_noted(tmp_path, run_pbm):
    # 贵池's real table: 年初预算数 202.64, cut to 132.912 and all of it executed — 100 % of
    # the adjusted budget (scored 10, as the form does), 65.59 % of the first one
    lines = [line("补助村数量", "=8个", "8个", 45, 45),
             line("资格合规率", "≥95%", "100%", 45, 45, level2="质量指标")]
    spec = project("村级补助", lines, budget=132.912, executed=132.912, execution_score=10,
                   total=100)
    spec.initial_budget = 202.64
    same = project("村级运转", lines, budget=50, executed=50, execution_score=10, total=100)
    same.initial_budget = 50.5  # a small change, the same score: nothing to say
    data = score_json(run_pbm, write(tmp_path, "cut", [spec, same], "form"), cwd=tmp_path)[1]
    [cut] = [f for f in data["findings"] if f["code"] == "S-BUDGET-ADJUSTED"]
    assert cut["severity"] == "info" and cut["project"] == "村级补助"
    assert "调减 34.41%" in cut["message"] and "65.59%" in cut["message"]
    assert project_of(data, "村级补助")["execution_score"] == 10
