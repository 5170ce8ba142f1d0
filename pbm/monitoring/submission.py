"""One department's submission for a monitoring period: its typed projects, the account of
every non-empty row (台账: merged, rejected with its reason, or a recognised non-data row), and
what the file itself says (duplicate projects, a blank template, a 执行数 for another period).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.monitoring.departments import Department, stated_date
from pbm.monitoring.goals import key
from pbm.monitoring.period import Period
from pbm.monitoring.project import MonitorContext, MonitorProject, finding_at, type_project
from pbm.workbook.layout import ROW_FORMULA_ONLY, ROW_KINDS_ZH, ROW_UNOWNED
from pbm.workbook.read import FileRead, WorkbookRead
from pbm.workbook.table import ProjectRead

MERGED, REJECTED, NON_DATA = "merged", "rejected", "non_data"
STATUS_ZH = {MERGED: "合并", REJECTED: "拒收", NON_DATA: "非数据"}
DATA_KINDS = {"indicator", "project", "field"}
#: Rows that hold data nothing could take, with the 台账's reason for 拒收.
UNREAD_REASONS = {
    ROW_FORMULA_ONLY: "仅含未计算的公式（无缓存值），没有可读入的数值",
    ROW_UNOWNED: "有数据但无法归属到项目（项目编码、项目名称为空，且不是指标行），未合并",
}


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
    stated_month: int | None = None  # the N of a "1-N月执行数" label, when the form states one
    stated_year: int | None = None  # the year under or in the form's title ("( 2019年度)")
    status: str = "used"  # used | superseded | blank | unreadable


# --------------------------------------------------------------------------- one file

def read_submission(read: FileRead, workbook: WorkbookRead | None,
                    context: MonitorContext) -> Submission:
    """Type one department workbook read for the run; never raises for a bad file (its error
    is kept)."""
    try:
        mtime = read.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    display, path = read.file, read.path
    if workbook is None:
        return Submission(display, path, None, mtime, error=read.error, status="unreadable",
                          findings=[read.finding])  # type: ignore[list-item]
    submission = Submission(display, path, workbook.sha256, mtime,
                            findings=list(workbook.all_findings), rows_in=workbook.rows_in)
    accepted: dict[str, MonitorProject] = {}
    rejected_rows: dict[tuple[str, int], tuple[str, str]] = {}  # (sheet,row) → (reason, project)
    for table in workbook.tables:
        typed = context.typing.table(table)
        for record in table.projects:
            rows, sheet = record.rows, record.sheet
            name, code = record.name, record.text("project_code")
            if not name and not code:
                submission.findings.append(finding_at(
                    "M-NO-PROJECT-NAME", display, sheet, None, rows=len(rows)))
                for row in rows:
                    rejected_rows[(sheet, row)] = ("缺少项目名称和项目编码", "")
                continue
            ident = key(code) or f"name:{key(name)}"
            if ident in accepted:
                first = accepted[ident]
                where = f"工作表“{first.sheet}”第 {first.row} 行起"
                submission.findings.append(finding_at(
                    "M-DUPLICATE-PROJECT", display, sheet, None, name, name=name, kept=where))
                for row in rows:
                    rejected_rows[(sheet, row)] = (f"同一项目重复填报，已采用{where}", name)
                continue
            project = type_project(record, context, typed)
            accepted[ident] = project
            submission.projects.append(project)
    submission.ledger = _ledger(workbook, rejected_rows)
    submission.stated_year = next((p.year for p in workbook.projects if p.year), None)
    stated = _stated_period(workbook)
    if stated is not None:
        submission.stated_month = stated[1]
        if stated[1] != context.period.month:
            submission.findings.append(_period_mismatch(workbook, stated, context.period))
    if submission.projects and all(_is_blank(p) for p in submission.projects):
        # pbm's own template (or a copy sent back unfilled) is no submission: keep it out
        # of the merge and of the duplicate check, and say so.
        submission.status = "blank"
        reason = "空白监控表（未填写任何监控数据）"
        submission.ledger = [row._replace(status=REJECTED, reason=reason)
                             if row.status == MERGED else row for row in submission.ledger]
        submission.findings.append(finding_at("M-BLANK-TEMPLATE", display))
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


def _stated_period(workbook: WorkbookRead) -> tuple[ProjectRead, int, str] | None:
    """The first 执行数 label that names its months ("1-7月执行数"): (record, N, label)."""
    for record in workbook.projects:
        label = record.labels.get("executed")
        if label is None or record.fields.get("executed") is None:
            continue
        text = label.value if isinstance(label.value, str) else ""
        stated = _STATED_MONTHS.search(text)
        if stated:
            return record, int(stated.group(1)), text
    return None


def _period_mismatch(workbook: WorkbookRead, stated: tuple[ProjectRead, int, str],
                     period: Period) -> Finding:
    """A 执行数 labelled for another period than the run's ("1-7月执行数" in a run for
    September): the lights would silently use the wrong 序时进度 — say so, once per file."""
    record, month, text = stated
    return finding_at("M-PERIOD-MISMATCH", workbook.file, record.sheet,
                      record.labels["executed"].a1, None, text, label=text, stated=month,
                      month=period.month, source=period.source)


def _is_blank(project: MonitorProject) -> bool:
    return project.executed is None and project.adjusted_budget is None and \
        project.expected_execution is None and not project.possibility and \
        not project.deviation_reason and not project.measures and not project.version and \
        not any(ind.actual or ind.expected for ind in project.indicators)


def _ledger(workbook, rejected_rows: dict[tuple[str, int], tuple[str, str]]) -> list[LedgerRun]:
    builder = _RunBuilder(workbook.file)
    for sheet in workbook.sheets:
        for account in sheet.accounts:
            kind = account.kind
            project = account.project or ""
            if kind in DATA_KINDS:
                rejected = rejected_rows.get((sheet.name, account.row))
                if rejected is not None:
                    builder.add(sheet.name, account.row, REJECTED, kind, rejected[0],
                                rejected[1] or project)
                else:
                    builder.add(sheet.name, account.row, MERGED, kind, "", project)
            elif kind in UNREAD_REASONS:
                builder.add(sheet.name, account.row, REJECTED, kind, UNREAD_REASONS[kind],
                            project if kind == ROW_FORMULA_ONLY else "")
            elif kind == "outside" and sheet.layout != "form":
                reason = "工作表中没有可识别的表头或监控表格式" if sheet.layout is None else \
                    "无法归属到项目（项目编码、项目名称、主管部门均为空）"
                builder.add(sheet.name, account.row, REJECTED, kind, reason, "")
            else:
                builder.add(sheet.name, account.row, NON_DATA, kind, ROW_KINDS_ZH.get(kind, kind),
                            project if kind != "outside" else "")
    return builder.runs
