"""The 指标库 built from pbm's own outputs: every goal list (``goals-<year>.xlsx``: 项目/指标),
score workbook (``scores-<year>.xlsx``: 指标得分) and monitor workbook (``monitor-<period>.xlsx``:
指标) of the workspace's ``out/`` and of earlier years' ``out/`` folders, read as ``pbm report``
reads them (:func:`pbm.reports.inputs.read_output_workbook`, columns by their declared headers).

An indicator is its normalised 一级/二级/三级 name; a line of one project in one year is matched
across the workbooks of that year by project code and normalised 三级 name — the target from the
goal list, the actual from the score workbook (``实际完成值``), the monitored value from the
latest monitor workbook of the year.  Direction (≥ ≤ = 定性) and quantification come from the
one typing of indicator lines (:func:`pbm.indicators.type_line`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.findings import Finding
from pbm.indicators import POSITIVE, REVERSE, line_category, type_line
from pbm.library.core import CoreLibrary
from pbm.library.names import normalise_level, normalise_name
from pbm.library.rates import ProjectIndicators, Rates, compute_rates
from pbm.reports.inputs import OutputWorkbook, number, read_output_workbook, text
from pbm.workbook.outputs import (
    GOAL_INDICATORS,
    GOAL_PROJECTS,
    MONITOR_INDICATORS,
    SCORE_INDICATORS,
    OutputSheet,
)

#: The outputs a library is built from: ``goals-2026.xlsx``, ``scores-2026.xlsx``,
#: ``monitor-2026-09.xlsx`` (the year is the first four digits after the command's word).
SOURCE_NAME = re.compile(r"(goals|scores|monitor)-(\d{4})(.*)\.xlsx", re.IGNORECASE)
DIRECTIONS = ("≥", "≤", "=", "定性")


def direction_of(op: str | None, quantitative: bool) -> str:
    """≥ (higher is better), ≤ (a cap, a deadline), = or 定性, from a typed line's operator."""
    if not quantitative:
        return "定性"
    if op in POSITIVE:
        return "≥"
    if op in REVERSE or op == "date":
        return "≤"
    if op == "=":
        return "="
    return "定性"


@dataclass(slots=True, frozen=True)
class Typed:
    direction: str
    quantitative: bool
    target: Decimal | None
    target_unit: str
    actual: Decimal | None


class LineTyping:
    """Each distinct (性质, 单位, 指标值, 完成值, 一级, 二级) typed once per build."""

    def __init__(self, year: int | None = None):
        self.year = year
        self._known: dict[tuple, Typed] = {}

    def __call__(self, nature: Any, unit: Any, target: Any, actual: Any, level1: str,
                 level2: str) -> Typed:
        key = (nature, unit, target, actual, level1, level2)
        found = self._known.get(key)
        if found is None:
            typed = type_line(nature, unit, target, actual, year=self.year,
                              category=line_category(level1, level2))
            found = self._known[key] = Typed(
                direction_of(typed.comparison or typed.op, typed.quantitative),
                typed.quantitative, typed.target.number, typed.target.unit or typed.unit,
                typed.actual.number)
        return found


@dataclass(slots=True)
class YearLine:
    """One indicator of one project in one year."""

    year: int
    code: str
    project: str
    department: str
    level1: str
    level2: str
    name: str  # as written
    key: str  # normalised 三级 name
    unit: str
    direction: str
    quantitative: bool
    target: str = ""
    target_number: Decimal | None = None
    target_unit: str = ""
    target_at: str = ""  # output workbook · department workbook / sheet / cell
    target_where: tuple[str, str, str] = ("", "", "")  # the department workbook, sheet, cell
    actual: str = ""
    actual_number: Decimal | None = None
    actual_at: str = ""
    monitored: str = ""
    monitored_at: str = ""

    @property
    def indicator(self) -> tuple[str, str, str]:
        return (self.level1, self.level2, self.key)


@dataclass
class Entry:
    """One indicator of the library."""

    level1: str
    level2: str
    key: str
    names: Counter = field(default_factory=Counter)
    units: Counter = field(default_factory=Counter)
    directions: Counter = field(default_factory=Counter)
    departments: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    uses: int = 0
    common: bool = False
    core: bool = False

    @property
    def name(self) -> str:
        return self.names.most_common(1)[0][0] if self.names else self.key

    @property
    def unit(self) -> str:
        return _most_common(self.units)

    @property
    def direction(self) -> str:
        return _most_common(self.directions)


def _most_common(counter: Counter) -> str:
    if not counter:
        return ""
    return max(counter.items(), key=lambda item: (item[1], item[0] != "", item[0]))[0]


