"""Merge a quarter's monitoring submissions (双监控): one submission per department, the
roster, the approved goals, department totals, and the ledger's balance.

Data flows one way: files → :class:`~pbm.monitoring.submission.Submission` (typed projects and
ledger runs, one per file, read by the one read loop, on two processes for many files) →
:func:`merge_submissions` (departments, duplicates, roster) → :class:`MonitorResult`, which
renderers turn into the terminal report, JSON and workbooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from pbm.errors import PbmError
from pbm.findings import Finding, count_by_severity
from pbm.monitoring.departments import Roster, newer_submission
from pbm.monitoring.execution import ExecutionTotals, execution_totals
from pbm.monitoring.goals import key
from pbm.monitoring.lights import LIGHTS
from pbm.monitoring.period import Period
from pbm.monitoring.project import MonitorContext, MonitorProject, as_float, finding_at
from pbm.monitoring.submission import (
    MERGED,
    NON_DATA,
    REJECTED,
    Submission,
    read_submission,
)
from pbm.result import RunResult
from pbm.workbook.layout import MONITOR
from pbm.workbook.read import read_inputs

#: The 汇总 line of the files whose department could not be told (no letter can be sent to it).
UNIDENTIFIED_DEPARTMENT = "（未识别部门）"


@dataclass
class DepartmentSummary(ExecutionTotals):
    """One line of 汇总: a roster department (or one outside it), its execution totals and
    执行率 (:class:`~pbm.monitoring.execution.ExecutionTotals`, the one definition), lights
    and findings."""

    code: str
    name: str
    contact: str
    status: str  # 已报送 / 未报送 / 名册外
    file: str
    lights: dict[str, int] = field(default_factory=lambda: {light: 0 for light in LIGHTS})
    unlit: int = 0
    errors: int = 0
    warnings: int = 0
    superseded: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code or None, "name": self.name, "contact": self.contact or None,
                "status": self.status, "file": self.file or None, **ExecutionTotals.to_dict(self),
                "lights": dict(self.lights), "unlit": self.unlit, "errors": self.errors,
                "warnings": self.warnings, "superseded": self.superseded}


@dataclass
class MonitorResult(RunResult):
    """``files`` are the department submissions read (:class:`Submission`)."""

    command: ClassVar[str] = "monitor"

    context: MonitorContext = field(kw_only=True)
    projects: list[MonitorProject] = field(default_factory=list)
    departments: list[DepartmentSummary] = field(default_factory=list)
    ledger_counts: dict[str, int] = field(default_factory=dict)
    folder: str = ""

    @property
    def period(self) -> Period:
        return self.context.period

    @property
    def readable(self) -> list[Submission]:
        return [s for s in self.files if s.error is None]

    @property
    def execution(self) -> ExecutionTotals:
        """Σ预算数, Σ执行数 and 执行率 of every project merged (the 汇总 sheet's 合计)."""
        return execution_totals((p.budget, p.executed) for p in self.projects)

    @property
    def missing_departments(self) -> list[DepartmentSummary]:
        return [d for d in self.departments if d.status == "未报送"]

    def iter_ledger(self):
        for submission in self.files:
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
        submitted = {d.name for d in self.departments if d.status != "未报送"}
        execution = self.execution
        return {
            **super().summary(),
            "files_superseded": sum(1 for s in self.files if s.status == "superseded"),
            "files_blank": sum(1 for s in self.files if s.status == "blank"),
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
            "execution_rate": as_float(execution.execution_rate),
            "projects_without_executed": execution.without_executed,
            "zero_spend": sum(1 for p in self.projects if p.zero_spend),
            "drifted_projects": sum(1 for p in self.projects if p.drift),
            "period": self.period.label, "month": self.period.month,
            "time_progress": float(round(self.period.time_progress, 4)),
            "rule": self.context.rule.rule,
        }

    def lists(self, lang: str) -> dict[str, Any]:
        time_progress = self.period.time_progress
        return {"projects": [p.to_dict(time_progress) for p in self.projects],
                "departments": [d.to_dict() for d in self.departments],
                "period": self.period.to_dict(), "rule": self.context.rule.to_dict()}

    def file_dict(self, read: Submission) -> dict[str, Any]:
        return {"file": read.file, "sha256": read.sha256, "status": read.status,
                "department": read.department or None}


# --------------------------------------------------------------------------- many files

def merge_submissions(submissions: list[Submission], context: MonitorContext,
                      folder: str = "", goals_note: Finding | None = None) -> MonitorResult:
    """Departments, duplicates, roster, project-level totals and the ledger balance."""
    roster = context.roster
    findings: list[Finding] = []
    if goals_note is not None:
        findings.append(goals_note)
    if context.goals is not None:
        for file, reason in context.goals.skipped:
            findings.append(finding_at("M-GOALS-FILE-SKIPPED", file, value=reason, reason=reason))
    if not roster:
        findings.append(finding_at("M-NO-ROSTER", None))
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
            submission.findings = [finding_at(
                "M-DUPLICATE-SUBMISSION", submission.file, None, None, None, kept.file,
                department=kept.department, kept=kept.file, basis=basis, basis_en=basis_en)]
    for submission in submissions:
        if submission.error is not None or submission.status in ("superseded", "blank"):
            findings.extend(submission.findings)
            continue
        if roster and submission.roster_match is None:
            if submission.department:
                submission.findings.insert(0, finding_at("M-UNKNOWN-DEPT", submission.file,
                                                       value=submission.department,
                                                       department=submission.department))
            else:
                submission.findings.insert(0, finding_at("M-NO-DEPT", submission.file))
        elif not roster and not submission.department:
            submission.findings.insert(0, finding_at("M-NO-DEPT", submission.file))
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
                    findings.append(finding_at("M-PROJECT-NOT-REPORTED", submission.file, None,
                                             None, approved.name, approved.name,
                                             name=approved.name))
                    reported.add(approved.ident)
    counts = ledger_balance(submissions)
    return MonitorResult(submissions, findings, context=context, projects=projects,
                         departments=departments, ledger_counts=counts, folder=folder)


def ledger_balance(submissions: list[Submission]) -> dict[str, int]:
    """rows_in = merged + rejected + non_data — every non-empty row accounted for, checked."""
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
            found = DepartmentSummary(code, name or UNIDENTIFIED_DEPARTMENT, "", "名册外" if roster else "已报送",
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
            summary.add(project.budget, project.executed)
            if project.light is None:
                summary.unlit += 1
            else:
                summary.lights[project.light] += 1
            counts = count_by_severity(project.findings)
            summary.errors += counts["error"]
            summary.warnings += counts["warning"]
    for summary in order:
        if summary.status == "未报送":
            findings.append(finding_at("M-MISSING-DEPT", None, value=summary.name,
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
    submissions = read_inputs(files, context.limits, partial(read_submission, context=context),
                              workers=workers, progress=progress, kind=MONITOR)
    stated = _stated_period(submissions, context.period)
    if stated is not None:
        # the period came from pbm.toml's default only, and every form that names its months
        # names the same other one: the forms are right (序时进度 and lights follow it).
        context = replace(context, period=stated)
        submissions = read_inputs(files, context.limits,
                                  partial(read_submission, context=context), workers=workers,
                                  kind=MONITOR)
    return merge_submissions(submissions, context, folder, goals_note)


def _stated_period(submissions: list[Submission], period: Period) -> Period | None:
    """The period the submissions state (``1-7月执行数``, ``( 2019年度)``) where the run's comes
    from a default only (pbm.toml's month, the preset's year) and all stating files agree on
    another; None otherwise (an explicit period is kept and a mismatch said per file)."""
    months = {s.stated_month for s in submissions if s.stated_month is not None}
    years = {s.stated_year for s in submissions if s.stated_year is not None}
    month = months.pop() if period.month_default and len(months) == 1 else period.month
    year = years.pop() if period.year_default and len(years) == 1 else period.year
    if (year, month) == (period.year, period.month):
        return None
    said = [f"{year}年度"] if year != period.year else []
    said += [f"1-{month}月"] if month != period.month else []
    return Period(year, month, f"监控表所填“{'、'.join(said)}”")
