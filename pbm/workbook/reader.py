"""The one workbook reader (SPEC §3): both layouts, header aliases, fill-down, non-data rows,
provenance on every value, and an account of every non-empty row (the monitor's 台账).

Form layout (表单式): title, key–value cells, money block, then an indicator grid whose
一级/二级 cells are merged vertically; one project per form block — usually one per sheet, but
forms pasted one below the other are read block by block (a new block starts at a 项目名称
with another value, or at the title just above it; an undecidable one is a warning).  List
layout (清单式): one row per indicator (or per project) with the project columns repeated;
header on rows 1–15, possibly two rows high; the header repeated mid-sheet (two exports
pasted together) is a header row, never a project.  Commands never read cells themselves;
they get ``ProjectRecord``s.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.perf import collector_paused
from pbm.values import MONEY_UNITS, cell_text
from pbm.workbook.fields import INDICATOR, PROJECT, alias_table, match_label, normalise_label
from pbm.workbook.source import Limits, RawSheet, open_workbook

FORM = "form"
LIST = "list"

# Kinds of rows in the account of a sheet (台账).
ROW_INDICATOR = "indicator"
ROW_PROJECT = "project"
NON_DATA_KINDS = {
    "title": "标题行", "header": "表头行", "field": "表头信息（项目要素）", "total": "合计/小计行",
    "sub-item": "“其中”分项行", "instruction": "填报说明/备注行", "label-only": "仅含指标分类的空行",
    "outside": "表格外文字", "hidden-sheet": "隐藏工作表", "skipped-sheet": "说明类工作表",
}

_SKIP_SHEET_NAMES = re.compile(r"(填报)?说明|instruction|readme|目录|下拉|字典|list|参数|选项|代码表",
                               re.IGNORECASE)
_TOTAL = re.compile(r"^(合计|小计|总计|总合计|累计|total)$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^(注|说明|填报说明|填表说明|备注|附注|note)\s*[0-9一二三四五六七八九十、.:：]|"
                          r"^(填报说明|填表说明)|请.{0,12}填写|^填表人|^填报人|^审核人|^单位负责人|^联系人[:：]")
_TITLE = re.compile(r"(申报表|目标表|监控表|自评表|评价表|汇总表|明细表|情况表|清单)$")


@dataclass(slots=True)
class Cell:
    """A raw value with its provenance: 1-based row and column of the sheet."""

    value: Any
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def text(self) -> str:
        """The value as text: NFKC, trimmed, inner whitespace collapsed; ``95.0`` → ``"95"``."""
        return cell_text(self.value)

    @property
    def empty(self) -> bool:
        value = self.value
        return value is None or (value.__class__ is str and not value.strip())


class IndicatorRecord:
    """One indicator row.  Its cells are made only when asked for: a 100,000-row export
    holds millions of values, and most are only ever read as text.

    ``values`` is the sheet row (0-based columns, ``""``/formula cells already None where it
    matters), ``columns`` maps field → 0-based column and is shared by every row of a table.
    Fields filled down from a row above (merged or blank 一级/二级) are ``carried``: the cell
    they repeat, with its own provenance.
    """

    __slots__ = ("_cells", "carried", "columns", "row", "values")

    def __init__(self, row: int, values: list[Any], columns: dict[str, int]):
        self.row = row
        self.values = values
        self.columns = columns
        self.carried: dict[str, Cell] | None = None
        self._cells: dict[str, Cell] | None = None

    def value(self, name: str) -> Any:
        """The raw value of a field (None for a blank, a formula without value or no column)."""
        carried = self.carried
        if carried is not None and name in carried:
            return carried[name].value
        c = self.columns.get(name)
        if c is None or c >= len(self.values):
            return None
        value = self.values[c]
        return None if value == "" else value

    def text(self, name: str) -> str:
        return cell_text(self.value(name))

    def get(self, name: str) -> Cell | None:
        """The field's cell with its provenance; None where the table has no such column."""
        carried = self.carried
        if carried is not None and name in carried:
            return carried[name]
        c = self.columns.get(name)
        if c is None:
            return None
        value = self.values[c] if c < len(self.values) else None
        return Cell(None if value == "" else value, self.row, c + 1)

    def a1(self, name: str) -> str | None:
        carried = self.carried
        if carried is not None and name in carried:
            return carried[name].a1
        c = self.columns.get(name)
        return None if c is None else f"{column_letter(c + 1)}{self.row}"

    @property
    def cells(self) -> dict[str, Cell]:
        """Every field's cell (made once, on first use)."""
        if self._cells is None:
            self._cells = {name: self.get(name) for name in self.columns}  # type: ignore[misc]
        return self._cells

    @property
    def filled(self) -> set[str]:
        """Fields filled down from a row above."""
        return set(self.carried) if self.carried else set()


class RowFields:
    """The raw values of a fixed list of fields, row after row of one table: what
    ``[record.value(name) for name in names]`` gives, in one C-level fetch per row (the hot
    loops of validate and score read 7–8 fields from each of 100,000 rows)."""

    __slots__ = ("_fetch", "_missing", "_need", "_positions", "columns", "names")

    def __init__(self, columns: dict[str, int], names: tuple[str, ...]):
        self.columns = columns
        self.names = names
        index = [columns.get(name) for name in names]
        self._missing = [k for k, c in enumerate(index) if c is None]
        present = [c if c is not None else 0 for c in index]
        self._need = max(present, default=0) + 1
        self._fetch = itemgetter(*present) if len(present) > 1 else \
            (lambda values, c=present[0]: (values[c],))
        self._positions = {name: k for k, name in enumerate(names)}

    def __call__(self, record: IndicatorRecord) -> Sequence[Any]:
        if record.columns is not self.columns:  # another table's row: its own columns
            return [record.value(name) for name in self.names]
        values = record.values
        if len(values) < self._need:
            return [record.value(name) for name in self.names]
        fetched = self._fetch(values)
        carried = record.carried
        if carried is None and not self._missing and "" not in fetched:
            return fetched  # the usual row: every field filled, nothing carried down
        out = [None if v == "" else v for v in fetched]
        for k in self._missing:
            out[k] = None
        if carried is not None:
            positions = self._positions
            for name, cell in carried.items():
                k = positions.get(name)
                if k is not None:
                    out[k] = cell.value
        return out


@dataclass
class ProjectRecord:
    file: str
    sheet: str
    layout: str
    fields: dict[str, Cell]
    indicators: list[IndicatorRecord]
    units: dict[str, str] = field(default_factory=dict)  # field → unit from its label
    first_row: int = 0
    title: str = ""
    extra: dict[str, Cell] = field(default_factory=dict)  # unrecognised list columns by header

    def text(self, name: str) -> str:
        cell = self.fields.get(name)
        return cell.text if cell else ""

    @property
    def name(self) -> str:
        return self.text("project_name")

    @property
    def department(self) -> str:
        return self.text("department")


