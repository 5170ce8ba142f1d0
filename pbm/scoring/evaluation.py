"""部门评价 / 财政评价 by several evaluator groups, from filled scoring sheets.

Layout (chosen and documented in the README): **one scoring sheet per evaluator** — the sheet
``pbm template evaluation`` writes: 项目名称, 评价组, 评价人 as key–value cells, then
一级 | 二级 | 三级 | 分值 | 评分要点 | 得分 | 扣分原因.  A workbook may hold any number of such
sheets, for one or several projects; several workbooks may be given.  Sheets are grouped by
project name.  Each evaluator's total is the sum of their scores (each kept within 0 and the
line's weight); groups are combined by :func:`pbm.scoring.groups.combine_groups` (group
means, weighted combination, spread, outlier evaluators); each line keeps the evaluators'
扣分原因, the same words of several merged (资料不全（财政、第三方）), for the 绩效评价报告 and the
feedback letter.  The indicator framework is read
from the sheets themselves and checked by :func:`pbm.scoring.frameworks.validate_framework`
(weights add up, 产出 + 效益 ≥ the configured minimum, 60 under 财预〔2020〕10号).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.indicators import Typing
from pbm.scoring.frameworks import Framework, framework_from_rows, validate_framework
from pbm.scoring.grades import grade_for
from pbm.scoring.groups import GroupResult, combine_groups
from pbm.scoring.rules import CENT, ZERO, ScoreRules
from pbm.values import plain_decimal
from pbm.workbook.table import ProjectRead

UNNAMED_GROUP = "未注明评价组"

#: Spellings of the five evaluator groups (财政…群众代表) → the names in [score.group_weights].
GROUP_ALIASES = {
    "财政": "财政", "财政局": "财政", "财政部门": "财政", "财政评价": "财政",
    "主管部门": "主管部门", "主管单位": "主管部门", "部门": "主管部门",
    "项目单位": "项目单位", "项目实施单位": "项目单位", "实施单位": "项目单位", "单位": "项目单位",
    "第三方": "第三方", "第三方机构": "第三方", "第三方评价机构": "第三方", "中介机构": "第三方",
    "专家": "第三方",
    "群众代表": "群众代表", "群众": "群众代表", "服务对象": "群众代表", "服务对象代表": "群众代表",
    "社会公众": "群众代表",
}


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def normalise_group(text: str, configured: Mapping[str, Any] | None = None) -> str:
    """The evaluator group a sheet names: configured names first, then the usual spellings."""
    compact = "".join((text or "").split())
    if not compact:
        return ""
    if configured and compact in configured:
        return compact
    if compact in GROUP_ALIASES:
        return GROUP_ALIASES[compact]
    for name in (configured or {}):
        if compact.startswith(name):
            return name
    for alias, name in GROUP_ALIASES.items():
        if compact.startswith(alias):
            return name
    return compact


@dataclass
class EvaluationLine:
    """One 三级 line of one evaluator's sheet."""

    level1: str
    level2: str
    name: str
    weight: Decimal | None
    weight_text: str
    note: str
    score: Decimal | None
    reason: str
    weight_cell: str | None = None
    score_cell: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.level1, self.level2, self.name


@dataclass
class EvaluationSheet:
    """One evaluator's filled scoring sheet."""

    file: str
    sheet: str
    project: str
    department: str
    group: str
    group_written: str
    evaluator: str
    lines: list[EvaluationLine]


def is_evaluation_record(record: ProjectRead) -> bool:
    """A scoring sheet has 评价组 or 评价人 labels (filled or not); a 自评表 has neither."""
    return "evaluator_group" in record.fields or "evaluator" in record.fields


