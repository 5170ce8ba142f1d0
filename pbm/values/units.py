"""Operators (计算符号) and units written around a number: the symbols and words that mean
≥ ≤ = > < (``>=``, ``不低于``, ``以上`` …), and the units pbm knows with their canonical names
(``百分比`` → ``%``, ``m2`` → ``平方米``)."""

from __future__ import annotations

import re
from functools import lru_cache

from pbm.values.text import _normalise_str

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
    "小于或等于": "≤", "小于等于": "≤", "低于或等于": "≤", "不超过": "≤", "不超出": "≤", "不超": "≤",
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
    r"\s*(?:\(含\)\s*)?(?:及|或)?\s*(以上|之上|以下|之下|以内|之内|内(?![容部外涵]))"
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
    "天", "日", "工作日", "小时", "分钟", "周", "星期", "个月", "月", "季度", "年", "学时", "课时",
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
# A unit the indicator's name states at its end: 用户数（人）, 活跃资源占比（%）, 覆盖率(%).
_NAME_UNIT_RE = re.compile(rf"[(（\[【]\s*((?:{_UNIT_ALT})(?:/[^\d\s/()（）]{{1,4}})*)\s*[)）\]】]\s*$")


def unit_in_name(name: str) -> str | None:
    """The unit an indicator's name ends with in brackets (``用户数（人）`` → ``人``), or None."""
    match = _NAME_UNIT_RE.search(_normalise_str(name)) if name else None
    return _normalise_unit(match.group(1)) if match else None


#: Units that may follow 个 (3个小时, 5个工作日): the unit is the one after 个.
_AFTER_GE = frozenset({"小时", "工作日", "星期", "季度", "月", "学时", "课时", "百分点"})
#: Durations: a 时效 target given as one (3个工作日) is a time limit, ≤.
DURATION_UNITS = frozenset({"分钟", "小时", "天", "日", "工作日", "周", "星期", "个月", "月",
                            "季度", "年"})
_UNIT_CANON = {
    "百分比": "%", "m2": "平方米", "平米": "平方米", "m": "米", "km": "公里", "千米": "公里",
    "km2": "平方公里", "m3": "立方米", "公斤": "千克", "kg": "千克",
}


def _normalise_unit(unit: str | None) -> str | None:
    """Canonical unit name: ``％``/``百分比`` → ``%``, ``(万元)`` → ``万元``, ``m²`` → ``平方米``."""
    if unit is None:
        return None
    unit = _normalise_str(unit).strip("()[]【】 ")
    if not unit:
        return None
    return _UNIT_CANON.get(unit, unit)


@lru_cache(maxsize=256)
def _normalise_unit_cached(unit: str) -> str | None:
    return _normalise_unit(unit) if isinstance(unit, str) else None
