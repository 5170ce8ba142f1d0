"""The list layout (清单式): one row per indicator (or per project), the project columns
repeated on every row, as budget systems export and as pbm writes its own lists.

Rows are grouped into projects by 项目编码 / 项目名称 / 主管部门; blank project cells (merged
down in exports) repeat the row above; 一级/二级 cells left blank repeat the last one given
within the project.  A header repeated mid-sheet (two exports pasted one below the other),
and the title just above it, are header rows, never a project.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import groupby
from operator import itemgetter
from typing import Any

from pbm.findings import Finding
from pbm.values import cell_text
from pbm.workbook.fields import INDICATOR, alias_table, match_label
from pbm.workbook.layout import (
    INDICATOR_CONTENT,
    LEVELS,
    ROW_PROJECT,
    ROW_UNOWNED,
    Block,
    Grid,
    Header,
    ProjectRows,
    SheetLayout,
    column_values,
    fill_levels,
    is_indicator_name,
    non_data_findings,
    not_indicator_findings,
    text_row_kinds,
)
from pbm.workbook.source import nonempty
from pbm.workbook.table import LIST, Cell, column_letter, is_blank

PROJECT_KEY = ("project_code", "project_name", "department")
_NAME_HINT = re.compile(r"名\s*称|^\W*项\s*目\W*$|name|project", re.IGNORECASE)


def lay_out_list(grid: Grid, file: str, header: Header, rows: list[int],
                 findings: list[Finding]) -> SheetLayout:
    sheet = grid.sheet.name
    header_rows, columns = header.rows, header.columns
    kinds: dict[int, str] = {r: "header" for r in header_rows}
    for r in rows:
        if r >= header_rows[0]:
            break
        kinds[r] = "title"
    body = [r for r in rows if r > header_rows[-1]]
    kinds.update(text_row_kinds(grid, body))
    indicator_names = set(alias_table(INDICATOR).values())
    fields_at = {f: c for c, f in columns.items() if f in indicator_names}
    project_columns = {c: f for c, f in columns.items() if f not in indicator_names}
    has_indicators = "name" in fields_at or "target" in fields_at
    all_headers = {c: grid.text(header_rows[-1], c) or grid.text(header_rows[0], c)
                   for c in range(grid.width)}
    extra_columns = {c: t for c, t in all_headers.items() if t and c not in columns}
    key_columns = [(name, _col_of(project_columns, name)) for name in PROJECT_KEY]
    # Project columns merged down over data rows (a title merged across the top is not one).
    merged_project_columns = {c for (r0, c0), (r1, c1) in grid.sheet.merged
                              if r1 > r0 and r1 > header_rows[-1]
                              for c in range(c0, c1 + 1) if c in project_columns}
    # A field's label is its column's header (as the monitor names a 1-7月执行数 column).
    labels = {f: Cell(all_headers[c], header_rows[-1] + 1, c + 1)
              for c, f in project_columns.items()}
    repeat = _HeaderCopy(grid, header_rows, columns)
    width = grid.width
    fetch_key = itemgetter(*[c for _, c in key_columns]) \
        if min(c for _, c in key_columns) >= 0 and all(len(grid.rows[r]) == width for r in body) \
        else lambda row: tuple(row[c] if 0 <= c < len(row) else None for _, c in key_columns)

    state = _Grouping(grid, has_indicators, key_columns, project_columns, extra_columns,
                      merged_project_columns, labels, header.units, repeat, kinds)
    candidates = [r for r in body if r not in kinds]
    # Rows whose project cells repeat the row before (one row per indicator) are one group:
    # its first row is read with every check, the rest join the same project.
    for raw, group in groupby(zip(map(fetch_key, (grid.rows[r] for r in candidates)),
                                  candidates), key=itemgetter(0)):
        rows_of = [r for _, r in group]
        k = 0
        while k < len(rows_of) and not state.repeats(raw):
            state.row(rows_of[k], raw)
            k += 1
        if k < len(rows_of):
            state.join(rows_of[k:])
    data_rows, owners, runs = state.data_rows, state.owners, state.runs
    projects = state.projects
    _lines(grid, fields_at, has_indicators, data_rows, owners, runs)
    findings = findings + _unowned_rows(grid, file, projects.values(), key_columns)
    findings = findings + not_indicator_findings(file, sheet, projects.values())
    findings = findings + non_data_findings(grid, file, kinds, repeat.rows)
    return SheetLayout(sheet, LIST, [Block(LIST, fields_at, list(projects.values()))], rows,
                       kinds, findings, header_row=header_rows[-1] + 1,
                       headers={c + 1: t for c, t in all_headers.items() if t})


class _Grouping:
    """The state of grouping a list's rows into projects, row after row."""

    def __init__(self, grid: Grid, has_indicators: bool, key_columns, project_columns,
                 extra_columns, merged_project_columns, labels, units, repeat, kinds):
        self.grid = grid
        self.has_indicators = has_indicators
        self.key_columns = key_columns
        self.project_columns = project_columns
        self.extra_columns = extra_columns
        self.merged_project_columns = merged_project_columns
        self.labels = labels
        self.units = units
        self.repeat = repeat
        self.kinds = kinds
        self.projects: dict[tuple, ProjectRows] = {}
        self.pending: dict[tuple, set[str]] = {}  # project key → project fields not yet found
        self.data_rows: list[int] = []  # in order, with its project and its run of rows
        self.owners: list[ProjectRows] = []
        self.runs: list[int] = []
        self.run = 0
        self.previous: dict[str, Cell] = {}
        self.current_key: tuple | None = None
        self.project: ProjectRows | None = None
        self.last_raw: tuple | None = None  # raw key values of the last data row (all filled)
        self.last_key_cells: dict[str, Cell] = {}

    def repeats(self, raw: tuple) -> bool:
        """The row's project cells repeat the last data row's, all filled: the same key."""
        return raw == self.last_raw and not self.grid.formulas

    def row(self, r: int, raw: tuple) -> None:
        grid = self.grid
        row_values = grid.rows[r]
        if self.repeats(raw):
            key_cells, key = self.last_key_cells, self.current_key
        else:
            # Only where the project changes, and only for a row whose 项目名称 cell is blank
            # or reads like its label, or that holds one cell: a header repeated mid-sheet
            # or the title just above it is no project.
            repeat = self.repeat
            name_col = repeat.name_col
            name_value = row_values[name_col] if 0 <= name_col < len(row_values) else None
            if r in repeat.rows or (
                    (name_value is None or name_value == "" or (isinstance(name_value, str) and (
                        name_value in repeat.raw_names or _NAME_HINT.search(name_value)))
                     or row_values.count("") + row_values.count(None) + 1 >= len(row_values))
                    and repeat.starts_at(r, self.kinds)):
                self.previous, self.current_key, self.last_raw = {}, None, None
                self.last_key_cells = {}
                self.run += 1
                return
            key_cells = {}
            for name, c in self.key_columns:
                if c < 0:
                    continue
                cell = grid.cell(r, c)
                if is_blank(cell.value) and name in self.previous and \
                        (self.has_indicators or c in self.merged_project_columns):
                    # Blank project cells (merged down in exports) repeat the row above.
                    cell = self.previous[name]
                key_cells[name] = cell
            key = tuple(key_cells[k].text if k in key_cells else "" for k in PROJECT_KEY)
            if not any(key):
                if self.has_indicators and self.current_key is not None:
                    key = self.current_key
                else:
                    self.kinds[r] = "outside"
                    return
            self.previous.update({k: v for k, v in key_cells.items() if not v.empty})
            filled = all(not is_blank(v) for (_, c), v in zip(self.key_columns, raw) if c >= 0)
            self.last_raw, self.last_key_cells = (raw, key_cells) if filled else (None, {})
        if key != self.current_key:
            project = self.projects.get(key)
            if project is None:
                project = self.projects[key] = ProjectRows(
                    fields={}, labels=self.labels, units=dict(self.units), first_row=r + 1)
                self.pending[key] = set(self.project_columns.values())
            self.project, self.current_key = project, key
            self.run += 1
        self._fields([r], key_cells)
        self.project.lines.append(r)  # type: ignore[union-attr]
        self.data_rows.append(r)
        self.owners.append(self.project)  # type: ignore[arg-type]
        self.runs.append(self.run)

    def join(self, rows: list[int]) -> None:
        """Rows of the current project whose project cells repeat the last row's."""
        self._fields(rows, self.last_key_cells)
        self.project.lines.extend(rows)  # type: ignore[union-attr]
        self.data_rows.extend(rows)
        self.owners.extend([self.project] * len(rows))  # type: ignore[list-item]
        self.runs.extend([self.run] * len(rows))

    def _fields(self, rows: list[int], key_cells: dict[str, Cell]) -> None:
        """Project fields not found yet, and unrecognised columns, from the first of ``rows``
        that fills them (in column order)."""
        project = self.project
        missing = self.pending[self.current_key]  # type: ignore[index]
        extra, extra_columns = project.extra, self.extra_columns  # type: ignore[union-attr]
        if not missing and len(extra) >= len(extra_columns):
            return
        grid_rows, formulas = self.grid.rows, self.grid.formulas
        fields = project.fields  # type: ignore[union-attr]
        for r in rows:
            values = grid_rows[r]
            if missing:
                # Inlined: this runs for every field of every project of a 100,000-row list.
                width = len(values)
                for c, name in self.project_columns.items():
                    if name not in missing:
                        continue
                    cell = key_cells.get(name)
                    if cell is None:
                        value = values[c] if c < width else None
                        if value is None or value == "" or (
                                value.__class__ is str and not value.strip()) or (
                                formulas and (r, c) in formulas):
                            continue
                        cell = Cell(value, r + 1, c + 1)
                    elif cell.empty:
                        continue
                    fields[name] = cell
                    missing.discard(name)
            if len(extra) < len(extra_columns):
                for c, header_text in extra_columns.items():
                    if header_text not in extra:
                        cell = _filled_cell(values, r, c, formulas)
                        if cell is not None:
                            extra[header_text] = cell
            if not missing and len(extra) >= len(extra_columns):
                return


