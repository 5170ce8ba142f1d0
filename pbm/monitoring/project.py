"""One monitored project typed and lit (双监控): its amounts in 万元, the execution rate and
light, 完成目标可能性 and the reasons it requires (M1/M2), overspending (M4), each indicator's
light, and the drift of its indicators from the approved goals (M3).

The cells are typed by :mod:`pbm.indicators`, as validate and score type them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pbm.findings import Finding, count_by_severity
from pbm.indicators import QUALITATIVE, TypedTable, Typing
from pbm.monitoring.departments import Roster
from pbm.monitoring.goals import ApprovedGoals, ApprovedProject, key, same_target
from pbm.monitoring.lights import (
    LightRule,
    combined_light,
    execution_light,
    indicator_light,
    worst,
)
from pbm.monitoring.period import Period
from pbm.values import decimal_text, plain_decimal, typed_in_yuan
from pbm.workbook.department import is_department, part_sums
from pbm.workbook.table import ProjectRead

POSSIBLE = {"确定能": "确定能", "有可能": "有可能", "不可能": "不可能", "完全不可能": "不可能",
            "能": "确定能", "可能": "有可能"}
MONEY_FIELDS = ("initial_budget", "adjusted_budget", "executed", "expected_execution")
#: A money block's role → the project's amount it is (部门整体 parts, pbm.workbook.department).
_PART_FIELDS = {"initial_budget": "initial_budget", "budget": "adjusted_budget",
                "executed": "executed", "expected_execution": "expected_execution"}
MONEY_LABELS = {"initial_budget": "年初预算数", "adjusted_budget": "全年预算数",
                "executed": "执行数", "expected_execution": "全年预计执行数"}


@dataclass(slots=True)
class MonitorIndicator:
    sheet: str
    cell: str
    level1: str
    level2: str
    name: str
    nature: str
    target: str
    unit: str
    actual: str
    expected: str
    light: str | None
    ratio: Decimal | None
    basis: str
    drift: str = ""
    approved_target: str = ""


@dataclass
class MonitorProject:
    """One merged project: amounts in 万元 (Decimal), lights, texts as submitted."""

    file: str
    sheet: str
    row: int
    layout: str
    department: str
    department_code: str
    code: str
    name: str
    implementing_unit: str
    initial_budget: Decimal | None
    adjusted_budget: Decimal | None
    executed: Decimal | None
    expected_execution: Decimal | None
    budget: Decimal | None
    budget_basis: str
    execution_rate: Decimal | None  # fraction, 4 decimals
    execution_measure: Decimal | None  # ratio (ratio rule) or points (points rule)
    execution_light: str | None
    indicator_light: str | None
    light: str | None
    possibility: str
    deviation_reason: str
    measures: str
    version: str
    zero_spend: bool
    drift: str
    approved: str | None
    indicators: list[MonitorIndicator]
    removed: list[MonitorIndicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    subject: str = "project"  # "department": a 部门整体 monitoring table

    def to_dict(self, time_progress: Decimal) -> dict[str, Any]:
        counts = count_by_severity(self.findings)
        return {
            "department": self.department or None, "name": self.name,
            "budget": as_float(self.budget), "executed": as_float(self.executed),
            "execution_rate": as_float(self.execution_rate),
            "time_progress": float(round(time_progress, 4)), "light": self.light,
            "code": self.code or None, "department_code": self.department_code or None,
            "initial_budget": as_float(self.initial_budget),
            "adjusted_budget": as_float(self.adjusted_budget),
            "expected_execution": as_float(self.expected_execution),
            "budget_basis": self.budget_basis or None,
            "execution_measure": as_float(self.execution_measure),
            "execution_light": self.execution_light, "indicator_light": self.indicator_light,
            "possibility": self.possibility or None, "zero_spend": self.zero_spend,
            "drift": self.drift or None, "indicators": len(self.indicators),
            "errors": counts["error"], "warnings": counts["warning"],
            "file": self.file, "sheet": self.sheet, "row": self.row,
            **({"subject": self.subject} if self.subject == "department" else {})}


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class MonitorContext:
    """Everything a file needs to be typed and lit; shared by the readers (each forked reader
    types into its own copy of ``typing``)."""

    period: Period
    rule: LightRule
    goals: ApprovedGoals | None
    roster: Roster
    limits: Any
    money_unit: str = "万元"
    typing: Typing = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.typing = Typing(self.period.year)


# --------------------------------------------------------------------------- findings

def finding_at(code: str, file: str | None, /, sheet: str | None = None, cell: str | None = None,
             project: str | None = None, value: Any = None, **params: Any) -> Finding:
    return Finding(code=code, file=file, sheet=sheet, cell=cell, project=project or None,
                   value=value, params=params)


def _fmt(number: Decimal | None) -> str:
    return decimal_text(number, dash="")


# --------------------------------------------------------------------------- one project

def type_project(record: ProjectRead, context: MonitorContext,
                 typed: TypedTable) -> MonitorProject:
    """Type one project (``typed``: the typing of its table): amounts, execution light,
    M1/M2/M4, indicators, drift."""
    period, rule = context.period, context.rule
    file, sheet, name = record.file, record.sheet, record.name
    findings: list[Finding] = []
    money: dict[str, Decimal | None] = {}
    parsed_money = {}
    cells: dict[str, str | None] = {}
    for field_name in MONEY_FIELDS:
        cells[field_name] = record.a1(field_name)
        parsed = context.typing.money(record, field_name, context.money_unit)
        if parsed is None:
            money[field_name] = None
            continue
        cell = record.fields[field_name]
        money[field_name] = parsed.number
        parsed_money[field_name] = parsed
        for note in parsed.notes:
            if note.code == "V-MONEY-CONVERTED":
                findings.append(finding_at("R-UNIT-CONVERTED", file, sheet, cell.a1, name,
                                         parsed.text, from_unit=note.params.get("from_unit"),
                                         to_unit=note.params.get("to_unit")))
            elif note.code == "R-UNPARSEABLE":
                findings.append(finding_at("R-UNPARSEABLE", file, sheet, cell.a1, name, parsed.text,
                                         field=MONEY_LABELS[field_name],
                                         detail="（应为金额，单位万元）"))
            else:
                params = {k: v for k, v in note.params.items() if k != "value"}
                findings.append(finding_at(note.code, file, sheet, cell.a1, name, parsed.text,
                                         **params))
    stated = parsed_money.get("adjusted_budget") or parsed_money.get("initial_budget")
    if typed_in_yuan(stated, context.money_unit):
        # Every amount of the project was typed in 元 into the 万元 columns: convert them all.
        field_name = "adjusted_budget" if "adjusted_budget" in parsed_money else "initial_budget"
        money = {f: None if v is None else v / 10000 for f, v in money.items()}
        findings.append(finding_at("M-MONEY-IN-YUAN", file, sheet, cells[field_name], name,
                                 stated.text, field=MONEY_LABELS[field_name],
                                 amount=plain_decimal(stated.number),
                                 converted=plain_decimal(money[field_name])))
    if record.money is not None and record.money.parts and is_department(record):
        # 部门整体: 基本支出 + 项目支出 stand in for a 资金总额 row left blank
        for role, total in part_sums(record.money, context.money_unit).items():
            field_name = _PART_FIELDS.get(role)
            if field_name is not None and money.get(field_name) is None:
                money[field_name] = total
    adjusted, initial = money["adjusted_budget"], money["initial_budget"]
    if adjusted is not None:
        budget, basis = adjusted, "全年预算数"
    elif initial is not None:
        budget, basis = initial, "年初预算数"
    else:
        budget, basis = None, ""
    budget_cell = cells["adjusted_budget"] if adjusted is not None else cells["initial_budget"]
    executed = money["executed"]
    lit = execution_light(executed, budget, period.month, rule)
    if budget is None or budget <= 0:
        findings.append(finding_at("M-NO-BUDGET", file, sheet, budget_cell, name,
                                 None if budget is None else _fmt(budget)))
    if executed is None:
        findings.append(finding_at("M-NO-EXECUTED", file, sheet, cells["executed"], name,
                                 record.text("executed") or None, month=period.month))
    reason = record.raw_text("deviation_reason")
    measures = record.raw_text("measures")
    zero_spend = executed is not None and executed == 0 and budget is not None and budget > 0
    if zero_spend:
        findings.append(finding_at("M-ZERO-SPEND", file, sheet, cells["executed"], name, "0",
                                 period=period.label_zh, period_en=f"the end of month {period.month}",
                                 budget=_fmt(budget)))
    if executed is not None and budget is not None and budget > 0 and executed > budget:
        if reason:
            findings.append(finding_at(
                "M-EXEC-OVER-BUDGET", file, sheet, cells["executed"], name, _fmt(executed),
                what=f"1-{period.month}月执行数", what_en=f"executed by month {period.month}",
                amount=_fmt(executed), budget=_fmt(budget), explained="（已说明原因）",
                explained_en=" (a reason is given)"))
        else:
            findings.append(finding_at("M4", file, sheet, cells["executed"], name, _fmt(executed),
                                     month=period.month, executed=_fmt(executed),
                                     budget=_fmt(budget)))
    expected = money["expected_execution"]
    if expected is not None and budget is not None and budget > 0 and expected > budget:
        findings.append(finding_at(
            "M-EXEC-OVER-BUDGET", file, sheet, cells["expected_execution"], name, _fmt(expected),
            what="全年预计执行数", what_en="expected execution for the year", amount=_fmt(expected),
            budget=_fmt(budget), explained="", explained_en=""))
    # M1/M2 — 完成目标可能性 and the reasons it requires (黄石 2019 monitoring table, notes 1–3;
    # the national form asks it of every indicator line, with its 偏差原因分析 beside it).
    if "possibility" not in record.fields and record.table.has("possibility"):
        possibility_raw, reason = _line_possibilities(record, findings, reason)
    else:
        possibility_raw = record.raw_text("possibility")
        _check_possibility(record, possibility_raw, reason, measures, findings)
    possibility = POSSIBLE.get(possibility_raw.replace(" ", ""), "")
    # Indicators, their lights and drift from the approved goals.
    approved = context.goals.find(record.text("project_code"), record.department, name) \
        if context.goals is not None else None
    indicators, removed, drift = _indicators(record, context, typed, approved, findings)
    indicator_light_value = worst(ind.light for ind in indicators)
    light = combined_light(lit.light, [indicator_light_value], possibility == "不可能")
    return MonitorProject(
        file=file, sheet=sheet, row=record.first_row, layout=record.layout,
        department=record.department, department_code=record.text("department_code"),
        code=record.text("project_code"), name=name,
        implementing_unit=record.text("implementing_unit"),
        initial_budget=initial, adjusted_budget=adjusted, executed=executed,
        expected_execution=expected, budget=budget, budget_basis=basis,
        execution_rate=lit.rate, execution_measure=lit.measure, execution_light=lit.light,
        indicator_light=indicator_light_value, light=light,
        possibility=possibility_raw, deviation_reason=reason, measures=measures,
        version=record.text("version"), zero_spend=zero_spend, drift=drift,
        approved=approved.ident if approved is not None else None,
        indicators=indicators, removed=removed, findings=findings, subject=record.subject)


def _asks_measures(record: ProjectRead) -> bool:
    """The form has a place for 相关建议或举措 (the national form has none: only 原因说明)."""
    return "measures" in record.fields or record.table.has("measures")


def _check_possibility(record: ProjectRead, possibility_raw: str, reason: str, measures: str,
                       findings: list[Finding]) -> None:
    """M1/M2 of a project's one 完成目标可能性 cell."""
    file, sheet, name = record.file, record.sheet, record.name
    possibility = POSSIBLE.get(possibility_raw.replace(" ", ""), "")
    possibility_cell = record.a1("possibility")
    if not possibility_raw:
        findings.append(finding_at("M1", file, sheet, possibility_cell, name, None,
                                   detail="未填写", detail_en="is empty"))
    elif not possibility:
        findings.append(finding_at("M1", file, sheet, possibility_cell, name, possibility_raw,
                                   detail=f"“{possibility_raw}”无法识别",
                                   detail_en=f"\"{possibility_raw}\" is not recognised"))
    if possibility in ("有可能", "不可能"):
        asked = [("偏差原因分析", "the deviation analysis", reason)]
        if _asks_measures(record):
            asked.append(("相关建议或举措", "the measures", measures))
        missing = [(zh, en) for zh, en, text in asked if not text]
        if missing:
            findings.append(finding_at(
                "M2", file, sheet, record.a1("deviation_reason" if not reason else "measures")
                or possibility_cell, name, possibility_raw, possibility=possibility_raw,
                missing="和".join(zh for zh, _ in missing),
                missing_en=" and ".join(en for _, en in missing)))