def evaluation_sheet(record: ProjectRead, typing: Typing,
                     group_weights: Mapping[str, Any] | None = None) -> EvaluationSheet:
    """Type one scoring sheet read by the workbook reader."""
    table = record.table
    lines = []
    for line in record.lines:
        weight_cell, score_cell = table.cell("weight", line), table.cell("score", line)
        weight = None
        weight_text = ""
        if weight_cell is not None and not weight_cell.empty:
            weight_text = weight_cell.text
            weight = typing.number(weight_cell.value).number  # type: ignore[union-attr]
        score = None
        if score_cell is not None and not score_cell.empty:
            score = typing.number(score_cell.value).number  # type: ignore[union-attr]
        lines.append(EvaluationLine(
            level1=table.text("level1", line), level2=table.text("level2", line),
            name=table.text("name", line) or "（未填指标名称）", weight=weight,
            weight_text=weight_text, note=table.text("note", line), score=score,
            reason=table.text("deviation", line),
            weight_cell=weight_cell.a1 if weight_cell is not None else None,
            score_cell=score_cell.a1 if score_cell is not None else None))
    written = record.text("evaluator_group")
    return EvaluationSheet(
        file=record.file, sheet=record.sheet, project=record.name,
        department=record.department,
        group=normalise_group(written, group_weights) or UNNAMED_GROUP, group_written=written,
        evaluator=record.text("evaluator") or record.sheet, lines=lines)


@dataclass
class EvaluatorScore:
    group: str
    evaluator: str
    file: str
    sheet: str
    total: Decimal | None
    scored: int
    missing: int
    outlier: bool = False
    deviation: Decimal | None = None  # from the mean of the others in the group (outliers)

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "evaluator": self.evaluator, "file": self.file,
                "sheet": self.sheet, "total": _num(self.total), "scored": self.scored,
                "missing": self.missing, "outlier": self.outlier,
                "deviation": _num(self.deviation)}


@dataclass
class EvaluationLineScore:
    """A 三级 line across evaluators: each group's mean and the weighted combination."""

    level1: str
    level2: str
    name: str
    weight: Decimal | None
    group_means: dict[str, Decimal]
    combined: Decimal | None
    #: 扣分原因 as the evaluators wrote them: each reason once, with the groups that wrote it
    reasons: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reason_text(self) -> str:
        """资料不全（财政、第三方）；台账缺失（群众代表） — "" when nobody wrote a reason."""
        return "；".join(f"{reason}（{'、'.join(groups)}）" for reason, groups in self.reasons.items())

    def to_dict(self) -> dict[str, Any]:
        return {"level1": self.level1, "level2": self.level2, "name": self.name,
                "weight": _num(self.weight),
                "group_means": {k: float(v) for k, v in self.group_means.items()},
                "combined": _num(self.combined)}


@dataclass
class EvaluationResult:
    """One project evaluated by several evaluator groups (combined score, spread, outliers)."""

    project: str
    department: str
    files: list[str]
    sheets: list[EvaluationSheet]
    framework: Framework | None
    evaluators: list[EvaluatorScore]
    groups: GroupResult
    combined: Decimal | None
    grade: str | None
    lines: list[EvaluationLineScore]
    findings: list[Finding] = field(default_factory=list)

    @property
    def file(self) -> str:
        return "、".join(self.files)

    @property
    def sheet(self) -> str:
        return self.sheets[0].sheet if self.sheets else ""

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "kind": "evaluation",
            "file": self.file,
            "sheet": self.sheet,
            "sheets": [sheet.sheet for sheet in self.sheets],
            "name": self.project,
            "department": self.department or None,
            "combined": _num(self.combined),
            "grade": self.grade,
            "group_means": {k: float(v) for k, v in self.groups.group_means.items()},
            "group_sizes": dict(self.groups.group_sizes),
            "weights_used": {k: float(v) for k, v in self.groups.weights_used.items()},
            "spread": _num(self.groups.spread),
            "absent_groups": list(self.groups.absent_groups),
            "evaluators": [e.to_dict() for e in self.evaluators],
            "outliers": [o.to_dict() for o in self.groups.outliers],
            "framework_total": (_num(self.framework.indicator_total)
                                if self.framework is not None else None),
            "lines": [line.to_dict() for line in self.lines],
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _finding(code: str, *, file: str | None = None, sheet: str | None = None,
             cell: str | None = None, project: str | None = None, value: Any = None,
             **params: Any) -> Finding:
    return Finding(code, file=file, sheet=sheet, cell=cell, project=project,
                   value=value, params=params)


