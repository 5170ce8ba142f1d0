"""绩效监控情况反馈书 (to a department that submitted), 催报通知 (to one that did not) and
监控情况通报 (to all), from the merged monitoring workbook ``monitor-<period>.xlsx``.

Each says what its reader needs: a department's letter its own projects, the problems in its
own tables as the department must act on them (the 问题 sheet's 反馈书 columns, written by
:mod:`pbm.monitoring.letters`) and — when there is nothing to fix — that there is nothing;
how pbm lit a blank and whom the bureau calls stay in the workbook.  执行率 is
:class:`~pbm.monitoring.execution.ExecutionTotals`' everywhere, as in the terminal and 汇总.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pbm.monitoring.execution import (
    NOT_REPORTED,
    ExecutionTotals,
    execution_rate_definition,
    execution_totals,
)
from pbm.monitoring.letters import BUREAU_ONLY
from pbm.monitoring.merge import UNIDENTIFIED_DEPARTMENT
from pbm.reports.context import (
    DASH,
    LIGHTS_ZH,
    NONE_TEXT,
    SEVERITY_ORDER,
    ChartRequest,
    DocumentSpec,
    Kind,
    ReportSettings,
    _about,
    _columns,
    _get,
    _light,
    _public,
    base_context,
    money,
    numbered,
    rate_fraction,
)
from pbm.reports.inputs import OutputWorkbook, number, subject_mark, text
from pbm.values import decimal_text
from pbm.values import percent_text as percent
from pbm.workbook.outputs import (
    MONITOR_FINDINGS,
    MONITOR_PERIOD_LABEL,
    MONITOR_PROJECTS,
    MONITOR_SUMMARY,
    MONITOR_TOTAL,
)

# --------------------------------------------------------------------------- monitor

MONITOR_MEASURES = {
    # Local practice: units correct deviations; seriously deviating projects may have payments
    # suspended or stopped [地方:焦作]; results feed in-year adjustment and next year's budget.
    "红": ("亮红灯的项目：请逐项分析偏差原因，提出切实可行的整改措施；整改不到位的，"
           "财政部门将视情况暂缓或停止拨款，并在年中调整和下年度预算安排中予以考虑。"),
    "黄": "亮黄灯的项目：请加快预算执行和项目实施进度，确保年度绩效目标如期实现。",
    "绿": "亮绿灯的项目：请继续做好绩效运行监控，保持执行进度。",
}
PROBLEMS_MEASURE = "“发现的问题”所列事项：请逐项核实更正，更正情况与整改措施一并报送。"
#: Names under which no letter can be sent (the department of a file was not found).
NO_RECIPIENT = {UNIDENTIFIED_DEPARTMENT, "（未填主管部门）"}


@dataclass
class _MonitorData:
    """The merged monitoring workbook, regrouped by department (roster order)."""

    period: str
    month: int | None
    projects: list[dict[str, Any]]
    departments: OrderedDict[str, dict[str, Any]]   # name → status, files
    problems: list[dict[str, str]]
    # Indexed once (a province has thousands of departments; no scan per letter).
    _by_department: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _problem_index: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for row in self.projects:
            self._by_department.setdefault(row["department"], []).append(row)
        for position, problem in enumerate(self.problems):
            if problem["file"]:
                self._problem_index.setdefault(problem["file"], []).append(position)

    def projects_of(self, department: str) -> list[dict[str, Any]]:
        return self._by_department.get(department, [])

    def execution_of(self, rows: list[dict[str, Any]]) -> ExecutionTotals:
        """执行率 and 未填报执行数 of some project rows — the one definition."""
        return execution_totals((r["budget_value"], r["executed_value"]) for r in rows)

    def _found(self, department: str) -> list[int]:
        found: set[int] = set()
        for file in self.departments.get(department, {}).get("files", ()):
            found.update(self._problem_index.get(file, ()))
        return sorted(found)

    def problems_for(self, department: str) -> list[dict[str, str]]:
        """What the department's letter lists: the problems found in its own files (the one
        used and any it sent twice), in workbook order, as the letter words them."""
        return [{"project": self.problems[i]["project"] or "（部门）",
                 "message": self.problems[i]["message"], "hint": self.problems[i]["hint"]}
                for i in self._found(department)]

    def issues_for(self, department: str) -> list[dict[str, str]]:
        """The same problems as the 整改台账 records them (their place and code)."""
        projects = {row["project_name"]: row for row in self.projects_of(department)}
        issues = []
        for index in self._found(department):
            problem = self.problems[index]
            owner = projects.get(problem["project"], {})
            code = owner.get("code", "")
            issues.append({"code": "" if code == DASH else code, "name": problem["project"],
                           "amount": decimal_text(owner.get("budget_value")) if
                           owner.get("budget_value") is not None else "",
                           "file": problem["file"], "sheet": problem["sheet"],
                           "cell": problem["cell"], "finding": problem["code"],
                           "problem": problem["message"], "required": problem["hint"]})
        return issues


def _monitor_data(workbook: OutputWorkbook) -> _MonitorData:
    if "monitor" not in workbook.derived:
        workbook.derived["monitor"] = _build_monitor_data(workbook)
    return workbook.derived["monitor"]


def _build_monitor_data(workbook: OutputWorkbook) -> _MonitorData:

    period, month = monitor_period(workbook)
    projects = workbook.table(MONITOR_PROJECTS.sheet)
    summary = workbook.table(MONITOR_SUMMARY.sheet, required=False)
    problems = workbook.table(MONITOR_FINDINGS.sheet, required=False)
    # 执行数 is named after the period (1-9月执行数(万元)): the declared header's placeholder.
    pcol = _columns(workbook, projects, MONITOR_PROJECTS, "department", "name", "code", "budget",
                    "executed", "rate", "progress", "light", "possibility", "reason", "measures",
                    "file")
    scol = _columns(workbook, summary, MONITOR_SUMMARY, "department", "status", "file",
                    other_files="superseded")
    qcol = _columns(workbook, problems, MONITOR_FINDINGS, "code", "severity", "file", "project",
                    "message", "hint", "sheet", "cell")
    # The letter's wording of each problem (a workbook of an older pbm has none: its own text).
    letter_col = problems.header(MONITOR_FINDINGS, "letter") if problems else None
    letter_hint_col = problems.header(MONITOR_FINDINGS, "letter_hint") if problems else None

    departments: OrderedDict[str, dict[str, Any]] = OrderedDict()
    owner: dict[str, str] = {}  # file → the 汇总 department it was counted for
    for row in (summary.rows if summary else []):
        name = text(_get(row, scol["department"]))
        if not name or name == MONITOR_TOTAL:
            continue
        files = {text(_get(row, scol["file"]))}
        files |= {f for f in text(_get(row, scol["other_files"])).split("；")}
        files -= {""}
        departments[name] = {"status": text(_get(row, scol["status"])) or "已报送", "files": files}
        for file in files:
            owner.setdefault(file, name)
    rows = []
    for row in (projects.rows if projects else []):
        budget = number(_get(row, pcol["budget"]))
        executed = number(_get(row, pcol["executed"]))
        rate = rate_fraction(_get(row, pcol["rate"]))
        if rate is None and budget and executed is not None:
            rate = executed / budget
        progress = rate_fraction(_get(row, pcol["progress"]))
        if progress is None and month:
            progress = Decimal(month) / 12
        file = text(_get(row, pcol["file"]))
        # The project goes to the department 汇总 counted it for (its file's), so a 主管部门
        # cell typed otherwise (市教育局 for 教育局) cannot split the department in two.
        department = owner.get(file) or text(_get(row, pcol["department"])) or "（未填主管部门）"
        entry = departments.setdefault(department, {"status": "已报送", "files": set()})
        if file:
            entry["files"].add(file)
        rows.append({
            "department": department,
            "code": text(_get(row, pcol["code"])) or DASH,
            "name": (text(_get(row, pcol["name"])) or "（未填项目名称）") + subject_mark(row),
            "project_name": text(_get(row, pcol["name"])) or "（未填项目名称）",
            "budget_value": budget, "executed_value": executed,
            "budget": money(budget),
            "executed": NOT_REPORTED if executed is None else money(executed),
            "execution_rate": NOT_REPORTED if executed is None else percent(rate),
            "time_progress": percent(progress),
            "light": _light(_get(row, pcol["light"])),
            "possibility": text(_get(row, pcol["possibility"])) or DASH,
            "reason": text(_get(row, pcol["reason"])) or DASH,
            "measures": text(_get(row, pcol["measures"])) or DASH,
        })
    problem_rows = []
    for problem in (problems.rows if problems else []):
        code = text(_get(problem, qcol["code"]))
        if SEVERITY_ORDER.get(text(_get(problem, qcol["severity"])), 1) > 1:
            continue  # 提示 lines (skipped instruction sheets …) are not a department's problem
        if letter_col is not None:
            message = text(problem.get(letter_col))
            hint = text(problem.get(letter_hint_col)) if letter_hint_col else ""
            if not message:
                continue  # the bureau's own (a missing submission, the goals read …)
        elif code in BUREAU_ONLY:
            continue
        else:
            message = text(_get(problem, qcol["message"]))
            hint = text(_get(problem, qcol["hint"]))
        problem_rows.append({"code": code, "file": text(_get(problem, qcol["file"])),
                             "project": text(_get(problem, qcol["project"])),
                             "sheet": text(_get(problem, qcol["sheet"])),
                             "cell": text(_get(problem, qcol["cell"])),
                             "message": message or DASH, "hint": hint or DASH})
    return _MonitorData(period, month, rows, departments, problem_rows)


def _rate_text(totals: ExecutionTotals) -> str:
    """A department's or the run's 执行率 as printed (— for none, 未填报执行数 when no
    project stated one)."""
    if totals.execution_rate is not None:
        return percent(totals.execution_rate)
    return NOT_REPORTED if totals.without_executed and totals.without_executed == totals.projects \
        else DASH


def _without_note(totals: ExecutionTotals) -> str:
    """What stands beside the rate when projects did not state their 执行数."""
    if not totals.without_executed:
        return ""
    if totals.without_executed == totals.projects:
        return f"（{totals.projects}个项目均未填报执行数）"
    return (f"（{totals.without_executed}个项目未填报执行数，其预算{money(totals.budget_without_executed)}"
            f"万元未计入执行率）")


def monitor_period(workbook: OutputWorkbook) -> tuple[str, int | None]:
    """The monitoring period text (2026年1—9月) and month, from 说明 or the file name."""
    import re

    about = _about(workbook, required=False)
    month = None
    match = re.search(r"(\d{1,2})\s*月", about.get(MONITOR_PERIOD_LABEL, ""))
    if match:
        month = int(match.group(1))
    stem = workbook.path.stem
    if month is None:
        match = re.search(r"-(\d{4})-(\d{1,2})$", stem)
        quarter = re.search(r"q([1-4])", stem, re.IGNORECASE)
        if match:
            month = int(match.group(2))
        elif quarter:
            month = int(quarter.group(1)) * 3
    match = re.search(r"(20\d{2})", about.get(MONITOR_PERIOD_LABEL, "") or stem)
    year = match.group(1) if match else None
    if month is None or not 1 <= month <= 12:
        return "本期", None
    return f"{year + '年' if year else ''}1—{month}月", month


def _light_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {light: 0 for light in LIGHTS_ZH}
    for row in rows:
        if row["light"] in counts:
            counts[row["light"]] += 1
    return counts


def build_monitor_feedback(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                           ) -> list[DocumentSpec]:
    """绩效监控情况反馈书 per department that submitted: lights table, its problems, what to
    do by when — or, with no red or yellow light and no problem, that there is nothing to do
    (pbm's own layout).  A department that sent nothing gets a 催报通知 instead."""
    data = _monitor_data(workbook)
    documents = []
    for department, info in data.departments.items():
        if info["status"] == "未报送" or department in NO_RECIPIENT:
            continue
        rows = data.projects_of(department)
        counts = _light_counts(rows)
        execution = data.execution_of(rows)
        ordered = sorted(rows, key=lambda r: {"红": 0, "黄": 1, "绿": 2}.get(r["light"], 3))
        problems = data.problems_for(department)
        measures = [MONITOR_MEASURES[light] for light in LIGHTS_ZH if counts[light]]
        if problems:
            measures.append(PROBLEMS_MEASURE)
        action_needed = bool(counts["红"] or counts["黄"] or problems)
        context = base_context(kind, settings, len(documents) + 1)
        context.update({
            "department": department, "period": data.period,
            "submission": info["status"],
            "time_progress": percent(Decimal(data.month) / 12) if data.month else DASH,
            "project_count": str(len(rows)),
            "budget_total": money(execution.budget) if rows else DASH,
            "executed_total": money(execution.executed)
            if rows and execution.without_executed < execution.projects else DASH,
            "execution_rate": _rate_text(execution),
            "execution_note": _without_note(execution),
            "red": str(counts["红"]), "yellow": str(counts["黄"]), "green": str(counts["绿"]),
            "projects": numbered([_public(r) for r in ordered],
                                 ["name", "budget", "executed", "execution_rate", "time_progress",
                                  "light", "reason", "measures"]),
            "problems": numbered(problems, ["project", "message", "hint"]),
            "problem_count": str(len(problems)),
            "has_problems": bool(problems),
            # Nothing to fix: the letter says so and asks for nothing (no measures, no deadline).
            "action_needed": action_needed,
            "measures": measures if action_needed else [],
        })
        documents.append(DocumentSpec(kind.key, f"{department}-{kind.title}",
                                      f"{department}{kind.title}", context,
                                      department=department,
                                      issues=data.issues_for(department)))
    return documents


def build_monitor_reminder(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                           ) -> list[DocumentSpec]:
    """催报通知 per roster department that sent no (or only a blank) monitoring table: what to
    send by when.  Whom the bureau calls stays in 汇总 (联系人) and 问题."""
    data = _monitor_data(workbook)
    documents = []
    for department, info in data.departments.items():
        if info["status"] != "未报送":
            continue
        context = base_context(kind, settings, len(documents) + 1)
        context.update({
            "department": department, "period": data.period,
            "executed_label": f"1—{data.month}月执行数" if data.month else "截至监控期末的执行数",
        })
        documents.append(DocumentSpec(kind.key, f"{department}-{kind.title}",
                                      f"{department}{kind.title}", context,
                                      department=department))
    return documents


def build_monitor_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                         ) -> list[DocumentSpec]:
    """监控情况通报: red/yellow/green counts and 执行率 by department (its definition stated),
    red projects, missing submissions (pbm's own layout)."""
    data = _monitor_data(workbook)
    department_rows, chart_data, unreported = [], [], []
    for department, info in data.departments.items():
        rows = data.projects_of(department)
        counts = _light_counts(rows)
        execution = data.execution_of(rows)
        department_rows.append({
            "department": department, "submission": info["status"], "projects": str(len(rows)),
            "budget": money(execution.budget) if rows else DASH,
            "executed": money(execution.executed)
            if rows and execution.without_executed < execution.projects else DASH,
            "execution_rate": _rate_text(execution),
            "red": str(counts["红"]), "yellow": str(counts["黄"]), "green": str(counts["绿"])})
        if execution.without_executed:
            unreported.append(f"{department}{execution.without_executed}个"
                              f"（预算{money(execution.budget_without_executed)}万元）")
        # every department, in table order: without a CJK font the bars are numbered like 序号
        chart_data.append((department, counts["红"], counts["黄"], counts["绿"]))
    totals = _light_counts(data.projects)
    execution = data.execution_of(data.projects)
    red_rows = [_public(r) for r in data.projects if r["light"] == "红"]
    missing = [d for d, info in data.departments.items() if info["status"] == "未报送"]
    problem_counts: OrderedDict[str, int] = OrderedDict()
    for problem in data.problems:  # kept for user templates; the shipped one does not print codes
        if problem["code"]:
            problem_counts[problem["code"]] = problem_counts.get(problem["code"], 0) + 1
    context = base_context(kind, settings, 1)
    context.update({
        "period": data.period,
        "time_progress": percent(Decimal(data.month) / 12) if data.month else DASH,
        "department_count": str(len(department_rows)), "project_count": str(len(data.projects)),
        "budget_total": money(execution.budget),
        "executed_total": money(execution.executed)
        if execution.without_executed < execution.projects else DASH,
        "execution_rate": _rate_text(execution),
        "execution_note": _without_note(execution),
        "execution_rate_definition": execution_rate_definition(data.month),
        "unreported_note": (f"未填报执行数的项目：{'、'.join(unreported)}，未计入执行率，请相关部门补报。"
                            if unreported else ""),
        "red": str(totals["红"]), "yellow": str(totals["黄"]), "green": str(totals["绿"]),
        "departments": numbered(department_rows, ["department", "submission", "projects", "budget",
                                                  "executed", "execution_rate", "red", "yellow",
                                                  "green"]),
        "red_projects": numbered(red_rows, ["department", "name", "execution_rate", "reason"]),
        "missing_departments": "、".join(missing) or NONE_TEXT,
        "missing_note": f"我局已另行通知上述部门于{context['deadline']}前补报。" if missing else "",
        "problem_summary": [{"code": code, "count": str(count)}
                            for code, count in problem_counts.items()] or
                           [{"code": NONE_TEXT, "count": ""}],
        "lights_chart": "",
    })
    charts = {"lights_chart": ChartRequest("lights", f"{data.period}各部门项目红黄绿灯情况", chart_data)}
    return [DocumentSpec(kind.key, kind.title, f"{data.period}{kind.title}", context, charts)]
