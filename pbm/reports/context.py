"""What each document says: one context builder per kind, from pbm's own output workbooks.

A context is plain data (strings, numbers as formatted text, lists of row dicts), so the same
context fills the Word template, the Markdown/HTML template and the JSON summary, and it can be
sent to a worker process.  Every key a kind's template may use is always present — an absent
sheet or column becomes 无/— instead of a missing placeholder (SPEC §9).

Sources of the wording: DOMAIN.md §2.5 (review grades and what follows), §3.4 and §7
(monitoring feedback and notices), §4.8 (evaluation report outline), §4.9 (20/30-day
deadlines), §6 (result application, always a suggestion).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.reports.inputs import OutputWorkbook, Table, integer, number, text
from pbm.values import decimal_text

CENT = Decimal("0.01")
NONE_TEXT = "无"
DASH = "—"
GRADES = ("优", "良", "中", "差")
LIGHTS_ZH = ("红", "黄", "绿")


# --------------------------------------------------------------------------- kinds

@dataclass(frozen=True)
class Kind:
    """One kind of document: where its data comes from and how many files it makes."""

    key: str            # folder name under out/reports/ and the shipped template's file name
    title: str          # 绩效目标审核意见书 …
    source: str         # goals | monitor | sample | scores
    per: str            # department | project | overall
    charts: tuple[str, ...] = ()


KINDS: OrderedDict[str, Kind] = OrderedDict((k.key, k) for k in (
    Kind("goal-review", "绩效目标审核意见书", "goals", "department"),
    Kind("monitor-feedback", "绩效监控情况反馈书", "monitor", "department"),
    Kind("monitor-notice", "监控情况通报", "monitor", "overall", ("lights_chart",)),
    Kind("sample-notice", "抽评名单通知", "sample", "overall"),
    Kind("score-feedback", "绩效评价结果反馈书", "scores", "project"),
    Kind("score-notice", "评价结果通报", "scores", "overall", ("grade_chart", "score_chart")),
    Kind("evaluation-report", "绩效评价报告", "scores", "project"),
))

#: Names a user may type for ``pbm report KIND``: the key, the Chinese title, or a source group.
GROUP_ALIASES = {"goals": "goals", "goal": "goals", "validate": "goals", "目标": "goals",
                 "monitor": "monitor", "监控": "monitor", "sample": "sample", "抽评": "sample",
                 "score": "scores", "scores": "scores", "评价": "scores"}


def resolve_kinds(names: list[str] | None) -> list[Kind]:
    """KIND arguments → kinds in document order (no argument: every kind)."""
    if not names:
        return list(KINDS.values())
    chosen: list[str] = []
    for name in names:
        key = name.strip()
        matches = [k.key for k in KINDS.values() if key in (k.key, k.title)]
        if not matches and key.lower() in GROUP_ALIASES:
            group = GROUP_ALIASES[key.lower()]
            matches = [k.key for k in KINDS.values() if k.source == group]
        if not matches:
            allowed = ", ".join(f"{k.key}（{k.title}）" for k in KINDS.values())
            raise PbmError("REPORT-UNKNOWN-KIND", kind=name, allowed=allowed)
        chosen.extend(m for m in matches if m not in chosen)
    return [KINDS[key] for key in KINDS if key in chosen]


# --------------------------------------------------------------------------- settings

@dataclass
class ReportSettings:
    """pbm.toml ``[report]`` and ``[workspace]`` as the documents need them."""

    issuer: str = "财政局"
    doc_prefix: str = "财绩"
    year: int = 2026
    locality: str = ""
    rectification_days: int = 30   # DOMAIN.md §4.9: measures within 30 days [地方]
    feedback_days: int = 20        # DOMAIN.md §4.9: results fed back within 20 days [地方]
    contact: str = ""
    phone: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    number_start: int = 1
    application: dict[str, str] = field(default_factory=dict)  # grade → 建议：…

    @classmethod
    def from_config(cls, config, date: str | None = None, number_start: int = 1
                    ) -> ReportSettings:
        section = config.section("report")
        raw_date = date or section.get("date")
        return cls(
            issuer=str(section.get("issuer") or "财政局"),
            doc_prefix=str(section.get("doc_prefix") or "财绩"),
            year=int(config.get("workspace.year") or dt.date.today().year),
            locality=str(config.get("workspace.locality") or ""),
            rectification_days=int(section.get("rectification_days") or 30),
            feedback_days=int(section.get("feedback_days") or 20),
            contact=str(section.get("contact") or ""),
            phone=str(section.get("phone") or ""),
            date=parse_date(raw_date) if raw_date else dt.date.today(),
            number_start=number_start,
            application={str(k): str(v)
                         for k, v in (config.get("score.application") or {}).items()},
        )

    @property
    def deadline(self) -> dt.date:
        return self.date + dt.timedelta(days=self.rectification_days)

    def doc_number(self, sequence: int) -> str:
        """文号 such as 财绩〔2026〕3号 (a draft number; the register assigns the real one)."""
        return f"{self.doc_prefix}〔{self.year}〕{self.number_start + sequence - 1}号"


def parse_date(value: Any) -> dt.date:
    """2026-03-05, 2026/3/5 or 2026年3月5日 → a date; anything else stops with a clear error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    import re

    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*",
                         str(value))
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise PbmError("REPORT-BAD-DATE", value=str(value))


