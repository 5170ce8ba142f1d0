"""绩效评价结果反馈书, 评价结果通报 and 绩效评价报告, from ``scores-<year>.xlsx``."""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.findings import Finding
from pbm.reports.context import (
    CENT,
    DASH,
    GRADES,
    NONE_TEXT,
    SEVERITY_ORDER,
    ChartRequest,
    DocumentSpec,
    Kind,
    ReportSettings,
    _columns,
    _get,
    _placeholder_row,
    base_context,
    chinese_date,
    money,
    numbered,
    rate_fraction,
    score,
)
from pbm.reports.inputs import OutputWorkbook, number, subject_mark, text
from pbm.scoring.grades import UNGRADED, UNGRADED_APPLICATION
from pbm.values import percent_text as percent
from pbm.workbook.outputs import (
    SAMPLE_ROWS,
    SCORE_APPLICATIONS,
    SCORE_EVALUATION_LINES,
    SCORE_FINDINGS,
    SCORE_INDICATORS,
    SCORE_PROJECTS,
    SCORE_RECHECK,
)

# --------------------------------------------------------------------------- scores

SELF_EVALUATION = "单位自评"
EVALUATION = "多方评价"
EVALUATION_MODES = {
    # 项目得分.类型 → 评价方式 in the letter (财预〔2020〕10号: 单位自评、部门评价、财政评价)
    SELF_EVALUATION: "单位自评抽查复核",
    EVALUATION: "绩效评价（多个评价组综合评分）",
}


@dataclass
class _ScoredProject:
    key: tuple[str, str, str]   # (file, code, name)
    context: dict[str, Any]
    claimed: Decimal | None
    recomputed: Decimal | None
    grade: str
    evaluation_type: str
    issues: list[dict[str, str]]


def _same_project(key: tuple[str, str, str], file: str, code: str, name: str) -> bool:
    """Rows of the other sheets name their project by code, name and file where they can."""
    own_file, own_code, own_name = key
    if code and own_code:
        return code == own_code and (not file or not own_file or file == own_file)
    if not name or name != own_name:
        return False
    return not file or not own_file or file == own_file


class _Lines:
    """The rows of one sheet found by project code or name, in sheet order — the candidates
    :func:`_same_project` then checks (no scan of every row for every project)."""

    def __init__(self, table, col: dict[str, str | None], code: str = "code",
                 name: str = "project"):
        self.rows = table.rows if table else []
        self._col, self._name = col, name
        self._unnamed: dict[tuple[str, str], list[int]] | None = None
        self._by: dict[str, list[int]] = {}
        for index, line in enumerate(self.rows):
            for value in {text(_get(line, col.get(code))), text(_get(line, col.get(name)))}:
                if value:
                    self._by.setdefault(value, []).append(index)

    def of(self, code: str, name: str) -> list[dict[str, Any]]:
        found = set(self._by.get(code, ())) | set(self._by.get(name, ())) if code else \
            set(self._by.get(name, ()))
        return [self.rows[index] for index in sorted(found)]

    def unnamed(self, file: str, sheet: str) -> list[dict[str, Any]]:
        """The rows of a project that has no name, by the file and sheet they are on."""
        if self._unnamed is None:
            col, self._unnamed = self._col, {}
            for index, line in enumerate(self.rows):
                if not text(_get(line, col.get(self._name))):
                    place = (text(_get(line, col.get("file"))), text(_get(line, col.get("sheet"))))
                    self._unnamed.setdefault(place, []).append(index)
        return [self.rows[index] for index in self._unnamed.get((file, sheet), ())]


def _scored_projects(workbook: OutputWorkbook, settings: ReportSettings) -> list[_ScoredProject]:
    key = ("scored", id(settings))
    if key not in workbook.derived:
        workbook.derived[key] = _build_scored_projects(workbook, settings)
    return workbook.derived[key]


