"""From a read 自评表 (ProjectRecord) to the scoring library's inputs (DOMAIN.md §4.7).

The reader gives every project its fields and indicator rows with provenance.  Two parts of
the national form need the sheet's raw grid, because they are small tables rather than
key–value pairs (DOMAIN.md §4.7 items 2 and 5):

* the money block — header ``年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分`` over
  the rows ``年度资金总额 / 其中：本年财政拨款 / 上年结转资金 / 其他资金``: the 年度资金总额
  row carries the budget, the amount executed and the unit's own execution 得分
  (:func:`extract_money_block`);
* the 总分 row below the indicator grid, whose claimed total sits in the 得分 column, not in
  the first cell beside the label (:func:`extract_claimed_total`).

List-layout workbooks carry the same facts as columns (全年预算数, 全年执行数, 预算执行率得分,
自评总分).  Values go through the one value parser (:mod:`pbm.values`); nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from pbm.findings import Finding
from pbm.indicators import normalise_nature
from pbm.scoring.rules import (
    HUNDRED,
    ONE,
    QUALITATIVE,
    ZERO,
    IndicatorInput,
    ProjectScore,
    ScoreRules,
    aggregate_count,
    aggregate_rate,
    normalise_op,
    score_project,
)
from pbm.values import ParsedValue, cell_text, parse_money, parse_value, plain_decimal
from pbm.workbook.fields import PROJECT, alias_table, normalise_label
from pbm.workbook.reader import FORM, Cell, ProjectRecord, RowFields, column_letter

MONEY_UNIT = "万元"

#: Row labels of the money block's 年度资金总额 row (normalised: no spaces, no unit).
MONEY_TOTAL_LABELS = frozenset({"年度资金总额", "资金总额", "项目资金总额", "年度资金合计", "资金合计"})
#: Column labels of the money block (normalised) → role.
MONEY_COLUMNS = {
    "年初预算数": "initial_budget", "年初预算": "initial_budget", "年初预算金额": "initial_budget",
    "全年预算数": "budget", "全年预算": "budget", "调整后预算数": "budget", "调整预算数": "budget",
    "全年执行数": "executed", "执行数": "executed", "实际执行数": "executed",
    "全年实际执行数": "executed", "累计执行数": "executed",
    "分值": "weight", "权重": "weight",
    "执行率": "rate", "预算执行率": "rate",
    "得分": "score", "自评得分": "score",
}
#: Besides the 自评总分 labels of schemas/project.schema.json, a plain 合计/总计 row below the
#: indicator grid holds the claimed total.
_PLAIN_TOTAL_LABELS = frozenset({"合计", "总计"})
#: Texts that mark an indicator as not applicable (不适用) in 指标性质, 实际完成值 or 得分.
INAPPLICABLE_TEXTS = frozenset({"不适用", "不涉及", "无此项", "本年不适用", "n/a", "na"})

# 指标性质 values that fix the scoring operator; 定量 leaves it to the target (≥95% → ≥).
_NATURE_FIXES_OP = frozenset({"≥", ">", "≤", "<", "=", QUALITATIVE, "定量(其他)"})
_DATE_KINDS = ("date", "month")


def _a1(row0: int, col0: int) -> str:
    return f"{column_letter(col0 + 1)}{row0 + 1}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class MoneyBlock:
    """The 年度资金总额 row of a 自评表's money block, with the A1 cell of each value."""

    initial_budget: Decimal | None = None
    budget: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None  # 分值 written on the form
    claimed_score: Decimal | None = None  # the unit's own execution 得分
    cells: dict[str, str] = field(default_factory=dict)  # role → A1 (filled cells)
    columns: dict[str, str] = field(default_factory=dict)  # role → A1, filled or blank
    parsed: dict[str, ParsedValue] = field(default_factory=dict)  # role → the filled cell's value


def extract_money_block(rows: list[list[Any]], *, unit: str | None = None,
                        stop_row: int | None = None) -> MoneyBlock | None:
    """Read the money block of a national 自评表 from the sheet's raw grid (DOMAIN.md §4.7).

    ``rows`` are 0-based raw values (``RawSheet.rows``); ``stop_row`` (0-based) is where the
    indicator grid starts, so an indicator row can never be mistaken for the block.  The
    年度资金总额 row is found by its label; its header is the nearest row above it (within
    four rows) naming at least two of 年初预算数/全年预算数/全年执行数/分值/执行率/得分.
    Amounts are converted to 万元 from the unit written in a header (``全年预算数(元)``) or
    ``unit`` (the form's 金额单位).  None when the sheet has no such table.
    """
    stop = len(rows) if stop_row is None else min(stop_row, len(rows))
    for r in range(stop):
        row = rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or normalise_label(value)[0] not in MONEY_TOTAL_LABELS:
                continue
            header = _money_header(rows, r, c)
            if header is None:
                continue
            columns, header_unit = header
            block = MoneyBlock()
            money_unit = header_unit or unit
            for col, role in columns.items():
                raw = row[col] if col < len(row) else None
                block.columns[role] = _a1(r, col)
                if _blank(raw):
                    continue
                block.cells[role] = _a1(r, col)
                if role in ("initial_budget", "budget", "executed"):
                    parsed = parse_money(raw, to_unit=MONEY_UNIT, header_unit=money_unit)
                    setattr(block, role, parsed.number)
                elif role in ("weight", "score"):
                    parsed = parse_value(raw, role="number")
                    setattr(block, "claimed_score" if role == "score" else "weight",
                            parsed.number)
                else:
                    continue
                block.parsed[role] = parsed
            return block
    return None


def _money_header(rows: list[list[Any]], total_row: int, label_col: int):
    for r in range(total_row - 1, max(-1, total_row - 5), -1):
        columns: dict[int, str] = {}
        unit = None
        for c, value in enumerate(rows[r]):
            if c <= label_col or not isinstance(value, str):
                continue
            key, label_unit = normalise_label(value)
            role = MONEY_COLUMNS.get(key)
            if role is not None and role not in columns.values():
                columns[c] = role
                if label_unit and role in ("initial_budget", "budget", "executed"):
                    unit = unit or label_unit
        if len(columns) >= 2:
            return columns, unit
    return None


def extract_claimed_total(rows: list[list[Any]], *, score_col: int,
                          after_row: int) -> tuple[Any, str] | None:
    """(raw value, A1) of the claimed 总分 in the 得分 column below the grid (DOMAIN.md §4.7).

    ``score_col`` and ``after_row`` are 0-based: the indicator grid's 得分 column and its
    last row.  The first row below whose first filled cell reads 总分/合计/自评总分 is the
    total row; its 得分 cell may be blank (then the value is None, with the cell).
    """
    for r in range(after_row + 1, len(rows)):
        row = rows[r]
        first = next((v for v in row if not _blank(v)), None)
        if not isinstance(first, str):
            continue
        label = normalise_label(first)[0]
        if label not in _PLAIN_TOTAL_LABELS and \
                alias_table(PROJECT).get(label) != "claimed_total":
            continue
        value = row[score_col] if score_col < len(row) else None
        return (None if _blank(value) else value), _a1(r, score_col)
    return None


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
    findings: list[Finding] = field(default_factory=list)  # from typing the cells

    def score(self, rules: ScoreRules) -> ProjectScore:
        """Recompute and recheck (DOMAIN.md §4.3–§4.5, SPEC §7)."""
        return score_project(self.indicators, self.budget, self.executed, rules,
                             claimed_total=self.claimed_total,
                             claimed_execution=self.claimed_execution, project=self.name or None,
                             file=self.file, sheet=self.sheet, total_cell=self.total_cell,
                             execution_cell=self.execution_cell,
                             executed_cell=self.executed_cell,
                             claimed_grade=self.claimed_grade or None,
                             grade_cell=self.grade_cell)


class _Typed(NamedTuple):
    """What the cells 指标性质 / 计量单位 / 年度指标值 / 实际完成值 of a line mean for scoring.

    The same four cells recur across thousands of lines (≥95% / 96%, 定性 / 达成 …), so the
    result is cached by their raw values; the findings are emitted per line from the flags.
    """

    inapplicable: bool
    op: str | None
    target: Decimal | None
    target_text: str
    actual: Decimal | None
    actual_text: str
    actual_tier: str | None
    actual_has_op: bool
    unit: str | None
    timeliness: bool
    target_placeholder: bool
    actual_placeholder: bool
    fraction_of: str | None  # the raw text of a 0.92-for-92 % cell
    written_op: str | None  # a 时效 line's operator as written (it is scored as ≥ 1)
    written_out: tuple[tuple[str, str, str], ...]  # (cell role, text, number): 1.2E+05 cells
    flagged: bool  # any of the above: timeliness, placeholders, fraction_of, written_out


