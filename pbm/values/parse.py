""":func:`parse_value`: one cell of any type — text, number, date, bool, blank — in one role
(a 指标值 target, a 完成值 actual, a plain number, a date or text) parsed into a
:class:`~pbm.values.model.ParsedValue`, with the cached fast paths of the common cells."""

from __future__ import annotations

import datetime
import numbers
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from pbm.values.dates import _excel_serial_date, _parse_date_text
from pbm.values.model import (
    ROLES,
    Note,
    ParsedValue,
    _bounded,
    _formula,
    _note,
    _placeholder,
    _unparseable,
    _value,
)
from pbm.values.money import _convert_money, _money_unit
from pbm.values.number_text import (
    _HAS_DIGIT_RE,
    _KNOWN_UNIT_SET,
    _NUMBER_RE,
    _SIMPLE_HEAD_RE,
    _parse_number_text,
    _scientific,
    chinese_durations,
)
from pbm.values.placeholders import _is_formula_text, _is_placeholder_text, qualitative_tier
from pbm.values.text import (
    _normalise_str,
    _number_cell_text,
    _safe_text,
    normalise_text,
    simplified,
)
from pbm.values.units import _SYMBOL_OPS, _UNIT_CANON, _normalise_unit_cached


def parse_value(raw: object, *, role: str = "target", unit: str | None = None,
                year: int | None = None) -> ParsedValue:
    """Parse one cell.  Never raises.

    ``role``: ``"target"`` (指标值: a missing operator means ≥ — 正向, higher is better — with
    ``op_implied`` and an info note V-OP-IMPLIED), ``"actual"`` (实际/当前完成值, a measured
    value, so a written operator is kept with a warning V-ACTUAL-HAS-OP), ``"number"`` (a plain
    number such as a weight; anything else is noted R-UNPARSEABLE), ``"date"`` (Excel serials
    become dates) or ``"text"``.  ``unit``: the column's unit when known (header ``指标值(%)``
    or the 计量单位 cell), used when the cell writes none; money is converted to it.
    ``year``: the year a bare month (``9月底``) belongs to.
    """
    try:
        kind_of_raw = type(raw)
        if kind_of_raw is str:
            return _parse_str_cached(raw, role, unit, year)
        if role not in ROLES:
            role = "target"
        if unit is not None:
            unit = _normalise_unit_cached(unit)
        if kind_of_raw is float or kind_of_raw is int:
            return _parse_number_cached(raw, kind_of_raw, role, unit)
        if not isinstance(year, int) or isinstance(year, bool):
            year = None
        return _parse_other(raw, role, unit, year)
    except Exception as exc:  # safety net: a parser bug must not stop a 100,000-row run
        return _unparseable(raw, _safe_text(raw), role, internal=repr(exc))


def _parse_number_cell(raw: int | float | Decimal, role: str, unit: str | None) -> ParsedValue:
    converted = _number_cell_text(raw)
    if converted is None:
        return _unparseable(raw, normalise_text(raw), role)
    text, number = converted
    if role == "target":
        if unit is None or _money_unit(unit) is None:
            implied, note = _implied_op_note(text, number)
            return _value(raw, text, "number", implied, number, unit, op_implied=True,
                          notes=(note,))
        return _number_result(raw, text, role, number, None, None, None, unit)
    if role == "actual" or role == "number":
        return _value(raw, text, "number", None, number, unit)
    if role == "date":
        day = _excel_serial_date(number)
        if day is None:
            return _unparseable(raw, text, role)
        return _value(raw, text, "date", date=day, month=day.month)
    return _value(raw, text, "text")


