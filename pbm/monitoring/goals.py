"""Approved goals (批复的绩效目标) and drift of monitoring rows from them (M3, pbm's own rule).

The approved list is ``out/goals-<year>.xlsx`` written by ``pbm validate`` (sheets 项目 and
指标, read directly by their declared columns: :mod:`pbm.workbook.outputs`), or a folder of goal workbooks read with the one reader and typed with
:func:`pbm.goals.rules.type_project` (so amounts in 元 are converted the same way).
Monitoring rows are matched to approved ones by project code, else department + name, else
a unique name; indicators by their 三级指标 name.  A row that was added, removed, or whose
target changed (operator, number, unit or text) is drift.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.indicators import comparison
from pbm.values import ParsedValue, parse_value
from pbm.workbook.outputs import (
    GOAL_INDICATORS,
    GOAL_PROJECTS,
    GOALS,
    OutputRead,
    OutputSheet,
    output_book,
    read_output,
)
from pbm.workbook.table import is_blank

_PUNCT = re.compile(r"[\s，,。.；;：:、“”\"'（）()]+")


def key(text: Any) -> str:
    """Matching key of a name: NFKC, no whitespace, case-folded."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _compact(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


def target_text(target: ParsedValue, nature: str | None) -> str:
    """The target as one comparable, readable text (``≥95%``, ``12000人``, ``有效提升``)."""
    if target.kind == "number" and target.number is not None:
        op = comparison(target, nature) or ""
        number = format(target.number.normalize(), "f") if target.number == target.number.to_integral() \
            else format(target.number, "f")
        return f"{op}{number}{target.unit or ''}"
    return target.text


def same_target(approved: ParsedValue, approved_nature: str | None, submitted: ParsedValue,
                submitted_nature: str | None) -> bool:
    """True when the submitted 年度指标值 says the same as the approved one."""
    if approved.kind == "number" and submitted.kind == "number":
        if approved.number != submitted.number:
            return False
        if comparison(approved, approved_nature) != comparison(submitted, submitted_nature):
            return False
        return not (approved.unit and submitted.unit and approved.unit != submitted.unit)
    if approved.kind in ("date", "month") and submitted.kind in ("date", "month"):
        return approved.month == submitted.month
    return _compact(approved.text) == _compact(submitted.text)


@dataclass
class ApprovedIndicator:
    level1: str
    level2: str
    name: str
    nature: str | None
    target: ParsedValue
    unit: str

    @property
    def target_text(self) -> str:
        return target_text(self.target, self.nature)


@dataclass
class ApprovedProject:
    department: str
    department_code: str
    code: str
    name: str
    implementing_unit: str = ""
    attribute: str = ""
    annual_goal: str = ""
    amount: Decimal | None = None  # 资金总额, 万元
    indicators: list[ApprovedIndicator] = field(default_factory=list)
    source: str = ""

    @property
    def ident(self) -> str:
        return self.code or f"{self.department}/{self.name}"


@dataclass
class ApprovedGoals:
    projects: list[ApprovedProject]
    source: str  # what was read, for 说明
    sha256: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # unreadable goal files
    _by_code: dict[str, ApprovedProject] = field(default_factory=dict, repr=False)
    _by_dept_name: dict[tuple[str, str], ApprovedProject] = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[ApprovedProject]] = field(default_factory=dict, repr=False)
    _by_department: dict[str, list[ApprovedProject]] = field(default_factory=dict, repr=False)
    _by_department_code: dict[str, list[ApprovedProject]] = field(default_factory=dict,
                                                                  repr=False)

    def __post_init__(self) -> None:
        for project in self.projects:
            self._by_department.setdefault(key(project.department), []).append(project)
            if project.department_code:
                self._by_department_code.setdefault(project.department_code, []).append(project)
            if project.code:
                self._by_code.setdefault(key(project.code), project)
            self._by_dept_name.setdefault((key(project.department), key(project.name)), project)
            self._by_name.setdefault(key(project.name), []).append(project)

    def find(self, code: str, department: str, name: str) -> ApprovedProject | None:
        """The approved project a monitoring project reports on, or None."""
        if code and key(code) in self._by_code:
            return self._by_code[key(code)]
        found = self._by_dept_name.get((key(department), key(name)))
        if found is not None:
            return found
        same_name = self._by_name.get(key(name), [])
        return same_name[0] if len(same_name) == 1 and name else None

    def of_department(self, department: str, code: str = "") -> list[ApprovedProject]:
        """Approved projects of a department, by name (by code only when it has no name)."""
        wanted = key(department)
        if wanted:
            return self._by_department.get(wanted, [])
        return self._by_department_code.get(code, []) if code else []


def load_approved_goals(path: Path, config) -> ApprovedGoals:
    """Read the approved goals from pbm's goal list or from goal workbooks (file or folder)."""
    from pbm.goals.rules import ReviewSettings
    from pbm.indicators import Typing
    from pbm.workbook.layout import GOAL
    from pbm.workbook.read import iter_workbook_files, read_workbook
    from pbm.workbook.source import Limits

    settings = ReviewSettings.from_config(config)
    limits = Limits.from_config(config.section("limits"))
    path = Path(path)
    files = iter_workbook_files([path])
    if not files:
        raise PbmError("R-NOT-FOUND", file=str(path))
    projects: list[ApprovedProject] = []
    digests: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    typing = Typing(config.year)
    for file in files:
        try:
            if output_book(file, limits, str(file)) is GOALS:
                goal_list = read_output(file, limits=limits, display=str(file),
                                        only=(GOAL_PROJECTS.sheet, GOAL_INDICATORS.sheet))
                projects.extend(_from_goal_list(goal_list))
                digests[str(file)] = goal_list.sha256
                continue
            workbook = read_workbook(file, limits=limits, display=str(file), kind=GOAL)
        except PbmError as error:
            if path.is_file():
                raise  # the one file named by --goals must be readable
            skipped.append((str(file), error.message()))
            continue
        digests[str(file)] = workbook.sha256
        projects.extend(_from_goal_workbook(workbook, settings, typing))
    return ApprovedGoals(projects, str(path), digests, skipped)