@dataclass(slots=True)
class RowAccount:
    sheet: str
    row: int
    kind: str  # ROW_INDICATOR, ROW_PROJECT or a key of NON_DATA_KINDS
    project: str | None = None


@dataclass
class SheetRead:
    name: str
    layout: str | None
    projects: list[ProjectRecord]
    # What each non-empty row was read as, or how to make that list (``rows``).
    accounts: list[RowAccount] | Callable[[], list[RowAccount]]
    findings: list[Finding]
    header_row: int | None = None
    headers: dict[int, str] = field(default_factory=dict)  # 1-based column → header text (list)
    # The sheet's raw grid (0-based rows of raw values), for the few callers that read a block
    # the generic passes do not model (the 自评表 money table); never a second read of the file.
    grid: list[list[Any]] = field(default_factory=list, repr=False)
    # ids of projects handed out before their last rows were read (``read_workbook(early=)``)
    reopened: set[int] = field(default_factory=set, repr=False)

    @property
    def rows(self) -> list[RowAccount]:
        """Every non-empty row with what it was read as (of a list sheet made on first use:
        monitor and sample account for every row, score and validate never ask)."""
        if callable(self.accounts):
            self.accounts = self.accounts()
        return self.accounts


@dataclass
class WorkbookRead:
    file: str
    path: Path
    sha256: str
    sheets: list[SheetRead]
    findings: list[Finding]
    # id(record) → (the record, what ``read_workbook``'s ``early`` made of it), still valid
    early: dict[int, tuple[ProjectRecord, Any]] = field(default_factory=dict, repr=False)

    @property
    def projects(self) -> list[ProjectRecord]:
        return [project for sheet in self.sheets for project in sheet.projects]

    def early_result(self, record: ProjectRecord) -> Any:
        """What ``early`` made of this very record while the sheet was still being read; None
        if it made nothing, or the record is not the one it was given (the sheet was read again
        whole), or rows after the cut came back to it."""
        found = self.early.get(id(record))
        return found[1] if found is not None and found[0] is record else None

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + [f for sheet in self.sheets for f in sheet.findings]


