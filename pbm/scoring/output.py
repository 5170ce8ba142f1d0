"""The sheets of ``out/scores-<year>.xlsx``: 项目得分, 指标得分, 复核差异, 等级分布,
结果应用建议, the evaluation sheets when evaluations were scored, 问题清单 and 说明.

Rows are built here from a :class:`pbm.scoring.batch.ScoreRun`; the shared writer
(:func:`pbm.workbook.writer.write_xlsx`) writes them.  Everything is in Chinese, as are all
workbooks pbm hands out.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.findings import SEVERITY_ZH, Finding, catalogue
from pbm.scoring.batch import KIND_AGGREGATE, ScoredProject, ScoreRun
from pbm.scoring.grades import UNGRADED, adjustment_for, application_for, grade_for
from pbm.scoring.recheck import (
    CLAIM_RULE_LABELS_ZH,
    NO_RULE_ZH,
    claim_rules_zh,
    execution_claim_rules,
    explain_claim,
    total_claim_candidates,
)
from pbm.scoring.rules import CENT, RULE_LABELS_ZH, ZERO, IndicatorScore
from pbm.values import plain_decimal
from pbm.workbook.department import with_subject_column
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    SCORE_APPLICATIONS,
    SCORE_EVALUATION_LINES,
    SCORE_EVALUATION_SUMMARY,
    SCORE_EVALUATORS,
    SCORE_FINDINGS,
    SCORE_GRADES,
    SCORE_INDICATORS,
    SCORE_PROJECTS,
    SCORE_RECHECK,
    SUBJECT_COLUMN,
    tool_text,
)
from pbm.workbook.table import a1_parts, column_letter

GRADE_FILLS = {"优": "green", "良": None, "中": "yellow", "差": "red"}
KIND_ZH = {"self-eval": "单位自评", "aggregate": "多单位汇总", "evaluation": "多方评价"}
TIMELINESS_RULE_ZH = "时效（按期完成满分，逾期 0 分）"
SUGGESTION_NOTE = "本表为依据评价等级给出的结果应用建议，供预算安排参考，不构成预算决定"

NOTE_ZH = {
    "capped-at-weight": "超过分值，按分值计",
    "negative-actual-as-zero": "实际值为负数，按 0 计",
    "no-operator-scored-as-positive": "未写计算符号，按正向计分",
    "default-share": "未填得分，按默认档次比例计分",
    "tier-minimum": "未填得分，按档次最低分计",
    "default-share-clamped-to-tier": "默认比例超出档次，已限定在档次内",
    "claimed-below-tier": "自评得分低于档次区间",
    "claimed-above-tier": "自评得分高于档次区间",
    "no-weight": "缺少分值",
    "negative-weight": "分值为负数",
    "no-target": "年度指标值不是数值",
    "no-actual": "实际完成值不是数值",
    "negative-target": "年度指标值为负数",
    "unknown-operator": "计算符号无法按定量规则计分",
    "no-tier": "定性指标未注明完成档次",
}

#: The 指标 column of a 复核差异 row for a project-level finding without a line name.
PENDING_LABELS_ZH = {"S-GRADE-MISMATCH": "自评等级"}


def _worst(findings: list[Finding]) -> str | None:
    for severity in ("error", "warning"):
        if any(f.severity == severity for f in findings):
            return severity
    return None


def _rule_zh(score: IndicatorScore) -> str:
    if score.indicator.timeliness:
        return TIMELINESS_RULE_ZH
    return RULE_LABELS_ZH.get(score.rule, score.rule)


def _counts(findings: list[Finding]) -> tuple[int, int]:
    return (sum(1 for f in findings if f.severity == "error"),
            sum(1 for f in findings if f.severity == "warning"))


# --------------------------------------------------------------------------- 项目得分

def _project_row(project: ScoredProject, bands) -> list[Any]:
    inp, ps = project.input, project.score
    errors, warnings = _counts(project.findings) if project.kind != KIND_AGGREGATE else (0, 0)
    claimed_grade = inp.claimed_grade or (
        grade_for(ps.claimed_total, bands) if ps.claimed_total is not None else None)
    return [KIND_ZH[project.kind], inp.file, inp.sheet, inp.code, inp.name, inp.department,
            inp.implementing_unit, inp.budget, inp.executed, ps.execution_rate,
            ps.claimed_execution, ps.execution_score, ps.indicator_total, ps.claimed_total,
            ps.total, ps.difference, claimed_grade, ps.grade or UNGRADED,
            "是" if ps.rescaled else "", errors, warnings, inp.initial_budget, inp.goal or None,
            inp.goal_actual or None]


def project_sheet(run: ScoreRun):
    from pbm.workbook.writer import Sheet

    rows, fills = [], []
    for project in run.projects:
        rows.append(_project_row(project, run.rules.grade_bands))
        fills.append(GRADE_FILLS.get(project.grade))
    for evaluation in run.evaluations:
        errors, warnings = _counts(evaluation.findings)
        rows.append([KIND_ZH["evaluation"], evaluation.file, evaluation.sheet, None,
                     evaluation.project, evaluation.department, None, None, None, None, None,
                     None, None, None, evaluation.combined, None, None, evaluation.grade, "",
                     errors, warnings, None, None, None])
        fills.append(GRADE_FILLS.get(evaluation.grade) if evaluation.grade else None)
    for project in run.aggregates:
        rows.append(_project_row(project, run.rules.grade_bands))
        fills.append(None)
    subjects = [p.input.subject for p in run.projects] + ["project"] * len(run.evaluations) + \
        [p.input.subject for p in run.aggregates]
    headers = with_subject_column(SCORE_PROJECTS.headers(), rows, subjects, SUBJECT_COLUMN)
    return Sheet(SCORE_PROJECTS.sheet, headers, rows, row_fills=fills,
                 number_formats={7: "#,##0.00", 8: "#,##0.00", 9: "0.00%", 10: "0.00",
                                 11: "0.00", 12: "0.00", 13: "0.00", 14: "0.00", 15: "0.00",
                                 21: "#,##0.00"},
                 widths={1: 30, 4: 26})


# --------------------------------------------------------------------------- 指标得分

def indicator_sheet(run: ScoreRun):
    from pbm.workbook.writer import Sheet

    tolerance = run.rules.tolerance
    rows, fills = [], []
    letters: dict[Any, str | None] = {}
    for project in [*run.projects, *run.aggregates]:
        inp = project.input
        for score in project.score.indicators:
            ind = score.indicator
            difference = score.difference
            notes = "；".join(NOTE_ZH.get(note, note) for note in score.notes)
            if not ind.applicable:
                notes = "不适用，已剔除并折算"
            rows.append([inp.file, inp.sheet, ind.cell("score"), inp.code, inp.name,
                         inp.department, ind.level1, ind.level2, ind.name, ind.written_op,
                         ind.target_text, ind.actual_text, ind.weight, ind.claimed,
                         score.recomputed, difference, _rule_zh(score), score.achieved_ratio,
                         None if score.met is None else ("是" if score.met else "否"), notes,
                         _deviation(ind), _actual_column(ind.table, letters)])
            fills.append("yellow" if difference is not None and abs(difference) > tolerance
                         else None)
    return Sheet(SCORE_INDICATORS.sheet, SCORE_INDICATORS.headers(), rows, row_fills=fills,
                 number_formats={12: "0.00", 13: "0.00", 14: "0.00", 15: "0.00", 17: "0.00%"},
                 widths={0: 28, 8: 24, 16: 22, 19: 30})


def _actual_column(table, letters: dict[Any, str | None]) -> str | None:
    """The letter of the table's 实际完成值 column, once per table (an aggregate's line has
    no table)."""
    if table is None:
        return None
    if table not in letters:
        column = table.columns.get("actual")
        letters[table] = column_letter(column) if column else None
    return letters[table]


def _deviation(ind) -> str | None:
    """偏差原因分析及改进措施 of a line as the unit wrote it (an aggregate's line has none)."""
    if ind.table is None:
        return None
    value = ind.table.value("deviation", ind.line)
    return None if value is None else (str(value).strip() or None)


# --------------------------------------------------------------------------- 复核差异

def _execution_rules(project: ScoredProject, run: ScoreRun) -> str:
    ps = project.score
    if ps.claimed_execution is None or ps.execution_score is None:
        return ""
    return claim_rules_zh(execution_claim_rules(ps, run.rules))


def _finding_columns(findings: list[Finding], lang: str) -> list[Any]:
    return ["、".join(dict.fromkeys(f.code for f in findings)),
            "、".join(dict.fromkeys(SEVERITY_ZH[f.severity] for f in findings)),
            "\n".join(f.message(lang) for f in findings),
            "\n".join(dict.fromkeys(h for h in (f.hint(lang) for f in findings) if h))]


def recheck_sheet(run: ScoreRun, lang: str = "zh"):
    """One row per claimed score that differs from pbm's or carries a finding, with the
    scoring methods that reproduce the claim, then the project-level findings."""
    from pbm.workbook.writer import Sheet

    rules = run.rules
    rows, fills = [], []

    def add(row: list[Any], findings: list[Finding]) -> None:
        rows.append(row + _finding_columns(findings, lang))
        fills.append(_worst(findings))

    for project in run.projects:
        inp, ps = project.input, project.score
        pending = list(project.findings)

        def take(*cells: str | None, pending=pending, sheet=inp.sheet) -> list[Finding]:
            """This project's findings at these cells, taken off its pending list."""
            wanted = {c for c in cells if c}
            found = [f for f in pending if f.cell in wanted and f.sheet == sheet]
            for finding in found:
                pending.remove(finding)
            return found

        rows_found = _finding_rows(pending, inp.sheet)
        for score in ps.indicators:
            ind = score.indicator
            found = take(ind.cell("score"), ind.cell("actual"), ind.cell("target"),
                         ind.cell("weight")) if pending and _may_hold(ind, rows_found) else []
            differs = (ind.claimed is not None and score.recomputed is not None
                       and ind.claimed != score.recomputed)
            if not found and not differs:
                continue
            explained = (claim_rules_zh(explain_claim(ind, rules))
                         if ind.claimed is not None and ind.applicable else "")
            add([inp.file, inp.sheet, ind.cell("score"), inp.code, inp.name, inp.department,
                 ind.name, ind.weight, ind.target_text, ind.actual_text, ind.claimed,
                 score.recomputed, score.difference, _rule_zh(score), explained], found)
        execution_found = take(ps.execution_cell, ps.executed_cell)
        execution_differs = (ps.claimed_execution is not None and ps.execution_score is not None
                             and ps.claimed_execution != ps.execution_score)
        if execution_found or execution_differs:
            difference = (ps.claimed_execution - ps.execution_score
                          if execution_differs else None)
            add([inp.file, inp.sheet, ps.execution_cell, inp.code, inp.name, inp.department,
                 "预算执行率",
                 rules.execution_weight, _money_text(ps.budget, "全年预算数"),
                 _money_text(ps.executed, "全年执行数"), ps.claimed_execution, ps.execution_score,
                 difference, CLAIM_RULE_LABELS_ZH["execution-rate"],
                 _execution_rules(project, run)], execution_found)
        total_found = take(ps.total_cell) if ps.total_cell else []
        if total_found or (ps.claimed_total is not None and ps.claimed_total != ps.total):
            add([inp.file, inp.sheet, ps.total_cell, inp.code, inp.name, inp.department, "总分",
                 None,
                 None, None, ps.claimed_total, ps.total, ps.difference,
                 "各项复核得分之和" + ("（不适用指标剔除后折算）" if ps.rescaled else ""),
                 _total_rules(project)], total_found)
        for finding in pending:
            add([finding.file, finding.sheet, finding.cell, inp.code, inp.name, inp.department,
                 finding.params.get("name") or PENDING_LABELS_ZH.get(finding.code), None, None,
                 None, None, None, None, None, None],
                [finding])
    for evaluation in run.evaluations:
        for finding in evaluation.findings:
            add([finding.file, finding.sheet, finding.cell, None, evaluation.project,
                 evaluation.department, finding.params.get("name")
                 or finding.params.get("evaluator"), None, None, None, None, None, None,
                 "多方评价", None], [finding])
    return Sheet(SCORE_RECHECK.sheet, SCORE_RECHECK.headers(), rows, row_fills=fills,
                 number_formats={7: "0.00", 10: "0.00", 11: "0.00", 12: "0.00"},
                 widths={0: 28, 6: 22, 13: 22, 14: 30, 17: 70, 18: 40})


_LINE_CELLS = ("score", "actual", "target", "weight")


def _finding_rows(findings: list[Finding], sheet: str) -> set[int] | None:
    """The sheet rows the findings point to (None: one of them points to no single cell)."""
    rows = set()
    for finding in findings:
        if finding.sheet != sheet or not finding.cell:
            continue
        parts = a1_parts(finding.cell)
        if parts is None:
            return None
        rows.add(parts[1])
    return rows


def _may_hold(ind, rows: set[int] | None) -> bool:
    """Whether a finding may sit at one of the line's cells: on its row (its cells are on its
    own row unless one was carried down from a row above)."""
    table = ind.table
    return rows is None or table is None or not table.carried.keys().isdisjoint(_LINE_CELLS) \
        or table.rows[ind.line] in rows


def _money_text(value: Decimal | None, label: str) -> str:
    return f"{label} {value.normalize():f} 万元" if value is not None else f"{label} —"


def _total_rules(project: ScoredProject) -> str:
    ps = project.score
    if ps.claimed_total is None:
        return ""
    explained = [label for label, total in total_claim_candidates(ps)
                 if abs(total - ps.claimed_total) <= CENT]
    return "、".join(explained) or NO_RULE_ZH


# --------------------------------------------------------------------------- 等级分布

def grade_sheet(run: ScoreRun):
    from pbm.workbook.writer import Sheet

    bands = [name for name, _ in run.rules.grade_bands]
    columns = SCORE_GRADES.headers(band=bands)
    # (department, recomputed grade, recomputed total, claimed total, claimed grade)
    entries: list[tuple[str, str | None, Decimal | None, Decimal | None, str | None]] = []
    for project in run.projects:
        claimed = project.score.claimed_total
        # an ungraded project's total is a lower bound: no part of the mean
        entries.append((project.input.department or "（未填主管部门）", project.grade,
                        project.score.total if project.grade else None, claimed,
                        grade_for(claimed, run.rules.grade_bands) if claimed is not None else None))
    for evaluation in run.evaluations:
        entries.append((evaluation.department or "（未填主管部门）", evaluation.grade,
                        evaluation.combined, None, None))
    order = {name: rank for rank, name in enumerate(bands)}

    def row_for(label: str, chosen: list) -> list[Any]:
        counts = {name: 0 for name in bands}
        for entry in chosen:
            if entry[1] in counts:
                counts[entry[1]] += 1
        totals = [e[2] for e in chosen if e[2] is not None]
        claims = [e[3] for e in chosen if e[3] is not None]
        inflated = sum(1 for e in chosen if e[3] is not None and e[2] is not None
                       and e[3] - e[2] > run.rules.tolerance)
        higher = sum(1 for e in chosen if e[4] is not None and e[1] is not None
                     and order.get(e[4], 99) < order.get(e[1], 99))
        return [label, len(chosen), *(counts[name] for name in bands),
                _mean(totals), _mean(claims), inflated, higher]

    rows = [row_for("全部", entries)]
    for department in sorted({e[0] for e in entries}):
        rows.append(row_for(department, [e for e in entries if e[0] == department]))
    numbers = {len(bands) + 2: "0.00", len(bands) + 3: "0.00"}
    return Sheet(SCORE_GRADES.sheet, columns, rows, number_formats=numbers, widths={0: 22})


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, ZERO) / Decimal(len(values))).quantize(CENT, ROUND_HALF_UP)


