"""The `--must` rule language of `pbm sample`: small, safe, no ``eval``.

Grammar (keywords are case-insensitive; Chinese forms in brackets)::

    rule       := or_rule
    or_rule    := and_rule (("or" | "||" [或, 或者]) and_rule)*
    and_rule   := not_rule (("and" | "&&" [且, 并且]) not_rule)*
    not_rule   := ("not" | "!" [非]) not_rule | "(" rule ")" | comparison
    comparison := column op value | column ["not"] "in" "(" value ("," value)* ")"
    op         := == | = | != | <> | >= | <= | > | < | ≥ | ≤ | ≠ | 包含 | 不包含 | contains

The text is NFKC-normalised first, so full-width ＞＝（），are the ASCII ones.  A column is
any text up to the operator, spaces trimmed (``金额(万元)`` keeps its parentheses: a ``(``
only opens a group at the start of an operand).  ``非`` negates only when a space or ``(``
follows it, so a column such as ``非税收入`` stays a column.  A value is a quoted string
(``"…"``, ``'…'``, ``“…”``, ``「…」``) or bare text up to the next ``)``, connective or the end;
a bare value that reads as a number (``500``, ``1,200.5``, ``500万元``) compares as a number
(``decimal.Decimal``, never float), anything else compares as trimmed text.  Row values are
coerced the same way, so ``金额>=500`` matches a cell "1,200.5" and ``灯色==红`` matches "红".

A row whose value is missing or not a number never satisfies an ordering comparison
(``<``, ``>=`` …); ``!=`` is simply "not ==".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from pbm.errors import PbmError
from pbm.values import MONEY_UNITS, parse_money

_MAX_LENGTH = 2000
_MAX_DEPTH = 60

_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "`": "`"}
# Longest spellings first so ">=" is not read as ">" followed by "=".
_SYMBOL_OPS = [(">=", ">="), ("<=", "<="), ("==", "=="), ("!=", "!="), ("<>", "!="),
               ("≥", ">="), ("≤", "<="), ("≠", "!="), (">", ">"), ("<", "<"), ("=", "==")]
_CHINESE_OPS = [("不包含", "not contains"), ("包含", "contains")]
_WORD_OPS = [("not in", "not in"), ("in", "in"), ("contains", "contains")]
_AND_WORDS = ("and",)
_OR_WORDS = ("or",)
_AND_SYMBOLS = ("&&", "并且", "且")
_OR_SYMBOLS = ("||", "或者", "或")
_ORDERING = {">=", "<=", ">", "<"}


def _normalise(text: str) -> str:
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


@dataclass
class Rule:
    """A compiled rule: ``columns`` it reads, ``matches(row)`` to test one population row."""

    text: str
    columns: set[str]
    _test: Callable[[Callable[[str], Any]], bool] = field(repr=False)
    _keys: dict[str, str] = field(default_factory=dict, repr=False)
    #: The rule as a reader writes it: 金额>=500 且 灯色==红 → 金额 500 万元及以上且亮红灯的项目.
    words: str = field(default="", compare=False)

    def matches(self, row: dict) -> bool:
        keys = self._keys
        if keys:
            if self._same_keys:
                return self._test(row.get)
            return self._test(lambda column: row.get(keys.get(column, column)))
        return self._test(lambda column: _lookup(row, column))

    def __post_init__(self) -> None:
        self._same_keys = all(column == key for column, key in self._keys.items())

    def bind(self, available: Iterable[str]) -> Rule:
        """This rule with its columns mapped to the population's own keys.

        Names match after NFKC normalisation and trimming (``金额（万元）`` = ``金额(万元)``).
        Raises ``PbmError`` SAMPLE-UNKNOWN-COLUMN naming the column and the available ones.
        """
        available = [key for key in available if isinstance(key, str)]
        by_normal = {}
        for key in available:
            by_normal.setdefault(_normalise(key), key)
        keys = {}
        for column in sorted(self.columns):
            if column not in by_normal:
                raise PbmError("SAMPLE-UNKNOWN-COLUMN", column=column, rule=self.text,
                               available="、".join(available))
            keys[column] = by_normal[column]
        return Rule(self.text, set(self.columns), self._test, keys, self.words)


def _lookup(row: dict, column: str) -> Any:
    if column in row:
        return row[column]
    for key, value in row.items():
        if isinstance(key, str) and _normalise(key) == column:
            return value
    return None


def compile_rule(text: str) -> Rule:
    """Parse one `--must` rule; raises ``PbmError`` SAMPLE-BAD-RULE with the reason."""
    if not isinstance(text, str):
        raise _bad(str(text), "规则不是文本", "the rule is not text")
    if len(text) > _MAX_LENGTH:
        raise _bad(text[:60] + "…", f"规则超过 {_MAX_LENGTH} 个字符",
                   f"the rule is longer than {_MAX_LENGTH} characters")
    parser = _Parser(text)
    test, words, _ = parser.parse()
    return Rule(text=text.strip(), columns=parser.columns, _test=test, words=_cat(words, "的项目"))


def rules_in_words(text: str, separator: str = "；") -> list[str]:
    """Rules as a record writes them (``金额>=1000；灯色==红``), each in words; a rule that
    does not parse stays as written."""
    described = []
    for part in (piece.strip() for piece in text.split(separator)):
        if not part:
            continue
        try:
            described.append(compile_rule(part).words)
        except PbmError:
            described.append(part)
    return described


def _bad(rule: str, reason: str, reason_en: str) -> PbmError:
    return PbmError("SAMPLE-BAD-RULE", rule=rule, reason=reason, reason_en=reason_en)


# ---------------------------------------------------------------------------------------------
# Values


# A number written in a rule: plain, or with a money unit (converted to 万元 like the 金额
# column, by the value parser).
_RULE_NUMBER = re.compile(r"([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))\s*(" + "|".join(
    sorted({*MONEY_UNITS, "万", "亿"}, key=len, reverse=True)) + ")?")
_OPERATOR_CHARS = set("=<>≥≤≠!")


def _as_number(value: Any) -> Decimal | None:
    """A cell or rule value as a finite Decimal, or None when it is not a number; text goes
    through ``pbm.values.parse_money`` (万元/元 units, thousands separators)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    text = _normalise(str(value))
    if not text:
        return None
    number = parse_money(text).number
    return number if number is not None and number.is_finite() else None