@cache
def column_letter(col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_workbook(path: Path, *, limits: Limits = Limits(), display: str | None = None,
                  only: Collection[str] = (),
                  early: Callable[[ProjectRecord], Any] | None = None) -> WorkbookRead:
    """Read every project of one workbook (of the sheets in ``only`` when it has any of
    them).  Raises ``PbmError`` if the file is unreadable.

    ``early``: when a big list sheet is parsed in parts (``split.py``), called on each project
    complete in its first part while the rest is still being parsed, so that the caller's work
    on them (score types and scores, validate reviews) runs beside the parse.  The results are
    kept with the read: ``WorkbookRead.early_result(record)`` gives the one still valid for a
    project of the full read, else None (the caller then does the work as usual).
    """
    name = display or str(path)
    started: dict[str, _EarlyList] = {}
    results: dict[int, tuple[ProjectRecord, Any]] = {}

    def read_first_parts(head_sheets: list[RawSheet], cut: set[str]) -> None:
        for raw_sheet in head_sheets:
            begun = _EarlyList.begin(raw_sheet, name, limits) if raw_sheet.name in cut else None
            if begun is not None:
                started[raw_sheet.name] = begun
                for record in begun.done:
                    results[id(record)] = (record, early(record))  # type: ignore[misc]

    with collector_paused():
        raw = open_workbook(Path(path), limits, name, only,
                            read_first_parts if early is not None else None)
        sheets: list[SheetRead] = []
        for raw_sheet in raw.sheets:
            begun = started.pop(raw_sheet.name, None)
            sheet_read = begun.resume(raw_sheet, limits) if begun is not None else None
            if sheet_read is None:
                sheet_read = _read_sheet(raw_sheet, name, limits)
            sheet_read.grid = raw_sheet.rows
            sheets.append(sheet_read)
    for sheet_read in sheets:
        for stale in sheet_read.reopened:
            results.pop(stale, None)
    read = WorkbookRead(file=name, path=Path(path), sha256=raw.sha256, sheets=sheets, findings=[],
                        early=results)
    if not read.projects and not any(f.severity == "error" for f in read.all_findings):
        read.findings.append(_no_projects(name, sheets))
    return read


def _no_projects(file: str, sheets: list[SheetRead]) -> Finding:
    """A readable workbook in which no project was found (its only project sheet hidden, or
    every sheet an instructions sheet): an error, never a silent empty submission."""
    skipped = [f"“{sheet.name}”" for sheet in sheets
               if any(f.code == "R-SHEET-SKIPPED" for f in sheet.findings)]
    detail = f"（已跳过工作表 {'、'.join(skipped)}）" if skipped else ""
    detail_en = f" (skipped sheets: {', '.join(skipped)})" if skipped else ""
    return Finding("R-NO-PROJECTS", file=file,
                   params={"detail": detail, "detail_en": detail_en})


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def iter_workbook_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (recursively), skipping ``~$`` lock files and hidden files."""
    from pbm.workbook.source import WORKBOOK_SUFFIXES

    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith((".", "~$")) for part in rel.parts):
                    continue
                if child.is_file() and child.suffix.lower() in WORKBOOK_SUFFIXES:
                    found.append(child)
        else:
            if not path.exists():
                raise PbmError("R-NOT-FOUND", file=str(path))
            found.append(path)
    return found


# --------------------------------------------------------------------------- sheets

def _nonempty(row: list[Any]) -> bool:
    for value in row:
        if value is not None and value != "" and not (isinstance(value, str) and not value.strip()):
            return True
    return False


def _nonempty_rows(rows: list[list[Any]], start: int = 0) -> list[int]:
    return [r for r in range(start, len(rows)) if _nonempty(rows[r])]


def _skipped(sheet: RawSheet) -> bool:
    """A hidden sheet, or one whose name says it holds instructions."""
    return not sheet.visible or _SKIP_SHEET_NAMES.search(sheet.name) is not None


def _sheet_header(grid: _Grid, limits: Limits):
    return _find_header(grid, max(limits.header_search_rows, 15), deep=80)


def _read_sheet(sheet: RawSheet, file: str, limits: Limits) -> SheetRead:
    grid = _Grid(sheet)
    nonempty_rows = _nonempty_rows(sheet.rows)
    findings: list[Finding] = []
    if _skipped(sheet):
        kind = "hidden-sheet" if not sheet.visible else "skipped-sheet"
        reason = "隐藏工作表 / hidden sheet" if not sheet.visible else "说明类工作表 / instructions sheet"
        if nonempty_rows:
            findings.append(Finding("R-SHEET-SKIPPED", file=file, sheet=sheet.name,
                                    params={"reason": reason}))
        rows = [RowAccount(sheet.name, r + 1, kind) for r in nonempty_rows]
        return SheetRead(sheet.name, None, [], rows, findings)
    if not nonempty_rows:
        return SheetRead(sheet.name, None, [], [], findings)

    for r, c in sorted(sheet.formula_cells):
        findings.append(Finding("R-FORMULA-NO-VALUE", file=file, sheet=sheet.name,
                                cell=f"{column_letter(c + 1)}{r + 1}"))
    header = _sheet_header(grid, limits)
    if header is None:
        labels = _form_labels(grid, 0, min(len(sheet.rows), 80))
        if "project_name" in labels and len(labels) >= 2:
            # A form with its project block but no indicator grid: one project, no indicators.
            return _read_form(grid, file, None, {}, nonempty_rows, findings)
        findings.append(Finding("R-NO-HEADER", file=file, sheet=sheet.name,
                                params={"rows": max(limits.header_search_rows, 15)}))
        rows = [RowAccount(sheet.name, r + 1, "outside") for r in nonempty_rows]
        return SheetRead(sheet.name, None, [], rows, findings)
    header_rows, columns, units = header
    if any(f == "project_name" for f in columns.values()):
        return _read_list(grid, file, header_rows, columns, units, nonempty_rows, findings)
    return _read_form(grid, file, header_rows, (columns, units), nonempty_rows, findings)


#: Rows a list reading looks past the one it reads (a header repeated below a title row):
#: the last ones of a first part wait for the rows after them.
_LOOKAHEAD_ROWS = 8


@dataclass
class _EarlyList:
    """A list sheet read from the first part of its rows while the rest is parsed."""

    raw: RawSheet
    grid: _Grid
    header: tuple
    reading: Generator[list[ProjectRecord], Any, SheetRead]
    nonempty_rows: list[int]  # of the first part
    first_height: int  # rows in the first part
    last_fed: int
    done: list[ProjectRecord]

    @classmethod
    def begin(cls, raw: RawSheet, file: str, limits: Limits) -> _EarlyList | None:
        """Read the first part as ``_read_sheet`` would (None: no list sheet, or too few rows
        to know its header from the first part)."""
        if _skipped(raw) or len(raw.rows) <= _EARLY_MIN_ROWS:
            return None
        grid = _Grid(raw)
        header = _sheet_header(grid, limits)
        if header is None or not any(f == "project_name" for f in header[1].values()):
            return None
        header_rows, columns, units = header
        nonempty_rows = _nonempty_rows(raw.rows)
        body = nonempty_rows[bisect_left(nonempty_rows, header_rows[-1] + 1):]
        feed = body[:-_LOOKAHEAD_ROWS]
        if not feed:
            return None
        reading = _list_reading(grid, file, header_rows, columns, units, nonempty_rows, [])
        next(reading)
        done = reading.send(feed)
        return cls(raw, grid, header, reading, nonempty_rows, len(raw.rows), feed[-1], done)

    def resume(self, raw: RawSheet, limits: Limits) -> SheetRead | None:
        """Read the rest of the sheet, now whole; its merged ranges (from the sheet's ending)
        are known from here on.  None: read it again from the top — the sheet is another one
        after a fallback, holds formulas without a value (the first part was read with their
        cells as values), has merged cells in its header, or merged project cells in a list
        without indicator columns (there they repeat down; where a list has indicators, a
        blank project cell repeats the row above anyway, merged or not), or its header is
        found elsewhere once its merged title is known."""
        if raw is not self.raw or raw.formula_cells or not self._merges_read_alike(raw):
            self.reading.close()
            return None
        grid = self.grid
        if raw.merged:
            whole = _Grid(raw)
            if _sheet_header(whole, limits) != self.header:
                self.reading.close()
                return None
            grid.merged_into, grid.merge_end = whole.merged_into, whole.merge_end
        grid.height = len(raw.rows)
        grid.width = max((len(r) for r in raw.rows), default=0)
        nonempty_rows = self.nonempty_rows + _nonempty_rows(raw.rows, self.first_height)
        self.reading.send(nonempty_rows[bisect_right(nonempty_rows, self.last_fed):])
        return _finish_reading(self.reading, nonempty_rows)

    def _merges_read_alike(self, raw: RawSheet) -> bool:
        header_rows, columns, _ = self.header
        top, bottom = header_rows[0], header_rows[-1]
        has_indicators = any(f in ("name", "target") for f in columns.values())
        for (r0, _), (r1, _) in raw.merged:
            if r0 <= bottom and r1 >= top:
                return False  # the header's labels were read without it
            if r1 > bottom and not has_indicators:
                return False
        return True


#: Below this many rows a first part is not read early (its header search must see all it
#: would see in the whole sheet: 80 rows).
_EARLY_MIN_ROWS = 100


class _Grid:
    """Random access to a sheet's cells with merged ranges resolved."""

    def __init__(self, sheet: RawSheet):
        self.sheet = sheet
        self.rows = sheet.rows
        self.height = len(sheet.rows)
        self.width = max((len(r) for r in sheet.rows), default=0)
        self.formulas = sheet.formula_cells
        self.merged_into: dict[tuple[int, int], tuple[int, int]] = {}
        self.merge_end: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in sheet.merged:
            self.merge_end[(r0, c0)] = (r1, c1)
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 5000:
                continue  # a whole-column merge: only its anchor matters
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.merged_into[(r, c)] = (r0, c0)

    def value(self, r: int, c: int) -> Any:
        if 0 <= r < self.height:
            row = self.rows[r]
            if 0 <= c < len(row):
                value = row[c]
                if self.formulas and (r, c) in self.formulas:
                    return None
                return None if value == "" else value
        return None

    def cell(self, r: int, c: int) -> Cell:
        row = self.rows[r]
        value = row[c] if c < len(row) else None
        if value == "" or (self.formulas and (r, c) in self.formulas):
            value = None
        return Cell(value, r + 1, c + 1)

    def text(self, r: int, c: int) -> str:
        value = self.value(r, c)
        return cell_text(value)

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        return self.merged_into.get((r, c), (r, c))


def _row_labels(grid: _Grid, r: int) -> dict[int, tuple[str, str, str | None]]:
    labels = {}
    for c in range(grid.width):
        value = grid.value(r, c)
        if isinstance(value, str):
            match = match_label(value)
            if match:
                labels[c] = match
    return labels


def _is_indicator_header(labels: dict[int, tuple[str, str, str | None]]) -> bool:
    indicator_fields = {f for kind, f, _ in labels.values() if kind == INDICATOR}
    return ("name" in indicator_fields and len(indicator_fields) >= 2) or \
        {"level1", "target"} <= indicator_fields


def _find_header(grid: _Grid, list_rows: int, deep: int, start: int = 0):
    """The indicator header (or project-list header): (rows, column → field, field → unit).
    ``start``: where to look from (the next project block of a form sheet)."""
    # An indicator grid anywhere in the first rows wins; a plain project list (no
    # indicator columns) must have its header within the first ``list_rows`` rows.
    candidates = []
    for r in range(start, min(grid.height, start + deep)):
        labels = _row_labels(grid, r)
        project_fields = {f for kind, f, _ in labels.values() if kind == PROJECT}
        if _is_indicator_header(labels):
            candidates = [(r, labels)]
            break
        if not candidates and r - start < list_rows and "project_name" in project_fields and \
                len(project_fields) >= 2 and _looks_like_table_header(grid, r, labels):
            candidates.append((r, labels))
    for r, labels in candidates[:1]:
        columns = {c: f for c, (_, f, _) in labels.items()}
        units = {f: u for _, f, u in labels.values() if u}
        rows = [r]
        # A two-row header with the indicator labels in the second row
        # (项目名称 merged over two rows beside 绩效指标 over 一级|二级|三级).
        below = _row_labels(grid, r + 1) if r + 1 < grid.height else {}
        if below and len(below) >= 2 and _looks_like_table_header(grid, r + 1, below):
            for c, (_, f, u) in below.items():
                columns[c] = f
                if u:
                    units.setdefault(f, u)
            return _dedupe([r, r + 1], columns, units)
        if r > 0:
            above = _row_labels(grid, r - 1)
            if above and _is_upper_header(grid, r - 1, above, labels):
                for c, (_, f, u) in above.items():
                    if c not in columns and grid.value(r, c) is None:
                        columns[c] = f
                        if u:
                            units.setdefault(f, u)
                rows.insert(0, r - 1)
        return _dedupe(rows, columns, units)
    return None


def _is_upper_header(grid: _Grid, r: int, above: dict, header: dict) -> bool:
    """The first row of a two-row header: every filled cell is a label merged down into the
    header row (项目名称 over two rows) or a group label merged across labelled columns
    (绩效指标 over 一级|二级|三级).  A key–value row above a grid is neither."""
    for c in range(grid.width):
        if grid.value(r, c) is None:
            continue
        end_r, end_c = grid.merge_end.get((r, c), (r, c))
        if c in above and end_r >= r + 1:
            continue
        if end_c > c and sum(1 for cc in range(c, end_c + 1) if cc in header) >= 2:
            continue
        return False
    return True


def _dedupe(rows, columns, units):
    """Drop a field mapped twice: keep its first column."""
    seen: set[str] = set()
    for c in sorted(columns):
        if columns[c] in seen:
            del columns[c]
        else:
            seen.add(columns[c])
    return rows, columns, units


def _looks_like_table_header(grid: _Grid, r: int, labels: dict) -> bool:
    """A header row is mostly labels; a form's key–value row alternates label and value."""
    filled = [c for c in range(grid.width) if grid.value(r, c) is not None]
    if not filled or len(labels) < 2:
        return False
    # Wide outputs carry many columns pbm does not know; headers are text, data rows are not.
    enough = len(labels) >= (len(filled) + 1) // 2 or (
        len(labels) >= 3 and all(isinstance(grid.value(r, c), str) for c in filled))
    return enough and \
        not all(grid.value(r, c + 1) is not None and (c + 1) not in labels for c in labels)


# --------------------------------------------------------------------------- classification

_ROW_TRIGGER = re.compile(r"合|计|計|otal|OTAL|其中|注|说明|填|备|请|审核人|负责人|联系人|ote")


def _classify_text_row(grid: _Grid, r: int, plain: set[tuple] | None = None) -> str | None:
    """合计/小计 rows, 其中 sub-rows and instruction rows (none of them indicators).

    ``plain`` (one set per sheet) remembers the leading texts found to hold no trigger word:
    the rows of one project in a list repeat its code, name and department."""
    row = grid.rows[r]
    firsts = row[:3]
    if len(firsts) == 3 and firsts[0].__class__ is str and firsts[1].__class__ is str and \
            firsts[2].__class__ is str and firsts[0] and firsts[1] and firsts[2]:
        strings = tuple(firsts)  # a list row's code, name and department: three texts
    else:
        firsts = []
        for value in row:
            if value is None or value == "":
                continue
            firsts.append(value)
            if len(firsts) == 3:
                break
        # Only text can hold a trigger word (a number's str() never does): the common data
        # row is settled without making any text.
        strings = tuple([value for value in firsts if value.__class__ is str])
    if not strings:
        return None
    if plain is not None and strings in plain:
        return None
    if not _ROW_TRIGGER.search("\x00".join(strings)):
        if plain is not None:
            plain.add(strings)
        return None  # the common case: an ordinary data row
    texts = [cell_text(value if isinstance(value, str) else str(value)) for value in firsts]
    for text in texts:
        compact = text.replace(" ", "").rstrip(":：")
        if len(compact) <= 5 and _TOTAL.match(compact):
            return "total"
    first = texts[0].replace(" ", "")
    if first.startswith("其中") and sum(1 for v in grid.rows[r] if v not in (None, "")) <= 6 \
            and not match_label(texts[0]):
        return "sub-item"
    if _INSTRUCTION.search(first):
        return "instruction"
    return None


_REPORTED_NON_DATA = {"total", "sub-item", "instruction"}


_REPEATED_KINDS = {"header": "表头行（表格中间重复的表头）", "title": "标题行（重复表头上方）"}


def _non_data_findings(grid: _Grid, file: str, accounts: dict[int, str],
                       repeated: Collection[int] = ()) -> list[Finding]:
    """Info findings for 合计/其中/instruction rows and for a header repeated mid-sheet (with
    the title above it): recognised, never silently dropped."""
    findings = []
    for r in sorted(accounts):
        kind = accounts[r]
        if r in repeated:
            label = _REPEATED_KINDS.get(kind, NON_DATA_KINDS[kind])
        elif kind in _REPORTED_NON_DATA:
            label = NON_DATA_KINDS[kind]
        else:
            continue
        row = grid.rows[r]
        col = next((c for c, v in enumerate(row) if v not in ("", None)), 0)
        findings.append(Finding("R-NON-DATA-ROW", file=file, sheet=grid.sheet.name,
                                cell=f"{column_letter(col + 1)}{r + 1}", value=grid.text(r, col),
                                params={"row": r + 1, "kind": label}))
    return findings


# --------------------------------------------------------------------------- form layout

def _form_labels(grid: _Grid, start: int, stop: int,
                 below_stop: int | None = None) -> dict[str, tuple[Cell, str | None]]:
    """Key–value pairs: a project label and the value to its right (or below it, above
    ``below_stop`` when given: the end of a project block)."""
    found: dict[str, tuple[Cell, str | None]] = {}
    project_aliases = alias_table(PROJECT)
    for r in range(start, stop):
        for c in range(grid.width):
            value = grid.value(r, c)
            if not isinstance(value, str):
                continue
            key, unit = normalise_label(value)
            field_name = project_aliases.get(key)
            if field_name is None:
                # "填报单位：交通局" / "金额单位：元" — a label with its value in the same cell.
                inline = _INLINE.match(unicodedata.normalize("NFKC", value).strip())
                if inline:
                    key, unit = normalise_label(inline.group(1))
                    field_name = project_aliases.get(key)
                    if field_name and inline.group(2).strip() and \
                            (field_name not in found or found[field_name][0].empty):
                        found[field_name] = (Cell(inline.group(2).strip(), r + 1, c + 1), unit)
                continue
            if field_name in found and not found[field_name][0].empty:
                continue
            found[field_name] = (_value_beside(grid, r, c, below_stop), unit)
    return found


_INLINE = re.compile(r"^([^:：]{1,16})[:：]\s*(.*)$")


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and match_label(value) is not None


def _value_beside(grid: _Grid, r: int, c: int, below_stop: int | None = None) -> Cell:
    end_r, end_c = grid.merge_end.get((r, c), (r, c))
    for cc in range(end_c + 1, grid.width):
        value = grid.value(r, cc)
        if value is None:
            continue
        if _is_label(value) or (isinstance(value, str) and _INLINE.match(value.strip())
                                and match_label(value.split("：")[0].split(":")[0])):
            break
        return grid.cell(r, cc)
    # Money blocks often put labels in one row and values in the row below.
    below = grid.value(end_r + 1, c) if below_stop is None or end_r + 1 < below_stop else None
    if below is not None and not _is_label(below):
        return grid.cell(end_r + 1, c)
    return Cell(None, r + 1, end_c + 2)


def _read_form(grid: _Grid, file: str, header_rows, header, nonempty_rows, findings) -> SheetRead:
    """One project per form block.  Departments paste forms one below the other in one sheet
    (title, key–value block, grid; then the next title …): a block ends where the next one
    starts, and each is read with the same rules, its rows accounted to its own project."""
    sheet = grid.sheet.name
    findings = list(findings)
    projects: list[ProjectRecord] = []
    rows: list[RowAccount] = []
    accounts: dict[int, str] = {}
    first_header_row = header_rows[-1] + 1 if header_rows else None
    start = 0
    while True:
        project, block_accounts, end = _read_form_block(grid, file, start, header_rows, header,
                                                        nonempty_rows, findings)
        if projects:
            label = project.fields.get("project_name")
            findings.append(Finding(
                "R-FORM-SPLIT", file=file, sheet=sheet,
                cell=label.a1 if label is not None else None, project=project.name or None,
                value=project.name, params={"row": project.first_row}))
        projects.append(project)
        name = project.name or None
        lo = bisect_left(nonempty_rows, start)
        hi = len(nonempty_rows) if end is None else bisect_left(nonempty_rows, end)
        rows.extend(RowAccount(sheet, r + 1, block_accounts[r], name) for r in nonempty_rows[lo:hi])
        accounts.update(block_accounts)
        if end is None:
            break
        start = end
        found = _find_header(grid, 0, deep=80, start=start)
        header_rows, header = (found[0], (found[1], found[2])) if found else (None, {})
    findings.extend(_non_data_findings(grid, file, accounts))
    return SheetRead(sheet, FORM, projects, rows, findings, header_row=first_header_row)


def _read_form_block(grid: _Grid, file: str, start: int, header_rows, header, nonempty_rows,
                     findings: list[Finding]) -> tuple[ProjectRecord, dict[int, str], int | None]:
    """The project of the form block starting at row ``start`` (0-based), the account of its
    rows, and the row where the next block starts (None: the block runs to the end)."""
    sheet = grid.sheet.name
    accounts: dict[int, str] = {}
    first_header = header_rows[0] if header_rows else grid.height
    own = next(_project_name_rows(grid, start, first_header), None)
    own_name = own[1].text if own is not None else ""
    end = None
    if own is not None:
        # A second project's key–value block before the grid: the grid is that project's.
        end = _next_block(grid, own[0] + 1, first_header, own_name, floor=own[0] + 1)
        if end is not None:
            header_rows, first_header = None, end
    lo = bisect_left(nonempty_rows, start)
    block_first = nonempty_rows[lo] if lo < len(nonempty_rows) else start
    title = ""
    for r in nonempty_rows[lo:]:
        if r >= first_header:
            break
        texts = [grid.text(r, c) for c in range(grid.width) if grid.value(r, c) is not None]
        if len(texts) == 1 and not _is_label(texts[0]) and not title and \
                (_TITLE.search(texts[0]) or r == block_first):
            title = texts[0]
            accounts[r] = "title"
    labels = _form_labels(grid, start, first_header, end)
    indicators: list[IndicatorRecord] = []
    grid_end = first_header
    units: dict[str, str] = {}
    if header_rows:
        columns, units = header
        for r in header_rows:
            accounts[r] = "header"
        indicators, grid_end = _read_indicator_rows(grid, header_rows[-1] + 1, columns, accounts,
                                                    stop_at_project_label=True)
        end = _next_block(grid, grid_end, grid.height, own_name, floor=grid_end)
    stop = grid.height if end is None else end
    # Key–value rows after the grid (审核意见 blocks, 填报日期 …) belong to the project too.
    tail = _form_labels(grid, grid_end, stop, stop)
    for name, pair in tail.items():
        labels.setdefault(name, pair)
    fields = {name: cell for name, (cell, _) in labels.items()}
    field_units = {name: unit for name, (_, unit) in labels.items() if unit}
    field_units.update({f: u for f, u in units.items()})
    money_note = fields.pop("money_unit", None)
    if money_note is not None:
        note = money_note.text.replace(" ", "")
        for unit in MONEY_UNITS:
            if note.startswith(unit) or note.endswith(unit):
                field_units["money"] = unit
                break
    after = grid_end if header_rows else (own[0] + 1 if own is not None else stop)
    findings.extend(_unsplit_findings(grid, file, after, stop, own, own_name))
    label_rows = {cell.row - 1 for cell in fields.values()}
    for r in nonempty_rows[lo:]:
        if r >= stop:
            break
        if r in accounts:
            continue
        kind = _classify_text_row(grid, r)
        if kind is None:
            kind = "field" if (r in label_rows or _row_has_label(grid, r)) else "outside"
        accounts[r] = kind
    project = ProjectRecord(file=file, sheet=sheet, layout=FORM, fields=fields,
                            indicators=indicators, units=field_units,
                            first_row=block_first + 1, title=title)
    return project, accounts, end


def _project_name_rows(grid: _Grid, start: int, stop: int) -> Iterator[tuple[int, Cell]]:
    """Rows with a 项目名称 label in ``start``–``stop``, each with the label's value."""
    aliases = alias_table(PROJECT)
    for r in range(start, min(stop, grid.height)):
        for value in grid.rows[r]:
            if value.__class__ is not str:
                continue
            key = normalise_label(value)[0]
            inline = _INLINE.match(unicodedata.normalize("NFKC", value).strip()) \
                if key not in aliases else None
            if aliases.get(key) == "project_name" or (
                    inline and aliases.get(normalise_label(inline.group(1))[0]) == "project_name"):
                pair = _form_labels(grid, r, r + 1, stop).get("project_name")
                if pair is not None:
                    yield r, pair[0]
                break


def _next_block(grid: _Grid, start: int, stop: int, own_name: str, floor: int) -> int | None:
    """Where the next project block starts: at its 项目名称 label (a value other than this
    block's, with more project fields or an indicator grid below), or at the title above it."""
    for r, cell in _project_name_rows(grid, start, stop):
        text = cell.text
        if not text or text == own_name:
            continue
        grid_below = _indicator_header_below(grid, r + 1, r + 60) is not None
        if not grid_below and not (own_name and len(_form_labels(grid, r, r + 8)) >= 2):
            continue
        return _block_top(grid, r, floor)
    return None


def _indicator_header_below(grid: _Grid, start: int, stop: int) -> int | None:
    """The first indicator-grid header row in ``start``–``stop`` that comes before another
    project's 项目名称 (the grid of the block that starts above)."""
    for r in range(start, min(stop, grid.height)):
        labels = _row_labels(grid, r)
        if labels and _is_indicator_header(labels):
            return r
        if any(f == "project_name" for _, f, _ in labels.values()):
            return None
    return None


def _block_top(grid: _Grid, r: int, floor: int) -> int:
    """The first row of the block whose 项目名称 is on row ``r``: its title when one is just
    above (a few rows up, after ``floor``), else the 项目名称 row itself."""
    for above in range(r - 1, max(floor, r - 6) - 1, -1):
        texts = [v for v in grid.rows[above] if v is not None and v != ""]
        if len(texts) == 1 and isinstance(texts[0], str) and not _is_label(texts[0]) and \
                _looks_like_title(texts[0]):
            return above
    return r


_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]\s*$")


