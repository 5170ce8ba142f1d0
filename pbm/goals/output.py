"""The approved goal list ``out/goals-<year>.xlsx`` that ``pbm validate`` writes: 项目, 指标,
问题, 说明 — one row per reviewed project and per indicator, read back by ``pbm monitor``
(approved goals), ``pbm sample`` (population) and ``pbm report`` (审核意见书)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pbm.findings import SEVERITY_ZH, count_by_severity
from pbm.goals.review import ValidationResult
from pbm.goals.rules import overall_opinion
from pbm.values import cell_text, plain_decimal
from pbm.workbook.department import with_subject_column
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    CORE_COVERAGE,
    GOAL_DEPARTMENTS,
    GOAL_DIMENSIONS,
    GOAL_FINDINGS,
    GOAL_INDICATORS,
    GOAL_PROJECTS,
    QUANTIFIED_RATE,
    SUBJECT_COLUMN,
    scoped,
    tool_text,
)


def goal_list_sheets(result: ValidationResult, command: str, lang: str = "zh"):
    """The approved goal list: 项目, 指标, 问题, 说明 (headers from pbm.workbook.outputs) — read
    back by monitor, sample and report."""
    from pbm.workbook.writer import Sheet

    project_rows, fills = [], []
    indicator_rows = []
    for review in result.reviews:
        record = review.record
        counts = count_by_severity(review.findings)
        project_rows.append([
            record.file, record.sheet, record.text("project_code"), record.name, record.department,
            record.text("implementing_unit"), record.attribute, review.amount,
            record.text("prior_assessment"), record.text("annual_goal"),
            review.project.count, review.weight_total, counts["error"], counts["warning"],
            review.grade, overall_opinion(review.grade),
            *(review.opinions[d] for d in GOAL_DIMENSIONS)])
        fills.append({"优": "green", "良": None, "中": "yellow", "差": "red"}[review.grade])
        project_code, name, department = (record.text("project_code"), record.name,
                                           record.department)
        project, table = review.project, record.table
        where = "name" if table.has("name") else "target"
        for line, level1, level2, line_name, typed, weight, target, note in zip(
                record.lines, project.levels1, project.levels2, project.names, project.typed,
                project.weights, record.column("target"), project.notes):
            indicator_rows.append([
                record.file, record.sheet, table.a1(where, line), project_code, name,
                department, level1, level2, line_name, typed.nature or "", cell_text(target),
                typed.unit, weight.number if weight is not None else None, note,
                review.grade])
    finding_rows = [[f.code, SEVERITY_ZH[f.severity], f.file, f.sheet, f.cell, f.project,
                     f.dimension, f.message(lang), _cell_value(f.value), f.hint(lang)]
                    for f in result.findings]
    finding_fills = [f.severity for f in result.findings]
    about = about_rows(result, command)
    project_headers = with_subject_column(GOAL_PROJECTS.headers(), project_rows,
                                          [review.record.subject for review in result.reviews],
                                          SUBJECT_COLUMN)
    return [
        Sheet(GOAL_PROJECTS.sheet, project_headers, project_rows, row_fills=fills,
              number_formats={7: "#,##0.00"}),
        Sheet(GOAL_INDICATORS.sheet, GOAL_INDICATORS.headers(), indicator_rows),
        Sheet(GOAL_FINDINGS.sheet, GOAL_FINDINGS.headers(), finding_rows, row_fills=finding_fills,
              widths={7: 60, 9: 40}),
        *department_sheets(result),
        Sheet(ABOUT.sheet, ABOUT.headers(), about, widths={0: 18, 1: 90}, autofilter=False),
    ]


def department_sheets(result: ValidationResult):
    """部门整体: one row per department-whole goal table, when the run read any (none for a
    run of project tables, whose list stays as it was)."""
    from pbm.workbook.writer import Sheet

    rows = []
    for review in result.reviews:
        record = review.record
        if not review.project.subject.department:
            continue
        counts = count_by_severity(review.findings)
        money = review.project.money
        parts = [money[name].number if name in money else None
                 for name in ("basic_expenditure", "project_expenditure")]
        rows.append([record.file, record.sheet, record.text("department_code"),
                     record.department, record.text("duties"), record.text("annual_goal"),
                     review.amount, *parts, review.project.count, review.weight_total,
                     counts["error"], counts["warning"], review.grade,
                     overall_opinion(review.grade)])
    if not rows:
        return []
    return [Sheet(GOAL_DEPARTMENTS.sheet, GOAL_DEPARTMENTS.headers(), rows,
                  number_formats={6: "#,##0.00", 7: "#,##0.00", 8: "#,##0.00"})]


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


def about_rows(result: ValidationResult, command: str) -> list[list[Any]]:
    summary = result.summary()
    settings = result.settings
    rows: list[list[Any]] = [
        [ABOUT_TOOL, tool_text()],
        ["命令", command],
        ["生成时间", result.started.strftime("%Y-%m-%d %H:%M:%S")],
        ["文件数", summary["files"]], ["项目数", summary["projects"]],
        ["指标数", summary["indicators"]], ["错误", summary["errors"]],
        ["警告", summary["warnings"]],
        ["审核等级分布", "，".join(f"{k} {v}" for k, v in summary["grades"].items())],
        ["指标权重合计（规定）", f"{plain_decimal(settings.indicator_weight_total)} 分 + 预算执行率 "
                          f"{plain_decimal(settings.execution_weight)} 分"],
        ["事前评估金额标准", f"{plain_decimal(settings.prior_assessment_amount)} 万元（新增项目）"],
        ["等级规则", f"优：无错误且警告不超过 {settings.excellent_max_warnings} 个；良：无错误；"
                 f"中：错误 1–{settings.fair_max_errors} 个；差：错误更多或存在阻断性问题"],
    ]
    rows.extend(rate_rows(result))
    for read in result.files:
        rows.append([f"输入文件 {read.file}", f"SHA-256 {read.sha256}" if read.sha256
                     else f"无法读取：{read.error.message() if read.error else ''}"])
    return rows


def rate_rows(result: ValidationResult) -> list[list[Any]]:
    """说明 rows: 指标量化率 and 核心指标覆盖率, overall then per department; what the run was
    checked against (last year's library, the core library)."""
    from pbm.values import percent_text as percent

    context = result.library
    rows: list[list[Any]] = []
    if context is not None:
        rows.append(["上年指标库", f"{context.year} 年" if context.year else "无（往年输出中没有更早年度）"])
        if context.core is not None:
            rows.append(["核心指标库", f"{context.core.path.name}（{len(context.core)} 个指标）"])
    for rates in [*result.rates()[-1:], *result.rates()[:-1]]:
        scope = None if rates.scope == "合计" else rates.scope
        rows.append([scoped(QUANTIFIED_RATE, scope), f"{percent(rates.quantified_rate)}（"
                     f"{rates.quantified}/{rates.indicators}）"])
        rows.append([scoped(CORE_COVERAGE, scope), f"项目 {percent(rates.core_project_rate)}（"
                     f"{rates.core_projects}/{rates.projects}），资金 "
                     f"{percent(rates.core_budget_rate)}"])
    return rows