def _from_goal_workbook(workbook, settings, typing) -> list[ApprovedProject]:
    """Goal workbooks as departments sent them, typed as validate types them."""
    from pbm.goals.rules import type_project

    projects = []
    for table in workbook.tables:
        typed_table = typing.table(table)
        for record in table.projects:
            typed = type_project(record, settings, typed_table)
            total = typed.money.get("total_funds")
            indicators = [ApprovedIndicator(ind.level1, ind.level2, ind.name, ind.nature,
                                            ind.target, ind.unit) for ind in typed.indicators]
            projects.append(ApprovedProject(
                department=record.department, department_code=record.text("department_code"),
                code=record.text("project_code"), name=record.name,
                implementing_unit=record.text("implementing_unit"),
                attribute=record.attribute, annual_goal=record.raw_text("annual_goal"),
                amount=total.number if total is not None else None, indicators=indicators,
                source=f"{workbook.file} / {record.sheet}"))
    return projects


def _from_goal_list(read: OutputRead) -> list[ApprovedProject]:
    """pbm's own goal list (``pbm validate``'s output): project fields from 项目, indicators
    from 指标, each column by its declared header.  Texts are compared as the reader of goal
    workbooks gives them (:func:`pbm.values.cell_text`), so a goal list matches the
    monitoring rows exactly as the goal workbooks it came from would; a project listed twice
    (same 项目编码, 项目名称 and 主管部门) is one approved project."""
    from pbm.indicators import normalise_level, normalise_nature
    from pbm.values import cell_text, parse_money

    by_ident: dict[tuple[str, str, str], ApprovedProject] = {}
    ordered: list[ApprovedProject] = []
    projects = _goal_sheet(read, GOAL_PROJECTS, ("code", "name", "department", "unit",
                                                 "attribute", "annual_goal", "amount"))
    indicators = _goal_sheet(read, GOAL_INDICATORS, ("code", "name", "department", "level1",
                                                     "level2", "level3", "nature", "target",
                                                     "unit"))

    def ident(code: str, department: str, name: str) -> tuple[str, str, str]:
        return key(code), key(department), key(name)

    listed: set[tuple[str, str, str]] = set()
    for row in projects:
        code, name, department = (cell_text(row["code"]), cell_text(row["name"]),
                                  cell_text(row["department"]))
        if (code, name, department) in listed:
            continue
        listed.add((code, name, department))
        amount = None if is_blank(row["amount"]) else \
            parse_money(row["amount"], to_unit="万元").number
        project = ApprovedProject(
            department=department, department_code="", code=code, name=name,
            implementing_unit=cell_text(row["unit"]), attribute=cell_text(row["attribute"]),
            annual_goal=_raw_text(row["annual_goal"]), amount=amount,
            source=f"{read.file} / {GOAL_PROJECTS.sheet}")
        by_ident.setdefault(ident(code, department, name), project)
        ordered.append(project)
    for row in indicators:
        code, name, department = (cell_text(row["code"]), cell_text(row["name"]),
                                  cell_text(row["department"]))
        project = by_ident.get(ident(code, department, name))
        if project is None:
            project = ApprovedProject(department, "", code, name,
                                      source=f"{read.file} / {GOAL_INDICATORS.sheet}")
            by_ident[ident(code, department, name)] = project
            ordered.append(project)
        unit = cell_text(row["unit"])
        target = parse_value(None if row["target"] == "" else row["target"], role="target",
                             unit=unit or None)
        project.indicators.append(ApprovedIndicator(
            normalise_level(cell_text(row["level1"])), normalise_level(cell_text(row["level2"])),
            cell_text(row["level3"]), normalise_nature(cell_text(row["nature"])), target, unit))
    return ordered


def _goal_sheet(read: OutputRead, schema: OutputSheet, keys: tuple[str, ...]
                ) -> list[dict[str, Any]]:
    """The rows of one goal-list sheet as {column key: value}; a declared column the sheet
    lacks stops the run with a message naming file, sheet and column."""
    table = read.sheets[schema.sheet]  # output_book() found every sheet of a goal list
    headers = {k: table.require(schema, k, read.tool) for k in keys}
    return [{k: row.get(header) for k, header in headers.items()} for row in table.rows]


def _raw_text(value: Any) -> str:
    """Free text as written (the reader's ``text`` folds ， to , with NFKC)."""
    return "" if value is None else str(value).strip()


def find_default_goals(workspace: Path | None, year: int) -> Path | None:
    """The workspace's approved goals: out/goals-<year>.xlsx, else the goals/ folder."""
    if workspace is None:
        return None
    goal_list = workspace / "out" / f"goals-{year}.xlsx"
    if goal_list.is_file():
        return goal_list
    folder = workspace / "goals"
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    return None
