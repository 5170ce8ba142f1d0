"""What the value parser hands back: :class:`ParsedValue`, a typed cell, and the notes it
carries (:class:`Note`: what the parser decided about the cell); the fast constructors the hot
paths use; and the results every parser shares (unparseable, placeholder, formula without a
cached value)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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


def _unparseable(raw: object, text: str, role: str, detail: str = "",
                 internal: str | None = None) -> ParsedValue:
    params: dict[str, Any] = {"field": _FIELD_BY_ROLE.get(role, role), "value": text,
                              "detail": detail}
    if internal is not None:  # only the safety net sets this; tests assert it never appears
        params["internal"] = internal
    kind = "missing" if not text else "text"
    return _value(raw, text, kind, notes=(_note("R-UNPARSEABLE", params),))


#: A number of magnitude 10^21 or more, or nonzero below 10^-20, is no amount, count, rate or
#: weight a form holds (1e308, a 400-digit string, 4.9e-324): read as none, R-UNPARSEABLE.
#: Exact arithmetic on it would need hundreds of digits (Decimal's 28 cannot round it).
MAX_EXPONENT = 20


def _absurd(number: Decimal | None) -> bool:
    return bool(number) and abs(number.adjusted()) > MAX_EXPONENT


def _bounded(parsed: ParsedValue, raw: object, role: str) -> ParsedValue:
    """``parsed``, unless its number is absurd (MAX_EXPONENT): then unparseable."""
    return _unparseable(raw, parsed.text, role) if _absurd(parsed.number) else parsed


def _placeholder(raw: object, text: str) -> ParsedValue:
    return _value(raw, text, "missing", placeholder=True,
                  notes=(_note("R-PLACEHOLDER", {"value": text}),))


def _formula(raw: object, text: str) -> ParsedValue:
    return _value(raw, text, "missing", notes=(_note("R-FORMULA-NO-VALUE", {"value": text}),))