_LIKELIHOOD = {"确定能": 0, "有可能": 1, "不可能": 2}


def _line_possibilities(record: ProjectRead, findings: list[Finding],
                        reason: str) -> tuple[str, str]:
    """完成目标可能性 marked per indicator line (✔ under 确定能 | 有可能 | 完全不可能): the
    project's is its least likely line's; a line marked 有可能/不可能 needs its 偏差原因分析
    (a cause ticked or 原因说明 written) (M2, at the line); lines with no choice or two are
    one M1. Returns (the project's 可能性 as written, its 偏差原因 — the project's own, else the
    lines' reasons by indicator)."""
    file, sheet, name = record.file, record.sheet, record.name
    table = record.table
    worst_raw, worst_rank = "", -1
    unmarked: list[int] = []
    unclear: list[tuple[int, str]] = []
    reasons = []
    for line in record.lines:
        raw = table.text("possibility", line)
        chosen = POSSIBLE.get(raw.replace(" ", ""), "")
        line_reason = table.text("deviation_reason", line)
        if line_reason:
            reasons.append(f"{table.text('name', line)}：{line_reason}")
        if not raw:
            unmarked.append(line)
            continue
        if not chosen:
            unclear.append((line, raw))
            continue
        if _LIKELIHOOD[chosen] > worst_rank:
            worst_raw, worst_rank = raw, _LIKELIHOOD[chosen]
        if chosen != "确定能" and not line_reason:
            findings.append(finding_at(
                "M2", file, sheet, table.a1("deviation_reason", line) or table.a1("possibility",
                                                                                 line),
                name, raw, possibility=raw,
                missing=f"偏差原因分析（指标“{table.text('name', line)}”）",
                missing_en=f"the deviation analysis of \"{table.text('name', line)}\""))
    if unmarked or unclear:
        rows = sorted([table.rows[line] for line in unmarked] +
                      [table.rows[line] for line, _ in unclear])
        shown = "、".join(map(str, rows[:12])) + ("…" if len(rows) > 12 else "")
        first = min([*unmarked, *(line for line, _ in unclear)])
        detail = f"有 {len(rows)} 个指标未勾选或勾选多项（第 {shown} 行）"
        findings.append(finding_at(
            "M1", file, sheet, table.a1("possibility", first), name,
            unclear[0][1] if unclear and not unmarked else None, detail=detail,
            detail_en=f"is not marked (or marked twice) on {len(rows)} indicator lines (rows {shown})"))
    return worst_raw, reason or "；".join(reasons)


