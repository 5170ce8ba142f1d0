"""Merge a quarter's monitoring submissions (双监控, SPEC §5): read every department workbook
with the one reader, type each project (money, 可能性, indicators), light it, compare it with
the approved goals, keep one submission per department, and account for every row (台账).

Data flows one way: files → :class:`Submission` (typed projects + ledger runs, one per file,
read on a thread pool) → :func:`merge_submissions` (departments, duplicates, roster) →
:class:`MonitorResult`, which renderers turn into the terminal report, JSON and workbooks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pbm import __version__
from pbm.errors import PbmError
from pbm.findings import Finding, count_by_severity
from pbm.monitoring.departments import Department, Roster, newer_submission, stated_date
from pbm.monitoring.goals import ApprovedGoals, ApprovedProject, effective_op, key, same_target
from pbm.monitoring.lights import (
    LIGHTS,
    LightRule,
    combined_light,
    execution_light,
    execution_rate,
    indicator_light,
    worst,
)
from pbm.monitoring.period import Period
from pbm.perf import collector_paused
from pbm.values import decimal_text
from pbm.workbook.reader import column_letter, display_path

if TYPE_CHECKING:
    from pbm.workbook.reader import ProjectRecord

MERGED, REJECTED, NON_DATA = "merged", "rejected", "non_data"
STATUS_ZH = {MERGED: "合并", REJECTED: "拒收", NON_DATA: "非数据"}
KIND_ZH = {"indicator": "指标行", "project": "项目行", "field": "项目要素行",
           "title": "标题行", "header": "表头行", "total": "合计/小计行", "sub-item": "“其中”分项行",
           "instruction": "填报说明/备注行", "label-only": "仅含指标分类的空行", "outside": "表格外文字",
           "hidden-sheet": "隐藏工作表", "skipped-sheet": "说明类工作表"}
DATA_KINDS = {"indicator", "project", "field"}
POSSIBLE = {"确定能": "确定能", "有可能": "有可能", "不可能": "不可能", "完全不可能": "不可能",
            "能": "确定能", "可能": "有可能"}
MONEY_FIELDS = ("initial_budget", "adjusted_budget", "executed", "expected_execution")
MONEY_LABELS = {"initial_budget": "年初预算数", "adjusted_budget": "全年预算数",
                "executed": "执行数", "expected_execution": "全年预计执行数"}
PERCENT_UNITS = {"%", "百分比"}


class LedgerRun(NamedTuple):
    """Consecutive non-empty input rows ``first``–``last`` of one sheet that met the same fate
    (台账).  Runs break at every gap, so ``count`` = last − first + 1 rows, each of them non-empty,
    and every non-empty row of every sheet is in exactly one run."""

    file: str
    sheet: str
    first: int
    last: int
    status: str  # MERGED / REJECTED / NON_DATA
    kind: str  # reader row kind (indicator, field, title, total …)
    reason: str
    project: str

    @property
    def count(self) -> int:
        return self.last - self.first + 1


class _RunBuilder:
    def __init__(self, file: str):
        self.file = file
        self.runs: list[LedgerRun] = []

    def add(self, sheet: str, row: int, status: str, kind: str, reason: str, project: str):
        runs = self.runs
        if runs:
            last = runs[-1]
            if last.last + 1 == row and last.sheet == sheet and last.status == status and \
                    last.kind == kind and last.reason == reason and last.project == project:
                runs[-1] = last._replace(last=row)
                return
        runs.append(LedgerRun(self.file, sheet, row, row, status, kind, reason, project))


@dataclass(slots=True)
class MonitorIndicator:
    sheet: str
    cell: str
    level1: str
    level2: str
    name: str
    nature: str
    target: str
    unit: str
    actual: str
    expected: str
    light: str | None
    ratio: Decimal | None
    basis: str
    drift: str = ""
    approved_target: str = ""


@dataclass
class MonitorProject:
    """One merged project: amounts in 万元 (Decimal), lights, texts as submitted."""

    file: str
    sheet: str
    row: int
    layout: str
    department: str
    department_code: str
    code: str
    name: str
    implementing_unit: str
    initial_budget: Decimal | None
    adjusted_budget: Decimal | None
    executed: Decimal | None
    expected_execution: Decimal | None
    budget: Decimal | None
    budget_basis: str
    execution_rate: Decimal | None  # fraction, 4 decimals
    execution_measure: Decimal | None  # ratio (ratio rule) or points (points rule)
    execution_light: str | None
    indicator_light: str | None
    light: str | None
    possibility: str
    deviation_reason: str
    measures: str
    version: str
    zero_spend: bool
    drift: str
    approved: str | None
    indicators: list[MonitorIndicator]
    removed: list[MonitorIndicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, time_progress: Decimal) -> dict[str, Any]:
        counts = count_by_severity(self.findings)
        return {
            "department": self.department or None, "name": self.name,
            "budget": _number(self.budget), "executed": _number(self.executed),
            "execution_rate": _number(self.execution_rate),
            "time_progress": float(round(time_progress, 4)), "light": self.light,
            "code": self.code or None, "department_code": self.department_code or None,
            "initial_budget": _number(self.initial_budget),
            "adjusted_budget": _number(self.adjusted_budget),
            "expected_execution": _number(self.expected_execution),
            "budget_basis": self.budget_basis or None,
            "execution_measure": _number(self.execution_measure),
            "execution_light": self.execution_light, "indicator_light": self.indicator_light,
            "possibility": self.possibility or None, "zero_spend": self.zero_spend,
            "drift": self.drift or None, "indicators": len(self.indicators),
            "errors": counts["error"], "warnings": counts["warning"],
            "file": self.file, "sheet": self.sheet, "row": self.row}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Submission:
    """One input file: its typed projects, its ledger runs and its reader findings."""

    file: str
    path: Path
    sha256: str | None
    mtime: float
    projects: list[MonitorProject] = field(default_factory=list)
    ledger: list[LedgerRun] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    department: str = ""
    department_code: str = ""
    roster_match: Department | None = None
    stated_date: dt.date | None = None
    error: PbmError | None = None
    rows_in: int = 0  # non-empty rows the reader saw, counted apart from the ledger
    status: str = "used"  # used | superseded | blank | unreadable


@dataclass
class DepartmentSummary:
    code: str
    name: str
    contact: str
    status: str  # 已报送 / 未报送 / 名册外
    file: str
    projects: int = 0
    budget: Decimal = Decimal(0)
    executed: Decimal = Decimal(0)
    budget_reported: Decimal = Decimal(0)  # Σ预算数 of the projects that state an executed amount
    lights: dict[str, int] = field(default_factory=lambda: {light: 0 for light in LIGHTS})
    unlit: int = 0
    errors: int = 0
    warnings: int = 0
    superseded: list[str] = field(default_factory=list)

    @property
    def execution_rate(self) -> Decimal | None:
        """Σ执行数 ÷ Σ预算数 (the vendor's department rate, DOMAIN.md §3.1), over the projects
        that state an executed amount — a missing amount is not a zero."""
        if self.budget_reported <= 0:
            return None
        return execution_rate(self.executed, self.budget_reported)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code or None, "name": self.name, "contact": self.contact or None,
                "status": self.status, "file": self.file or None, "projects": self.projects,
                "budget": float(self.budget), "executed": float(self.executed),
                "execution_rate": _number(self.execution_rate), "lights": dict(self.lights),
                "unlit": self.unlit, "errors": self.errors, "warnings": self.warnings,
                "superseded": self.superseded}


@dataclass
class MonitorContext:
    """Everything a file needs to be typed and lit; shared read-only by the reader threads."""

    period: Period
    rule: LightRule
    goals: ApprovedGoals | None
    roster: Roster
    limits: Any
    money_unit: str = "万元"


@dataclass
class MonitorResult:
    context: MonitorContext
    submissions: list[Submission]
    projects: list[MonitorProject]
    departments: list[DepartmentSummary]
    findings: list[Finding]
    ledger_counts: dict[str, int]
    folder: str
    started: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def period(self) -> Period:
        return self.context.period

    @property
    def readable(self) -> list[Submission]:
        return [s for s in self.submissions if s.error is None]

    @property
    def missing_departments(self) -> list[DepartmentSummary]:
        return [d for d in self.departments if d.status == "未报送"]

    def iter_ledger(self):
        for submission in self.submissions:
            yield from submission.ledger

    def iter_indicators(self):
        for project in self.projects:
            yield from ((project, ind) for ind in project.indicators)
            yield from ((project, ind) for ind in project.removed)

    def summary(self) -> dict[str, Any]:
        lights = {light: 0 for light in LIGHTS}
        unlit = 0
        for project in self.projects:
            if project.light is None:
                unlit += 1
            else:
                lights[project.light] += 1
        counts = count_by_severity(self.findings)
        submitted = {d.name for d in self.departments if d.status != "未报送"}
        return {
            "files": len(self.submissions),
            "files_unreadable": sum(1 for s in self.submissions if s.error is not None),
            "files_superseded": sum(1 for s in self.submissions if s.status == "superseded"),
            "files_blank": sum(1 for s in self.submissions if s.status == "blank"),
            "departments": len(submitted),
            "projects": len(self.projects),
            "indicators": sum(len(p.indicators) for p in self.projects),
            "rows_in": self.ledger_counts["rows_in"],
            "rows_merged": self.ledger_counts[MERGED],
            "rows_rejected": self.ledger_counts[REJECTED],
            "rows_non_data": self.ledger_counts[NON_DATA],
            "lights": lights,
            "projects_unlit": unlit,
            "missing_departments": len(self.missing_departments),
            "missing_department_names": [d.name for d in self.missing_departments],
            "zero_spend": sum(1 for p in self.projects if p.zero_spend),
            "drifted_projects": sum(1 for p in self.projects if p.drift),
            "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
            "period": self.period.label, "month": self.period.month,
            "time_progress": float(round(self.period.time_progress, 4)),
            "rule": self.context.rule.rule,
        }

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        time_progress = self.period.time_progress
        return {"command": "monitor", "pbm_version": __version__, "summary": self.summary(),
                "findings": [f.to_dict(lang) for f in self.findings],
                "projects": [p.to_dict(time_progress) for p in self.projects],
                "departments": [d.to_dict() for d in self.departments],
                "period": self.period.to_dict(), "rule": self.context.rule.to_dict(),
                "files": [{"file": s.file, "sha256": s.sha256, "status": s.status,
                           "department": s.department or None} for s in self.submissions]}


# --------------------------------------------------------------------------- findings

def _finding(code: str, file: str | None, /, sheet: str | None = None, cell: str | None = None,
             project: str | None = None, value: Any = None, **params: Any) -> Finding:
    return Finding(code=code, file=file, sheet=sheet, cell=cell, project=project or None,
                   value=value, params=params)


def _fmt(number: Decimal | None) -> str:
    return decimal_text(number, dash="")


# --------------------------------------------------------------------------- one file

def read_submission(path: Path, display: str, context: MonitorContext) -> Submission:
    """Read and type one department workbook; never raises for a bad file (error kept)."""
    from pbm.workbook.reader import read_workbook

    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    try:
        workbook = read_workbook(path, limits=context.limits, display=display)
    except PbmError as error:
        code = error.code if error.code.startswith("R-") else "R-UNREADABLE"
        return Submission(display, path, None, mtime, error=error, status="unreadable",
                          findings=[Finding(code, file=display, params=error.params)])
    submission = Submission(display, path, workbook.sha256, mtime,
                            findings=list(workbook.all_findings),
                            rows_in=sum(len(sheet.rows) for sheet in workbook.sheets))
    accepted: dict[str, MonitorProject] = {}
    rejected_rows: dict[tuple[str, int], tuple[str, str]] = {}  # (sheet,row) → (reason, project)
    for sheet in workbook.sheets:
        for record in sheet.projects:
            rows = _project_rows(sheet, record)
            name, code = record.name, record.text("project_code")
            if not name and not code:
                submission.findings.append(_finding(
                    "M-NO-PROJECT-NAME", display, sheet.name, None, rows=len(rows)))
                for row in rows:
                    rejected_rows[(sheet.name, row)] = ("缺少项目名称和项目编码", "")
                continue
            ident = key(code) or f"name:{key(name)}"
            if ident in accepted:
                first = accepted[ident]
                where = f"工作表“{first.sheet}”第 {first.row} 行起"
                submission.findings.append(_finding(
                    "M-DUPLICATE-PROJECT", display, sheet.name, None, name, name=name, kept=where))
                for row in rows:
                    rejected_rows[(sheet.name, row)] = (f"同一项目重复填报，已采用{where}", name)
                continue
            project = type_project(record, context)
            accepted[ident] = project
            submission.projects.append(project)
    submission.ledger = _ledger(workbook, rejected_rows)
    submission.findings.extend(_period_mismatches(workbook, context.period))
    if submission.projects and all(_is_blank(p) for p in submission.projects):
        # pbm's own template (or a copy sent back unfilled) is no submission: keep it out
        # of the merge and of the duplicate check, and say so.
        submission.status = "blank"
        reason = "空白监控表（未填写任何监控数据）"
        submission.ledger = [row._replace(status=REJECTED, reason=reason)
                             if row.status == MERGED else row for row in submission.ledger]
        submission.findings.append(_finding("M-BLANK-TEMPLATE", display))
        submission.projects = []
    departments = Counter(p.department for p in submission.projects if p.department)
    codes = Counter(p.department_code for p in submission.projects if p.department_code)
    submission.department = departments.most_common(1)[0][0] if departments else ""
    submission.department_code = codes.most_common(1)[0][0] if codes else ""
    match = context.roster.find(submission.department, submission.department_code) \
        if context.roster else None
    if match is None and context.roster and not submission.department:
        match = context.roster.in_file_name(path.stem)
    if match is not None:
        submission.roster_match = match
        submission.department = submission.department or match.name
        submission.department_code = submission.department_code or match.code
    submission.stated_date = stated_date([p.version for p in submission.projects if p.version])
    return submission


_STATED_MONTHS = re.compile(r"1\s*[-—–~至到]\s*(1[0-2]|[1-9])\s*月")


def _period_mismatches(workbook, period: Period) -> list[Finding]:
    """A 执行数 labelled for another period than the run's ("1-7月执行数" in a run for
    September): the lights would silently use the wrong 序时进度 — say so, once per file."""
    for sheet in workbook.sheets:
        for record in sheet.projects:
            cell = record.fields.get("executed")
            if cell is None:
                continue
            label, where = _label_of(sheet, cell)
            stated = _STATED_MONTHS.search(label) if label else None
            if stated and int(stated.group(1)) != period.month:
                return [_finding("M-PERIOD-MISMATCH", workbook.file, sheet.name, where, None,
                                 label, label=label, stated=int(stated.group(1)),
                                 month=period.month, source=period.source)]
    return []


def _label_of(sheet, cell) -> tuple[str, str | None]:
    """The label of a value cell as written, with its A1: the list header of its column, else
    the nearest text to its left in its row, else the text just above it (form layouts)."""
    if sheet.layout == "list":
        return sheet.headers.get(cell.col, ""), f"{column_letter(cell.col)}{sheet.header_row}"
    grid = sheet.grid
    r = cell.row - 1
    if 0 <= r < len(grid):
        row = grid[r]
        for c in range(min(cell.col - 2, len(row) - 1), -1, -1):
            if isinstance(row[c], str) and row[c].strip():
                return row[c], f"{column_letter(c + 1)}{cell.row}"
    if 1 <= r <= len(grid):
        above = grid[r - 1]
        c = cell.col - 1
        if c < len(above) and isinstance(above[c], str) and above[c].strip():
            return above[c], f"{column_letter(cell.col)}{cell.row - 1}"
    return "", None


def _is_blank(project: MonitorProject) -> bool:
    return project.executed is None and project.adjusted_budget is None and \
        project.expected_execution is None and not project.possibility and \
        not project.deviation_reason and not project.measures and not project.version and \
        not any(ind.actual or ind.expected for ind in project.indicators)


def _project_rows(sheet, record) -> list[int]:
    """The data rows (1-based) that belong to one project, for the ledger."""
    if sheet.layout == "form":
        # A sheet may hold several forms pasted one below the other: this one's block runs
        # from its first row to the next form's.
        end = min((p.first_row for p in sheet.projects if p.first_row > record.first_row),
                  default=None)
        return [a.row for a in sheet.rows if a.kind in DATA_KINDS
                and a.row >= record.first_row and (end is None or a.row < end)]
    rows = {ind.row for ind in record.indicators}
    rows.add(record.first_row)
    return sorted(rows)


def _ledger(workbook, rejected_rows: dict[tuple[str, int], tuple[str, str]]) -> list[LedgerRun]:
    builder = _RunBuilder(workbook.file)
    for sheet in workbook.sheets:
        form_project = sheet.projects[0].name if sheet.layout == "form" and sheet.projects else ""
        for account in sheet.rows:
            kind = account.kind
            project = account.project or form_project or ""
            if kind in DATA_KINDS:
                rejected = rejected_rows.get((sheet.name, account.row))
                if rejected is not None:
                    builder.add(sheet.name, account.row, REJECTED, kind, rejected[0],
                                rejected[1] or project)
                else:
                    builder.add(sheet.name, account.row, MERGED, kind, "", project)
            elif kind == "outside" and sheet.layout != "form":
                reason = "工作表中没有可识别的表头或监控表格式" if sheet.layout is None else \
                    "无法归属到项目（项目编码、项目名称、主管部门均为空）"
                builder.add(sheet.name, account.row, REJECTED, kind, reason, "")
            else:
                builder.add(sheet.name, account.row, NON_DATA, kind, KIND_ZH.get(kind, kind),
                            project if kind != "outside" else "")
    return builder.runs


# --------------------------------------------------------------------------- one project

def type_project(record: ProjectRecord, context: MonitorContext) -> MonitorProject:
    """Type one project record: amounts, execution light, M1/M2/M4, indicators, drift."""
    from pbm.values import ParsedValue, parse_money, plain_decimal, typed_in_yuan

    period, rule = context.period, context.rule
    file, sheet, name = record.file, record.sheet, record.name
    findings: list[Finding] = []
    money: dict[str, Decimal | None] = {}
    parsed_money: dict[str, ParsedValue] = {}
    cells: dict[str, str | None] = {}
    sheet_unit = record.units.get("money")
    for field_name in MONEY_FIELDS:
        cell = record.fields.get(field_name)
        cells[field_name] = cell.a1 if cell is not None else None
        if cell is None or cell.empty:
            money[field_name] = None
            continue
        parsed = parse_money(cell.value, to_unit=context.money_unit,
                             header_unit=record.units.get(field_name) or sheet_unit)
        money[field_name] = parsed.number
        parsed_money[field_name] = parsed
        for note in parsed.notes:
            if note.code == "V-MONEY-CONVERTED":
                findings.append(_finding("R-UNIT-CONVERTED", file, sheet, cell.a1, name,
                                         parsed.text, from_unit=note.params.get("from_unit"),
                                         to_unit=note.params.get("to_unit")))
            elif note.code == "R-UNPARSEABLE":
                findings.append(_finding("R-UNPARSEABLE", file, sheet, cell.a1, name, parsed.text,
                                         field=MONEY_LABELS[field_name],
                                         detail="（应为金额，单位万元）"))
            else:
                params = {k: v for k, v in note.params.items() if k != "value"}
                findings.append(_finding(note.code, file, sheet, cell.a1, name, parsed.text,
                                         **params))
    stated = parsed_money.get("adjusted_budget") or parsed_money.get("initial_budget")
    if typed_in_yuan(stated, context.money_unit):
        # Every amount of the project was typed in 元 into the 万元 columns: convert them all.
        field_name = "adjusted_budget" if "adjusted_budget" in parsed_money else "initial_budget"
        money = {f: None if v is None else v / 10000 for f, v in money.items()}
        findings.append(_finding("M-MONEY-IN-YUAN", file, sheet, cells[field_name], name,
                                 stated.text, field=MONEY_LABELS[field_name],
                                 amount=plain_decimal(stated.number),
                                 converted=plain_decimal(money[field_name])))
    adjusted, initial = money["adjusted_budget"], money["initial_budget"]
    if adjusted is not None:
        budget, basis = adjusted, "全年预算数"
    elif initial is not None:
        budget, basis = initial, "年初预算数"
    else:
        budget, basis = None, ""
    budget_cell = cells["adjusted_budget"] if adjusted is not None else cells["initial_budget"]
    executed = money["executed"]
    lit = execution_light(executed, budget, period.month, rule)
    if budget is None or budget <= 0:
        findings.append(_finding("M-NO-BUDGET", file, sheet, budget_cell, name,
                                 None if budget is None else _fmt(budget)))
    if executed is None:
        findings.append(_finding("M-NO-EXECUTED", file, sheet, cells["executed"], name,
                                 _cell_text(record, "executed") or None, month=period.month))
    reason = _raw_text(record, "deviation_reason")
    measures = _raw_text(record, "measures")
    zero_spend = executed is not None and executed == 0 and budget is not None and budget > 0
    if zero_spend:
        findings.append(_finding("M-ZERO-SPEND", file, sheet, cells["executed"], name, "0",
                                 period=period.label_zh, period_en=f"the end of month {period.month}",
                                 budget=_fmt(budget)))
    if executed is not None and budget is not None and budget > 0 and executed > budget:
        if reason:
            findings.append(_finding(
                "M-EXEC-OVER-BUDGET", file, sheet, cells["executed"], name, _fmt(executed),
                what=f"1-{period.month}月执行数", what_en=f"executed by month {period.month}",
                amount=_fmt(executed), budget=_fmt(budget), explained="（已说明原因）",
                explained_en=" (a reason is given)"))
        else:
            findings.append(_finding("M4", file, sheet, cells["executed"], name, _fmt(executed),
                                     month=period.month, executed=_fmt(executed),
                                     budget=_fmt(budget)))
    expected = money["expected_execution"]
    if expected is not None and budget is not None and budget > 0 and expected > budget:
        findings.append(_finding(
            "M-EXEC-OVER-BUDGET", file, sheet, cells["expected_execution"], name, _fmt(expected),
            what="全年预计执行数", what_en="expected execution for the year", amount=_fmt(expected),
            budget=_fmt(budget), explained="", explained_en=""))
    # M1/M2 — 完成目标可能性 and the reasons it requires (DOMAIN.md §3.1, 黄石 notes 1–3).
    possibility_raw = _raw_text(record, "possibility")
    possibility = POSSIBLE.get(record.text("possibility").replace(" ", ""), "")
    possibility_cell = _a1(record, "possibility")
    if not possibility_raw:
        findings.append(_finding("M1", file, sheet, possibility_cell, name, None,
                                 detail="未填写", detail_en="is empty"))
    elif not possibility:
        findings.append(_finding("M1", file, sheet, possibility_cell, name, possibility_raw,
                                 detail=f"“{possibility_raw}”无法识别",
                                 detail_en=f"\"{possibility_raw}\" is not recognised"))
    if possibility in ("有可能", "不可能"):
        missing = [label for label, text in (("偏差原因分析", reason), ("相关建议或举措", measures))
                   if not text]
        missing_en = [label for label, text in (("the deviation analysis", reason),
                                                ("the measures", measures)) if not text]
        if missing:
            findings.append(_finding(
                "M2", file, sheet, _a1(record, "deviation_reason" if not reason else "measures")
                or possibility_cell, name, possibility_raw, possibility=possibility_raw,
                missing="和".join(missing), missing_en=" and ".join(missing_en)))
    # Indicators, their lights and drift from the approved goals.
    approved = context.goals.find(record.text("project_code"), record.department, name) \
        if context.goals is not None else None
    indicators, removed, drift = _indicators(record, context, approved, findings)
    indicator_light_value = worst(ind.light for ind in indicators)
    light = combined_light(lit.light, [indicator_light_value], possibility == "不可能")
    return MonitorProject(
        file=file, sheet=sheet, row=record.first_row, layout=record.layout,
        department=record.department, department_code=record.text("department_code"),
        code=record.text("project_code"), name=name,
        implementing_unit=record.text("implementing_unit"),
        initial_budget=initial, adjusted_budget=adjusted, executed=executed,
        expected_execution=expected, budget=budget, budget_basis=basis,
        execution_rate=lit.rate, execution_measure=lit.measure, execution_light=lit.light,
        indicator_light=indicator_light_value, light=light,
        possibility=possibility_raw, deviation_reason=reason, measures=measures,
        version=record.text("version"), zero_spend=zero_spend, drift=drift,
        approved=approved.ident if approved is not None else None,
        indicators=indicators, removed=removed, findings=findings)


def _raw_text(record, name: str) -> str:
    """Free text as the department wrote it (no NFKC: ， stays ，), trimmed."""
    cell = record.fields.get(name)
    if cell is None or cell.value is None:
        return ""
    return str(cell.value).strip()


def _a1(record, name: str) -> str | None:
    cell = record.fields.get(name)
    return cell.a1 if cell is not None else None


def _cell_text(record, name: str) -> str:
    cell = record.fields.get(name)
    return cell.text if cell is not None else ""


def _indicators(record: ProjectRecord, context: MonitorContext, approved: ApprovedProject | None,
                findings: list[Finding]):
    from pbm.indicators import normalise_level, normalise_nature
    from pbm.values import parse_value

    period, rule = context.period, context.rule
    file, sheet, project_name = record.file, record.sheet, record.name
    # Approved indicators by name; a name used twice (G-DUPLICATE) is matched in order.
    approved_by_name: dict[str, list] = {}
    for item in (approved.indicators if approved else []):
        approved_by_name.setdefault(key(item.name), []).append(item)
    matched: set[int] = set()
    indicators: list[MonitorIndicator] = []
    counts = Counter()
    for row in record.indicators:
        name = row.text("name")
        unit = row.text("unit")
        nature_text = row.text("nature")
        nature = normalise_nature(nature_text) or ""
        actual_raw = row.value("actual")
        target_shown = row.text("target")
        target = parse_value(row.value("target"), role="target", unit=unit or None)
        actual = parse_value(actual_raw, role="actual", unit=unit or None)
        target_a1 = row.a1("target")
        a1 = row.a1("name") or target_a1 or ""
        actual_a1 = row.a1("actual") or a1
        # A cell formatted as a percentage holds 0.9 for 90 %: read it as 90 % when the
        # target is a percentage above 1 (an actual of 0.9 % against ≥ 85 % is not meant).
        if actual.kind == "number" and isinstance(actual_raw, float) and \
                target.kind == "number" and (target.unit or unit) in PERCENT_UNITS and \
                target.number is not None and target.number > 1 and 0 < actual.number <= 1:
            percent = (actual.number * 100).normalize()
            findings.append(_finding("M-PERCENT-AS-FRACTION", file, sheet, actual_a1,
                                     project_name, actual.text, percent=format(percent, "f")))
            actual = parse_value(f"{format(percent, 'f')}%", role="actual", unit=unit or None)
        op = effective_op(target, nature)
        qualitative = nature in ("定性",) or target.kind == "qualitative"
        lit = indicator_light(target, actual, op, period.month, rule, qualitative)
        if actual.is_missing:
            if actual.placeholder:
                findings.append(_finding("R-PLACEHOLDER", file, sheet, actual_a1, project_name,
                                         actual.text))
            else:
                findings.append(_finding("M-NO-ACTUAL", file, sheet, actual_a1, project_name,
                                         None, name=name))
        elif lit.light is None:
            findings.append(_finding("M-ACTUAL-NOT-COMPARABLE", file, sheet, actual_a1,
                                     project_name, actual.text, name=name,
                                     target=target_shown, basis=lit.basis))
        for note in actual.notes:
            if note.code == "V-ACTUAL-HAS-OP":
                findings.append(_finding(note.code, file, sheet, actual_a1, project_name,
                                         actual.text, op=note.params.get("op"),
                                         number=note.params.get("number")))
        indicator = MonitorIndicator(
            sheet=sheet, cell=a1, level1=normalise_level(row.text("level1")),
            level2=normalise_level(row.text("level2")), name=name, nature=nature_text,
            target=target_shown, unit=unit, actual=row.text("actual"),
            expected=row.text("expected_actual"), light=lit.light, ratio=lit.ratio,
            basis=lit.basis)
        if approved is not None:
            candidates = [a for a in approved_by_name.get(key(name), []) if id(a) not in matched]
            match = next((a for a in candidates
                          if same_target(a.target, a.nature, target, nature or None)),
                         candidates[0] if candidates else None)
            if match is None:
                indicator.drift = "新增指标"
                counts["added"] += 1
                findings.append(_finding("M3", file, sheet, a1, project_name, name,
                                         detail=f"新增指标“{name}”（批复目标中没有）",
                                         detail_en=f"indicator \"{name}\" was added"))
            else:
                matched.add(id(match))
                indicator.approved_target = match.target_text
                if not same_target(match.target, match.nature, target, nature or None):
                    indicator.drift = "指标值变更"
                    counts["changed"] += 1
                    findings.append(_finding(
                        "M3", file, sheet, target_a1 or a1, project_name, target_shown,
                        detail=f"“{name}”的指标值由“{match.target_text}”改为“{target_shown}”",
                        detail_en=f"the target of \"{name}\" changed from \"{match.target_text}\" "
                                  f"to \"{target_shown}\""))
        indicators.append(indicator)
    removed: list[MonitorIndicator] = []
    drift = ""
    if approved is not None:
        for item in approved.indicators:
            if id(item) in matched:
                continue
            counts["removed"] += 1
            removed.append(MonitorIndicator(
                sheet=sheet, cell="", level1=item.level1, level2=item.level2, name=item.name,
                nature=item.nature or "", target="", unit=item.unit, actual="", expected="",
                light=None, ratio=None, basis="", drift="删除指标",
                approved_target=item.target_text))
            findings.append(_finding("M3", file, sheet, None, project_name, item.name,
                                     detail=f"批复指标“{item.name}”（{item.target_text}）在监控表中被删除",
                                     detail_en=f"approved indicator \"{item.name}\" was removed"))
        if counts:
            parts = [f"{label} {counts[k]} 项" for k, label in
                     (("added", "新增"), ("removed", "删除"), ("changed", "修改指标值")) if counts[k]]
            parts_en = [f"{counts[k]} {k}" for k in ("added", "removed", "changed") if counts[k]]
            drift = "、".join(parts)
            findings.append(_finding("M-DRIFT", file, sheet, None, project_name, None,
                                     detail=drift, detail_en=", ".join(parts_en)))
    elif context.goals is not None:
        drift = "项目不在批复目标清单中"
        for indicator in indicators:
            indicator.drift = "新增项目"
        findings.append(_finding("M-DRIFT", file, sheet, None, project_name, project_name,
                                 detail="项目不在批复的绩效目标清单中",
                                 detail_en="the project is not in the approved goals"))
    return indicators, removed, drift


# --------------------------------------------------------------------------- many files

def read_submissions(files: list[Path], context: MonitorContext, *, workers: int = 1,
                     progress: Callable[[Path], None] | None = None,
                     display: Callable[[Path], str] = str) -> list[Submission]:
    """Read files, results in input order whatever the pool does.

    ``workers`` > 1: with many files, forked processes (the per-cell Python work holds the
    GIL, so threads gain little; measured on 200 files × 300 rows: 4.4 s on two threads,
    2.8 s on two processes); where forking is not safe, a thread pool (calamine releases the
    GIL while it parses)."""
    if workers <= 1 or len(files) < 2:
        results = []
        for path in files:
            results.append(read_submission(path, display(path), context))
            if progress:
                progress(path)
        return results
    jobs = [(path, display(path)) for path in files]
    if len(files) >= PROCESS_POOL_FILES:
        results = _read_in_processes(jobs, context, workers, progress)
        if results is not None:
            return results
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(read_submission, path, shown, context) for path, shown in jobs]
        results = []
        for path, future in zip(files, futures):
            results.append(future.result())
            if progress:
                progress(path)
    return results


PROCESS_POOL_FILES = 16  # fewer files are read faster than two processes start and report
_POOL_CHUNK = 8  # files per task: fewer round trips, still an even split of the work
_pool_context: MonitorContext | None = None  # set in the parent, inherited by forked workers


def _read_chunk(jobs: list[tuple[Path, str]]) -> list[Submission]:
    assert _pool_context is not None
    return [read_submission(path, shown, _pool_context) for path, shown in jobs]


def _read_in_processes(jobs: list[tuple[Path, str]], context: MonitorContext, workers: int,
                       progress: Callable[[Path], None] | None) -> list[Submission] | None:
    """None when forking is not safe here or a worker died (the caller reads in threads)."""
    global _pool_context
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from pbm.perf import fork_context

    mp_context = fork_context()
    if mp_context is None:
        return None
    chunks = [jobs[i:i + _POOL_CHUNK] for i in range(0, len(jobs), _POOL_CHUNK)]
    _pool_context = context
    results: list[Submission] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp_context) as pool:
            for chunk, part in zip(chunks, pool.map(_read_chunk, chunks)):
                results.extend(part)
                if progress:
                    for path, _ in chunk:
                        progress(path)
    except BrokenProcessPool:
        return None
    finally:
        _pool_context = None
    return results


def merge_submissions(submissions: list[Submission], context: MonitorContext,
                      folder: str = "", goals_note: Finding | None = None) -> MonitorResult:
    """Departments, duplicates, roster, project-level totals and the ledger balance."""
    roster = context.roster
    findings: list[Finding] = []
    if goals_note is not None:
        findings.append(goals_note)
    if context.goals is not None:
        for file, reason in context.goals.skipped:
            findings.append(_finding("M-GOALS-FILE-SKIPPED", file, value=reason, reason=reason))
    if not roster:
        findings.append(_finding("M-NO-ROSTER", None))
    readable = [s for s in submissions if s.error is None]
    # One submission per department: keep the newer, reject the rows of the other.
    groups: dict[str, list[Submission]] = {}
    for submission in readable:
        if submission.status == "blank":
            continue
        if submission.roster_match is not None:
            group = f"code:{key(submission.roster_match.code) or key(submission.roster_match.name)}"
        elif submission.department:
            group = f"name:{key(submission.department)}"
        else:
            continue  # an unidentified file is never a duplicate of another
        groups.setdefault(group, []).append(submission)
    for group in groups.values():
        if len(group) < 2:
            continue
        kept, basis, basis_en = newer_submission(group)
        for submission in group:
            if submission is kept:
                continue
            submission.status = "superseded"
            reason = f"重复报送，已采用较新的“{kept.file}”（{basis}）"
            submission.ledger = [row._replace(status=REJECTED, reason=reason)
                                 if row.status == MERGED else row for row in submission.ledger]
            submission.findings = [_finding(
                "M-DUPLICATE-SUBMISSION", submission.file, None, None, None, kept.file,
                department=kept.department, kept=kept.file, basis=basis, basis_en=basis_en)]
    for submission in submissions:
        if submission.error is not None or submission.status in ("superseded", "blank"):
            findings.extend(submission.findings)
            continue
        if roster and submission.roster_match is None:
            if submission.department:
                submission.findings.insert(0, _finding("M-UNKNOWN-DEPT", submission.file,
                                                       value=submission.department,
                                                       department=submission.department))
            else:
                submission.findings.insert(0, _finding("M-NO-DEPT", submission.file))
        elif not roster and not submission.department:
            submission.findings.insert(0, _finding("M-NO-DEPT", submission.file))
        findings.extend(submission.findings)
        for project in submission.projects:
            findings.extend(project.findings)
    projects: list[MonitorProject] = []
    for submission in readable:
        if submission.status != "used":
            continue
        for project in submission.projects:
            if not project.department:
                project.department = submission.department
            if submission.roster_match is not None and not project.department_code and \
                    key(project.department) == key(submission.department):
                project.department_code = submission.roster_match.code
            projects.append(project)
    departments = _departments(submissions, projects, roster, findings)
    if context.goals is not None:
        reported = {p.approved for p in projects if p.approved}
        for submission in readable:
            if submission.status != "used" or not submission.department:
                continue
            for approved in context.goals.of_department(submission.department,
                                                        submission.department_code):
                if approved.ident not in reported:
                    findings.append(_finding("M-PROJECT-NOT-REPORTED", submission.file, None,
                                             None, approved.name, approved.name,
                                             name=approved.name))
                    reported.add(approved.ident)
    counts = ledger_balance(submissions)
    return MonitorResult(context, submissions, projects, departments, findings, counts, folder)


def ledger_balance(submissions: list[Submission]) -> dict[str, int]:
    """rows_in = merged + rejected + non_data — checked, never assumed (SPEC §5)."""
    counts = {MERGED: 0, REJECTED: 0, NON_DATA: 0}
    rows_in = 0
    for submission in submissions:
        rows_in += submission.rows_in
        for run in submission.ledger:
            counts[run.status] += run.count
    if rows_in != counts[MERGED] + counts[REJECTED] + counts[NON_DATA]:
        raise PbmError("M-LEDGER-UNBALANCED", rows_in=rows_in, merged=counts[MERGED],
                       rejected=counts[REJECTED], non_data=counts[NON_DATA])
    counts["rows_in"] = rows_in
    return counts


def _departments(submissions, projects, roster: Roster, findings: list[Finding]):
    """汇总: one line per roster department (submitted or missing), then departments that
    are not in the roster."""
    by_key: dict[str, DepartmentSummary] = {}
    order: list[DepartmentSummary] = []
    for department in roster.departments:
        summary = DepartmentSummary(department.code, department.name, department.contact,
                                    "未报送", "")
        by_key[key(department.name)] = summary
        if department.code:
            by_key[f"code:{key(department.code)}"] = summary
        order.append(summary)

    def summary_for(name: str, code: str) -> DepartmentSummary:
        found = by_key.get(key(name)) if name else None
        found = found or (by_key.get(f"code:{key(code)}") if code else None)
        if found is None:
            found = DepartmentSummary(code, name or "（未识别部门）", "", "名册外" if roster else "已报送",
                                      "")
            by_key[key(name)] = found
            order.append(found)
        return found

    for submission in submissions:
        if submission.error is not None or submission.status == "blank":
            continue
        match = submission.roster_match
        summary = summary_for(match.name if match else submission.department,
                              match.code if match else submission.department_code)
        if submission.status == "superseded":
            summary.superseded.append(submission.file)
            if summary.status == "未报送":
                summary.status = "已报送"
            continue
        summary.file = submission.file if not summary.file else f"{summary.file}；{submission.file}"
        if summary.status == "未报送":
            summary.status = "已报送"
        for project in submission.projects:
            summary.projects += 1
            summary.budget += project.budget or Decimal(0)
            if project.executed is not None:
                summary.executed += project.executed
                summary.budget_reported += project.budget or Decimal(0)
            if project.light is None:
                summary.unlit += 1
            else:
                summary.lights[project.light] += 1
            counts = count_by_severity(project.findings)
            summary.errors += counts["error"]
            summary.warnings += counts["warning"]
    for summary in order:
        if summary.status == "未报送":
            findings.append(_finding("M-MISSING-DEPT", None, value=summary.name,
                                     department=summary.name, code=summary.code or "—",
                                     contact=summary.contact or "联系人"))
    return order


def monitor_files(files: list[Path], context: MonitorContext, *, folder: str = "",
                  goals_note: Finding | None = None, workers: int | None = None,
                  progress: Callable[[Path], None] | None = None) -> MonitorResult:
    """Read, type, light and merge ``files`` (the library entry point of ``pbm monitor``)."""
    if not files:
        raise PbmError("M-NO-FILES", file=folder or None)
    if workers is None:
        workers = 2  # the machine pbm is built for has two cores; results never depend on it
    with collector_paused():
        submissions = read_submissions(files, context, workers=workers, progress=progress,
                                       display=display_path)
        return merge_submissions(submissions, context, folder, goals_note)


__all__ = [
    "KIND_ZH",
    "MERGED",
    "NON_DATA",
    "REJECTED",
    "STATUS_ZH",
    "DepartmentSummary",
    "LedgerRun",
    "MonitorContext",
    "MonitorIndicator",
    "MonitorProject",
    "MonitorResult",
    "Submission",
    "ledger_balance",
    "merge_submissions",
    "monitor_files",
    "read_submission",
    "type_project",
]
