"""The form layout (表单式): the published 申报表 / 监控表 / 自评表 shape.

A title row, key–value cells (``项目名称 | 值 | 主管部门 | 值``, or ``填报单位：交通局`` in one
cell), a money block, then an indicator grid whose 一级/二级 cells are merged vertically, and
key–value rows after it (总分, 自评等级, 填报日期 …).  One project per form block: departments
paste forms one below the other in one sheet, so a block ends where the next one starts (at a
项目名称 with another value, or at the title just above it) and each block is read with the
same rules.  Where a boundary cannot be decided (the same 项目名称 again, a second grid without
one) a warning names the cell.

Two small tables of the 自评表 are regions of the block, not key–value pairs: the money block
(年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 over 年度资金总额 …) and the 总分
row below the grid, whose claimed total sits in the 得分 column.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from pbm.findings import Finding
from pbm.values import MONEY_UNITS
from pbm.values.text import simplified
from pbm.workbook.department import FUND_PARTS
from pbm.workbook.fields import PROJECT, alias_table, match_label, normalise_label
from pbm.workbook.layout import (
    INDICATOR_CONTENT,
    LEVELS,
    ROW_INDICATOR,
    Block,
    Grid,
    Header,
    ProjectRows,
    SheetLayout,
    classify_text_row,
    fill_levels,
    find_header,
    is_indicator_header,
    is_indicator_name,
    non_data_findings,
    not_indicator_findings,
    row_labels,
)
from pbm.workbook.source import nonempty
from pbm.workbook.table import FORM, Cell, MoneyRegion, column_letter, is_blank

_TITLE = re.compile(r"(申报表|目标表|监控表|自评表|评价表|汇总表|明细表|情况表|清单)$")
# The year a form states under (or in) its title: "( 2019年度)", "2026年项目支出绩效运行监控表".
_YEAR_ROW = re.compile(r"^[(（]?\s*((?:19|20)\d\d)\s*年度?\s*[)）]?$")
_TITLE_YEAR = re.compile(r"^((?:19|20)\d\d)\s*年")
_INLINE = re.compile(r"^([^:：]{1,16})[:：]\s*(.*)$")
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]\s*$")

#: Row labels of the money block's 年度资金总额 row (normalised: no spaces, no unit).
MONEY_TOTAL_LABELS = frozenset({"年度资金总额", "资金总额", "项目资金总额", "年度资金合计", "资金合计"})
#: Column labels of the money block (normalised) → role.
MONEY_COLUMNS = {
    "年初预算数": "initial_budget", "年初预算": "initial_budget", "年初预算金额": "initial_budget",
    "全年预算数": "budget", "全年预算": "budget", "调整后预算数": "budget", "调整预算数": "budget",
    "全年执行数": "executed", "执行数": "executed", "实际执行数": "executed",
    "全年实际执行数": "executed", "累计执行数": "executed", "1-n月执行数": "executed",
    "全年预计执行数": "expected_execution", "预计全年执行数": "expected_execution",
    "1-n月执行率": "rate",
    "分值": "weight", "权重": "weight",
    "执行率": "rate", "预算执行率": "rate",
    "得分": "score", "自评得分": "score",
}
_MONEY_ROLES = ("initial_budget", "budget", "executed", "expected_execution")
#: Besides the 自评总分 labels of the project schema, a plain 合计/总计 row below the
#: indicator grid holds the claimed total.
_PLAIN_TOTAL_LABELS = frozenset({"合计", "总计"})

# What form_labels finds per field: the value's cell, the unit its label writes, the label.
Labelled = tuple[Cell, str | None, Cell]


def lay_out_form(grid: Grid, file: str, header: Header | None, rows: list[int],
                 findings: list[Finding]) -> SheetLayout:
    """One project per form block, each block its own table of lines."""
    sheet = grid.sheet.name
    findings = list(findings)
    blocks: list[Block] = []
    kinds: dict[int, str] = {}
    first_header_row = header.rows[-1] + 1 if header else None
    start = 0
    while True:
        project, columns, choices, block_kinds, end = _form_block(grid, file, start, header,
                                                                  rows, findings)
        if blocks:
            label = project.fields.get("project_name")
            findings.append(Finding(
                "R-FORM-SPLIT", file=file, sheet=sheet,
                cell=label.a1 if label is not None else None, project=project.name or None,
                value=project.name, params={"row": project.first_row}))
        blocks.append(Block(FORM, columns, [project], choices))
        project.span = (start, grid.height if end is None else end)
        for r, kind in block_kinds.items():
            if kind in ("field", "not-indicator"):
                project.others[r] = kind
            elif kind != ROW_INDICATOR:
                kinds[r] = kind
        if end is None:
            break
        start = end
        header = find_header(grid, 0, deep=80, start=start)
    findings.extend(non_data_findings(grid, file, kinds))
    findings.extend(not_indicator_findings(file, sheet, [b.projects[0] for b in blocks]))
    return SheetLayout(sheet, FORM, blocks, rows, kinds, findings, header_row=first_header_row)


def _form_block(grid: Grid, file: str, start: int, header: Header | None, rows: list[int],
                findings: list[Finding]):
    """The project of the form block starting at row ``start`` (0-based), its grid's columns
    (field → 0-based column) and choice columns, the kind of its rows, and the row where the
    next block starts (None: the block runs to the end)."""
    kinds: dict[int, str] = {}
    first_header = header.rows[0] if header else grid.height
    own = next(project_name_rows(grid, start, first_header), None)
    own_name = own[1].text if own is not None else ""
    end = None
    if own is not None:
        # A second project's key–value block before the grid: the grid is that project's.
        end = _next_block(grid, own[0] + 1, first_header, own_name, floor=own[0] + 1)
        if end is not None:
            header, first_header = None, end
    lo = bisect_left(rows, start)
    block_first = rows[lo] if lo < len(rows) else start
    title, year = "", None
    for r in rows[lo:]:
        if r >= first_header:
            break
        texts = [grid.text(r, c) for c in range(grid.width) if grid.value(r, c) is not None]
        if len(texts) != 1 or is_label(texts[0]):
            continue
        if not title and (_TITLE.search(texts[0]) or r == block_first):
            title = texts[0]
            kinds[r] = "title"
            stated = _TITLE_YEAR.match(title)
            year = int(stated.group(1)) if stated else None
        elif title and year is None and (stated := _YEAR_ROW.match(texts[0])):
            year = int(stated.group(1))
            kinds[r] = "title"
    labels = form_labels(grid, start, first_header, end)
    project = ProjectRows(fields={}, first_row=block_first + 1, title=title, year=year)
    columns: dict[str, int] = {}
    grid_end = first_header
    if header:
        columns = _grid_columns(header)
        for r in header.rows:
            kinds[r] = "header"
        grid_end = _indicator_lines(grid, header.rows[-1] + 1, columns, kinds, project)
        end = _next_block(grid, grid_end, grid.height, own_name, floor=grid_end)
    stop = grid.height if end is None else end
    # Key–value rows after the grid (审核意见 blocks, 填报日期 …) belong to the project too.
    for name, found in form_labels(grid, grid_end, stop, stop).items():
        labels.setdefault(name, found)
    project.fields = {name: cell for name, (cell, _, _) in labels.items()}
    project.labels = {name: label for name, (_, _, label) in labels.items()}
    project.units = {name: unit for name, (_, unit, _) in labels.items() if unit}
    if header:
        project.units.update(header.units)
    money_note = project.fields.pop("money_unit", None)
    project.labels.pop("money_unit", None)
    if money_note is not None:
        note = money_note.text.replace(" ", "")
        for unit in MONEY_UNITS:
            if note.startswith(unit) or note.endswith(unit):
                project.units["money"] = unit
                break
    after = grid_end if header else (own[0] + 1 if own is not None else stop)
    findings.extend(_unsplit_findings(grid, file, after, stop, own, own_name))
    label_rows = {cell.row - 1 for cell in project.fields.values()}
    for r in rows[lo:]:
        if r >= stop:
            break
        if r in kinds:
            continue
        kind = classify_text_row(grid, r)
        if kind is None:
            kind = "field" if (r in label_rows or _row_has_label(grid, r)) else "outside"
        kinds[r] = kind
    first_line = project.lines[0] if project.lines else None
    project.money = _money_region(grid, block_first, first_line if first_line is not None
                                  else stop, project.units.get("money"))
    if project.money is not None:
        # The money block's cells are the amounts (its labels are column headers, whose
        # values stand below them, not beside).
        for role, cell in project.money.cells.items():
            name = _MONEY_FIELDS.get(role)
            if name is not None:
                project.fields[name] = cell
                project.labels[name] = project.money.labels[role]
    if "score" in columns and project.lines:
        project.total = _total_cell(grid, project.lines[-1] + 1, stop, columns["score"])
    return project, columns, header.choices if header else {}, kinds, end


#: In an indicator grid, the columns a money label heads hold each line's values
#: (``1-7月执行数 | 全年预计执行数`` of the national monitoring form's grid).
_LINE_OF_MONEY = {"executed": "actual", "expected_execution": "expected_actual"}
#: The project field of each role of a form's money block.
_MONEY_FIELDS = {"initial_budget": "initial_budget", "budget": "adjusted_budget",
                 "executed": "executed", "expected_execution": "expected_execution"}


def _grid_columns(header: Header) -> dict[str, int]:
    """Field → 0-based column of a form's indicator grid."""
    columns = {f: c for c, f in header.columns.items()}
    for money, line in _LINE_OF_MONEY.items():
        if money in columns and line not in columns:
            columns[line] = columns.pop(money)
    return columns


