"""Header and label matching through the aliases of schemas/project.schema.json and
schemas/indicator.schema.json (the single source of truth for field names)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pbm.resources import load_schema
from pbm.values import money_unit
from pbm.values.text import simplified

PROJECT = "project"
INDICATOR = "indicator"

_UNIT_SUFFIX = re.compile(r"[(\[（【]([^()\[\]（）【】]*)[)\]）】]$")
_PERIOD = re.compile(r"(\d{1,2}|[一二三四五六七八九十]+)\s*[-—–~至到]\s*(\d{1,2}|[一二三四五六七八九十]+)\s*月")
_SPACES = re.compile(r"\s+")
_PARTS = re.compile(r"[,、;；]")
#: A bracketed word that changes what a label means, kept in its key: 项目总金额（中期规划，万元）
#: is the medium-term total, 项目总金额（万元） the amount.
_MEANING_QUALIFIERS = ("中期",)


def normalise_label(text: object) -> tuple[str, str | None]:
    if isinstance(text, str):
        return _normalise_label_text(text)
    return _normalise_label_uncached(text)


@lru_cache(maxsize=65536)
def _normalise_label_text(text: str) -> tuple[str, str | None]:
    return _normalise_label_uncached(text)


def _normalise_label_uncached(text: object) -> tuple[str, str | None]:
    """Key used for alias lookup, plus a unit written in brackets (``资金总额(万元)``).

    NFKC, traditional characters as simplified ones, no whitespace or line breaks, no
    required-marks ``*``, no trailing colon, ``1-9月`` style periods become ``1-N月``, lower
    case for English labels; a bracket's words are dropped (``长期目标（跨度多年的项目需填）``)
    except a unit and a qualifier that changes the meaning (``（中期规划，万元）``).
    """
    if text is None:
        return "", None
    value = simplified(unicodedata.normalize("NFKC", str(text)))
    value = _SPACES.sub("", value).replace("*", "").replace("★", "")
    if value.startswith("其中"):
        value = value[2:].lstrip(":：")
    value = value.rstrip(":：")
    unit = None
    qualifier = ""
    while True:
        match = _UNIT_SUFFIX.search(value)
        if not match:
            break
        for inner in _PARTS.split(match.group(1)):
            money = money_unit(inner)
            if money or inner in {"%", "分", "个", "人"} or not unit:
                unit = unit or money or ("%" if inner == "%" else None)
            kept = next((q for q in _MEANING_QUALIFIERS if inner.startswith(q)), None)
            if kept is not None:
                qualifier = f"({kept})"
        value = value[: match.start()]
    value = _PERIOD.sub("1-N月", value)
    value = value.rstrip(":：") + qualifier
    return value.lower(), unit


@cache
def alias_table(kind: str) -> dict[str, str]:
    """Normalised alias → canonical field name for ``project`` or ``indicator``."""
    schema = load_schema(kind)
    table: dict[str, str] = {}
    for field_name, spec in schema["properties"].items():
        for alias in [spec.get("title", ""), field_name, *spec.get("x-aliases", [])]:
            key, _ = normalise_label(alias)
            if key:
                table.setdefault(key, field_name)
    return table


@cache
def field_titles(kind: str) -> dict[str, str]:
    """Canonical field name → the Chinese label pbm writes."""
    return {name: spec.get("title", name) for name, spec in load_schema(kind)["properties"].items()}


def match_label(text: object) -> tuple[str, str, str | None] | None:
    if isinstance(text, str):
        return _match_label_text(text)
    return _match_label_uncached(text)


@lru_cache(maxsize=65536)
def _match_label_text(text: str) -> tuple[str, str, str | None] | None:
    return _match_label_uncached(text)


def _match_label_uncached(text: object) -> tuple[str, str, str | None] | None:
    """(kind, field, unit) for a header or form label, or None.

    Indicator columns win over project fields when a label means both (e.g. 单位 is
    计量单位 in an indicator grid).
    """
    key, unit = normalise_label(text)
    if not key or len(key) > 40:
        return None
    for kind in (INDICATOR, PROJECT):
        field_name = alias_table(kind).get(key)
        if field_name:
            return kind, field_name, unit
    return None
