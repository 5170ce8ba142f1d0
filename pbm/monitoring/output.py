"""Outputs of ``pbm monitor``: the merged workbook ``monitor-<period>.xlsx`` (汇总, 项目, 指标,
问题, 台账, 说明) through the shared writer, and the 项目/指标 tables as CSV (UTF-8 with BOM) or
Parquet for DuckDB/Spark users.

At province scale (more rows than a workbook sheet should hold) the indicator detail and the
ledger go to Parquet beside the workbook, which keeps 汇总/项目 (a sheet ends at 1,048,576 rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.findings import SEVERITY_ZH
from pbm.monitoring.execution import execution_rate_definition
from pbm.monitoring.letters import letter_text
from pbm.monitoring.lights import LIGHT_ZH
from pbm.monitoring.merge import MonitorResult
from pbm.monitoring.submission import STATUS_ZH
from pbm.workbook.department import with_subject_column
from pbm.workbook.layout import ROW_KINDS_ZH
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    MONITOR_FINDINGS,
    MONITOR_INDICATORS,
    MONITOR_LEDGER,
    MONITOR_PERIOD_LABEL,
    MONITOR_PROJECTS,
    MONITOR_SUMMARY,
    MONITOR_TOTAL,
    SUBJECT_COLUMN,
    monitor_measure,
    tool_text,
)
from pbm.workbook.tables import write_table
from pbm.workbook.writer import EXCEL_MAX_ROWS

MONEY = "#,##0.00"
PERCENT = "0.00%"
# Above this many rows a sheet goes to Parquet (auto): XlsxWriter writes ~4,000 coloured rows
# a second, and a workbook of several hundred thousand rows is no longer read by a person.
DETAIL_ROW_LIMIT = 200_000


def summary_columns() -> list[str]:
    return MONITOR_SUMMARY.headers()


def project_columns(month: int, rule: str) -> list[str]:
    return MONITOR_PROJECTS.headers(month=month, measure=monitor_measure(rule))


def indicator_columns(month: int) -> list[str]:
    return MONITOR_INDICATORS.headers(month=month)


def summary_rows(result: MonitorResult) -> tuple[list[list[Any]], list[str | None]]:
    """One row per department and the 合计 row; 执行率 and 未填报执行数 from the one
    definition (:class:`~pbm.monitoring.execution.ExecutionTotals`)."""
    rows, fills = [], []
    totals = {"red": 0, "yellow": 0, "green": 0, "unlit": 0, "errors": 0, "warnings": 0}
    for d in result.departments:
        rows.append([d.code, d.name, d.contact, d.status, d.file, d.projects, d.budget,
                     d.executed, d.execution_rate, d.without_executed,
                     d.budget_without_executed if d.without_executed else None,
                     d.lights["red"], d.lights["yellow"], d.lights["green"],
                     d.unlit, d.errors, d.warnings, "；".join(d.superseded)])
        fills.append("error" if d.status == "未报送" else "warning" if d.status == "名册外" else None)
        for light in ("red", "yellow", "green"):
            totals[light] += d.lights[light]
        totals["unlit"] += d.unlit
        totals["errors"] += d.errors
        totals["warnings"] += d.warnings
    execution = result.execution
    submitted = sum(1 for d in result.departments if d.status != "未报送")
    rows.append(["", MONITOR_TOTAL, "", f"已报送 {submitted} 个，未报送 {len(result.missing_departments)} 个", "",
                 execution.projects, execution.budget, execution.executed,
                 execution.execution_rate, execution.without_executed,
                 execution.budget_without_executed if execution.without_executed else None,
                 totals["red"], totals["yellow"], totals["green"], totals["unlit"],
                 totals["errors"], totals["warnings"], ""])
    fills.append(None)
    return rows, fills


def project_rows(result: MonitorResult) -> tuple[list[list[Any]], list[str | None]]:
    time_progress = result.period.time_progress.quantize(Decimal("0.0001"))
    rows, fills = [], []
    for p in result.projects:
        errors = sum(1 for f in p.findings if f.severity == "error")
        warnings = sum(1 for f in p.findings if f.severity == "warning")
        rows.append([p.department_code, p.department, p.code, p.name, p.implementing_unit,
                     p.initial_budget, p.adjusted_budget, p.budget,
                     p.executed, p.expected_execution, p.execution_rate,
                     time_progress, p.execution_measure, LIGHT_ZH[p.execution_light],
                     LIGHT_ZH[p.indicator_light], LIGHT_ZH[p.light], p.possibility,
                     p.deviation_reason, p.measures, "是" if p.zero_spend else "", p.drift, errors,
                     warnings, p.file, p.sheet, p.row])
        fills.append(p.light)
    return rows, fills


def iter_indicator_rows(result: MonitorResult) -> Iterator[tuple[list[Any], str | None]]:
    for p, ind in result.iter_indicators():
        yield ([p.department, p.code, p.name, ind.level1, ind.level2, ind.name, ind.nature,
                ind.target, ind.unit, ind.actual, ind.expected, ind.ratio, LIGHT_ZH[ind.light],
                ind.basis, ind.approved_target, ind.drift, p.file, ind.sheet, ind.cell],
               ind.light)


def finding_rows(result: MonitorResult, lang: str = "zh"):
    """问题: every finding, with what the department's letter says of it
    (:func:`~pbm.monitoring.letters.letter_text`; blank for the bureau's own)."""
    # a letter covers the files pbm read for a department: the one used and any sent twice
    covered = {s.file for s in result.files
               if s.error is None and s.status in ("used", "superseded")}
    rows = [[f.code, SEVERITY_ZH[f.severity], f.file, f.sheet, f.cell, f.project, f.message(lang),
             _cell_value(f.value), f.hint(lang),
             *((letter_text(f, lang) if f.file in covered else None) or (None, None))]
            for f in result.findings]
    return rows, [f.severity for f in result.findings]


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


def iter_ledger_rows(result: MonitorResult) -> Iterator[list[Any]]:
    for run in result.iter_ledger():
        yield [run.file, run.sheet, run.first, run.last, run.count, STATUS_ZH[run.status],
               ROW_KINDS_ZH.get(run.kind, run.kind), run.reason, run.project]


def about_rows(result: MonitorResult, command: str, preset: str,
               detail_files: dict[str, Path] | None = None) -> list[list[Any]]:
    summary = result.summary()
    period, rule = result.period, result.context.rule
    counts = result.ledger_counts
    rows: list[list[Any]] = [
        [ABOUT_TOOL, tool_text()],
        ["命令", command],
        ["生成时间", result.started.strftime("%Y-%m-%d %H:%M:%S")],
        [MONITOR_PERIOD_LABEL, f"{period.label_zh}（{period.source}）"],
        ["序时进度", f"{period.month}/12 = {(period.time_progress * 100).quantize(Decimal('0.01'))}%"],
        ["规则预设", preset],
        ["执行灯规则", rule.describe()],
        ["指标灯规则", rule.describe_indicators()],
        ["综合灯色", "执行灯与各指标灯中最差者；完成目标可能性为“不可能”的项目为红灯"],
        ["执行率口径", f"{execution_rate_definition(period.month)}。项目预算为 0 或未填的，执行率按 0 计；"
                  f"未填报执行数的项目在“项目”表中执行数、执行率留空，在“汇总”表中单列个数和预算数，"
                  f"其执行灯按执行数 0 判定"],
        ["提交文件夹", result.folder],
        ["文件数", summary["files"]], ["部门数（已报送）", summary["departments"]],
        ["未报送部门", "、".join(summary["missing_department_names"]) or "无"],
        ["项目数", summary["projects"]], ["指标数", summary["indicators"]],
        ["灯色", f"红 {summary['lights']['red']}，黄 {summary['lights']['yellow']}，"
               f"绿 {summary['lights']['green']}，未亮灯 {summary['projects_unlit']}"],
        ["台账", f"读入非空行 {counts['rows_in']} = 合并 {counts['merged']} + 拒收 {counts['rejected']}"
               f" + 非数据 {counts['non_data']}（已核对）；台账表每条记录一段连续的行（起始行–终止行），"
               f"“行数”之和等于读入行数"],
        ["问题", f"错误 {summary['errors']}，警告 {summary['warnings']}，提示 {summary['infos']}"],
    ]
    goals = result.context.goals
    rows.append(["批复目标", goals.source if goals is not None else "未提供（未检查指标偏离）"])
    if goals is not None:
        for file, digest in goals.sha256.items():
            rows.append([f"批复目标文件 {file}", f"SHA-256 {digest}"])
    roster = result.context.roster
    rows.append(["部门名册", f"{roster.source}（{len(roster.departments)} 个部门）"
                 if roster.source else "未提供"])
    if roster.sha256:
        rows.append([f"名册文件 {roster.source}", f"SHA-256 {roster.sha256}"])
    for name, path in (detail_files or {}).items():
        rows.append([f"{name}明细", f"{path.name}（行数超过工作表适宜的规模，另存为文件）"])
    status_zh = {"used": "采用", "superseded": "重复报送未采用", "blank": "空白监控表未采用",
                 "unreadable": "无法读取"}
    for submission in result.files:
        state = status_zh[submission.status]
        if submission.error is not None:
            text = f"{state}：{submission.error.message()}"
        else:
            text = f"{state}；SHA-256 {submission.sha256}"
        rows.append([f"输入文件 {submission.file}", text])
    return rows


# --------------------------------------------------------------------------- writing

@dataclass
class Outputs:
    workbook: Path
    tables: list[Path]
    detail: dict[str, Path]

    def all(self) -> list[Path]:
        return [self.workbook, *self.tables, *self.detail.values()]

    def moved(self, where) -> Outputs:
        """The same outputs where ``where`` puts each path (a staged set, published)."""
        return Outputs(where(self.workbook), [where(p) for p in self.tables],
                       {k: where(p) for k, p in self.detail.items()})


def write_outputs(result: MonitorResult, out_dir: Path, *, command: str, preset: str,
                  lang: str = "zh", table_format: str | None = None,
                  detail: str = "auto", engine: str = "auto") -> Outputs:
    """Write ``monitor-<period>.xlsx`` and, with ``table_format`` csv/parquet, the 项目 and
    指标 tables.  ``detail`` xlsx|parquet|auto puts the 指标 and 台账 detail into the workbook
    or beside it as Parquet (auto: above :data:`DETAIL_ROW_LIMIT` rows; xlsx: up to Excel's
    limit); ``engine`` xlsxwriter|rust|auto picks the workbook writer."""
    from pbm.workbook.writer import Sheet, sheet_beside, write_xlsx

    out_dir = Path(out_dir)
    stem = f"monitor-{result.period.label}"
    workbook = out_dir / f"{stem}.xlsx"
    month, rule = result.period.month, result.context.rule.rule
    indicator_count = sum(len(p.indicators) + len(p.removed) for p in result.projects)
    ledger_lines = sum(len(s.ledger) for s in result.files)
    limit = DETAIL_ROW_LIMIT if detail == "auto" else EXCEL_MAX_ROWS
    indicators_apart = detail == "parquet" or indicator_count > limit
    ledger_apart = detail == "parquet" or ledger_lines > limit
    detail_files: dict[str, Path] = {}
    notes: dict[str, Sheet] = {}  # the sheet left in the workbook for a detail written beside it
    if indicators_apart:
        detail_files["指标"], notes["指标"] = sheet_beside(
            workbook, MONITOR_INDICATORS.sheet, indicator_columns(month),
            (row for row, _ in iter_indicator_rows(result)),
            f"指标明细共 {indicator_count} 行，已另存为 {{table}}")
    if ledger_apart:
        detail_files["台账"], notes["台账"] = sheet_beside(
            workbook, MONITOR_LEDGER.sheet, MONITOR_LEDGER.headers(), iter_ledger_rows(result),
            f"台账共 {ledger_lines} 条（{result.ledger_counts['rows_in']} 行），已另存为 {{table}}")
    summary, summary_fills = summary_rows(result)
    projects, project_fills = project_rows(result)
    project_headers = with_subject_column(project_columns(month, rule), projects,
                                          [p.subject for p in result.projects], SUBJECT_COLUMN)
    findings, finding_fills = finding_rows(result, lang)
    sheets = [
        Sheet(MONITOR_SUMMARY.sheet, summary_columns(), summary, row_fills=summary_fills,
              number_formats={6: MONEY, 7: MONEY, 8: PERCENT, 10: MONEY}, widths={1: 20, 4: 40}),
        Sheet(MONITOR_PROJECTS.sheet, project_headers, projects, row_fills=project_fills,
              number_formats={5: MONEY, 6: MONEY, 7: MONEY, 8: MONEY, 9: MONEY, 10: PERCENT,
                              11: PERCENT, 12: "0.00"}, widths={3: 28, 17: 40, 18: 40, 23: 36}),
    ]
    if not indicators_apart:
        # Not row-coloured: 指标灯 says the colour, and filling 60,000 rows (blank cells
        # included) would cost XlsxWriter seconds the quarter's run does not have.
        sheets.append(Sheet(MONITOR_INDICATORS.sheet, indicator_columns(month),
                            [row for row, _ in iter_indicator_rows(result)],
                            number_formats={11: "0.00"}, widths={2: 28, 5: 28, 13: 24}))
    else:
        sheets.append(notes["指标"])
    sheets.append(Sheet(MONITOR_FINDINGS.sheet, MONITOR_FINDINGS.headers(), findings, row_fills=finding_fills,
                        widths={2: 36, 6: 60, 8: 40, 9: 50, 10: 40}))
    if not ledger_apart:
        sheets.append(Sheet(MONITOR_LEDGER.sheet, MONITOR_LEDGER.headers(), list(iter_ledger_rows(result)),
                            widths={0: 36, 7: 40, 8: 28}))
    else:
        sheets.append(notes["台账"])
    sheets.append(Sheet(ABOUT.sheet, ABOUT.headers(), about_rows(result, command, preset, detail_files),
                        widths={0: 30, 1: 100}, autofilter=False))
    tables: list[Path] = []
    write_xlsx(workbook, sheets, engine="xlsxwriter" if engine == "xlsxwriter" else "auto",
               apart=tables)
    if table_format in ("csv", "parquet"):
        tables.append(write_table(out_dir / f"{stem}-项目", project_headers,
                                  iter(projects), table_format))
        if "指标" in detail_files and table_format == "parquet":
            tables.append(detail_files.pop("指标"))
        else:
            tables.append(write_table(out_dir / f"{stem}-指标", indicator_columns(month),
                                      (row for row, _ in iter_indicator_rows(result)),
                                      table_format))
    return Outputs(workbook, tables, detail_files)
