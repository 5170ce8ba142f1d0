"""Load the sampling population from any project list: pbm's own outputs (monitor and
validate 项目 sheets, score 项目得分, an earlier sample's 样本), read by their declared columns
(:mod:`pbm.workbook.outputs`), or a user workbook with 项目编码/项目名称/主管部门/金额, read
by the reader of input workbooks.

Rows are dicts keyed by the column names the user sees (so ``--must "灯色==红"`` works) plus
the four keys the selector relies on: 项目编码, 项目名称, 主管部门, 金额 (Decimal, 万元).

Nothing is taken silently: an amount that is blank or cannot be read keeps its
project (金额 None: the 无金额 stratum, no amount rule matches it) with a warning naming the
cell; a row that repeats a project the reader already holds (same 项目编码, 项目名称 and
主管部门, merged by the reader) is a SAMPLE-DUPLICATE-CODE warning naming both rows.  Each row's
provenance (``RowOrigin``) lets the caller name cells for what the selector decides later
(other duplicate codes, zero amounts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.values import cell_text, parse_money
from pbm.workbook.fields import field_titles
from pbm.workbook.outputs import RECHECK_SUFFIX, OutputBook, output_book, read_output
from pbm.workbook.read import SheetRead, read_workbook
from pbm.workbook.source import Limits
from pbm.workbook.table import LIST, Cell, ProjectRead, column_letter

AMOUNT_FIELDS = ("total_funds", "adjusted_budget", "initial_budget")
PREFERRED_SHEETS = ("项目", "项目得分", "样本")


class RowOrigin(NamedTuple):
    """Where a population row came from: its sheet, first row, its 项目编码 cell (else its
    项目名称 cell) and where its amount is — also when blank: (row, column), 1-based; None when
    the sheet has no amount column.  A1 addresses are made only when asked for."""

    sheet: str
    row: int
    code: Cell | None
    amount: tuple[int, int] | None

    @property
    def code_cell(self) -> str | None:
        return self.code.a1 if self.code is not None else None

    @property
    def amount_cell(self) -> str | None:
        return None if self.amount is None else f"{column_letter(self.amount[1])}{self.amount[0]}"


@dataclass
class Population:
    file: str
    sheet: str
    sha256: str
    rows: list[dict[str, Any]]
    origins: list[RowOrigin] = field(default_factory=list)  # parallel to ``rows``
    findings: list[Finding] = field(default_factory=list)  # about cells, in row order
    sheets: list[str] = field(default_factory=list)  # every sheet read for the frame, in order

    def sheet_index(self, name: str | None) -> int:
        """Where a sheet comes in the frame (-1: a finding about the whole workbook)."""
        return self.sheets.index(name) if name in self.sheets else -1

    def origin(self, row: dict[str, Any]) -> RowOrigin | None:
        """The provenance of one of ``rows`` (the same dict object)."""
        if len(self.origins) != len(self.rows):
            return None
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {id(r): o for r, o in zip(self.rows, self.origins)}
        return index.get(id(row))


def load_population(path: Path, limits: Limits = Limits(), display: str | None = None) -> Population:
    """The population in ``path``: a pbm output read by its declared columns, any other
    workbook (a user's own project list) through the reader of input workbooks."""
    book = output_book(Path(path), limits, display)
    if book is not None:
        return _from_output(Path(path), book, limits, display)
    # pbm's own outputs also carry a 指标 sheet of every indicator row: not parsed here.
    read = read_workbook(path, limits=limits, display=display, only=PREFERRED_SHEETS)
    sheets = [s for s in read.sheets if s.projects]
    if not sheets:
        raise PbmError("SAMPLE-NO-PROJECTS", file=read.file)
    preferred = next((s for name in PREFERRED_SHEETS for s in sheets if s.name == name), None)
    # pbm's own list sheet when there is one; else every sheet holding projects (a list per
    # department, one sheet each): no project of the frame is left out unsaid.
    used = [preferred] if preferred is not None else sheets
    rows, origins, findings = [], [], []
    for sheet in used:
        amount_columns = _amount_columns(sheet)
        blank_amount_col = next((amount_columns[name] for name in AMOUNT_FIELDS
                                 if name in amount_columns), 0)
        for project in sheet.projects:
            amount, amount_cell = _amount(project)
            row = _row(project, amount)
            origin = _origin(project, amount_cell, blank_amount_col)
            rows.append(row)
            origins.append(origin)
            if amount is None and origin.amount is not None:
                findings.append(_amount_finding(read.file, project, origin))
        findings.extend(_merged_rows(read.file, sheet))
    names = [sheet.name for sheet in used]
    population = Population(read.file, "、".join(names), read.sha256, rows, origins,
                            sheets=names)
    findings.sort(key=lambda f: (population.sheet_index(f.sheet), f.params.get("row", 0),
                                 f.code))
    # What the reader said (a hidden sheet skipped, a 合计 row, a formula without a value, a
    # sheet it could not read) comes first: the frame is what was read, and these say why.
    population.findings = read.all_findings + findings
    return population


def _from_output(path: Path, book: OutputBook, limits: Limits, display: str | None
                 ) -> Population:
    """The population sheet of a pbm output (项目 of a goal list or a monitoring workbook,
    项目得分 of a scores workbook, 样本 of a sample record), every column by its header as
    written, with the findings a user's list gets: a blank or unreadable amount, a row that
    repeats an earlier row's 项目编码, 项目名称 and 主管部门 (left out, named with the row kept)."""
    schema = book.population
    read = read_output(path, limits=limits, display=display or str(path), only=(schema.sheet,))
    table = read.sheets[schema.sheet]  # output_book() found every sheet of the workbook
    code_h, name_h, department_h, amount_h = (
        table.require(schema, key, read.tool) for key in ("code", "name", "department",
                                                          book.amount))
    code_col, name_col, amount_col = (table.headers.index(h) + 1
                                      for h in (code_h, name_h, amount_h))
    rows, origins, findings = [], [], []
    kept: dict[tuple[str, str, str], tuple[int, Cell]] = {}
    for values, number in zip(table.rows, table.row_numbers):
        code, name, department = (cell_text(values.get(h)) for h in (code_h, name_h,
                                                                      department_h))
        if not (code or name or department):
            continue  # no project: the reader of a user's list skips such a row too
        key_cell = Cell(values.get(code_h), number, code_col) if code else \
            Cell(values.get(name_h), number, name_col) if name else None
        first = kept.get((code, name, department))
        if first is not None:
            kept_row, kept_cell = first
            findings.append(Finding(
                "SAMPLE-DUPLICATE-CODE", file=read.file, sheet=table.sheet,
                cell=key_cell.a1 if key_cell else None, project=name or None,
                value=kept_cell.text, params={"code": kept_cell.text, "row": number,
                                              "kept_row": kept_row, "kept_cell": kept_cell.a1,
                                              "name": name, "kept_name": name}))
            continue
        if key_cell is not None:
            kept[(code, name, department)] = (number, key_cell)
        raw = values.get(amount_h)
        blank = Cell(raw, number, amount_col).empty
        # Every amount pbm writes is in 万元, as its header says.
        amount = None if blank else parse_money(raw, to_unit="万元", header_unit="万元").number
        row = {header: value for header, value in values.items()
               if not Cell(value, number, 0).empty}
        row.update({"项目编码": code, "项目名称": name, "主管部门": department, "金额": amount})
        origin = RowOrigin(table.sheet, number, key_cell, (number, amount_col))
        rows.append(row)
        origins.append(origin)
        if amount is None:
            findings.append(Finding(
                "SAMPLE-AMOUNT-MISSING" if blank else "SAMPLE-AMOUNT-UNREADABLE",
                file=read.file, sheet=table.sheet, cell=origin.amount_cell, project=name or None,
                value=None if blank else raw,
                params={"row": number, "code": code or "—", "name": name}))
    if not rows:
        raise PbmError("SAMPLE-NO-PROJECTS", file=read.file)
    findings.sort(key=lambda f: (f.params.get("row", 0), f.code))
    return Population(read.file, table.sheet, read.sha256, rows, origins, findings,
                      sheets=[table.sheet])


def _row(project: ProjectRead, amount: Decimal | None) -> dict[str, Any]:
    """A project as a row keyed by the headers the user sees (a list's own column headers)."""
    titles = field_titles("project")
    row: dict[str, Any] = {}
    for name, cell in project.fields.items():
        label = project.labels.get(name) if project.layout == LIST else None
        row[(label.value if label is not None else "") or titles.get(name, name)] = cell.value
    for header, cell in project.extra.items():
        row[header] = cell.value
    row["项目编码"] = project.text("project_code")
    row["项目名称"] = project.name
    row["主管部门"] = project.department
    row["金额"] = amount
    return row


def _amount_columns(sheet: SheetRead) -> dict[str, int]:
    """Amount field → 1-based column of a list sheet (to name a blank amount cell)."""
    for project in sheet.projects:
        if project.layout == LIST:
            return {name: project.labels[name].col for name in AMOUNT_FIELDS
                    if name in project.labels}
    return {}


def _origin(project: ProjectRead, amount_cell: Cell | None, blank_amount_col: int) -> RowOrigin:
    """``blank_amount_col``: where a blank amount is (the first amount column; 0: none)."""
    fields = project.fields
    key = fields.get("project_code") or fields.get("project_name")
    if amount_cell is not None:
        where = (amount_cell.row, amount_cell.col)
    else:
        where = (project.first_row, blank_amount_col) if blank_amount_col else None
    return RowOrigin(project.sheet, project.first_row, key, where)


def _amount_finding(file: str, project: ProjectRead, origin: RowOrigin) -> Finding:
    raw = next((cell.value for name in AMOUNT_FIELDS
                if (cell := project.fields.get(name)) is not None and not cell.empty), None)
    code = "SAMPLE-AMOUNT-MISSING" if raw is None else "SAMPLE-AMOUNT-UNREADABLE"
    return Finding(code, file=file, sheet=origin.sheet, cell=origin.amount_cell,
                   project=project.name or None, value=raw,
                   params={"row": origin.row, "code": project.text("project_code") or "—",
                           "name": project.name})


def _merged_rows(file: str, sheet: SheetRead) -> list[Finding]:
    """Rows the reader folded into a project read above (same 项目编码, 项目名称, 主管部门):
    in a one-row-per-project list each is a duplicate, named with the row that is kept."""
    if any(project.line_count for project in sheet.projects):
        return []  # one row per indicator: repeated project columns are the layout
    findings = []
    duplicates = sorted(((number, project) for project in sheet.projects
                         for number in project.rows if number != project.first_row),
                        key=lambda pair: pair[0])
    for number, owner in duplicates:
        key_cell = owner.fields.get("project_code") or owner.fields.get("project_name")
        if key_cell is None:
            continue
        findings.append(Finding(
            "SAMPLE-DUPLICATE-CODE", file=file, sheet=sheet.name,
            cell=f"{column_letter(key_cell.col)}{number}", project=owner.name or None,
            value=key_cell.text,
            params={"code": key_cell.text, "row": number, "kept_row": owner.first_row,
                    "kept_cell": key_cell.a1, "name": owner.name, "kept_name": owner.name}))
    return findings


def _amount(project: ProjectRead) -> tuple[Decimal | None, Cell | None]:
    """The amount in 万元 and the cell it came from; (None, the first filled amount cell that
    could not be read) or (None, None) when every amount cell is blank."""
    unreadable = None
    for name in AMOUNT_FIELDS:
        cell = project.fields.get(name)
        if cell is None or cell.empty:
            continue
        unit = project.units.get(name) or project.units.get("money")
        parsed = parse_money(cell.value, to_unit="万元", header_unit=unit)
        if parsed.number is not None:
            return parsed.number, cell
        unreadable = unreadable or cell
    return None, unreadable


def newest_project_list(out_dir: Path, year: int) -> Path | None:
    """The workspace's newest merged project list: monitor output, else validated goals."""
    monitors = sorted(out_dir.glob("monitor-*.xlsx"), key=lambda p: p.stat().st_mtime, reverse=True)
    if monitors:
        return monitors[0]
    goals = out_dir / f"goals-{year}.xlsx"
    if goals.exists():
        return goals
    others = sorted(out_dir.glob("goals-*.xlsx"), key=lambda p: p.stat().st_mtime, reverse=True)
    return others[0] if others else None


_YEAR = re.compile(r"sample-(\d{4})")


def sampled_codes(paths: list[Path], limits: Limits = Limits()) -> set[str]:
    """Project codes (else names) in earlier sample records — the rotation list."""
    codes: set[str] = set()
    for path in paths:
        population = load_population(path, limits)
        for row in population.rows:
            codes.add(row["项目编码"] or row["项目名称"])
    return codes


def history_records(history_dir: Path, year: int) -> list[Path]:
    """Records of the previous year in out/history/ (rotation: not sampled two years running)."""
    if not history_dir.is_dir():
        return []
    return sorted(p for p in history_dir.glob("sample-*.xlsx")
                  if (m := _YEAR.search(p.name)) and int(m.group(1)) == year - 1
                  and RECHECK_SUFFIX not in p.name)  # a 整改抽查复核 is no 抽评: no rotation
