"""Dates and months: Excel serial numbers, and dates or months written as text
(``2026年9月30日``, ``2026-09-30``, ``2026.09``, ``9月底``, ``12月31日前`` in the form's year,
``年底``) with the operator written
around them (``前``/``之前`` → ≤, ``后``/``之后`` → ≥)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import NamedTuple

from pbm.values.number_text import _HAS_DIGIT_RE
from pbm.values.units import _OP_BEFORE_RE, _PREFIX_OPS

_FULL_DATE_RE = re.compile(
    r"(?<![0-9.])([0-9]{4})\s*(?:年|[-/.])\s*([0-9]{1,2})\s*(?:月|[-/.])\s*([0-9]{1,2})(?![0-9])"
    r"\s*(?:日|号)?"
)
_YEAR_MONTH_RE = re.compile(
    r"(?<![0-9.])([0-9]{4})\s*(?:年\s*([0-9]{1,2})\s*月|([-/.])\s*([0-9]{1,2})(?![0-9.])\s*月?)"
    r"\s*(底|末|份|中旬|上旬|下旬|初|中)?"
)
_MONTH_DAY_RE = re.compile(r"(?<![0-9.年])([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*(?:日|号)")
_MONTH_RE = re.compile(r"(?<![0-9.])([0-9]{1,2})\s*月\s*(底|末|份|中旬|上旬|下旬|初|中)?")
_YEAR_END_RE = re.compile(r"(?:(?<![0-9])([0-9]{4})\s*)?年\s*(?:底|末)")
_DATE_HINT_RE = re.compile(r"[年月]|[0-9]{4}[-/.][0-9]")
_DATE_BEFORE_RE = re.compile(r"\s*(?:之前|以前|前)")
_DATE_AFTER_RE = re.compile(r"\s*(?:之后|以后|后)")
_DONE_WORDS_RE = re.compile(r"\s*(?:前|之前|以前)?\s*(?:完成|完工|竣工|办结|实施|验收|到位|投入)")
# What may follow "2026.09" for it to be read as a month rather than the number 2026.09.
_DATE_REST_RE = re.compile(r"\s*(?:之前|以前|前|之后|以后|后)?\s*(?:完成|完工|竣工|办结|验收|到位)?")
_TIME_UNITS = frozenset({"月", "日期", "时间", "年月", "日", "天"})

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 61 and later; 1900 is treated as a leap year
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def _excel_serial_date(serial: Decimal) -> datetime.date | None:
    whole = int(serial)  # the fraction is the time of day, irrelevant for a date
    if whole < 1 or whole > _EXCEL_MAX_SERIAL or whole == 60:  # 60 is Excel's fake 1900-02-29
        return None
    if whole < 60:
        return datetime.date(1899, 12, 31) + datetime.timedelta(days=whole)
    return _EXCEL_EPOCH + datetime.timedelta(days=whole)


def _month_day(year: int, month: int, part: str | None) -> datetime.date:
    # 上旬/初 end on the 10th, 中旬 on the 20th; 底/末/份 or nothing: the month's last day.
    if part in ("上旬", "初"):
        return datetime.date(year, month, 10)
    if part in ("中旬", "中"):
        return datetime.date(year, month, 20)
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


class _DateParts(NamedTuple):
    kind: str  # "date" or "month", or "invalid"
    date: datetime.date | None
    month: int | None
    op: str | None


def _date_op(text: str, start: int, end: int) -> str | None:
    before = _OP_BEFORE_RE.search(text, 0, start)
    if before:
        return _PREFIX_OPS[before.group(1)]
    if _DATE_BEFORE_RE.match(text, end):
        return "≤"
    if _DATE_AFTER_RE.match(text, end):
        return "≥"
    return None


def _outside_has_digit(text: str, start: int, end: int) -> bool:
    return bool(_HAS_DIGIT_RE.search(text, 0, start) or _HAS_DIGIT_RE.search(text, end))


def _parse_date_text(text: str, role: str, unit: str | None, year: int | None) -> _DateParts | None:
    """A date or month written as text: 2026年9月30日, 2026-09-30, 2026.09, 9月底, 年底.

    The date must be the only number in the cell ("1-9月底完成率95%" is a number)."""
    if not _DATE_HINT_RE.search(text):
        return None
    match = _FULL_DATE_RE.search(text)
    if match and not _outside_has_digit(text, match.start(), match.end()):
        y, m, d = (int(g) for g in match.groups())
        if 1900 <= y <= 2100:
            try:
                day = datetime.date(y, m, d)
            except ValueError:
                return _DateParts("invalid", None, None, None)
            return _DateParts("date", day, m, _date_op(text, match.start(), match.end()))
    match = _YEAR_MONTH_RE.search(text)
    if match and not _outside_has_digit(text, match.start(), match.end()):
        y = int(match.group(1))
        m = int(match.group(2) or match.group(4))
        if 1900 <= y <= 2100 and 1 <= m <= 12 and (
                match.group(3) is None or _plain_year_month(text, match, role, unit)):
            return _DateParts("month", _month_day(y, m, match.group(5)), m,
                              _date_op(text, match.start(), match.end()))
    match = _MONTH_DAY_RE.search(text)
    if match and not _outside_has_digit(text, match.start(), match.end()):
        # "12月31日前": a deadline in the year of the form.
        m, d = int(match.group(1)), int(match.group(2))
        op = _date_op(text, match.start(), match.end())
        if year and 1 <= year <= 9999:
            try:
                return _DateParts("date", datetime.date(year, m, d), m, op)
            except ValueError:
                return _DateParts("invalid", None, None, None)
        if 1 <= m <= 12 and 1 <= d <= 31:
            return _DateParts("month", None, m, op)
    match = _MONTH_RE.search(text)
    if match and not _outside_has_digit(text, match.start(), match.end()):
        m = int(match.group(1))
        part = match.group(2)
        # "≤3月" may be a duration; a month needs 底/末/份…, 前, a following 完成, or a date column.
        if 1 <= m <= 12 and (part or role == "date" or _DONE_WORDS_RE.match(text, match.end())
                             or _DATE_BEFORE_RE.match(text, match.end())):
            day = _month_day(year, m, part) if year and 1 <= year <= 9999 else None
            return _DateParts("month", day, m, _date_op(text, match.start(), match.end()))
    match = _YEAR_END_RE.search(text)
    if match and not _outside_has_digit(text, match.start(), match.end()):
        y = int(match.group(1)) if match.group(1) else year
        day = datetime.date(y, 12, 31) if y and 1 <= y <= 9999 else None
        return _DateParts("month", day, 12, _date_op(text, match.start(), match.end()))
    return None


def _plain_year_month(text: str, match: re.Match, role: str, unit: str | None) -> bool:
    # "2026.09" could be the number 2026.09 and "2025.5万元" is money: read a month only when
    # nothing but an operator comes before and date words after, in a column without a
    # unit or with a time unit.
    if not (role == "date" or unit is None or unit in _TIME_UNITS):
        return False
    before = text[:match.start()].strip()
    if before and before not in _PREFIX_OPS:
        return False
    return _DATE_REST_RE.fullmatch(text, match.end()) is not None
