"""Findings as data: a stable code, a severity, a location and the offending value.

The zh/en texts come from the catalogue in ``pbm/messages/*.toml`` (one file per area,
keyed by code), never from the code that raises the finding.  Tests assert codes and
locations, not prose.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from pbm.resources import resource_dir


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Finding:
    """One finding.  ``params`` fill the placeholders of the catalogue text; the severity and
    the review dimension come from the catalogue entry of ``code``, nowhere else."""

    code: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # A1 address as Excel shows it; None for a file/project
    project: str | None = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return severity_of(self.code)

    @property
    def dimension(self) -> str | None:
        """完整性/相关性/适当性/可行性 for goal rules."""
        return catalogue()[self.code].get("dimension")

    def message(self, lang: str = "zh") -> str:
        return render_message(self.code, lang, self.params, self.value)

    def hint(self, lang: str = "zh") -> str:
        entry = catalogue().get(self.code, {})
        text = entry.get(f"hint_{lang}") or entry.get("hint_zh") or ""
        return _fill(text, self.params, self.value)

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " / ".join(parts)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "project": self.project,
            "message": self.message(lang),
            "value": _jsonable(self.value),
            "hint": self.hint(lang),
            "dimension": self.dimension,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: dict[str, Any], value: Any) -> str:
    values = _Defaulting({k: ("" if v is None else v) for k, v in params.items()})
    values.setdefault("value", "" if value is None else value)
    try:
        return template.format_map(values)
    except (ValueError, IndexError):
        return template


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All message entries, merged from every ``pbm/messages/*.toml``."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(resource_dir("messages").glob("*.toml")):
        with path.open("rb") as handle:
            for code, entry in tomllib.load(handle).items():
                if code in merged:
                    raise RuntimeError(f"message code {code} defined twice ({path.name})")
                merged[code] = entry
    return merged


def render_message(code: str, lang: str, params: dict[str, Any], value: Any = None) -> str:
    entry = catalogue().get(code)
    if entry is None:
        return code
    template = entry.get(lang) or entry.get("zh") or code
    return _fill(template, params, value)


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def severity_of(code: str) -> str:
    """A code's severity: the catalogue is the one source of truth."""
    return catalogue()[code]["severity"]


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts
