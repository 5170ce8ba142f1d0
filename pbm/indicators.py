"""Typed indicators: what an indicator line's cells mean — one answer for validate, monitor
and score.

A line's 指标性质 (计算符号), 计量单位, 指标值 and 实际完成值 cells are typed together: the operator
the line is judged by, the target and the actual value (the one value parser,
:func:`pbm.values.parse_value`), whether the line applies at all, and what had to be decided on
the way — a percentage written as a fraction, a number in scientific notation, a 时效 line
judged by dates.  Weights and scores (分值, 得分), names and 一级/二级 categories are typed the
same way.  Each distinct raw value (or combination of the four cells) is typed once per run, in
the :class:`Typing` object of that run; nothing is kept between runs.

Where the operator comes from: templates write it inside the 指标值 cell (``≥95%``, ``≤90万元``;
the vendor's rule reads the first number with the operator before it), so a written operator
wins; else the 指标性质 column (≥ > ≤ < =, 定性, 定量(其他)); else the target implies it — a
number without an operator means "higher is better" (≥), a target of 0 means "= 0", a date
means a deadline, a text means a qualitative line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pbm.values import ParsedValue, cell_text, money_unit, parse_money, parse_value
from pbm.values.placeholders import INAPPLICABLE_TEXTS
from pbm.values.text import simplified
from pbm.values.units import DURATION_UNITS
from pbm.workbook.table import IndicatorTable, ProjectRead, is_blank

#: 指标性质 as templates spell it (after NFKC, without spaces) → ≥ > ≤ < = 定性 定量 定量(其他) 不适用.
NATURES = {
    "≥": "≥", ">=": "≥", "≧": "≥", "大于等于": "≥", "正向": "≥", "正向指标": "≥",
    ">": ">", "大于": ">",
    "≤": "≤", "<=": "≤", "≦": "≤", "小于等于": "≤", "反向": "≤", "反向指标": "≤",
    "<": "<", "小于": "<", "=": "=", "==": "=", "等于": "=",
    "定性": "定性", "定性指标": "定性", "定量(其他)": "定量(其他)", "定量": "定量",
    "定量指标": "定量", "不适用": "不适用",
}
COMPARISONS = frozenset({"≥", ">", "≤", "<", "="})
POSITIVE = frozenset({"≥", ">"})
REVERSE = frozenset({"≤", "<"})
QUALITATIVE = "定性"
OTHER_QUANTITATIVE = "定量(其他)"
#: 指标性质 values of lines that are not quantified.
QUALITATIVE_NATURES = frozenset({QUALITATIVE, OTHER_QUANTITATIVE, "不适用"})
_DATE_KINDS = ("date", "month")
_PLAIN_FRACTION = re.compile(r"0?\.[0-9]+|1(?:\.0+)?")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_ZERO = Decimal(0)

#: Older or informal names of 一级/二级 categories → the names of the 2020 indicator framework.
LEVEL_SYNONYMS = {"环境效益指标": "生态效益指标", "社会公众或服务对象满意度指标": "服务对象满意度指标",
                  "产出(工作量)指标": "产出指标", "效果指标": "效益指标", "满意度": "满意度指标",
                  "服务对象满意度": "服务对象满意度指标"}
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalise_nature(text: str) -> str | None:
    """The 指标性质 a text names (``正向指标`` → ≥, ``＞=`` → ≥), else the text itself; None
    when blank."""
    compact = simplified("".join(unicodedata.normalize("NFKC", text).split()))
    if not compact:
        return None
    return NATURES.get(compact, compact)


def normalise_op(op: str | None) -> str | None:
    """The canonical operator (≥ > ≤ < = 定性 …) of a spelling, by the same table."""
    return None if op is None else normalise_nature(op)


#: Points written into a category cell: ``成本指标(0-20)分``, ``产出指标(50分)``, ``(30分)``.
_LEVEL_POINTS = re.compile(r"[(]\s*(\d+(?:\.\d+)?)(?:\s*[-~—–至]\s*(\d+(?:\.\d+)?))?\s*分?\s*[)]"
                           r"\s*分?$|(\d+(?:\.\d+)?)\s*分$")


@lru_cache(maxsize=4096)
def normalise_level(text: str) -> str:
    """一级/二级 category names as the framework writes them: ``产出`` → ``产出指标``, older
    names → the 2020 ones, traditional characters as simplified ones (``質量指標``), points
    written into the cell dropped (``成本指标(0-20)分``)."""
    compact = simplified(_SPACES.sub("", unicodedata.normalize("NFKC", text or "")))
    compact = _LEVEL_POINTS.sub("", compact)
    compact = LEVEL_SYNONYMS.get(compact, compact)
    if compact and not compact.endswith("指标"):
        compact = LEVEL_SYNONYMS.get(compact + "指标", compact + "指标")
    return compact


@lru_cache(maxsize=4096)
def level_points(text: str) -> Decimal | None:
    """The points a category cell gives its lines (``产出指标(50分)`` → 50; of a range
    ``(0-20)分`` the upper end), else None."""
    match = _LEVEL_POINTS.search(_SPACES.sub("", unicodedata.normalize("NFKC", text or "")))
    if match is None:
        return None
    low, high, bare = match.groups()
    return Decimal(high or low or bare)


@dataclass(frozen=True, slots=True, eq=False)
class TypedLine:
    """What one combination of 指标性质 / 计量单位 / 指标值 / 实际完成值 cells means (one object
    per combination in a run, so it is compared and looked up by identity).

    ``op`` is what the line is judged by: ≥ > ≤ < =, 定性, 定量(其他) (scored by hand),
    ``date`` (a deadline judged by dates without an operator), or None (no target).
    ``actual`` is the cell as read, except that a fraction under a percentage target (a cell
    formatted as % holds 0.92 for 92 %) is read as the percentage it shows (``fraction_of``
    keeps the cell's own text).  ``on_time`` is set for a 时效 line with a date on both sides.
    ``scientific`` lists the cells written in scientific notation: (field, text, number)."""

    nature: str | None
    unit: str
    target: ParsedValue
    actual: ParsedValue
    op: str | None
    inapplicable: bool
    fraction_of: str | None
    on_time: bool | None
    scientific: tuple[tuple[str, str, str], ...]

    @property
    def quantitative(self) -> bool:
        """Counted as a quantified indicator (指标量化): by its 指标性质, else its target."""
        if self.nature in QUALITATIVE_NATURES:
            return False
        if self.nature in COMPARISONS or self.nature == "定量":
            return True
        return self.target.kind == "number"

    @property
    def comparison(self) -> str | None:
        """The comparison the target states — also for a qualitative or 时效 line (monitor's
        lights, drift): :func:`comparison`."""
        return comparison(self.target, self.nature)

    @property
    def timeliness(self) -> bool:
        return self.on_time is not None


def comparison(target: ParsedValue, nature: str | None) -> str | None:
    """The comparison a target states: written in the cell, else by 指标性质 (≥ > ≤ < =),
    else implied (≥, or = for a target of 0)."""
    if target.op is not None and not target.op_implied:
        return target.op
    if nature in COMPARISONS:
        return nature
    return target.op


def scientific_number(parsed: ParsedValue) -> str | None:
    """The number a cell in scientific notation was read as (V-SCIENTIFIC), else None."""
    for note in parsed.notes:
        if note.code == "V-SCIENTIFIC":
            return note.params["number"]
    return None


def _op(nature: str | None, target: ParsedValue, actual: ParsedValue) -> str | None:
    if target.op is not None and not target.op_implied:
        return target.op  # written in the cell
    if nature in COMPARISONS or nature in (QUALITATIVE, OTHER_QUANTITATIVE):
        return nature
    if target.kind == "number":
        return target.op  # implied: ≥, or = for a target of 0
    if target.kind in _DATE_KINDS and actual.kind in _DATE_KINDS:
        return "date"
    if target.kind in ("qualitative", "text") or actual.kind == "qualitative":
        return QUALITATIVE
    return None


#: What a line's category says about its target: a 成本 line is a cap, a 时效 line a limit.
COST, TIMELINESS = "成本", "时效"
_COST_LEVELS = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})


def line_category(level1: str, level2: str) -> str | None:
    """成本 or 时效 for a line under those categories (normalised names), else None."""
    if level2 in _COST_LEVELS or level1 == "成本指标":
        return COST
    if level2 == "时效指标":
        return TIMELINESS
    return None


def type_line(nature_raw: Any, unit_raw: Any, target_raw: Any, actual_raw: Any,
              year: int | None = None, category: str | None = None) -> TypedLine:
    """Type the four cells of one line (see :class:`TypedLine`); ``category`` is the line's
    :func:`line_category`."""
    nature_text = "".join(cell_text(nature_raw).split())
    unit = cell_text(unit_raw)
    target = parse_value(target_raw, role="target", unit=unit or None, year=year)
    nature = normalise_nature(nature_text) if nature_text else None
    if category is not None and target.number is not None:
        target = _by_category(target, nature, category)
    actual = parse_value(actual_raw, role="actual", unit=unit or target.unit, year=year)
    inapplicable = (nature_text in INAPPLICABLE_TEXTS or actual.text.lower() in INAPPLICABLE_TEXTS
                    or target.text.lower() in INAPPLICABLE_TEXTS)
    scientific = tuple((name, parsed.text, number) for name, raw, parsed in
                       (("target", target_raw, target), ("actual", actual_raw, actual))
                       if isinstance(raw, str) and (number := scientific_number(parsed)))
    op = _op(nature, target, actual)
    fraction_of = None
    if (target.unit == "%" and actual.number is not None and target.number is not None
            and _ZERO < actual.number <= _ONE < target.number
            and (type(actual_raw) in (int, float) or (
                isinstance(actual_raw, str) and _PLAIN_FRACTION.fullmatch(actual.text)))):
        # A percent-formatted cell holds 0.92 for 92 %, a text cell "0.9" written the same way:
        # read it as the percentage it shows.
        fraction_of = actual.text
        actual = parse_value(f"{(actual.number * _HUNDRED).normalize():f}%", role="actual",
                             unit=unit or target.unit, year=year)
    on_time = None
    if target.kind in _DATE_KINDS and actual.kind in _DATE_KINDS and \
            op in ("date", "≤", "<", "="):
        # A deadline: on or before the target date (or month) is on time.
        if target.date is not None and actual.date is not None:
            on_time = actual.date <= target.date
        else:
            on_time = (actual.month or 13) <= (target.month or 0)
    return TypedLine(nature, unit, target, actual, op, inapplicable, fraction_of, on_time,
                     scientific)


def _by_category(target: ParsedValue, nature: str | None, category: str) -> ParsedValue:
    """A 成本 target without an operator is a cap (≤), its ``万`` 万元; a 时效 target given as
    a bare duration (``3个工作日``) is a limit (≤) — where 指标性质 says nothing else."""
    changes: dict[str, Any] = {}
    money = money_unit(target.unit) if category == COST else None
    if money is not None and money != target.unit:
        changes["unit"] = money  # 250万 is 250万元
    capped = target.op_implied and nature not in COMPARISONS and (
        category == COST or (category == TIMELINESS and target.unit in DURATION_UNITS))
    if capped and target.op != "=":
        meaning = ("成本指标，不超过即达成", "a cost: at most") if category == COST else \
            ("时效指标，在时限内即达成", "a time limit: at most")
        changes["op"] = "≤"
        changes["notes"] = tuple(
            replace(note, params={**note.params, "op": "≤", "meaning": meaning[0],
                                  "meaning_en": meaning[1]})
            if note.code == "V-OP-IMPLIED" else note for note in target.notes)
    return replace(target, **changes) if changes else target


class Typing:
    """The typing of one run: every distinct raw value (or four cells of a line) typed once,
    whichever table it is met in.  ``year`` is the year a bare month (``9月底``) belongs to."""

    def __init__(self, year: int | None = None):
        self.year = year
        self._lines: dict[Any, TypedLine] = {}
        self._values: dict[str, dict[Any, Any]] = {"number": {}, "text": {}, "level": {}}
        self._money: dict[tuple, ParsedValue] = {}

    def table(self, table: IndicatorTable) -> TypedTable:
        return TypedTable(self, table)

    def number(self, raw: Any) -> ParsedValue | None:
        """A weight or score cell (分值, 得分, 权重) as a number; None when blank."""
        known = self._values["number"]
        key = (raw.__class__, raw)
        if key not in known:
            known[key] = _number(raw)
        return known[key]

    def money(self, project: ProjectRead, name: str, to_unit: str = "万元") -> ParsedValue | None:
        """A project amount converted to ``to_unit`` from the unit its label or the sheet's
        金额单位 writes; None when the cell is blank or absent."""
        cell = project.fields.get(name)
        if cell is None or cell.empty:
            return None
        unit = project.units.get(name) or project.units.get("money")
        key = (cell.value.__class__, cell.value, unit, to_unit)
        parsed = self._money.get(key)
        if parsed is None:
            parsed = self._money[key] = parse_money(cell.value, to_unit=to_unit, header_unit=unit)
        return parsed

    def _typed(self, kind: str, raw: list[Any]) -> list[Any]:
        """``raw`` typed as ``kind``, each distinct value once (a logical TRUE kept apart from
        1, which it equals)."""
        known = self._values[kind]
        keys = [(v.__class__, v) for v in raw] if _has_logical(raw) else raw
        convert = _CONVERT[kind]
        for key, value in zip(keys, raw):
            if key not in known:
                known[key] = convert(value)
        return [known[key] for key in keys]

    def _typed_lines(self, columns: list[list[Any]], categories: list[str | None]
                     ) -> list[TypedLine]:
        raw = list(zip(*columns, categories))
        keys = raw
        if any(_has_logical(column) for column in columns):
            keys = list(zip(*[[(v.__class__, v) for v in column] for column in columns],
                            categories))
        known = self._lines
        for key, (*cells, category) in zip(keys, raw):
            if key not in known:
                known[key] = type_line(*cells, year=self.year, category=category)
        return [known[key] for key in keys]


def _has_logical(column: list[Any]) -> bool:
    """A TRUE/FALSE cell among the values (it equals 1/0 as a key)."""
    return bool in set(map(type, column))


def _number(raw: Any) -> ParsedValue | None:
    return None if is_blank(raw) else parse_value(raw, role="number")


_CONVERT = {"number": _number, "text": cell_text,
            "level": lambda raw: normalise_level(cell_text(raw))}


class TypedTable:
    """One table's columns typed by a run's :class:`Typing`, each column when first asked
    for; a project's lines are a slice of them."""

    def __init__(self, typing: Typing, table: IndicatorTable):
        self.typing = typing
        self.table = table
        self._columns: dict[tuple[str, str], list[Any]] = {}

    def _column(self, kind: str, name: str) -> list[Any]:
        column = self._columns.get((kind, name))
        if column is None:
            if kind == "line":
                categories = [None] * len(self.table)
                if self.table.has("level1") or self.table.has("level2"):
                    categories = list(map(line_category, self._column("level", "level1"),
                                          self._column("level", "level2")))
                column = self.typing._typed_lines([self.table.column(field) for field in
                                                   ("nature", "unit", "target", "actual")],
                                                  categories)
            else:
                column = self.typing._typed(kind, self.table.column(name))
            self._columns[(kind, name)] = column
        return column

    def lines(self, project: ProjectRead) -> list[TypedLine]:
        """The typed cells of each of the project's lines."""
        return self._column("line", "")[project.start:project.stop]

    def numbers(self, project: ProjectRead, name: str) -> list[ParsedValue | None]:
        """A weight or score column as numbers (None for a blank)."""
        return self._column("number", name)[project.start:project.stop]

    def texts(self, project: ProjectRead, name: str) -> list[str]:
        return self._column("text", name)[project.start:project.stop]

    def levels(self, project: ProjectRead, name: str) -> list[str]:
        """一级/二级 names as the framework writes them (``产出`` → ``产出指标``)."""
        return self._column("level", name)[project.start:project.stop]