def _looks_like_title(text: str) -> bool:
    """``2026年项目支出绩效运行监控表（1-9月）``: a form's title."""
    text = unicodedata.normalize("NFKC", text).strip()
    while True:
        stripped = _TRAILING_NOTE.sub("", text).strip()
        if stripped == text:
            break
        text = stripped
    return bool(_TITLE.search(text))


def _unsplit_findings(grid: _Grid, file: str, start: int, stop: int, own, own_name: str):
    """A second 项目名称 (the same name, or none) or a second indicator grid after a block's
    grid that could not be told apart as another project: say so, naming the cell."""
    own_row = own[0] if own is not None else -1
    for r, cell in _project_name_rows(grid, start, stop):
        if r == own_row:
            continue
        if not cell.text:
            reason = "又出现“项目名称”，但未填写 / 项目名称 again, left blank"
        elif cell.text == own_name:
            reason = "又出现“项目名称”，与本项目名称相同 / 项目名称 again, the same name"
        else:
            reason = ("又出现“项目名称”，但其下没有项目要素或指标表 / "
                      "项目名称 again, without project fields or a grid below")
        return [Finding("R-FORM-UNSPLIT", file=file, sheet=grid.sheet.name,
                        cell=cell.a1, project=own_name or None, value=cell.text,
                        params={"row": r + 1, "reason": reason})]
    r = _indicator_header_below(grid, start, stop)
    if r is not None:
        col = next(c for c, v in enumerate(grid.rows[r]) if v not in ("", None))
        reason = ("又出现一张指标表，但其上方没有另一个不同的“项目名称” / "
                  "another indicator grid, without a different 项目名称 above it")
        return [Finding("R-FORM-UNSPLIT", file=file, sheet=grid.sheet.name,
                        cell=f"{column_letter(col + 1)}{r + 1}", project=own_name or None,
                        value=grid.text(r, col), params={"row": r + 1, "reason": reason})]
    return []