@dataclass
class Library:
    year: int
    common_min_departments: int
    entries: dict[tuple[str, str, str], Entry]
    lines: list[YearLine]
    projects: dict[int, list[ProjectIndicators]]  # year → the goal lists' projects
    sources: list[Path]
    core: CoreLibrary | None = None
    notes: list[Finding] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({line.year for line in self.lines} | set(self.projects))

    def common(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.common]

    def core_keys(self) -> set[str]:
        """The normalised 三级 names that count as core: the core library's, else (no core
        library loaded) the common indicators'."""
        if self.core is not None:
            return set(self.core.indicators)
        return {e.key for e in self.entries.values() if e.common}

    def rates(self, year: int) -> list[Rates]:
        keys = self.core_keys()
        return compute_rates(self.projects.get(year, []), keys.__contains__)

    def lines_of(self, year: int) -> dict[tuple[str, str], YearLine]:
        """(project code, normalised 三级 name) → that year's line."""
        return {(line.code, line.key): line for line in self.lines if line.year == year}


def source_files(folders: Iterable[Path]) -> list[tuple[int, str, Path]]:
    """(year, goals|scores|monitor, path) of the outputs in ``folders`` (a 单独检查 goal list —
    part of a workspace checked again — is not the year's list and is left out); a year's
    monitor workbooks are read in name order, so the latest period's values win."""
    found: dict[Path, tuple[int, str, Path]] = {}
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            candidates = [folder]
        elif folder.is_dir():
            candidates = sorted(folder.glob("*.xlsx"))
        else:
            continue
        for path in candidates:
            match = SOURCE_NAME.fullmatch(path.name)
            if match is None or path.name.startswith(("~$", ".")):
                continue
            kind, year, rest = match.group(1).lower(), int(match.group(2)), match.group(3)
            if kind in ("goals", "scores") and rest:
                continue  # goals-2026-单独检查.xlsx
            found.setdefault(path.resolve(), (year, kind, path))
    order = {"goals": 0, "scores": 1, "monitor": 2}
    return sorted(found.values(), key=lambda s: (s[0], order[s[1]], s[2].name))


class _Columns:
    """The headers of one output sheet's declared columns (None where the sheet lacks one)."""

    def __init__(self, book: OutputWorkbook, sheet: OutputSheet, keys: Iterable[str],
                 required: Iterable[str] = ()):
        self.table = book.table(sheet.sheet)
        self.headers: dict[str, str | None] = {}
        if self.table is None:
            return
        for key in keys:
            self.headers[key] = (book.need(self.table, sheet, key) if key in required
                                 else self.table.header(sheet, key))

    def rows(self) -> list[dict[str, Any]]:
        return self.table.rows if self.table is not None else []

    def get(self, row: dict[str, Any], key: str) -> Any:
        header = self.headers.get(key)
        return row.get(header) if header is not None else None