def _filled_cell(values: list[Any], r: int, c: int, formulas) -> Cell | None:
    """The cell at column ``c`` of row ``r`` when it holds a value (a formula without a cached
    value holds none)."""
    value = values[c] if c < len(values) else None
    if is_blank(value) or (formulas and (r, c) in formulas):
        return None
    return Cell(value, r + 1, c + 1)


def _lines(grid: Grid, fields_at: dict[str, int], has_indicators: bool, data_rows: list[int],
           owners: list[ProjectRows], runs: list[int]) -> None:
    """Which data rows are indicator lines (a filled indicator cell) and which are project
    rows, and the 一级/二级 each line repeats from a row above (within its run of rows)."""
    if not has_indicators:  # a project list: every row is a project row
        for r, project in zip(data_rows, owners):
            project.others[r] = ROW_PROJECT
            project.lines.clear()
        return
    values = [grid.row_values(r) for r in data_rows] if grid.formulas else \
        [grid.rows[r] for r in data_rows]
    columns = {f: column_values(values, fields_at[f], grid.rectangular) for f in LEVELS
               if f in fields_at}
    content = [fields_at[f] for f in INDICATOR_CONTENT if f in fields_at]
    for k in _empty_positions(values, content, grid.rectangular):
        owners[k].others[data_rows[k]] = ROW_PROJECT
    if "name" in fields_at:
        # A row of content whose 三级指标 is blank or 不适用 is no indicator either.
        names = column_values(values, fields_at["name"], grid.rectangular)
        unnamed = {v for v in set(names) if not is_indicator_name(v)}
        if unnamed:
            for k, name in enumerate(names):
                if name in unnamed and data_rows[k] not in owners[k].others:
                    owners[k].others[data_rows[k]] = "not-indicator"
    for project in {id(p): p for p in owners}.values():
        if project.others:
            project.lines = [r for r in project.lines if r not in project.others]
    for k, cells in _filled_down(values, data_rows, runs, fields_at, columns).items():
        owners[k].carried[data_rows[k]] = cells


