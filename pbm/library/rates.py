"""指标量化率 (the share of indicators that are quantified — not 定性) and 核心指标覆盖率 (the share
of projects, and of their money, that use at least one core indicator), per department and
overall — one computation for ``pbm indicators`` and ``pbm validate``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: The scope of the overall row.
TOTAL = "合计"
_ZERO = Decimal(0)


@dataclass
class ProjectIndicators:
    """What the rates need of one project: its department, its money (万元), the normalised
    names of its indicators and whether each is quantified.  ``covered``: counted in the
    核心指标覆盖率 — not a 部门整体 table, whose 资金总额 holds the 项目支出 of the department's
    projects (counted again) and which no project core indicator is written for; its
    indicators still count in the 指标量化率."""

    department: str
    amount: Decimal | None
    keys: list[str] = field(default_factory=list)
    quantified: list[bool] = field(default_factory=list)
    covered: bool = True


@dataclass
class Rates:
    scope: str  # a department, or 合计
    projects: int = 0
    indicators: int = 0
    quantified: int = 0
    core_projects: int = 0
    budget: Decimal = _ZERO
    core_budget: Decimal = _ZERO
    core_known: bool = True  # False: no core library (nor history) — coverage not judged

    @property
    def quantified_rate(self) -> Decimal | None:
        return Decimal(self.quantified) / self.indicators if self.indicators else None

    @property
    def core_project_rate(self) -> Decimal | None:
        if not self.core_known or not self.projects:
            return None
        return Decimal(self.core_projects) / self.projects

    @property
    def core_budget_rate(self) -> Decimal | None:
        if not self.core_known or not self.budget:
            return None
        return self.core_budget / self.budget

    def add(self, project: ProjectIndicators, core: bool) -> None:
        self.indicators += len(project.quantified)
        self.quantified += sum(project.quantified)
        if not project.covered:
            return
        self.projects += 1
        amount = project.amount if project.amount is not None and project.amount > 0 else _ZERO
        self.budget += amount
        if core:
            self.core_projects += 1
            self.core_budget += amount

    def to_dict(self) -> dict[str, Any]:
        def share(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 6))
        return {"scope": self.scope, "projects": self.projects, "indicators": self.indicators,
                "quantified": self.quantified, "quantified_rate": share(self.quantified_rate),
                "core_projects": self.core_projects,
                "core_project_rate": share(self.core_project_rate),
                "budget": float(self.budget), "core_budget": float(self.core_budget),
                "core_budget_rate": share(self.core_budget_rate)}


def compute_rates(projects: Iterable[ProjectIndicators], is_core: Callable[[str], bool]
                  ) -> list[Rates]:
    """One :class:`Rates` per department (by name), then the 合计 row."""
    by_department: dict[str, Rates] = {}
    total = Rates(TOTAL)
    for project in projects:
        core = any(is_core(key) for key in project.keys)
        department = project.department or "（未填主管部门）"
        rates = by_department.get(department)
        if rates is None:
            rates = by_department[department] = Rates(department)
        rates.add(project, core)
        total.add(project, core)
    return [*(by_department[name] for name in sorted(by_department)), total]