def _build_scored_projects(workbook: OutputWorkbook, settings: ReportSettings
                           ) -> list[_ScoredProject]:
    """One entry per row of 项目得分 (a project evaluated twice — self-evaluation and a
    multi-group evaluation — has two), with its indicator lines, problems and suggestion."""
    projects = workbook.table(SCORE_PROJECTS.sheet)
    pcol = _columns(workbook, projects, SCORE_PROJECTS, "type", "file", "sheet", "code", "name",
                    "department", "unit", "claimed", "recomputed", "difference", "execution",
                    "grade", "claimed_grade", "budget", "executed", "rate")
    indicators = workbook.table(SCORE_INDICATORS.sheet, required=False)
    icol = _columns(workbook, indicators, SCORE_INDICATORS, "file", "code", "level1", "level2",
                    "level3", "target", "actual", "weight", "claimed", "score", project="name",
                    reason="note")
    group_lines = workbook.table(SCORE_EVALUATION_LINES.sheet, required=False)
    gcol = _columns(workbook, group_lines, SCORE_EVALUATION_LINES, "level1", "level2", "level3",
                    "weight", "reason", project="name", score="combined")
    differences = workbook.table(SCORE_RECHECK.sheet, required=False)
    dcol = _columns(workbook, differences, SCORE_RECHECK, "file", "code", "severity", "message",
                    "hint", "sheet", "cell", project="name", finding="codes")
    # 问题清单 names a project by its name only (its 代码 is the finding's code).
    issues = workbook.table(SCORE_FINDINGS.sheet, required=False)
    qcol = _columns(workbook, issues, SCORE_FINDINGS, "file", "project", "severity", "message",
                    "hint", "letter", "letter_hint", "sheet", "cell", finding="code")
    applications = workbook.table(SCORE_APPLICATIONS.sheet, required=False)
    acol = _columns(workbook, applications, SCORE_APPLICATIONS, "type", "code", "department",
                    "suggestion", project="name")

    difference_lines, issue_lines = _Lines(differences, dcol), _Lines(issues, qcol)
    indicator_lines, group_line_index = _Lines(indicators, icol), _Lines(group_lines, gcol)
    application_lines = _Lines(applications, acol)
    # What a letter tells the unit of each finding is 问题清单's 反馈书问题说明 (blank: the
    # reviewer's own).  A workbook of an earlier pbm has no such column (and a warning): its
    # letters quote the findings as the workbook states them.
    letter_sources = ([(issue_lines, qcol)] if qcol["letter"]
                      else [(difference_lines, dcol), (issue_lines, qcol)])
    # The 资金 of a project evaluated by several groups: its unit's self-evaluation row.
    self_rows: dict[str, list[dict[str, Any]]] = {}
    for row in (projects.rows if projects else []):
        if (text(_get(row, pcol["type"])) or SELF_EVALUATION) == SELF_EVALUATION:
            self_rows.setdefault(text(_get(row, pcol["name"])), []).append(row)
    # A project without a name is found in 问题清单 by its file and sheet — where it is the
    # sheet's only project (a form); several unnamed projects of one list sheet cannot be told
    # apart there.
    on_sheet = Counter((text(_get(row, pcol["file"])), text(_get(row, pcol["sheet"])))
                       for row in (projects.rows if projects else [])
                       if not text(_get(row, pcol["name"])))
    results = []
    for row in (projects.rows if projects else []):
        written = text(_get(row, pcol["name"]))
        name = written or "（未填项目名称）"
        place = (text(_get(row, pcol["file"])), text(_get(row, pcol["sheet"])))
        unnamed_at = place if not written and on_sheet[place] == 1 else None
        department = text(_get(row, pcol["department"])) or "（未填主管部门）"
        evaluation_type = text(_get(row, pcol["type"])) or SELF_EVALUATION
        key = (text(_get(row, pcol["file"])), text(_get(row, pcol["code"])), name)
        claimed = number(_get(row, pcol["claimed"]))
        recomputed = number(_get(row, pcol["recomputed"]))
        difference = number(_get(row, pcol["difference"]))
        if difference is None and claimed is not None and recomputed is not None:
            difference = claimed - recomputed
        grade = text(_get(row, pcol["grade"]))
        if not grade and recomputed is not None:
            from pbm.scoring.grades import grade_for

            grade = grade_for(recomputed.quantize(CENT, rounding=ROUND_HALF_UP))

        indicator_rows = []
        if evaluation_type == SELF_EVALUATION:
            for line in indicator_lines.of(key[1], name):
                if not _same_project(key, text(_get(line, icol["file"])),
                                     text(_get(line, icol["code"])),
                                     text(_get(line, icol["project"]))):
                    continue
                indicator_rows.append(_indicator_row(line, icol))
        else:
            for line in group_line_index.of("", name):
                if text(_get(line, gcol["project"])) == name:
                    indicator_rows.append(_indicator_row(line, gcol))
        if evaluation_type == EVALUATION:
            # An evaluation's findings concern the evaluators' sheets, not the unit: what the
            # unit is told is what the evaluators took points off for, and why.
            problems = [_deduction(line) for line in indicator_rows
                        if line["deducted"] not in (DASH, "0.00")]
            places = [{"file": key[0], "sheet": SCORE_EVALUATION_LINES.sheet,
                       "cell": line["level3"], "finding": "LETTER-EVAL-DEDUCTION"}
                      for line in indicator_rows if line["deducted"] not in (DASH, "0.00")]
        else:
            problems = _unit_problems(key, name, letter_sources, unnamed_at)
            places = [problem.pop("_place") for problem in problems]
        budget_text = text(_get(row, pcol["budget"]))
        # the 整改台账 keeps the name as written: the re-check of the resubmission finds it so
        ledger_items = [{"code": key[1], "name": written, "amount": budget_text, **place,
                         "problem": problem["message"],
                         "required": "" if problem["hint"] == DASH else problem["hint"]}
                        for problem, place in zip(problems, places)]

        suggestion = ""
        for line in application_lines.of(key[1], name):
            if text(_get(line, acol["type"])) not in ("", evaluation_type):
                continue
            if text(_get(line, acol["department"])) not in ("", department):
                continue
            if _same_project(("", key[1], name), "", text(_get(line, acol["code"])),
                             text(_get(line, acol["project"]))):
                suggestion = text(_get(line, acol["suggestion"]))
                break
        if not suggestion:
            suggestion = UNGRADED_APPLICATION if grade == UNGRADED else \
                settings.application.get(grade, "")
        if suggestion and not suggestion.startswith("建议"):
            suggestion = "建议：" + suggestion  # a suggestion, never a decision

        funding = row
        if evaluation_type != SELF_EVALUATION and all(
                _get(row, pcol[k]) in (None, "") for k in ("budget", "executed", "rate")):
            funding = next((r for r in self_rows.get(name, ())
                            if text(_get(r, pcol["department"])) in ("", department)), row)
        budget = number(_get(funding, pcol["budget"]))
        executed = number(_get(funding, pcol["executed"]))
        rate = rate_fraction(_get(funding, pcol["rate"]))
        if rate is None and budget and executed is not None:
            rate = executed / budget
        context = {
            "department": department,
            "unit": text(_get(row, pcol["unit"])) or department,
            "project": name + subject_mark(row), "project_code": key[1] or DASH,
            "evaluation_type": evaluation_type,
            "evaluation_mode": EVALUATION_MODES.get(evaluation_type, evaluation_type),
            "self_score": score(claimed), "total": score(recomputed),
            "difference": score(difference), "execution_score": score(_get(row, pcol["execution"])),
            "grade": grade or DASH, "self_grade": text(_get(row, pcol["claimed_grade"])) or DASH,
            "budget": money(budget), "executed": money(executed), "execution_rate": percent(rate),
            "problems": numbered(problems, ["message", "hint"]),
            "problem_count": str(len(problems)),
            "rectification": _rectification(bool(problems), evaluation_type,
                                            recomputed is not None, settings),
            "indicators": indicator_rows or [_placeholder_row(list(_INDICATOR_KEYS))],
            "application": suggestion or NONE_TEXT,
        }
        results.append(_ScoredProject(key, context, claimed, recomputed, grade, evaluation_type,
                                      ledger_items))
    return results