def _row_has_label(grid: _Grid, r: int) -> bool:
    return any(_is_label(grid.value(r, c)) for c in range(grid.width))


_INDICATOR_CONTENT = ("name", "target", "unit", "weight", "actual", "score", "nature",
                      "expected_actual")


def _read_indicator_rows(grid: _Grid, start: int, columns: dict[int, str], accounts: dict,
                         stop_at_project_label: bool) -> tuple[list[IndicatorRecord], int]:
    """Indicator rows of a form's grid, with 一级/二级 filled down (merged or blank cells)."""
    records: list[IndicatorRecord] = []
    carry: dict[str, Any] = {}
    fields = {f: c for c, f in columns.items()}
    level_columns = (fields.get("level1"), fields.get("level2"))
    project_aliases = alias_table(PROJECT)
    r = start
    while r < grid.height:
        if not _nonempty(grid.rows[r]):
            r += 1
            continue
        first_texts = [grid.text(r, c) for c in range(min(grid.width, 3)) if grid.value(r, c)]
        if stop_at_project_label and first_texts:
            key, _ = normalise_label(first_texts[0])
            if key in project_aliases and not any(
                    f in ("name", "target") and grid.value(r, c) is not None
                    for c, f in columns.items()):
                break
            # The title of the next form pasted right below the grid.
            if _looks_like_title(first_texts[0]) and \
                    sum(1 for v in grid.rows[r] if v is not None and v != "") == 1 and \
                    next(_project_name_rows(grid, r + 1, r + 6), None) is not None:
                break
        kind = _classify_text_row(grid, r)
        if kind is not None:
            accounts[r] = kind
            r += 1
            continue
        values = _row_values(grid, r)
        record = IndicatorRecord(r + 1, values, fields)
        _fill_levels(record, carry, level_columns)
        if not any(_filled(values, fields[f]) for f in _INDICATOR_CONTENT if f in fields):
            accounts[r] = "label-only"
            r += 1
            continue
        accounts[r] = ROW_INDICATOR
        records.append(record)
        r += 1
    return records, r


