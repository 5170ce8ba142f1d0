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

from pbm.values import plain_decimal, sums_differ
from pbm.workbook.department import part_sums
from pbm.workbook.table import MoneyRegion

_ROLES_ZH = {"initial_budget": ("年初预算数", "initial budget"),
             "budget": ("全年预算数", "full-year budget"),
             "executed": ("全年执行数", "amount executed")}


def department_funds(project: Any, region: MoneyRegion, unit: str,
                     values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    """The 年度资金总额 row's amounts by role (``values``) with each role it leaves blank taken
    from the money block's parts, as pbm monitor takes them; a total that is not the sum of
    its parts is S-DEPT-FUNDS (``project`` collects the findings)."""
    sums = part_sums(region, unit, project.checked)
    for role, total in sorted(sums.items()):
        given = values.get(role)
        if given is None or role not in _ROLES_ZH:
            continue
        if sums_differ(given, total):
            zh, en = _ROLES_ZH[role]
            project.finding("S-DEPT-FUNDS", region.cells[role].a1, plain_decimal(given),
                            role_zh=zh, role_en=en, total=plain_decimal(given),
                            parts=plain_decimal(total))
    return {**values, **{role: total for role, total in sums.items()
                         if role in _ROLES_ZH and values.get(role) is None}}