_INDICATOR_KEYS = ("level1", "level2", "level3", "target", "actual", "weight", "claimed", "score",
                   "deducted", "reason")


def _unit_problems(key: tuple[str, str, str], name: str,
                   sources: list[tuple[_Lines, dict[str, str | None]]],
                   unnamed_at: tuple[str, str] | None = None) -> list[dict[str, str]]:
    """The problems a self-evaluation's letter lists: errors and warnings of the project, each
    once, as its unit is to read them (the 反馈书问题说明 column where the workbook has it);
    ``unnamed_at``: the file and sheet of a project without a name, alone on its sheet."""
    problems, seen = [], set()
    for lines, col in sources:
        letter = col.get("letter")
        candidates = lines.of(key[1], name) if unnamed_at is None else \
            lines.unnamed(*unnamed_at)
        for line in candidates:
            if SEVERITY_ORDER.get(text(_get(line, col["severity"])), 1) > 1:
                continue
            if unnamed_at is None and not _same_project(key, text(_get(line, col["file"])),
                                 text(_get(line, col.get("code"))),
                                 text(_get(line, col["project"]))):
                continue
            message = text(_get(line, letter or col["message"]))
            hint = text(_get(line, col["letter_hint"] if letter else col["hint"]))
            if message and message not in seen:
                seen.add(message)
                place = {"file": text(_get(line, col["file"])),
                         "sheet": text(_get(line, col.get("sheet"))),
                         "cell": text(_get(line, col.get("cell"))),
                         "finding": text(_get(line, col.get("finding")))}
                problems.append({"message": message, "hint": hint or DASH, "_place": place})
    return problems