def _parse_other(raw: object, role: str, unit: str | None, year: int | None) -> ParsedValue:
    """Cells that are neither exactly str, int nor float: None, bool, dates, Decimal, subclasses."""
    if raw is None:
        return _value(raw, "", "missing")
    if isinstance(raw, bool):
        text = normalise_text(raw)
        if role in ("number", "date"):
            return _unparseable(raw, text, role)
        if role == "text":
            return _value(raw, text, "text")
        return _value(raw, text, "qualitative", tier="是" if raw else "否")
    if isinstance(raw, (int, float, Decimal)):
        return _parse_number_cell(raw, role, unit)
    if isinstance(raw, datetime.date):  # datetime.datetime included
        text = normalise_text(raw)
        if role == "number":
            return _unparseable(raw, text, role)
        day = raw.date() if isinstance(raw, datetime.datetime) else raw
        return _value(raw, text, "date", date=day, month=day.month)
    if isinstance(raw, str):
        return _parse_str(raw, role, unit, year)
    if isinstance(raw, numbers.Real):  # numpy/pandas scalars from a DataFrame-based reader
        plain = int(raw) if isinstance(raw, numbers.Integral) else float(raw)
        return replace(_parse_number_cell(plain, role, unit), raw=raw)
    text = normalise_text(raw)  # time, timedelta or anything else: kept as text
    if not text:
        return _value(raw, text, "missing")
    if role in ("number", "date"):
        return _unparseable(raw, text, role)
    return _value(raw, text, "text")


@lru_cache(maxsize=1 << 16)
def _parse_number_cached(raw: int | float, kind: type, role: str,
                         unit: str | None) -> ParsedValue:
    # ``kind`` keeps 1 and 1.0 apart (they hash alike); results are read-only.
    return _parse_number_cell(raw, role, unit)


@lru_cache(maxsize=1 << 16)
def _parse_str_cached(raw: str, role: str, unit: str | None, year: int | None) -> ParsedValue:
    # Keyed by the raw text: equal strings give the same (read-only) result object.
    if role not in ROLES:
        role = "target"
    if unit is not None:
        unit = _normalise_unit_cached(unit)
    if not isinstance(year, int) or isinstance(year, bool):
        year = None
    return _parse_str(raw, role, unit, year)


def _parse_str(raw: str, role: str, unit: str | None, year: int | None) -> ParsedValue:
    """A text cell parsed as its simplified-character form (``不超過`` is ``不超过``), a
    duration in Chinese numerals as digits (``半小时内`` is ``0.5小时内``); its text kept as
    written."""
    text = _normalise_str(raw)
    plain = simplified(text)
    if role in ("target", "actual") and _HAS_DIGIT_RE.search(plain) is None:
        plain = chinese_durations(plain)  # 三小时内 is 3小时内
    parsed = _bounded(_parse_text_cell(raw, plain, role, unit, year), raw, role)
    return parsed if plain == text else replace(parsed, text=text)


def _implied_op_note(text: str, number: Decimal) -> tuple[str, Note]:
    """The operator a target without one means (正向: higher is better), except a target of
    0 (事故 0 起, 投诉 0 件): "≥ 0" would be met by anything, so it means "= 0" (an 等于
    target of 0 scores full marks only when the actual is 0, as fiscal-software vendors'
    scoring rules have it)."""
    if number == 0:
        return "=", _note("V-OP-IMPLIED", {"value": text, "op": "=",
                                           "meaning": "目标为 0，超过即未达成",
                                           "meaning_en": "a target of 0: anything above misses it"})
    return "≥", _note("V-OP-IMPLIED", {"value": text, "op": "≥", "meaning": "正向指标，越高越好",
                                       "meaning_en": "higher is better"})


