"""Raw sheet → layout: which rows are what, and where the projects and their lines are.

Two layouts, detected automatically and mixed freely in one folder:

* **form** (表单式): title, key–value cells, a money block, then an indicator grid whose
  一级/二级 cells are merged vertically; one project per form block — usually one per sheet,
  but forms pasted one below the other are read block by block (:mod:`form_layout`);
* **list** (清单式): one row per indicator (or per project) with the project columns
  repeated; header on rows 1–15, possibly two rows high; the header repeated mid-sheet (two
  exports pasted together) is a header row, never a project (:mod:`list_layout`).

A sheet that is hidden or holds instructions is skipped with an info finding.  Every
non-empty row gets a kind — an indicator line, a project row, a key–value row, or one of the
non-data kinds (title, header, 合计/小计, 其中, instruction, label-only, outside) — so the
monitor's 台账 can account for every row.  The layout hands :class:`Block`s to the table
builder (:mod:`pbm.workbook.read`); nothing here types a value.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from pbm.findings import Finding
from pbm.values import cell_text
from pbm.values.placeholders import INAPPLICABLE_TEXTS, is_filler
from pbm.workbook.department import is_whole_title
from pbm.workbook.fields import INDICATOR, PROJECT, match_label
from pbm.workbook.source import Limits, RawSheet, nonempty_rows
from pbm.workbook.table import Cell, MoneyRegion, column_letter, is_blank

# Kinds of rows in the account of a sheet (台账).
ROW_INDICATOR = "indicator"
ROW_PROJECT = "project"
NON_DATA_KINDS = {
    "title": "标题行", "header": "表头行", "field": "表头信息（项目要素）", "total": "合计/小计行",
    "sub-item": "“其中”分项行", "instruction": "填报说明/备注行", "label-only": "仅含指标分类的空行",
    "outside": "表格外文字", "hidden-sheet": "隐藏工作表", "skipped-sheet": "说明类工作表",
    "not-indicator": "不适用或未填写的指标行",
}
#: Rows that hold data nothing could take: the 台账 lists them as 拒收 with the reason.
ROW_FORMULA_ONLY, ROW_UNOWNED = "formula-only", "unowned"
UNREAD_KINDS = {ROW_FORMULA_ONLY: "仅含未计算公式的行", ROW_UNOWNED: "无法归属项目的数据行"}
#: The kind of every row in the account of a sheet, in Chinese (the monitor's 台账).
ROW_KINDS_ZH = {ROW_INDICATOR: "指标行", ROW_PROJECT: "项目行", "field": "项目要素行",
                **NON_DATA_KINDS, **UNREAD_KINDS}
#: Fields whose filled cell makes a row of an indicator grid a row of content (an indicator
#: line when its 三级指标 names one, see :func:`is_indicator_name`).
INDICATOR_CONTENT = ("name", "target", "unit", "weight", "actual", "score", "nature",
                     "expected_actual")
#: What a template's unused indicator slot says in its 三级指标 cell: 不适用 and the like, and
#: 无 / 暂无 (which in a 指标值 cell is a value: 0 accidents).
NOT_APPLICABLE_NAMES = INAPPLICABLE_TEXTS | {"无", "暂无"}
_TEMPLATE_NAME = re.compile(r"(?:三级)?指标\s*\d*\s*(?:[:：]\s*[/／]?|[/／])")
LEVELS = ("level1", "level2")

_SKIP_SHEET_NAMES = re.compile(r"(填报)?说明|instruction|readme|目录|下拉|字典|list|参数|选项|代码表",
                               re.IGNORECASE)
_TOTAL = re.compile(r"^(合计|小计|总计|总合计|累计|total)$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^(注|说明|填报说明|填表说明|备注|附注|note)\s*[0-9一二三四五六七八九十、.:：]|"
                          r"^(填报说明|填表说明)|请.{0,12}填写|^填表人|^填报人|^审核人|^单位负责人|^联系人[:：]")


@dataclass(slots=True)
class RowAccount:
    """What one non-empty row of a sheet was read as (the monitor's 台账)."""

    sheet: str
    row: int
    kind: str  # ROW_INDICATOR, ROW_PROJECT, "field" or a key of NON_DATA_KINDS
    project: str | None = None


@dataclass
class ProjectRows:
    """A project as the layout found it, before its lines become columns."""

    fields: dict[str, Cell]
    labels: dict[str, Cell] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    first_row: int = 0  # 1-based
    title: str = ""
    year: int | None = None  # the year the form states (``( 2019年度)`` under its title)
    extra: dict[str, Cell] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)  # 0-based sheet rows of its indicator lines
    carried: dict[int, dict[str, Cell]] = field(default_factory=dict)  # line's row → filled down
    others: dict[int, str] = field(default_factory=dict)  # its other data rows → their kind
    span: tuple[int, int] | None = None  # a form block's rows [start, stop), 0-based
    money: MoneyRegion | None = None
    total: Cell | None = None

    @property
    def name(self) -> str:
        cell = self.fields.get("project_name")
        return cell.text if cell is not None else ""


@dataclass
class Block:
    """One table of lines: a list sheet, or one form block.  ``columns`` maps each indicator
    field to its 0-based sheet column."""

    layout: str
    columns: dict[str, int]
    projects: list[ProjectRows]
    #: A field read from a choice of sub-columns (完成目标可能性 over 确定能 | 有可能 | 完全不可能):
    #: field → {0-based column: the choice it stands for}; a line's value is the choice marked.
    choices: dict[str, dict[int, str]] = field(default_factory=dict)


@dataclass
class SheetLayout:
    """``rows``: the sheet's non-empty rows (0-based); ``kinds``: the kind of those that are
    not a project's data rows (titles, headers, 合计 …)."""

    name: str
    layout: str | None  # FORM, LIST or None (skipped, empty, no header)
    blocks: list[Block]
    rows: list[int]
    kinds: dict[int, str]
    findings: list[Finding]
    header_row: int | None = None  # 1-based, the (last) header row
    headers: dict[int, str] = field(default_factory=dict)  # 1-based column → header text (list)

    def accounts(self) -> list[RowAccount]:
        """Every non-empty row with what it was read as and its project (the 台账); the rows
        of a form block all belong to its project."""
        owner: dict[int, tuple[str, str | None]] = {}
        spans = []
        for block in self.blocks:
            for project in block.projects:
                name = project.name or None
                for r in project.lines:
                    owner[r] = (ROW_INDICATOR, name)
                for r, kind in project.others.items():
                    owner[r] = (kind, name)
                if project.span is not None:
                    spans.append((*project.span, name))
        accounts = []
        for r in self.rows:
            found = owner.get(r)
            if found is None:
                name = next((n for start, stop, n in spans if start <= r < stop), None)
                found = (self.kinds.get(r, "outside"), name)
            accounts.append(RowAccount(self.name, r + 1, found[0], found[1]))
        return accounts


class Grid:
    """Random access to a sheet's cells with merged ranges resolved; formula cells without a
    cached value read as blank."""

    def __init__(self, sheet: RawSheet):
        self.sheet = sheet
        self.rows = sheet.rows
        self.height = len(sheet.rows)
        self.width = max((len(r) for r in sheet.rows), default=0)
        # calamine hands over rows as wide as the sheet; a CSV's rows are padded to it
        self.rectangular = all(len(r) == self.width for r in sheet.rows)
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
        return cell_text(self.value(r, c))

    def filled(self, r: int, c: int) -> bool:
        row = self.rows[r]
        return c < len(row) and not is_blank(row[c])

    def row_values(self, r: int) -> list[Any]:
        """Row ``r`` as lines hold it: the sheet's own list, or a copy with its formula cells
        that carry no value blanked (only on sheets that have such cells)."""
        values = self.rows[r]
        formulas = self.formulas
        if formulas and any((r, c) in formulas for c in range(len(values))):
            values = [None if (r, c) in formulas else v for c, v in enumerate(values)]
        return values


def column_values(rows: list[list[Any]], c: int, rectangular: bool) -> list[Any]:
    """Column ``c`` of ``rows`` (None past a short row's end)."""
    if rectangular:
        return list(map(itemgetter(c), rows))
    return [row[c] if c < len(row) else None for row in rows]


def is_indicator_name(value: Any) -> bool:
    """A 三级指标 cell that names an indicator: not blank, not 不适用 (a template slot the unit
    did not use — also with a trailing tab or line break, and the typo 不适应), not a template
    row left as it was (``指标1:/``, ``……``, ``/``)."""
    if is_blank(value):
        return False
    text = "".join(cell_text(value).split()).lower()
    if _TEMPLATE_NAME.fullmatch(text) or is_filler(text):
        return False
    return text.rstrip("。.：:") not in NOT_APPLICABLE_NAMES


def lay_out(sheet: RawSheet, file: str, limits: Limits) -> SheetLayout:
    """The layout of one sheet: its blocks of projects and lines, and every row's kind."""
    grid = Grid(sheet)
    rows = nonempty_rows(sheet.rows)
    formula_only = _formula_only_rows(sheet, rows)
    if formula_only:
        rows = [r for r in rows if r not in formula_only]
    layout = _lay_out(sheet, grid, rows, file, limits)
    if formula_only:
        # Their formulas carry no value (R-FORMULA-NO-VALUE names each cell): accounted for
        # as rows nothing could be read from, never a line of the project around them.
        skipped = _skipped_sheet(sheet)
        layout.rows = sorted([*layout.rows, *formula_only])
        layout.kinds.update(dict.fromkeys(formula_only, skipped or ROW_FORMULA_ONLY))
    return layout


def _formula_only_rows(sheet: RawSheet, rows: list[int]) -> list[int]:
    """Rows whose only content is formulas without a cached value."""
    if not sheet.formula_cells:
        return []
    filled = set(rows)
    return sorted(r for r in {r for r, _ in sheet.formula_cells} if r not in filled or all(
        is_blank(v) or (r, c) in sheet.formula_cells for c, v in enumerate(sheet.rows[r])))


def _skipped_sheet(sheet: RawSheet) -> str | None:
    """"hidden-sheet" or "skipped-sheet" (填报说明 and the like) for a sheet read as no table."""
    if not sheet.visible:
        return "hidden-sheet"
    return "skipped-sheet" if _SKIP_SHEET_NAMES.search(sheet.name) is not None else None


def _lay_out(sheet: RawSheet, grid: Grid, rows: list[int], file: str,
             limits: Limits) -> SheetLayout:
    from pbm.workbook.form_layout import lay_out_form
    from pbm.workbook.list_layout import lay_out_list

    findings: list[Finding] = []
    kind = _skipped_sheet(sheet)
    if kind is not None:
        reason = "隐藏工作表 / hidden sheet" if not sheet.visible else "说明类工作表 / instructions sheet"
        if rows or sheet.formula_cells:
            findings.append(Finding("R-SHEET-SKIPPED", file=file, sheet=sheet.name,
                                    params={"reason": reason}))
        return SheetLayout(sheet.name, None, [], rows, dict.fromkeys(rows, kind), findings)
    for r, c in sorted(sheet.formula_cells):
        findings.append(Finding("R-FORMULA-NO-VALUE", file=file, sheet=sheet.name,
                                cell=f"{column_letter(c + 1)}{r + 1}"))
    if not rows:
        return SheetLayout(sheet.name, None, [], [], {}, findings)
    header = find_header(grid, max(limits.header_search_rows, 15), deep=80)
    if header is None:
        from pbm.workbook.form_layout import form_labels

        labels = form_labels(grid, 0, min(len(sheet.rows), 80))
        if "project_name" in labels and len(labels) >= 2:
            # A form with its project block but no indicator grid: one project, no lines.
            return lay_out_form(grid, file, None, rows, findings)
        findings.append(Finding("R-NO-HEADER", file=file, sheet=sheet.name,
                                params={"rows": max(limits.header_search_rows, 15)}))
        return SheetLayout(sheet.name, None, [], rows, dict.fromkeys(rows, "outside"), findings)
    columns = set(header.columns.values())
    # a list of departments' whole-budget tables (部门整体) is keyed by 部门编码 / 部门名称
    if "project_name" in columns or ("department" in columns and (
            columns & {"duties", "scope"} or any(
                is_whole_title(grid.text(r, c)) for r in range(header.rows[0])
                for c in range(min(grid.width, 3))))):
        return lay_out_list(grid, file, header, rows, findings)
    return lay_out_form(grid, file, header, rows, findings)


