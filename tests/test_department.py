"""部门整体绩效: department-whole goal tables and self-evaluations, read by the one reader,
reviewed and scored with the rules that fit them (tests/department_like.py builds them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbm.goals.department import coverage_needed, framework_categories
from pbm.scoring.frameworks import load_framework, validate_framework
from pbm.scoring.rules import ScoreRules
from pbm.workbook.department import DEPARTMENT, PROJECT_SUBJECT, subject_of
from pbm.workbook.read import read_workbook
from pbm.workbook.table import Cell
from tests.builders import good_project, write_form_workbook
from tests.department_like import (
    DepartmentSpec,
    DeptLine,
    five_dimension_lines,
    write_department_goal_form,
    write_department_goal_list,
    write_department_monitor_form,
    write_department_selfeval_form,
)


def _run(run_pbm, *args):
    code, out, _ = run_pbm(*args, "--format", "json")
    return code, json.loads(out)


EDUCATION = dict(name="教育局", code="201", duties="负责全区教育事业发展", total=2000, basic=1200,
                 project=800)


# --------------------------------------------------------------------------- recognition

def test_form_is_read_as_the_department_by_its_title(tmp_path: Path):
    path = write_department_goal_form(tmp_path / "部门.xlsx",
                                      [DepartmentSpec(), DepartmentSpec(**EDUCATION)])
    read = read_workbook(path)
    projects = read.projects
    assert [p.subject for p in projects] == [DEPARTMENT, DEPARTMENT]
    first = projects[0]
    assert first.name == "交通运输局" and first.department == "交通运输局"
    assert first.text("department_code") == "105"
    assert first.text("duties").startswith("负责全区公路")
    assert first.a1("basic_expenditure") == "C7" and first.a1("project_expenditure") == "C8"
    assert first.line_count == 6
    # 一级 merged over two 履职效能 lines is filled down
    assert first.column("level1")[2:4] == ["履职效能", "履职效能"]


def test_list_export_groups_lines_by_department(tmp_path: Path):
    path = write_department_goal_list(tmp_path / "清单.xlsx",
                                      [DepartmentSpec(), DepartmentSpec(**EDUCATION)])
    projects = read_workbook(path).projects
    assert [(p.name, p.subject, p.line_count) for p in projects] == [
        ("交通运输局", DEPARTMENT, 6), ("教育局", DEPARTMENT, 6)]
    assert projects[1].text("department_code") == "201"


def test_labels_tell_a_department_table_without_the_title(tmp_path: Path):
    spec = DepartmentSpec(title="2026年绩效目标申报表")  # a title that says nothing of it
    path = write_department_goal_form(tmp_path / "目标.xlsx", [spec])
    assert read_workbook(path).projects[0].subject == DEPARTMENT  # by its 部门职责 label


def test_subject_rules():
    duties = {"duties": Cell("负责…", 3, 2)}
    assert subject_of("2026年部门整体支出绩效目标申报表", {}) == DEPARTMENT
    assert subject_of("部门（单位）整体支出绩效目标申报表", {}) == DEPARTMENT
    assert subject_of("", duties) == DEPARTMENT
    assert subject_of("", {**duties, "project_name": Cell("x", 1, 2)}) == PROJECT_SUBJECT
    assert subject_of("", {"scope": Cell("部门整体", 2, 1)}) == DEPARTMENT
    assert subject_of("2026年项目支出绩效目标申报表", {}) == PROJECT_SUBJECT


def test_project_forms_stay_projects(tmp_path: Path):
    path = write_form_workbook(tmp_path / "项目.xlsx", [good_project()])
    assert [p.subject for p in read_workbook(path).projects] == [PROJECT_SUBJECT]


# --------------------------------------------------------------------------- validate

def _bad_department() -> DepartmentSpec:
    lines = five_dimension_lines()[:5]
    lines[1] = DeptLine("管理效率", "预算管理", "政府采购执行率", "≥", "≥**%", "%", 10)
    lines[2] = DeptLine("履职效能", "重点工作完成", "农村公路养护里程", "≥", 266, None, 20)
    lines[4] = DeptLine("产出效果", "社会效益指标", "群众出行条件", "定性", "有效改善", None, 30)
    return DepartmentSpec(name="民政局", code="301", duties="", basic=600, project=300,
                          lines=lines)


def test_a_good_department_form_passes_without_project_rules(tmp_path: Path, run_pbm):
    write_department_goal_form(tmp_path / "部门.xlsx", [DepartmentSpec()])
    code, result = _run(run_pbm, "validate", str(tmp_path / "部门.xlsx"), "--out",
                        str(tmp_path / "out"))
    assert code == 0
    [project] = result["projects"]
    assert project["subject"] == DEPARTMENT and project["grade"] == "优"
    assert project["name"] == "交通运输局" and project["amount"] == 1000
    codes = {f["code"] for f in result["findings"]}
    # no 事前评估, no 项目名称/实施单位/项目属性, no category outside the framework
    assert codes <= {"R-NON-DATA-ROW"}


def test_findings_at_their_cells_and_only_those(tmp_path: Path, run_pbm):
    write_department_goal_form(tmp_path / "部门.xlsx", [_bad_department()])
    code, result = _run(run_pbm, "validate", str(tmp_path / "部门.xlsx"), "--out",
                        str(tmp_path / "out"))
    assert code == 1
    found = sorted((f["code"], f["cell"]) for f in result["findings"]
                   if f["severity"] != "info")
    assert found == sorted([
        ("G-REQUIRED", "B4"),  # 部门职责 left blank
        ("G12", "C6"),  # 600 + 300 ≠ 1000
        ("G4", "E11"),  # ≥**%
        ("G2", "F12"),  # 266 without a unit
        ("G-LEVEL1", "A14"),  # 产出效果: neither framework's
        ("G8", None),  # no 社会效应 (its line is under 产出效果), no 满意度
    ])
    g8 = next(f for f in result["findings"] if f["code"] == "G8")
    assert "社会效应" in g8["message"] and "服务对象满意度" in g8["message"]
    assert result["projects"][0]["grade"] == "差"


def test_list_of_departments_and_the_goal_list_sheet(tmp_path: Path, run_pbm):
    from openpyxl import load_workbook

    bad = DepartmentSpec(**{**EDUCATION, "project": 700})
    write_department_goal_list(tmp_path / "清单.xlsx", [DepartmentSpec(), bad])
    write_form_workbook(tmp_path / "项目.xlsx", [good_project()])
    out = tmp_path / "out"
    _, result = _run(run_pbm, "validate", str(tmp_path / "清单.xlsx"),
                     str(tmp_path / "项目.xlsx"), "--out", str(out))
    subjects = [(p["name"], p.get("subject")) for p in result["projects"]]
    assert subjects == [("交通运输局", DEPARTMENT), ("教育局", DEPARTMENT),
                        ("乡村道路养护项目", None)]
    g12 = [f for f in result["findings"] if f["code"] == "G12"]
    assert [(f["project"], f["cell"]) for f in g12] == [("教育局", "E9")]
    # the departments' indicators count in the 指标量化率; the 核心指标覆盖率 is the project's
    # (a 资金总额 holds its departments' 项目支出: counting it would count that money twice)
    total = result["summary"]["indicator_rates"][-1]
    assert total["scope"] == "合计" and total["projects"] == 1 and total["budget"] == 150
    assert total["indicators"] == sum(p["indicators"] for p in result["projects"])
    workbook = load_workbook(next(out.glob("goals-*.xlsx")), read_only=True)
    assert workbook.sheetnames == ["项目", "指标", "问题", "部门整体", "说明"]
    projects = list(workbook["项目"].iter_rows(values_only=True))
    assert projects[0][-1] == "目标类型"
    assert [(r[3], r[-1]) for r in projects[1:]] == [
        ("交通运输局", "部门整体"), ("教育局", "部门整体"), ("乡村道路养护项目", "项目支出")]
    rows = list(workbook["部门整体"].iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "工作表", "部门编码", "部门名称")
    assert [(r[2], r[3], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("105", "交通运输局", 1000, 600, 400), ("201", "教育局", 2000, 1200, 700)]


def test_project_goal_list_has_no_department_sheet(tmp_path: Path, run_pbm):
    from openpyxl import load_workbook

    write_form_workbook(tmp_path / "项目.xlsx", [good_project()])
    _run(run_pbm, "validate", str(tmp_path / "项目.xlsx"), "--out", str(tmp_path / "out"))
    workbook = load_workbook(next((tmp_path / "out").glob("goals-*.xlsx")), read_only=True)
    assert "部门整体" not in workbook.sheetnames


def test_department_framework_preset():
    categories = framework_categories()
    assert {"运行成本指标", "管理效率指标", "履职效能指标", "社会效应指标",
            "服务对象满意度指标"} <= set(categories)
    assert "预算执行指标" in categories["管理效率指标"]
    assert coverage_needed({"运行成本指标"}, True) == ["履职效能指标", "社会效应指标",
                                                 "服务对象满意度指标"]
    assert coverage_needed({"产出指标"}, True) is None  # the project framework's G8 applies
    framework = load_framework("department")
    assert framework.indicator_total == 100
    assert validate_framework(framework, ScoreRules()) == []


# --------------------------------------------------------------------------- score

def test_self_evaluation_scored_on_the_whole_department_budget(tmp_path: Path, run_pbm):
    spec = DepartmentSpec()  # 基本支出 600/588, 项目支出 420/336: 924 / 1020
    write_department_selfeval_form(tmp_path / "自评.xlsx", [spec])
    _, result = _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out",
                     str(tmp_path / "out"))
    [project] = result["projects"]
    assert project["subject"] == DEPARTMENT and project["name"] == "交通运输局"
    assert project["budget"] == 1020 and project["executed"] == 924
    assert project["execution_score"] == pytest.approx(9.06)
    assert project["grade"] == "优"
    found = sorted((f["code"], f["cell"]) for f in result["findings"])
    assert found == [("S-FULL-DESPITE-SHORTFALL", "G14"), ("S-INFLATED", "H5"),
                     ("S-TOTAL-INFLATED", "G17")]


def test_parts_stand_in_for_a_blank_total_and_a_wrong_total_is_said(tmp_path: Path, run_pbm):
    blank = DepartmentSpec(total_money=(None, None, None), execution_score=9)
    wrong = DepartmentSpec(name="教育局", code="201", total_money=(1000, 1000, 950),
                           execution_score=9.5)
    write_department_selfeval_form(tmp_path / "自评.xlsx", [blank, wrong])
    _, result = _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out",
                     str(tmp_path / "out"))
    first, second = result["projects"]
    assert (first["budget"], first["executed"]) == (1020, 924)
    assert first["execution_score"] == pytest.approx(9.06)
    assert (second["budget"], second["executed"]) == (1000, 950)  # the total row decides
    funds = [(f["project"], f["cell"]) for f in result["findings"] if f["code"] == "S-DEPT-FUNDS"]
    assert funds == [("教育局", "D5"), ("教育局", "E5")]  # 1000 ≠ 1020, 950 ≠ 924


def test_each_role_the_total_row_leaves_blank_comes_from_the_parts(tmp_path: Path, run_pbm):
    # 年初预算数 given, 全年预算数 and 全年执行数 blank: the parts' 全年预算数 (600 + 420) is the
    # budget, as pbm monitor takes it — not the 年初预算数; parts labelled as the schema names
    # them (基本支出预算数 / 项目支出预算) are read as well
    spec = DepartmentSpec(total_money=(1000, None, None), execution_score=9,
                          part_labels=("基本支出预算数", "项目支出预算"))
    write_department_selfeval_form(tmp_path / "自评.xlsx", [spec])
    _, result = _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out",
                     str(tmp_path / "out"))
    [project] = result["projects"]
    assert (project["budget"], project["executed"]) == (1020, 924)


def test_parts_fill_the_initial_budget_a_blank_total_row_leaves(tmp_path: Path, run_pbm):
    from openpyxl import load_workbook

    write_department_selfeval_form(tmp_path / "自评.xlsx", [DepartmentSpec(
        total_money=(None, None, None), execution_score=9)])
    _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out", str(tmp_path / "out"))
    sheet = load_workbook(tmp_path / "out" / "scores-2026.xlsx")["项目得分"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2])}
    # 600 + 400 年初, 600 + 420 全年预算, 588 + 336 执行
    assert (row["年初预算数(万元)"], row["全年预算数(万元)"], row["全年执行数(万元)"]) == \
        (1000, 1020, 924)


def test_a_part_row_not_found_is_no_budget_and_no_wrong_total(tmp_path: Path, run_pbm):
    # The 项目支出 row's label is not one pbm knows: 基本支出 alone is not the department's
    # budget — no total is said to differ from it, and a blank total row is no amount (not
    # the 分值 10 beside it): the execution part is unscorable, the claim kept.
    given = DepartmentSpec(total_money=(1000, 1000, 950), execution_score=9.5,
                           part_labels=("其中：基本支出", "其他说明"))
    blank = DepartmentSpec(name="教育局", code="201", total_money=(None, None, None),
                           execution_score=9, part_labels=("其中：基本支出", "其他说明"))
    write_department_selfeval_form(tmp_path / "自评.xlsx", [given, blank])
    _, result = _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out",
                     str(tmp_path / "out"))
    first, second = result["projects"]
    assert (first["budget"], first["executed"], first["execution_score"]) == (1000, 950, 9.5)
    assert (second["budget"], second["executed"], second["execution_score"]) == \
        (None, None, None)
    codes = {(f["project"], f["code"], f["cell"]) for f in result["findings"]}
    assert not {c for _, c, _ in codes} & {"S-DEPT-FUNDS", "S-UNDERSTATED", "S-INFLATED"}
    assert ("教育局", "S-UNSCORABLE", "H5") in codes
    assert second["claimed_execution"] == 9


def test_goal_forms_are_not_self_evaluations(tmp_path: Path, run_pbm):
    """The stage is told by the title as for projects: score refuses a 目标申报表 and validate a
    自评表, each a 部门整体 table."""
    write_department_goal_form(tmp_path / "部门.xlsx", [DepartmentSpec()])
    write_department_selfeval_form(tmp_path / "自评.xlsx", [DepartmentSpec()])
    _, scored = _run(run_pbm, "score", str(tmp_path / "部门.xlsx"), "--out",
                     str(tmp_path / "out"))
    _, validated = _run(run_pbm, "validate", str(tmp_path / "自评.xlsx"), "--out",
                        str(tmp_path / "out"))
    for result in (scored, validated):
        assert [f["code"] for f in result["findings"]] == ["R-WRONG-DOCUMENT"]
        assert result["projects"] == []


# --------------------------------------------------------------------------- monitor, report

def test_department_monitoring_table_merges_against_its_goals(tmp_path: Path, run_pbm):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    write_department_goal_form(tmp_path / "部门.xlsx", [DepartmentSpec()])
    _run(run_pbm, "validate", str(tmp_path / "部门.xlsx"), "--out", str(out))
    (tmp_path / "q3").mkdir()
    write_department_monitor_form(tmp_path / "q3" / "监控.xlsx", [DepartmentSpec()])
    _, result = _run(run_pbm, "monitor", str(tmp_path / "q3"), "--goals",
                     str(next(out.glob("goals-*.xlsx"))), "--out", str(out))
    [project] = result["projects"]
    assert project["subject"] == DEPARTMENT and project["name"] == "交通运输局"
    assert (project["budget"], project["executed"]) == (1020, 693)  # 1–9月 of 924
    assert project["drift"] is None and project["light"] == "green"
    assert not any(f["code"] in ("M-NO-GOALS", "M-DRIFT", "M3") for f in result["findings"])
    workbook = load_workbook(next(out.glob("monitor-*.xlsx")), read_only=True)
    header, row = list(workbook["项目"].iter_rows(values_only=True))[:2]
    assert header[-1] == "目标类型" and row[-1] == "部门整体"


def test_project_outputs_have_no_subject_column(tmp_path: Path, run_pbm):
    import xlsxwriter
    from openpyxl import load_workbook

    from pbm.scoring.forms import SelfEvalFormWriter, SelfEvalIndicator, SelfEvalSpec

    path = tmp_path / "自评.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    SelfEvalFormWriter(workbook).write(workbook.add_worksheet("项目1"), SelfEvalSpec(
        indicators=[SelfEvalIndicator("产出指标", "数量指标", "里程", "≥266公里", "266公里", 90,
                                      90)]))
    workbook.close()
    _, result = _run(run_pbm, "score", str(path), "--out", str(tmp_path / "out"))
    assert "subject" not in result["projects"][0]
    scores = load_workbook(next((tmp_path / "out").glob("scores-*.xlsx")), read_only=True)
    assert "目标类型" not in next(scores["项目得分"].iter_rows(values_only=True))


def test_letters_name_the_department_as_a_whole(tmp_path: Path, run_pbm):
    out = tmp_path / "out"
    write_department_goal_form(tmp_path / "部门.xlsx", [DepartmentSpec()])
    write_department_selfeval_form(tmp_path / "自评.xlsx", [DepartmentSpec()])
    (tmp_path / "q3").mkdir()
    write_department_monitor_form(tmp_path / "q3" / "监控.xlsx", [DepartmentSpec()])
    _run(run_pbm, "validate", str(tmp_path / "部门.xlsx"), "--out", str(out))
    _run(run_pbm, "monitor", str(tmp_path / "q3"), "--out", str(out))
    _run(run_pbm, "score", str(tmp_path / "自评.xlsx"), "--out", str(out))
    code, _, _ = run_pbm("report", "goal-review", "monitor-feedback", "score-feedback",
                         "--format", "md", "--out", str(out))
    assert code == 0
    letters = {path.parent.name: path.read_text(encoding="utf-8")
               for path in (out / "reports").rglob("*.md")}
    for kind in ("goal-review", "monitor-feedback", "score-feedback"):
        assert "交通运输局（部门整体）" in letters[kind], kind


def test_list_of_department_self_evaluations_told_by_its_title(tmp_path: Path, run_pbm):
    from tests.department_like import write_department_selfeval_list

    write_department_selfeval_list(tmp_path / "自评清单.xlsx",
                                   [DepartmentSpec(), DepartmentSpec(name="教育局", code="201")])
    _, result = _run(run_pbm, "score", str(tmp_path / "自评清单.xlsx"), "--out",
                     str(tmp_path / "out"))
    assert [(p["name"], p.get("subject"), p["budget"], p["executed"], p["indicators"])
            for p in result["projects"]] == [("交通运输局", DEPARTMENT, 1020, 924, 6),
                                             ("教育局", DEPARTMENT, 1020, 924, 6)]


@pytest.mark.parametrize("total_blank", [False, True])
def test_monitoring_money_block_of_the_whole_department(tmp_path: Path, run_pbm, total_blank):
    """基本支出 600 (1–9月 441) + 项目支出 420 (252): 1,020 and 693, as the 资金总额 row
    states them or, left blank, as its parts add up."""
    (tmp_path / "q3").mkdir()
    write_department_monitor_form(tmp_path / "q3" / "监控.xlsx", [DepartmentSpec()],
                                  money_block=True, total_blank=total_blank)
    _, result = _run(run_pbm, "monitor", str(tmp_path / "q3"), "--out", str(tmp_path / "out"))
    [project] = result["projects"]
    assert (project["budget"], project["executed"]) == (1020, 693)
    assert project["execution_rate"] == pytest.approx(0.6794)


def test_list_categories_checked_against_the_department_framework(tmp_path: Path, run_pbm):
    lines = five_dimension_lines()
    lines[0] = DeptLine("运行成本", "社会效益指标", "“三公”经费控制率", "≤", "100%", "%", 10)
    lines[1] = DeptLine("管理效率", "其他效率", "政府采购执行率", "≥", "95%", "%", 10)
    write_department_goal_list(tmp_path / "清单.xlsx", [DepartmentSpec(lines=lines)])
    _, result = _run(run_pbm, "validate", str(tmp_path / "清单.xlsx"), "--out",
                     str(tmp_path / "out"))
    found = sorted((f["code"], f["cell"]) for f in result["findings"] if f["severity"] != "info")
    # 社会效益指标 is 社会效应's (or 效益's), not 运行成本's; 其他效率 is no framework name
    assert found == [("G-LEVEL2", "I3"), ("G-LOCAL-CATEGORY", "I4")]


def test_the_terminal_names_a_department_table_as_a_whole(tmp_path: Path, run_pbm):
    """validate's project lines and score's difference tables mark the department's table
    （部门整体）, as the letters do: its sheet, its name and its 主管部门 are the same name."""
    write_department_goal_form(tmp_path / "部门.xlsx", [_bad_department()])
    code, out, err = run_pbm("validate", str(tmp_path / "部门.xlsx"), "--out", str(tmp_path / "o"))
    assert code == 1, err
    assert "· 民政局（部门整体）  审核等级 差" in out
    write_department_selfeval_form(tmp_path / "自评.xlsx", [DepartmentSpec()])
    code, out, err = run_pbm("score", str(tmp_path / "自评.xlsx"), "--out", str(tmp_path / "o"))
    assert code in (0, 1), err
    assert "交通运输局（部门整体）" in out


def test_a_department_self_evaluation_is_published_as_its_own_table(tmp_path: Path, run_pbm):
    """绩效公开: a 部门整体支出绩效自评表 is published under its own title and labels (部门（单位）
    名称, 部门资金), listed in the 目录 with its mark; a project's table keeps its own."""
    from docx import Document
    from python_calamine import CalamineWorkbook

    write_department_selfeval_form(tmp_path / "自评.xlsx", [DepartmentSpec()])
    out = tmp_path / "o"
    code, _, err = run_pbm("score", str(tmp_path / "自评.xlsx"), "--out", str(out), "-q")
    assert code in (0, 1), err
    code, data = _run(run_pbm, "report", "publish", "--out", str(out))
    assert code == 0 and data["summary"]["publish"]["published"] == 1
    book = CalamineWorkbook.from_path(str(out / "reports" / "publish" / "项目支出绩效自评公开表-2026.xlsx"))
    toc, sheet = (book.get_sheet_by_name(name).to_python() for name in book.sheet_names[:2])
    assert toc[2][3] == "交通运输局（部门整体）"
    assert sheet[0][0] == "2026年度部门整体支出绩效自评表"
    assert sheet[2][:2] == ["部门（单位）名称", "交通运输局"] and sheet[4][0] == "部门资金（万元）"
    document = Document(str(out / "reports" / "publish" / "项目支出绩效自评公开表-2026.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "2026年度部门整体支出绩效自评表（1）" in texts
    assert document.tables[0].cell(0, 0).text == "部门（单位）名称"


def test_units_of_one_department_table_sum_into_a_department_summary(tmp_path: Path):
    from pbm.scoring.selfeval import SelfEvalTyping, aggregate_groups, aggregate_units

    typing = SelfEvalTyping(ScoreRules(), 2026)
    inputs = []
    for name in ("甲", "乙"):
        path = tmp_path / f"{name}.xlsx"
        write_department_selfeval_form(path, [DepartmentSpec()])
        inputs += [typing.project(record, typing.typing.table(table))
                   for table in read_workbook(path).tables for record in table.projects]
    [group] = aggregate_groups(inputs)
    summary = aggregate_units(group)
    assert summary.subject == DEPARTMENT and summary.budget == 2040


def test_goal_letter_marks_only_the_department_rows_of_a_mixed_list(tmp_path: Path, run_pbm):
    """A budget system's list with a 目标类型 column holds a department's whole-budget goals and
    its projects' on one sheet: the letter marks the department, not the projects beside it."""
    from tests.department_like import _write_list

    dept = DepartmentSpec()
    columns = ["目标类型", "主管部门", "项目名称", "部门职责", "年度总体目标", "资金总额(万元)",
               "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "权重"]
    rows = [["部门整体", dept.name, None, dept.duties, dept.annual_goal, dept.total,
             line.level1, line.level2, line.name, line.nature, line.target, line.unit,
             line.weight] for line in dept.lines]
    rows += [["项目支出", dept.name, "农村公路养护工程", None, "完成农村公路养护266公里", 400,
              level1, level2, name, "≥", target, unit, weight]
             for level1, level2, name, target, unit, weight in (
                 ("产出指标", "数量指标", "养护里程", 266, "公里", 30),
                 ("产出指标", "质量指标", "优良路率", 85, "%", 30),
                 ("效益指标", "社会效益指标", "通行条件改善", 90, "%", 20),
                 ("满意度指标", "服务对象满意度指标", "群众满意度", 90, "%", 10))]
    _write_list(tmp_path / "清单.xlsx", "绩效目标", "2026年绩效目标汇总表", columns, rows)
    out = tmp_path / "out"
    _, result = _run(run_pbm, "validate", str(tmp_path / "清单.xlsx"), "--out", str(out))
    assert [(p["name"], p.get("subject")) for p in result["projects"]] == [
        ("交通运输局", DEPARTMENT), ("农村公路养护工程", None)]
    code, _, _ = run_pbm("report", "goal-review", "--format", "md", "--out", str(out))
    assert code == 0
    [letter] = [path.read_text(encoding="utf-8") for path in (out / "reports").rglob("*.md")]
    assert "交通运输局（部门整体）" in letter
    assert "农村公路养护工程" in letter and "农村公路养护工程（部门整体）" not in letter
