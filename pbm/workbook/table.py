"""What the reader hands to the commands: projects and their indicator lines as columns.

A list sheet (清单式, one row per indicator, the project columns repeated) and a form block
(表单式, key–value cells above an indicator grid) become the same shape: an
:class:`IndicatorTable` holding one column of raw values per indicator field, and the
:class:`ProjectRead` runs of lines that form each project, with the project's key–value
fields.  No command sees a layout or a raw row.

A cell with its provenance (file, sheet, A1) is made only when a finding or an output asks
for it (:meth:`IndicatorTable.cell`): a 100,000-row export holds millions of values, and
most are only ever typed once per distinct value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, NamedTuple

from pbm.values import cell_text

FORM = "form"
LIST = "list"


@cache
def column_letter(col: int) -> str:
    """1 → "A", 28 → "AB"."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def a1_parts(a1: str) -> tuple[str, int] | None:
    """The column letters and the row of one cell's address (``G13`` → ("G", 13)); None for a
    range or no address."""
    match = _A1.fullmatch(a1)
    return (match.group(1), int(match.group(2))) if match else None


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
        return is_blank(self.value)


def is_blank(value: Any) -> bool:
    """The one blank-cell rule: nothing, an empty text, or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


#: A name written with its code: ``[105]教育部`` (主管部门及代码), ``813-潼南区五桂镇``.
_CODED_NAME = re.compile(r"^[\[【(（]\s*([0-9A-Za-z]{2,20})\s*[\]】)）]\s*(\S.*)$|"
                         r"^([0-9]{3,20})\s*[-－—–_]\s*(\S.*)$")


@lru_cache(maxsize=4096)
def split_code(text: str) -> tuple[str, str] | None:
    """(code, name) of a name written with its code, else None."""
    match = _CODED_NAME.match(text.strip())
    if match is None:
        return None
    code, name = (match.group(1), match.group(2)) if match.group(1) else \
        (match.group(3), match.group(4))
    return code, name.strip()


def split_department_code(fields: dict[str, Cell]) -> dict[str, Cell]:
    """The 主管部门 of ``[105]教育部`` as 教育部 with 主管部门编码 105 (both at its cell), unless
    the form has its own 主管部门编码 cell."""
    cell = fields.get("department")
    if cell is None or not isinstance(cell.value, str):
        return fields
    coded = split_code(cell.value)
    if coded is None:
        return fields
    code, name = coded
    fields = dict(fields)
    fields["department"] = Cell(name, cell.row, cell.col)
    existing = fields.get("department_code")
    if existing is None or existing.empty:
        fields["department_code"] = Cell(code, cell.row, cell.col)
    return fields


#: Excel keeps 15 significant digits of a number: a longer code stored as one lost the rest.
_EXACT_DIGITS = 10 ** 15


def code_digits_lost(fields: dict[str, Cell]) -> tuple[dict[str, Cell], Cell | None]:
    """A 项目编码 stored as a number of more than 15 digits (``4.403062313915e+20``) has lost
    its last digits: kept as the number shows (no digit invented), and its cell returned."""
    cell = fields.get("project_code")
    if cell is None or isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)) \
            or abs(cell.value) < _EXACT_DIGITS:
        return fields, None
    shown = format(cell.value, ".15g")
    return {**fields, "project_code": Cell(shown, cell.row, cell.col)}, cell


@dataclass(slots=True)
class MoneyRegion:
    """The money block of a 自评表 form (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 |
    得分 over 年度资金总额 / 其中 … rows): the 年度资金总额 row's cells by role.

    ``cells`` holds the filled cells; ``columns`` the A1 of every role the header names, filled
    or blank (a blank 得分 is "no claim", reported at its address); ``unit`` the money unit a
    header writes (``全年预算数(元)``), else the form's 金额单位."""

    cells: dict[str, Cell]
    columns: dict[str, str]
    unit: str | None
    labels: dict[str, Cell] = field(default_factory=dict)  # role → its header cell
    #: 部门整体: the rows of the block's parts that a department's budget adds up from
    #: (其中：基本支出 / 项目支出): part field → role → filled cell
    parts: dict[str, dict[str, Cell]] = field(default_factory=dict)