_LINE_FIELDS = ("nature", "unit", "target", "actual", "weight", "score", "name", "level1",
                "level2")
_TYPED_CACHES: dict[tuple, dict[tuple, _Typed]] = {}
_CACHE_LIMIT = 1 << 16
#: Weight and score cells → their Decimal (None: blank or placeholder), keyed by (type, raw)
#: so 1, 1.0 and True stay apart; unparseable cells are not kept (each gets its finding).
_NUMBERS: dict[tuple[type, Any], Decimal | None] = {}
_CACHED_NUMBER_TYPES = frozenset({str, float, int})
_UNCACHED = object()
#: (三级, 一级, 二级) raw texts → the names a line carries.  Only all-text keys are kept, so
#: a lookup can only hit with text cells (95.0 never meets "95").
_NAMES: dict[tuple, tuple[str, str | None, str | None]] = {}


def _names(name_raw: Any, level1_raw: Any, level2_raw: Any) -> tuple[str, str | None, str | None]:
    names = (cell_text(name_raw) or "（未填指标名称）", cell_text(level1_raw) or None,
             cell_text(level2_raw) or None)
    if all(raw is None or raw.__class__ is str for raw in (name_raw, level1_raw, level2_raw)) \
            and len(_NAMES) < _CACHE_LIMIT:
        _NAMES[(name_raw, level1_raw, level2_raw)] = names
    return names


@lru_cache(maxsize=16)
def _tier_names(tiers: tuple) -> frozenset[str]:
    return frozenset(name for name, _, _ in tiers)


_last_fields: list[RowFields] = []  # the line fields of the sheet typed last


def _row_fields(columns: dict[str, int]) -> RowFields:
    """The line fields of a table; the projects of one list sheet share one column map."""
    if _last_fields and _last_fields[0].columns is columns:
        return _last_fields[0]
    fields = RowFields(columns, _LINE_FIELDS)
    _last_fields[:] = [fields]
    return fields


