"""Which goals are approved (审核通过): the review grade (审核等级) of each project.

Monitoring templates carry only the goals the review let through — 优 (审核通过) and 良
(基本符合要求) in the grades of 财预〔2015〕88号 第二十五条; a 中 is sent back to be revised
and resubmitted, a 差 is returned (退回调整).  The grade comes from ``pbm validate``'s goal
list (its 审核等级 column), or, for goal workbooks as departments sent them, from reviewing
them now with the same rules, so the grade is the one ``pbm validate`` gives.
"""

from __future__ import annotations

from pathlib import Path

from pbm.errors import PbmError
from pbm.monitoring.goals import ApprovedProject, key
from pbm.workbook.outputs import GOAL_INDICATORS, GOAL_PROJECTS, GOALS, output_book, read_output

#: The grades whose goals go into the budget and so into the monitoring templates.
APPROVED_GRADES = ("优", "良")
#: Worse grades win when one project is listed more than once.
_RANK = {"优": 0, "良": 1, "中": 2, "差": 3}

Ident = tuple[str, str, str]


def project_ident(code: str, department: str, name: str) -> Ident:
    """How a project is told apart, as the approved goals match it: code, department, name."""
    return key(code), key(department), key(name)


def ident_of(project: ApprovedProject) -> Ident:
    return project_ident(project.code, project.department, project.name)


def is_approved(grade: str) -> bool:
    return grade in APPROVED_GRADES


def review_grades(path: Path, config) -> dict[Ident, str]:
    """The review grade of every project in the goals at ``path`` (a goal list, goal
    workbooks, or a folder of either); a project with no grade is not in the result."""
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.values import cell_text
    from pbm.workbook.read import iter_workbook_files
    from pbm.workbook.source import Limits

    limits = Limits.from_config(config.section("limits"))
    grades: dict[Ident, str] = {}
    declarations: list[Path] = []
    for file in iter_workbook_files([Path(path)]):
        try:
            book = output_book(file, limits, str(file))
        except PbmError:
            continue  # unreadable: the approved goals skipped it too (M-GOALS-FILE-SKIPPED)
        if book is not GOALS:
            declarations.append(file)
            continue
        goal_list = read_output(file, limits=limits, display=str(file),
                                only=(GOAL_PROJECTS.sheet, GOAL_INDICATORS.sheet))
        for schema in (GOAL_PROJECTS, GOAL_INDICATORS):
            table = goal_list.sheets[schema.sheet]
            headers = {k: table.require(schema, k, goal_list.tool)
                       for k in ("code", "department", "name", "grade")}
            for row in table.rows:
                _note(grades, project_ident(cell_text(row.get(headers["code"])),
                                            cell_text(row.get(headers["department"])),
                                            cell_text(row.get(headers["name"]))),
                      cell_text(row.get(headers["grade"])))
    if declarations:
        result = validate_paths(declarations, ReviewSettings.from_config(config), limits,
                                year=config.year)
        for review in result.reviews:
            record = review.record
            _note(grades, project_ident(record.text("project_code"), record.department,
                                        record.name), review.grade)
    return grades


def _note(grades: dict[Ident, str], ident: Ident, grade: str) -> None:
    if grade not in _RANK:
        return
    known = grades.get(ident)
    if known is None or _RANK[grade] > _RANK[known]:
        grades[ident] = grade
