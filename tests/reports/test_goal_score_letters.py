"""Letters written to their recipient (issue #16): a goal letter with nothing to fix asks for
nothing; a score feedback tells the unit what is wrong and what to do, never how pbm scored a
blank; the 绩效评价报告 carries the evaluators' 扣分原因 and the 资金 of the self-evaluation.

The workspace is real: goal forms, 自评表 and evaluators' scoring sheets written with pbm's own
form writers, then `pbm validate`, `pbm score` and `pbm report` as typed; the assertions read
the .docx (and .md) the commands wrote."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from test_report_render import body_lines

from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook
from pbm.scoring.frameworks import load_framework
from pbm.workbook.forms import IndicatorSpec
from pbm.workbook.outputs import SCORE_EVALUATION_LINES, SCORE_FINDINGS
from tests.builders import good_project, write_form_workbook
from tests.score_cmd.score_cmd_helpers import line, project, qual, write

REPORT_DATE = "2026-03-05"
DEADLINE = "2026年4月4日"  # the date + the 30 days of [report] rectification_days
#: What only the reviewer is to read: how pbm scored a blank, whom to ask to score by hand.
INTERNAL = ("按 0 分计入", "人工评分", "pbm", "复核总分只是下限")
REASON_PROMPT = "（请填写扣分原因）"


def _satisfied(name: str) -> list:
    return [line(f"{name}数量", "≥100人次", "120人次", 30, 30),
            line(f"{name}合格率", "≥95%", "96%", 30, 30),
            qual(f"{name}成效", "达成", 20, 20),
            line("服务对象满意度", "≥90%", "95%", 10, 10, level1="满意度指标",
                 level2="服务对象满意度指标")]


def _write_goals(goals: Path) -> None:
    goals.mkdir(exist_ok=True)
    write_form_workbook(goals / "105-交通运输局.xlsx", [good_project()])  # 优, nothing to fix
    wanting = good_project("智慧校园建设", code="P2026002", department="教育局", department_code="101")
    wanting.indicators[0] = IndicatorSpec("产出指标", "数量指标", "建成智慧教室", "≥", 120, None, 20)
    write_form_workbook(goals / "101-教育局.xlsx", [wanting])  # G2: no 计量单位 → 中


def _write_self_evaluations(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    clean = project("乡村教师培训", _satisfied("培训"), budget=200, executed=200,
                    execution_score=10, total=100)
    kept = project("校舍维修改造", [line("维修校舍面积", None, "16560平方米", 30, 28),
                                   *_satisfied("维修")[1:]],
                   budget=300, executed=300, execution_score=10, total=98)
    # a line neither rescorable nor claimed, and a qualitative line without a score
    ungraded = project("营养改善计划", [line("受益学生人数", None, None, 30, None),
                                      line("供餐合格率", "≥95%", "96%", 30, 30),
                                      qual("学生营养状况", "达成", 20, None),
                                      *_satisfied("供餐")[3:]],
                       budget=500, executed=450, execution_score=9)
    road = project("农村公路日常养护", _satisfied("养护"), budget=600, executed=420,
                   execution_score=7, total=97, department="交通运输局", unit="公路养护中心")
    write(folder, "101-教育局-自评表", [clean, kept, ungraded], "form")
    write(folder, "105-交通运输局-自评表", [road], "form")


def _write_evaluation(path: Path) -> None:
    """Three evaluators of 农村公路日常养护: two write 资料不全 on the first line, one writes
    台账缺失 beside it; 赵六 scores far below his group, without reasons, and leaves a line
    blank."""
    framework = load_framework("national")
    full = [float(item.weight) for item in framework.indicators]

    def sheet(group: str, person: str, cuts: dict[int, tuple[float | None, str]]):
        scores, reasons = list(full), [None] * len(full)
        for index, (cut, reason) in cuts.items():
            scores[index] = None if cut is None else full[index] - cut
            reasons[index] = reason
        return EvaluationSheetSpec(project="农村公路日常养护", department="交通运输局", group=group,
                                   evaluator=person, scores=scores, reasons=reasons)

    heavy = {i: (full[i] / 2, "") for i in range(4, len(full))}
    write_evaluation_workbook(path, framework, [
        sheet("财政", "张敏", {0: (0.5, "资料不全"), 1: (0.5, "资料不全。")}),
        sheet("第三方", "李华", {0: (0.5, "资料不全"), 2: (1, "台账缺失")}),
        sheet("第三方", "赵六", {0: (1, "台账缺失"), 3: (None, ""), **heavy}),
    ], sheet_names=["财政-张敏", "第三方-李华", "第三方-赵六"])


@pytest.fixture
def reported(workspace, run_pbm):
    """validate → score → report on a workspace of real forms; returns the workspace."""
    text = (workspace / "pbm.toml").read_text(encoding="utf-8")
    (workspace / "pbm.toml").write_text(text.replace("[report]", f'[report]\ndate = "{REPORT_DATE}"', 1)
                                        if "[report]" in text else
                                        text + f'\n[report]\ndate = "{REPORT_DATE}"\n',
                                        encoding="utf-8")
    _write_goals(workspace / "goals")
    _write_self_evaluations(workspace / "self-eval")
    _write_evaluation(workspace / "self-eval" / "第三方评价-农村公路日常养护.xlsx")
    code, _, err = run_pbm("validate", "goals/", cwd=workspace)
    assert code == 1, err  # the 教育局 form has an error
    code, out, err = run_pbm("score", "self-eval/", "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    scored = json.loads(out)
    # the findings whose reviewer texts must stay out of the letters are really there
    messages = {f["code"]: f["message"] + f["hint"] for f in scored["findings"]}
    assert {"S-UNSCORABLE", "S-UNGRADED", "S-MISSING-SCORE", "S-GROUP-OUTLIER"} <= set(messages)
    assert "人工评分" in messages["S-UNSCORABLE"] and "复核总分只是下限" in messages["S-UNGRADED"]
    assert any("按 0 分计入" in f["message"] for f in scored["findings"])
    for fmt in ("docx", "md"):
        code, _, err = run_pbm("report", "goal-review", "score-feedback", "evaluation-report",
                               "--format", fmt, cwd=workspace)
        assert code == 0, err
    return workspace


def _letter(workspace: Path, kind: str, stem: str, suffix: str = ".docx") -> list[str]:
    path = workspace / "out" / "reports" / kind / f"{stem}{suffix}"
    if suffix == ".docx":
        return body_lines(path)
    return path.read_text(encoding="utf-8").splitlines()


def _feedback(workspace: Path, department: str, name: str, suffix: str = ".docx") -> list[str]:
    return _letter(workspace, "score-feedback", f"{department}-{name}-绩效评价结果反馈书", suffix)


# --------------------------------------------------------------------------- goal review

def test_a_clean_goal_letter_says_so_and_asks_for_nothing(reported):
    for suffix in (".docx", ".md"):
        clean = "\n".join(_letter(reported, "goal-review", "交通运输局-绩效目标审核意见书", suffix))
        assert "优" in clean and "审核通过" in clean
        assert "经审核，未发现需修改的问题。" in clean
        assert "共0处" not in clean and "逐项列示如下" not in clean
        assert DEADLINE not in clean and "请于" not in clean and "报送我局" not in clean
        assert "不需重新报送" in clean


def test_a_goal_letter_with_problems_still_lists_them_and_asks_by_the_deadline(reported):
    lines = _letter(reported, "goal-review", "教育局-绩效目标审核意见书")
    assert "共1处问题，逐项列示如下（位置为申报表中的工作表和单元格）：" in lines
    assert any("定量指标缺少计量单位" in line for line in lines)
    assert (f"请于{DEADLINE}前将修改后的绩效目标报送我局。审核等级为“中”“差”的项目未按期修改完善的，"
            "不得进入预算安排流程。") in lines
    assert "不需重新报送" not in "\n".join(lines)


# --------------------------------------------------------------------------- score feedback

def test_no_score_feedback_carries_the_reviewers_notes(reported):
    letters = sorted((reported / "out" / "reports" / "score-feedback").iterdir())
    assert len([p for p in letters if p.suffix == ".docx"]) == 5  # 4 self-evaluations + 1 evaluation
    for path in letters:
        text = "\n".join(body_lines(path) if path.suffix == ".docx"
                         else path.read_text(encoding="utf-8").splitlines())
        for phrase in INTERNAL:
            assert phrase not in text, (path.name, phrase)
        assert "下限" not in text and "容差" not in text and "计分方法" not in text, path.name


def test_a_line_pbm_could_not_rescore_is_told_to_the_unit(reported):
    lines = _feedback(reported, "教育局", "校舍维修改造")
    assert ("1|“维修校舍面积”年度指标值为空，未复核（按单位自评得分计入）|"
            "请核对该指标的分值、年度指标值、实际完成值和计算符号，补全缺少的内容") in lines
    assert f"请针对上述问题认真整改，自收到本反馈意见之日起30日内（{DEADLINE}前）将整改措施书面报送我局。" in lines


def test_an_ungraded_project_is_explained_plainly(reported):
    text = "\n".join(_feedback(reported, "教育局", "营养改善计划"))
    assert "评价等级|未评定" in text
    assert "“受益学生人数”年度指标值和实际完成值均为空，也没有填写自评得分，未复核、未计分" in text
    assert "“学生营养状况”没有填写自评得分" in text
    assert "有 1 项指标既缺少复核所需的数据，也没有自评得分，本次暂不评定等级" in text
    assert "暂不评定等级" in text.split("四、结果应用")[1]


def test_a_letter_with_nothing_to_fix_asks_for_nothing(reported):
    lines = _feedback(reported, "教育局", "乡村教师培训")
    assert "评价等级|优" in lines
    assert "经复核，未发现需要整改的问题，无需报送整改措施。" in lines
    assert not any("整改措施书面报送" in line or DEADLINE in line for line in lines)


def test_the_evaluation_letter_lists_the_evaluators_deductions_not_their_sheets(reported):
    text = "\n".join(_feedback(reported, "交通运输局", "农村公路日常养护-多方评价"))
    assert "“立项依据充分性”扣" in text and "资料不全（财政、第三方）；台账缺失（第三方）" in text
    assert "赵六" not in text  # an outlier evaluator is the bureau's matter
    assert "预算执行率|70.00%" in text


def test_the_scores_workbook_keeps_the_reviewers_texts_beside_the_letters(reported):
    sheet = openpyxl.load_workbook(reported / "out" / "scores-2026.xlsx",
                                   read_only=True)[SCORE_FINDINGS.sheet]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = {key: header.index(SCORE_FINDINGS[key])
              for key in ("code", "project", "hint", "letter", "letter_hint")}
    by_code = {}
    for row in rows[1:]:
        by_code.setdefault((row[column["code"]], row[column["project"]]), row)
    unscorable = by_code[("S-UNSCORABLE", "校舍维修改造")]
    assert "人工评分" in unscorable[column["hint"]]  # the reviewer's hint stays in the workbook
    assert unscorable[column["letter"]] == "“维修校舍面积”年度指标值为空，未复核（按单位自评得分计入）"
    outlier = by_code[("S-GROUP-OUTLIER", "农村公路日常养护")]
    assert outlier[column["letter"]] is None and outlier[column["letter_hint"]] is None


# --------------------------------------------------------------------------- evaluation report

def test_the_evaluation_report_carries_the_evaluators_reasons_and_the_funds(reported):
    for suffix in (".docx", ".md"):
        lines = _letter(reported, "evaluation-report",
                        "交通运输局-农村公路日常养护-多方评价-绩效评价报告", suffix)
        text = "\n".join(lines)
        assert REASON_PROMPT not in text
        rows = {}
        for row in lines:
            cells = [c.strip() for c in row.strip("|").split("|")]
            if len(cells) == 7:
                rows[cells[2]] = cells
        assert rows["立项依据充分性"][6] == "资料不全（财政、第三方）；台账缺失（第三方）"
        assert rows["立项程序规范性"][6] == "资料不全（财政）"  # 资料不全。 is the same reason
        assert rows["绩效目标合理性"][6] == "台账缺失（第三方）"
        # points taken off without a reason: no prompt, a neutral dash
        assert rows["预算编制科学性"][5] != "0.00" and rows["预算编制科学性"][6] == "—"
        assert rows["绩效指标明确性"][6] == "—"  # 赵六 left it blank, nobody wrote a reason
        funds = {cells[0]: cells[1] for cells in
                 ([c.strip() for c in row.strip("|").split("|")] for row in lines) if len(cells) == 2}
        assert funds["预算数（万元）"] == "600.00"
        assert funds["执行数（万元）"] == "420.00"
        assert funds["预算执行率"] == "70.00%"


def test_the_workbook_line_sheet_has_the_merged_reasons(reported):
    sheet = openpyxl.load_workbook(reported / "out" / "scores-2026.xlsx",
                                   read_only=True)[SCORE_EVALUATION_LINES.sheet]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    reasons = {row[header.index(SCORE_EVALUATION_LINES["level3"])]:
               row[header.index(SCORE_EVALUATION_LINES["reason"])] for row in rows[1:]}
    assert reasons["立项依据充分性"] == "资料不全（财政、第三方）；台账缺失（第三方）"
    assert reasons["完成及时性"] is None or reasons["完成及时性"] == ""


def test_the_letters_problems_are_rows_of_the_rectification_ledger(reported):
    book = openpyxl.load_workbook(reported / "out" / "rectification.xlsx")
    rows = list(book["整改台账"].iter_rows(values_only=True))
    rows = [dict(zip(rows[0], row)) for row in rows[1:]]
    goal = [r for r in rows if r["问题编号"].startswith("GR-")]
    assert [r["问题代码"] for r in goal] == ["G2"] and goal[0]["主管部门"] == "教育局"
    assert goal[0]["单元格"] and goal[0]["整改期限"] == "2026-04-04"
    score = [r for r in rows if r["问题编号"].startswith("SF-")]
    assert score and {r["来源环节"] for r in score} == {"绩效评价"}
    # the unit's wording, never the reviewer's notes
    assert not any(word in (r["问题说明"] or "") for r in score for word in INTERNAL)
    assert len({r["问题编号"] for r in rows}) == len(rows)