# --------------------------------------------------------------------------- 结果应用建议

def application_sheet(run: ScoreRun, application: Mapping[str, str] | None = None):
    """Grade → suggested next-year action (达州 wording, no binding rule), always labelled 建议."""
    from pbm.workbook.writer import Sheet

    columns = SCORE_APPLICATIONS.headers()
    rows, fills = [], []
    entries = [(KIND_ZH[p.kind], p.input.code, p.input.name, p.input.department, p.score.total,
                p.grade) for p in run.projects]
    entries += [(KIND_ZH["evaluation"], None, e.project, e.department, e.combined, e.grade)
                for e in run.evaluations]
    for kind, code, name, department, total, grade in entries:
        if grade is None:
            continue
        adjustment = adjustment_for(grade)
        rows.append([kind, code, name, department, total, grade,
                     application_for(grade, application),
                     _percent(adjustment) if adjustment is not None else None,
                     SUGGESTION_NOTE])
        fills.append(GRADE_FILLS.get(grade))
    return Sheet(SCORE_APPLICATIONS.sheet, columns, rows, row_fills=fills, number_formats={4: "0.00"},
                 widths={2: 26, 6: 50, 7: 16, 8: 60})


def _percent(fraction: Decimal) -> str:
    value = (fraction * 100).quantize(Decimal(1), ROUND_HALF_UP)
    return f"{'+' if value > 0 else ''}{value}%".replace("-", "−")