class _Typing:
    """Turns one project's cells into IndicatorInputs and collects the findings on the way."""

    def __init__(self, record: ProjectRecord, rules: ScoreRules, year: int | None):
        self.record = record
        self.rules = rules
        self.year = year
        self.findings: list[Finding] = []
        self.scientific_cells: set[str | None] = set()  # cells reported V-SCIENTIFIC
        self.tier_names = _tier_names(rules.qualitative_tiers)
        self.typed_cache = _TYPED_CACHES.setdefault((rules.qualitative_tiers, year), {})
        # The column letters of the cells a line's location names — target, actual, weight,
        # score (None: no such column); every line of one project has the same columns.
        self.cell_letters: tuple[str | None, ...] = (None, None, None, None)
        self.fields: RowFields | None = None
        if record.indicators:
            columns = record.indicators[0].columns
            self.cell_letters = tuple(column_letter(columns[role] + 1) if role in columns
                                      else None
                                      for role in ("target", "actual", "weight", "score"))
            self.fields = _row_fields(columns)

    def finding(self, code: str, cell: Cell | str | None, value: Any = None,
                **params: Any) -> None:
        where = cell.a1 if isinstance(cell, Cell) else cell
        self.findings.append(Finding(code, file=self.record.file,
                                     sheet=self.record.sheet, cell=where,
                                     project=self.record.name or None, value=value,
                                     params=params))

    def lines(self) -> list[IndicatorInput]:
        """Every indicator line of the project, typed (one loop: 100,000 lines a run)."""
        record = self.record
        fields = self.fields
        if fields is None:
            return []
        file, sheet = record.file, record.sheet
        typed_cache = self.typed_cache
        target_at, actual_at, weight_at, score_at = self.cell_letters
        lines = []
        append = lines.append
        for rec in record.indicators:
            (nature_raw, unit_raw, target_raw, actual_raw, weight_raw, score_raw, name_raw,
             level1_raw, level2_raw) = fields(rec)
            key = (type(nature_raw), nature_raw, type(unit_raw), unit_raw, type(target_raw),
                   target_raw, type(actual_raw), actual_raw)
            typed = typed_cache.get(key)
            if typed is None:
                typed = self._type_values(nature_raw, unit_raw, target_raw, actual_raw)
                if len(typed_cache) < _CACHE_LIMIT:
                    typed_cache[key] = typed
            names = _NAMES.get((name_raw, level1_raw, level2_raw))
            if names is None:
                names = _names(name_raw, level1_raw, level2_raw)
            number = str(rec.row)
            location: dict[str, Any] = {
                "file": file, "sheet": sheet, "row": rec.row,
                "cell_target": target_at and target_at + number,
                "cell_actual": actual_at and actual_at + number,
                "cell_weight": weight_at and weight_at + number,
                "cell_score": score_at and score_at + number, "unit": typed.unit}
            weight = None
            if weight_raw is not None:
                weight = _NUMBERS.get((weight_raw.__class__, weight_raw), _UNCACHED)
                if weight is _UNCACHED:
                    weight = self.number(weight_raw, location["cell_weight"], "分值")
            applicable = not typed.inapplicable and not (
                score_raw.__class__ is str and cell_text(score_raw).lower() in INAPPLICABLE_TEXTS)
            claimed = None
            if applicable and score_raw is not None:
                claimed = _NUMBERS.get((score_raw.__class__, score_raw), _UNCACHED)
                if claimed is _UNCACHED:
                    claimed = self.number(score_raw, location["cell_score"], "得分")
            if not applicable:
                append(IndicatorInput(names[0], names[1], names[2], None, None,
                                      typed.target_text, None, typed.actual_text, None, weight,
                                      None, False, False, location))
                continue
            append(IndicatorInput(names[0], names[1], names[2], typed.op, typed.target,
                                  typed.target_text, typed.actual, typed.actual_text,
                                  typed.actual_tier, weight, claimed, True, typed.actual_has_op,
                                  location))
            if typed.flagged:
                self._flag(typed, location, names[0])
        return lines

    def number(self, raw: Any, a1: str | None, field_zh: str) -> Decimal | None:
        """A weight or score cell as a Decimal (None for a blank; R-UNPARSEABLE when it is no
        number).  Repeated values are looked up in ``_NUMBERS`` first."""
        if raw.__class__ is str and not raw.strip():
            return None
        parsed = parse_value(raw, role="number")
        if parsed.number is None and not parsed.placeholder:
            self.finding("R-UNPARSEABLE", a1, parsed.text, field=field_zh, detail="")
            return None
        if parsed.notes:  # 1.2E+05: reported for each cell, so never kept
            return self.checked(parsed, a1)
        if raw.__class__ in _CACHED_NUMBER_TYPES and len(_NUMBERS) < _CACHE_LIMIT:
            _NUMBERS[(raw.__class__, raw)] = parsed.number
        return parsed.number

    def _flag(self, typed: _Typed, location: dict[str, Any], name: str) -> None:
        """What a line's typed cells say beyond their values: a 时效 line, placeholders, a
        0.92 written for 92 %, a number written 1.2E+05."""
        if typed.timeliness:
            location["timeliness"] = True
            location["written_op"] = typed.written_op
        if typed.target_placeholder:
            self.finding("R-PLACEHOLDER", location["cell_target"], typed.target_text)
        if typed.actual_placeholder:
            self.finding("R-PLACEHOLDER", location["cell_actual"], typed.actual_text)
        if typed.fraction_of is not None:
            self.finding("S-ACTUAL-AS-FRACTION", location["cell_actual"], typed.fraction_of,
                         name=name, raw=typed.fraction_of, percent=typed.actual_text)
        for role, text, number in typed.written_out:
            self.finding("V-SCIENTIFIC", location[f"cell_{role}"], text, number=number)

    def checked(self, parsed: ParsedValue, a1: str | None) -> Decimal | None:
        """A number cell's value, with V-SCIENTIFIC when it was written as 1.2E+05 (once per
        cell: a form's amounts are read as fields and again from its money block)."""
        number = _written_out(parsed)
        if number is not None and a1 not in self.scientific_cells:
            self.scientific_cells.add(a1)
            self.finding("V-SCIENTIFIC", a1, parsed.text, number=number)
        return parsed.number

    def _type_values(self, nature_raw: Any, unit_raw: Any, target_raw: Any,
                     actual_raw: Any) -> _Typed:
        nature_text = "".join(cell_text(nature_raw).split())
        unit_text = cell_text(unit_raw) or None
        target = parse_value(target_raw, role="target", unit=unit_text, year=self.year)
        actual = parse_value(actual_raw, role="actual", unit=unit_text or target.unit,
                             year=self.year)
        unit = target.unit or actual.unit or unit_text
        inapplicable = (nature_text in INAPPLICABLE_TEXTS
                        or actual.text.lower() in INAPPLICABLE_TEXTS
                        or target.text.lower() in INAPPLICABLE_TEXTS)
        nature = normalise_nature(nature_text) if nature_text else None
        if nature == "定量":
            op = None
        elif nature in _NATURE_FIXES_OP:
            op = nature
        else:
            op = normalise_op(nature_text) if nature_text else None
        if op is None:
            if target.kind == "number":
                op = target.op
            elif target.kind in _DATE_KINDS and actual.kind in _DATE_KINDS:
                op = "date"
            elif target.kind in ("qualitative", "text") or actual.kind == "qualitative":
                op = QUALITATIVE
        written_out: tuple[tuple[str, str, str], ...] = ()
        if target_raw.__class__ is str or actual_raw.__class__ is str:  # only text is 1.2E+05
            written_out = tuple((role, parsed.text, number) for role, parsed in
                                (("target", target), ("actual", actual))
                                if (number := _written_out(parsed)) is not None)

        def typed(op: str | None, target_number: Decimal | None = None,
                  actual_number: Decimal | None = None, actual_text: str = actual.text,
                  actual_tier: str | None = None, actual_has_op: bool = False,
                  timeliness: bool = False, fraction_of: str | None = None,
                  written_op: str | None = None) -> _Typed:
            flagged = (timeliness or target.placeholder or actual.placeholder
                       or fraction_of is not None or bool(written_out))
            return _Typed(inapplicable, op, target_number, target.text, actual_number,
                          actual_text, actual_tier, actual_has_op, unit, timeliness,
                          target.placeholder, actual.placeholder, fraction_of, written_op,
                          written_out, flagged)

        if op == "date" or (op in ("≤", "<", "=") and target.kind in _DATE_KINDS
                            and actual.kind in _DATE_KINDS):
            # 时效 lines with dates (DOMAIN.md §4.4 gives no formula): on or before the
            # target date scores the full weight, later scores 0 ([设计], README).
            if target.date is not None and actual.date is not None:
                on_time = actual.date <= target.date
            else:
                on_time = (actual.month or 13) <= (target.month or 0)
            written = op if op in ("≤", "<", "=") else target.op
            return typed("≥", ONE, ONE if on_time else ZERO, timeliness=True,
                         written_op=written)
        if op == QUALITATIVE:
            tier = actual.tier if actual.tier in self.tier_names \
                else self.rules.normalise_tier(actual.text)
            return typed(op, actual_tier=tier)
        number = actual.number
        actual_text = actual.text
        fraction_of = None
        if (target.unit == "%" and number is not None and target.number is not None
                and type(actual_raw) in (int, float) and ZERO < number <= ONE < target.number):
            # A percent-formatted cell holds 0.9 for 90 %: read it as the percentage it shows.
            number = number * HUNDRED
            actual_text = f"{number.normalize():f}%"
            fraction_of = actual.text
        return typed(op, target.number, number, actual_text, fraction_of=fraction_of,
                     actual_has_op="V-ACTUAL-HAS-OP" in actual.note_codes)