# --------------------------------------------------------------------------- document kinds

#: What a sheet is, for the command that reads it: a goal form (validate), a monitoring form
#: (monitor), a self-evaluation or a scoring sheet (score), or another part of a project's
#: file (basic information, plans, reports: read by no command).
GOAL, MONITOR, SELF_EVAL, OTHER = "goal", "monitor", "selfeval", "other"
COMMAND_KINDS = frozenset({GOAL, MONITOR, SELF_EVAL})
DOCUMENT_KINDS_ZH = {GOAL: "绩效目标申报表", MONITOR: "绩效监控表", SELF_EVAL: "绩效自评表/评分表",
                     OTHER: "其他材料"}
_KIND_WORDS = ((MONITOR, re.compile(r"监控")), (SELF_EVAL, re.compile(r"自评|评分|评价表")),
               (GOAL, re.compile(r"目标申报|绩效目标表|目标表|申报表|绩效目标$")),
               (OTHER, re.compile(r"基本信息|立项依据|实施方案|支出计划|支出明细|评审报告|附件|"
                                  r"审核意见|预算明细|测算明细|采购|资金来源|项目概况")))


def document_kind(layout: SheetLayout, grid: Grid) -> str | None:
    """The kind of document a sheet is — by its title, else its name, else its columns (得分:
    a self-evaluation; 完成值 or 执行数 without 得分: monitoring; 指标值 alone: a goal form) —
    or None when nothing tells. A sheet with indicator lines is never "other" (a goal form's
    sheet named after its project, ``政府采购服务经费``)."""
    has_lines = any(project.lines for block in layout.blocks for project in block.projects)
    titles = [grid.text(r, c) for r, kind in layout.kinds.items() if kind == "title"
              for c in range(min(grid.width, 3)) if grid.value(r, c) is not None][:3]
    titles += [project.title for block in layout.blocks for project in block.projects[:1]
               if project.title]
    for text in [*titles, layout.name]:
        for kind, words in _KIND_WORDS:
            if words.search(text) and not (kind == OTHER and has_lines):
                return kind
    columns = {name for block in layout.blocks for name in block.columns}
    fields = {name for block in layout.blocks for project in block.projects[:1]
              for name in project.fields}
    if "score" in columns:
        return SELF_EVAL
    if "actual" in columns or "possibility" in fields:
        return MONITOR
    if "target" in columns:
        return GOAL
    return None if has_lines else OTHER


# --------------------------------------------------------------------------- headers

@dataclass
class Header:
    """An indicator grid's or a project list's header: its rows (0-based), column → field,
    field → the unit its label writes (``资金总额(万元)``)."""

    rows: list[int]
    columns: dict[int, str]
    units: dict[str, str]
    choices: dict[str, dict[int, str]] = field(default_factory=dict)


def row_labels(grid: Grid, r: int) -> dict[int, tuple[str, str, str | None]]:
    labels = {}
    for c in range(grid.width):
        value = grid.value(r, c)
        if isinstance(value, str):
            match = match_label(value)
            if match:
                labels[c] = match
    return labels


def is_indicator_header(labels: dict[int, tuple[str, str, str | None]]) -> bool:
    indicator_fields = {f for kind, f, _ in labels.values() if kind == INDICATOR}
    return ("name" in indicator_fields and len(indicator_fields) >= 2) or \
        {"level1", "target"} <= indicator_fields


def find_header(grid: Grid, list_rows: int, deep: int, start: int = 0) -> Header | None:
    """The indicator header (or project-list header).  ``start``: where to look from (the
    next project block of a form sheet).  An indicator grid anywhere in the first ``deep``
    rows wins; a plain project list (no indicator columns) must have its header within the
    first ``list_rows`` rows."""
    candidates = []
    for r in range(start, min(grid.height, start + deep)):
        labels = row_labels(grid, r)
        project_fields = {f for kind, f, _ in labels.values() if kind == PROJECT}
        if is_indicator_header(labels):
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
        below = row_labels(grid, r + 1) if r + 1 < grid.height else {}
        if below and len(below) >= 2 and _looks_like_table_header(grid, r + 1, below):
            for c, (_, f, u) in below.items():
                columns[c] = f
                if u:
                    units.setdefault(f, u)
            return _dedupe([r, r + 1], columns, units)
        if r > 0:
            above = row_labels(grid, r - 1)
            if above and _is_upper_header(grid, r - 1, above, labels):
                for c, (_, f, u) in above.items():
                    if c not in columns and grid.value(r, c) is None:
                        columns[c] = f
                        if u:
                            units.setdefault(f, u)
                rows.insert(0, r - 1)
        header = _dedupe(rows, columns, units)
        _sub_header(grid, header)
        return header
    return None