# --------------------------------------------------------------------------- evaluations

def evaluation_sheets(run: ScoreRun) -> list:
    from pbm.workbook.writer import Sheet

    groups = list(run.group_weights)
    for evaluation in run.evaluations:
        for group in evaluation.groups.group_means:
            if group not in groups:
                groups.append(group)
    summary_rows, summary_fills = [], []
    evaluator_rows, evaluator_fills = [], []
    line_rows = []
    for evaluation in run.evaluations:
        means = evaluation.groups.group_means
        outliers = "、".join(f"{o.group}·{o.evaluator}" for o in evaluation.groups.outliers)
        summary_rows.append([evaluation.project, evaluation.department, evaluation.file,
                             len([e for e in evaluation.evaluators if e.total is not None]),
                             *(means.get(group) for group in groups), evaluation.combined,
                             evaluation.grade, evaluation.groups.spread,
                             "、".join(evaluation.groups.absent_groups), outliers])
        summary_fills.append(GRADE_FILLS.get(evaluation.grade) if evaluation.grade else None)
        for evaluator in evaluation.evaluators:
            evaluator_rows.append([evaluation.project, evaluator.group, evaluator.evaluator,
                                   evaluator.file, evaluator.sheet, evaluator.total,
                                   evaluator.scored, evaluator.missing,
                                   "是" if evaluator.outlier else "", evaluator.deviation])
            evaluator_fills.append("red" if evaluator.outlier else None)
        for line in evaluation.lines:
            line_rows.append([evaluation.project, line.level1, line.level2, line.name,
                              line.weight, *(line.group_means.get(group) for group in groups),
                              line.combined, line.reason_text or None])
    group_formats = {4 + i: "0.00" for i in range(len(groups) + 1)}
    summary = Sheet(SCORE_EVALUATION_SUMMARY.sheet, SCORE_EVALUATION_SUMMARY.headers(group=groups),
                    summary_rows, row_fills=summary_fills,
                    number_formats={**group_formats, len(groups) + 6: "0.00"},
                    widths={0: 26, 2: 30})
    evaluators = Sheet(SCORE_EVALUATORS.sheet, SCORE_EVALUATORS.headers(), evaluator_rows,
                       row_fills=evaluator_fills, number_formats={5: "0.00", 9: "0.00"}, widths={0: 26, 3: 30})
    lines = Sheet(SCORE_EVALUATION_LINES.sheet, SCORE_EVALUATION_LINES.headers(group=groups),
                  line_rows, number_formats={4 + i: "0.00" for i in range(len(groups) + 2)},
                  widths={0: 26, 3: 22, len(groups) + 6: 40})
    return [summary, evaluators, lines]


