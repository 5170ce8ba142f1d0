"""``pbm score``: read self-evaluation and evaluation workbooks, score, recheck, combine.

Every readable workbook is read once by the shared reader; each project is
either a 自评表 (scored and rechecked, :mod:`pbm.scoring.selfeval`) or an evaluator's scoring
sheet (combined per project, :mod:`pbm.scoring.evaluation`).  The result is data with
``to_dict()``; the command line renders it and :mod:`pbm.scoring.output` writes the workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.result import RunResult
from pbm.scoring.evaluation import (
    EvaluationResult,
    EvaluationSheet,
    evaluate_sheets,
    evaluation_sheet,
    is_evaluation_record,
)
from pbm.scoring.frameworks import Framework
from pbm.scoring.grades import grade_distribution
from pbm.scoring.recheck import recheck_project
from pbm.scoring.rules import ProjectScore, Scorer, ScoreRules
from pbm.scoring.selfeval import (
    SelfEvalInput,
    SelfEvalTyping,
    aggregate_groups,
    aggregate_units,
)
from pbm.workbook.layout import SELF_EVAL
from pbm.workbook.read import FileRead, WorkbookRead, iter_workbook_files, read_inputs
from pbm.workbook.source import Limits

KIND_SELF = "self-eval"
KIND_AGGREGATE = "aggregate"


@dataclass
class ScoredProject:
    """A 自评表 project: its typed input and its recomputed score with the recheck findings."""

    input: SelfEvalInput
    score: ProjectScore
    kind: str = KIND_SELF

    @property
    def findings(self) -> list[Finding]:
        return self.input.findings + self.score.findings

    @property
    def grade(self) -> str:
        return self.score.grade

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        inp, ps = self.input, self.score
        return {
            **({"subject": inp.subject} if inp.subject == "department" else {}),
            "kind": self.kind,
            "file": inp.file,
            "sheet": inp.sheet,
            "name": inp.name or None,
            "department": inp.department or None,
            "code": inp.code or None,
            "implementing_unit": inp.implementing_unit or None,
            "layout": inp.layout,
            "claimed_total": _num(ps.claimed_total),
            "recomputed_total": _num(ps.total),
            "difference": _num(ps.difference),
            "execution_score": _num(ps.execution_score),
            "claimed_execution": _num(ps.claimed_execution),
            "execution_rate": _num(ps.execution_rate),
            "budget": _num(ps.budget),
            "executed": _num(ps.executed),
            "indicator_total": _num(ps.indicator_total),
            "rescaled": ps.rescaled,
            "grade": ps.grade,
            "claimed_grade": inp.claimed_grade or None,
            "indicators": len(ps.indicators),
            "lines": ps.lines,
            "rechecked_lines": ps.rechecked,
            "kept_claims": _num(ps.kept),
            "findings": len(self.findings),
        }


    def indicator_rows(self) -> list[dict[str, Any]]:
        inp = self.input
        rows = []
        for score in self.score.indicators:
            ind = score.indicator
            rows.append({
                "file": inp.file, "sheet": inp.sheet, "project": inp.name or None,
                "cell": ind.cell("score"),
                "level1": ind.level1, "level2": ind.level2, "name": ind.name,
                "op": ind.written_op, "target": ind.target_text or _num(ind.target),
                "actual": ind.actual_text or _num(ind.actual),
                "weight": _num(ind.weight), "claimed": _num(ind.claimed),
                "recomputed": _num(score.recomputed), "difference": _num(score.difference),
                "rule": score.rule, "met": score.met, "applicable": ind.applicable,
            })
        return rows


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class ScoreRun(RunResult):
    """Everything one ``pbm score`` run found."""

    command: ClassVar[str] = "score"

    projects: list[ScoredProject] = field(default_factory=list)
    evaluations: list[EvaluationResult] = field(default_factory=list)
    aggregates: list[ScoredProject] = field(default_factory=list)
    rules: ScoreRules = field(default_factory=ScoreRules)
    group_weights: dict[str, Decimal] = field(default_factory=dict)
    framework: Framework | None = None
    # per file read: its 自评 projects and its evaluators' scoring sheets
    projects_read: dict[str, int] = field(default_factory=dict)
    evaluation_sheets_read: dict[str, int] = field(default_factory=dict)

    def grades(self) -> dict[str, int]:
        """Recomputed grade per project: 自评 projects and evaluated projects."""
        grades = [p.grade for p in self.projects] + [e.grade for e in self.evaluations]
        return grade_distribution(grades, self.rules.grade_bands)

    def claimed_grades(self) -> dict[str, int]:
        from pbm.scoring.grades import grade_for

        return grade_distribution(
            [grade_for(p.score.claimed_total, self.rules.grade_bands)
             for p in self.projects if p.score.claimed_total is not None],
            self.rules.grade_bands)

    def largest_differences(self, limit: int = 10) -> list[ScoredProject]:
        """Projects whose claimed total is furthest above (then below) the recomputed one."""
        with_claims = [p for p in self.projects if p.score.difference is not None
                       and p.score.difference != 0]
        return sorted(with_claims, key=lambda p: (-abs(p.score.difference), -p.score.difference,
                                                  p.input.file, p.input.sheet))[:limit]

    def summary(self) -> dict[str, Any]:
        inflated = sum(1 for p in self.projects if p.score.difference is not None
                       and p.score.difference > self.rules.tolerance)
        return {
            **super().summary(),
            "projects": len(self.projects) + len(self.evaluations),
            "self_evaluations": len(self.projects),
            "evaluations": len(self.evaluations),
            "evaluator_sheets": sum(len(e.sheets) for e in self.evaluations),
            "aggregates": len(self.aggregates),
            "indicators": sum(len(p.score.indicators) for p in self.projects)
            + sum(len(e.lines) for e in self.evaluations),
            "grades": self.grades(),
            "claimed_grades": self.claimed_grades(),
            "inflated_projects": inflated,
        }

    def indicator_rows(self) -> list[dict[str, Any]]:
        """One dict per 自评 indicator line, with its provenance (the JSON ``indicators``)."""
        return [row for project in self.projects for row in project.indicator_rows()]

    def lists(self, lang: str) -> dict[str, Any]:
        return {
            "projects": [p.to_dict(lang) for p in self.projects]
            + [_evaluation_project(e) for e in self.evaluations],
            "indicators": self.indicator_rows(),
            "evaluations": [e.to_dict(lang) for e in self.evaluations],
            "aggregates": [{**p.to_dict(lang), "lines": p.indicator_rows()}
                           for p in self.aggregates],
            "largest_differences": [
                {"file": p.input.file, "sheet": p.input.sheet, "name": p.input.name or None,
                 "claimed_total": _num(p.score.claimed_total),
                 "recomputed_total": _num(p.score.total),
                 "difference": _num(p.score.difference)}
                for p in self.largest_differences()],
            "settings": settings_dict(self.rules, self.group_weights),
        }

    def file_dict(self, read: FileRead) -> dict[str, Any]:
        return {**super().file_dict(read), "projects": self.projects_read.get(read.file, 0),
                "evaluation_sheets": self.evaluation_sheets_read.get(read.file, 0)}


def _evaluation_project(result: EvaluationResult) -> dict[str, Any]:
    """An evaluated project in the ``projects`` list with the ``--format json`` contract keys."""
    return {
        "kind": "evaluation", "file": result.file, "sheet": result.sheet,
        "name": result.project or None, "department": result.department or None,
        "code": None, "claimed_total": None, "recomputed_total": _num(result.combined),
        "difference": None, "execution_score": None, "grade": result.grade,
        "evaluators": len(result.evaluators),
        "spread": _num(result.groups.spread),
        "group_means": {k: float(v) for k, v in result.groups.group_means.items()},
    }


def settings_dict(rules: ScoreRules, group_weights: Mapping[str, Decimal]) -> dict[str, Any]:
    return {
        "execution_weight": float(rules.execution_weight),
        "execution_cap": float(rules.effective_execution_cap),
        "indicator_weight_total": float(rules.indicator_weight_total),
        "reverse_rule": rules.reverse_rule,
        "tolerance": float(rules.tolerance),
        "grade_bands": {name: float(low) for name, low in rules.grade_bands},
        "qualitative_tiers": {name: [float(low), float(high)]
                              for name, low, high in rules.qualitative_tiers},
        "qualitative_defaults": {k: float(v) for k, v in rules.qualitative_defaults.items()},
        "min_output_benefit_weight": float(rules.min_output_benefit_weight),
        "group_weights": {k: float(v) for k, v in group_weights.items()},
    }


def score_paths(paths: list[Path], rules: ScoreRules, limits: Limits = Limits(), *,
                group_weights: Mapping[str, Decimal] | None = None,
                framework: Framework | None = None, aggregate: bool = False,
                year: int | None = None,
                progress: Callable[[Path], None] | None = None) -> ScoreRun:
    """Score every 自评表 and combine every evaluation found in ``paths`` (files or folders).

    An unreadable file becomes an R- finding and the run goes on; no workbook at all is a
    usage error (PbmError CLI-USAGE).  ``aggregate`` adds a summary per project that several
    units reported separately (rates weighted by funding, counts summed: local 自评表 notes).
    """
    from pbm.scoring.groups import DEFAULT_GROUP_WEIGHTS

    weights = dict(group_weights) if group_weights is not None else dict(DEFAULT_GROUP_WEIGHTS)
    files = iter_workbook_files(paths)
    if not files:
        raise PbmError("CLI-USAGE", reason="没有找到工作簿文件（.xlsx/.xlsm/.xls/.csv） / "
                                           "no workbook files found")
    typing = SelfEvalTyping(rules, year)
    scorer = Scorer(rules)
    clean: set[tuple] = set()  # claimed lines the recheck found nothing on, by their inputs
    reads: list[FileRead] = []
    projects: list[ScoredProject] = []
    sheets: list[EvaluationSheet] = []
    file_findings: list[Finding] = []
    projects_read: dict[str, int] = {}
    sheets_read: dict[str, int] = {}

    stated_rules: dict[Decimal, ScoreRules] = {}  # a form's own execution weight → its rules

    def score_file(read: FileRead, workbook: WorkbookRead | None) -> None:
        reads.append(read)
        if workbook is None:
            file_findings.append(read.finding)  # type: ignore[arg-type]
            return
        file_findings.extend(workbook.all_findings)
        for table in workbook.tables:
            typed = typing.typing.table(table)
            for record in table.projects:
                if is_evaluation_record(record):
                    sheets.append(evaluation_sheet(record, typing.typing, weights))
                    sheets_read[read.file] = sheets_read.get(read.file, 0) + 1
                    continue
                inp = typing.project(record, typed)
                project_rules = inp.rules_for(rules, stated_rules)
                score = inp.score(project_rules, scorer)
                score.findings = recheck_project(score, project_rules, clean)
                projects.append(ScoredProject(inp, score))
                projects_read[read.file] = projects_read.get(read.file, 0) + 1

    read_inputs(files, limits, score_file, progress=progress, kind=SELF_EVAL)
    evaluations = evaluate_sheets(sheets, rules, weights, framework) if sheets else []
    aggregates: list[ScoredProject] = []
    if aggregate:
        for group in aggregate_groups([p.input for p in projects]):
            summary = aggregate_units(group)
            score = summary.score(rules, scorer)
            score.findings = recheck_project(score, rules)
            aggregates.append(ScoredProject(summary, score, KIND_AGGREGATE))
    findings = list(file_findings)
    for project in projects:
        findings.extend(project.findings)
    for evaluation in evaluations:
        findings.extend(evaluation.findings)
    return ScoreRun(reads, findings, projects=projects, evaluations=evaluations,
                    aggregates=aggregates, rules=rules,
                    group_weights={k: Decimal(str(v)) for k, v in weights.items()},
                    framework=framework, projects_read=projects_read,
                    evaluation_sheets_read=sheets_read)
