"""From a read 自评表 (self-evaluation) to the scoring library's inputs.

The reader gives every project its key–value fields, its indicator lines and, on the form,
two small tables as regions: the money block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 |
得分 over 年度资金总额 / 其中 …, whose 年度资金总额 row carries the budget, the amount executed and
the unit's own execution 得分) and the 总分 row below the grid, whose claimed total sits in the
得分 column.  List-layout workbooks carry the same facts as columns (全年预算数, 全年执行数,
预算执行率得分, 自评总分).  Every cell is typed by :mod:`pbm.indicators` (the same typing as
validate and monitor); what is scoring's own is how a typed line is scored: a 时效 line judged
by dates scores its full weight when on time (≥ 1 of 1), and a qualitative line takes the tier
its outcome names.  Nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NamedTuple

from pbm.findings import Finding
from pbm.indicators import QUALITATIVE, TypedLine, TypedTable, Typing
from pbm.scoring.department import department_funds
from pbm.scoring.rules import (
    HUNDRED,
    ONE,
    ZERO,
    IndicatorInput,
    ProjectScore,
    Scorer,
    ScoreRules,
    aggregate_count,
    aggregate_rate,
    score_execution,
    score_project,
)
from pbm.values import ParsedValue, cell_text, decimal_text, parse_money, plain_decimal
from pbm.values.placeholders import INAPPLICABLE_TEXTS, has_filler
from pbm.workbook.department import is_department
from pbm.workbook.table import FORM, Cell, ProjectRead

#: A 年度总体目标 that is only a number or an amount: ``43.2``, ``37.24 万元``.
_AMOUNT_ONLY = re.compile(r"[\d,.\s]+(?:万元|元|亿元)?")

MONEY_UNIT = "万元"
_DATE_OPS = ("≤", "<", "=")


#: A budget adjusted by this share of the 年初预算数 or more is noted (S-BUDGET-ADJUSTED).
_ADJUSTMENT_NOTED = Decimal("0.1")


@dataclass
class SelfEvalInput:
    """One project of a 自评表, typed for :func:`pbm.scoring.rules.score_project`."""

    file: str
    sheet: str
    name: str
    department: str
    code: str
    implementing_unit: str
    layout: str
    indicators: list[IndicatorInput]
    budget: Decimal | None = None
    executed: Decimal | None = None
    initial_budget: Decimal | None = None
    claimed_execution: Decimal | None = None
    claimed_total: Decimal | None = None
    claimed_grade: str = ""
    execution_cell: str | None = None  # the execution 得分, else the amount executed
    executed_cell: str | None = None  # 全年执行数
    total_cell: str | None = None
    grade_cell: str | None = None  # 自评等级
    written_execution_weight: Decimal | None = None
    execution_part: bool = False  # a form's money block names its amounts (blank or not)
    goal: str = ""  # 年度总体目标 (预期目标) as written
    goal_actual: str = ""  # its 实际完成情况, where the reader found one
    findings: list[Finding] = field(default_factory=list)  # from typing the cells
    subject: str = "project"  # "department": a 部门整体支出绩效自评表 (pbm.scoring.department)

    def rules_for(self, rules: ScoreRules, known: dict[Decimal, ScoreRules]) -> ScoreRules:
        """The rules this project is rechecked by: the execution weight its form states (分值
        in the money block, ``得分(20分*执行率)``) — the indicator total the rest of 100 —,
        else ``rules``; ``known`` keeps one set of rules per stated weight for the run."""
        stated = self.written_execution_weight
        if stated is None or stated == rules.execution_weight or not ZERO < stated < HUNDRED:
            return rules
        found = known.get(stated)
        if found is None:
            total = rules.indicator_weight_total + rules.execution_weight - stated
            found = known[stated] = replace(rules, execution_weight=stated,
                                            indicator_weight_total=total)
        return found

    def score(self, rules: ScoreRules, scorer: Scorer | None = None) -> ProjectScore:
        """Recompute (the recheck is the caller's: :func:`pbm.scoring.recheck.recheck_project`)."""
        return score_project(self.indicators, self.budget, self.executed, rules,
                             claimed_total=self.claimed_total,
                             claimed_execution=self.claimed_execution, project=self.name or None,
                             file=self.file, sheet=self.sheet, total_cell=self.total_cell,
                             execution_cell=self.execution_cell,
                             executed_cell=self.executed_cell,
                             claimed_grade=self.claimed_grade or None,
                             grade_cell=self.grade_cell, scorer=scorer,
                             execution_part=self.execution_part)


class _Scored(NamedTuple):
    """What a typed line is scored as: its operator, target and actual, its tier."""

    op: str | None
    target: Decimal | None
    actual: Decimal | None
    actual_text: str
    actual_tier: str | None
    actual_has_op: bool
    unit: str | None
    timeliness: bool
    written: str | None  # a 时效 line's operator as written
    flagged: bool  # a placeholder, a fraction for a percentage, scientific notation


class SelfEvalTyping:
    """The typing of one ``pbm score`` run: each distinct cell (or line) typed once."""

    def __init__(self, rules: ScoreRules, year: int | None = None):
        self.rules = rules
        self.typing = Typing(year)
        self.tier_names = frozenset(name for name, _, _ in rules.qualitative_tiers)
        self._scored: dict[TypedLine, _Scored] = {}
        self._marked: dict[str, bool] = {}

    def marked(self, name: str) -> bool:
        """A 三级指标 name that kept the template's marks (人数(≥**人)), each name once."""
        found = self._marked.get(name)
        if found is None:
            found = self._marked[name] = has_filler(name)
        return found

    def scored(self, typed: TypedLine) -> _Scored:
        found = self._scored.get(typed)
        if found is None:
            found = self._scored[typed] = self._score_view(typed)
        return found

    def _score_view(self, typed: TypedLine) -> _Scored:
        target, actual = typed.target, typed.actual
        unit = target.unit or actual.unit or typed.unit or None
        flagged = bool(target.placeholder or actual.placeholder or typed.fraction_of is not None
                       or typed.scientific)
        if typed.timeliness:
            # A deadline: on or before the target date scores the full weight, later scores 0
            # (pbm's choice where the national rules give no formula for 时效 lines).
            written = typed.op if typed.op in _DATE_OPS else target.op
            return _Scored("≥", ONE, ONE if typed.on_time else ZERO, actual.text, None, False,
                           unit, True, written, flagged)
        if typed.op == QUALITATIVE:
            tier = actual.tier if actual.tier in self.tier_names \
                else self.rules.normalise_tier(actual.text)
            return _Scored(typed.op, None, None, actual.text, tier, False, unit, False, None,
                           flagged)
        return _Scored(typed.op, target.number, actual.number, actual.text, None,
                       "V-ACTUAL-HAS-OP" in actual.note_codes, unit, False, None, flagged)

    def project(self, record: ProjectRead, typed: TypedTable) -> SelfEvalInput:
        """Type one 自评表 project for scoring; ``typed`` is the typing of its table."""
        return _ProjectTyping(self, record, typed).input()


class _ProjectTyping:
    """Typing one project: its lines, amounts and claims, and the findings on the way."""

    def __init__(self, run: SelfEvalTyping, record: ProjectRead, typed: TypedTable):
        self.run = run
        self.record = record
        self.typed = typed
        self.findings: list[Finding] = []
        self.scientific_cells: set[str | None] = set()  # cells reported V-SCIENTIFIC

    def finding(self, code: str, cell: str | None, value: Any = None, **params: Any) -> None:
        self.findings.append(Finding(code, file=self.record.file, sheet=self.record.sheet,
                                     cell=cell, project=self.record.name or None, value=value,
                                     params=params))

    def checked(self, parsed: ParsedValue, a1: str | None) -> Decimal | None:
        """A number cell's value, with V-SCIENTIFIC when it was written as 1.2E+05 (once per
        cell: a form's amounts are read as fields and again from its money block)."""
        for note in parsed.notes:
            if note.code == "V-SCIENTIFIC" and a1 not in self.scientific_cells:
                self.scientific_cells.add(a1)
                self.finding("V-SCIENTIFIC", a1, parsed.text, number=note.params["number"])
        return parsed.number

    def line_number(self, parsed: ParsedValue | None, line: int, name: str,
                    field_zh: str) -> Decimal | None:
        """A line's weight or score cell as a Decimal (None for a blank; R-UNPARSEABLE when it
        is no number); its address is made only for a finding."""
        if parsed is None:
            return None
        if not parsed.notes:
            return parsed.number
        if parsed.number is None and not parsed.placeholder:
            self.finding("R-UNPARSEABLE", self.record.table.a1(name, line), parsed.text,
                         field=field_zh, detail="")
            return None
        if parsed.notes:
            return self.checked(parsed, self.record.table.a1(name, line))
        return parsed.number

    def lines(self) -> list[IndicatorInput]:
        """Every indicator line of the project, typed."""
        record, run, columns = self.record, self.run, self.typed
        table = record.table
        lines = []
        marked: list[int] = []
        for line, typed, weight_cell, score_cell, score_raw, name, level1, level2 in zip(
                record.lines, columns.lines(record), columns.numbers(record, "weight"),
                columns.numbers(record, "score"), record.column("score"),
                columns.texts(record, "name"), columns.texts(record, "level1"),
                columns.texts(record, "level2")):
            weight = self.line_number(weight_cell, line, "weight", "分值")
            scored = run.scored(typed)
            name = name or "（未填指标名称）"
            if typed.inapplicable or (isinstance(score_raw, str) and
                                      cell_text(score_raw).lower() in INAPPLICABLE_TEXTS):
                lines.append(IndicatorInput(
                    name, level1 or None, level2 or None, None, None, typed.target.text, None,
                    scored.actual_text, None, weight, None, False, False, scored.unit, False,
                    None, table, line))
                continue
            # Positional: 100,000 lines a run.
            lines.append(IndicatorInput(
                name, level1 or None, level2 or None, scored.op, scored.target,
                typed.target.text, scored.actual, scored.actual_text, scored.actual_tier,
                weight, self.line_number(score_cell, line, "score", "得分"), True,
                scored.actual_has_op, scored.unit, scored.timeliness, scored.written, table,
                line))
            if scored.flagged:
                self._flag(typed, table.a1("target", line), table.a1("actual", line), name)
            if run.marked(name):
                marked.append(line)
        if marked:
            # the template's 三级指标 kept its marks (人数(≥**人)): once for the project
            example = table.text("name", marked[0])
            self.finding("S-NAME-PLACEHOLDER", table.a1("name", marked[0]), example,
                         count=len(marked), example=example)
        return lines

    def _flag(self, typed: TypedLine, target_a1: str | None, actual_a1: str | None,
              name: str) -> None:
        """What a line's typed cells say beyond their values: placeholders, a 0.92 written
        for 92 %, a number written 1.2E+05."""
        if typed.target.placeholder:
            self.finding("R-PLACEHOLDER", target_a1, typed.target.text)
        if typed.actual.placeholder:
            self.finding("R-PLACEHOLDER", actual_a1, typed.actual.text)
        if typed.fraction_of is not None:
            self.finding("S-ACTUAL-AS-FRACTION", actual_a1, typed.fraction_of, name=name,
                         raw=typed.fraction_of, percent=typed.actual.text)
        for role, text, number in typed.scientific:
            self.finding("V-SCIENTIFIC", target_a1 if role == "target" else actual_a1, text,
                         number=number)

    def money(self, name: str) -> tuple[Decimal | None, Cell | None]:
        cell = self.record.fields.get(name)
        parsed = self.run.typing.money(self.record, name, MONEY_UNIT)
        if parsed is None:
            return None, cell
        return self.checked(parsed, cell.a1), cell  # type: ignore[union-attr]

    def field_number(self, name: str) -> tuple[Decimal | None, Cell | None]:
        cell = self.record.fields.get(name)
        if cell is None or cell.empty:
            return None, cell
        return self.checked(self.run.typing.number(cell.value), cell.a1), cell  # type: ignore

    def input(self) -> SelfEvalInput:
        record, rules = self.record, self.run.rules
        result = SelfEvalInput(
            file=record.file, sheet=record.sheet, name=record.name,
            department=record.department, code=record.text("project_code"),
            implementing_unit=record.text("implementing_unit"), layout=record.layout,
            indicators=self.lines(), claimed_grade=record.text("grade"),
            findings=self.findings, subject=record.subject)
        budget, _ = self.money("adjusted_budget")
        if budget is None:
            budget, _ = self.money("total_funds")
        executed, executed_cell = self.money("executed")
        initial, _ = self.money("initial_budget")
        claimed_execution, score_cell = self.field_number("execution_score")
        claimed_total, total_cell = self.field_number("claimed_total")
        result.budget, result.executed, result.initial_budget = budget, executed, initial
        result.claimed_execution, result.claimed_total = claimed_execution, claimed_total
        result.execution_cell = (score_cell.a1 if score_cell is not None else
                                 executed_cell.a1 if executed_cell is not None else None)
        result.total_cell = total_cell.a1 if total_cell is not None else None
        result.executed_cell = executed_cell.a1 if executed_cell is not None else None
        result.grade_cell = record.a1("grade")
        result.goal = record.raw_text("annual_goal")
        result.goal_actual = record.raw_text("goal_actual")
        self._goal(record.fields.get("annual_goal"))
        if record.layout == FORM:
            self._form_regions(result)
        self._adjusted(result)
        if (result.written_execution_weight is not None
                and result.written_execution_weight != rules.execution_weight):
            region = record.money
            stated = region.cells.get("weight") if region is not None else None
            self.finding("S-EXEC-WEIGHT-DIFFERS", stated.a1 if stated is not None else None,
                         plain_decimal(result.written_execution_weight),
                         written=plain_decimal(result.written_execution_weight),
                         configured=plain_decimal(rules.execution_weight))
        return result

    def _goal(self, cell: Cell | None) -> None:
        """S-GOAL-NOT-STATED: a 年度总体目标 that holds only a number or an amount (43.2), no
        goal — the self-evaluation cannot be read against what was to be achieved."""
        if cell is not None and not cell.empty and _AMOUNT_ONLY.fullmatch(cell.text):
            self.finding("S-GOAL-NOT-STATED", cell.a1, cell.text)

    def _adjusted(self, result: SelfEvalInput) -> None:
        """S-BUDGET-ADJUSTED: the 全年预算数 differs from the 年初预算数 by a tenth or more
        (pbm's threshold; no national one), and that changes the execution score — the rate is rechecked on the adjusted budget, as the form computes
        it; the reviewer sees what it would be on the budget first approved."""
        initial, budget, executed = result.initial_budget, result.budget, result.executed
        if initial is None or budget is None or executed is None or initial == budget \
                or initial <= ZERO or budget <= ZERO:
            return
        change = (budget - initial) / initial
        if abs(change) < _ADJUSTMENT_NOTED:
            return
        rules = result.rules_for(self.run.rules, {})
        rate, score = score_execution(budget, executed, rules)
        initial_rate, initial_score = score_execution(initial, executed, rules)
        if score == initial_score:
            return
        region = self.record.money
        cell = region.cells.get("budget") if region is not None else None
        a1 = cell.a1 if cell is not None else self.record.a1("adjusted_budget")
        self.finding("S-BUDGET-ADJUSTED", a1, plain_decimal(budget),
                     budget=plain_decimal(budget), initial=plain_decimal(initial),
                     direction_zh="调减" if change < ZERO else "调增",
                     direction_en="cut" if change < ZERO else "raised",
                     change=decimal_text(abs(change) * HUNDRED) + "%",
                     rate=decimal_text(rate * HUNDRED) + "%",
                     initial_rate=decimal_text(initial_rate * HUNDRED) + "%",
                     score=plain_decimal(score), initial_score=plain_decimal(initial_score))

    def _form_regions(self, result: SelfEvalInput) -> None:
        """The money block and the 总分 row of a form: they override the key–value fields."""
        record = self.record
        region = record.money
        if region is not None:
            values: dict[str, Decimal | None] = {}
            for role, cell in region.cells.items():
                if role in ("initial_budget", "budget", "executed"):
                    parsed = parse_money(cell.value, to_unit=MONEY_UNIT, header_unit=region.unit)
                elif role in ("weight", "score"):
                    parsed = self.run.typing.number(cell.value)  # type: ignore[assignment]
                else:
                    continue
                values[role] = self.checked(parsed, cell.a1)  # type: ignore[arg-type]
            if region.parts and is_department(record):  # 部门整体: 基本支出 + 项目支出
                values = department_funds(self, region, MONEY_UNIT, values)
            # The 年度资金总额 row decides each amount its header names, a blank cell included:
            # read as key–value cells, a blank amount would take the 分值 beside it.
            amounts = {role: values.get(role) for role in ("initial_budget", "budget", "executed")
                       if role in region.columns}
            result.execution_part = bool(amounts)
            if "budget" in amounts or "initial_budget" in amounts:
                budget = amounts.get("budget")
                result.budget = budget if budget is not None else amounts.get("initial_budget")
            if "initial_budget" in amounts:
                result.initial_budget = amounts["initial_budget"]
            if "executed" in amounts:
                result.executed = amounts["executed"]
                result.executed_cell = region.columns["executed"]
            if "score" in region.columns:  # a blank 得分 cell means no claim, with its address
                result.claimed_execution = values.get("score")
            result.written_execution_weight = values.get("weight")
            result.execution_cell = region.columns.get("score") or \
                region.columns.get("executed") or result.execution_cell
        total = record.total
        if total is not None:
            result.claimed_total = None if total.value is None else \
                self.checked(self.run.typing.number(total.value), total.a1)  # type: ignore
            result.total_cell = total.a1


# --------------------------------------------------------------------------- aggregation

def _is_rate(ind: IndicatorInput) -> bool:
    return ind.unit == "%" or "%" in ind.target_text or "%" in ind.actual_text


def aggregate_units(inputs: list[SelfEvalInput]) -> SelfEvalInput:
    """One summary 自评 over several units' tables of the same project (the funds-weighted
    summary of a project several units carry out).

    Budgets and amounts executed are summed.  Indicators are matched by 一级/二级/三级 name:
    relative values (rates, unit %) are weighted by each unit's 全年预算数, absolute values
    (counts, amounts) are summed; targets the same way.  Qualitative lines take the lowest
    tier any unit reports.  The summary carries no claimed scores: it is recomputed, not
    rechecked.  Weights and operators come from the first table.
    """
    first = inputs[0]
    funding = [unit.budget if unit.budget is not None else unit.executed for unit in inputs]
    lines: dict[tuple, list[tuple[IndicatorInput, Decimal | None]]] = {}
    for unit, amount in zip(inputs, funding):
        for ind in unit.indicators:
            key = (ind.level1, ind.level2, ind.name)
            lines.setdefault(key, []).append((ind, amount))
    indicators: list[IndicatorInput] = []
    for parts in lines.values():
        head = parts[0][0]
        merged = IndicatorInput(
            name=head.name, level1=head.level1, level2=head.level2, op=head.op,
            weight=head.weight, applicable=any(ind.applicable for ind, _ in parts),
            unit=head.unit)
        applicable = [(ind, amount) for ind, amount in parts if ind.applicable]
        if head.op == QUALITATIVE:
            tiers = [ind.actual_tier for ind, _ in applicable if ind.actual_tier]
            order = {name: rank for rank, name in enumerate(_TIER_ORDER)}
            merged.actual_tier = max(tiers, key=lambda t: order.get(t, -1)) if tiers else None
            merged.target_text = head.target_text
            merged.actual_text = merged.actual_tier or ""
        elif _is_rate(head):
            merged.target = aggregate_rate((ind.target, amount) for ind, amount in applicable)
            merged.actual = aggregate_rate((ind.actual, amount) for ind, amount in applicable)
            merged.target_text = _percent_text(head, merged.target)
            merged.actual_text = _percent_text(head, merged.actual, actual=True)
        else:
            merged.target = _sum_or_none(ind.target for ind, _ in applicable)
            merged.actual = _sum_or_none(ind.actual for ind, _ in applicable)
            merged.target_text = plain_decimal(merged.target) if merged.target is not None else ""
            merged.actual_text = plain_decimal(merged.actual) if merged.actual is not None else ""
        indicators.append(merged)
    budgets = [unit.budget for unit in inputs if unit.budget is not None]
    executed = [unit.executed for unit in inputs if unit.executed is not None]
    return SelfEvalInput(
        file="、".join(sorted({unit.file for unit in inputs})), sheet="汇总", name=first.name,
        department=first.department, code=first.code,
        implementing_unit="、".join(unit.implementing_unit or unit.sheet for unit in inputs),
        layout="aggregate", indicators=indicators,
        budget=aggregate_count(budgets) if budgets else None,
        executed=aggregate_count(executed) if executed else None, subject=first.subject)


_TIER_ORDER = ("达成", "部分达成", "未达成")


def _sum_or_none(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return aggregate_count(present) if present else None


def _percent_text(head: IndicatorInput, value: Decimal | None, *, actual: bool = False) -> str:
    if value is None:
        return ""
    shown = value.quantize(Decimal("0.01"))
    prefix = "" if actual else (head.op or "")
    return f"{prefix}{plain_decimal(shown)}%"


def aggregation_key(inp: SelfEvalInput) -> tuple[str, str]:
    """Tables of the same project: the same 项目编码, else the same name and 主管部门."""
    return (inp.code, "") if inp.code else (inp.name, inp.department)


def aggregate_groups(inputs: list[SelfEvalInput]) -> list[list[SelfEvalInput]]:
    """Groups of two or more tables of one project from different units or sheets."""
    groups: dict[tuple[str, str], list[SelfEvalInput]] = {}
    for inp in inputs:
        if inp.name or inp.code:
            groups.setdefault(aggregation_key(inp), []).append(inp)
    return [group for group in groups.values() if len(group) >= 2]
