"""The one parser of messy cell values (SPEC §3.1).

A raw cell — whatever python-calamine or openpyxl hands over: ``None``, ``str``, ``int``,
``float``, ``bool``, ``datetime.date``/``datetime``, or a formula string that starts with
``=`` — becomes a :class:`ParsedValue`: a kind, the operator, the number and its unit, a
qualitative tier, a date or month, and *notes* (catalogue codes) for everything the parser
had to decide.  It never raises on any cell and never guesses silently: every assumption
(an implied operator, a money conversion, a range read as its lower bound, a template
placeholder) is written down as a :class:`Note`.

Domain background:

* DOMAIN.md §2.3 — the 指标值 cell carries the operator (计算符号) inside the value:
  ``≥95%``, ``≤90万元``, ``=100%``, ``**元/人·月``.  ≥/> mean 正向, ≤/< 反向, = 等于.
* DOMAIN.md §2.4 G4 — template leftovers (``**``, ``XX``) count as empty.
* DOMAIN.md §3.1 — 当前完成值: a number for quantitative indicators, 达成/部分达成/未达成
  for qualitative ones.
* DOMAIN.md §4.5 — the three qualitative tiers.

Results are cached by the raw cell text, so they are shared: treat a ParsedValue and its
notes' ``params`` as read-only.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "OPS",
    "Note",
    "ParsedValue",
    "is_placeholder",
    "normalise_text",
    "parse_money",
    "parse_value",
    "qualitative_tier",
]

OPS = ("≥", "≤", "=", ">", "<")  # canonical operator symbols
ROLES = ("target", "actual", "number", "date", "text")

# The field name put into R-UNPARSEABLE's {field}; callers that know the column may replace it.
_FIELD_BY_ROLE = {
    "target": "指标值",
    "actual": "完成值",
    "number": "数值",
    "date": "日期",
    "text": "文本",
    "money": "金额",
}


@dataclass(frozen=True)
class Note:
    """Something the parser decided about a cell: a catalogue code and the params of its text."""

    code: str  # defined in pbm/messages/values.toml or reader.toml
    params: dict = field(default_factory=dict)

    def __hash__(self) -> int:  # params is a dict; equal notes have equal codes and keys
        return hash((self.code, frozenset(self.params)))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _jsonable(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class ParsedValue:
    """A typed cell value.  ``kind`` is number, qualitative, date, month, text or missing."""

    raw: object
    text: str
    kind: str
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    tier: str | None = None
    date: datetime.date | None = None
    month: int | None = None
    placeholder: bool = False
    op_implied: bool = False
    notes: tuple[Note, ...] = ()

    @property
    def is_missing(self) -> bool:
        """Blank, a template placeholder, or a formula without a cached value."""
        return self.kind == "missing"

    @property
    def note_codes(self) -> tuple[str, ...]:
        return tuple(note.code for note in self.notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "raw": _jsonable(self.raw),
            "text": self.text,
            "kind": self.kind,
            "op": self.op,
            "number": None if self.number is None else str(self.number),
            "unit": self.unit,
            "tier": self.tier,
            "date": None if self.date is None else self.date.isoformat(),
            "month": self.month,
            "placeholder": self.placeholder,
            "op_implied": self.op_implied,
            "notes": [note.to_dict() for note in self.notes],
        }


# A frozen dataclass's __init__ sets each field through object.__setattr__, which costs about
# 2 µs per value here; validate and monitor build 100,000s of them, so the parser fills the
# instance dict directly.  Every field is set, so the result equals the __init__-built one.
_new_object = object.__new__
_set_attribute = object.__setattr__


def _note(code: str, params: dict) -> Note:
    note = _new_object(Note)
    _set_attribute(note, "__dict__", {"code": code, "params": params})
    return note


def _value(raw: object, text: str, kind: str, op: str | None = None,
           number: Decimal | None = None, unit: str | None = None, tier: str | None = None,
           date: datetime.date | None = None, month: int | None = None,
           placeholder: bool = False, op_implied: bool = False,
           notes: tuple[Note, ...] = ()) -> ParsedValue:
    value = _new_object(ParsedValue)
    _set_attribute(value, "__dict__", {
        "raw": raw, "text": text, "kind": kind, "op": op, "number": number, "unit": unit,
        "tier": tier, "date": date, "month": month, "placeholder": placeholder,
        "op_implied": op_implied, "notes": notes})
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


# --------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------

# Zero-width characters survive NFKC and break exact matches ("达成\u200b").
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def normalise_text(raw: object) -> str:
    """The cell as text: NFKC (full-width ``１２３．５`` → ``123.5``), trimmed, inner
    whitespace collapsed to one space; ``""`` for None.

    Floats are written with at most 15 significant digits, which is what Excel stores and
    shows, so float noise disappears (``95.0`` → ``"95"``, ``0.1 + 0.2`` → ``"0.3"``).
    """
    if raw is None:
        return ""
    if isinstance(raw, str):
        return _normalise_str(raw)
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"  # as Excel and WPS display a logical cell
    if isinstance(raw, int):
        try:
            return str(raw)
        except ValueError:  # beyond Python's int→str digit limit; no real cell is that long
            return ""
    if isinstance(raw, float):
        return _float_text(raw)
    if isinstance(raw, Decimal):
        return _decimal_text(raw)
    if isinstance(raw, datetime.datetime):
        if raw.time() == datetime.time(0, 0) and raw.tzinfo is None:
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, (datetime.date, datetime.time)):
        return raw.isoformat()
    try:
        return _normalise_str(str(raw))
    except Exception:  # an object whose str() fails is no cell value; it is empty text
        return ""


_TEXT_CACHE_LIMIT = 1 << 18


def cell_text(raw: object) -> str:
    """``normalise_text`` for the hot paths (one call per cell of a 100,000-row sheet).

    Text and float cells repeat a lot in real workbooks (指标 levels, units, 是/否, 95), so
    their results are kept in bounded dicts.
    """
    entry = _TEXT_CACHES.get(raw.__class__)
    if entry is None:
        return normalise_text(raw)
    cache, compute = entry
    text = cache.get(raw)
    if text is None:
        if len(cache) >= _TEXT_CACHE_LIMIT:
            cache.clear()
        text = cache[raw] = compute(raw)
    return text


def decimal_text(value: object, places: int = 2, *, thousands: bool = False,
                 sign: bool = False, dash: str = "—") -> str:
    """A number shown with ``places`` decimals, rounded half-up as pbm rounds scores, rates
    and amounts — so the terminal, the workbooks and the letters show the same digits
    (Python's own ``f"{Decimal('8.125'):.2f}"`` rounds half-even: 8.12)."""
    if value is None:
        return dash
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return format(rounded, ("+" if sign else "") + ("," if thousands else "") + f".{places}f")


def plain_decimal(value: Decimal | None, dash: str = "—") -> str:
    """A weight, target or amount as people write it: 10, 0.5, 266 (no trailing zeros,
    never an exponent)."""
    if value is None:
        return dash
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


def _normalise_str(text: str) -> str:
    if not text.isascii():  # ASCII is NFKC-invariant and has no zero-width characters
        if _INVISIBLE_RE.search(text):
            text = _INVISIBLE_RE.sub("", text)
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    return _decimal_text(Decimal(format(value, ".15g")))


# cell_text's bounded caches: exact type → (results, how to compute one).
_TEXT_CACHES: dict[type, tuple[dict, Any]] = {str: ({}, _normalise_str), float: ({}, _float_text)}


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    if abs(value.adjusted()) > 60:  # keep absurd magnitudes short instead of 10**6 digits
        return str(value)
    return format(value, "f")


# --------------------------------------------------------------------------------------
# Operators and units
# --------------------------------------------------------------------------------------

_SYMBOL_OPS = {
    "≥": "≥", "≧": "≥", ">=": "≥", "=>": "≥", "⩾": "≥", "≮": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "=<": "≤", "⩽": "≤", "≯": "≤",
    "=": "=", "==": "=", "═": "=",  # "＝" becomes "=" through NFKC
    ">": ">", "<": "<",
}
# Words written in front of the number.  Longest first in the regex, so 不低于 wins over 低于.
_WORD_OPS = {
    "大于或等于": "≥", "大于等于": "≥", "高于或等于": "≥", "不低于": "≥", "不少于": "≥",
    "不小于": "≥", "不下于": "≥", "至少": "≥", "达到": "≥",
    "小于或等于": "≤", "小于等于": "≤", "低于或等于": "≤", "不超过": "≤", "不超出": "≤",
    "不高于": "≤", "不大于": "≤", "不多于": "≤", "最多": "≤", "至多": "≤",
    "控制在": "≤", "控制到": "≤",
    "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "小于": "<", "低于": "<", "少于": "<",
    "等于": "=",
}
_PREFIX_OPS = {**_SYMBOL_OPS, **_WORD_OPS}
_PREFIX_ALT = "|".join(re.escape(k) for k in sorted(_PREFIX_OPS, key=len, reverse=True))
# An operator right in front of the number (spaces allowed), searched with endpos=number start.
_OP_BEFORE_RE = re.compile(rf"({_PREFIX_ALT})\s*$")
# An operator word written after the number and its unit.
_SUFFIX_OP_RE = re.compile(
    r"\s*(?:\(含\)\s*)?(?:及|或)?\s*(以上|之上|以下|之下|以内|之内|内(?=$|[\s,;.。，；)]))"
)
_SUFFIX_OPS = {"以上": "≥", "之上": "≥", "以下": "≤", "之下": "≤", "以内": "≤", "之内": "≤",
               "内": "≤"}

_KNOWN_UNITS = (
    "%", "‰", "百分比", "百分点", "个百分点",
    "元", "千元", "万元", "百万元", "亿元", "万", "亿",
    "人", "人次", "万人", "万人次", "名", "位", "户", "户次", "万户", "家", "家次",
    "个", "项", "次", "件", "件次", "台", "台次", "套", "所", "场", "场次", "期", "份", "篇",
    "册", "本", "辆", "座", "处", "条", "间", "张", "批", "批次", "株", "棵", "头", "只", "盏",
    "床", "栋", "宗", "支", "部", "门", "类", "种", "组", "队", "站", "所次",
    "天", "日", "工作日", "小时", "分钟", "周", "个月", "月", "季度", "年", "学时", "课时",
    "公里", "千米", "km", "米", "m", "平方米", "平米", "m2", "平方公里", "km2", "立方米", "m3",
    "亩", "万亩", "公顷", "吨", "万吨", "千克", "公斤", "kg", "斤",
    "千瓦", "千瓦时", "兆瓦", "kW", "kWh", "MW",
    "毫克", "微克", "克", "升", "毫升", "mm", "cm", "分", "倍", "GB", "TB",
)
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_KNOWN_UNITS, key=len, reverse=True))
# A known unit, possibly compound: 元/人·月, 万元/公里, 人/年.
_UNIT_RE = re.compile(rf"\s*((?:{_UNIT_ALT})(?![A-Za-z])次?)((?:/[^\d\s/,;:()。，；：]{{1,4}})*)")
# Any other short word that ends the cell or is followed by punctuation or 以上/以下…
_OTHER_UNIT_RE = re.compile(
    r"\s*([^\d\s,;:()。，；：、~\-+=<>≥≤%/.的]{1,4}?(?:/[^\d\s,;:()。，；：、/]{1,4}?)?)"
    r"(?=$|[\s,;:()。，；：、的]|左右|(?:及|或)?(?:以上|之上|以下|之下|以内|之内)|内$)"
)
_UNIT_CANON = {
    "百分比": "%", "m2": "平方米", "平米": "平方米", "m": "米", "km": "公里", "千米": "公里",
    "km2": "平方公里", "m3": "立方米", "公斤": "千克", "kg": "千克",
}