def chinese_date(day: dt.date) -> str:
    """公文 dates use Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.3)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- documents

@dataclass
class ChartRequest:
    """Data for one chart; drawn once in the parent process (see charts.py)."""

    kind: str                      # lights | grades | self_vs_recheck
    title: str
    data: list[tuple[Any, ...]]


@dataclass
class DocumentSpec:
    """One document to render: its file name (without suffix) and its context."""

    kind: str
    stem: str
    title: str
    context: dict[str, Any]
    charts: dict[str, ChartRequest] = field(default_factory=dict)
    department: str | None = None
    project: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "department": self.department,
                "project": self.project, "doc_number": self.context.get("doc_number")}


def base_context(kind: Kind, settings: ReportSettings, sequence: int) -> dict[str, Any]:
    """Keys every template may use, whatever its kind."""
    return {
        "kind_title": kind.title,
        "issuer": settings.issuer,
        "doc_number": settings.doc_number(sequence),
        "date": chinese_date(settings.date),
        "year": str(settings.year),
        "locality": settings.locality or "",
        "contact": settings.contact or DASH,
        "phone": settings.phone or DASH,
        "deadline": chinese_date(settings.deadline),
        "deadline_days": str(settings.rectification_days),
        "feedback_days": str(settings.feedback_days),
    }


# --------------------------------------------------------------------------- formatting

def money(value: Any) -> str:
    """万元 with two decimals (ROUND_HALF_UP), — when absent."""
    return decimal_text(number(value), thousands=True, dash=DASH)


def score(value: Any) -> str:
    return decimal_text(number(value), dash=DASH)


def percent(fraction: Decimal | None) -> str:
    return DASH if fraction is None else decimal_text(fraction * 100) + "%"


def rate_fraction(value: Any) -> Decimal | None:
    """An execution rate as a fraction: "93.25%" → 0.9325; 0.9325 → 0.9325; 93.25 → 0.9325.

    pbm writes rates as fractions with a percent format; a bare number above 5 can only be a
    percentage (no project spends five times its budget), so it is divided by 100.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        return number(value)
    parsed = number(value)
    if parsed is None:
        return None
    return parsed / 100 if parsed > 5 else parsed


def _placeholder_row(columns: list[str], message: str = NONE_TEXT) -> dict[str, str]:
    """A table with no data keeps one row saying 无, so the printed table is never headless."""
    row = {column: "" for column in columns}
    row[columns[1] if len(columns) > 1 else columns[0]] = message
    return row


