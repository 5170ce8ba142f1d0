"""Money: the money units (元/千元/万元/百万元/亿元) and their exact conversion,
:func:`parse_money` for amount cells, and :func:`typed_in_yuan`, the check that a project's
amounts were typed in 元 into a 万元 column."""

from __future__ import annotations

import numbers
import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from pbm.values.model import (
    Note,
    ParsedValue,
    _bounded,
    _formula,
    _note,
    _placeholder,
    _unparseable,
    _value,
)
from pbm.values.number_text import (
    _HAS_DIGIT_RE,
    _PARENS_NEGATIVE_RE,
    _SIMPLE_HEAD_RE,
    _NumberParts,
    _parse_number_text,
    _scientific,
    _ungroup,
)
from pbm.values.placeholders import _is_formula_text, _is_placeholder_text
from pbm.values.text import _normalise_str, _number_cell_text, _safe_text, normalise_text
from pbm.values.units import _normalise_unit, _normalise_unit_cached

# Money units and their size in 元.
_MONEY_FACTORS = {
    "元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
    "百万元": Decimal(1000000), "亿元": Decimal(100000000),
}
_MONEY_ALIASES = {"万": "万元", "亿": "亿元", "千": "千元", "百万": "百万元"}


def _money_unit(unit: str | None) -> str | None:
    """The money unit meant by ``unit`` (元/千元/万元/百万元/亿元, 万 → 万元), else None."""
    if unit is None:
        return None
    unit = _MONEY_ALIASES.get(unit, unit)
    return unit if unit in _MONEY_FACTORS else None


# Every money unit pbm converts, longest first (so 千元 is never read as 元).
MONEY_UNITS = tuple(sorted(_MONEY_FACTORS, key=len, reverse=True))


def money_unit(text: str | None) -> str | None:
    """The money unit a label or note writes (``(千元)``, ``万``, ``亿元``), else None."""
    return _money_unit(_normalise_unit(text))


def _convert_money(number: Decimal, from_unit: str, to_unit: str) -> Decimal:
    # Exact Decimal arithmetic: 3309840.00 元 → 330.984 万元, 1.2 亿元 → 12000 万元.
    return number * _MONEY_FACTORS[from_unit] / _MONEY_FACTORS[to_unit]


#: How far a total may be from the sum of its parts (资金总额 and 财政资金 + 其他资金, 基本支出 +
#: 项目支出) and still agree: half of the last of the two decimals amounts are written with.
SUM_TOLERANCE = Decimal("0.005")


def sums_differ(total: Decimal, parts: Decimal) -> bool:
    """A total that is not the sum of its parts (beyond :data:`SUM_TOLERANCE`)."""
    return abs(total - parts) > SUM_TOLERANCE


#: 10亿元 in 万元: one project's amount at or above it only makes sense as 元 typed into a
#: 万元 column (amounts that only make sense as 元 are converted, and the conversion noted).
YUAN_SUSPECT_WAN = Decimal(100000)


def typed_in_yuan(amount: ParsedValue | None, to_unit: str) -> bool:
    """True when a project's total (or budget), parsed to ``to_unit``, is 10亿元 or more in a
    万元 column whose cell wrote no unit: the whole project's amounts were typed in 元."""
    return (to_unit == "万元" and amount is not None and amount.number is not None
            and amount.number >= YUAN_SUSPECT_WAN and not unit_written(amount))


def unit_written(amount: ParsedValue) -> bool:
    """The amount's cell wrote a unit of its own (``3000元``) and was converted from it."""
    return any(note.code == "V-MONEY-CONVERTED" for note in amount.notes)


