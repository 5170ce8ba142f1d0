"""Text normalisation: a cell as text (NFKC, trimmed, inner whitespace collapsed), a number
cell's text as Excel shows it (at most 15 significant digits), numbers shown as pbm shows
them (rounded half-up, never an exponent), and traditional characters read as simplified
ones where a text is matched (labels, levels, targets), never where it is shown."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from pbm.values.model import _absurd

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


def utf8_text(text: str) -> str:
    """``text`` with the bytes of a name that were no valid UTF-8 (Python keeps them as lone
    surrogates: ``bad\xff.xlsx`` on Linux) shown as ``\xff``, so it can be printed and
    written into a workbook or JSON."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def decimal_text(value: object, places: int = 2, *, thousands: bool = False,
                 sign: bool = False, dash: str = "—") -> str:
    """A number shown with ``places`` decimals, rounded half-up as pbm rounds scores, rates
    and amounts — so the terminal, the workbooks and the letters show the same digits
    (Python's own ``f"{Decimal('8.125'):.2f}"`` rounds half-even: 8.12)."""
    if value is None:
        return dash
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(number)
    rounded = _quantize(number, Decimal(1).scaleb(-places))
    return format(rounded, ("+" if sign else "") + ("," if thousands else "") + f".{places}f")


def percent_text(fraction: Decimal | None) -> str:
    """A share (0.6667) as a percentage with two decimals (66.67%), — for none: the terminal,
    the 说明 sheets and the documents show rates alike."""
    return "—" if fraction is None else decimal_text(fraction * 100) + "%"


def _quantize(number: Decimal, exponent: Decimal) -> Decimal:
    """``number`` rounded half-up to ``exponent``'s places, with as many digits as that takes
    (Decimal's default 28 cannot round 1e30 to cents: InvalidOperation)."""
    try:
        return number.quantize(exponent, ROUND_HALF_UP)
    except InvalidOperation:
        digits = number.adjusted() - exponent.adjusted() + 2
        return number.quantize(exponent, ROUND_HALF_UP, context=Context(prec=digits))


def plain_decimal(value: Decimal | None, dash: str = "—") -> str:
    """A weight, target or amount as people write it: 10, 0.5, 266 (no trailing zeros,
    never an exponent)."""
    if value is None:
        return dash
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        return format(_quantize(value, Decimal(1)), "f")
    return format(value.normalize(), "f")


def _normalise_str(text: str) -> str:
    if not text.isascii():  # ASCII is NFKC-invariant and has no zero-width characters
        if _INVISIBLE_RE.search(text):
            text = _INVISIBLE_RE.sub("", text)
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def simplified(text: str) -> str:
    """``text`` with traditional characters as their simplified forms (``質量指標`` →
    ``质量指标``, ``不超過3個小時`` → ``不超过3个小时``), by OpenCC's t2s tables; a text with no
    character that exists only in traditional writing comes back as it is (so ``显著`` and
    ``著作`` stay). For matching: what pbm shows keeps the department's characters."""
    if text.isascii():
        return text
    gate = _traditional_only()
    if gate.search(text) is None:
        return text
    return _t2s().convert(text)


@cache
def _traditional_only() -> re.Pattern[str]:
    """The characters OpenCC converts from traditional that are no simplified character."""
    def heads(name: str) -> set[str]:
        path = resources.files("opencc") / "dictionary" / name
        return {line.split("\t", 1)[0] for line in path.read_text("utf-8").splitlines()
                if line and "\t" in line}
    only = sorted(c for c in heads("TSCharacters.txt") - heads("STCharacters.txt") if len(c) == 1)
    return re.compile("[" + "".join(re.escape(c) for c in only) + "]")


@cache
def _t2s():
    from opencc import OpenCC  # only once a traditional character is met

    return OpenCC("t2s")


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


def _safe_text(raw: object) -> str:
    try:
        return normalise_text(raw)
    except Exception:
        return ""


def _number_cell_text(raw: int | float | Decimal) -> tuple[str, Decimal] | None:
    """Text and Decimal of a numeric cell; None for nan/inf and absurd magnitudes
    (``MAX_EXPONENT``: 1e308, 4.9e-324, a 40-digit int)."""
    if type(raw) is float or isinstance(raw, float):
        if raw != raw or raw in (math.inf, -math.inf):
            return None
        if raw == 0:
            return "0", _ZERO
        text = format(raw, ".15g")  # Excel's 15 significant digits: no binary noise, no "95.0"
        number = Decimal(text)
        if "e" in text:
            if _absurd(number):
                return None
            text = _decimal_text(number)
        return text, number
    if isinstance(raw, Decimal):
        return (_decimal_text(raw), raw) if raw.is_finite() and not _absurd(raw) else None
    text = normalise_text(raw)
    number = Decimal(raw)
    return (text, number) if text and not _absurd(number) else None


_ZERO = Decimal(0)