def _row_spans(spans: list[tuple[int, int]]):
    """Whether a row lies in one of ``spans`` (first, last): the spans joined and sorted once,
    each row looked up by bisection — a list of thousands of merged projects asks per row."""
    joined: list[list[int]] = []
    for r0, r1 in sorted(spans):
        if joined and r0 <= joined[-1][1] + 1:
            joined[-1][1] = max(joined[-1][1], r1)
        else:
            joined.append([r0, r1])
    starts = [r0 for r0, _ in joined]

    def covered(r: int) -> bool:
        k = bisect_right(starts, r) - 1
        return k >= 0 and r <= joined[k][1]
    return covered


def _unowned_rows(grid: Grid, file: str, projects, key_columns) -> list[Finding]:
    """Rows of a project with no indicator, no project cell of their own (the project was
    only carried down from above, not merged over them) and no cell the project took: data
    that would go nowhere (a 年初预算数 alone, text in a column without header).  They become
    ROW_UNOWNED — 拒收 in the monitor's 台账 — each with a warning at its first filled cell."""
    findings = []
    key_cols = [c for _, c in key_columns if c >= 0]
    covered = _row_spans([(r0, r1) for (r0, c0), (r1, c1) in grid.sheet.merged
                          if any(c0 <= c <= c1 for c in key_cols)])
    for project in projects:
        rows = sorted(r for r, kind in project.others.items() if kind == ROW_PROJECT)
        if not rows:
            continue
        taken = {cell.row - 1 for cell in (*project.fields.values(), *project.extra.values())}
        for r in rows:
            if r in taken or any(grid.filled(r, c) for c in key_cols) or \
                    covered(r):
                continue
            project.others[r] = ROW_UNOWNED
            values = grid.rows[r]
            col = next((c for c, v in enumerate(values) if not is_blank(v)), 0)
            findings.append(Finding("R-ROW-UNOWNED", file=file, sheet=grid.sheet.name,
                                    cell=f"{column_letter(col + 1)}{r + 1}",
                                    value=grid.text(r, col), params={"row": r + 1}))
    return findings