def _row_values(grid: _Grid, r: int) -> list[Any]:
    """Row ``r`` as records hold it: the sheet's own list, or a copy with its formula cells
    that carry no value blanked (only on sheets that have such cells)."""
    values = grid.rows[r]
    formulas = grid.formulas
    if formulas and any((r, c) in formulas for c in range(len(values))):
        values = [None if (r, c) in formulas else v for c, v in enumerate(values)]
    return values


def _fill_levels(record: IndicatorRecord, carry: dict[str, Any],
                 columns: tuple[int | None, int | None]) -> None:
    """Vertically merged or blank 一级/二级 cells repeat the last one given (within a project);
    a new 一级 starts a new run of 二级.  ``carry`` holds the record a level was last given in
    (made a Cell the first time it is repeated); ``columns`` are the 0-based columns of
    一级 and 二级 in the record's table (None where it has none)."""
    values = record.values
    width = len(values)
    for level, c in zip(("level1", "level2"), columns):
        value = values[c] if c is not None and c < width else None
        if not (value is None or value == "" or (value.__class__ is str and not value.strip())):
            carry[level] = record
            if level == "level1":
                carry.pop("level2", None)
        elif level in carry:
            source = carry[level]
            if source.__class__ is IndicatorRecord:
                source = carry[level] = source.get(level)
            if record.carried is None:
                record.carried = {}
            record.carried[level] = source


