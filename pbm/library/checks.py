"""What ``pbm validate`` finds with the 指标库: a target set below the same project's last-year
actual or target for the same indicator (matched by project code and normalised 三级 name:
G-TARGET-LOW, for a cap looser than last year's: G-TARGET-LOOSE), an indicator outside the
bureau's core library with the nearest of its names (G-NOT-CORE), and the 指标量化率 and
核心指标覆盖率 of the run."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pbm.findings import Finding
from pbm.library.build import YearLine, build_library, direction_of, where
from pbm.library.core import CoreLibrary
from pbm.library.names import normalise_name
from pbm.library.rates import ProjectIndicators, Rates, compute_rates
from pbm.values import plain_decimal


@dataclass
class LibraryContext:
    """Last year's lines (project code, normalised name → line), the core library and which
    names count as core for the rates (None: no core library and no history — not judged)."""

    year: int | None
    last: dict[tuple[str, str], YearLine]
    core: CoreLibrary | None
    core_keys: set[str] | None
    nearest: int = 3
    _near: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_config(cls, config, limits, *, core: Path | None = None,
                    history: list[Path] | None = None) -> LibraryContext | None:
        """The library a goal review is checked against — ``--history``/``--core`` where given,
        else pbm.toml ``[indicators]`` — None when neither names one (validate, rectify)."""
        from pbm.library.settings import LibrarySettings

        settings = LibrarySettings.from_config(config, core=core, history=history)
        return cls.load(config.year, settings.history, settings.load_core(limits),
                        settings.common_min_departments, settings.nearest)

    @classmethod
    def load(cls, year: int, history: list[Path], core: CoreLibrary | None,
             common_min_departments: int = 2, nearest: int = 3) -> LibraryContext | None:
        if not history and core is None:
            return None
        last_year, last = None, {}
        core_keys = set(core.indicators) if core is not None else None
        if history:
            library = build_library(history, year, common_min_departments=common_min_departments,
                                    core=core)
            earlier = [y for y in library.years if y < year]
            if earlier:
                last_year = max(earlier)
                last = library.lines_of(last_year)
            core_keys = library.core_keys()
        return cls(last_year, last, core, core_keys, nearest)

    def nearest_names(self, key: str) -> tuple[str, ...]:
        found = self._near.get(key)
        if found is None:
            indicators = self.core.indicators if self.core is not None else {}
            keys = difflib.get_close_matches(key, list(indicators), n=self.nearest, cutoff=0.4)
            found = self._near[key] = tuple(indicators[k].name for k in keys)
        return found

    def rates(self, projects: list[ProjectIndicators]) -> list[Rates]:
        keys = self.core_keys
        rates = compute_rates(projects, (keys or set()).__contains__)
        if keys is None:
            for row in rates:
                row.core_known = False
        return rates


def project_indicators(project) -> ProjectIndicators:
    """What the rates need of a reviewed goal project (:class:`pbm.goals.rules.GoalProject`)."""
    total = project.money.get("total_funds")
    return ProjectIndicators(project.record.department,
                             total.number if total is not None else None,
                             [normalise_name(name) for name in project.names],
                             [typed.quantitative for typed in project.typed],
                             covered=not project.subject.department)


def library_findings(project, context: LibraryContext) -> list[Finding]:
    """G-TARGET-LOW / G-TARGET-LOOSE and G-NOT-CORE for one goal project."""
    from pbm.goals.rules import make_finding

    record = project.record
    table = record.table
    code = record.text("project_code") or record.name
    findings: list[Finding] = []
    seen: set[str] = set()
    for line, name, typed in zip(record.lines, project.names, project.typed):
        key = normalise_name(name)
        if not key or key in seen:
            continue
        seen.add(key)
        last = context.last.get((code, key))
        if last is not None:
            found = _lower(typed, last)
            if found is not None:
                code_, detail, detail_en = found
                cell = table.a1("target", line) or table.a1("name", line)
                findings.append(make_finding(
                    code_, project, cell, typed.target.text, target=typed.target.text,
                    at=cell or "", year=last.year, detail=detail, detail_en=detail_en))
        if context.core is not None and key not in context.core:
            near = context.nearest_names(key)
            findings.append(make_finding(
                "G-NOT-CORE", project, table.a1("name", line), name, name=name,
                nearest=f"；名称相近的核心指标：{'、'.join(near)}" if near else "",
                nearest_en=f"; nearest core indicators: {', '.join(near)}" if near else ""))
    return findings


def _lower(typed, last: YearLine) -> tuple[str, str, str] | None:
    """(code, what of last year the target is below (or looser than), in zh and en), or None."""
    direction = direction_of(typed.comparison or typed.op, typed.quantitative)
    if direction not in ("≥", "≤") or direction != last.direction:
        return None
    number = typed.target.number
    unit = typed.target.unit or typed.unit
    if number is None or (unit or "") != (last.target_unit or last.unit or ""):
        return None
    worse = (lambda a, b: a < b) if direction == "≥" else (lambda a, b: a > b)
    parts, parts_en = [], []
    for value, text, at, zh, en in (
            (last.actual_number, last.actual, last.actual_at, "实际完成值", "actual"),
            (last.target_number, last.target, last.target_at, "指标值", "target")):
        if value is not None and isinstance(value, Decimal) and worse(number, value):
            shown = text or plain_decimal(value)
            parts.append(f"{zh} {shown}（{where(at)}）")
            parts_en.append(f"{en} {shown} ({where(at)})")
    if not parts:
        return None
    code = "G-TARGET-LOW" if direction == "≥" else "G-TARGET-LOOSE"
    return code, "、".join(parts), "; ".join(parts_en)