def _number_result(raw: object, text: str, role: str, number: Decimal, op: str | None,
                   unit: str | None, high: Decimal | None,
                   column_unit: str | None) -> ParsedValue:
    """A number cell's result: the column unit, money conversion, the implied operator of a
    target (正向 when none is written) and the operator warning of an actual (the monitoring
    form asks for a measured number: 定量填数字)."""
    if high is None and (column_unit is None
                         or (unit is None and _money_unit(column_unit) is None)):
        # The usual shapes, kept short: no range, no money unit to reconcile.
        unit = unit or column_unit
        if op is None:
            if role == "target":
                implied, note = _implied_op_note(text, number)
                return _value(raw, text, "number", implied, number, unit, None, None, None, False,
                              True, (note,))
            return _value(raw, text, "number", None, number, unit)
        if role == "actual":
            return _value(raw, text, "number", op, number, unit, None, None, None, False, False,
                          (_note("V-ACTUAL-HAS-OP", {"value": text, "op": op, "number": number}),))
        return _value(raw, text, "number", op, number, unit)
    notes: list[Note] = []
    written_op = op
    low = number
    op_implied = False
    if unit is None:
        unit = column_unit
    elif column_unit is not None:
        # Money written in another unit than the column's: convert, and say so.
        cell_money = _money_unit(unit)
        column_money = _money_unit(column_unit)
        if cell_money and column_money:
            if cell_money != column_money:
                number = _convert_money(number, cell_money, column_money)
                notes.append(_note("V-MONEY-CONVERTED", {"value": text, "from_unit": cell_money,
                                                         "to_unit": column_money,
                                                         "number": number}))
            unit = column_money
    if high is not None:
        # A range such as 90%-95%: the lower bound is what can be checked (≥ for a target).
        notes.append(_note("V-RANGE", {"value": text, "low": low, "high": high}))
        if op is None and role == "target":
            op = "≥"
    elif op is None and role == "target":
        op, note = _implied_op_note(text, number)
        op_implied = True
        notes.append(note)
    if role == "actual" and written_op is not None:
        notes.append(_note("V-ACTUAL-HAS-OP", {"value": text, "op": written_op,
                                               "number": number}))
    return _value(raw, text, "number", op, number, unit, op_implied=op_implied,
                  notes=tuple(notes))


def _parse_text_cell(raw: object, text: str, role: str, unit: str | None,
                     year: int | None) -> ParsedValue:
    if not text:
        return _value(raw, text, "missing")
    if ("e" in text or "E" in text) and role != "text" and role != "date":
        written_out = _scientific(raw, text, role,
                                  lambda plain: _parse_text_cell(raw, plain, role, unit, year))
        if written_out is not None:
            return written_out
    if role == "target" or role == "actual" or role == "number":
        head = _SIMPLE_HEAD_RE.match(text)
        if head:
            rest = text[head.end():]
            if not rest or rest in _KNOWN_UNIT_SET:
                symbol, digits = head.groups()
                # "2026.09" is left to the date rules below (a month), except for numbers.
                if rest or role == "number" or len(digits) < 6 or digits[4] != "." \
                        or not digits[:4].isdigit():
                    return _number_result(raw, text, role, Decimal(digits),
                                          _SYMBOL_OPS[symbol] if symbol else None,
                                          _UNIT_CANON.get(rest, rest) if rest else None, None,
                                          unit)
    if _is_formula_text(text):
        return _formula(raw, text)
    if _is_placeholder_text(text):
        return _placeholder(raw, text)
    if role == "text":
        return _value(raw, text, "text")
    has_digit = _HAS_DIGIT_RE.search(text) is not None
    if role != "number" and ("年" in text or "月" in text or has_digit):
        dated = _parse_date_text(text, role, unit, year)
        if dated is not None:
            if dated.kind == "invalid":
                return _unparseable(raw, text, role)
            return _value(raw, text, dated.kind, op=dated.op, date=dated.date, month=dated.month)
    if role == "date":
        if _NUMBER_RE.fullmatch(text):  # an Excel serial stored as text
            day = _excel_serial_date(Decimal(text))
            if day is not None:
                return _value(raw, text, "date", date=day, month=day.month)
        return _unparseable(raw, text, role)
    if has_digit:
        parts = _parse_number_text(text)
        if parts is not None:
            return _number_result(raw, text, role, parts.number, parts.op, parts.unit,
                                  parts.high, unit)
    if role == "number":
        return _unparseable(raw, text, role)
    tier = qualitative_tier(text)
    if tier is not None:
        return _value(raw, text, "qualitative", tier=tier)
    return _value(raw, text, "text")