# --------------------------------------------------------------------------- list layout

_PROJECT_KEY = ("project_code", "project_name", "department")


def _read_list(grid: _Grid, file: str, header_rows, columns, units, nonempty_rows,
               findings) -> SheetRead:
    reading = _list_reading(grid, file, header_rows, columns, units, nonempty_rows, findings)
    next(reading)
    reading.send(nonempty_rows[bisect_left(nonempty_rows, header_rows[-1] + 1):])
    return _finish_reading(reading, nonempty_rows)


@dataclass
class _Finish:
    """Sent to a list reading when every row has been fed: the sheet's non-empty rows."""

    nonempty_rows: list[int]


def _finish_reading(reading: Generator[list[ProjectRecord], Any, SheetRead],
                    nonempty_rows: list[int]) -> SheetRead:
    try:
        reading.send(_Finish(nonempty_rows))
    except StopIteration as stop:
        return stop.value
    raise RuntimeError("a list reading went on after its last rows")


def _list_reading(grid: _Grid, file: str, header_rows, columns, units, nonempty_rows,
                  findings) -> Generator[list[ProjectRecord], Any, SheetRead]:
    """The list layout, fed rows in order: ``send`` a list of 0-based data row indices and
    it yields the projects completed so far (not yet yielded: every project but the one the
    last row belongs to); ``send`` a ``_Finish`` and it returns the ``SheetRead``.  A project
    that rows fed later come back to (the same key again) is listed in ``SheetRead.reopened``
    (by ``id``): what a caller made of it early is stale.  ``nonempty_rows`` at the start
    only needs the rows above the header."""
    sheet = grid.sheet.name
    accounts: dict[int, str] = {}
    for r in header_rows:
        accounts[r] = "header"
    for r in nonempty_rows:
        if r >= header_rows[0]:
            break
        accounts[r] = "title"
    indicator_columns = {c: f for c, f in columns.items() if f in alias_table_fields(INDICATOR)}
    project_columns = {c: f for c, f in columns.items() if c not in indicator_columns}
    has_indicators = "name" in indicator_columns.values() or "target" in indicator_columns.values()
    mapped = set(columns)
    all_headers = {c: grid.text(header_rows[-1], c) or grid.text(header_rows[0], c)
                   for c in range(grid.width)}
    extra_columns = {c: t for c, t in all_headers.items() if t and c not in mapped}

    projects: dict[tuple, ProjectRecord] = {}
    previous: dict[str, Cell] = {}
    carry: dict[str, Any] = {}
    current_key: tuple | None = None
    cell_at = grid.cell
    indicator_fields = {f: c for c, f in indicator_columns.items()}
    content_columns = [c for f, c in indicator_fields.items() if f in _INDICATOR_CONTENT]
    key_columns = [(name, _col_of(project_columns, name)) for name in _PROJECT_KEY]
    # Project columns merged down over data rows (a title merged across the top is not one).
    merged_project_columns = {c for (r0, c0), (r1, c1) in grid.sheet.merged
                              if r1 > r0 and r1 > header_rows[-1]
                              for c in range(c0, c1 + 1) if c in project_columns}
    formulas = grid.formulas
    pending: dict[tuple, set[str]] = {}  # project key → project fields not yet found
    last_raw: tuple | None = None  # raw key values of the previous data row (all filled)
    last_key_cells: dict[str, Cell] = {}
    repeat = _HeaderCopy(grid, header_rows, columns)
    name_col, raw_names, name_hint = repeat.name_col, repeat.raw_names, _NAME_HINT.search
    # The key columns of a row in one C call (rows of a sheet are all as wide as the sheet).
    key_at = [c for _, c in key_columns]
    fetch_key = itemgetter(*key_at) if min(key_at) >= 0 else None
    key_width = max(key_at) + 1
    level_columns = (indicator_fields.get("level1"), indicator_fields.get("level2"))
    rows_of = grid.rows
    plain: set[tuple] = set()
    level1_at, level2_at = level_columns
    both_levels = level1_at is not None and level2_at is not None
    emitted: set[int] = set()  # ids of the projects yielded
    reopened: set[int] = set()
    batch = yield []
    while not isinstance(batch, _Finish):
        for r in batch:
            row_values = rows_of[r]
            kind = _classify_text_row(grid, r, plain)
            if kind is not None:
                accounts[r] = kind
                continue
            width = len(row_values)
            if fetch_key is not None and width >= key_width:
                raw = fetch_key(row_values)
            else:
                raw = tuple(row_values[c] if 0 <= c < width else None for _, c in key_columns)
            if raw == last_raw and not formulas:
                # The project columns repeat the previous row (one row per indicator): same key.
                key_cells = last_key_cells
                key = current_key
            else:
                # Only where the project changes, and only for a row whose 项目名称 cell is blank
                # or reads like its label, or that holds one cell: a header repeated mid-sheet
                # (two exports pasted together) or the title just above it is no project.
                name_value = row_values[name_col] if name_col < width else None
                if r in repeat.rows or (
                        (name_value is None or name_value == "" or
                         (name_value.__class__ is str and
                          (name_value in raw_names or name_hint(name_value))) or
                         row_values.count("") + row_values.count(None) + 1 >= width)
                        and repeat.starts_at(r, accounts)):
                    previous, carry, current_key, last_raw, last_key_cells = {}, {}, None, None, {}
                    continue
                key_cells = {}
                for name, c in key_columns:
                    if c < 0:
                        continue
                    cell = cell_at(r, c)
                    if cell.empty and name in previous and \
                            (has_indicators or c in merged_project_columns):
                        # Blank project cells (merged down in exports) repeat the row above.
                        cell = previous[name]
                    key_cells[name] = cell
                key = tuple(key_cells[k].text if k in key_cells else "" for k in _PROJECT_KEY)
                if not any(key):
                    if has_indicators and current_key is not None:
                        key = current_key
                    else:
                        accounts[r] = "outside"
                        continue
                previous.update({k: v for k, v in key_cells.items() if not v.empty})
                filled = all(not (v is None or v == "" or (v.__class__ is str and not v.strip()))
                             for (_, c), v in zip(key_columns, raw) if c >= 0)
                last_raw, last_key_cells = (raw, key_cells) if filled else (None, {})
            project = projects.get(key)
            if project is None:
                project = ProjectRecord(file=file, sheet=sheet, layout=LIST, fields={},
                                        indicators=[], units=dict(units), first_row=r + 1)
                projects[key] = project
                pending[key] = set(project_columns.values())
            elif emitted and id(project) in emitted:
                reopened.add(id(project))
            missing = pending[key]
            if missing:
                for c, name in project_columns.items():
                    if name in missing and (name in key_cells or _filled(row_values, c)):
                        cell = key_cells.get(name) or cell_at(r, c)
                        if not cell.empty:
                            project.fields[name] = cell
                            missing.discard(name)
            if len(project.extra) < len(extra_columns):
                for c, header_text in extra_columns.items():
                    if header_text not in project.extra and _filled(row_values, c):
                        cell = cell_at(r, c)
                        if not cell.empty:
                            project.extra[header_text] = cell
            if key != current_key:
                carry = {}
            current_key = key
            if has_indicators:
                values = _row_values(grid, r) if formulas else row_values
                content = False
                for c in content_columns:
                    value = values[c] if c < width else None
                    if not (value is None or value == "" or
                            (value.__class__ is str and not value.strip())):
                        content = True
                        break
                record = IndicatorRecord(r + 1, values, indicator_fields)
                if both_levels and width > level1_at and width > level2_at and \
                        values[level1_at].__class__ is str and values[level1_at].strip() and \
                        values[level2_at].__class__ is str and values[level2_at].strip():
                    carry["level1"] = carry["level2"] = record  # both given: nothing to fill
                else:
                    _fill_levels(record, carry, level_columns)
                if not content:
                    accounts[r] = ROW_PROJECT
                    continue
                project.indicators.append(record)
                accounts[r] = ROW_INDICATOR
            else:
                accounts[r] = ROW_PROJECT
        done = [project for key, project in projects.items()
                if key != current_key and id(project) not in emitted]
        emitted.update(id(project) for project in done)
        batch = yield done
    nonempty_rows = batch.nonempty_rows

    def row_accounts() -> list[RowAccount]:
        by_row_project = {}
        for project in projects.values():
            name = project.name
            for record in project.indicators:
                by_row_project[record.row - 1] = name
        return [RowAccount(sheet, r + 1, accounts.get(r, "outside"), by_row_project.get(r))
                for r in nonempty_rows]

    findings = findings + _non_data_findings(grid, file, accounts, repeat.rows)
    return SheetRead(sheet, LIST, list(projects.values()), row_accounts, findings,
                     header_row=header_rows[-1] + 1,
                     headers={c + 1: t for c, t in all_headers.items() if t},
                     reopened=reopened)


