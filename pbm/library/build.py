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
from pbm.workbook.table import a1_parts

#: The outputs a library is built from: ``goals-2026.xlsx``, ``scores-2026.xlsx``,
#: ``monitor-2026-09.xlsx`` (the year is the first four digits after the command's word).
SOURCE_NAME = re.compile(r"(goals|scores|monitor)-(\d{4})(.*)\.xlsx", re.IGNORECASE)
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
    # Where each value came from: (output workbook, department workbook, sheet, cell) — shown
    # by :func:`where`; kept apart, the texts are shared by a million lines.
    target_at: tuple[str, ...] = ()
    actual: str = ""
    actual_number: Decimal | None = None
    actual_at: tuple[str, ...] = ()
    monitored: str = ""
    monitored_at: tuple[str, ...] = ()

    @property
    def indicator(self) -> tuple[str, str, str]:
        return (self.level1, self.level2, self.key)


def where(at: tuple[str, ...]) -> str:
    """``goals-2025.xlsx · goals/交通.xlsx / 项目1 / C12``; ``""`` for no source."""
    if not at:
        return ""
    return f"{at[0]} · " + " / ".join(part for part in at[1:] if part)


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
    """The declared columns of one output sheet, each as a list of display texts (a column the
    sheet lacks: blanks), every distinct value converted once — and the same text object for
    equal cells, so a million lines hold each file, sheet and department name once."""

    def __init__(self, book: OutputWorkbook, sheet: OutputSheet, keys: Iterable[str],
                 required: Iterable[str] = ()):
        self.table = book.table(sheet.sheet)
        self.headers: dict[str, str | None] = {}
        self._texts: dict[str, list[str]] = {}
        if self.table is None:
            return
        for key in keys:
            self.headers[key] = (book.need(self.table, sheet, key) if key in required
                                 else self.table.header(sheet, key))

    def __len__(self) -> int:
        return len(self.table) if self.table is not None else 0

    def values(self, key: str) -> list[Any]:
        """The column's values as read (None for a column the sheet lacks)."""
        header = self.headers.get(key)
        return [None] * len(self) if header is None else self.table.column(header)

    def texts(self, key: str, cache: dict | None = None) -> list[str]:
        """The column as display texts (:func:`pbm.reports.inputs.text`), converted once."""
        done = self._texts.get(key)
        if done is not None:
            return done
        header = self.headers.get(key)
        if header is None:
            return [""] * len(self)
        cache = {} if cache is None else cache
        column = self.table.column(header)
        if bool in set(map(type, column)):  # TRUE equals 1 as a key: one by one
            done = [text(value) if value.__class__ is bool else
                    cache.setdefault(value, text(value)) for value in column]
        else:
            for value in set(column).difference(cache):
                cache[value] = text(value)
            done = list(map(cache.__getitem__, column))
        self._texts[key] = done
        return done


def _on_row(column: str, cell: str) -> str:
    """The 实际完成值 cell: its column (实际完成值列) on the row of the line's 自评得分 cell;
    the 自评得分 cell itself where the output names no column (written before it had one)."""
    parts = a1_parts(cell)
    return f"{column}{parts[1]}" if column and parts is not None else cell


