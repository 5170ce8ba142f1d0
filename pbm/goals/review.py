"""``pbm validate``: review goal-declaration workbooks and build the approved goal list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from pbm.errors import PbmError
from pbm.findings import Finding, count_by_severity
from pbm.goals.conditions import file_conditions
from pbm.goals.rules import (
    GoalProject,
    LineChecks,
    ReviewSettings,
    check_project,
    overall_opinion,
    review_grade,
    review_opinions,
    type_project,
)
from pbm.indicators import Typing
from pbm.result import RunResult
from pbm.workbook.layout import GOAL
from pbm.workbook.read import FileRead, WorkbookRead, iter_workbook_files, read_inputs
from pbm.workbook.source import Limits
from pbm.workbook.table import ProjectRead

GRADES = ("优", "良", "中", "差")


@dataclass
class ProjectReview:
    project: GoalProject
    findings: list[Finding]
    grade: str
    opinions: dict[str, str]

    @property
    def record(self) -> ProjectRead:
        return self.project.record

    @property
    def weight_total(self) -> Decimal | None:
        weights = [w.number for w in self.project.weights
                   if w is not None and w.number is not None]
        return sum(weights, Decimal(0)) if weights else None

    @property
    def amount(self) -> Decimal | None:
        total = self.project.money.get("total_funds")
        return total.number if total is not None else None

    def to_dict(self) -> dict[str, Any]:
        counts = count_by_severity(self.findings)
        record = self.record
        subject = {"subject": record.subject} if self.project.subject.department else {}
        return {**subject, "file": record.file, "sheet": record.sheet, "name": record.name,
                "code": record.text("project_code") or None,
                "department": record.department or None,
                "layout": record.layout, "indicators": self.project.count,
                "weight_total": float(self.weight_total) if self.weight_total is not None else None,
                "amount": float(self.amount) if self.amount is not None else None,
                "grade": self.grade, "errors": counts["error"], "warnings": counts["warning"],
                "opinions": self.opinions, "opinion": overall_opinion(self.grade)}


@dataclass
class ValidationResult(RunResult):
    command: ClassVar[str] = "validate"

    reviews: list[ProjectReview] = field(default_factory=list)
    settings: ReviewSettings = field(default_factory=ReviewSettings)
    library: Any = None  # the LibraryContext the run was checked against (pbm.library.checks)
    _rates: list | None = field(default=None, repr=False)

    def rates(self) -> list:
        """指标量化率 and 核心指标覆盖率 per department, then 合计 (pbm.library.rates.Rates);
        the coverage is not judged (None) without a core library or earlier years' library."""
        if self._rates is None:
            from pbm.library.checks import LibraryContext, project_indicators

            context = self.library or LibraryContext(None, {}, None, None)
            self._rates = context.rates([project_indicators(r.project) for r in self.reviews])
        return self._rates

    def summary(self) -> dict[str, Any]:
        grades = {grade: 0 for grade in GRADES}
        for review in self.reviews:
            grades[review.grade] += 1
        return {**super().summary(), "projects": len(self.reviews),
                "indicators": sum(r.project.count for r in self.reviews), "grades": grades,
                "indicator_rates": [rates.to_dict() for rates in self.rates()]}

    def lists(self, lang: str) -> dict[str, Any]:
        return {"projects": [r.to_dict() for r in self.reviews]}


def validate_paths(paths: list[Path], settings: ReviewSettings, limits: Limits,
                   progress=None, *, year: int | None = None,
                   library=None) -> ValidationResult:
    """Review every project of the goal workbooks in ``paths`` (files or folders); an
    unreadable file becomes an R- finding and the run goes on.  ``library`` (a
    :class:`pbm.library.checks.LibraryContext`) adds the checks against last year's lines and
    the core library."""
    files = iter_workbook_files(paths)
    if not files:
        raise PbmError("CLI-USAGE", reason="没有找到工作簿文件（.xlsx/.xlsm/.xls/.csv） / no workbook files found")
    typing = Typing(year)
    checks = LineChecks(settings)
    reads: list[FileRead] = []
    reviews: list[ProjectReview] = []
    findings: list[Finding] = []

    def review_file(read: FileRead, workbook: WorkbookRead | None) -> None:
        reads.append(read)
        if workbook is None:
            findings.append(read.finding)  # type: ignore[arg-type]
            return
        findings.extend(workbook.all_findings)
        projects = [type_project(record, settings, typed)
                    for table in workbook.tables
                    for typed in (typing.table(table),) for record in table.projects]
        findings.extend(file_conditions(projects, settings))
        for project in projects:
            review = _review(project, settings, checks, library)
            reviews.append(review)
            findings.extend(review.findings)

    read_inputs(files, limits, review_file, progress=progress, kind=GOAL)
    return ValidationResult(reads, findings, reviews, settings, library)


def _review(project: GoalProject, settings: ReviewSettings,
            checks: LineChecks, library=None) -> ProjectReview:
    project_findings = check_project(project, settings, checks)
    if library is not None and not any(f.code == "G-UNFILLED" for f in project_findings):
        from pbm.library.checks import library_findings

        project_findings.extend(library_findings(project, library))
    grade = review_grade(project_findings, settings)
    return ProjectReview(project, project_findings, grade, review_opinions(project_findings))
