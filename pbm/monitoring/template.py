"""``pbm template monitor``: one monitoring workbook per department, pre-filled with its
approved projects and indicators (form layout, one sheet per project), leaving only the
values to fill — so drift and typing mistakes never start (issue 3)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pbm.errors import PbmError
from pbm.monitoring.departments import Roster
from pbm.monitoring.forms import (
    MonitorFormWriter,
    MonitorIndicatorSpec,
    MonitorProjectSpec,
    write_instructions,
)
from pbm.monitoring.goals import ApprovedGoals, ApprovedProject, key
from pbm.monitoring.period import Period

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _target_cell(indicator) -> object:
    """The approved target as the goal form had it: a plain number (266, or "12000.0" from
    the goal list) is written as a number, anything else (≥95%, 有效提升) as its text."""
    target = indicator.target
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


def write_monitor_templates(goals: ApprovedGoals, out_dir: Path, period: Period,
                            roster: Roster | None = None) -> list[Path]:
    """Write ``<code>-<department>-<year>年1-<month>月绩效监控表.xlsx`` per department."""
    from pbm.workbook.writer import make_folder, safe_filename

    if not goals.projects:
        raise PbmError("M-NO-GOAL-PROJECTS", file=goals.source)
    by_department: dict[str, list[ApprovedProject]] = {}
    names: dict[str, str] = {}
    for project in goals.projects:
        department_key = key(project.department)
        by_department.setdefault(department_key, []).append(project)
        names.setdefault(department_key, project.department or "未填主管部门")
    out_dir = make_folder(out_dir)
    written: list[Path] = []
    for department_key, projects in by_department.items():
        department = names[department_key]
        code = next((p.department_code for p in projects if p.department_code), "")
        if not code and roster:
            match = roster.find(department)
            code = match.code if match else ""
        stem = f"{code}-{department}" if code else department
        # A department name such as "../../etc" must not leave the output folder.
        file_name = safe_filename(f"{stem}-{period.year}年1-{period.month}月绩效监控表") + ".xlsx"
        path = out_dir / file_name
        _write_workbook(path, [spec_from_approved(p, period, code) for p in projects], projects)
        written.append(path)
    return written


def _write_workbook(path: Path, specs: list[MonitorProjectSpec],
                    projects: list[ApprovedProject]) -> None:
    from pbm.workbook.writer import build_xlsx

    def build(workbook) -> None:
        writer = MonitorFormWriter(workbook)
        write_instructions(workbook)
        used: set[str] = set()
        for index, (spec, project) in enumerate(zip(specs, projects), 1):
            writer.write(workbook.add_worksheet(_sheet_name(project, index, used)), spec,
                         template=True)

    build_xlsx(path, build)