class _Builder:
    def __init__(self, year: int, common_min: int, core: CoreLibrary | None):
        self.year = year
        self.common_min = common_min
        self.core = core
        self.typing = LineTyping(year)
        self.lines: dict[tuple[int, str, str], YearLine] = {}
        self.projects: dict[int, list[ProjectIndicators]] = {}
        self.notes: list[Finding] = []
        self._texts: dict = {}  # display texts shared by every column of every file
        self._levels: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def _columns(self, cols: _Columns, *keys: str) -> list[list[str]]:
        return [cols.texts(key, self._texts) for key in keys]

    def _keyed(self, year: int, cols: _Columns):
        """Per row: (the year's line — new or met before —, whether new), from the 一级/二级/
        三级, project code and name and department columns."""
        levels, names = self._levels, self._names
        level1s, level2s, texts3, codes, projects, departments = self._columns(
            cols, "level1", "level2", "level3", "code", "name", "department")
        lines = self.lines
        for level1, level2, name, code, project, department in zip(
                level1s, level2s, texts3, codes, projects, departments):
            key = names.get(name)
            if key is None:
                key = names[name] = normalise_name(name)
            code = code or project
            found = lines.get((year, code, key))
            if found is not None:
                yield found, False
                continue
            one = levels.get(level1)
            if one is None:
                one = levels[level1] = normalise_level(level1)
            two = levels.get(level2)
            if two is None:
                two = levels[level2] = normalise_level(level2)
            line = lines[(year, code, key)] = YearLine(year, code, project, department, one, two,
                                                       name, key, "", "定性", False)
            yield line, True

    def goals(self, year: int, path: Path, book: OutputWorkbook) -> None:
        cols = _Columns(book, GOAL_INDICATORS, GOAL_INDICATORS.columns,
                        ("level3", "target", "code", "department"))
        projects = _Columns(book, GOAL_PROJECTS, ("file", "sheet", "code", "name", "department",
                                                  "amount"))
        by_project: dict[tuple, ProjectIndicators] = {}
        amounts = projects.values("amount")
        for *where, department, amount in zip(
                *self._columns(projects, "file", "sheet", "code", "name", "department"),
                amounts):
            by_project.setdefault(tuple(where), ProjectIndicators(department, number(amount)))
        files, sheets, cells, codes, names, natures, units, targets = self._columns(
            cols, "file", "sheet", "cell", "code", "name", "nature", "unit", "target")
        typing, shown = self.typing, path.name
        project, last = None, None
        for (line, new), file, sheet, cell, code, name, nature, unit, target in zip(
                self._keyed(year, cols), files, sheets, cells, codes, names, natures, units,
                targets):
            if not line.key:
                continue
            typed = typing(nature or None, unit, target, None, line.level1, line.level2)
            where = (file, sheet, code, name)
            if where != last:
                project, last = by_project.get(where), where
            if project is not None:
                project.keys.append(line.key)
                project.quantified.append(typed.quantitative)
            if not new and line.target_at:
                continue  # the same indicator twice in one project: the first line counts
            line.unit = unit or typed.target_unit
            line.direction, line.quantitative = typed.direction, typed.quantitative
            line.target, line.target_number = target, typed.target
            line.target_unit = typed.target_unit
            line.target_at = (shown, file, sheet, cell)
        self.projects.setdefault(year, []).extend(by_project.values())
        self.notes.extend(book.findings)

    def scores(self, year: int, path: Path, book: OutputWorkbook) -> None:
        cols = _Columns(book, SCORE_INDICATORS, SCORE_INDICATORS.columns,
                        ("level3", "actual", "code"))
        typing, shown = self.typing, path.name
        for (line, new), file, sheet, cell, actual_column, op, target, actual in zip(
                self._keyed(year, cols), *self._columns(cols, "file", "sheet", "cell",
                                                        "actual_column", "op", "target",
                                                        "actual")):
            if not line.key or line.actual_at:
                continue
            typed = typing(op or None, line.unit, target, actual, line.level1, line.level2)
            if new or not line.target_at:
                line.direction, line.quantitative = typed.direction, typed.quantitative
                line.target, line.target_number = target, typed.target
                line.target_unit = line.unit = typed.target_unit
                line.target_at = (shown, file, sheet, cell)  # the line's row (its 得分 cell)
            line.actual, line.actual_number = actual, typed.actual
            line.actual_at = (shown, file, sheet, _on_row(actual_column, cell))
        self.notes.extend(book.findings)

    def monitor(self, year: int, path: Path, book: OutputWorkbook) -> None:
        cols = _Columns(book, MONITOR_INDICATORS, MONITOR_INDICATORS.columns,
                        ("level3", "code"))
        typing, shown = self.typing, path.name
        for (line, new), file, sheet, cell, nature, unit, target, expected, actual in zip(
                self._keyed(year, cols), *self._columns(
                    cols, "file", "sheet", "cell", "nature", "unit", "target", "expected",
                    "actual")):
            if not line.key:
                continue
            at = (shown, file, sheet, cell)
            if new:
                typed = typing(nature or None, unit, target, None, line.level1, line.level2)
                line.unit = unit or typed.target_unit
                line.direction, line.quantitative = typed.direction, typed.quantitative
                line.target, line.target_number = target, typed.target
                line.target_unit = typed.target_unit
                line.target_at = at
            value = expected or actual
            if value:
                line.monitored, line.monitored_at = value, at
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


def build_library(folders: Iterable[Path], year: int, *, common_min_departments: int = 2,
                  core: CoreLibrary | None = None, progress=None) -> Library:
    """The library of the outputs in ``folders`` (``out/`` folders or output files)."""
    builder = _Builder(year, common_min_departments, core)
    sources = source_files(folders)
    # The next workbooks are read while this one is taken in: calamine parses without the GIL,
    # so two readers keep both cores busy; at most ``READ_AHEAD`` workbooks wait in memory.
    from concurrent.futures import ThreadPoolExecutor

    def read(path: Path, kind: str) -> OutputWorkbook:
        return read_output_workbook(path, only=SHEETS[kind])

    with ThreadPoolExecutor(max_workers=READ_AHEAD) as pool:
        pending = [pool.submit(read, path, kind) for _, kind, path in sources[:READ_AHEAD]]
        for index, (source_year, kind, path) in enumerate(sources):
            book = pending.pop(0).result()
            ahead = index + READ_AHEAD
            if ahead < len(sources):
                pending.append(pool.submit(read, sources[ahead][2], sources[ahead][1]))
            getattr(builder, kind)(source_year, path, book)
            del book
            if progress is not None:
                progress(path)
    return builder.library([path for _, _, path in sources])


#: Outputs read at once (each one's rows in memory until it is taken in).
READ_AHEAD = 2
#: The sheets each kind of output is read for.
SHEETS = {"goals": (GOAL_PROJECTS.sheet, GOAL_INDICATORS.sheet),
          "scores": (SCORE_INDICATORS.sheet,), "monitor": (MONITOR_INDICATORS.sheet,)}