def _written_out(parsed: ParsedValue) -> str | None:
    """The number a cell in scientific notation was read as (V-SCIENTIFIC), else None."""
    for note in parsed.notes:
        if note.code == "V-SCIENTIFIC":
            return note.params["number"]
    return None


def _money(typing: _Typing, name: str) -> tuple[Decimal | None, Cell | None]:
    record = typing.record
    cell = record.fields.get(name)
    if cell is None or cell.empty:
        return None, cell
    unit = record.units.get(name) or record.units.get("money")
    return typing.checked(parse_money(cell.value, to_unit=MONEY_UNIT, header_unit=unit),
                          cell.a1), cell


def _number(typing: _Typing, name: str) -> tuple[Decimal | None, Cell | None]:
    cell = typing.record.fields.get(name)
    if cell is None or cell.empty:
        return None, cell
    return typing.checked(parse_value(cell.value, role="number"), cell.a1), cell


def self_eval_input(record: ProjectRecord, rules: ScoreRules, *,
                    raw_rows: list[list[Any]] | None = None,
                    year: int | None = None) -> SelfEvalInput:
    """Type one 自评表 project for scoring (DOMAIN.md §4.7).

    ``raw_rows`` is the sheet's raw grid (``RawSheet.rows``) for a form-layout project: the
    money block and the 总分 row are read from it.  Without it, or in list layout, the
    reader's fields are used: 全年预算数 (else 资金总额), 全年执行数, 预算执行率得分, 自评总分.
    """
    typing = _Typing(record, rules, year)
    indicators = typing.lines()
    result = SelfEvalInput(
        file=record.file, sheet=record.sheet, name=record.name, department=record.department,
        code=record.text("project_code"), implementing_unit=record.text("implementing_unit"),
        layout=record.layout, indicators=indicators, claimed_grade=record.text("grade"),
        findings=typing.findings)

    budget, _ = _money(typing, "adjusted_budget")
    if budget is None:
        budget, _ = _money(typing, "total_funds")
    executed, executed_cell = _money(typing, "executed")
    initial, _ = _money(typing, "initial_budget")
    claimed_execution, score_cell = _number(typing, "execution_score")
    claimed_total, total_cell = _number(typing, "claimed_total")
    result.budget, result.executed, result.initial_budget = budget, executed, initial
    result.claimed_execution, result.claimed_total = claimed_execution, claimed_total
    result.execution_cell = (score_cell.a1 if score_cell is not None else
                             executed_cell.a1 if executed_cell is not None else None)
    result.total_cell = total_cell.a1 if total_cell is not None else None
    result.executed_cell = executed_cell.a1 if executed_cell is not None else None
    grade_cell = record.fields.get("grade")
    result.grade_cell = grade_cell.a1 if grade_cell is not None else None

    if raw_rows is not None and record.layout == FORM:
        _from_form_grid(result, typing, raw_rows)
    if (result.written_execution_weight is not None
            and result.written_execution_weight != rules.execution_weight):
        typing.finding("S-EXEC-WEIGHT-DIFFERS", None, plain_decimal(result.written_execution_weight),
                       written=plain_decimal(result.written_execution_weight),
                       configured=plain_decimal(rules.execution_weight))
    return result