# Money units and their size in 元.
_MONEY_FACTORS = {
    "元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
    "百万元": Decimal(1000000), "亿元": Decimal(100000000),
}
_MONEY_ALIASES = {"万": "万元", "亿": "亿元", "千": "千元", "百万": "百万元"}

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


def _normalise_unit(unit: str | None) -> str | None:
    """Canonical unit name: ``％``/``百分比`` → ``%``, ``(万元)`` → ``万元``, ``m²`` → ``平方米``."""
    if unit is None:
        return None
    unit = _normalise_str(unit).strip("()[]【】 ")
    if not unit:
        return None
    return _UNIT_CANON.get(unit, unit)


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


# --------------------------------------------------------------------------------------
# Placeholders, formulas, qualitative tiers
# --------------------------------------------------------------------------------------

# Only filler characters: **, XX, ……(→ "......" after NFKC), /, —, -, 一 …
_FILLER_ONLY_RE = re.compile(r"[\s*Xx.…/\\—–\-_―─一~?·]+")
# "*" not between two digits (7*24小时 is a real value), XX not inside a Latin word, or "...".
_FILLER_INSIDE_RE = re.compile(
    r"(?<![0-9])\*|\*(?![0-9])|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|\.{3,}"
)
_SINGLE_X_RE = re.compile(rf"(?:{_PREFIX_ALT})?\s*[Xx]\s*(?:{_UNIT_ALT})?(?:/\S{{1,4}})?")
_INSTRUCTION_RE = re.compile(
    r"[(\[【]?\s*(?:请(?:填写|填报|输入|选择|根据|按照|按|在此|据实)|填写说明|填报说明|填表说明"
    r"|此处填写|在此填写|例[:：]|例如[:：]|示例[:：]?|如[:：])"
)
_BRACKETED_INSTRUCTION_RE = re.compile(r"\(.*(?:填写|填报|填列).*\)")

