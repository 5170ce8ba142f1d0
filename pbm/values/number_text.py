"""Numbers written as text: the operator, number, unit and range of ``≥95%``, ``不超过90万元``,
``95%以上``, ``90%-95%``; thousands separators (``3,309,840.00``, ``3 309 840.00``); and
numbers written in scientific notation (``1.2E+05``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import NamedTuple

from pbm.values.model import ParsedValue, _note, _unparseable
from pbm.values.units import (
    _AFTER_GE,
    _KNOWN_UNITS,
    _OP_BEFORE_RE,
    _OTHER_UNIT_RE,
    _PREFIX_OPS,
    _SUFFIX_OP_RE,
    _SUFFIX_OPS,
    _UNIT_CANON,
    _UNIT_RE,
    _normalise_unit,
)

_NUMBER_RE = re.compile(r"(?<![0-9.])[-+]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
# A thousands separator: a comma between a digit and exactly three digits ("3,309,840.00").
_THOUSANDS_RE = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
# Digits grouped by spaces (a no-break or thin space is a space after NFKC): "1 200",
# "3 309 840.00" — read as one number, never as its first group.
_SPACE_GROUPS_RE = re.compile(r"(?<![0-9.])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])")
# An accountant's negative amount: "(10)", "（1,200.50）元".
_PARENS_NEGATIVE_RE = re.compile(r"^\(\s*([0-9][0-9, ]*(?:\.[0-9]+)?)\s*\)")
_RANGE_TAIL_RE = re.compile(
    r"\s*(%|[^\d\s~\-—–至到,;]{0,4}?)\s*(?:-|~|—|–|至|到)\s*([0-9]+(?:\.[0-9]+)?)"
)
_HAS_DIGIT_RE = re.compile(r"[0-9]")


class _NumberParts(NamedTuple):
    number: Decimal
    op: str | None  # written operator (symbol, word before, or 以上/以下 after)
    unit: str | None
    high: Decimal | None  # upper bound when a range was written


def _choose_number(text: str) -> re.Match | None:
    matches = list(_NUMBER_RE.finditer(text))
    if len(matches) <= 1:
        return matches[0] if matches else None
    # A number with an operator right in front of it is the value ("PM2.5浓度≤35").
    previous_end = 0
    for match in matches:
        if _OP_BEFORE_RE.search(text, previous_end, match.start()):
            return match
        previous_end = match.end()
    # Otherwise the first number, skipping a leading year ("2026年完成10个") and numbers
    # glued to a Latin code ("PM2.5", "G20") while another number follows.
    for match in matches[:-1]:
        start = match.start()
        is_year = len(match.group()) == 4 and text.startswith("年", match.end())
        is_code = start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()
        if not (is_year or is_code):
            return match
    return matches[-1]


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
#: A count in Chinese numerals before a duration: 三小时内, 两小时之内, 半小时内, 十个工作日.
#: Not after 统/唯/之/第 (统一, 之一, 第一年), and 月 only as 个月 (三月 is March).
_CN_DURATION_RE = re.compile(
    r"(?<![统唯之第逐])([一二两三四五六七八九十]{1,3}|半)(?=个?(?:小时|分钟|工作日|天|周|星期|季度|年)"
    r"|个月|个半|日(?:内|之内|以内))")


#: A whole cell that is a count in Chinese numerals with its unit: 两栋, 三个, 一处以上.
_CN_COUNT_RE = re.compile(
    r"([一二两三四五六七八九十]{1,3}|半)(?=(?:个|栋|处|座|项|次|件|台|套|所|场|期|份|篇|人|名|家|户|条|间|"
    r"张|批|辆|本|册|类|种|组|队|倍)(?:及?以上|以内|之内|内)?$)")


def _cn_number(text: str) -> str | None:
    """``三`` → 3, ``十二`` → 12, ``二十`` → 20, ``半`` → 0.5; None for what is no count."""
    if text == "半":
        return "0.5"
    if "十" not in text:
        return str(_CN_DIGITS[text]) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return str(value)


def chinese_durations(text: str) -> str:
    """``半小时内`` → ``0.5小时内``, ``三小时内`` → ``3小时内``, a whole cell ``两栋`` → ``2栋``: a
    duration or a count in Chinese numerals written with digits, so it is read like one
    written with digits."""
    def digits(match: re.Match) -> str:
        number = _cn_number(match.group(1))
        return number if number is not None else match.group(1)
    if _CN_COUNT_RE.match(text):
        return _CN_COUNT_RE.sub(digits, text, count=1)
    return _CN_DURATION_RE.sub(digits, text)


def _take_unit(text: str, pos: int) -> tuple[str | None, int]:
    match = _UNIT_RE.match(text, pos)
    if match:
        unit = match.group(1)
        if unit == "个":  # 3个小时, 5个工作日: the unit after 个 is the unit
            after = _UNIT_RE.match(text, match.end())
            if after and after.group(1) in _AFTER_GE:
                match, unit = after, after.group(1)
                if unit == "月":
                    unit = "个月"
        return _UNIT_CANON.get(unit, unit) + match.group(2), match.end()
    match = _OTHER_UNIT_RE.match(text, pos)
    if match:
        return match.group(1), match.end()
    return None, pos


def _ungroup(text: str) -> str:
    """Thousands separators out: "3,309,840.00" and "3 309 840.00" → "3309840.00"."""
    if "," in text:
        text = _THOUSANDS_RE.sub("", text)
    if " " in text:
        text = _SPACE_GROUPS_RE.sub(lambda m: m.group().replace(" ", ""), text)
    return text


def _parse_number_text(text: str) -> _NumberParts | None:
    """Operator, number and unit from text such as ``≥95%``, ``不超过90万元``, ``95%以上``,
    ``3,309,840.00元``, ``90%-95%``: the 指标值 shapes of goal templates, which write the
    operator inside the value."""
    text = _ungroup(text)
    match = _choose_number(text)
    if match is None:
        return None
    number = Decimal(match.group())
    high: Decimal | None = None
    end = match.end()
    range_unit: str | None = None
    tail = _RANGE_TAIL_RE.match(text, end)
    if tail:
        high = Decimal(tail.group(2))
        range_unit = tail.group(1) or None
        end = tail.end()
        if high < number:
            number, high = high, number
    unit, end = _take_unit(text, end)
    if unit is None and range_unit:
        unit = _normalise_unit(range_unit)
    op = None
    before = _OP_BEFORE_RE.search(text, 0, match.start())
    if before:
        op = _PREFIX_OPS[before.group(1)]
    else:
        after = _SUFFIX_OP_RE.match(text, end)
        if after:
            op = _SUFFIX_OPS[after.group(1)]
    return _NumberParts(number, op, unit, high)


# The common shapes "≥95%", "100", "≤90万元", "12.5 个": operator and number in one small
# match, then the rest looked up as a whole unit, before the general scan.
_SIMPLE_HEAD_RE = re.compile(r"(≥|≤|>=|<=|=|>|<|≧|≦|═)?\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*")
_KNOWN_UNIT_SET = frozenset(_KNOWN_UNITS)


#: A number in scientific notation ("1.2E+05", "3.5e-3"): what Excel and WPS show for a
#: number too wide for its column, and what a CSV saved from there keeps.
_SCIENTIFIC_RE = re.compile(
    r"(?<![0-9.A-Za-z])([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+)(?![0-9A-Za-z])")
#: Beyond 10^20 a cell's number is no amount, count or rate: not read as one.
_SCIENTIFIC_MAX_EXPONENT = 20


def _scientific(raw: object, text: str, role: str,
                parse: Callable[[str], ParsedValue]) -> ParsedValue | None:
    """A text whose number is written in scientific notation, parsed with the number written
    out (``1.2E+05`` → 120000) and a warning (V-SCIENTIFIC): such a cell keeps only the digits
    it shows.  None: the text holds no such number."""
    match = _SCIENTIFIC_RE.search(text)
    if match is None:
        return None
    number = Decimal(match.group(1))
    if abs(number.adjusted()) > _SCIENTIFIC_MAX_EXPONENT:
        return _unparseable(raw, text, role)
    plain = format(number, "f")
    result = parse(text[:match.start(1)] + plain + text[match.end(1):])
    if result.number is None:
        return replace(result, raw=raw, text=text)
    note = _note("V-SCIENTIFIC", {"value": text, "number": plain})
    return replace(result, raw=raw, text=text, notes=(*result.notes, note))