def _blank_values(column: list[Any]) -> set[Any]:
    """The distinct blank values of a column (None, "", whitespace), each judged once."""
    return {v for v in set(column) if is_blank(v)}


def _empty_positions(values: list[list[Any]], columns: list[int],
                     rectangular: bool) -> set[int]:
    """Positions of the rows blank in every one of ``columns``: none as soon as one column
    holds no blank value (the usual list, whose 三级指标 is always filled)."""
    gathered, blanks = [], []
    for c in columns:
        column = column_values(values, c, rectangular)
        blank = _blank_values(column)
        if not blank:
            return set()
        gathered.append(column)
        blanks.append(blank)
    empty: set[int] | None = None
    for column, blank in zip(gathered, blanks):
        found = {k for k, v in enumerate(column) if v in blank} if empty is None else \
            {k for k in empty if column[k] in blank}
        empty = found
        if not empty:
            break
    return empty or set()


def _filled_down(values: list[list[Any]], data_rows: list[int], runs: list[int],
                 fields_at: dict[str, int],
                 gathered: dict[str, list[Any]]) -> dict[int, dict[str, Cell]]:
    """Position → the 一级/二级 cells a row repeats from above (``fill_levels``), for sheets
    that leave any blank; ``runs`` number the rows of one project met in a row."""
    if not any(name in gathered and _blank_values(gathered[name]) for name in LEVELS):
        return {}
    columns = (fields_at.get(LEVELS[0]), fields_at.get(LEVELS[1]))
    carried: dict[int, dict[str, Cell]] = {}
    carry: dict[str, Any] = {}
    run = None
    for k, row in enumerate(values):
        if runs[k] != run:
            carry, run = {}, runs[k]
        cells = fill_levels(data_rows[k], row, carry, columns)
        if cells is not None:
            carried[k] = cells
    return carried


class _HeaderCopy:
    """The header of a list sheet repeated further down (two exports pasted one below the
    other), one or two rows high, and the title rows just above it: non-data rows.

    Asked only for rows where the project columns change, and cheaply: the full comparison
    runs only when the 项目名称 cell of the row (or of the next row) reads like its label."""

    def __init__(self, grid: Grid, header_rows: list[int], columns: dict[int, str]):
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
        return isinstance(value, str) and (value in self.raw_names or
                                           _NAME_HINT.search(value) is not None)

    def _matches(self, r: int, upper: bool = False) -> bool:
        """Every filled cell (all but a few) is the header's label of its column; ``upper``:
        the top row of a two-row header (group labels such as 绩效指标, one match is enough)."""
        matched = other = 0
        for c, value in enumerate(self.grid.rows[r]):
            if value is None or value == "":
                continue
            if not isinstance(value, str):
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
            if is_blank(value):
                continue
            if seen or not isinstance(value, str):
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
        if below < self.grid.height and nonempty(self.grid.rows[below]) and \
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
            if not nonempty(grid.rows[n]):
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


def _col_of(columns: dict[int, str], name: str) -> int:
    for c, f in columns.items():
        if f == name:
            return c
    return -1
