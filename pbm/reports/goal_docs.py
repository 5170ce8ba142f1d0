"""绩效目标审核意见书: one letter per 主管部门, from the goal list ``goals-<year>.xlsx``."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from pbm.reports.context import (
    DASH,
    GRADES,
    SEVERITY_ORDER,
    DocumentSpec,
    Kind,
    ReportSettings,
    _columns,
    _get,
    base_context,
    money,
    numbered,
)
from pbm.reports.inputs import (
    OutputWorkbook,
    integer,
    number,
    subject_mark,
    text,
)
from pbm.workbook.outputs import (
    ABOUT,
    CORE_COVERAGE,
    GOAL_DIMENSIONS,
    GOAL_FINDINGS,
    GOAL_PROJECTS,
    QUANTIFIED_RATE,
    scoped,
)

# --------------------------------------------------------------------------- goals

GOAL_ACTIONS = {
    # 财预〔2015〕88号 第二十五条 (as reproduced): what each review grade means.
    "优": "审核等级为“优”的项目：审核通过，直接进入预算安排流程。",
    "良": "审核等级为“良”的项目：请与我局协商，按审核意见修改完善后进入预算安排流程。",
    "中": "审核等级为“中”的项目：请按审核意见修改完善，于{deadline}前重新报送审核。",
    "差": "审核等级为“差”的项目：绩效目标退回调整，暂不进入预算安排流程；请重新编报后于{deadline}前报送。",
}
#: 三、需修改的问题 opens with the count — or says there is nothing to fix.
ISSUES_INTRO = "共{count}处问题，逐项列示如下（位置为申报表中的工作表和单元格）："
NO_ISSUES = "经审核，未发现需修改的问题。"
#: The closing request: a resubmission by the deadline only when something is to be fixed.
RESUBMIT = "请于{deadline}前将修改后的绩效目标报送我局。"
RESUBMIT_OR_OUT = "审核等级为“中”“差”的项目未按期修改完善的，不得进入预算安排流程。"
NOTHING_TO_RESUBMIT = "上述项目绩效目标无需修改，不需重新报送。"


def build_goal_review(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                      ) -> list[DocumentSpec]:
    """绩效目标审核意见书, one per 主管部门 (88号's grades; pbm's own layout)."""
    projects_table = workbook.table(GOAL_PROJECTS.sheet)
    problems_table = workbook.table(GOAL_FINDINGS.sheet)
    col = _columns(workbook, projects_table, GOAL_PROJECTS, "department", "name", "code",
                   "amount", "grade", "opinion", "errors", "warnings", "file")
    pcol = _columns(workbook, problems_table, GOAL_FINDINGS, "severity", "file", "sheet", "cell",
                    "project", "dimension", "message", "hint", "code")
    opinion_columns = _columns(workbook, projects_table, GOAL_PROJECTS, *GOAL_DIMENSIONS)

    departments: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for row in (projects_table.rows if projects_table else []):
        department = text(_get(row, col["department"])) or "（未填主管部门）"
        departments.setdefault(department, []).append(row)
    # The 问题 lines indexed once by file and by project (a province has thousands of
    # departments; scanning every line for each letter grew with their product).
    problems: list[tuple[str, str, dict[str, Any]]] = []
    by_file: dict[str, list[int]] = {}
    by_project: dict[str, list[int]] = {}
    for problem in (problems_table.rows if problems_table else []):
        if SEVERITY_ORDER.get(text(_get(problem, pcol["severity"])), 2) > 1:
            continue  # 提示 (info) lines are for the reviewer, not for the letter
        file, project = text(_get(problem, pcol["file"])), text(_get(problem, pcol["project"]))
        by_file.setdefault(file, []).append(len(problems))
        by_project.setdefault(project, []).append(len(problems))
        problems.append((file, project, problem))

    # 指标量化率 and 核心指标覆盖率 as validate wrote them in 说明 (per department, then overall).
    about = {text(r.get(ABOUT["label"])): text(r.get(ABOUT["value"]))
             for r in workbook.rows(ABOUT.sheet, required=False)}
    documents = []
    for sequence, (department, rows) in enumerate(departments.items(), start=1):
        files = {text(_get(r, col["file"])) for r in rows} - {""}
        names = {text(_get(r, col["name"])) for r in rows} - {""}
        candidates = sorted({i for f in files for i in by_file.get(f, ())}
                            | {i for n in names for i in by_project.get(n, ())})
        grade_counts = {g: 0 for g in GRADES}
        project_rows = []
        for row in rows:
            grade = text(_get(row, col["grade"]))
            if grade in grade_counts:
                grade_counts[grade] += 1
            project_rows.append({
                "code": text(_get(row, col["code"])) or DASH,
                "name": (text(_get(row, col["name"])) or "（未填项目名称）") +
                subject_mark(row),
                "amount": money(_get(row, col["amount"])),
                "grade": grade or DASH,
                "errors": str(integer(_get(row, col["errors"]))),
                "warnings": str(integer(_get(row, col["warnings"]))),
                "opinion": text(_get(row, col["opinion"])) or DASH,
            })
        issue_rows, ledger_items = [], []
        by_name = {text(_get(r, col["name"])): r for r in rows}
        for index in candidates:
            file, project, problem = problems[index]
            severity = text(_get(problem, pcol["severity"]))
            in_files = file in files
            # A file may hold several departments' projects: a project-level line belongs to
            # the department that owns the project, a file-level line to every one in the file.
            if files and not (in_files and (not project or project in names)):
                continue
            if not files and project not in names:
                continue
            issue_rows.append({
                "project": project or "（整个文件）",
                "dimension": text(_get(problem, pcol["dimension"])) or DASH,
                "severity": severity or DASH,
                "location": " ".join(filter(None, (text(_get(problem, pcol["sheet"])),
                                                   text(_get(problem, pcol["cell"]))))) or DASH,
                "message": text(_get(problem, pcol["message"])) or DASH,
                "hint": text(_get(problem, pcol["hint"])) or DASH,
            })
            owner = by_name.get(project) or (rows[0] if len(rows) == 1 else {})
            ledger_items.append({
                "code": text(_get(owner, col["code"])) if project else "",
                "name": project, "file": file,
                "amount": text(_get(owner, col["amount"])) if project else "",
                "sheet": text(_get(problem, pcol["sheet"])),
                "cell": text(_get(problem, pcol["cell"])),
                "finding": text(_get(problem, pcol["code"])),
                "problem": issue_rows[-1]["message"], "required": issue_rows[-1]["hint"]})
        dimension_rows = []
        for dimension in GOAL_DIMENSIONS:
            count = sum(1 for issue in issue_rows if issue["dimension"] == dimension)
            column = opinion_columns.get(dimension)
            needing = [r for r in rows if column and text(r.get(column)).startswith("需修改")]
            dimension_rows.append({
                "dimension": dimension, "count": str(count),
                "opinion": ("；".join(text(_get(r, col["name"])) + _after_colon(text(r.get(column)))
                                     for r in needing) if needing else "符合要求")})
        context = base_context(kind, settings, sequence)
        actions = []
        for grade in GRADES:
            names_with_grade = [p["name"] for p in project_rows if p["grade"] == grade]
            if names_with_grade:
                actions.append(GOAL_ACTIONS[grade].format(deadline=context["deadline"])
                               + "涉及：" + "、".join(names_with_grade) + "。")
        must_resubmit = bool(grade_counts["中"] or grade_counts["差"])
        if issue_rows or must_resubmit:
            resubmission = RESUBMIT.format(deadline=context["deadline"]) + (
                RESUBMIT_OR_OUT if must_resubmit else "")
        else:
            resubmission = NOTHING_TO_RESUBMIT
        context.update({
            "department": department,
            "project_count": str(len(project_rows)),
            "amount_total": money(sum((number(_get(r, col["amount"])) or Decimal(0)
                                       for r in rows), Decimal(0))),
            "grade_summary": "，".join(f"{g} {grade_counts[g]} 个" for g in GRADES),
            "grade_excellent": str(grade_counts["优"]), "grade_good": str(grade_counts["良"]),
            "grade_fair": str(grade_counts["中"]), "grade_poor": str(grade_counts["差"]),
            "issue_count": str(len(issue_rows)),
            "issues_intro": (ISSUES_INTRO.format(count=len(issue_rows)) if issue_rows
                             else NO_ISSUES),
            "projects": numbered(project_rows, ["name", "code", "amount", "grade", "errors",
                                                "warnings", "opinion"]),
            "issues": numbered(issue_rows, ["project", "dimension", "severity", "location",
                                            "message", "hint"]),
            "dimensions": dimension_rows,
            "actions": actions or ["全部项目审核通过。"],
            "resubmit_needed": "是" if must_resubmit else "否",
            "resubmission": resubmission,
            "quantified_rate": about.get(scoped(QUANTIFIED_RATE, department)) or DASH,
            "core_coverage": about.get(scoped(CORE_COVERAGE, department)) or DASH,
        })
        documents.append(DocumentSpec(kind.key, f"{department}-{kind.title}",
                                      f"{department}{kind.title}", context,
                                      department=department, issues=ledger_items))
    return documents


def _after_colon(value: str) -> str:
    return f"（{value.split('：', 1)[1]}）" if "：" in value else ""
