"""绩效监控情况反馈书 and 监控情况通报, from the merged monitoring workbook ``monitor-<period>.xlsx``."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
    percent,
    rate_fraction,
)
from pbm.reports.inputs import OutputWorkbook, number, text
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


@dataclass
class _MonitorData:
    """The merged monitoring workbook, regrouped by department (roster order)."""

    period: str
    month: int | None
    projects: list[dict[str, Any]]
    departments: OrderedDict[str, dict[str, Any]]   # name → status, files, contact
    problems: list[dict[str, str]]
    # Indexed once (a province has thousands of departments; no scan per letter).
    _by_department: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _problem_index: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for row in self.projects:
            self._by_department.setdefault(row["department"], []).append(row)
        for position, problem in enumerate(self.problems):
            where = ("file", problem["file"]) if problem["file"] else ("nobody", "")
            self._problem_index.setdefault(where, []).append(position)

    def projects_of(self, department: str) -> list[dict[str, Any]]:
        return self._by_department.get(department, [])

    def problems_for(self, department: str, files) -> list[dict[str, str]]:
        """Problems that can belong to ``department`` (found in its files, or in no file),
        in workbook order."""
        index = self._problem_index
        found = set(index.get(("nobody", ""), ()))
        for file in files:
            found.update(index.get(("file", file), ()))
        return [self.problems[position] for position in sorted(found)]


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
                    "message", "hint")

    departments: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in (summary.rows if summary else []):
        name = text(_get(row, scol["department"]))
        if not name or name == MONITOR_TOTAL:
            continue
        files = {text(_get(row, scol["file"]))}
        files |= {f for f in text(_get(row, scol["other_files"])).split("；")}
        departments[name] = {"status": text(_get(row, scol["status"])) or "已报送",
                             "files": files - {""}}
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
        department = text(_get(row, pcol["department"])) or "（未填主管部门）"
        entry = departments.setdefault(department, {"status": "已报送", "files": set()})
        if text(_get(row, pcol["file"])):
            entry["files"].add(text(_get(row, pcol["file"])))
        rows.append({
            "department": department,
            "code": text(_get(row, pcol["code"])) or DASH,
            "name": text(_get(row, pcol["name"])) or "（未填项目名称）",
            "budget_value": budget or Decimal(0), "executed_value": executed or Decimal(0),
            "budget": money(budget), "executed": money(executed),
            "execution_rate": percent(rate), "time_progress": percent(progress),
            "light": _light(_get(row, pcol["light"])),
            "possibility": text(_get(row, pcol["possibility"])) or DASH,
            "reason": text(_get(row, pcol["reason"])) or DASH,
            "measures": text(_get(row, pcol["measures"])) or DASH,
        })
    problem_rows = []
    for problem in (problems.rows if problems else []):
        if SEVERITY_ORDER.get(text(_get(problem, qcol["severity"])), 1) > 1:
            continue  # 提示 lines (skipped instruction sheets …) are not a department's problem
        problem_rows.append({"code": text(_get(problem, qcol["code"])),
                             "file": text(_get(problem, qcol["file"])),
                             "project": text(_get(problem, qcol["project"])),
                             "message": text(_get(problem, qcol["message"])) or DASH,
                             "hint": text(_get(problem, qcol["hint"])) or DASH})
    return _MonitorData(period, month, rows, departments, problem_rows)


def _department_problems(data: _MonitorData, department: str) -> list[dict[str, str]]:
    """A problem belongs to the department whose submitted file it was found in; problems
    without a file (未报送) name the department in their text."""
    files = data.departments.get(department, {}).get("files", set())
    chosen = []
    for problem in data.problems_for(department, files):
        if problem["file"]:
            owner = problem["file"] in files
        else:
            owner = problem["message"].startswith(department)
        if owner:
            chosen.append({"project": problem["project"] or "（部门）",
                           "message": problem["message"], "hint": problem["hint"]})
    return chosen


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
    """绩效监控情况反馈书 per department: lights table, problems, measures, deadline
    (pbm's own layout).  A department on the roster that sent nothing gets a letter too."""
    data = _monitor_data(workbook)
    documents = []
    for sequence, (department, info) in enumerate(data.departments.items(), start=1):
        rows = data.projects_of(department)
        counts = _light_counts(rows)
        budget = sum((r["budget_value"] for r in rows), Decimal(0))
        executed = sum((r["executed_value"] for r in rows), Decimal(0))
        ordered = sorted(rows, key=lambda r: {"红": 0, "黄": 1, "绿": 2}.get(r["light"], 3))
        context = base_context(kind, settings, sequence)
        submitted = info["status"] != "未报送"
        measures = [MONITOR_MEASURES[light] for light in LIGHTS_ZH if counts[light]]
        if not submitted:
            measures.insert(0, f"你单位未按时报送{data.period}绩效监控表，请于{context['deadline']}前补报。")
        context.update({
            "department": department, "period": data.period,
            "submission": info["status"],
            "time_progress": percent(Decimal(data.month) / 12) if data.month else DASH,
            "project_count": str(len(rows)),
            "budget_total": money(budget) if rows else DASH,
            "executed_total": money(executed) if rows else DASH,
            "execution_rate": percent(executed / budget) if budget else DASH,
            "red": str(counts["红"]), "yellow": str(counts["黄"]), "green": str(counts["绿"]),
            "projects": numbered([_public(r) for r in ordered],
                                 ["name", "budget", "executed", "execution_rate", "time_progress",
                                  "light", "reason", "measures"]),
            "problems": numbered(_department_problems(data, department),
                                 ["project", "message", "hint"]),
            "measures": measures or [NONE_TEXT],
        })
        documents.append(DocumentSpec(kind.key, f"{department}-{kind.title}",
                                      f"{department}{kind.title}", context,
                                      department=department))
    return documents


def build_monitor_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                         ) -> list[DocumentSpec]:
    """监控情况通报: red/yellow/green counts by department, red projects, missing submissions
    (pbm's own layout)."""
    data = _monitor_data(workbook)
    department_rows, chart_data = [], []
    for department, info in data.departments.items():
        rows = data.projects_of(department)
        counts = _light_counts(rows)
        budget = sum((r["budget_value"] for r in rows), Decimal(0))
        executed = sum((r["executed_value"] for r in rows), Decimal(0))
        department_rows.append({
            "department": department, "submission": info["status"], "projects": str(len(rows)),
            "budget": money(budget) if rows else DASH,
            "executed": money(executed) if rows else DASH,
            "execution_rate": percent(executed / budget) if budget else DASH,
            "red": str(counts["红"]), "yellow": str(counts["黄"]), "green": str(counts["绿"])})
        # every department, in table order: without a CJK font the bars are numbered like 序号
        chart_data.append((department, counts["红"], counts["黄"], counts["绿"]))
    totals = _light_counts(data.projects)
    budget = sum((r["budget_value"] for r in data.projects), Decimal(0))
    executed = sum((r["executed_value"] for r in data.projects), Decimal(0))
    red_rows = [_public(r) for r in data.projects if r["light"] == "红"]
    missing = [d for d, info in data.departments.items() if info["status"] == "未报送"]
    problem_counts: OrderedDict[str, int] = OrderedDict()
    for problem in data.problems:
        if problem["code"]:
            problem_counts[problem["code"]] = problem_counts.get(problem["code"], 0) + 1
    context = base_context(kind, settings, 1)
    context.update({
        "period": data.period,
        "time_progress": percent(Decimal(data.month) / 12) if data.month else DASH,
        "department_count": str(len(department_rows)), "project_count": str(len(data.projects)),
        "budget_total": money(budget), "executed_total": money(executed),
        "execution_rate": percent(executed / budget) if budget else DASH,
        "red": str(totals["红"]), "yellow": str(totals["黄"]), "green": str(totals["绿"]),
        "departments": numbered(department_rows, ["department", "submission", "projects", "budget",
                                                  "executed", "execution_rate", "red", "yellow",
                                                  "green"]),
        "red_projects": numbered(red_rows, ["department", "name", "execution_rate", "reason"]),
        "missing_departments": "、".join(missing) or NONE_TEXT,
        "problem_summary": [{"code": code, "count": str(count)}
                            for code, count in problem_counts.items()] or
                           [{"code": NONE_TEXT, "count": ""}],
        "lights_chart": "",
    })
    charts = {"lights_chart": ChartRequest("lights", f"{data.period}各部门项目红黄绿灯情况", chart_data)}
    return [DocumentSpec(kind.key, kind.title, f"{data.period}{kind.title}", context, charts)]