def _indicator_lines(grid: Grid, start: int, columns: dict[str, int], kinds: dict[int, str],
                     project: ProjectRows) -> int:
    """The indicator lines of a form's grid, with 一级/二级 filled down (merged or blank
    cells); returns the row where the grid ends."""
    carry: dict[str, Any] = {}
    level_columns = (columns.get(LEVELS[0]), columns.get(LEVELS[1]))
    content = [c for f, c in columns.items() if f in INDICATOR_CONTENT]
    name_col = columns.get("name")
    project_aliases = alias_table(PROJECT)
    r = start
    while r < grid.height:
        if not nonempty(grid.rows[r]):
            r += 1
            continue
        first_texts = [grid.text(r, c) for c in range(min(grid.width, 3)) if grid.value(r, c)]
        if first_texts:
            key, _ = normalise_label(first_texts[0])
            if key in project_aliases and not any(
                    f in ("name", "target") and grid.value(r, c) is not None
                    for f, c in columns.items()):
                break
            # The title of the next form pasted right below the grid.
            if looks_like_title(first_texts[0]) and \
                    sum(1 for v in grid.rows[r] if v is not None and v != "") == 1 and \
                    next(project_name_rows(grid, r + 1, r + 6), None) is not None:
                break
        kind = classify_text_row(grid, r)
        if kind is not None:
            kinds[r] = kind
            r += 1
            continue
        values = grid.row_values(r)
        carried = fill_levels(r, values, carry, level_columns)
        if not any(c < len(values) and not is_blank(values[c]) for c in content):
            kinds[r] = "label-only"
            r += 1
            continue
        if name_col is not None and not is_indicator_name(
                values[name_col] if name_col < len(values) else None):
            kinds[r] = "not-indicator"
            r += 1
            continue
        kinds[r] = ROW_INDICATOR
        if carried is not None:
            project.carried[r] = carried
        project.lines.append(r)
        r += 1
    return r