# A formula is "=" followed by a cell reference, a function call or a sheet reference
# ("=A1*2", "=SUM(", "=汇总!B3"), or arithmetic on numbers ("=1+2").  "=100%" is an operator.
_FORMULA_REF_RE = re.compile(
    r"(?<![0-9A-Za-z])\$?[A-Za-z]{1,3}\$?[0-9]|(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_.]*\s*\("
    r"|!\$?[A-Za-z]{1,3}\$?[0-9]"
)
_FORMULA_ARITHMETIC_RE = re.compile(r"=\s*[-+(]*[0-9.]+%?\s*[+*/^&]\s*[-+(]*[0-9(]")


def _is_formula_text(text: str) -> bool:
    return text[0] == "=" and bool(_FORMULA_REF_RE.search(text, 1)
                                   or _FORMULA_ARITHMETIC_RE.match(text))


def is_placeholder(raw: object) -> bool:
    """True for a template leftover: ``**``, ``XX``, ``……``, ``/``, ``—``, ``-``, ``一`` alone,
    ``≥**人``, ``**元/人·月``, ``≥XX%``, or instruction text (``请填写…``, ``（填写说明…）``,
    ``例：…``).  DOMAIN.md §2.4 G4: such cells count as empty."""
    if not isinstance(raw, str):
        return False
    return _is_placeholder_text(_normalise_str(raw))