_NAME_HINT = re.compile(r"名\s*称|^\W*项\s*目\W*$|name|project", re.IGNORECASE)


class _HeaderCopy:
    """The header of a list sheet repeated further down (two exports pasted one below the
    other), one or two rows high, and the title rows just above it: non-data rows.

    Asked only for rows where the project columns change, and cheaply: the full comparison
    runs only when the 项目名称 cell of the row (or of the next row) reads like its label."""

    def __init__(self, grid: _Grid, header_rows: list[int], columns: dict[int, str]):
        self.grid = grid
        self.columns = columns
        self.name_col = _col_of(columns, "project_name")
        self.texts: dict[int, set[str]] = {}
        for h in header_rows:
            for c in range(grid.width):
                text = grid.text(h, c)
                if text:
                    self.texts.setdefault(c, set()).add(text)
        self.raw_names = {grid.value(h, self.name_col) for h in header_rows} - {None}
        self.rows: set[int] = set()  # rows found to be a repeated header or its title

    def _hint(self, r: int) -> bool:
        row = self.grid.rows[r]
        value = row[self.name_col] if 0 <= self.name_col < len(row) else None
        return value.__class__ is str and (value in self.raw_names or
                                           _NAME_HINT.search(value) is not None)

    def _matches(self, r: int, upper: bool = False) -> bool:
        """Every filled cell (all but a few) is the header's label of its column; ``upper``:
        the top row of a two-row header (group labels such as 绩效指标, one match is enough)."""
        matched = other = 0
        for c, value in enumerate(self.grid.rows[r]):
            if value is None or value == "":
                continue
            if value.__class__ is not str:
                return False  # a number: a data row
            text = cell_text(value)
            if not text:
                continue
            if text in self.texts.get(c, ()):
                matched += 1
                continue
            label = match_label(value)
            if label is not None and self.columns.get(c) == label[1]:
                matched += 1
            else:
                other += 1
        if upper:
            return matched >= 1 and other == 0
        return matched >= 2 and other * 2 <= matched

    def _single_text(self, r: int) -> bool:
        seen = False
        for value in self.grid.rows[r]:
            if value is None or value == "" or (value.__class__ is str and not value.strip()):
                continue
            if seen or value.__class__ is not str:
                return False
            seen = True
        return seen

    def _header_at(self, r: int, accounts: dict[int, str]) -> bool:
        """Row ``r`` starts a repeated header: account it (and a second header row)."""
        if not (self._hint(r) and self._matches(r)):
            return False
        self.rows.add(r)
        accounts[r] = "header"
        below = r + 1
        if below < self.grid.height and _nonempty(self.grid.rows[below]) and \
                self._matches(below):
            self.rows.add(below)
            accounts[below] = "header"
        return True

    def starts_at(self, r: int, accounts: dict[int, str]) -> bool:
        """Row ``r`` is a repeated header, or a title (or the group row of a two-row header)
        right above one.  Accounts the rows it recognises."""
        grid = self.grid
        if self._header_at(r, accounts):
            return True
        row = grid.rows[r]
        name = row[self.name_col] if 0 <= self.name_col < len(row) else None
        single = self._single_text(r)
        if not single and not (name is None or name == ""):
            return False
        # Look past blank rows and a second title row for the repeated header.
        n, seen = r + 1, 0
        while n < grid.height and seen < 4:
            if not _nonempty(grid.rows[n]):
                n += 1
                continue
            if self._hint(n) and self._matches(n):
                break
            if not self._single_text(n):
                return False
            n, seen = n + 1, seen + 1
        else:
            return False
        if single:
            accounts[r] = "title"
        elif self._matches(r, upper=True):
            accounts[r] = "header"
        else:
            return False
        self.rows.add(r)
        return True


def _filled(row: list[Any], c: int) -> bool:
    """The raw cell holds something (checked before a Cell is made for it)."""
    value = row[c] if c < len(row) else None
    return not (value is None or value == "" or (value.__class__ is str and not value.strip()))


def _col_of(columns: dict[int, str], name: str) -> int:
    for c, f in columns.items():
        if f == name:
            return c
    return -1


def alias_table_fields(kind: str) -> set[str]:
    return set(alias_table(kind).values())