# --------------------------------------------------------------------------- key–value cells

def form_labels(grid: Grid, start: int, stop: int,
                below_stop: int | None = None) -> dict[str, Labelled]:
    """Key–value pairs: a project label and the value to its right (or below it, above
    ``below_stop`` when given: the end of a project block)."""
    found: dict[str, Labelled] = {}
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
                        found[field_name] = (Cell(inline.group(2).strip(), r + 1, c + 1), unit,
                                             Cell(value, r + 1, c + 1))
                continue
            if field_name in found and not found[field_name][0].empty:
                continue
            found[field_name] = (_value_beside(grid, r, c, below_stop), unit,
                                 Cell(value, r + 1, c + 1))
    goal_actual = _goal_actual(grid, found.get("annual_goal"))
    if goal_actual is not None:
        found.setdefault("goal_actual", goal_actual)
    return found


#: The sub-column of a 年度总体目标 block that holds what was achieved (自评表: 预期目标 |
#: 实际完成情况 over the two texts).
_GOAL_ACTUAL_LABELS = {"实际完成情况", "全年实际完成情况", "实际完成", "完成情况"}


def _goal_actual(grid: Grid, goal: Labelled | None) -> Labelled | None:
    """The 实际完成情况 text of a 年度总体目标 label over two rows whose right-hand side is a
    small table (预期目标 | 实际完成情况 over the texts) — None for any other layout."""
    if goal is None:
        return None
    label = goal[2]
    r, c = label.row - 1, label.col - 1
    end_r, end_c = grid.merge_end.get((r, c), (r, c))
    if end_r <= r:
        return None
    for cc in range(end_c + 1, grid.width):
        value = grid.value(r, cc)
        if isinstance(value, str) and normalise_label(value)[0] in _GOAL_ACTUAL_LABELS:
            return (grid.cell(r + 1, cc), None, Cell(value, r + 1, cc + 1))
    return None