_INSTRUCTION_FIRST_CHARS = frozenset("请填此在例示如([【")


def _is_placeholder_text(text: str) -> bool:
    # Cheap character tests guard each regex: most cells are plain values.
    if not text:
        return False
    if _FILLER_ONLY_RE.fullmatch(text):
        return True
    if ("*" in text or "x" in text or "X" in text or "..." in text) and (
            _FILLER_INSIDE_RE.search(text) or _SINGLE_X_RE.fullmatch(text)):
        return True
    if text[0] in _INSTRUCTION_FIRST_CHARS and (
            _INSTRUCTION_RE.match(text) or _BRACKETED_INSTRUCTION_RE.fullmatch(text)):
        return True
    # An unfilled choice list copied from the template: 是/否, 达成/部分达成/未达成.
    if "/" in text:
        parts = text.split("/")
        if all(_exact_tier(part.strip()) for part in parts):
            return True
    return False


_NOT_ACHIEVED_RE = re.compile(r"(?:未|没有|没|尚未|暂未|未能|没能)(?:全部|按期|按时|如期)?"
                              r"(?:达成|完成|达到|达标|实现)")
_PARTLY_ACHIEVED_RE = re.compile(r"(?:部分|基本|大部分|大部)(?:达成|完成|达到|达标|实现)")
_ACHIEVED_RE = re.compile(
    r"(?:已经?|均已|已全部|全部|已按期|按期|按时|如期|已如期|顺利|圆满|完全|已完全)?"
    r"(?:达成|完成|达到|达标|实现)(?:目标|年度目标|年度指标|预期目标|预期|任务|要求)?"
    r"|已?达到.{1,20}(?:标准|要求|预期|目标|水平)"
)
_GRADED_RE = re.compile(
    r"(?:有效|明显|显著|逐步|稳步|持续|进一步|大幅度?|不断|全面|较大|有所|切实|充分|大大|"
    r"得到|普遍|整体|总体|较好|稳定)"
    r"(?:提升|提高|改善|增强|增加|增长|优化|好转|扩大|降低|减少|下降|缩短|缩小|完善)"
)
_EXACT_TIERS = {
    "是": "是", "否": "否", "TRUE": "是", "FALSE": "否", "true": "是", "false": "否",
    "优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中",
    "差": "差", "较差": "差", "高": "高", "低": "低",
}
_TRAILING_PUNCT = "。.!！;；,，"