class _Builder:
    def __init__(self, year: int, common_min: int, core: CoreLibrary | None):
        self.year = year
        self.common_min = common_min
        self.core = core
        self.typing = LineTyping(year)
        self.lines: dict[tuple[int, str, str], YearLine] = {}
        self.projects: dict[int, list[ProjectIndicators]] = {}
        self.notes: list[Finding] = []

    def _line(self, year: int, row: dict[str, Any], cols: _Columns) -> tuple[YearLine, bool]:
        level1 = normalise_level(cols.get(row, "level1"))
        level2 = normalise_level(cols.get(row, "level2"))
        name = text(cols.get(row, "level3"))
        key = normalise_name(name)
        project = text(cols.get(row, "name"))
        code = text(cols.get(row, "code")) or project
        found = self.lines.get((year, code, key))
        if found is not None:
            return found, False
        line = YearLine(year, code, project, text(cols.get(row, "department")), level1,
                        level2, name, key, "", "定性", False)
        self.lines[(year, code, key)] = line
        return line, True

    def goals(self, year: int, path: Path) -> None:
        book = read_output_workbook(path)
        cols = _Columns(book, GOAL_INDICATORS, GOAL_INDICATORS.columns,
                        ("level3", "target", "code", "department"))
        projects = _Columns(book, GOAL_PROJECTS, ("file", "sheet", "code", "name", "department",
                                                  "amount"))
        by_project: dict[tuple, ProjectIndicators] = {}
        for row in projects.rows():
            where = tuple(text(projects.get(row, k)) for k in ("file", "sheet", "code", "name"))
            by_project.setdefault(where, ProjectIndicators(
                text(projects.get(row, "department")), number(projects.get(row, "amount"))))
        for row in cols.rows():
            line, new = self._line(year, row, cols)
            if not line.key:
                continue
            unit = text(cols.get(row, "unit"))
            target = cols.get(row, "target")
            typed = self.typing(text(cols.get(row, "nature")) or None, unit, target, None,
                                line.level1, line.level2)
            where = (text(cols.get(row, "file")), text(cols.get(row, "sheet")),
                     text(cols.get(row, "cell")))
            project = by_project.get(
                (*where[:2], text(cols.get(row, "code")), text(cols.get(row, "name"))))
            if project is not None:
                project.keys.append(line.key)
                project.quantified.append(typed.quantitative)
            if not new and line.target_at:
                continue  # the same indicator twice in one project: the first line counts
            line.unit = unit or typed.target_unit
            line.direction, line.quantitative = typed.direction, typed.quantitative
            line.target, line.target_number = text(target), typed.target
            line.target_unit = typed.target_unit
            line.target_where = where
            line.target_at = _at(path, where)
        self.projects.setdefault(year, []).extend(by_project.values())
        self.notes.extend(book.findings)

    def scores(self, year: int, path: Path) -> None:
        book = read_output_workbook(path)
        cols = _Columns(book, SCORE_INDICATORS, SCORE_INDICATORS.columns,
                        ("level3", "actual", "code"))
        for row in cols.rows():
            line, new = self._line(year, row, cols)
            if not line.key or line.actual_at:
                continue
            unit = text(cols.get(row, "unit")) if "unit" in SCORE_INDICATORS.columns else ""
            typed = self.typing(text(cols.get(row, "op")) or None, line.unit or unit,
                                cols.get(row, "target"), cols.get(row, "actual"),
                                line.level1, line.level2)
            where = tuple(text(cols.get(row, k)) for k in ("file", "sheet", "cell"))
            if new or not line.target_at:
                line.direction, line.quantitative = typed.direction, typed.quantitative
                line.target, line.target_number = text(cols.get(row, "target")), typed.target
                line.target_unit = line.unit = typed.target_unit
                line.target_where = where
                line.target_at = _at(path, where)
            line.actual, line.actual_number = text(cols.get(row, "actual")), typed.actual
            line.actual_at = _at(path, where)
        self.notes.extend(book.findings)

    def monitor(self, year: int, path: Path) -> None:
        book = read_output_workbook(path)
        cols = _Columns(book, MONITOR_INDICATORS, MONITOR_INDICATORS.columns,
                        ("level3", "code"))
        for row in cols.rows():
            line, new = self._line(year, row, cols)
            if not line.key:
                continue
            where = tuple(text(cols.get(row, k)) for k in ("file", "sheet", "cell"))
            if new:
                unit = text(cols.get(row, "unit"))
                typed = self.typing(text(cols.get(row, "nature")) or None, unit,
                                    cols.get(row, "target"), None, line.level1, line.level2)
                line.unit = unit or typed.target_unit
                line.direction, line.quantitative = typed.direction, typed.quantitative
                line.target, line.target_number = text(cols.get(row, "target")), typed.target
                line.target_unit = typed.target_unit
                line.target_where = where
                line.target_at = _at(path, where)
            value = text(cols.get(row, "expected")) or text(cols.get(row, "actual"))
            if value:
                line.monitored, line.monitored_at = value, _at(path, where)
        self.notes.extend(book.findings)

    def library(self, sources: list[Path]) -> Library:
        entries: dict[tuple[str, str, str], Entry] = {}
        lines = [line for line in self.lines.values() if line.key]
        for line in lines:
            entry = entries.get(line.indicator)
            if entry is None:
                entry = entries[line.indicator] = Entry(line.level1, line.level2, line.key)
            entry.names[line.name] += 1
            entry.units[line.unit] += 1
            entry.directions[line.direction] += 1
            if line.department:
                entry.departments.add(line.department)
            entry.projects.add(line.code)
            entry.years.add(line.year)
            entry.uses += 1
        core = self.core
        for entry in entries.values():
            entry.common = len(entry.departments) >= self.common_min
            entry.core = core is not None and entry.key in core
        if core is not None:
            used = {entry.key for entry in entries.values()}
            for indicator in core.indicators.values():
                if indicator.key in used:
                    continue
                level1 = normalise_level(indicator.texts.get("level1", ""))
                level2 = normalise_level(indicator.texts.get("level2", ""))
                entry = entries[(level1, level2, indicator.key)] = Entry(
                    level1, level2, indicator.key, core=True)
                entry.names[indicator.name] += 1
        lines.sort(key=lambda line: (line.level1, line.level2, line.key, line.code, line.year))
        return Library(self.year, self.common_min, entries, lines, self.projects, sources,
                       core, self.notes)


def _at(path: Path, where: tuple[str, ...]) -> str:
    return f"{path.name} · " + " / ".join(part for part in where if part)


def build_library(folders: Iterable[Path], year: int, *, common_min_departments: int = 2,
                  core: CoreLibrary | None = None, progress=None) -> Library:
    """The library of the outputs in ``folders`` (``out/`` folders or output files)."""
    builder = _Builder(year, common_min_departments, core)
    sources = source_files(folders)
    for source_year, kind, path in sources:
        getattr(builder, kind)(source_year, path)
        if progress is not None:
            progress(path)
    return builder.library([path for _, _, path in sources])
