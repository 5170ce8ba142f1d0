"""Template leftovers (``**``, ``XX``, ``……``, instruction text), formulas without a cached
value, and the qualitative tiers of a 完成值/指标值 text (达成/部分达成/未达成, 是/否 …)."""

from __future__ import annotations

import re

from pbm.values.text import _normalise_str
from pbm.values.units import _PREFIX_ALT, _UNIT_ALT

# Only filler characters: **, XX, ……(→ "......" after NFKC), /, —, -, 一 …
_FILLER_ONLY_RE = re.compile(r"[\s*Xx.…/\\—–\-_―─一~?·]+")
# "*" not between two digits or two words (7*24小时 and 元/人*月 are real values), XX not inside
# a Latin word, "...", or a template variable ({{目标值}}, ${target}).
_FILLER_INSIDE_RE = re.compile(
    r"(?<![0-9\w])\*|\*(?![0-9\w])|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|\.{3,}"
    r"|\{\{[^{}]*\}\}|\$\{[^{}]*\}"
)
# A dash or slash alone: the cell says "nothing here" rather than leaving the template's mark.
_DASH_ONLY_RE = re.compile(r"[—–\-―─/一]{1,2}")
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
    ``例：…``).  Such cells count as empty, as fiscal-software vendors' goal import treats
    them (it rejects ``*``, ``_``, ``-`` in a 指标值 and reads ``XX`` as empty)."""
    if not isinstance(raw, str):
        return False
    return _is_placeholder_text(_normalise_str(raw))


_INSTRUCTION_FIRST_CHARS = frozenset("请填此在例示如([【")


#: Texts that say a line does not apply (不适用), in 指标性质, 指标值, 实际完成值, 得分 or 三级指标
#: (``不适应``: the typo of a real template).
INAPPLICABLE_TEXTS = frozenset({"不适用", "不适应", "不涉及", "无此项", "本年不适用", "n/a", "na"})


def has_filler(text: str) -> bool:
    """A template mark left inside a longer text: ``人数(≥**人)``, ``{{目标值}}``, ``……``."""
    return bool(text) and bool(_FILLER_INSIDE_RE.search(_normalise_str(text)))


def is_filler(text: str) -> bool:
    """Only filler characters (``**``, ``……``, ``/``, ``—``): a template's mark, no value."""
    return bool(_FILLER_ONLY_RE.fullmatch(text))


def is_dash(text: str) -> bool:
    """A cell that holds only ``—``, ``-``, ``/`` or ``一``: empty like a placeholder, but what
    it says is "no value stated", not "the template was not filled"."""
    return bool(_DASH_ONLY_RE.fullmatch(_normalise_str(text)))


def _is_placeholder_text(text: str) -> bool:
    # Cheap character tests guard each regex: most cells are plain values.
    if not text:
        return False
    if _FILLER_ONLY_RE.fullmatch(text):
        return True
    if ("*" in text or "x" in text or "X" in text or "..." in text or "{" in text) and (
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
    """The qualitative tier of a 完成值/指标值 text: the three tiers a qualitative
    indicator's 完成值 is written and scored in (达成 / 部分达成 / 未达成), the other scales
    templates use, and a graded statement, which a qualitative target should be (有效提升,
    达到…标准 — not empty words such as 加强管理).

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