def _deduction(line: dict[str, str]) -> dict[str, str]:
    """An evaluation line the evaluators took points off, as its unit is told."""
    reason = line["reason"] if line["reason"] != DASH else ""
    code = "LETTER-EVAL-DEDUCTION" if reason else "LETTER-EVAL-DEDUCTION-NO-REASON"
    told = Finding(code, params={"name": line["level3"], "deducted": line["deducted"],
                                 "reason": reason})
    return {"message": told.message(), "hint": told.hint()}


#: 整改要求 of a letter: what it asks for, only when it lists something to fix.
RECTIFICATION = ("请针对上述问题认真整改，自收到本反馈意见之日起{days}日内（{deadline}前）"
                 "将整改措施书面报送我局。")
NOTHING_TO_FIX = "经复核，未发现需要整改的问题，无需报送整改措施。"
NOTHING_TO_FIX_EVALUATION = "经评价，各项指标均未扣分，无需报送整改措施。"
NOT_YET_SCORED = "评价结果尚未确定，整改要求另行通知。"


def _rectification(anything: bool, evaluation_type: str, scored: bool,
                   settings: ReportSettings) -> str:
    if anything:
        return RECTIFICATION.format(days=settings.rectification_days,
                                    deadline=chinese_date(settings.deadline))
    if not scored:
        return NOT_YET_SCORED  # no score at all: nothing is known to be fine either
    return NOTHING_TO_FIX_EVALUATION if evaluation_type == EVALUATION else NOTHING_TO_FIX


def _indicator_row(line: dict[str, Any], col: dict[str, str | None]) -> dict[str, str]:
    """A row of the 评分表; 扣分原因 as written (the evaluators', merged per reason), — when
    nobody wrote one."""
    weight = number(_get(line, col.get("weight")))
    got = number(_get(line, col.get("score")))
    deducted = weight - got if weight is not None and got is not None else None
    reason = text(_get(line, col.get("reason")))
    return {
        "level1": text(_get(line, col.get("level1"))) or DASH,
        "level2": text(_get(line, col.get("level2"))) or DASH,
        "level3": text(_get(line, col.get("level3"))) or DASH,
        "target": text(_get(line, col.get("target"))) or DASH,
        "actual": text(_get(line, col.get("actual"))) or DASH,
        "weight": score(weight), "claimed": score(_get(line, col.get("claimed"))),
        "score": score(got), "deducted": score(deducted), "reason": reason or DASH}


def _file_stem(kind: Kind, project: _ScoredProject) -> str:
    department, name = project.context["department"], project.context["project"]
    extra = "" if project.evaluation_type == SELF_EVALUATION else f"-{project.evaluation_type}"
    return f"{department}-{name}{extra}-{kind.title}"


def build_score_feedback(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                         ) -> list[DocumentSpec]:
    """绩效评价结果反馈书 per project: score, grade, problems, rectification deadline, result
    application suggestion (30 days as in a province's 结果应用办法; layout pbm's own).

    Written to the unit: a self-evaluation's problems in the words of 问题清单's 反馈书 columns
    (not the reviewer's: how a blank was scored, tolerances), an evaluation's the lines the
    evaluators took points off with their 扣分原因; a letter with nothing to fix asks for no
    measures."""
    documents = []
    for sequence, project in enumerate(_scored_projects(workbook, settings), start=1):
        context = base_context(kind, settings, sequence)
        context.update(project.context)
        documents.append(DocumentSpec(kind.key, _file_stem(kind, project),
                                      f"{project.context['project']}{kind.title}", context,
                                      department=project.context["department"],
                                      project=project.context["project"],
                                      issues=project.issues))
    return documents


def _final_results(scored: list[_ScoredProject]) -> list[_ScoredProject]:
    """One result per project (department, name), in first-seen order: a multi-group
    evaluation's over the unit's own self-evaluation."""
    by_project: OrderedDict[tuple[str, str], _ScoredProject] = OrderedDict()
    for project in scored:
        ident = (project.context["department"], project.context["project"])
        if ident not in by_project or by_project[ident].evaluation_type == SELF_EVALUATION:
            by_project[ident] = project
    return list(by_project.values())


def build_score_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                       ) -> list[DocumentSpec]:
    """评价结果通报: grade distribution, self vs recheck scores, inflated self-evaluations
    (pbm's own layout)."""
    scored = _scored_projects(workbook, settings)
    # A project evaluated twice (its own 自评 and a multi-group evaluation) is one project in
    # the counts, the distribution and the average, with the evaluation's result; the table
    # below still lists both rows, each with its 类型.
    final = _final_results(scored)
    counts = {g: 0 for g in GRADES}
    for project in final:
        if project.grade in counts:
            counts[project.grade] += 1
    total = len(final)
    grade_rows = [{"grade": g, "count": str(counts[g]),
                   "share": percent(Decimal(counts[g]) / total) if total else DASH}
                  for g in GRADES]
    project_rows = [{"department": p.context["department"], "name": p.context["project"],
                     "evaluation_type": p.evaluation_type,
                     "self_score": p.context["self_score"], "total": p.context["total"],
                     "difference": p.context["difference"], "grade": p.context["grade"]}
                    for p in scored]
    compared = [p for p in scored if p.claimed is not None and p.recomputed is not None]
    inflated = [{"department": p.context["department"], "name": p.context["project"],
                 "self_score": p.context["self_score"], "total": p.context["total"],
                 "difference": p.context["difference"]}
                for p in sorted(compared, key=lambda p: p.recomputed - p.claimed)
                if p.claimed > p.recomputed]
    # an ungraded project's total is only a lower bound: left out of the average
    recomputed = [p.recomputed for p in final if p.recomputed is not None and p.grade != UNGRADED]
    context = base_context(kind, settings, 1)
    context.update({
        "project_count": str(total),
        "average_score": score(sum(recomputed, Decimal(0)) / len(recomputed)) if recomputed
        else DASH,
        "grades": grade_rows,
        "grade_summary": "，".join(f"{g} {counts[g]} 个" for g in GRADES),
        "projects": numbered(project_rows, ["department", "name", "self_score", "total",
                                            "difference", "grade"]),
        "inflated": numbered(inflated, ["department", "name", "self_score", "total",
                                        "difference"]),
        "inflated_count": str(len(inflated)),
        "applications": [{"grade": g, "text": settings.application.get(g, DASH)} for g in GRADES],
        "grade_chart": "", "score_chart": "",
    })
    charts = {
        "grade_chart": ChartRequest("grades", f"{settings.year}年度绩效评价等级分布",
                                    [(g, counts[g]) for g in GRADES]),
        # every row of the projects table (序号 order); a score that is missing draws no bar
        "score_chart": ChartRequest("self_vs_recheck", "自评得分与复核得分对比",
                                    [(p.context["project"], p.claimed, p.recomputed,
                                      p.evaluation_type) for p in scored] if compared else []),
    }
    return [DocumentSpec(kind.key, kind.title, f"{settings.year}年度{kind.title}", context,
                         charts)]