#: Fields whose group label stands over one sub-column per choice, marked in the line's row
#: (完成目标可能性: 确定能 | 有可能 | 完全不可能; 偏差原因分析: 经费保障 | … | 其他 | 原因说明).
CHOICE_FIELDS = frozenset({"possibility", "deviation_reason"})
#: A choice sub-column whose label says so holds text, not a mark (原因说明).
_TEXT_SUB_COLUMN = re.compile(r"说明|描述|具体")


def _sub_header(grid: Grid, header: Header) -> None:
    """A row under the header that names the sub-columns of its group labels (指标值 merged
    over 总体 | 第一年度 | 第二年度; 完成目标可能性 over 确定能 | 有可能 | 完全不可能) is a header
    row, never a line: added to ``header.rows``.  A group's field keeps its first sub-column;
    a choice field (:data:`CHOICE_FIELDS`) gets its sub-columns as choices."""
    r = header.rows[-1]
    below = r + 1
    if below >= grid.height:
        return
    groups = []
    for c in range(grid.width):
        if grid.value(r, c) is None:
            continue
        end_r, end_c = grid.merge_end.get((r, c), (r, c))
        if end_c > c and end_r == r:
            groups.append((c, end_c))
    if not groups:
        return
    # a note written to the right of the table (职教 template's 说明 in column J) is no label
    span = max(max(header.columns, default=0), max(b for _, b in groups))
    filled = [c for c in range(span + 1) if grid.value(below, c) is not None]
    if not filled or not all(isinstance(grid.value(below, c), str) and
                             any(a <= c <= b for a, b in groups) for c in filled):
        return
    header.rows.append(below)
    for a, b in groups:
        name = header.columns.get(a)
        if name not in CHOICE_FIELDS:
            continue
        choices = {}
        for c in range(a, b + 1):
            text = grid.text(below, c)
            if not text:
                continue
            if _TEXT_SUB_COLUMN.search(text):
                header.columns[c] = name  # the text written beside the choices
                if c != a:
                    header.columns.pop(a, None)
            else:
                choices[c] = text
        if choices:
            header.choices[name] = choices


def _is_upper_header(grid: Grid, r: int, above: dict, header: dict) -> bool:
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


def _dedupe(rows: list[int], columns: dict[int, str], units: dict[str, str]) -> Header:
    """Drop a field mapped twice: keep its first column."""
    seen: set[str] = set()
    for c in sorted(columns):
        if columns[c] in seen:
            del columns[c]
        else:
            seen.add(columns[c])
    return Header(rows, columns, units)


def _looks_like_table_header(grid: Grid, r: int, labels: dict) -> bool:
    """A header row is mostly labels; a form's key–value row alternates label and value."""
    filled = [c for c in range(grid.width) if grid.value(r, c) is not None]
    if not filled or len(labels) < 2:
        return False
    # Wide outputs carry many columns pbm does not know; headers are text, data rows are not.
    enough = len(labels) >= (len(filled) + 1) // 2 or (
        len(labels) >= 3 and all(isinstance(grid.value(r, c), str) for c in filled))
    return enough and \
        not all(grid.value(r, c + 1) is not None and (c + 1) not in labels for c in labels)


# --------------------------------------------------------------------------- row kinds

_ROW_TRIGGER = re.compile(r"合|计|計|otal|OTAL|其中|注|说明|填|备|请|审核人|负责人|联系人|ote")


