"""What goal review asks of a 部门整体 table (部门（单位）整体支出绩效目标申报表): the fields that
fit a department's whole budget and the categories of the department framework.

* Required: 部门名称, 部门职责, 年度总体目标, 资金总额 (the department's 年度预算) — the items of
  the 中央部门整体支出绩效目标申报表 of 财政部《中央部门预算绩效目标管理办法》(财预〔2015〕88号)
  and of the provinces' 部门整体绩效目标表.  Not asked: 项目名称, 项目实施单位, 项目属性 and
  事前绩效评估 (a department's whole budget is neither a new nor a continuing project, and no
  事前评估 is made of it).
* Money: 资金总额 > 0 and 基本支出 + 项目支出 = 资金总额 where the parts are given (G12), the
  same rule as a project's 财政拨款 + 其他资金 + 上年结转.
* Categories: the 一级/二级 of the department framework ``pbm/presets/framework-department.toml``,
  loaded as ``pbm score --framework department`` loads it (运行成本、管理效率、
  履职效能、社会效应、服务对象满意度, and its ``[accepted]`` 投入/过程/产出/效益), besides the
  project framework's 产出/效益/满意度 that many 部门整体目标表 use.
* Coverage (G8): a table in the five dimensions holds the preset's ``coverage`` (履职效能、
  社会效应、服务对象满意度 — the last only with ``goals.require_satisfaction``); a table in the
  project framework's categories is asked for 产出/效益/满意度 as a project is.
"""

from __future__ import annotations

from functools import cache

from pbm.indicators import normalise_level
from pbm.scoring.frameworks import Framework, load_framework

#: (field, label) a 部门整体 goal table must fill.
REQUIRED_FIELDS = (("department", "部门名称"), ("duties", "部门职责"),
                   ("annual_goal", "年度总体目标"), ("total_funds", "资金总额"))


@cache
def _framework() -> Framework:
    """The department framework, read as ``pbm score --framework department`` reads it."""
    return load_framework("department")


@cache
def framework_categories() -> dict[str, frozenset[str]]:
    """一级 → its 二级 of the department framework and its accepted frame (normalised)."""
    framework = _framework()
    categories: dict[str, set[str]] = {}
    for level1 in framework.level1_names():
        categories.setdefault(normalise_level(level1), set()).update(
            normalise_level(level2) for level2 in framework.level2_names(level1))
    for level1, level2s in framework.accepted.items():
        categories.setdefault(normalise_level(level1), set()).update(
            normalise_level(name) for name in level2s)
    return {level1: frozenset(names) for level1, names in categories.items()}


def allowed_categories(project_allowed: dict[str, set[str]]) -> dict[str, set[str]]:
    """The categories a 部门整体 table may use: the department framework's and the project
    framework's (``project_allowed``: pbm.goals.rules.LEVEL1_ALLOWED of the schema)."""
    allowed = {level1: set(names) for level1, names in project_allowed.items()}
    for level1, names in framework_categories().items():
        allowed.setdefault(level1, set()).update(names)
    return allowed


@cache
def five_dimensions() -> frozenset[str]:
    """The 一级 of the department framework proper (运行成本 … 服务对象满意度), normalised."""
    return frozenset(map(normalise_level, _framework().level1_names()))


@cache
def _dimension_names() -> dict[str, str]:
    return {normalise_level(level1): level1 for level1 in _framework().level1_names()}


def dimension_name(level1: str) -> str:
    """A normalised 一级 as the department framework writes it (社会效应指标 → 社会效应); any
    other name as it is."""
    return _dimension_names().get(level1, level1)


def coverage_needed(levels1: set[str], require_satisfaction: bool) -> list[str] | None:
    """The 一级 a 部门整体 table in the five dimensions must hold (normalised), or None when
    its lines are in another frame (the project framework's G8 then applies)."""
    if not levels1 & five_dimensions():
        return None
    needed = [normalise_level(name) for name in _framework().coverage]
    if not require_satisfaction:
        needed = [name for name in needed if "满意度" not in name]
    return needed