def _from_form_grid(result: SelfEvalInput, typing: _Typing,
                    raw_rows: list[list[Any]]) -> None:
    record = typing.record
    first_indicator = min((rec.row for rec in record.indicators), default=None)
    stop = first_indicator - 1 if first_indicator is not None else None
    block = extract_money_block(raw_rows, unit=record.units.get("money"), stop_row=stop)
    if block is not None:
        for role, parsed in block.parsed.items():
            typing.checked(parsed, block.cells[role])
        if "budget" in block.cells:
            result.budget = block.budget
        elif "initial_budget" in block.cells and result.budget is None:
            result.budget = block.initial_budget
        if "executed" in block.cells:
            result.executed = block.executed
            result.executed_cell = block.cells["executed"]
        if "initial_budget" in block.cells:
            result.initial_budget = block.initial_budget
        if "score" in block.columns:  # a blank 得分 cell means no claim, with its address
            result.claimed_execution = block.claimed_score
        result.written_execution_weight = block.weight
        result.execution_cell = block.columns.get("score") or block.columns.get("executed") \
            or result.execution_cell
    if not record.indicators:
        return
    score_cells = [rec.cells["score"] for rec in record.indicators if "score" in rec.cells]
    if not score_cells:
        return
    last_row = max(rec.row for rec in record.indicators) - 1
    found = extract_claimed_total(raw_rows, score_col=score_cells[0].col - 1, after_row=last_row)
    if found is not None:
        raw, cell = found
        result.claimed_total = None if raw is None else \
            typing.checked(parse_value(raw, role="number"), cell)
        result.total_cell = cell


# --------------------------------------------------------------------------- aggregation

def _is_rate(ind: IndicatorInput) -> bool:
    unit = ind.location.get("unit")
    return unit == "%" or "%" in ind.target_text or "%" in ind.actual_text


def aggregate_units(inputs: list[SelfEvalInput]) -> SelfEvalInput:
    """One summary 自评 over several units' tables of the same project (DOMAIN.md §4.4, §8 ex. 10).

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
            location={"file": "、".join(sorted({unit.file for unit in inputs})),
                      "sheet": "汇总", "unit": head.location.get("unit"),
                      "units": len(parts)})
        applicable = [(ind, amount) for ind, amount in parts if ind.applicable]
        if normalise_op(head.op) == QUALITATIVE:
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
        executed=aggregate_count(executed) if executed else None)


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