def _exact_tier(text: str) -> str | None:
    tier = _EXACT_TIERS.get(text)
    if tier is None and text in ("达成", "部分达成", "未达成", "完成", "未完成"):
        tier = qualitative_tier(text)
    return tier


def qualitative_tier(text: str) -> str | None:
    """The qualitative tier of a 完成值/指标值 text (DOMAIN.md §3.1, §4.5, §2.4 G13).

    ``达成`` / ``部分达成`` / ``未达成`` (and 完成/已完成/基本完成/未完成 …), ``是``/``否``,
    ``优``/``良``/``中``/``差``, ``高``/``中``/``低`` (``中`` belongs to both scales and is
    returned as ``中``), ``提升`` for a graded statement (有效提升, 明显改善, 逐步提高 …);
    None for anything else, including empty words such as 加强管理.
    """
    if not isinstance(text, str):
        return None
    text = _normalise_str(text).strip(_TRAILING_PUNCT).strip()
    if not text:
        return None
    # Negative and partial forms first: "未达成" and "部分达成" both contain "达成".
    if _NOT_ACHIEVED_RE.search(text):
        return "未达成"
    if _PARTLY_ACHIEVED_RE.search(text):
        return "部分达成"
    if _ACHIEVED_RE.fullmatch(text):
        return "达成"
    tier = _EXACT_TIERS.get(text)
    if tier is not None:
        return tier
    if _GRADED_RE.search(text):
        return "提升"
    return None


# --------------------------------------------------------------------------------------
# Dates and months
# --------------------------------------------------------------------------------------

_FULL_DATE_RE = re.compile(
    r"(?<![0-9.])([0-9]{4})\s*(?:年|[-/.])\s*([0-9]{1,2})\s*(?:月|[-/.])\s*([0-9]{1,2})(?![0-9])"
    r"\s*(?:日|号)?"
)
_YEAR_MONTH_RE = re.compile(
    r"(?<![0-9.])([0-9]{4})\s*(?:年\s*([0-9]{1,2})\s*月|([-/.])\s*([0-9]{1,2})(?![0-9.])\s*月?)"
    r"\s*(底|末|份|中旬|上旬|下旬|初|中)?"
)
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


# --------------------------------------------------------------------------------------
# Numbers written as text
# --------------------------------------------------------------------------------------


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