@dataclass
class ProjectRead:
    """One project: its key–value fields and its run of lines in ``table``.

    ``labels`` are the label cells of the fields as written (a form's ``1-9月执行数``, a list's
    header), ``other_rows`` its data rows that are no line (project rows of a list, a form's
    key–value rows), 1-based."""

    file: str
    sheet: str
    layout: str
    fields: dict[str, Cell]
    table: IndicatorTable
    start: int = 0
    stop: int = 0
    labels: dict[str, Cell] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # field → unit from its label
    first_row: int = 0
    title: str = ""
    year: int | None = None  # the year the form states under or in its title
    extra: dict[str, Cell] = field(default_factory=dict)  # unrecognised list columns by header
    other_rows: list[int] = field(default_factory=list)
    money: MoneyRegion | None = None
    total: Cell | None = None  # the 得分 cell of the 总分 row below a form's grid
    #: "project", or "department" for a 部门整体 table (pbm.workbook.department)
    subject: str = "project"

    @property
    def lines(self) -> range:
        return range(self.start, self.stop)

    @property
    def rows(self) -> list[int]:
        """Every 1-based data row that belongs to the project (the monitor's 台账)."""
        return sorted([*self.table.rows[self.start:self.stop], *self.other_rows])

    @property
    def line_count(self) -> int:
        return self.stop - self.start

    def text(self, name: str) -> str:
        cell = self.fields.get(name)
        return cell.text if cell else ""

    def raw_text(self, name: str) -> str:
        """Free text as the department wrote it (no NFKC: ， stays ，), trimmed."""
        cell = self.fields.get(name)
        return "" if cell is None or cell.value is None else str(cell.value).strip()

    def a1(self, name: str) -> str | None:
        cell = self.fields.get(name)
        return cell.a1 if cell is not None else None

    @property
    def name(self) -> str:
        """The project's name; of a 部门整体 table, the department's (its "project")."""
        name = self.text("project_name")
        if not name and self.subject == "department":
            return self.text("department")
        return name

    @property
    def department(self) -> str:
        return self.text("department")

    @property
    def attribute(self) -> str:
        """新增项目 / 延续项目 as a form writes it (``是否新增项目：否`` is 延续项目)."""
        text = self.text("attribute")
        return _ATTRIBUTES.get(text, text)

    def column(self, name: str) -> list[Any]:
        """The raw values of one indicator field over the project's lines."""
        return self.table.column(name)[self.start:self.stop]

    def indicator_lines(self) -> list[Line]:
        """The project's lines one by one (for code that asks few cells of each)."""
        return [Line(self.table, line) for line in self.lines]


_ATTRIBUTES = {"是": "新增项目", "否": "延续项目", "新增": "新增项目", "延续": "延续项目"}


class Line(NamedTuple):
    """One line of a table, its cells made when asked for."""

    table: IndicatorTable
    index: int

    def value(self, name: str) -> Any:
        return self.table.value(name, self.index)

    def text(self, name: str) -> str:
        return self.table.text(name, self.index)

    def cell(self, name: str) -> Cell | None:
        return self.table.cell(name, self.index)

    def a1(self, name: str) -> str | None:
        return self.table.a1(name, self.index)

    @property
    def row(self) -> int:
        return self.table.rows[self.index]


class IndicatorTable:
    """The indicator lines of one list sheet or one form block, as columns.

    ``values[field][line]`` is the raw value (None or "" for a blank, None for a formula
    without a cached value; :meth:`value` gives None for both); ``rows[line]`` its 1-based
    sheet row; ``columns[field]`` the 1-based sheet column of
    the field.  一级/二级 cells merged down or left blank repeat the one above within a project:
    the value is in the column, and ``carried[field][line]`` names the row it was taken from.
    """

    __slots__ = ("carried", "columns", "file", "layout", "projects", "rows", "sheet", "values")

    def __init__(self, file: str, sheet: str, layout: str, columns: dict[str, int],
                 rows: list[int], values: dict[str, list[Any]],
                 carried: dict[str, dict[int, int]] | None = None):
        self.file = file
        self.sheet = sheet
        self.layout = layout
        self.columns = columns
        self.rows = rows
        self.values = values
        self.carried = carried or {}
        self.projects: list[ProjectRead] = []

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        values = self.values.get(name)
        if values is None:
            values = self.values[name] = [None] * len(self.rows)
        return values

    def has(self, name: str) -> bool:
        return name in self.columns

    def value(self, name: str, line: int) -> Any:
        values = self.values.get(name)
        if values is None:
            return None
        value = values[line]
        return None if value == "" else value

    def text(self, name: str, line: int) -> str:
        return cell_text(self.value(name, line))

    def row_of(self, name: str, line: int) -> int:
        """The row the field's value of a line was written on (the row above, when carried)."""
        carried = self.carried.get(name)
        if carried is not None:
            row = carried.get(line)
            if row is not None:
                return row
        return self.rows[line]

    def cell(self, name: str, line: int) -> Cell | None:
        """The field's cell of one line with its provenance; None where there is no column."""
        col = self.columns.get(name)
        if col is None:
            return None
        return Cell(self.value(name, line), self.row_of(name, line), col)

    def a1(self, name: str, line: int) -> str | None:
        col = self.columns.get(name)
        if col is None:
            return None
        return f"{column_letter(col)}{self.row_of(name, line)}"

    def carried_fields(self, line: int) -> set[str]:
        """Fields of a line filled down from a row above."""
        return {name for name, lines in self.carried.items() if line in lines}