# --------------------------------------------------------------------------- 问题清单 / 说明

def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


def _no_scoring_rule(project: ScoredProject, finding: Finding) -> bool:
    """Whether an S-UNSCORABLE line is one no rule scores (定量(其他), an unknown operator):
    nothing the unit left out, so its letter names no missing value."""
    return any(score.rule == "unscorable" and score.notes[:1] == ["unknown-operator"]
               and score.indicator.name == finding.params.get("name")
               and score.indicator.cell("score") == finding.cell
               for score in project.score.indicators)


def _ungraded_reasons(project: ScoredProject, lang: str) -> str:
    ps = project.score
    parts = []
    if ps.unjudged:
        parts.append(Finding("LETTER-UNGRADED-UNJUDGED", params={"count": ps.unjudged}))
    if ps.short_weight is not None:
        parts.append(Finding("LETTER-UNGRADED-WEIGHTS",
                             params={"weights": plain_decimal(ps.short_weight)}))
    parts = parts or [Finding("LETTER-UNGRADED-OTHER")]
    return ("；" if lang == "zh" else "; ").join(part.message(lang) for part in parts)


def letter_text(finding: Finding, project: ScoredProject, lang: str = "zh"
                ) -> tuple[str, str] | None:
    """What the 绩效评价结果反馈书 tells the project's unit of one of its findings — (问题, 整改建议)
    — or None for a 提示, which no letter shows.

    The finding's own text is the reviewer's: it says how pbm scored a blank, the tolerance,
    the methods that reproduce a claim.  A LETTER-<code> catalogue entry says it to the unit."""
    if finding.severity == "info":
        return None  # 提示 lines are the reviewer's, as in every letter
    code, params = f"LETTER-{finding.code}", dict(finding.params)
    if finding.code == "S-UNSCORABLE":
        if finding.value is None:
            code += "-UNCLAIMED"
        if _no_scoring_rule(project, finding):
            params["reason_zh"] = NOTE_ZH["unknown-operator"]
            params["reason_en"] = "the operator has no scoring rule"
    elif finding.code == "S-UNGRADED":
        params[f"reasons_{lang}"] = _ungraded_reasons(project, lang)
    elif finding.code == "S-TOTAL-INFLATED" and not params.get("grade"):
        params["grade"] = UNGRADED
    if code not in catalogue():
        return finding.message(lang), finding.hint(lang)
    letter = Finding(code, params=params, value=finding.value)
    has_hint = f"hint_{lang}" in catalogue()[code] or "hint_zh" in catalogue()[code]
    return letter.message(lang), letter.hint(lang) if has_hint else finding.hint(lang)