def _framework_of(sheet: EvaluationSheet, project: str) -> tuple[Framework | None, list[Finding]]:
    rows = [{"一级指标": line.level1, "二级指标": line.level2, "三级指标": line.name,
             "分值": line.weight_text, "评分要点": line.note} for line in sheet.lines]
    try:
        return framework_from_rows(rows, name=sheet.sheet, source=sheet.file), []
    except PbmError as error:
        return None, [_finding("S-FRAMEWORK-INVALID", file=sheet.file, sheet=sheet.sheet,
                               project=project or None, **error.params)]


def _differences(lines: list[EvaluationLine], reference: list[tuple[tuple[str, str, str],
                                                                  Decimal | None]]) -> list[str]:
    own = {line.key: line.weight for line in lines}
    other = dict(reference)
    found = []
    for key, weight in reference:
        if key not in own:
            found.append(f"缺少“{key[2]}”")
        elif own[key] != weight:
            found.append(f"“{key[2]}”分值 {plain_decimal(own[key])}（应为 {plain_decimal(weight)}）")
    for key in own:
        if key not in other:
            found.append(f"多出“{key[2]}”")
    return found


def evaluate_project(sheets: list[EvaluationSheet], rules: ScoreRules,
                     group_weights: Mapping[str, Decimal] | None = None,
                     reference: Framework | None = None) -> EvaluationResult:
    """Combine the scoring sheets of one project (framework checks: 财预〔2020〕10号 附件2 shape).

    Findings: the framework checks of the first sheet (S-WEIGHT-TOTAL,
    S-OUTPUT-BENEFIT-WEIGHT), sheets that list other indicators (S-EVAL-SHEETS-DIFFER) or
    differ from ``reference`` (S-EVAL-FRAMEWORK-MISMATCH), scores outside [0, weight]
    (S-EVAL-SCORE-OUT-OF-RANGE, counted clamped), blank scores (S-MISSING-SCORE, counted 0),
    blank sheets (S-EVAL-EMPTY, left out), and the group findings of combine_groups.
    """
    project = sheets[0].project
    department = next((s.department for s in sheets if s.department), "")
    findings: list[Finding] = []
    framework, framework_findings = _framework_of(sheets[0], project)
    findings.extend(framework_findings)
    if framework is not None:
        for finding in validate_framework(framework, rules):
            finding.sheet = sheets[0].sheet
            finding.project = project or None
            findings.append(finding)
    first_lines = [(line.key, line.weight) for line in sheets[0].lines]
    if reference is not None:
        reference_lines = [((item.level1, item.level2, item.level3), item.weight)
                           for item in reference.indicators]
        differences = _differences(sheets[0].lines, reference_lines)
        if differences:
            findings.append(_finding("S-EVAL-FRAMEWORK-MISMATCH", file=sheets[0].file,
                                     sheet=sheets[0].sheet, project=project or None,
                                     framework=reference.title or reference.name,
                                     differences="；".join(differences[:8])))

    scores: dict[str, dict[str, Decimal]] = {}
    evaluators: list[EvaluatorScore] = []
    line_scores: dict[tuple[str, str, str], dict[str, list[Decimal]]] = {}
    line_reasons: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    for sheet in sheets:
        where = {"file": sheet.file, "sheet": sheet.sheet, "project": project or None}
        if sheet is not sheets[0]:
            differences = _differences(sheet.lines, first_lines)
            if differences:
                findings.append(_finding("S-EVAL-SHEETS-DIFFER", **where,
                                         differences="；".join(differences[:8])))
        if not sheet.group_written:
            findings.append(_finding("S-EVAL-NO-GROUP", **where, group=sheet.group))
        if all(line.score is None for line in sheet.lines):
            findings.append(_finding("S-EVAL-EMPTY", **where))
            evaluators.append(EvaluatorScore(sheet.group, sheet.evaluator, sheet.file,
                                             sheet.sheet, None, 0, len(sheet.lines)))
            continue
        total = ZERO
        scored = missing = 0
        for line in sheet.lines:
            _add_reason(line_reasons.setdefault(line.key, {}), line.reason, sheet.group)
            if line.score is None:
                missing += 1
                findings.append(_finding("S-MISSING-SCORE", cell=line.score_cell, **where,
                                         name=line.name, filled_zh="（按 0 分计入）",
                                         filled_en=" (counted as 0)"))
                continue
            used = line.score
            weight = line.weight
            if used < ZERO or (weight is not None and used > weight):
                used = max(ZERO, min(used, weight)) if weight is not None else ZERO
                findings.append(_finding(
                    "S-EVAL-SCORE-OUT-OF-RANGE", cell=line.score_cell, value=plain_decimal(line.score),
                    **where, group=sheet.group, evaluator=sheet.evaluator, name=line.name,
                    score=plain_decimal(line.score), weight=plain_decimal(weight), used=plain_decimal(used)))
            scored += 1
            total += used
            line_scores.setdefault(line.key, {}).setdefault(sheet.group, []).append(used)
        label = _unique_label(scores.setdefault(sheet.group, {}), sheet.evaluator, sheet.sheet)
        scores[sheet.group][label] = _round(total)
        evaluators.append(EvaluatorScore(sheet.group, label, sheet.file, sheet.sheet,
                                         _round(total), scored, missing))

    groups = combine_groups(scores, group_weights)
    for finding in groups.findings:
        finding.file = finding.file or sheets[0].file
        finding.project = project or None
        if finding.code == "S-GROUP-OUTLIER":
            source = next((e for e in evaluators if e.evaluator == finding.params.get("evaluator")
                           and e.group == finding.params.get("group")), None)
            if source is not None:
                finding.file, finding.sheet = source.file, source.sheet
    findings.extend(groups.findings)
    outliers = {(o.group, o.evaluator): o for o in groups.outliers}
    for evaluator in evaluators:
        outlier = outliers.get((evaluator.group, evaluator.evaluator))
        if outlier is not None:
            evaluator.outlier = True
            evaluator.deviation = outlier.deviation

    lines = []
    used_weights = groups.weights_used
    weight_sum = sum(used_weights.values(), ZERO)
    for line in sheets[0].lines:
        per_group = line_scores.get(line.key, {})
        means = {group: _round(sum(values, ZERO) / Decimal(len(values)))
                 for group, values in per_group.items() if values}
        combined = None
        present = {g: w for g, w in used_weights.items() if g in means}
        present_sum = sum(present.values(), ZERO)
        if present_sum > ZERO and weight_sum > ZERO:
            combined = _round(sum((w * means[g] for g, w in present.items()), ZERO) / present_sum)
        lines.append(EvaluationLineScore(line.level1, line.level2, line.name, line.weight,
                                         means, combined, line_reasons.get(line.key, {})))
    combined = groups.combined
    grade = grade_for(combined, rules.grade_bands) if combined is not None else None
    files = sorted({sheet.file for sheet in sheets})
    return EvaluationResult(project=project, department=department, files=files, sheets=sheets,
                            framework=framework, evaluators=evaluators, groups=groups,
                            combined=combined, grade=grade, lines=lines, findings=findings)