def is_label(value: Any) -> bool:
    return isinstance(value, str) and match_label(value) is not None


def _value_beside(grid: Grid, r: int, c: int, below_stop: int | None = None) -> Cell:
    end_r, end_c = grid.merge_end.get((r, c), (r, c))
    for cc in range(end_c + 1, grid.width):
        value = grid.value(r, cc)
        if value is None:
            continue
        if is_label(value) or (isinstance(value, str) and _INLINE.match(value.strip())
                               and match_label(value.split("：")[0].split(":")[0])):
            break
        if end_r > r and grid.merge_end.get((r, cc), (r, cc))[0] == r and \
                grid.value(r + 1, cc) is not None and not is_label(grid.value(r + 1, cc)):
            # a label over two rows whose right-hand side is a small table of its own:
            # 年度总体目标 | 年初设定目标 (the column's name) over the goal text (its value)
            return grid.cell(r + 1, cc)
        return grid.cell(r, cc)
    # Money blocks often put labels in one row and values in the row below — unless the cell
    # below is the value of a label to its left (年度绩效目标 | its text), or a section label
    # spanning rows of its own (项目资金（万元） over the money block's rows).
    below = grid.value(end_r + 1, c) if below_stop is None or end_r + 1 < below_stop else None
    if below is not None and not is_label(below) and \
            grid.merge_end.get((end_r + 1, c), (end_r + 1, c))[0] == end_r + 1 and \
            not any(is_label(grid.value(end_r + 1, cc)) for cc in range(c)):
        return grid.cell(end_r + 1, c)
    return Cell(None, r + 1, end_c + 2)


def _row_has_label(grid: Grid, r: int) -> bool:
    return any(is_label(grid.value(r, c)) for c in range(grid.width))


# --------------------------------------------------------------------------- block boundaries

def project_name_rows(grid: Grid, start: int, stop: int) -> Iterator[tuple[int, Cell]]:
    """Rows with a 项目名称 label in ``start``–``stop``, each with the label's value."""
    aliases = alias_table(PROJECT)
    for r in range(start, min(stop, grid.height)):
        for value in grid.rows[r]:
            if not isinstance(value, str):
                continue
            key = normalise_label(value)[0]
            inline = _INLINE.match(unicodedata.normalize("NFKC", value).strip()) \
                if key not in aliases else None
            if aliases.get(key) == "project_name" or (
                    inline and aliases.get(normalise_label(inline.group(1))[0]) == "project_name"):
                pair = form_labels(grid, r, r + 1, stop).get("project_name")
                if pair is not None:
                    yield r, pair[0]
                break


def _next_block(grid: Grid, start: int, stop: int, own_name: str, floor: int) -> int | None:
    """Where the next project block starts: at its 项目名称 label (a value other than this
    block's, with more project fields or an indicator grid below), or at the title above it."""
    for r, cell in project_name_rows(grid, start, stop):
        text = cell.text
        if not text or text == own_name:
            continue
        grid_below = _indicator_header_below(grid, r + 1, r + 60) is not None
        if not grid_below and not (own_name and len(form_labels(grid, r, r + 8)) >= 2):
            continue
        return _block_top(grid, r, floor)
    return None


def _indicator_header_below(grid: Grid, start: int, stop: int) -> int | None:
    """The first indicator-grid header row in ``start``–``stop`` that comes before another
    project's 项目名称 (the grid of the block that starts above)."""
    for r in range(start, min(stop, grid.height)):
        labels = row_labels(grid, r)
        if labels and is_indicator_header(labels):
            return r
        if any(f == "project_name" for _, f, _ in labels.values()):
            return None
    return None


def _block_top(grid: Grid, r: int, floor: int) -> int:
    """The first row of the block whose 项目名称 is on row ``r``: its title when one is just
    above (a few rows up, after ``floor``), else the 项目名称 row itself."""
    for above in range(r - 1, max(floor, r - 6) - 1, -1):
        texts = [v for v in grid.rows[above] if v is not None and v != ""]
        if len(texts) == 1 and isinstance(texts[0], str) and not is_label(texts[0]) and \
                looks_like_title(texts[0]):
            return above
    return r


def looks_like_title(text: str) -> bool:
    """``2026年项目支出绩效运行监控表（1-9月）``: a form's title."""
    text = unicodedata.normalize("NFKC", text).strip()
    while True:
        stripped = _TRAILING_NOTE.sub("", text).strip()
        if stripped == text:
            break
        text = stripped
    return bool(_TITLE.search(text))