def findings_sheet(run: ScoreRun, lang: str = "zh"):
    """问题清单: every finding, and for a self-evaluation's own the text its feedback letter
    gives the unit (:func:`letter_text`); an evaluation's findings concern the evaluators'
    sheets and a file's the file — none of them goes to a unit."""
    from pbm.workbook.writer import Sheet

    letters: dict[int, tuple[str, str] | None] = {}
    for project in run.projects:
        for finding in project.findings:
            letters[id(finding)] = letter_text(finding, project, lang)
    rows = []
    for f in run.findings:
        letter = letters.get(id(f)) or (None, None)
        rows.append([f.code, SEVERITY_ZH[f.severity], f.file, f.sheet, f.cell, f.project,
                     f.message(lang), _cell_value(f.value), f.hint(lang), *letter])
    return Sheet(SCORE_FINDINGS.sheet, SCORE_FINDINGS.headers(), rows, row_fills=[f.severity for f in run.findings],
                 widths={2: 28, 6: 70, 8: 40, 9: 50, 10: 40})


def about_rows(run: ScoreRun, command: str, preset: str,
               application: Mapping[str, str] | None = None) -> list[list[Any]]:
    rules = run.rules
    summary = run.summary()
    bands = list(rules.grade_bands)
    band_texts = []
    for index, (name, low) in enumerate(bands):
        if index == 0:
            band_texts.append(f"{name} ≥ {plain_decimal(low)}")
        else:
            band_texts.append(f"{name} [{plain_decimal(low)}, {plain_decimal(bands[index - 1][1])})")
    tiers = "；".join(f"{name} [{plain_decimal(low * 100)}%, {plain_decimal(high * 100)}%"
                     f"{']' if high >= 1 else ')'}" for name, low, high in rules.qualitative_tiers)
    defaults = "；".join(f"{name} {plain_decimal(share * 100)}%"
                        for name, share in rules.qualitative_defaults.items()) or "未配置（空白得分按档次最低分计）"
    rows: list[list[Any]] = [
        [ABOUT_TOOL, tool_text()],
        ["命令", command],
        ["生成时间", run.started.strftime("%Y-%m-%d %H:%M:%S")],
        ["规则预设", preset],
        ["预算执行率", f"分值 {plain_decimal(rules.execution_weight)} 分，得分 = min(执行率, 1) × 分值，"
                  f"最高 {plain_decimal(rules.effective_execution_cap)} 分（预算管理系统口径）"],
        ["指标分值合计（规定）", f"{plain_decimal(rules.indicator_weight_total)} 分 + 预算执行率 "
                         f"{plain_decimal(rules.execution_weight)} 分"],
        ["定量指标计分", "正向：达到指标值得满分，否则 分值 × 实际值 / 指标值；等于（=）同正向，"
                   "指标值为 0 时为 0 满分、否则 0 分；实际值为负按 0；得分不超过分值（预算系统、自评表口径）"],
        ["反向指标计分", "R1 比值法：分值 × 指标值 / 实际值" if rules.reverse_rule == "R1"
         else "R2 线性扣减法：分值 × (1 − (实际值 − 指标值) / 指标值)，达到 2 倍指标值为 0"],
        ["时效指标（日期）", "按期（不晚于指标值日期）得满分，逾期 0 分（设计选择，可人工调整）"],
        ["定性指标档次", tiers + "（得分须落在完成情况所在档次内）"],
        ["定性默认比例", defaults],
        ["不适用指标", "剔除后按适用分值折算为百分制：总分 × 100 / 适用分值（地方自评表做法）"],
        ["舍入", "每项得分四舍五入保留 2 位小数（ROUND_HALF_UP），总分为各项之和再保留 2 位"],
        ["等级区间", "；".join(band_texts) + "（半开区间，按两位小数的 Decimal 判定）"],
        ["自评虚高容差", f"自评得分高于复核得分超过 {plain_decimal(rules.tolerance)} 分时报告"],
        ["评价组权重", "；".join(f"{k} {plain_decimal(v)}" for k, v in run.group_weights.items())
         + "（缺少的组按其余各组权重重新归一）"],
        ["异常评分人", "与同组其他评价人平均分之差超过 max(10 分, 2 × 其他人标准差)"],
        ["产出+效益最低权重", f"{plain_decimal(rules.min_output_benefit_weight)}（每 100 分）"],
        ["结果应用", "“结果应用建议”表中的内容均为建议，不构成预算决定；文字取自 pbm.toml 的 "
                 "[score.application]" if application else "“结果应用建议”表中的内容均为建议，"
                                                            "不构成预算决定"],
        ["反馈书", "“问题清单”中“反馈书问题说明”“反馈书整改建议”两列是绩效评价结果反馈书写给项目单位的文字；"
                "两列为空的问题只供复核参考（提示、多方评价中评价人的评分表、文件读取），不写入反馈书"],
        ["文件数", summary["files"]],
        ["项目数", summary["projects"]],
        ["其中单位自评 / 多方评价", f"{summary['self_evaluations']} / {summary['evaluations']}"],
        ["指标数", summary["indicators"]],
        ["错误 / 警告 / 提示", f"{summary['errors']} / {summary['warnings']} / {summary['infos']}"],
        ["复核等级分布", "，".join(f"{k} {v}" for k, v in summary["grades"].items())],
    ]
    if run.framework is not None:
        rows.append(["指定指标体系框架", run.framework.title or run.framework.name])
    if run.aggregates:
        rows.append(["多单位汇总", "同一项目由多个单位分别填报时（--aggregate），比率类指标按各单位全年预算数"
                               "加权、数量类指标相加后另行计分（地方自评表口径）；汇总行不计入等级分布和结果应用建议"])
    for read in run.files:
        rows.append([f"输入文件 {read.file}", f"SHA-256 {read.sha256}" if read.sha256
                     else f"无法读取：{read.error.message() if read.error else ''}"])
    return rows


def score_sheets(run: ScoreRun, command: str, *, preset: str = "national-2020",
                 application: Mapping[str, str] | None = None, lang: str = "zh") -> list:
    """Every sheet of scores-<year>.xlsx, in reading order."""
    from pbm.workbook.writer import Sheet

    sheets = [project_sheet(run), indicator_sheet(run), recheck_sheet(run, lang),
              grade_sheet(run), application_sheet(run, application)]
    if run.evaluations:
        sheets.extend(evaluation_sheets(run))
    sheets.append(findings_sheet(run, lang))
    sheets.append(Sheet(ABOUT.sheet, ABOUT.headers(), about_rows(run, command, preset, application),
                        widths={0: 22, 1: 100}, autofilter=False))
    return sheets