_REASON_END = "。；;，,、 "


def _add_reason(reasons: dict[str, list[str]], written: str, group: str) -> None:
    """One evaluator's 扣分原因 of a line, merged with the same words of the others (资料不全
    and 资料不全。 are one reason); each reason lists its groups in the order they wrote it."""
    reason = " ".join(written.split()).rstrip(_REASON_END)
    if not reason:
        return
    groups = reasons.setdefault(reason, [])
    if group not in groups:
        groups.append(group)


def _unique_label(existing: Mapping[str, Any], evaluator: str, sheet: str) -> str:
    if evaluator not in existing:
        return evaluator
    label = f"{evaluator}（{sheet}）"
    counter = 2
    while label in existing:
        label = f"{evaluator}（{sheet}-{counter}）"
        counter += 1
    return label


def evaluate_sheets(sheets: list[EvaluationSheet], rules: ScoreRules,
                    group_weights: Mapping[str, Decimal] | None = None,
                    reference: Framework | None = None) -> list[EvaluationResult]:
    """Group scoring sheets by project name (in first-seen order) and evaluate each project."""
    by_project: dict[str, list[EvaluationSheet]] = {}
    for sheet in sheets:
        by_project.setdefault(sheet.project or sheet.file, []).append(sheet)
    return [evaluate_project(group, rules, group_weights, reference)
            for group in by_project.values()]
