"""Workbooks built by code in the layouts and with the kinds of values of real files that
departments send (never the files themselves: they are others' documents).

* ``write_city_goal_forms``: a city budget system's export of 二级项目支出绩效目标申报表, one
  project per sheet — key–value labels ending in ``：`` (项目编码, 申请单位, 一级预算单位 …),
  amounts labelled 万元 but holding 元, a grid 一级指标 | 二级指标 | 三级指标 | 目标值 | 指标解释 with
  short level names and the template's own categories, every category row kept and unused ones
  saying 不适用 (with a trailing line break or tab, once 不适应), no weights, a 备注 row.
* ``write_published_goal_table``: the 绩效目标表 county and city governments publish with their
  budgets — title, 填报单位 / 单位：万元, 项目名称, 主管部门 | 实施单位 (names with their codes,
  ``813-潼南区五桂镇``), 项目资金 年度资金总额 | 其中：财政拨款 | 其他资金, 年度绩效目标, and a grid
  一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重(分值) | 备注 whose level cells
  are merged down, left blank, or written with their points (``成本指标(0-20)分``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import xlsxwriter

#: The grid of the city template: every category it offers, in its order.
CITY_CATEGORIES = [("产出", "数量"), ("产出", "质量"), ("产出", "时效"), ("产出", "成本"),
                   ("效益", "经济效益"), ("效益", "社会效益"), ("效益", "生态效益"),
                   ("效益", "可持续影响"), ("满意度", "服务对象满意度"), ("满意度", "其他满意度")]


@dataclass
class CityProject:
    name: str
    code: str = "440306231391500000172"
    unit: str = "深圳市宝安区松岗街道办事处（本级）"
    total_yuan: float = 412752.0  # the three years, in 元 under a 万元 label
    year_yuan: float = 137584.0
    annual_goal: str = "通过日常为工作人员提供伙食保障，使得工作人员能安心工作"
    #: (二级 category) → (三级指标, 目标值, 指标解释); the other categories say 不适用
    lines: dict[str, tuple[str, str, str]] = field(default_factory=lambda: {
        "数量": ("社区饭堂数量\n", "1处\n", "社区饭堂数量有1处\n"),
        "质量": ("厨师厨工的服务效果\n", "≥95分\n", "考核服务质量\n"),
        "时效": ("保障工作人员用餐的及时性\n", "3个小时内\n", "考核出餐用时\n"),
        "成本": ("厨师厨工成本\n", "成本不超过13.7584万元\n", "一年成本不超过13.7584万元\n"),
        "社会效益": ("对用餐环境的改善\n", "明显\n", "考核用餐环境是否达标\n"),
        "服务对象满意度": ("社区工作人员对环境满意度", "95%", "根据意见作出调整"),
    })
    not_applicable: str = "不适用\n"
    basis: str | None = None  # 测算依据; by default it states the year's amount in 万元


def write_city_goal_forms(path: Path, projects: list[CityProject]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    for index, project in enumerate(projects, start=1):
        sheet = workbook.add_worksheet(f"{index}.{project.name}"[:31])
        sheet.write_string(0, 0, "二级项目支出绩效目标申报表")
        pairs = [("项目编码：", project.code, "项目名称：", project.name),
                 ("申请单位：", project.unit, "一级预算单位：", project.unit),
                 ("实施期限：", "3", "项目类型：", "15 其他经费"),
                 ("是否新增项目：", "否", "分配方式：", "因素法和项目法"),
                 ("项目总金额（中期规划，万元）：", project.total_yuan, "本年度项目金额（万元）：",
                  project.year_yuan)]
        for r, (label1, value1, label2, value2) in enumerate(pairs, start=1):
            sheet.write_string(r, 0, label1)
            sheet.write(r, 1, value1)
            sheet.write_string(r, 3, label2)
            sheet.write(r, 4, value2)
        for r, (label, value) in enumerate([
                ("政策依据：", "一、项目背景：社区工作站是政府在社区的服务平台"),
                ("测算依据：", project.basis if project.basis is not None
                 else f"食堂经费共{project.year_yuan / 10000:g}万元"),
                ("年度目标：", project.annual_goal),
                ("长期目标（跨度多年的项目需填）：", "营造良好的工作条件")], start=6):
            sheet.write_string(r, 0, label)
            sheet.write_string(r, 1, value)
        for c, text in enumerate(["一级指标", "二级指标", "三级指标", "目标值", "指标解释"]):
            sheet.write_string(10, c, text)
        row = 11
        for level1, level2 in CITY_CATEGORIES:
            sheet.write_string(row, 0, level1)
            sheet.write_string(row, 1, level2)
            filled = project.lines.get(level2)
            values = filled or (project.not_applicable,) * 3
            for c, value in enumerate(values, start=2):
                sheet.write_string(row, c, value)
            row += 1
        sheet.write_string(row, 0, "备注：作为导入模板，置灰信息无需录入")
    workbook.close()
    return path


@dataclass
class PublishedGoalTable:
    name: str = "在职村村干部补助"
    department: str = "813-潼南区五桂镇"
    unit: str = "813-潼南区五桂镇"
    total: float | None = 9.31
    annual_goal: str = "按月及时足额发放在职村社干部的工资。"
    #: (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 权重); a blank level continues the one above
    #: when ``merged`` (the cells merged down), else it is left blank as published
    lines: list[tuple] = field(default_factory=lambda: [
        ("产出指标", "数量指标", "领取补助人数", "≥", "100", "人", 20),
        ("", "质量指标", "补助发放准确率", "=", "100", "%", 20),
        ("", "时效指标", "按月发放", "=", "1", "次", 20),
        ("效益指标", "社会效益指标", "村级组织运转保障", "定性", "有效保障", "", 20),
        ("满意度指标", "服务对象满意度指标", "村干部满意度", "≥", "95", "%", 10),
    ])
    merged: bool = True


def write_published_goal_table(path: Path, table: PublishedGoalTable) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("绩效目标表")
    merge = workbook.add_format({"valign": "vcenter"})
    sheet.merge_range(0, 0, 0, 7, "表十二 2023年一般性项目绩效目标表(一级项目)")
    sheet.merge_range(1, 0, 1, 5, f"填报单位：{table.department}")
    sheet.merge_range(1, 6, 1, 7, "单位：万元")
    sheet.write_string(2, 0, "项目名称")
    sheet.merge_range(2, 1, 2, 7, table.name)
    sheet.write_string(3, 0, "主管部门")
    sheet.merge_range(3, 1, 3, 2, table.department)
    sheet.write_string(3, 3, "实施单位")
    sheet.merge_range(3, 4, 3, 7, table.unit)
    sheet.write_string(4, 0, "项目资金")
    sheet.write_string(4, 1, "年度资金总额")
    if table.total is not None:
        sheet.write_number(4, 2, table.total)
    sheet.write_string(4, 3, "其中：财政拨款")
    sheet.write_string(4, 5, "其他资金")
    sheet.write_string(5, 0, "年度绩效目标")
    sheet.merge_range(5, 1, 5, 7, table.annual_goal)
    for c, text in enumerate(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位",
                              "权重(分值)", "备注"]):
        sheet.write_string(6, c, text)
    first = 7
    for level in (0, 1):
        if not table.merged:
            break
        # one merged cell from a written level down to the row before the next one
        starts = [k for k, line in enumerate(table.lines) if line[level]] + [len(table.lines)]
        for begin, end in pairwise(starts):
            if end - begin > 1:
                sheet.merge_range(first + begin, level, first + end - 1, level,
                                  table.lines[begin][level], merge)
    for k, (level1, level2, name, nature, target, unit, weight) in enumerate(table.lines):
        r = first + k
        for c, value in ((0, level1), (1, level2), (2, name), (3, nature), (4, target),
                         (5, unit)):
            if value and not (table.merged and c < 2 and _in_merge(table.lines, k, c)):
                sheet.write_string(r, c, value)
        if weight is not None:
            sheet.write_number(r, 6, weight)
    workbook.close()
    return path


def _in_merge(lines: list[tuple], k: int, level: int) -> bool:
    """The level cell of line ``k`` starts a merged range written already."""
    return bool(lines[k][level]) and k + 1 < len(lines) and not lines[k + 1][level]


#: The sheets of a project's export from a project database, in its order: (name, kind).
EXPORT_SHEETS = [("项目基本信息", None), ("立项依据", None), ("实施方案", None),
                 ("支出计划", None), ("支出明细", None), ("绩效目标申报表", "goal"),
                 ("绩效目标执行监控", "monitor"), ("绩效自评表", "selfeval"),
                 ("评审报告", None), ("附件清单", None), ("审核意见", None)]


def write_project_export(path: Path, goal, monitor=None, selfeval=None,
                         kinds: tuple[str, ...] = ("goal", "monitor", "selfeval")) -> Path:
    """One project as a project database exports it: an 11-sheet workbook whose every sheet
    names the project — 项目基本信息 (key–value), 立项依据/实施方案/评审报告 (text), 支出计划 and
    支出明细 (small tables of amounts), and the 绩效目标申报表, 绩效目标执行监控 and 绩效自评表 forms
    (pbm's own form writers; ``goal`` a ProjectSpec, ``monitor`` a MonitorProjectSpec,
    ``selfeval`` a SelfEvalSpec). ``kinds`` leaves out the forms not named."""
    from pbm.monitoring.forms import MonitorFormWriter
    from pbm.scoring.forms import SelfEvalFormWriter
    from pbm.workbook.forms import GoalFormWriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    for name, kind in EXPORT_SHEETS:
        if kind is not None and kind not in kinds:
            continue
        sheet = workbook.add_worksheet(name)
        if kind == "goal":
            GoalFormWriter(workbook).write(sheet, goal)
        elif kind == "monitor" and monitor is not None:
            MonitorFormWriter(workbook).write(sheet, monitor)
        elif kind == "selfeval" and selfeval is not None:
            SelfEvalFormWriter(workbook).write(sheet, selfeval)
        elif name == "项目基本信息":
            for r, (label, value) in enumerate([
                    ("项目名称", goal.name), ("项目编码", goal.code),
                    ("主管部门", goal.department), ("项目实施单位", goal.unit),
                    ("项目类型", "其他运转类"), ("项目期限", "2026-2028"),
                    ("资金总额(万元)", goal.total), ("项目负责人", "王丽")]):
                sheet.write_string(r, 0, label)
                sheet.write(r, 1, value)
        elif name in ("支出计划", "支出明细"):
            sheet.write_string(0, 0, f"{goal.name}{name}")
            for c, text in enumerate(["序号", "支出事项", "金额(万元)", "测算依据"]):
                sheet.write_string(1, c, text)
            for r, (item, amount) in enumerate([("设备购置", goal.total * 0.6),
                                                ("劳务费", goal.total * 0.4)], start=2):
                sheet.write_number(r, 0, r - 1)
                sheet.write_string(r, 1, item)
                sheet.write_number(r, 2, amount)
                sheet.write_string(r, 3, "按合同价")
        else:
            sheet.write_string(0, 0, name)
            sheet.write_string(1, 0, "项目名称")
            sheet.write_string(1, 1, goal.name)
            sheet.write_string(2, 0, f"{goal.name}的{name}，依据相关文件编制。")
    workbook.close()
    return path