def classify_text_row(grid: Grid, r: int) -> str | None:
    """合计/小计 rows, 其中 sub-rows and instruction rows (none of them indicators), read from
    the row's first three filled cells."""
    firsts = []
    for value in grid.rows[r]:
        if value is None or value == "":
            continue
        firsts.append(value)
        if len(firsts) == 3:
            break
    return _leading_kind(grid, r, firsts)


def _leading_kind(grid: Grid, r: int, firsts: list[Any] | tuple[Any, ...]) -> str | None:
    # Only text can hold a trigger word (a number's str() never does).
    strings = [value for value in firsts if isinstance(value, str)]
    if not strings or not _ROW_TRIGGER.search("\x00".join(strings)):
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


def text_row_kinds(grid: Grid, rows: list[int]) -> dict[int, str]:
    """``classify_text_row`` of many rows: a row whose first three cells are filled is judged
    by those three, each run of rows with the same three once (a list repeats a project's
    code, name and department on every line); the others one by one."""
    if grid.width >= 3 and grid.rectangular:
        leads = map(itemgetter(0, 1, 2), [grid.rows[r] for r in rows])
    else:
        leads = [None] * len(rows)  # type: ignore[assignment]
    runs = [(lead, [r for r, _ in group])
            for lead, group in groupby(zip(rows, leads), key=itemgetter(1))]
    texts = {v for lead, _ in runs if lead is not None for v in lead if isinstance(v, str)}
    no_trigger = _ROW_TRIGGER.search("\x00".join(texts)) is None
    kinds: dict[int, str] = {}
    for lead, run in runs:
        if lead is not None and None not in lead and "" not in lead and (
                no_trigger or _plain(lead)):
            continue
        for r in run:
            kind = classify_text_row(grid, r)
            if kind is not None:
                kinds[r] = kind
    return kinds


def _plain(triple: tuple[Any, Any, Any]) -> bool:
    """Three filled leading cells without a word that could make a 合计/其中/说明 row."""
    if None in triple or "" in triple:
        return False
    strings = [value for value in triple if isinstance(value, str)]
    return not strings or not _ROW_TRIGGER.search("\x00".join(strings))


_REPORTED_NON_DATA = {"total", "sub-item", "instruction"}
_REPEATED_KINDS = {"header": "表头行（表格中间重复的表头）", "title": "标题行（重复表头上方）"}


def non_data_findings(grid: Grid, file: str, accounts: dict[int, str],
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


def not_indicator_findings(file: str, sheet: str, projects) -> list[Finding]:
    """One info per project for its rows of an indicator grid that are no indicator (三级指标
    blank or 不适用): counted apart, never a rule's subject."""
    findings = []
    for project in projects:
        rows = sorted(r + 1 for r, kind in project.others.items() if kind == "not-indicator")
        if rows:
            shown = "、".join(map(str, rows[:12])) + ("…" if len(rows) > 12 else "")
            findings.append(Finding("R-NOT-INDICATOR-ROWS", file=file, sheet=sheet,
                                    project=project.name or None,
                                    params={"count": len(rows), "rows": shown}))
    return findings


def fill_levels(r: int, values: list[Any], carry: dict[str, Any],
                columns: tuple[int | None, int | None]) -> dict[str, Cell] | None:
    """Vertically merged or blank 一级/二级 cells repeat the last one given (within a
    project); a new 一级 starts a new run of 二级.  ``carry`` holds, per level, the row it was
    last given in (0-based ``r`` and the row's values; made a Cell the first time it is
    repeated); ``columns`` are the 0-based columns of 一级 and 二级 (None where the table has
    none).  Returns the cells line ``r`` repeats, or None."""
    width = len(values)
    carried = None
    for level, c in zip(LEVELS, columns):
        value = values[c] if c is not None and c < width else None
        if not is_blank(value):
            carry[level] = (r, values)
            if level == "level1":
                carry.pop("level2", None)
        elif level in carry:
            source = carry[level]
            if not isinstance(source, Cell):
                given, given_values = source
                raw = given_values[c] if c < len(given_values) else None  # type: ignore[operator]
                source = carry[level] = Cell(None if raw == "" else raw, given + 1,
                                             c + 1)  # type: ignore[operator]
            if carried is None:
                carried = {}
            carried[level] = source
    return carried