def _take_unit(text: str, pos: int) -> tuple[str | None, int]:
    match = _UNIT_RE.match(text, pos)
    if match:
        unit = match.group(1)
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
    ``3,309,840.00元``, ``90%-95%`` (DOMAIN.md §2.3)."""
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


# --------------------------------------------------------------------------------------
# Public parsers
# --------------------------------------------------------------------------------------


def parse_value(raw: object, *, role: str = "target", unit: str | None = None,
                year: int | None = None) -> ParsedValue:
    """Parse one cell.  Never raises.

    ``role``: ``"target"`` (指标值: a missing operator means ≥ — 正向, DOMAIN.md §2.3 — with
    ``op_implied`` and an info note V-OP-IMPLIED), ``"actual"`` (实际/当前完成值, DOMAIN.md
    §3.1: a written operator is kept with a warning V-ACTUAL-HAS-OP), ``"number"`` (a plain
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


#: 10亿元 in 万元: one project's amount at or above it only makes sense as 元 typed into a
#: 万元 column (SPEC §3.1: "values that only make sense as 元 … convert and say so").
YUAN_SUSPECT_WAN = Decimal(100000)


def typed_in_yuan(amount: ParsedValue | None, to_unit: str) -> bool:
    """True when a project's total (or budget), parsed to ``to_unit``, is 10亿元 or more in a
    万元 column whose cell wrote no unit: the whole project's amounts were typed in 元."""
    return (to_unit == "万元" and amount is not None and amount.number is not None
            and amount.number >= YUAN_SUSPECT_WAN
            and not any(note.code == "V-MONEY-CONVERTED" for note in amount.notes))


def parse_money(raw: object, *, to_unit: str = "万元",
                header_unit: str | None = None) -> ParsedValue:
    """Parse an amount and convert it to ``to_unit`` (SPEC §3.1 money).

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
            return _parse_money_text(raw, target_unit, header)
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            return _money_from_number(raw, target_unit, header)
        if isinstance(raw, numbers.Real) and not isinstance(raw, bool):  # numpy/pandas scalars
            plain = int(raw) if isinstance(raw, numbers.Integral) else float(raw)
            return replace(_money_from_number(plain, target_unit, header), raw=raw)
        return _unparseable(raw, _safe_text(raw), "money")
    except Exception as exc:  # safety net, as in parse_value
        return _unparseable(raw, _safe_text(raw), "money", internal=repr(exc))


# --------------------------------------------------------------------------------------
# Implementation
# --------------------------------------------------------------------------------------


def _safe_text(raw: object) -> str:
    try:
        return normalise_text(raw)
    except Exception:
        return ""


@lru_cache(maxsize=256)
def _normalise_unit_cached(unit: str) -> str | None:
    return _normalise_unit(unit) if isinstance(unit, str) else None


def _unparseable(raw: object, text: str, role: str, detail: str = "",
                 internal: str | None = None) -> ParsedValue:
    params: dict[str, Any] = {"field": _FIELD_BY_ROLE.get(role, role), "value": text,
                              "detail": detail}
    if internal is not None:  # only the safety net sets this; tests assert it never appears
        params["internal"] = internal
    kind = "missing" if not text else "text"
    return _value(raw, text, kind, notes=(_note("R-UNPARSEABLE", params),))


def _placeholder(raw: object, text: str) -> ParsedValue:
    return _value(raw, text, "missing", placeholder=True,
                  notes=(_note("R-PLACEHOLDER", {"value": text}),))


def _formula(raw: object, text: str) -> ParsedValue:
    return _value(raw, text, "missing", notes=(_note("R-FORMULA-NO-VALUE", {"value": text}),))


def _number_cell_text(raw: int | float | Decimal) -> tuple[str, Decimal] | None:
    """Text and Decimal of a numeric cell; None for nan/inf (and absurdly long ints)."""
    if type(raw) is float or isinstance(raw, float):
        if raw != raw or raw in (math.inf, -math.inf):
            return None
        if raw == 0:
            return "0", _ZERO
        text = format(raw, ".15g")  # Excel's 15 significant digits: no binary noise, no "95.0"
        number = Decimal(text)
        if "e" in text:
            text = _decimal_text(number)
        return text, number
    if isinstance(raw, Decimal):
        return (_decimal_text(raw), raw) if raw.is_finite() else None
    text = normalise_text(raw)
    return (text, Decimal(raw)) if text else None


_ZERO = Decimal(0)


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
        return _parse_text_cell(raw, _normalise_str(raw), role, unit, year)
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
    return _parse_text_cell(raw, _normalise_str(raw), role, unit, year)


def _implied_op_note(text: str, number: Decimal) -> tuple[str, Note]:
    """The operator a target without one means (DOMAIN.md §2.3: higher is better), except a
    target of 0 (事故 0 起, 投诉 0 件): "≥ 0" would be met by anything, so it means "= 0"
    (scored as DOMAIN.md §4.4's equal-zero row)."""
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
    target (DOMAIN.md §2.3) and the operator warning of an actual (DOMAIN.md §3.1)."""
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
        # A range such as 90%-95%: the lower bound is what can be checked (DOMAIN.md §2.3).
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


_CURRENCY_RE = re.compile(r"^(?:¥|RMB|CNY|人民币)\s*|\s*(?:RMB|CNY)$")


@lru_cache(maxsize=1 << 15)
def _parse_money_text_cached(raw: str, to_unit: str, header_unit: str | None) -> ParsedValue:
    return _parse_money_text(raw, to_unit, header_unit)


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
