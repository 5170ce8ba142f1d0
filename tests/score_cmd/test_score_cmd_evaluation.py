"""Evaluation by finance or a third party: the framework template, scoring sheets filled by
several evaluator groups (one sheet per evaluator), combined score, spread and outliers."""

from __future__ import annotations

from decimal import Decimal

import openpyxl

from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook
from pbm.scoring.frameworks import framework_from_toml, load_framework
from pbm.workbook.read import read_workbook
from tests.score_cmd.score_cmd_helpers import score_json


def scores_for_total(framework, total):
    """Full marks, then points taken off the lines in order until the sheet adds up to total."""
    deficit = Decimal(100) - Decimal(str(total))
    scores = []
    for item in framework.indicators:
        cut = min(deficit, item.weight)
        deficit -= cut
        scores.append(float(item.weight - cut))
    return scores


def _evaluation_workbook(path, framework, evaluators, project="农村公路日常养护"):
    specs = [EvaluationSheetSpec(project=project, department="交通运输局", group=group,
                                 evaluator=person,
                                 scores=scores if isinstance(scores, list) or scores is None
                                 else scores_for_total(framework, scores))
             for group, person, scores in evaluators]
    names = [f"{group}-{person}" for group, person, _ in evaluators]
    return write_evaluation_workbook(path, framework, specs, sheet_names=names)


THREE_GROUPS = [("财政", "张敏", 100), ("财政", "陈刚", 96), ("第三方", "李华", 90),
                ("第三方", "王强", 92), ("第三方", "赵六", 60), ("群众代表", "刘大爷", 80)]


def test_three_groups_combined_with_spread_and_outlier(tmp_path, run_pbm):
    path = _evaluation_workbook(tmp_path / "评价.xlsx", load_framework("national"), THREE_GROUPS)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    [evaluation] = data["evaluations"]
    assert evaluation["group_means"] == {"财政": 98.0, "第三方": 80.67, "群众代表": 80.0}
    # (0.3 × 98 + 0.3 × 80.67 + 0.1 × 80) / 0.7
    assert evaluation["combined"] == 88.0 and evaluation["grade"] == "良"
    assert evaluation["spread"] == 18.0
    assert evaluation["absent_groups"] == ["主管部门", "项目单位"]
    assert [(o["group"], o["evaluator"]) for o in evaluation["outliers"]] == [("第三方", "赵六")]
    outlier = [f for f in data["findings"] if f["code"] == "S-GROUP-OUTLIER"]
    assert [(f["sheet"], f["project"]) for f in outlier] == [("第三方-赵六", "农村公路日常养护")]
    assert {f["code"] for f in data["findings"]} >= {"S-GROUP-ABSENT", "S-GROUP-OUTLIER"}
    [listed] = [p for p in data["projects"] if p.get("kind") == "evaluation"]
    assert (listed["name"], listed["recomputed_total"], listed["grade"]) == \
        ("农村公路日常养护", 88.0, "良")
    assert data["summary"]["grades"]["良"] == 1

    workbook = tmp_path / "out" / "scores-2026.xlsx"
    sheets = openpyxl.load_workbook(workbook, read_only=True)
    assert {"评价汇总", "评价人得分", "评价指标得分"} <= set(sheets.sheetnames)
    rows = list(sheets["评价人得分"].iter_rows(values_only=True))
    flagged = [row[2] for row in rows[1:] if row[8] == "是"]
    assert flagged == ["赵六"]


def test_scores_outside_the_weight_and_blank_scores(tmp_path, run_pbm):
    framework = load_framework("four-dimension")
    too_high = [float(item.weight) for item in framework.indicators]
    too_high[0] = float(framework.indicators[0].weight) + 3     # 7 of 4 → counted 4
    blank = [float(item.weight) for item in framework.indicators]
    blank[1] = None
    path = _evaluation_workbook(tmp_path / "评价.xlsx", framework,
                                [("财政", "甲", too_high), ("第三方", "乙", blank),
                                 ("第三方", "丙", None)])
    code, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 1
    found = {(f["code"], f["sheet"], f["cell"]) for f in data["findings"]}
    assert ("S-EVAL-SCORE-OUT-OF-RANGE", "财政-甲", "F6") in found
    assert ("S-MISSING-SCORE", "第三方-乙", "F7") in found
    assert ("S-EVAL-EMPTY", "第三方-丙", None) in found
    [evaluation] = data["evaluations"]
    totals = {e["evaluator"]: e["total"] for e in evaluation["evaluators"]}
    assert totals == {"甲": 100.0, "乙": 96.0, "丙": None}     # 乙 loses line 2 (4 points)