def _unsplit_findings(grid: Grid, file: str, start: int, stop: int, own, own_name: str):
    """A second 项目名称 (the same name, or none) or a second indicator grid after a block's
    grid that could not be told apart as another project: say so, naming the cell."""
    own_row = own[0] if own is not None else -1
    for r, cell in project_name_rows(grid, start, stop):
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


# --------------------------------------------------------------------------- regions

def _money_region(grid: Grid, start: int, stop: int, unit: str | None) -> MoneyRegion | None:
    """The money block of a 自评表 between rows ``start`` and ``stop`` (0-based; ``stop`` is
    where the grid's lines start, so an indicator line is never mistaken for it): the
    年度资金总额 row found by its label, its header the nearest row above (within four rows)
    naming at least two of 年初预算数/全年预算数/全年执行数/分值/执行率/得分."""
    for r in range(start, min(stop, grid.height)):
        row = grid.rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or normalise_label(value)[0] not in MONEY_TOTAL_LABELS:
                continue
            header = _money_header(grid, start, r, c)
            if header is None:
                continue
            columns, header_unit, stated, labels = header
            region = MoneyRegion({}, {}, header_unit or unit, labels)
            for col, role in columns.items():
                region.columns[role] = f"{column_letter(col + 1)}{r + 1}"
                raw = row[col] if col < len(row) else None
                if not is_blank(raw):
                    region.cells[role] = Cell(raw, r + 1, col + 1)
            if stated is not None and "weight" not in region.cells:
                region.cells["weight"] = stated  # 得分(20分*执行率): the header states it
            _money_parts(grid, region, columns, r, c, stop)
            return region
    return None


def _money_parts(grid: Grid, region: MoneyRegion, columns: dict[int, str], total_row: int,
                 label_col: int, stop: int) -> None:
    """The 基本支出 / 项目支出 rows of a department's money block (the four rows below its
    年度资金总额 row, labelled in the same column): their amounts by role."""
    for r in range(total_row + 1, min(total_row + 5, stop, grid.height)):
        value = grid.value(r, label_col)
        matched = match_label(value) if isinstance(value, str) else None
        part = matched[1] if matched is not None else None
        if part not in FUND_PARTS:  # the schema's labels of 基本支出 / 项目支出
            continue
        row = grid.rows[r]
        region.parts[part] = {role: Cell(row[col], r + 1, col + 1) for col, role in columns.items()
                              if role in _MONEY_ROLES and col < len(row) and not is_blank(row[col])}


#: The execution rule a 得分 header prints: ``得分(20分*执行率)``, ``得分（10分×执行率）``.
_STATED_EXECUTION = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*[*×xX]\s*(?:预算)?执行率")


def _money_header(grid: Grid, start: int, total_row: int, label_col: int):
    """(role of each column, the money unit a header writes, the execution weight a 得分
    header states as a cell, each role's label cell) of the header row above a money block's
    total row."""
    for r in range(total_row - 1, max(start - 1, total_row - 5), -1):
        columns: dict[int, str] = {}
        labels: dict[str, Cell] = {}
        unit = None
        stated = None
        for c, value in enumerate(grid.rows[r]):
            if c <= label_col or not isinstance(value, str):
                continue
            key, label_unit = normalise_label(value)
            role = MONEY_COLUMNS.get(key)
            if role is not None and role not in columns.values():
                columns[c] = role
                labels[role] = Cell(value, r + 1, c + 1)
                if label_unit and role in _MONEY_ROLES:
                    unit = unit or label_unit
                if role == "score":
                    rule = _STATED_EXECUTION.search(simplified(
                        unicodedata.normalize("NFKC", value)))
                    if rule is not None:
                        stated = Cell(rule.group(1), r + 1, c + 1)
        if len(columns) >= 2:
            return columns, unit, stated, labels
    return None


def _total_cell(grid: Grid, start: int, stop: int, score_col: int) -> Cell | None:
    """The claimed 总分 below the grid: the 得分 cell of the first row (from ``start``, within
    the block) whose first filled cell reads 总分/合计/自评总分; its value None when blank."""
    aliases = alias_table(PROJECT)
    for r in range(start, min(stop, grid.height)):
        row = grid.rows[r]
        first = next((v for v in row if not is_blank(v)), None)
        if not isinstance(first, str):
            continue
        label = normalise_label(first)[0]
        if label not in _PLAIN_TOTAL_LABELS and aliases.get(label) != "claimed_total":
            continue
        value = row[score_col] if score_col < len(row) else None
        return Cell(None if is_blank(value) else value, r + 1, score_col + 1)
    return None