def _indicators(record: ProjectRead, context: MonitorContext, typed_table: TypedTable,
                approved: ApprovedProject | None, findings: list[Finding]):
    period, rule = context.period, context.rule
    file, sheet, project_name = record.file, record.sheet, record.name
    table = record.table
    # Approved indicators by name; a name used twice (G-DUPLICATE) is matched in order.
    approved_by_name: dict[str, list] = {}
    for item in (approved.indicators if approved else []):
        approved_by_name.setdefault(key(item.name), []).append(item)
    matched: set[int] = set()
    indicators: list[MonitorIndicator] = []
    counts: Counter = Counter()
    for line, typed, name, level1, level2 in zip(
            record.lines, typed_table.lines(record), typed_table.texts(record, "name"),
            typed_table.levels(record, "level1"), typed_table.levels(record, "level2")):
        unit = typed.unit
        nature_text = table.text("nature", line)
        nature = typed.nature or ""
        target_shown = table.text("target", line)
        target, actual = typed.target, typed.actual
        target_a1 = table.a1("target", line)
        a1 = table.a1("name", line) or target_a1 or ""
        actual_a1 = table.a1("actual", line) or a1
        if typed.fraction_of is not None:
            # A cell formatted as a percentage holds 0.9 for 90 %: read as the percentage.
            findings.append(finding_at("M-PERCENT-AS-FRACTION", file, sheet, actual_a1,
                                     project_name, typed.fraction_of,
                                     percent=actual.text.removesuffix("%")))
        lit = indicator_light(target, actual, typed.comparison, period.month, rule,
                              typed.nature == QUALITATIVE or target.kind == "qualitative")
        if actual.is_missing:
            if actual.placeholder:
                findings.append(finding_at("R-PLACEHOLDER", file, sheet, actual_a1, project_name,
                                         actual.text))
            else:
                findings.append(finding_at("M-NO-ACTUAL", file, sheet, actual_a1, project_name,
                                         None, name=name))
        elif lit.light is None:
            findings.append(finding_at("M-ACTUAL-NOT-COMPARABLE", file, sheet, actual_a1,
                                     project_name, actual.text, name=name,
                                     target=target_shown, basis=lit.basis))
        for note in actual.notes:
            if note.code == "V-ACTUAL-HAS-OP":
                findings.append(finding_at(note.code, file, sheet, actual_a1, project_name,
                                         actual.text, op=note.params.get("op"),
                                         number=note.params.get("number")))
        indicator = MonitorIndicator(
            sheet=sheet, cell=a1, level1=level1, level2=level2, name=name, nature=nature_text,
            target=target_shown, unit=unit, actual=table.text("actual", line),
            expected=table.text("expected_actual", line), light=lit.light, ratio=lit.ratio,
            basis=lit.basis)
        if approved is not None:
            candidates = [a for a in approved_by_name.get(key(name), []) if id(a) not in matched]
            match = next((a for a in candidates
                          if same_target(a.target, a.nature, target, nature or None)),
                         candidates[0] if candidates else None)
            if match is None:
                indicator.drift = "新增指标"
                counts["added"] += 1
                findings.append(finding_at("M3", file, sheet, a1, project_name, name,
                                         detail=f"新增指标“{name}”（批复目标中没有）",
                                         detail_en=f"indicator \"{name}\" was added"))
            else:
                matched.add(id(match))
                indicator.approved_target = match.target_text
                if not same_target(match.target, match.nature, target, nature or None):
                    indicator.drift = "指标值变更"
                    counts["changed"] += 1
                    findings.append(finding_at(
                        "M3", file, sheet, target_a1 or a1, project_name, target_shown,
                        detail=f"“{name}”的指标值由“{match.target_text}”改为“{target_shown}”",
                        detail_en=f"the target of \"{name}\" changed from \"{match.target_text}\" "
                                  f"to \"{target_shown}\""))
        indicators.append(indicator)
    removed: list[MonitorIndicator] = []
    drift = ""
    if approved is not None:
        for item in approved.indicators:
            if id(item) in matched:
                continue
            counts["removed"] += 1
            removed.append(MonitorIndicator(
                sheet=sheet, cell="", level1=item.level1, level2=item.level2, name=item.name,
                nature=item.nature or "", target="", unit=item.unit, actual="", expected="",
                light=None, ratio=None, basis="", drift="删除指标",
                approved_target=item.target_text))
            findings.append(finding_at("M3", file, sheet, None, project_name, item.name,
                                     detail=f"批复指标“{item.name}”（{item.target_text}）在监控表中被删除",
                                     detail_en=f"approved indicator \"{item.name}\" was removed"))
        if counts:
            parts = [f"{label} {counts[k]} 项" for k, label in
                     (("added", "新增"), ("removed", "删除"), ("changed", "修改指标值")) if counts[k]]
            parts_en = [f"{counts[k]} {k}" for k in ("added", "removed", "changed") if counts[k]]
            drift = "、".join(parts)
            findings.append(finding_at("M-DRIFT", file, sheet, None, project_name, None,
                                     detail=drift, detail_en=", ".join(parts_en)))
    elif context.goals is not None:
        drift = "项目不在批复目标清单中"
        for indicator in indicators:
            indicator.drift = "新增项目"
        findings.append(finding_at("M-DRIFT", file, sheet, None, project_name, project_name,
                                 detail="项目不在批复的绩效目标清单中",
                                 detail_en="the project is not in the approved goals"))
    return indicators, removed, drift