REPORT_SECTIONS = [
    # The 参考提纲 of 财预〔2020〕10号 as summarised in practice.
    ("一、基本情况", "（一）项目概况：项目背景、主要内容及实施情况、资金投入和使用情况。\n"
                "（二）项目绩效目标：总体目标和阶段性目标。"),
    ("二、绩效评价工作开展情况", "（一）绩效评价目的、对象和范围。\n"
                          "（二）绩效评价原则、评价指标体系、评价方法、评价标准等。\n"
                          "（三）绩效评价工作过程。"),
    ("三、综合评价情况及评价结论", "（评分表见下）"),
    ("四、绩效评价指标分析", "（一）项目决策情况。\n（二）项目过程情况。\n（三）项目产出情况。\n"
                      "（四）项目效益情况。"),
    ("五、主要经验及做法、存在的问题及原因分析", "（请填写）"),
    ("六、有关建议", "（请填写）"),
    ("七、其他需要说明的问题", "（请填写）"),
    ("八、附件", "评分表；资金表；相关佐证材料。"),
]


def build_evaluation_report(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings,
                            sample: OutputWorkbook | None = None) -> list[DocumentSpec]:
    """绩效评价报告 skeleton per project (参考提纲 of 财预〔2020〕10号), with 评分表 and 资金表.

    When a sample workbook exists, only the sampled (抽评) projects get a report — those are
    the ones a finance bureau evaluates in depth; otherwise every scored project does.  A
    project with a multi-group evaluation gets its report from that evaluation, not from
    the unit's self-evaluation: the evaluators' 扣分原因 in its 评分表, and in its 资金表 the
    budget and spending of the unit's self-evaluation (the evaluation has none of its own).
    """
    chosen = _final_results(_scored_projects(workbook, settings))
    if sample is not None:
        codes, names = set(), set()
        for row in sample.rows(SAMPLE_ROWS.sheet, required=False):
            codes.add(text(row.get(SAMPLE_ROWS["code"])))
            names.add(text(row.get(SAMPLE_ROWS["name"])))
        codes.discard("")
        sampled = [p for p in chosen if (p.key[1] and p.key[1] in codes) or p.key[2] in names]
        if sampled:
            chosen = sampled
    documents = []
    for sequence, project in enumerate(chosen, start=1):
        context = base_context(kind, settings, sequence)
        context.update(project.context)
        context["sections"] = [{"heading": h, "body": b} for h, b in REPORT_SECTIONS]
        context["conclusion"] = (f"经评价，“{project.context['project']}”综合得分"
                                 f"{project.context['total']}分，评价等级为“{project.context['grade']}”。")
        documents.append(DocumentSpec(kind.key, _file_stem(kind, project),
                                      f"{project.context['project']}{kind.title}", context,
                                      department=project.context["department"],
                                      project=project.context["project"]))
    return documents