def numbered(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    for index, row in enumerate(rows, start=1):
        row["index"] = str(index)
    return rows or [_placeholder_row(["index", *columns])]


def _light(value: Any) -> str:
    raw = text(value)
    for zh, words in (("红", ("红", "red")), ("黄", ("黄", "yellow")), ("绿", ("绿", "green"))):
        if any(w in raw.lower() for w in words):
            return zh
    return raw or DASH


# --------------------------------------------------------------------------- goals

GOAL_ACTIONS = {
    # DOMAIN.md §2.5 (财预〔2015〕88号 第二十五条 as reproduced): what each review grade means.
    "优": "审核等级为“优”的项目：审核通过，直接进入预算安排流程。",
    "良": "审核等级为“良”的项目：请与我局协商，按审核意见修改完善后进入预算安排流程。",
    "中": "审核等级为“中”的项目：请按审核意见修改完善，于{deadline}前重新报送审核。",
    "差": "审核等级为“差”的项目：绩效目标退回调整，暂不进入预算安排流程；请重新编报后于{deadline}前报送。",
}
SEVERITY_ORDER = {"错误": 0, "error": 0, "警告": 1, "warning": 1, "提示": 2, "info": 2}


def build_goal_review(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                      ) -> list[DocumentSpec]:
    """绩效目标审核意见书, one per 主管部门 (DOMAIN.md §2.5, §7)."""
    projects_table = workbook.table("项目")
    problems_table = workbook.table("问题")
    col = _columns(workbook, projects_table, {
        "department": ("主管部门", "部门"), "name": ("项目名称", "项目"), "code": ("项目编码",),
        "amount": ("资金总额(万元)", "资金总额", "金额(万元)", "金额"), "grade": ("审核等级", "等级"),
        "opinion": ("审核意见",), "errors": ("错误数",), "warnings": ("警告数",),
        "file": ("文件",)})
    pcol = _columns(workbook, problems_table, {
        "severity": ("严重程度",), "file": ("文件",), "sheet": ("工作表",), "cell": ("单元格",),
        "project": ("项目", "项目名称"), "dimension": ("审核维度",), "message": ("问题说明",),
        "hint": ("修改建议",), "code": ("代码",)})
    dimension_columns = [d for d in ("完整性", "相关性", "适当性", "可行性")
                         if projects_table is not None and projects_table.column(d)]

    departments: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for row in (projects_table.rows if projects_table else []):
        department = text(_get(row, col["department"])) or "（未填主管部门）"
        departments.setdefault(department, []).append(row)
    # The 问题 lines indexed once by file and by project (a province has thousands of
    # departments; scanning every line for each letter grew with their product).
    problems: list[tuple[str, str, dict[str, Any]]] = []
    by_file: dict[str, list[int]] = {}
    by_project: dict[str, list[int]] = {}
    for problem in (problems_table.rows if problems_table else []):
        if SEVERITY_ORDER.get(text(_get(problem, pcol["severity"])), 2) > 1:
            continue  # 提示 (info) lines are for the reviewer, not for the letter
        file, project = text(_get(problem, pcol["file"])), text(_get(problem, pcol["project"]))
        by_file.setdefault(file, []).append(len(problems))
        by_project.setdefault(project, []).append(len(problems))
        problems.append((file, project, problem))
    opinion_columns = {d: projects_table.column(d) for d in dimension_columns}

    documents = []
    for sequence, (department, rows) in enumerate(departments.items(), start=1):
        files = {text(_get(r, col["file"])) for r in rows} - {""}
        names = {text(_get(r, col["name"])) for r in rows} - {""}
        candidates = sorted({i for f in files for i in by_file.get(f, ())}
                            | {i for n in names for i in by_project.get(n, ())})
        grade_counts = {g: 0 for g in GRADES}
        project_rows = []
        for row in rows:
            grade = text(_get(row, col["grade"]))
            if grade in grade_counts:
                grade_counts[grade] += 1
            project_rows.append({
                "code": text(_get(row, col["code"])) or DASH,
                "name": text(_get(row, col["name"])) or "（未填项目名称）",
                "amount": money(_get(row, col["amount"])),
                "grade": grade or DASH,
                "errors": str(integer(_get(row, col["errors"]))),
                "warnings": str(integer(_get(row, col["warnings"]))),
                "opinion": text(_get(row, col["opinion"])) or DASH,
            })
        issue_rows = []
        for index in candidates:
            file, project, problem = problems[index]
            severity = text(_get(problem, pcol["severity"]))
            in_files = file in files
            # A file may hold several departments' projects: a project-level line belongs to
            # the department that owns the project, a file-level line to every one in the file.
            if files and not (in_files and (not project or project in names)):
                continue
            if not files and project not in names:
                continue
            issue_rows.append({
                "project": project or "（整个文件）",
                "dimension": text(_get(problem, pcol["dimension"])) or DASH,
                "severity": severity or DASH,
                "location": " ".join(filter(None, (text(_get(problem, pcol["sheet"])),
                                                   text(_get(problem, pcol["cell"]))))) or DASH,
                "message": text(_get(problem, pcol["message"])) or DASH,
                "hint": text(_get(problem, pcol["hint"])) or DASH,
            })
        dimension_rows = []
        for dimension in ("完整性", "相关性", "适当性", "可行性"):
            count = sum(1 for issue in issue_rows if issue["dimension"] == dimension)
            column = opinion_columns.get(dimension)
            needing = [r for r in rows if column and text(r.get(column)).startswith("需修改")]
            dimension_rows.append({
                "dimension": dimension, "count": str(count),
                "opinion": ("；".join(text(_get(r, col["name"])) + _after_colon(text(r.get(column)))
                                     for r in needing) if needing else "符合要求")})
        context = base_context(kind, settings, sequence)
        actions = []
        for grade in GRADES:
            names_with_grade = [p["name"] for p in project_rows if p["grade"] == grade]
            if names_with_grade:
                actions.append(GOAL_ACTIONS[grade].format(deadline=context["deadline"])
                               + "涉及：" + "、".join(names_with_grade) + "。")
        context.update({
            "department": department,
            "project_count": str(len(project_rows)),
            "amount_total": money(sum((number(_get(r, col["amount"])) or Decimal(0)
                                       for r in rows), Decimal(0))),
            "grade_summary": "，".join(f"{g} {grade_counts[g]} 个" for g in GRADES),
            "grade_excellent": str(grade_counts["优"]), "grade_good": str(grade_counts["良"]),
            "grade_fair": str(grade_counts["中"]), "grade_poor": str(grade_counts["差"]),
            "issue_count": str(len(issue_rows)),
            "projects": numbered(project_rows, ["name", "code", "amount", "grade", "errors",
                                                "warnings", "opinion"]),
            "issues": numbered(issue_rows, ["project", "dimension", "severity", "location",
                                            "message", "hint"]),
            "dimensions": dimension_rows,
            "actions": actions or ["全部项目审核通过。"],
            "resubmit_needed": "是" if grade_counts["中"] or grade_counts["差"] else "否",
        })
        documents.append(DocumentSpec(kind.key, f"{department}-{kind.title}",
                                      f"{department}{kind.title}", context,
                                      department=department))
    return documents


def _after_colon(value: str) -> str:
    return f"（{value.split('：', 1)[1]}）" if "：" in value else ""


# --------------------------------------------------------------------------- monitor

MONITOR_MEASURES = {
    # DOMAIN.md §3.4: units correct deviations; seriously deviating projects may have payments
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
            if problem["department"]:
                where = ("department", problem["department"])
            elif problem["file"]:
                where = ("file", problem["file"])
            else:
                where = ("nobody", "")
            self._problem_index.setdefault(where, []).append(position)

    def projects_of(self, department: str) -> list[dict[str, Any]]:
        return self._by_department.get(department, [])

    def problems_for(self, department: str, files) -> list[dict[str, str]]:
        """Problems that can belong to ``department`` (its name, its files, or no owner at
        all), in workbook order."""
        index = self._problem_index
        found = set(index.get(("department", department), ())) | set(index.get(("nobody", ""), ()))
        for file in files:
            found.update(index.get(("file", file), ()))
        return [self.problems[position] for position in sorted(found)]


def _monitor_data(workbook: OutputWorkbook) -> _MonitorData:
    if "monitor" not in workbook.derived:
        workbook.derived["monitor"] = _build_monitor_data(workbook)
    return workbook.derived["monitor"]


def _build_monitor_data(workbook: OutputWorkbook) -> _MonitorData:

    period, month = monitor_period(workbook)
    projects = workbook.table("项目")
    summary = workbook.table("汇总", required=False)
    problems = workbook.table("问题", required=False)
    pcol = _columns(workbook, projects, {
        "department": ("主管部门", "部门"), "name": ("项目名称", "项目"), "code": ("项目编码",),
        "budget": ("预算数(万元)", "全年预算数(万元)", "调整后预算数(万元)", "年初预算数(万元)", "预算数",
                   "预算"),
        # pbm monitor names the column after the period: 1-9月执行数(万元)
        "executed": ("执行数(万元)", r"re:^1\s*[-—–~]\s*\d{1,2}\s*月执行数", "累计执行数(万元)", "执行数"),
        "rate": ("执行率", "预算执行率"), "progress": ("序时进度", "时间进度"),
        "light": ("灯色", "综合灯色", "预警灯", "亮灯"),
        "possibility": ("完成目标可能性",),
        "reason": ("偏差原因分析", "偏差原因", "原因分析"),
        "measures": ("相关建议或举措", "整改措施", "举措"), "file": ("来源文件", "文件")})
    scol = _columns(workbook, summary, {
        "department": ("主管部门", "部门"), "status": ("报送状态",), "file": ("采用文件",),
        "other_files": ("重复报送未采用的文件",), "contact": ("联系人",)}, warn=False)
    qcol = _columns(workbook, problems, {
        "code": ("代码",), "severity": ("严重程度",), "file": ("文件",), "project": ("项目", "项目名称"),
        "department": ("主管部门", "部门"), "message": ("问题说明", "说明"), "hint": ("修改建议",)},
        warn=False)

    departments: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in (summary.rows if summary else []):
        name = text(_get(row, scol["department"]))
        if not name or name == "合计":
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
                             "department": text(_get(problem, qcol["department"])),
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
        if problem["department"]:
            owner = problem["department"] == department
        elif problem["file"]:
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

    about = {text(r.get("项目")): text(r.get("内容")) for r in workbook.rows("说明", required=False)}
    month = None
    for key in ("监控期间", "监控月份", "月份", "期间", "监控截止月份"):
        value = about.get(key, "")
        match = re.search(r"(\d{1,2})\s*月", value)
        if match:
            month = int(match.group(1))
            break
    stem = workbook.path.stem
    if month is None:
        match = re.search(r"-(\d{4})-(\d{1,2})$", stem)
        quarter = re.search(r"q([1-4])", stem, re.IGNORECASE)
        if match:
            month = int(match.group(2))
        elif quarter:
            month = int(quarter.group(1)) * 3
    match = re.search(r"(20\d{2})", about.get("监控期间", "") or stem)
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
    (DOMAIN.md §3.4, §7).  A department on the roster that sent nothing gets a letter too."""
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
    (DOMAIN.md §3.4, §7)."""
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


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A row without the exact numbers kept for totals (templates get formatted text)."""
    return {k: v for k, v in row.items() if not k.endswith("_value")}


# --------------------------------------------------------------------------- sample

SAMPLE_MATERIALS = [
    # What a unit hands in for a spot-check (DOMAIN.md §1, §4.7, §5) — [设计] defaults.
    "项目支出绩效自评表及自评报告",
    "项目绩效目标申报表及批复文件",
    "项目预算批复、调整及资金拨付、支出明细（含会计凭证复印件）",
    "项目实施方案、管理制度、招投标及合同等过程资料",
    "绩效指标完成情况的佐证材料（验收报告、统计数据、满意度调查等）",
]


def build_sample_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                        ) -> list[DocumentSpec]:
    """抽评名单通知: the sampled projects and what each unit must prepare (SPEC §6, DOMAIN §5)."""
    sample = workbook.table("样本")
    col = _columns(workbook, sample, {
        "code": ("项目编码",), "name": ("项目名称",), "department": ("主管部门", "部门"),
        "amount": ("金额（万元）", "金额(万元)", "金额"), "stratum": ("分层",),
        "reason": ("抽中原因",), "detail": ("抽中依据",)})
    about = {text(r.get("项目")): text(r.get("内容")) for r in workbook.rows("说明")}
    rows = []
    for row in (sample.rows if sample else []):
        rows.append({
            "code": text(_get(row, col["code"])) or DASH,
            "name": text(_get(row, col["name"])) or "（未填项目名称）",
            "department": text(_get(row, col["department"])) or DASH,
            "amount": money(_get(row, col["amount"])),
            "amount_value": number(_get(row, col["amount"])) or Decimal(0),
            "stratum": text(_get(row, col["stratum"])) or DASH,
            "reason": text(_get(row, col["reason"])) or DASH,
            "detail": text(_get(row, col["detail"])) or DASH,
        })
    by_department: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for row in rows:
        by_department.setdefault(row["department"], []).append(row)
    department_rows = [{"department": d, "count": str(len(items)),
                        "amount": money(sum((i["amount_value"] for i in items), Decimal(0))),
                        "projects": "、".join(i["name"] for i in items)}
                       for d, items in by_department.items()]
    total = sum((r["amount_value"] for r in rows), Decimal(0))
    context = base_context(kind, settings, 1)
    context.update({
        "sample_size": str(len(rows)),
        "population": about.get("总体数量") or about.get("符合条件数量") or DASH,
        "eligible": about.get("符合条件数量") or DASH,
        "rate": about.get("抽样比例") or DASH,
        "method": about.get("抽样方法") or DASH,
        "seed": about.get("随机种子") or DASH,
        "must_rules": about.get("必选规则") or NONE_TEXT,
        "population_sha256": about.get("总体SHA-256") or DASH,
        "amount_total": money(total),
        "department_count": str(len(department_rows)),
        "projects": numbered([_public(r) for r in rows],
                             ["name", "code", "department", "amount", "stratum", "reason"]),
        "departments": numbered(department_rows, ["department", "count", "amount", "projects"]),
        "materials": SAMPLE_MATERIALS,
    })
    return [DocumentSpec(kind.key, kind.title, f"{settings.year}年度{kind.title}", context)]


# --------------------------------------------------------------------------- scores

SELF_EVALUATION = "单位自评"
EVALUATION_MODES = {
    # 项目得分.类型 → 评价方式 in the letter (DOMAIN.md §1: 单位自评、部门评价、财政评价)
    SELF_EVALUATION: "单位自评抽查复核",
    "多方评价": "绩效评价（多个评价组综合评分）",
}


@dataclass
class _ScoredProject:
    key: tuple[str, str, str]   # (file, code, name)
    context: dict[str, Any]
    claimed: Decimal | None
    recomputed: Decimal | None
    grade: str
    evaluation_type: str


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
        self._by: dict[str, list[int]] = {}
        for index, line in enumerate(self.rows):
            for value in {text(_get(line, col.get(code))), text(_get(line, col.get(name)))}:
                if value:
                    self._by.setdefault(value, []).append(index)

    def of(self, code: str, name: str) -> list[dict[str, Any]]:
        found = set(self._by.get(code, ())) | set(self._by.get(name, ())) if code else \
            set(self._by.get(name, ()))
        return [self.rows[index] for index in sorted(found)]


def _scored_projects(workbook: OutputWorkbook, settings: ReportSettings) -> list[_ScoredProject]:
    key = ("scored", id(settings))
    if key not in workbook.derived:
        workbook.derived[key] = _build_scored_projects(workbook, settings)
    return workbook.derived[key]


def _build_scored_projects(workbook: OutputWorkbook, settings: ReportSettings
                           ) -> list[_ScoredProject]:
    """One entry per row of 项目得分 (a project evaluated twice — self-evaluation and a
    multi-group evaluation — has two), with its indicator lines, problems and suggestion."""
    projects = workbook.table("项目得分")
    pcol = _columns(workbook, projects, {
        "type": ("类型",), "file": ("文件",), "code": ("项目编码",), "name": ("项目名称", "项目"),
        "department": ("主管部门", "部门"), "unit": ("实施单位", "项目单位", "预算单位"),
        "claimed": ("自评总分", "自评得分", "自评分"),
        "recomputed": ("复核总分", "复核得分", "综合得分", "总分"),
        "difference": ("差异(自评−复核)", "差异(自评-复核)", "差异", "分差"),
        "execution": ("执行率复核得分", "预算执行率得分", "执行率得分"),
        "grade": ("复核等级", "等级", "评价等级"), "claimed_grade": ("自评等级",),
        "budget": ("全年预算数(万元)", "预算数(万元)", "全年预算数", "预算数"),
        "executed": ("全年执行数(万元)", "执行数(万元)", "全年执行数", "执行数"),
        "rate": ("执行率", "预算执行率")})
    indicators = workbook.table("指标得分", required=False)
    icol = _columns(workbook, indicators, {
        "file": ("文件",), "code": ("项目编码",), "project": ("项目名称", "项目"),
        "level1": ("一级指标",), "level2": ("二级指标",), "level3": ("三级指标", "指标名称"),
        "target": ("年度指标值",), "actual": ("实际完成值",), "weight": ("分值", "权重"),
        "claimed": ("自评得分",), "score": ("复核得分", "得分"),
        "reason": ("扣分原因", "说明", "偏差原因分析及改进措施")}, warn=False)
    group_lines = workbook.table("评价指标得分", required=False)
    gcol = _columns(workbook, group_lines, {
        "project": ("项目名称",), "level1": ("一级指标",), "level2": ("二级指标",),
        "level3": ("三级指标",), "weight": ("分值",), "score": ("综合得分",)}, warn=False)
    differences = workbook.table("复核差异", required=False)
    dcol = _columns(workbook, differences, {
        "file": ("文件",), "code": ("项目编码",), "project": ("项目名称", "项目"),
        "severity": ("严重程度",), "message": ("问题说明",), "hint": ("修改建议",)}, warn=False)
    issues = workbook.table("问题清单", required=False)
    qcol = _columns(workbook, issues, {
        "file": ("文件",), "project": ("项目", "项目名称"), "severity": ("严重程度",),
        "message": ("问题说明",), "hint": ("修改建议",)}, warn=False)
    applications = workbook.table("结果应用建议", required=False)
    acol = _columns(workbook, applications, {
        "type": ("类型",), "code": ("项目编码",), "project": ("项目名称", "项目"),
        "department": ("主管部门",), "suggestion": ("结果应用建议", "建议")}, warn=False)

    difference_lines, issue_lines = _Lines(differences, dcol), _Lines(issues, qcol)
    indicator_lines, group_line_index = _Lines(indicators, icol), _Lines(group_lines, gcol)
    application_lines = _Lines(applications, acol)
    results = []
    for row in (projects.rows if projects else []):
        name = text(_get(row, pcol["name"])) or "（未填项目名称）"
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

        problems, seen = [], set()
        for lines, col in ((difference_lines, dcol), (issue_lines, qcol)):
            for line in lines.of(key[1], name):
                if SEVERITY_ORDER.get(text(_get(line, col["severity"])), 1) > 1:
                    continue
                if not _same_project(key, text(_get(line, col["file"])),
                                     text(_get(line, col.get("code"))),
                                     text(_get(line, col["project"]))):
                    continue
                message = text(_get(line, col["message"]))
                if message and message not in seen:
                    seen.add(message)
                    problems.append({"message": message,
                                     "hint": text(_get(line, col["hint"])) or DASH})

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
            suggestion = settings.application.get(grade, "")
        if suggestion and not suggestion.startswith("建议"):
            suggestion = "建议：" + suggestion  # DOMAIN.md §6: a suggestion, never a decision

        budget = number(_get(row, pcol["budget"]))
        executed = number(_get(row, pcol["executed"]))
        rate = rate_fraction(_get(row, pcol["rate"]))
        if rate is None and budget and executed is not None:
            rate = executed / budget
        context = {
            "department": department,
            "unit": text(_get(row, pcol["unit"])) or department,
            "project": name, "project_code": key[1] or DASH,
            "evaluation_type": evaluation_type,
            "evaluation_mode": EVALUATION_MODES.get(evaluation_type, evaluation_type),
            "self_score": score(claimed), "total": score(recomputed),
            "difference": score(difference), "execution_score": score(_get(row, pcol["execution"])),
            "grade": grade or DASH, "self_grade": text(_get(row, pcol["claimed_grade"])) or DASH,
            "budget": money(budget), "executed": money(executed), "execution_rate": percent(rate),
            "problems": numbered(problems, ["message", "hint"]),
            "problem_count": str(len(problems)),
            "indicators": indicator_rows or [_placeholder_row(list(_INDICATOR_KEYS))],
            "application": suggestion or NONE_TEXT,
        }
        results.append(_ScoredProject(key, context, claimed, recomputed, grade, evaluation_type))
    return results


_INDICATOR_KEYS = ("level1", "level2", "level3", "target", "actual", "weight", "claimed", "score",
                   "deducted", "reason")


def _indicator_row(line: dict[str, Any], col: dict[str, str | None]) -> dict[str, str]:
    weight = number(_get(line, col.get("weight")))
    got = number(_get(line, col.get("score")))
    deducted = weight - got if weight is not None and got is not None else None
    reason = text(_get(line, col.get("reason")))
    if not reason and deducted is not None and deducted > 0:
        reason = "（请填写扣分原因）"
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
    application suggestion (DOMAIN.md §4.9, §6, §7)."""
    documents = []
    for sequence, project in enumerate(_scored_projects(workbook, settings), start=1):
        context = base_context(kind, settings, sequence)
        context.update(project.context)
        documents.append(DocumentSpec(kind.key, _file_stem(kind, project),
                                      f"{project.context['project']}{kind.title}", context,
                                      department=project.context["department"],
                                      project=project.context["project"]))
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
    (DOMAIN.md §7)."""
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
    recomputed = [p.recomputed for p in final if p.recomputed is not None]
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
                                    [(p.context["project"], p.claimed, p.recomputed)
                                     for p in scored] if compared else []),
    }
    return [DocumentSpec(kind.key, kind.title, f"{settings.year}年度{kind.title}", context,
                         charts)]


REPORT_SECTIONS = [
    # DOMAIN.md §4.8: the 参考提纲 of 财预〔2020〕10号 as summarised in practice.
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
    """绩效评价报告 skeleton per project, outline of DOMAIN.md §4.8 with the 评分表 and 资金表.

    When a sample workbook exists, only the sampled (抽评) projects get a report — those are
    the ones a finance bureau evaluates in depth; otherwise every scored project does.  A
    project with a multi-group evaluation gets its report from that evaluation, not from
    the unit's self-evaluation.
    """
    chosen = _final_results(_scored_projects(workbook, settings))
    if sample is not None:
        codes, names = set(), set()
        for row in sample.rows("样本", required=False):
            codes.add(text(row.get("项目编码")))
            names.add(text(row.get("项目名称")))
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


# --------------------------------------------------------------------------- dispatch

Builder = Callable[..., list[DocumentSpec]]
BUILDERS: dict[str, Builder] = {
    "goal-review": build_goal_review,
    "monitor-feedback": build_monitor_feedback,
    "monitor-notice": build_monitor_notice,
    "sample-notice": build_sample_notice,
    "score-feedback": build_score_feedback,
    "score-notice": build_score_notice,
    "evaluation-report": build_evaluation_report,
}


def build_documents(kind: Kind, sources: dict[str, OutputWorkbook], settings: ReportSettings
                    ) -> list[DocumentSpec]:
    """The documents of one kind from the workbooks read (keyed by source group)."""
    workbook = sources[kind.source]
    if kind.key == "evaluation-report":
        return build_evaluation_report(workbook, kind, settings, sources.get("sample"))
    return BUILDERS[kind.key](workbook, kind, settings)


def context_keys(kind: Kind) -> set[str]:
    """Every top-level key a kind's context provides (for the template pre-flight check)."""
    return set(_EXAMPLE_KEYS[kind.key])


# --------------------------------------------------------------------------- helpers

def _columns(workbook: OutputWorkbook, table: Table | None, wanted: dict[str, tuple[str, ...]],
             warn: bool = True) -> dict[str, str | None]:
    """Logical column → header text in ``table`` (None when absent; first alias warns)."""
    columns = {}
    for key, aliases in wanted.items():
        if warn and key in _REQUIRED_COLUMNS:
            columns[key] = workbook.need(table, *aliases)
        else:
            columns[key] = table.column(*aliases) if table is not None else None
    return columns


# Logical columns whose absence the reader should hear about; the rest are optional extras.
_REQUIRED_COLUMNS = {"department", "name", "grade", "light", "budget", "executed", "claimed",
                     "recomputed"}


def _get(row: dict[str, Any], header: str | None) -> Any:
    return row.get(header) if header else None


_BASE = ["kind_title", "issuer", "doc_number", "date", "year", "locality", "contact", "phone",
         "deadline", "deadline_days", "feedback_days"]
_PROJECT = ["department", "unit", "project", "project_code", "evaluation_type",
            "evaluation_mode", "self_score",
            "total", "difference", "execution_score", "grade", "self_grade", "budget",
            "executed", "execution_rate", "problems", "problem_count", "indicators",
            "application"]
_EXAMPLE_KEYS: dict[str, list[str]] = {
    "goal-review": _BASE + ["department", "project_count", "amount_total", "grade_summary",
                            "grade_excellent", "grade_good", "grade_fair", "grade_poor",
                            "issue_count", "projects", "issues", "dimensions", "actions",
                            "resubmit_needed"],
    "monitor-feedback": _BASE + ["department", "period", "submission", "time_progress",
                                 "project_count",
                                 "budget_total", "executed_total", "execution_rate", "red",
                                 "yellow", "green", "projects", "problems", "measures"],
    "monitor-notice": _BASE + ["period", "time_progress", "department_count", "project_count",
                               "budget_total", "executed_total", "execution_rate", "red",
                               "yellow", "green", "departments", "red_projects",
                               "missing_departments", "problem_summary", "lights_chart"],
    "sample-notice": _BASE + ["sample_size", "population", "eligible", "rate", "method", "seed",
                              "must_rules", "population_sha256", "amount_total",
                              "department_count", "projects", "departments", "materials"],
    "score-feedback": _BASE + _PROJECT,
    "score-notice": _BASE + ["project_count", "average_score", "grades", "grade_summary",
                             "projects", "inflated", "inflated_count", "applications",
                             "grade_chart", "score_chart"],
    "evaluation-report": _BASE + _PROJECT + ["sections", "conclusion"],
}


def warnings_of(workbook: OutputWorkbook) -> list[Finding]:
    """Findings about sheets/columns that were missing, each reported once."""
    seen, unique = set(), []
    for finding in workbook.findings:
        key = (finding.code, finding.file, finding.sheet, tuple(sorted(finding.params.items())))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
