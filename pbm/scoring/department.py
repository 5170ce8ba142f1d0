"""部门整体支出绩效自评表: the execution of the department's whole budget.

A 部门整体 self-evaluation is scored as a project's (the same indicator scoring, recheck and
grades, pbm.scoring.rules); what differs is the money: the 预算执行率 is that of the
department's whole budget, 基本支出 + 项目支出 (the two rows under 年度资金总额 in the
provinces' 部门整体支出绩效自评表, in the 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 |
得分 columns of the project form of 财预〔2020〕10号).

* The 年度资金总额 row decides where it is filled, as on a project's form.
* Where it leaves the budget or the amount executed blank, the sum of the parts stands in.
* Where both are given and differ, S-DEPT-FUNDS says so at the total's cell (the rate is
  rechecked on the total, as the form computes it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pbm.values import parse_money, plain_decimal
from pbm.workbook.table import MoneyRegion

FUND_PARTS = ("basic_expenditure", "project_expenditure")
_ROLES_ZH = {"initial_budget": ("年初预算数", "initial budget"),
             "budget": ("全年预算数", "full-year budget"),
             "executed": ("全年执行数", "amount executed")}
_TOLERANCE = Decimal("0.005")


def part_sums(project: Any, region: MoneyRegion, unit: str) -> dict[str, Decimal]:
    """Per role (年初预算数, 全年预算数, 全年执行数), the sum of the 基本支出 and 项目支出 rows
    where every part row found fills it; ``project`` checks each cell (its notes)."""
    sums: dict[str, Decimal] = {}
    rows = [region.parts[name] for name in FUND_PARTS if name in region.parts]
    if not rows:
        return sums
    for role in _ROLES_ZH:
        numbers = []
        for cells in rows:
            cell = cells.get(role)
            number = None if cell is None else project.checked(
                parse_money(cell.value, to_unit=unit, header_unit=region.unit), cell.a1)
            if number is None:
                break
            numbers.append(number)
        else:
            sums[role] = sum(numbers, Decimal(0))
    return sums


def department_funds(project: Any, result: Any, region: MoneyRegion, unit: str,
                     values: dict[str, Decimal | None]) -> None:
    """The department's budget and amount executed on ``result`` (a SelfEvalInput) from the
    money block's parts where its 年度资金总额 row (``values``, by role) is silent; a total
    that is not the sum of its parts is S-DEPT-FUNDS."""
    sums = part_sums(project, region, unit)
    for role, total in sorted(sums.items()):
        given = values.get(role)
        if given is None:
            continue
        if abs(given - total) > _TOLERANCE:
            zh, en = _ROLES_ZH[role]
            project.finding("S-DEPT-FUNDS", region.cells[role].a1, plain_decimal(given),
                            role_zh=zh, role_en=en, total=plain_decimal(given),
                            parts=plain_decimal(total))
    if values.get("budget") is None and values.get("initial_budget") is None:
        budget = sums.get("budget", sums.get("initial_budget"))
        if budget is not None:
            result.budget = budget
    if values.get("executed") is None and "executed" in sums:
        result.executed = sums["executed"]
        result.executed_cell = region.columns.get("executed") or result.executed_cell