def _rule_number(text: str) -> Decimal | None:
    """A bare rule value as a number, strictly: ``500``, ``1,200.5``, ``500万元``, ``5000000元``.

    Stricter than the cell parser on purpose: ``5 灯色==红`` in a rule is a typo, not 5.
    """
    return _as_number(text) if _RULE_NUMBER.fullmatch(text) else None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _normalise(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normalise(str(value))


@dataclass(frozen=True)
class _Operand:
    text: str
    number: Decimal | None
    quoted: bool


def _equals(cell: Any, operand: _Operand) -> bool:
    if type(cell) is str and cell == operand.text:
        return True
    if operand.number is not None:
        number = _as_number(cell)
        if number is not None:
            return number == operand.number
    return _as_text(cell) == operand.text


def _make_comparison(column: str, op: str, operands: list[_Operand]) -> Callable:
    if op in _ORDERING:
        target = operands[0].number
        compare = {">=": lambda a: a >= target, "<=": lambda a: a <= target,
                   ">": lambda a: a > target, "<": lambda a: a < target}[op]

        def ordered(get):
            number = _as_number(get(column))
            return number is not None and compare(number)
        return ordered
    if op in ("==", "!="):
        operand = operands[0]
        wanted = op == "=="
        return lambda get: _equals(get(column), operand) == wanted
    if op in ("in", "not in"):
        wanted = op == "in"
        return lambda get: any(_equals(get(column), item) for item in operands) == wanted
    needle = operands[0].text  # contains / not contains
    wanted = op == "contains"
    return lambda get: (needle in _as_text(get(column))) == wanted


class _Part(NamedTuple):
    """A parsed rule or part of one: its test, its words, and what it is (or/and/atom)."""

    test: Callable
    words: str
    group: str


# ---------------------------------------------------------------------------------------------
# Words: the rule as a reader writes it


# light columns of pbm's outputs: (words when it is one of the colours, when it is none)
_LIGHT_COLUMNS = {"灯色": ("亮{}灯", "未亮{}灯"), "综合灯色": ("亮{}灯", "未亮{}灯"),
                  "执行灯": ("执行灯为{}灯", "执行灯不为{}灯"), "指标灯": ("指标灯为{}灯", "指标灯不为{}灯")}
_LIGHTS = {"红", "黄", "绿"}
_MONEY_WORDS = ("金额", "预算", "执行数", "资金")
_COLUMN_UNIT = re.compile(r"^(.*?)\s*\(([^()]+)\)$")  # 金额(万元): NFKC made （） into ()


def _cat(*pieces: str) -> str:
    """Pieces joined, with a space where Latin letters or digits meet Chinese (金额 500 万元)."""
    text = ""
    for piece in pieces:
        if text and piece and (_is_latin(text[-1]) != _is_latin(piece[0])) and \
                not _is_bracket(text[-1]) and not _is_bracket(piece[0]):
            text += " "
        text += piece
    return text


def _is_latin(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "%.")


def _is_bracket(char: str) -> bool:
    return char in "（）“”、；：，。" or char.isspace()


def _joined(connective: str, words: list[str]) -> str:
    text = words[0]
    for part in words[1:]:
        text = _cat(text, connective, part)
    return text


def _comparison_words(column: str, op: str, operands: list[_Operand]) -> str:
    """One comparison in words: 金额>=500 → 金额 500 万元及以上; 灯色==红 → 亮红灯."""
    name, unit = column, ""
    match = _COLUMN_UNIT.match(column)
    if match:
        name, unit = match.group(1), match.group(2)
    elif any(word in column for word in _MONEY_WORDS):
        unit = "万元"  # the 金额 column and the rules' money values are in 万元
    if op in _ORDERING:
        number = operands[0].number
        value = (format(number.normalize(), "f") if unit == "万元" and number is not None
                 else operands[0].text)
        amount = f"{value} {unit}" if unit else value
        return {">=": _cat(name, amount, "及以上"), "<=": _cat(name, amount, "及以下"),
                ">": _cat(name, "超过", amount), "<": _cat(name, "低于", amount)}[op]
    values = [operand.text for operand in operands]
    light = _LIGHT_COLUMNS.get(column)
    if light and op in ("==", "!=", "in", "not in") and \
            all(value.removesuffix("灯") in _LIGHTS for value in values):
        colours = "、".join(value.removesuffix("灯") for value in values)
        if op in ("==", "in"):
            return light[0].format(colours.replace("、", "灯或"))  # 亮红灯或黄灯
        return light[1].format(colours.replace("、", "灯、"))      # 未亮红灯、黄灯
    quoted = "、".join(f"“{value}”" for value in values)
    return {"==": f"{name}为{quoted}", "!=": f"{name}不为{quoted}",
            "in": f"{name}为{quoted.replace('、', '或')}", "not in": f"{name}不属于{quoted}",
            "contains": f"{name}包含{quoted}", "not contains": f"{name}不包含{quoted}"}[op]


# ---------------------------------------------------------------------------------------------
# Parser: recursive descent over the normalised text, position by position


class _Parser:
    def __init__(self, raw: str):
        self.raw = raw.strip()
        self.text = _normalise(raw)
        self.pos = 0
        self.depth = 0
        self.columns: set[str] = set()

    # -- errors -------------------------------------------------------------------------------

    def fail(self, reason: str, reason_en: str) -> PbmError:
        inside = self.pos < len(self.text)
        where = f"（第 {self.pos + 1} 个字符处）" if inside else "（规则末尾）"
        where_en = f" (at character {self.pos + 1})" if inside else " (at the end)"
        return _bad(self.raw, reason + where, reason_en + where_en)

    # -- scanning helpers ---------------------------------------------------------------------

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self.skip_spaces()
        return self.pos >= len(self.text)

    def word_at(self, position: int, word: str) -> bool:
        """``word`` (ASCII keyword) at ``position`` with a boundary before and after it."""
        end = position + len(word)
        if self.text[position:end].lower() != word:
            return False
        before = self.text[position - 1] if position > 0 else " "
        after = self.text[end] if end < len(self.text) else " "
        return not _is_word_char(before) and not _is_word_char(after)

    def connective_at(self, position: int) -> str | None:
        for word in _AND_WORDS:
            if self.word_at(position, word):
                return "and"
        for word in _OR_WORDS:
            if self.word_at(position, word):
                return "or"
        for symbol in _AND_SYMBOLS:
            if self.text.startswith(symbol, position):
                return "and"
        for symbol in _OR_SYMBOLS:
            if self.text.startswith(symbol, position):
                return "or"
        return None

    def take_connective(self, kind: str) -> bool:
        self.skip_spaces()
        if self.pos >= len(self.text) or self.connective_at(self.pos) != kind:
            return False
        for word in (_AND_WORDS if kind == "and" else _OR_WORDS):
            if self.word_at(self.pos, word):
                self.pos += len(word)
                return True
        for symbol in (_AND_SYMBOLS if kind == "and" else _OR_SYMBOLS):
            if self.text.startswith(symbol, self.pos):
                self.pos += len(symbol)
                return True
        return False  # pragma: no cover - connective_at said there was one

    # -- grammar ------------------------------------------------------------------------------

    def parse(self) -> Callable:
        if self.at_end():
            raise self.fail("规则为空", "the rule is empty")
        part = self.or_rule()
        if not self.at_end():
            if self.text[self.pos] == ")":
                raise self.fail("多余的右括号", "unbalanced closing parenthesis")
            raise self.fail("此处应为 and/or（且/或）或规则结束", "expected and/or or the end of the rule")
        return part

    def or_rule(self) -> _Part:
        parts = [self.and_rule()]
        while self.take_connective("or"):
            parts.append(self.and_rule())
        if len(parts) == 1:
            return parts[0]
        tests = [part.test for part in parts]
        return _Part(lambda get: any(test(get) for test in tests),
                     _joined("或", [part.words for part in parts]), "or")

    def and_rule(self) -> _Part:
        parts = [self.not_rule()]
        while self.take_connective("and"):
            parts.append(self.not_rule())
        if len(parts) == 1:
            return parts[0]
        tests = [part.test for part in parts]
        # an "or" inside an "and" keeps its brackets: 金额 500 万元及以上且（亮红灯或亮黄灯）
        return _Part(lambda get: all(test(get) for test in tests),
                     _joined("且", [f"（{p.words}）" if p.group == "or" else p.words
                                   for p in parts]),
                     "and")

    def not_rule(self) -> _Part:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"嵌套超过 {_MAX_DEPTH} 层", f"nested deeper than {_MAX_DEPTH} levels")
        try:
            if self.at_end():
                raise self.fail("缺少条件", "a condition is missing")
            if self.word_boundary_connective(self.pos):
                raise self.fail("and/or 前后缺少条件", "a condition is missing next to and/or")
            if self.take_not():
                inner = self.not_rule()
                words = inner.words if inner.group == "atom" else f"（{inner.words}）"
                return _Part(lambda get: not inner.test(get), f"不符合“{words}”", "atom")
            if self.text[self.pos] == "(":
                self.pos += 1
                inner = self.or_rule()
                self.skip_spaces()
                if self.pos >= len(self.text) or self.text[self.pos] != ")":
                    raise self.fail("缺少右括号", "a closing parenthesis is missing")
                self.pos += 1
                return inner
            return self.comparison()
        finally:
            self.depth -= 1

    def take_not(self) -> bool:
        text, pos = self.text, self.pos
        if self.word_at(pos, "not"):
            self.pos += 3
            return True
        if text.startswith("!", pos) and not text.startswith("!=", pos):
            self.pos += 1
            return True
        nxt = text[pos + 1] if pos + 1 < len(text) else ""
        if text.startswith("非", pos) and (nxt.isspace() or nxt == "("):
            self.pos += 1
            return True
        return False

    def comparison(self) -> _Part:
        column, op = self.column_and_operator()
        self.skip_spaces()
        if op in ("in", "not in"):
            operands = self.value_list()
        else:
            operands = [self.value(stop_at_comma=False)]
        if op in _ORDERING and operands[0].number is None:
            raise self.fail(f"“{op}”后面应为数字，而不是“{operands[0].text}”",
                            f"“{op}” needs a number, not “{operands[0].text}”")
        self.columns.add(column)
        return _Part(_make_comparison(column, op, operands), _comparison_words(column, op, operands),
                     "atom")

    def column_and_operator(self) -> tuple[str, str]:
        text = self.text
        start = self.pos
        if text[start] in _QUOTES:  # a quoted column name
            column = self.quoted()
            self.skip_spaces()
            op = self.operator_at(self.pos, after_name=True)
            if op is None:
                raise self.fail("列名后应为比较运算符（== != >= <= > < 包含 in）",
                                "expected a comparison operator (== != >= <= > < 包含 in) "
                                "after the column")
            self.pos += op[0]
            return column, op[1]
        position = start
        nesting = 0
        while position < len(text):
            char = text[position]
            if nesting == 0 and position > start:
                found = self.operator_at(position, after_name=True)
                if found is not None:
                    column = text[start:position].strip()
                    self.pos = position + found[0]
                    return column, found[1]
            elif nesting == 0:
                found = self.operator_at(position, after_name=False)
                if found is not None:
                    raise self.fail("比较运算符前缺少列名", "a column name is missing before the operator")
            if char == "(":
                nesting += 1
            elif char == ")":
                if nesting == 0:
                    break
                nesting -= 1
            elif nesting == 0 and position > start and self.word_boundary_connective(position):
                break  # "灯色 and …": the operator is missing, not part of a longer name
            position += 1
        self.pos = position
        if position == start:
            raise self.fail("缺少列名", "a column name is missing")
        name = text[start:position].strip()
        raise self.fail(f"“{name}”后缺少比较运算符（== != >= <= > < 包含 in）",
                        f"no comparison operator (== != >= <= > < 包含 in) after “{name}”")

    def word_boundary_connective(self, position: int) -> bool:
        """An ASCII and/or with spaces around it ends a column name that lacks its operator."""
        return any(self.word_at(position, word) for word in _AND_WORDS + _OR_WORDS) \
            or self.text.startswith(("&&", "||"), position)

    def operator_at(self, position: int, *, after_name: bool) -> tuple[int, str] | None:
        text = self.text
        for spelling, op in _SYMBOL_OPS:
            if text.startswith(spelling, position):
                return len(spelling), op
        for spelling, op in _CHINESE_OPS:
            if text.startswith(spelling, position):
                return len(spelling), op
        if after_name:
            for spelling, op in _WORD_OPS:
                if self.word_at(position, spelling.split()[0]):
                    if spelling == "not in":
                        rest = position + 3
                        while rest < len(text) and text[rest].isspace():
                            rest += 1
                        if self.word_at(rest, "in"):
                            return rest + 2 - position, op
                        continue
                    return len(spelling), op
        return None

    def value_list(self) -> list[_Operand]:
        self.skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise self.fail("in 后面应为括号中的取值列表，如 in (红, 黄)",
                            "in needs a list in parentheses, e.g. in (红, 黄)")
        self.pos += 1
        items = []
        while True:
            self.skip_spaces()
            items.append(self.value(stop_at_comma=True))
            self.skip_spaces()
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            if self.pos < len(self.text) and self.text[self.pos] == ")":
                self.pos += 1
                return items
            raise self.fail("取值列表缺少右括号", "the value list is missing its closing parenthesis")

    def value(self, *, stop_at_comma: bool) -> _Operand:
        self.skip_spaces()
        if self.pos >= len(self.text):
            raise self.fail("缺少比较的值", "the value to compare with is missing")
        if self.text[self.pos] in _QUOTES:
            text = _normalise(self.quoted())
            return _Operand(text=text, number=None, quoted=True)
        start = self.pos
        position = start
        while position < len(self.text):
            char = self.text[position]
            if char == ")" or (stop_at_comma and char == ","):
                break
            if char == "(" or char in _QUOTES:
                raise self.fail("取值中有括号或引号，请给整个值加引号",
                                "quote a value that contains brackets or quotes")
            if self.connective_at(position):
                break
            position += 1
        text = self.text[start:position].strip()
        if not text:
            self.pos = position
            raise self.fail("缺少比较的值", "the value to compare with is missing")
        if _OPERATOR_CHARS & set(text):
            self.pos = start
            raise self.fail(f"值“{text}”中含比较运算符：两个条件之间是否缺少 and/or（且/或）？"
                            "含运算符的值请加引号",
                            f"the value “{text}” contains an operator: is and/or missing between "
                            "two conditions? Quote a value that contains one")
        self.pos = position
        return _Operand(text=text, number=_rule_number(text), quoted=False)

    def quoted(self) -> str:
        opening = self.text[self.pos]
        closing = _QUOTES[opening]
        end = self.text.find(closing, self.pos + 1)
        if end < 0:
            raise self.fail("引号没有闭合", "an opening quote is never closed")
        content = self.text[self.pos + 1:end]
        self.pos = end + 1
        return content


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")