def parse_money(raw: object, *, to_unit: str = "万元",
                header_unit: str | None = None) -> ParsedValue:
    """Parse an amount and convert it to ``to_unit``, saying so whenever it converts.

    ``1,234.5``, ``3,309,840.00元``, ``150万``, ``1.2亿元``, ``1234.5``: the unit comes from
    the cell text, else ``header_unit``, else ``to_unit``; 元/千元/万元/亿元 are converted
    exactly with Decimal (1 万元 = 10000 元, 1 亿元 = 10000 万元) and the conversion is noted
    (V-MONEY-CONVERTED).  Negative amounts are returned with a warning V-NEGATIVE.
    Never raises on a cell; a ``to_unit`` that is no money unit is a programming error
    (ValueError).
    """
    target_unit = _money_unit(_normalise_unit_cached(to_unit)) if isinstance(to_unit, str) \
        else None
    if target_unit is None:
        raise ValueError(f"to_unit must be a money unit (元, 万元, 亿元 …), not {to_unit!r}")
    try:
        header = _normalise_unit_cached(header_unit) if isinstance(header_unit, str) else None
        kind_of_raw = type(raw)
        if kind_of_raw is str:
            return _parse_money_text_cached(raw, target_unit, header)
        if kind_of_raw is float or kind_of_raw is int:
            return _money_from_number(raw, target_unit, header)
        if raw is None:
            return _value(raw, "", "missing")
        if isinstance(raw, str):
            return _bounded(_parse_money_text(raw, target_unit, header), raw, "money")
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            return _money_from_number(raw, target_unit, header)
        if isinstance(raw, numbers.Real) and not isinstance(raw, bool):  # numpy/pandas scalars
            plain = int(raw) if isinstance(raw, numbers.Integral) else float(raw)
            return replace(_money_from_number(plain, target_unit, header), raw=raw)
        return _unparseable(raw, _safe_text(raw), "money")
    except Exception as exc:  # safety net, as in parse_value
        return _unparseable(raw, _safe_text(raw), "money", internal=repr(exc))


_CURRENCY_RE = re.compile(r"^(?:¥|RMB|CNY|人民币)\s*|\s*(?:RMB|CNY)$")


@lru_cache(maxsize=1 << 15)
def _parse_money_text_cached(raw: str, to_unit: str, header_unit: str | None) -> ParsedValue:
    return _bounded(_parse_money_text(raw, to_unit, header_unit), raw, "money")


def _parse_money_text(raw: str, to_unit: str, header_unit: str | None) -> ParsedValue:
    text = _normalise_str(raw)
    if not text:
        return _value(raw, text, "missing")
    if _is_formula_text(text):
        return _formula(raw, text)
    if _is_placeholder_text(text):
        return _placeholder(raw, text)
    if not _HAS_DIGIT_RE.search(text):
        return _unparseable(raw, text, "money")
    if "e" in text or "E" in text:
        written_out = _scientific(raw, text, "money",
                                  lambda plain: _parse_money_text(plain, to_unit, header_unit))
        if written_out is not None:
            return written_out
    # An accountant's "(10)" is -10 (and noted V-NEGATIVE like any negative amount).
    signed = _PARENS_NEGATIVE_RE.sub(r"-\1", text) if text.startswith("(") else text
    # Fast path for the usual "1,234.56", "3,309,840.00元", "150万元".
    plain = _ungroup(signed)
    head = _SIMPLE_HEAD_RE.match(plain)
    if head and head.group(1) is None:
        rest = plain[head.end():]
        from_unit = _money_unit(rest) if rest else (_money_unit(header_unit) or to_unit)
        if from_unit is not None:
            return _money_result(raw, text, _NumberParts(Decimal(head.group(2)), None, None, None),
                                 from_unit, to_unit)
    parts = _parse_number_text(_CURRENCY_RE.sub("", signed))
    if parts is None:
        return _unparseable(raw, text, "money")
    if parts.unit is not None:
        from_unit = _money_unit(parts.unit)
        if from_unit is None:  # 95%, 12人 … in a money column: not an amount
            return _unparseable(raw, text, "money", detail=f" ({parts.unit})")
    else:
        from_unit = _money_unit(header_unit) or to_unit
    return _money_result(raw, text, parts, from_unit, to_unit)


def _money_from_number(raw: int | float | Decimal, to_unit: str,
                       header_unit: str | None) -> ParsedValue:
    converted = _number_cell_text(raw)
    if converted is None:
        return _unparseable(raw, normalise_text(raw), "money")
    text, number = converted
    from_unit = _money_unit(header_unit) or to_unit
    if from_unit == to_unit and number >= 0:  # the common case, kept short
        return _value(raw, text, "number", None, number, to_unit)
    return _money_result(raw, text, _NumberParts(number, None, None, None), from_unit, to_unit)


def _money_result(raw: object, text: str, parts: _NumberParts, from_unit: str,
                  to_unit: str) -> ParsedValue:
    notes: list[Note] = []
    number = parts.number
    if from_unit != to_unit:
        number = _convert_money(number, from_unit, to_unit)
        notes.append(_note("V-MONEY-CONVERTED", {"value": text, "from_unit": from_unit,
                                                 "to_unit": to_unit, "number": number}))
    if parts.high is not None:
        notes.append(_note("V-RANGE", {"value": text, "low": parts.number, "high": parts.high}))
    if number < 0:
        notes.append(_note("V-NEGATIVE", {"value": text}))
    return _value(raw, text, "number", parts.op, number, to_unit, notes=tuple(notes))