def test_framework_weights_are_checked_on_the_sheet(tmp_path, run_pbm):
    light = framework_from_toml({"name": "light", "level1": [
        {"name": "决策", "weight": 30, "level2": [{"name": "立项", "level3": [
            {"name": "立项依据充分性", "weight": 30}]}]},
        {"name": "过程", "weight": 20, "level2": [{"name": "管理", "level3": [
            {"name": "资金使用合规性", "weight": 20}]}]},
        {"name": "产出", "weight": 25, "level2": [{"name": "数量", "level3": [
            {"name": "实际完成率", "weight": 25}]}]},
        {"name": "效益", "weight": 20, "level2": [{"name": "效益", "level3": [
            {"name": "社会效益", "weight": 20}]}]}]})
    path = _evaluation_workbook(tmp_path / "评价.xlsx", light,
                                [("财政", "甲", [30, 20, 25, 20]), ("第三方", "乙", [28, 18, 20, 20])])
    code, data, _ = score_json(run_pbm, path, "--framework", "national", cwd=tmp_path)
    assert code == 1
    codes = {f["code"] for f in data["findings"]}
    assert {"S-OUTPUT-BENEFIT-WEIGHT", "S-WEIGHT-TOTAL", "S-EVAL-FRAMEWORK-MISMATCH"} <= codes
    weight = [f for f in data["findings"] if f["code"] == "S-OUTPUT-BENEFIT-WEIGHT"]
    assert "45" in weight[0]["message"] and "60" in weight[0]["message"]


def test_template_evaluation_writes_the_scoring_sheet(tmp_path, run_pbm):
    output = tmp_path / "评分表.xlsx"
    code, _, err = run_pbm("template", "evaluation", "--framework", "national", "-o", output,
                           "--evaluator", "财政/张三", "--evaluator", "第三方/李四", cwd=tmp_path)
    assert code == 0, err
    read = read_workbook(output)
    projects = read.projects
    assert [p.sheet for p in projects] == ["财政-张三", "第三方-李四"]
    assert projects[0].text("evaluator_group") == "财政" and projects[1].text("evaluator") == "李四"
    framework = load_framework("national")
    assert [r.text("name") for r in projects[0].indicator_lines()] == \
        [item.level3 for item in framework.indicators]
    assert sum(Decimal(r.text("weight")) for r in projects[0].indicator_lines()) == 100
    assert projects[0].indicator_lines()[0].text("level1") == "决策"
    # a blank template among the inputs is reported, not scored as a self-evaluation
    code, data, _ = score_json(run_pbm, output, cwd=tmp_path)
    assert data["summary"]["self_evaluations"] == 0
    assert [f["code"] for f in data["findings"] if f["code"] == "S-EVAL-EMPTY"] == \
        ["S-EVAL-EMPTY", "S-EVAL-EMPTY"]


def test_template_four_dimension_and_unknown_framework(tmp_path, run_pbm):
    output = tmp_path / "四维.xlsx"
    code, _, _ = run_pbm("template", "evaluation", "--framework", "four-dimension", "-o", output,
                         cwd=tmp_path)
    assert code == 0
    sheet = openpyxl.load_workbook(output)["评分表"]
    count = len(load_framework("four-dimension").indicators)
    level1 = [sheet.cell(row, 1).value for row in range(6, 6 + count) if sheet.cell(row, 1).value]
    assert level1 == ["资金管理", "项目管理", "产出效益", "满意度"]
    code, _, err = run_pbm("template", "evaluation", "--framework", "nope", "-o", output,
                           cwd=tmp_path)
    assert code == 2 and "nope" in err and "Traceback" not in err


def test_template_with_a_weak_framework_file_warns_and_exits_1(tmp_path, run_pbm):
    toml = tmp_path / "weak.toml"
    toml.write_text('name = "weak"\ntotal = 100\n'
                    '[[level1]]\nname = "决策"\nweight = 60\n'
                    '[[level1.level2]]\nname = "立项"\n'
                    '[[level1.level2.level3]]\nname = "立项依据"\nweight = 60\n'
                    '[[level1]]\nname = "产出"\nweight = 40\n'
                    '[[level1.level2]]\nname = "数量"\n'
                    '[[level1.level2.level3]]\nname = "完成率"\nweight = 40\n', encoding="utf-8")
    code, _, err = run_pbm("template", "evaluation", "--framework", toml, "-o",
                           tmp_path / "weak.xlsx", cwd=tmp_path)
    assert code == 1 and "S-OUTPUT-BENEFIT-WEIGHT" in err
    assert (tmp_path / "weak.xlsx").is_file()


def test_template_self_eval_round_trips_through_the_reader(tmp_path, run_pbm):
    output = tmp_path / "自评表.xlsx"
    code, _, _ = run_pbm("template", "self-eval", "-o", output, "--projects", "2", "--rows", "5",
                         cwd=tmp_path)
    assert code == 0
    read = read_workbook(output)
    assert [p.sheet for p in read.projects] == ["项目1", "项目2"]
    assert all("adjusted_budget" in p.fields for p in read.projects)


def test_evaluation_option_and_english_messages(tmp_path, run_pbm):
    path = _evaluation_workbook(tmp_path / "评价.xlsx", load_framework("national"), THREE_GROUPS)
    code, out, err = run_pbm("--lang", "en", "score", "--evaluation", path, "--format", "json",
                             "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 0, err
    import json

    data = json.loads(out)
    assert data["evaluations"][0]["combined"] == 88.0
    [outlier] = [f for f in data["findings"] if f["code"] == "S-GROUP-OUTLIER"]
    assert outlier["message"].startswith("第三方 evaluator \"赵六\" scored 60.00")
