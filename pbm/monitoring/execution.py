"""执行率 of a department or of the whole run, defined once: every output (terminal, JSON,
monitor-<period>.xlsx, 反馈书, 通报) takes it from :class:`ExecutionTotals`.

Definition (DOMAIN.md §3.1: a project's 执行率 = 1–N月执行数 ÷ 预算数; the budget systems in
use total a group as Σ执行数 ÷ Σ预算数)::

    执行率 = Σ执行数 ÷ Σ预算数, over the projects that state their 执行数

A project whose 执行数 is blank or unreadable (未填报执行数) is left out of both sums, not
counted as 0: its spending is unknown, not nil, and a 1,500 万元 project without a figure
would otherwise pull the department to 14.80 % when the projects that did report spent
66.42 % of their budgets.  It is never hidden either: the count and the budget of such
projects stand beside the rate in every output (and its execution light is still lit as for
0, see :func:`pbm.monitoring.lights.execution_light`: a department that does not report its
spending must not show green).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pbm.monitoring.lights import execution_rate

#: How a project without an executed amount is shown wherever its amount or rate would stand.
NOT_REPORTED = "未填报执行数"

ZERO = Decimal(0)


def execution_rate_definition(month: int | None = None) -> str:
    """The definition in words, for the 说明 sheet and the 通报 (``month``: 1-N月)."""
    executed = f"1-{month}月执行数" if month else "1-N月执行数"
    return (f"执行率 = {executed} ÷ 预算数（有全年预算数的用全年预算数，否则用年初预算数）；"
            f"部门和合计的执行率 = Σ执行数 ÷ Σ预算数，只计填报了执行数的项目，"
            f"未填报执行数的项目不计入分子和分母（不按 0 计），其个数和预算数单独列明")


@dataclass(kw_only=True)
class ExecutionTotals:
    """Σ预算数, Σ执行数 and the 执行率 of a group of projects (a department, the run).

    ``budget`` is the budget of every project; ``budget_reported`` that of the projects that
    state an executed amount — the denominator of the rate.
    """

    projects: int = 0
    budget: Decimal = ZERO
    executed: Decimal = ZERO
    budget_reported: Decimal = ZERO
    without_executed: int = 0            # projects shown as 未填报执行数
    budget_without_executed: Decimal = ZERO

    def add(self, budget: Decimal | None, executed: Decimal | None) -> None:
        """Count one project (``budget`` None: no budget stated; ``executed`` None: 未填报)."""
        budget = budget if budget is not None else ZERO
        self.projects += 1
        self.budget += budget
        if executed is None:
            self.without_executed += 1
            self.budget_without_executed += budget
        else:
            self.executed += executed
            self.budget_reported += budget

    @property
    def execution_rate(self) -> Decimal | None:
        """Σ执行数 ÷ Σ预算数 over the projects that state an executed amount, as a fraction
        with 4 decimals (half-up, as a project's rate); None when none of them has a budget."""
        if self.budget_reported <= 0:
            return None
        return execution_rate(self.executed, self.budget_reported)

    def to_dict(self) -> dict[str, Any]:
        rate = self.execution_rate
        return {"projects": self.projects, "budget": float(self.budget),
                "executed": float(self.executed),
                "execution_rate": None if rate is None else float(rate),
                "projects_without_executed": self.without_executed,
                "budget_without_executed": float(self.budget_without_executed)}


def execution_totals(pairs: Iterable[tuple[Decimal | None, Decimal | None]]) -> ExecutionTotals:
    """The totals of (预算数, 执行数) pairs, one per project."""
    totals = ExecutionTotals()
    for budget, executed in pairs:
        totals.add(budget, executed)
    return totals
