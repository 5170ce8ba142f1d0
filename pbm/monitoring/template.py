"""``pbm template monitor``: one monitoring workbook per department, pre-filled with its
approved projects and indicators (form layout, one sheet per project), leaving only the
values to fill — so drift and typing mistakes never start (issue 3).

Only goals the review let through (优/良, :mod:`pbm.monitoring.approval`) are carried;
returned ones are left out and counted, or, when asked for, written with a visible mark.
A 年度指标值 that is a template placeholder (``≥**人``) is never written as the target.
Everything is planned before anything is written, so the command can refuse to replace an
existing file before it touches the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.monitoring.approval import Ident, ident_of, is_approved
from pbm.monitoring.departments import Roster
from pbm.monitoring.forms import (
    INSTRUCTIONS,
    MonitorFormWriter,
    MonitorIndicatorSpec,
    MonitorProjectSpec,
)
from pbm.monitoring.goals import ApprovedGoals, ApprovedIndicator, ApprovedProject, key
from pbm.monitoring.period import Period

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

#: Written after the title of a project whose goal did not pass the review.
RETURNED_MARK = "（目标未通过审核，已退回）"
RETURNED_INSTRUCTION = (
    f"标题注有“{RETURNED_MARK}”、工作表标签为红色的项目，其绩效目标未通过审核（审核等级中或差），"
    "已退回部门修改；表中指标以重新批复的绩效目标为准，原目标中为模板占位符（如 ≥**人）的年度指标值未预填。")
PLACEHOLDER_COMMENT = "批复目标中该年度指标值为模板占位符“{value}”，未预填；以重新批复的指标值为准。"
_TARGET_COLUMN = 4  # 年度指标值 (column E) of MonitorFormWriter's indicator grid
_LISTED = 5  # projects named in one summary line


@dataclass
class TemplateProject:
    """One approved project and its review grade (审核等级; "" when the goals carry none)."""

    goal: ApprovedProject
    grade: str
    sheet: str = ""

    @property
    def returned(self) -> bool:
        """Not let through by the review: sent back (中) or returned (差)."""
        return not is_approved(self.grade)

    @property
    def placeholders(self) -> list[ApprovedIndicator]:
        return [ind for ind in self.goal.indicators if ind.target.placeholder]

    def label(self) -> str:
        return f"{self.goal.name or self.goal.code}（{self.grade or '未审核'}）"


@dataclass
class TemplateFile:
    path: Path
    department_code: str
    projects: list[TemplateProject]


@dataclass
class MonitorTemplates:
    """The monitoring workbooks to write, and the returned goals left out."""

    period: Period
    folder: Path
    goals_source: str
    files: list[TemplateFile]
    left_out: list[TemplateProject] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [file.path for file in self.files]

    @property
    def projects(self) -> list[TemplateProject]:
        return [project for file in self.files for project in file.projects]

    def findings(self) -> list[Finding]:
        """What the summary says besides the files: returned goals left out or included,
        placeholder targets left blank."""
        from pbm.workbook.read import display_path

        goals = display_path(Path(self.goals_source))
        findings = []
        if self.left_out:
            findings.append(Finding("M-TEMPLATE-RETURNED-LEFT-OUT", file=goals,
                                    params={"count": len(self.left_out),
                                            "projects": _listing(self.left_out)}))
        included = [p for p in self.projects if p.returned]
        if included:
            findings.append(Finding("M-TEMPLATE-RETURNED-INCLUDED", file=goals,
                                    params={"count": len(included), "mark": RETURNED_MARK,
                                            "projects": _listing(included)}))
        for file in self.files:
            for project in file.projects:
                for indicator in project.placeholders:
                    findings.append(Finding(
                        "M-TEMPLATE-PLACEHOLDER-TARGET", file=display_path(file.path),
                        sheet=project.sheet,
                        project=project.goal.name, value=indicator.target.text,
                        params={"indicator": indicator.name}))
        return findings


def _listing(projects: list[TemplateProject]) -> str:
    names = "、".join(p.label() for p in projects[:_LISTED])
    return names if len(projects) <= _LISTED else f"{names} …(+{len(projects) - _LISTED})"


def _target_cell(indicator: ApprovedIndicator) -> object:
    """The approved target as the goal form had it: a plain number (266, or "12000.0" from
    the goal list) is written as a number, anything else (≥95%, 有效提升) as its text; a
    blank or a template placeholder (≥**人, XX) is no target and stays blank."""
    target = indicator.target
    if target.is_missing:
        return None
    if target.kind == "number" and target.op_implied and target.number is not None and \
            _PLAIN_NUMBER.match(target.text or ""):
        number = target.number
        return int(number) if number == number.to_integral() else float(number)
    return target.text or None


def _amount(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def spec_from_approved(project: ApprovedProject, period: Period,
                       department_code: str = "") -> MonitorProjectSpec:
    """A monitoring project pre-filled from its approved goal; values left blank."""
    return MonitorProjectSpec(
        name=project.name, code=project.code or None, department=project.department,
        department_code=project.department_code or department_code or None,
        unit=project.implementing_unit or None, attribute=project.attribute or None,
        annual_goal=project.annual_goal or None, initial_budget=_amount(project.amount),
        indicators=[MonitorIndicatorSpec(ind.level1 or None, ind.level2 or None, ind.name,
                                         ind.nature or None, _target_cell(ind), ind.unit or None)
                    for ind in project.indicators],
        year=period.year, month=period.month)


def _sheet_name(project: ApprovedProject, index: int, used: set[str]) -> str:
    base = (project.code or f"项目{index}")
    for char in '[]:*?/\\':
        base = base.replace(char, "_")
    name = base[:31]
    suffix = 2
    while name in used:
        name = f"{base[:27]}-{suffix}"
        suffix += 1
    used.add(name)
    return name


def plan_monitor_templates(goals: ApprovedGoals, grades: dict[Ident, str], out_dir: Path,
                           period: Period,
                           roster: Roster | None = None, *,
                           include_returned: bool = False) -> MonitorTemplates:
    """The workbooks ``<code>-<department>-<year>年1-<month>月绩效监控表.xlsx`` to write, one
    per department, of the projects whose grade in ``grades`` (:func:`review_grades`) is
    优 or 良 — or of all of them with ``include_returned``.  Nothing is written."""
    from pbm.workbook.writer import safe_filename

    if not goals.projects:
        raise PbmError("M-NO-GOAL-PROJECTS", file=goals.source)
    graded = [TemplateProject(p, grades.get(ident_of(p), "")) for p in goals.projects]
    kept = graded if include_returned else [p for p in graded if not p.returned]
    left_out = [] if include_returned else [p for p in graded if p.returned]
    if not kept:
        raise PbmError("M-TEMPLATE-NONE-APPROVED", file=goals.source, count=len(left_out),
                       projects=_listing(left_out))
    by_department: dict[str, list[TemplateProject]] = {}
    names: dict[str, str] = {}
    for project in kept:
        department_key = key(project.goal.department)
        by_department.setdefault(department_key, []).append(project)
        names.setdefault(department_key, project.goal.department or "未填主管部门")
    files = []
    for department_key, projects in by_department.items():
        department = names[department_key]
        code = next((p.goal.department_code for p in projects if p.goal.department_code), "")
        if not code and roster:
            match = roster.find(department)
            code = match.code if match else ""
        stem = f"{code}-{department}" if code else department
        # A department name such as "../../etc" must not leave the output folder.
        file_name = safe_filename(f"{stem}-{period.year}年1-{period.month}月绩效监控表") + ".xlsx"
        used: set[str] = set()
        for index, project in enumerate(projects, 1):
            project.sheet = _sheet_name(project.goal, index, used)
        files.append(TemplateFile(Path(out_dir) / file_name, code, projects))
    return MonitorTemplates(period, Path(out_dir), goals.source, files, left_out)


def write_monitor_templates(plan: MonitorTemplates) -> list[Path]:
    """Write the planned workbooks (each atomically, replacing a file of the same name)."""
    from pbm.workbook.writer import make_folder

    make_folder(plan.folder)
    for file in plan.files:
        _write_workbook(file, plan.period)
    return plan.paths


def _write_workbook(file: TemplateFile, period: Period) -> None:
    from pbm.workbook.forms import write_instructions
    from pbm.workbook.writer import build_xlsx

    returned = any(p.returned for p in file.projects)

    def build(workbook) -> None:
        writer = MonitorFormWriter(workbook)
        lines = INSTRUCTIONS + [(str(len(INSTRUCTIONS)), RETURNED_INSTRUCTION)] if returned \
            else INSTRUCTIONS
        write_instructions(workbook, "填报说明", lines)
        marked_title = workbook.add_format({"bold": True, "font_size": 16, "align": "center",
                                            "valign": "vcenter", "font_name": "黑体",
                                            "font_color": "#C00000"})
        for project in file.projects:
            spec = spec_from_approved(project.goal, period, file.department_code)
            sheet = workbook.add_worksheet(project.sheet)
            first, _ = writer.write(sheet, spec, template=True)
            for offset, indicator in enumerate(project.goal.indicators):
                if indicator.target.placeholder:
                    sheet.write_comment(first + offset, _TARGET_COLUMN,
                                        PLACEHOLDER_COMMENT.format(value=indicator.target.text))
            if project.returned:
                # The title MonitorFormWriter wrote, in red with the mark after it.
                sheet.write_string(0, 0, f"{spec.year}年项目支出绩效运行监控表（1-{spec.month}月）"
                                         f"{RETURNED_MARK}", marked_title)
                sheet.set_tab_color("#C00000")

    build_xlsx(file.path, build)
