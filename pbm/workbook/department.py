"""部门整体绩效: which tables are about a department's whole budget rather than one project.

A 部门（单位）整体支出绩效目标申报表 / 绩效监控表 / 绩效自评表 is read by the same reader as a
project's: the same :class:`~pbm.workbook.table.IndicatorTable` of lines, the same key–value
fields.  What differs is its **subject** (the "project" of the table is the department, keyed
by 部门编码 / 部门名称), told — never by the file's name — by

* its title or the sheet's title row: ``部门整体``, ``部门（单位）整体``, ``单位整体``,
  ``整体支出绩效`` (the titles of the 中央部门整体支出绩效目标申报表 attached to
  财政部《中央部门预算绩效目标管理办法》(财预〔2015〕88号) and of the provinces' 部门整体支出
  绩效目标表 / 自评表, e.g. the 2023年度整体绩效目标表 a Yueyang district unit published);
* else its labels: a 部门职责 field (部门（单位）职责) — no project form has one;
* else, in a list export, a 类型 cell (绩效目标类型, 目标类型) reading 部门整体 / 整体支出.

The stage (目标申报 / 监控 / 自评) is still told by :func:`pbm.workbook.layout.document_kind`,
so validate, monitor and score each read the department tables of their stage.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from pbm.values import ParsedValue, parse_money
from pbm.workbook.table import Cell, MoneyRegion

PROJECT_SUBJECT = "project"
DEPARTMENT = "department"
SUBJECTS_ZH = {PROJECT_SUBJECT: "项目支出", DEPARTMENT: "部门整体"}
#: How letters, the terminal and the 公开表 name a 部门整体 table (its "project" is the
#: department): after the name.
DEPARTMENT_MARK = "（部门整体）"


def shown_name(name: str, subject: str) -> str:
    """A table's name as pbm shows it to people: a department's whole budget marked."""
    return name + DEPARTMENT_MARK if subject == DEPARTMENT else name

_WHOLE_TITLE = re.compile(r"部门\s*[(（]?\s*单位\s*[)）]?\s*整体|单位整体|部门整体|整体支出|整体绩效")
_WHOLE_TYPE = re.compile(r"^(部门|单位)?整体")


def subject_of(title: str, fields: dict[str, Cell]) -> str:
    """PROJECT_SUBJECT or DEPARTMENT for a table whose form or sheet title is ``title`` and
    whose key–value fields (or list columns) are ``fields``."""
    if is_whole_title(title):
        return DEPARTMENT
    if "duties" in fields and "project_name" not in fields:
        return DEPARTMENT
    scope = fields.get("scope")
    if scope is not None and _WHOLE_TYPE.match(scope.text):
        return DEPARTMENT
    return PROJECT_SUBJECT


def is_whole_title(text: str) -> bool:
    """A title that names a department's whole budget (部门整体支出绩效自评表)."""
    return bool(text) and _WHOLE_TITLE.search(text) is not None


#: The parts of a department's 年度预算, as the money block's rows under 年度资金总额 name them.
FUND_PARTS = ("basic_expenditure", "project_expenditure")


def part_sums(region: MoneyRegion, unit: str,
              check: Callable[[ParsedValue, str], Decimal | None] | None = None
              ) -> dict[str, Decimal]:
    """Per role of a money block (年初预算数, 全年预算数, 全年执行数, 全年预计执行数), the sum of
    its 基本支出 and 项目支出 rows where both fill it (in ``unit``); nothing when one of the
    two rows was not found — one part is not the department's budget, and no total is judged
    against it.  ``check`` turns each parsed cell into its number (and says what it noted),
    else its number."""
    if any(name not in region.parts for name in FUND_PARTS):
        return {}
    rows = [region.parts[name] for name in FUND_PARTS]
    roles = {role for cells in rows for role in cells}
    sums: dict[str, Decimal] = {}
    for role in sorted(roles):
        numbers = []
        for cells in rows:
            cell = cells.get(role)
            if cell is None:
                break
            parsed = parse_money(cell.value, to_unit=unit, header_unit=region.unit)
            number = check(parsed, cell.a1) if check is not None else parsed.number
            if number is None:
                break
            numbers.append(number)
        else:
            sums[role] = sum(numbers, Decimal(0))
    return sums


def is_department(record) -> bool:
    """A ProjectRead (or anything with ``subject``) about a department's whole budget."""
    return getattr(record, "subject", PROJECT_SUBJECT) == DEPARTMENT


def with_subject_column(headers: list[str], rows: list[list], subjects: list[str],
                        column: str) -> list[str]:
    """The headers of a 项目 sheet with 目标类型 last — each row given its 项目支出 / 部门整体 —
    when any row is a 部门整体 table; else the headers and rows as they are (a run of project
    tables writes the workbook it always wrote)."""
    if DEPARTMENT not in subjects:
        return headers
    for row, subject in zip(rows, subjects):
        row.append(SUBJECTS_ZH.get(subject, SUBJECTS_ZH[PROJECT_SUBJECT]))
    return [*headers, column]
