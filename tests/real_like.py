"""Workbooks built by code in the layouts and with the kinds of values of real files that
departments send (never the files themselves: they are others' documents).

* ``write_city_goal_forms``: a city budget system's export of 二级项目支出绩效目标申报表, one
  project per sheet — key–value labels ending in ``：`` (项目编码, 申请单位, 一级预算单位 …),
  amounts labelled 万元 but holding 元, a grid 一级指标 | 二级指标 | 三级指标 | 目标值 | 指标解释 with
  short level names and the template's own categories, every category row kept and unused ones
  saying 不适用 (with a trailing line break or tab, once 不适应), no weights, a 备注 row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
                ("测算依据：", f"食堂经费共{project.year_yuan / 10000:g}万元"),
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
