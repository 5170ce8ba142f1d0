"""The sheets and columns of pbm's own output workbooks, declared once for writer and reader.

pbm writes four workbooks — ``goals-<year>.xlsx`` (validate), ``monitor-<period>.xlsx``
(monitor), ``scores-<year>.xlsx`` (score), ``sample-<year>.xlsx`` (sample) — and later stages
read them back: ``pbm report`` all four, ``pbm monitor`` the goal list as the approved goals,
``pbm sample`` any of them as its population.  Each writer takes its headers from the
declarations below and each of those readers finds a sheet by its declared name and a column
by its declared header, so a column renamed here is renamed for both sides at once; a header
written one way and looked for another cannot happen.

Headers are as written, unit suffix included (``资金总额(万元)``).  A header may hold a
placeholder in braces, filled when the sheet is written: ``1-{month}月执行数(万元)`` becomes
``1-9月执行数(万元)``; a placeholder given a list stands for one column per item (the grade
bands of 等级分布, the evaluation groups of 评价汇总).  A reader matches such a header with any
value in the place of the placeholder.

pbm's own files are read directly (python-calamine through :func:`pbm.workbook.source.open_workbook`,
with its size and zip checks), not through the reader of messy input workbooks: their layout is
known, so nothing is guessed.  A pbm output is told from a user's workbook by its 说明 sheet,
whose 生成工具 row every writer fills with ``pbm <version>``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbm import __version__
from pbm.errors import PbmError
from pbm.workbook.source import Limits, nonempty_rows, open_workbook, sheet_names

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class OutputSheet:
    """One sheet pbm writes: its name and its columns in order, each a key → header.

    ``self[key]`` is a column's header; ``headers(**values)`` the header row as written.
    The columns are a plain dict so that a test can rename one (``monkeypatch.setitem``) and
    see writer and reader follow."""

    def __init__(self, sheet: str, columns: dict[str, str]):
        self.sheet = sheet
        self.columns = dict(columns)

    def __getitem__(self, key: str) -> str:
        return self.columns[key]

    def __repr__(self) -> str:
        return f"OutputSheet({self.sheet!r})"

    def headers(self, **values: Any) -> list[str]:
        """The header row, placeholders filled from ``values`` (a list: one column each)."""
        row: list[str] = []
        for header in self.columns.values():
            names = _PLACEHOLDER.findall(header)
            many = [name for name in names if isinstance(values.get(name), (list, tuple))]
            if many:
                for item in values[many[0]]:
                    row.append(_fill(header, {**values, many[0]: item}))
            else:
                row.append(_fill(header, values))
        return row

    def find(self, headers: Sequence[str], key: str) -> str | None:
        """The header of column ``key`` among ``headers`` (a sheet's first row), or None.

        Exact text, except that a placeholder matches any text in its place."""
        declared = self.columns[key]
        if not _PLACEHOLDER.search(declared):
            return declared if declared in headers else None
        parts = _PLACEHOLDER.split(declared)
        pattern = re.compile("".join(re.escape(p) if i % 2 == 0 else ".+?"
                                     for i, p in enumerate(parts)) + r"\Z")
        return next((h for h in headers if h and pattern.match(h)), None)


def _fill(header: str, values: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values
                            else m.group(0), header)


# --------------------------------------------------------------------------- shared

#: 说明: how the workbook was made, one 项目 | 内容 row per fact.  Its 生成工具 row says which
#: program wrote it — how pbm tells its own outputs from a user's workbooks.
ABOUT = OutputSheet("说明", {"label": "项目", "value": "内容"})
ABOUT_TOOL = "生成工具"


def tool_text() -> str:
    """What the 生成工具 row of every output says: ``pbm 0.1.0``."""
    return f"pbm {__version__}"


_FINDINGS = {"code": "代码", "severity": "严重程度", "file": "文件", "sheet": "工作表",
             "cell": "单元格", "project": "项目"}
_FINDING_TEXT = {"message": "问题说明", "value": "原值", "hint": "修改建议"}
#: A sheet moved out of the workbook (too many rows) keeps one column saying where it went.
DETAIL_NOTE = "说明"


# --------------------------------------------------------------------------- goals-<year>.xlsx

#: The approved goal list: one row per reviewed project (the four review dimensions last).
GOAL_PROJECTS = OutputSheet("项目", {
    "file": "文件", "sheet": "工作表", "code": "项目编码", "name": "项目名称",
    "department": "主管部门", "unit": "实施单位", "attribute": "项目属性",
    "amount": "资金总额(万元)", "prior_assessment": "事前绩效评估", "annual_goal": "年度目标",
    "indicators": "指标数", "weight_total": "权重合计", "errors": "错误数", "warnings": "警告数",
    "grade": "审核等级", "opinion": "审核意见",
    "完整性": "完整性", "相关性": "相关性", "适当性": "适当性", "可行性": "可行性"})
#: The review dimensions, in the order of their columns.
GOAL_DIMENSIONS = ("完整性", "相关性", "适当性", "可行性")
GOAL_INDICATORS = OutputSheet("指标", {
    "file": "文件", "sheet": "工作表", "cell": "单元格", "code": "项目编码", "name": "项目名称",
    "department": "主管部门", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
    "nature": "指标性质", "target": "指标值", "unit": "计量单位", "weight": "权重",
    "note": "指标值说明", "grade": "审核等级"})
GOAL_FINDINGS = OutputSheet("问题", {**_FINDINGS, "dimension": "审核维度", **_FINDING_TEXT})
#: 说明 rows of the goal list that ``pbm report goals`` reads back, overall and per department.
QUANTIFIED_RATE, CORE_COVERAGE = "指标量化率", "核心指标覆盖率"


def scoped(label: str, scope: str | None = None) -> str:
    """A 说明 label for one scope: ``指标量化率`` overall, ``指标量化率 · 教育局`` for a department."""
    return f"{label} · {scope}" if scope else label


#: The last column of a 项目 / 项目得分 sheet when the run read 部门整体 tables (项目支出 / 部门整体
#: per row); a run of project tables writes none, its workbook as it was.
SUBJECT_COLUMN = "目标类型"
#: 部门整体 goal tables, one row per department (written only when the run read any; they are
#: in 项目 and 指标 too, their 项目名称 the department's).
GOAL_DEPARTMENTS = OutputSheet("部门整体", {
    "file": "文件", "sheet": "工作表", "department_code": "部门编码", "department": "部门名称",
    "duties": "部门职责", "annual_goal": "年度总体目标", "amount": "资金总额(万元)",
    "basic": "基本支出(万元)", "project": "项目支出(万元)", "indicators": "指标数",
    "weight_total": "权重合计", "errors": "错误数", "warnings": "警告数", "grade": "审核等级",
    "opinion": "审核意见"})


# --------------------------------------------------------------------------- monitor-<period>.xlsx

MONITOR_SUMMARY = OutputSheet("汇总", {
    "department_code": "主管部门编码", "department": "主管部门", "contact": "联系人",
    "status": "报送状态", "file": "采用文件", "projects": "项目数", "budget": "预算数(万元)",
    "executed": "执行数(万元)", "rate": "执行率", "without_executed": "未填报执行数的项目",
    "budget_without_executed": "其预算数(万元)", "red": "红灯", "yellow": "黄灯", "green": "绿灯",
    "unlit": "未亮灯", "errors": "错误", "warnings": "警告", "superseded": "重复报送未采用的文件"})
#: The 汇总 row after the departments' (its 主管部门 cell).
MONITOR_TOTAL = "合计"
MONITOR_PROJECTS = OutputSheet("项目", {
    "department_code": "主管部门编码", "department": "主管部门", "code": "项目编码",
    "name": "项目名称", "unit": "项目实施单位", "initial_budget": "年初预算数(万元)",
    "adjusted_budget": "全年预算数(万元)", "budget": "预算数(万元)",
    "executed": "1-{month}月执行数(万元)", "expected": "全年预计执行数(万元)", "rate": "执行率",
    "progress": "序时进度", "measure": "{measure}", "execution_light": "执行灯",
    "indicator_light": "指标灯", "light": "灯色", "possibility": "完成目标可能性",
    "reason": "偏差原因分析", "measures": "相关建议或举措", "zero_spend": "未形成支出",
    "drift": "与批复目标差异", "errors": "错误", "warnings": "警告", "file": "来源文件",
    "sheet": "工作表", "row": "行号"})
#: The 执行灯 measure column of 项目, named after the rule that lit the light.
MONITOR_MEASURES = {"points": "落后序时进度(百分点)", "ratio": "执行比值"}
MONITOR_INDICATORS = OutputSheet("指标", {
    "department": "主管部门", "code": "项目编码", "name": "项目名称", "level1": "一级指标",
    "level2": "二级指标", "level3": "三级指标", "nature": "指标性质", "target": "年度指标值",
    "unit": "计量单位", "actual": "1-{month}月完成值", "expected": "全年预计完成情况",
    "ratio": "完成比值", "light": "指标灯", "basis": "判定依据", "approved_target": "批复指标值",
    "drift": "与批复目标差异", "file": "来源文件", "sheet": "工作表", "cell": "单元格"})
#: 问题, plus what the department's 绩效监控情况反馈书 says of each finding (blank: the bureau's
#: own — a missing submission, the goals or roster read; see pbm.monitoring.letters).
MONITOR_FINDINGS = OutputSheet("问题", {**_FINDINGS, **_FINDING_TEXT,
                                       "letter": "反馈书问题说明", "letter_hint": "反馈书整改建议"})
MONITOR_LEDGER = OutputSheet("台账", {
    "file": "文件", "sheet": "工作表", "first": "起始行", "last": "终止行", "count": "行数",
    "status": "处理结果", "kind": "行类别", "reason": "原因/说明", "project": "项目"})
#: 说明 row giving the monitoring period (2026年1—9月（…）).
MONITOR_PERIOD_LABEL = "监控期间"


def monitor_measure(rule: str) -> str:
    return MONITOR_MEASURES["points" if rule == "points" else "ratio"]


# --------------------------------------------------------------------------- scores-<year>.xlsx

SCORE_PROJECTS = OutputSheet("项目得分", {
    "type": "类型", "file": "文件", "sheet": "工作表", "code": "项目编码", "name": "项目名称",
    "department": "主管部门", "unit": "实施单位", "budget": "全年预算数(万元)",
    "executed": "全年执行数(万元)", "rate": "执行率", "claimed_execution": "执行率自评得分",
    "execution": "执行率复核得分", "indicator_total": "指标复核得分", "claimed": "自评总分",
    "recomputed": "复核总分", "difference": "差异(自评−复核)", "claimed_grade": "自评等级",
    "grade": "复核等级", "rescaled": "不适用折算", "errors": "错误", "warnings": "警告",
    # what the 公开表 (pbm report publish) shows besides the scores, as the unit wrote it
    "initial_budget": "年初预算数(万元)", "goal": "年度总体目标", "goal_actual": "总体目标实际完成情况"})
SCORE_INDICATORS = OutputSheet("指标得分", {
    "file": "文件", "sheet": "工作表", "cell": "单元格", "code": "项目编码", "name": "项目名称",
    "department": "主管部门", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
    "op": "计算符号", "target": "年度指标值", "actual": "实际完成值", "weight": "分值",
    "claimed": "自评得分", "score": "复核得分", "difference": "差异(自评−复核)",
    "rule": "复核计分规则", "ratio": "完成比例", "met": "是否达标", "note": "说明",
    "deviation": "偏差原因分析及改进措施",  # as the unit wrote it (the 公开表 shows it)
    "actual_column": "实际完成值列"})  # its column on the line's row (单元格: the 自评得分 cell)
SCORE_RECHECK = OutputSheet("复核差异", {
    "file": "文件", "sheet": "工作表", "cell": "单元格", "code": "项目编码", "name": "项目名称",
    "department": "主管部门", "indicator": "指标", "weight": "分值", "target": "年度指标值",
    "actual": "实际完成值", "claimed": "自评得分", "score": "复核得分",
    "difference": "差异(自评−复核)", "rule": "复核计分规则", "explained": "能得出自评分的计分方法",
    "codes": "问题代码", "severity": "严重程度", "message": "问题说明", "hint": "修改建议"})
SCORE_GRADES = OutputSheet("等级分布", {
    "scope": "范围", "projects": "项目数", "band": "{band}", "mean_score": "平均复核总分",
    "mean_claimed": "平均自评总分", "inflated": "自评虚高项目数", "higher": "自评等级高于复核等级"})
SCORE_APPLICATIONS = OutputSheet("结果应用建议", {
    "type": "类型", "code": "项目编码", "name": "项目名称", "department": "主管部门",
    "recomputed": "复核总分", "grade": "等级", "suggestion": "结果应用建议（建议）",
    "adjustment": "参考预算调整比例（建议）", "note": "说明"})
SCORE_EVALUATION_SUMMARY = OutputSheet("评价汇总", {
    "name": "项目名称", "department": "主管部门", "file": "文件", "evaluators": "评价人数",
    "group": "{group}组平均分", "combined": "综合得分", "grade": "等级", "spread": "组间极差",
    "absent": "缺少的评价组", "outliers": "异常评分人"})
SCORE_EVALUATORS = OutputSheet("评价人得分", {
    "name": "项目名称", "group": "评价组", "evaluator": "评价人", "file": "文件", "sheet": "工作表",
    "total": "总分", "scored": "已评分指标数", "missing": "未评分指标数", "outlier": "异常评分",
    "deviation": "偏离同组其他人平均分"})
SCORE_EVALUATION_LINES = OutputSheet("评价指标得分", {
    "name": "项目名称", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
    "weight": "分值", "group": "{group}组平均分", "combined": "综合得分",
    "reason": "扣分原因"})  # the evaluators' reasons, one text per reason with its groups
#: 问题清单, plus what the 绩效评价结果反馈书 tells the project's unit of each finding (blank: the
#: finding is for the reviewer only — how a line was scored, an evaluator's sheet).
SCORE_FINDINGS = OutputSheet("问题清单", {**_FINDINGS, **_FINDING_TEXT,
                                         "letter": "反馈书问题说明", "letter_hint": "反馈书整改建议"})


# --------------------------------------------------------------------------- sample-<year>.xlsx

#: The sampled projects; after the standard columns, the population's other columns as they
#: were named there (``column``: one per column).
SAMPLE_ROWS = OutputSheet("样本", {
    "index": "序号", "code": "项目编码", "name": "项目名称", "department": "主管部门",
    "amount": "金额（万元）", "stratum": "分层", "reason": "抽中原因", "detail": "抽中依据",
    "extra": "{column}"})
SAMPLE_STRATA = OutputSheet("分层", {
    "stratum": "分层", "population": "总体数量", "pool": "随机池数量", "mandatory": "必选数量",
    "quota": "按比例应抽（精确）", "allocated": "分配数量", "drawn": "随机抽取", "topped_up": "补足金额"})
#: 说明 rows of the sample record that the 抽评名单通知 quotes.
SAMPLE_ABOUT = {"seed": "随机种子", "method": "抽样方法", "rate": "抽样比例", "must": "必选规则",
                "population": "总体数量", "eligible": "符合条件数量", "fingerprint": "总体SHA-256"}


# --------------------------------------------------------------------------- rectification.xlsx

#: 整改台账: one row per problem a letter sent back for 限期整改 (written by ``pbm report``,
#: updated by ``pbm rectify``).  问题编号 is stable across runs (:mod:`pbm.rectify.ledger`);
#: 整改措施/完成情况/佐证材料 are the department's reply, 整改状态 … pbm's own check.
RECTIFY_LEDGER = OutputSheet("整改台账", {
    "id": "问题编号", "stage": "来源环节", "doc_number": "文号", "letter": "文书",
    "department": "主管部门", "code": "项目编码", "name": "项目名称",
    "amount": "项目资金(万元)", "file": "文件", "sheet": "工作表", "cell": "单元格", "finding": "问题代码", "problem": "问题说明",
    "required": "整改要求", "issued": "发文日期", "deadline": "整改期限",
    "measures": "整改措施", "done": "完成情况", "evidence": "佐证材料",
    "status": "整改状态", "verified": "核实情况", "checked": "核实日期",
    "reply": "回复来源", "last_issued": "最近列入文书日期"})
#: The reply columns a department fills (never written over by pbm once filled).
RECTIFY_REPLY_KEYS = ("measures", "done", "evidence")
#: 整改项目: one row per project of the ledger, its problems counted — the population
#: ``pbm sample --from out/rectification.xlsx`` draws the 整改抽查复核 sample from.
RECTIFY_PROJECTS = OutputSheet("整改项目", {
    "code": "项目编码", "name": "项目名称", "department": "主管部门", "amount": "项目资金(万元)",
    "problems": "问题数", "closed": "已整改（已核实）", "open": "未销号", "overdue": "逾期未整改",
    "manual": "需人工核实", "ids": "问题编号"})
#: 回复记录: every reply row pbm read, kept whatever became of it (采用, 与已有回复不一致,
#: 编号不存在) — nothing a department sent is lost.
RECTIFY_REPLIES = OutputSheet("回复记录", {
    "id": "问题编号", "file": "回复文件", "sheet": "工作表", "row": "行号",
    "measures": "整改措施", "done": "完成情况", "evidence": "佐证材料", "outcome": "处理结果",
    "read": "读取日期"})


# --------------------------------------------------------------------------- the workbooks

@dataclass(frozen=True)
class OutputBook:
    """One output workbook: its sheets (``optional``: written only for some runs) and the
    sheet and amount column ``pbm sample`` takes a population from."""

    command: str
    sheets: tuple[OutputSheet, ...]
    population: OutputSheet
    amount: str  # key of the population's amount column, 万元
    optional: tuple[OutputSheet, ...] = ()

    def names(self) -> set[str]:
        return {s.sheet for s in self.sheets} | {ABOUT.sheet}

    def matches(self, names: Collection[str]) -> bool:
        """Whether a workbook with these sheets is this one (every sheet, nothing else)."""
        present = set(names)
        return self.names() <= present <= self.names() | {s.sheet for s in self.optional}


GOALS = OutputBook("validate", (GOAL_PROJECTS, GOAL_INDICATORS, GOAL_FINDINGS),
                   GOAL_PROJECTS, "amount", optional=(GOAL_DEPARTMENTS,))
MONITOR = OutputBook("monitor", (MONITOR_SUMMARY, MONITOR_PROJECTS, MONITOR_INDICATORS,
                                 MONITOR_FINDINGS, MONITOR_LEDGER), MONITOR_PROJECTS, "budget")
SCORES = OutputBook("score", (SCORE_PROJECTS, SCORE_INDICATORS, SCORE_RECHECK, SCORE_GRADES,
                              SCORE_APPLICATIONS, SCORE_FINDINGS), SCORE_PROJECTS, "budget",
                    optional=(SCORE_EVALUATION_SUMMARY, SCORE_EVALUATORS, SCORE_EVALUATION_LINES))
SAMPLE = OutputBook("sample", (SAMPLE_ROWS, SAMPLE_STRATA), SAMPLE_ROWS, "amount")
RECTIFY = OutputBook("report", (RECTIFY_LEDGER, RECTIFY_PROJECTS), RECTIFY_PROJECTS, "amount",
                     optional=(RECTIFY_REPLIES,))
BOOKS = (GOALS, MONITOR, SCORES, SAMPLE, RECTIFY)
#: The name of a 整改抽查复核 record (sample-2026-整改复核.xlsx): never the year's 抽评 record.
RECHECK_SUFFIX = "-整改复核"


# --------------------------------------------------------------------------- reading back

class OutputTable:
    """One sheet of a pbm output: its header row and its data rows (rows without any value
    left out; ``row_numbers`` gives each one's 1-based sheet row).  Kept as the rows were read;
    :meth:`column` gives one column as a list, :attr:`rows` each row as {header: value} (made
    when first asked for — a library of a million lines reads columns only)."""

    def __init__(self, file: str, sheet: str, headers: list[str], values: list[list[Any]],
                 row_numbers: list[int] | None = None,
                 positions: dict[str, int] | None = None):
        self.file = file
        self.sheet = sheet
        self.headers = headers  # the non-blank headers, in the sheet's order
        self.values = values  # each data row as read (possibly shorter than the header)
        self.row_numbers = row_numbers if row_numbers is not None else []
        # header → column; a header written twice: the later column, as a dict row keeps it
        self.positions = positions if positions is not None else \
            {h: i for i, h in enumerate(headers)}
        self._rows: list[dict[str, Any]] | None = None
        self._columns: dict[str, list[Any]] = {}

    def __len__(self) -> int:
        return len(self.values)

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            pairs = list(self.positions.items())
            self._rows = [{h: (values[i] if i < len(values) else None) for h, i in pairs}
                          for values in self.values]
        return self._rows

    def column(self, header: str) -> list[Any]:
        """The values under ``header``, one per data row (None where a row is short)."""
        found = self._columns.get(header)
        if found is None:
            i = self.positions[header]
            found = self._columns[header] = [
                values[i] if i < len(values) else None for values in self.values]
        return found

    def header(self, schema: OutputSheet, key: str) -> str | None:
        """The header of a declared column in this sheet, None when the sheet lacks it."""
        return schema.find(self.headers, key)

    def require(self, schema: OutputSheet, key: str, tool: str = "") -> str:
        """The header of a column the caller cannot do without; a pbm output lacking it is a
        clear error naming the file, sheet and column (and which pbm wrote the file)."""
        header = self.header(schema, key)
        if header is None:
            raise PbmError("OUTPUT-COLUMN-MISSING", file=self.file, sheet=self.sheet,
                           column=schema[key], written_by=tool or "?", version=tool_text())
        return header


@dataclass
class OutputRead:
    """A pbm output workbook read back: the sheets asked for, by name."""

    path: Path
    file: str  # as shown in findings
    sha256: str
    sheets: dict[str, OutputTable]
    about: dict[str, str]  # 说明: 项目 → 内容

    @property
    def tool(self) -> str:
        return self.about.get(ABOUT_TOOL, "")


def read_output(path: Path, *, limits: Limits = Limits(), display: str | None = None,
                only: Collection[str] = ()) -> OutputRead:
    """The sheets of a pbm output (those in ``only`` and 说明, when given; else every sheet),
    each with its first row as the header.  Raises ``PbmError`` as ``open_workbook`` does."""
    path = Path(path)
    name = display or path.name
    wanted = tuple(only) + (ABOUT.sheet,) if only else ()
    raw = open_workbook(path, limits, name, wanted)
    sheets: dict[str, OutputTable] = {}
    for sheet in raw.sheets:
        if wanted and sheet.name not in wanted:
            continue
        if not sheet.rows:
            sheets[sheet.name] = OutputTable(name, sheet.name, [], [])
            continue
        headers = ["" if v is None else str(v).strip() for v in sheet.rows[0]]
        body = sheet.rows[1:]
        filled = nonempty_rows(body)  # a row of blanks (a space typed into the ledger) is none
        kept, numbers = [body[k] for k in filled], [k + 2 for k in filled]
        positions = {h: i for i, h in enumerate(headers) if h}
        sheets[sheet.name] = OutputTable(name, sheet.name, [h for h in headers if h], kept,
                                         numbers, positions)
    about: dict[str, str] = {}
    table = sheets.get(ABOUT.sheet)
    if table is not None:
        for row in table.rows:
            label, value = row.get(ABOUT["label"]), row.get(ABOUT["value"])
            if label is not None:
                about.setdefault(str(label).strip(), "" if value is None else str(value).strip())
    return OutputRead(path, name, raw.sha256, sheets, about)


def output_book(path: Path, limits: Limits = Limits(), display: str | None = None
                ) -> OutputBook | None:
    """Which pbm output ``path`` is — None for any other workbook (a user's own list).

    Its sheets must be those of one output (read from the workbook's directory, nothing
    parsed) and its 说明 must name pbm as the 生成工具; only then is 说明 read."""
    names = sheet_names(Path(path), limits, display)
    book = next((b for b in BOOKS if b.matches(names)), None)
    if book is None:
        return None
    about = read_output(path, limits=limits, display=display, only=(ABOUT.sheet,)).about
    return book if is_pbm_tool(about.get(ABOUT_TOOL, "")) else None


def is_pbm_tool(text: str) -> bool:
    """A 生成工具 text that names pbm (``pbm 0.1.0``, or ``pbm`` alone)."""
    return text == "pbm" or text.startswith("pbm ")


# --------------------------------------------------------------------------- indicators-<year>.xlsx

#: The 指标库: one row per indicator (normalised 一级/二级/三级), 通用 ones first.
INDICATOR_LIBRARY = OutputSheet("指标库", {
    "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "key": "规范化名称",
    "kind": "指标类别", "core": "核心指标", "unit": "计量单位", "direction": "指标方向",
    "departments": "部门数", "department_names": "使用部门", "projects": "项目数",
    "project_codes": "项目编码", "years": "年度", "uses": "使用次数",
    "definition": "指标解释/定义", "method": "计算方法", "source": "数据来源", "basis": "取值依据",
    "suggested": "建议指标值"})
#: 历年: one row per indicator of one project in one year — target and actual side by side.
INDICATOR_HISTORY = OutputSheet("历年", {
    "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "key": "规范化名称",
    "code": "项目编码", "name": "项目名称", "department": "主管部门", "year": "年度",
    "direction": "指标方向", "unit": "计量单位", "target": "指标值", "actual": "实际完成值",
    "monitored": "监控完成值", "target_at": "指标值来源", "actual_at": "实际完成值来源"})
#: 覆盖率: 指标量化率 and 核心指标覆盖率 per year and department (合计 last in each year).
INDICATOR_COVERAGE = OutputSheet("覆盖率", {
    "year": "年度", "department": "主管部门", "projects": "项目数", "indicators": "指标数",
    "quantified": "量化指标数", "quantified_rate": "指标量化率",
    "core_projects": "使用核心指标的项目数", "core_project_rate": "核心指标覆盖率(项目)",
    "budget": "资金总额(万元)", "core_budget": "使用核心指标的项目资金(万元)",
    "core_budget_rate": "核心指标覆盖率(资金)"})
#: ``pbm indicators`` writes it; no other command reads it (not among BOOKS: never a population).
INDICATORS = OutputBook("indicators", (INDICATOR_LIBRARY, INDICATOR_HISTORY, INDICATOR_COVERAGE),
                        INDICATOR_LIBRARY, "uses")
