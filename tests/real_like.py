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
* ``write_levelless_goal_table``: a published 绩效目标表 whose grid has no level columns at all:
  指标 | 指标权重 | 计量单位 | 指标性质 | 指标值, the operator in 指标性质, a 定性 line left blank.
* ``write_vocational_goal_form``: a ministry's template for a multi-year project (职业教育专业
  教学资源库) — 总体目标 / 实施期目标 | 年度目标 (第一个年度 | 第二个年度) above a grid whose
  指标值 is merged over a second header row 总体 | 第一年度 | 第二年度, level cells merged down,
  and the template's instructions written to the right of the table in column J.
* ``write_national_monitor_export``: the central project database's 11-sheet project export
  whose 绩效目标执行监控 sheet is the national monitoring form (see :class:`NationalMonitorForm`).
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


# --------------------------------------------------------------------------- national monitoring

#: The cause sub-columns of 偏差原因分析 and the choices of 完成目标可能性 on the national form.
NATIONAL_CAUSES = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
NATIONAL_CHOICES = ["确定能", "有可能", "完全不可能"]


@dataclass
class NationalLine:
    level1: str
    level2: str
    name: str
    target: str
    actual: object
    expected: object = None
    choice: str | None = "确定能"  # the 完成目标可能性 column marked, None: none marked
    mark: str = "✔"
    causes: tuple[str, ...] = ()  # 偏差原因分析 columns marked
    reason: str = ""  # 原因说明


@dataclass
class NationalMonitorForm:
    """The 项目支出绩效目标执行监控表 of 财预〔2019〕136号 as the central project database exports
    it: title, ``( 2019年度)``, 项目名称, 主管部门及代码 ``[105]教育部`` | 实施单位, the money block
    with its labels in a column (年度资金总额： / 其中：财政拨款 / 上年结转资金 / 其他资金) and its
    values under 年初预算数 | 1-7月执行数 | 1-7月执行率 | 全年预计执行数, 年度总体目标, and a two-row
    indicator header whose 偏差原因分析 and 完成目标可能性 have sub-columns (the choice marked ✔)."""

    name: str = "高校基本科研业务费"
    department: str = "[105]教育部"
    unit: str = "某某大学"
    year: int = 2019
    month: int = 7
    #: 年初预算数, 1-7月执行数, 全年预计执行数 of 年度资金总额 / 财政拨款 / 上年结转 / 其他 (万元)
    money: dict[str, tuple[float | None, float | None, float | None]] = field(
        default_factory=lambda: {"年度资金总额：": (1200.0, 660.0, 1200.0),
                                 "其中：财政拨款": (1000.0, 560.0, 1000.0),
                                 "上年结转资金": (200.0, 100.0, 200.0),
                                 "其他资金": (None, None, None)})
    goal_set: str = "支持青年教师开展基础研究，资助科研项目不少于 120 项。"
    goal_done: str = "已立项资助 96 项，年底前完成全部立项。"
    lines: list[NationalLine] = field(default_factory=lambda: [
        NationalLine("产出指标", "数量指标", "资助科研项目数", "≥120项", "96项", "120项"),
        NationalLine("产出指标", "质量指标", "项目结题验收通过率", "≥90%", "92%", "95%"),
        NationalLine("产出指标", "时效指标", "年度立项完成时间", "9月底前", "按计划推进", "9月底"),
        NationalLine("效益指标", "社会效益指标", "发表高水平论文数", "≥60篇", "20篇", "45篇",
                     choice="有可能", mark="√", causes=("人员保障",),
                     reason="部分项目负责人出国访学，进度滞后"),
        NationalLine("满意度指标", "服务对象满意度指标", "青年教师满意度", "≥90%", "93%", "93%"),
    ])
    #: where the year is written: "form" as ``( 2019年度)``, or "" (not written)
    year_written: bool = True


def write_national_monitor_form(workbook, sheet, form: NationalMonitorForm) -> None:
    """Write ``form`` into ``sheet`` of an open xlsxwriter workbook (columns A–Q)."""
    merge = workbook.add_format({"valign": "vcenter", "text_wrap": True, "border": 1})
    last = 16
    sheet.merge_range(0, 0, 0, last, "项目支出绩效目标执行监控表", merge)
    if form.year_written:
        sheet.merge_range(1, 0, 1, last, f"( {form.year}年度)", merge)
    sheet.write_string(2, 0, "项目名称")
    sheet.merge_range(2, 1, 2, last, form.name, merge)
    sheet.write_string(3, 0, "主管部门及代码")
    sheet.merge_range(3, 1, 3, 7, form.department, merge)
    sheet.merge_range(3, 8, 3, 9, "实施单位", merge)
    sheet.merge_range(3, 10, 3, last, form.unit, merge)
    month = form.month
    money_rows = len(form.money)
    sheet.merge_range(4, 0, 4 + money_rows, 0, "项目资金（万元）", merge)
    for c, text in ((3, "年初预算数"), (5, f"1-{month}月执行数"), (7, f"1-{month}月执行率"),
                    (9, "全年预计执行数")):
        sheet.merge_range(4, c, 4, c + 1, text, merge)
    for r, (label, (budget, executed, expected)) in enumerate(form.money.items(), start=5):
        sheet.merge_range(r, 1, r, 2, label, merge)
        for c, value in ((3, budget), (5, executed), (9, expected)):
            if value is None:
                sheet.merge_range(r, c, r, c + 1, "", merge)
            else:
                sheet.merge_range(r, c, r, c + 1, value, merge)
        rate = f"{executed / budget:.2%}" if budget and executed is not None else ""
        sheet.merge_range(r, 7, r, 8, rate, merge)
    r = 5 + money_rows
    sheet.merge_range(r, 0, r + 1, 0, "年度总体目标", merge)
    sheet.merge_range(r, 1, r, 8, "年初设定目标", merge)
    sheet.merge_range(r, 9, r, last, f"1-{month}月执行情况", merge)
    sheet.merge_range(r + 1, 1, r + 1, 8, form.goal_set, merge)
    sheet.merge_range(r + 1, 9, r + 1, last, form.goal_done, merge)
    header = r + 2
    count = len(form.lines)
    sheet.merge_range(header, 0, header + 1 + count, 0, "绩效指标", merge)
    for c, text in ((1, "一级指标"), (2, "二级指标"), (3, "三级指标"), (4, "年度指标值"),
                    (5, f"1-{month}月执行情况"), (6, "全年预计完成情况")):
        sheet.merge_range(header, c, header + 1, c, text, merge)
    sheet.merge_range(header, 7, header, 12, "偏差原因分析", merge)
    sheet.merge_range(header, 13, header, 15, "完成目标可能性", merge)
    sheet.merge_range(header, last, header + 1, last, "备注", merge)
    for c, text in enumerate([*NATIONAL_CAUSES, "原因说明", *NATIONAL_CHOICES], start=7):
        sheet.write_string(header + 1, c, text)
    first = header + 2
    for k, line in enumerate(form.lines):
        r = first + k
        for c, value in ((1, line.level1), (2, line.level2), (3, line.name), (4, line.target),
                         (5, line.actual), (6, line.expected)):
            if value is not None:
                sheet.write(r, c, value)
        for cause in line.causes:
            sheet.write_string(r, 7 + NATIONAL_CAUSES.index(cause), line.mark)
        if line.reason:
            sheet.write_string(r, 12, line.reason)
        if line.choice is not None:
            sheet.write_string(r, 13 + NATIONAL_CHOICES.index(line.choice), line.mark)
    r = first + count
    sheet.merge_range(r, 0, r, last, "说明：请在“完成目标可能性”和“偏差原因分析”对应栏目内打“√”。", merge)
    sheet.write_string(r + 1, 0, "填表人：张华")
    sheet.write_string(r + 1, 8, "联系电话：010-66096114")


def write_national_monitor_export(path: Path, form: NationalMonitorForm,
                                  goal_sheet: bool = True) -> Path:
    """One project of the central project database: an 11-sheet workbook (项目基本信息 …
    绩效目标执行监控 …) whose monitoring sheet is the national form; every sheet names the
    project."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    for name, kind in EXPORT_SHEETS:
        sheet = workbook.add_worksheet(name)
        if kind == "monitor":
            write_national_monitor_form(workbook, sheet, form)
        elif kind == "goal" and goal_sheet:
            sheet.write_string(0, 0, "项目支出绩效目标申报表")
            sheet.write_string(1, 0, "项目名称")
            sheet.write_string(1, 1, form.name)
            sheet.write_string(2, 0, "主管部门及代码")
            sheet.write_string(2, 1, form.department)
            for c, text in enumerate(["一级指标", "二级指标", "三级指标", "指标值"]):
                sheet.write_string(3, c, text)
            for r, line in enumerate(form.lines, start=4):
                for c, value in enumerate((line.level1, line.level2, line.name, line.target)):
                    sheet.write_string(r, c, value)
        elif name == "项目基本信息":
            for r, (label, value) in enumerate([
                    ("项目名称", form.name), ("主管部门", form.department),
                    ("项目实施单位", form.unit), ("项目类型", "其他运转类"),
                    ("资金总额(万元)", next(iter(form.money.values()))[0])]):
                sheet.write_string(r, 0, label)
                sheet.write(r, 1, value)
        else:
            sheet.write_string(0, 0, name)
            sheet.write_string(1, 0, "项目名称")
            sheet.write_string(1, 1, form.name)
            sheet.write_string(2, 0, f"{form.name}的{name}，依据相关文件编制。")
    workbook.close()
    return path


# --------------------------------------------------------------------------- vocational template

#: (一级, 二级, 三级, 总体, 第一年度, 第二年度) of a filled vocational template; a 二级 without
#: 三级 rows keeps one row with a blank 三级指标, as the template has it.
VOCATIONAL_LINES = [
    ("产出指标", "数量指标", "用户数（人）", "≥20000", "≥8000", "≥20000"),
    ("产出指标", "数量指标", "颗粒化资源量（个）", "≥15000", "≥9000", "≥15000"),
    ("产出指标", "质量指标", "活跃资源占比（%）", "≥60", "≥50", "≥60"),
    ("产出指标", "时效指标", "建设任务完成及时率(%)", "100", "100", "100"),
    ("产出指标", "成本指标", "", "", "", ""),
    ("效益指标", "社会效益指标", "社会学习用户数（人）", "≥5000", "≥2000", "≥5000"),
    ("满意度指标", "服务对象满意度指标", "在校生使用满意度（%）", "≥90", "≥85", "≥90"),
]
VOCATIONAL_NOTES = ["说明：1.不要修改表结构。", "2.实施期目标不允许增加行。",
                    "3.一、二级指标固定不可修改。", "4.模板中所有文字不要修改和删除。"]


def write_vocational_goal_form(path: Path, name: str = "职业教育物联网应用技术专业教学资源库",
                               lines: list[tuple] | None = None) -> Path:
    """The vocational template, filled: title rows, 实施期目标 | 年度目标 (两个年度), 绩效指标
    with the two-row header (指标值 over 总体 E:F | 第一年度 G | 第二年度 H), instructions in J7–J10."""
    lines = VOCATIONAL_LINES if lines is None else lines
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("Sheet1")
    merge = workbook.add_format({"valign": "vcenter", "text_wrap": True, "border": 1})
    sheet.merge_range("A1:H1", f"职业教育（{name}）专业教学资源库", merge)
    sheet.merge_range("A2:H2", "项目支出绩效目标申报表", merge)
    sheet.merge_range("A3:H3", "总体目标", merge)
    sheet.merge_range("A4:C5", "实施期目标", merge)
    sheet.merge_range("D4:H4", "年度目标", merge)
    sheet.merge_range("D5:E5", "第一个年度", merge)
    sheet.merge_range("F5:H5", "第二个年度", merge)
    sheet.merge_range("A6:C6", "建成覆盖专业核心课程的共享资源库", merge)
    sheet.merge_range("D6:E6", "完成 60% 课程资源建设", merge)
    sheet.merge_range("F6:H6", "完成全部课程资源并推广应用", merge)
    sheet.merge_range("A7:H7", "绩效指标", merge)
    sheet.merge_range("A8:A9", "一级指标", merge)
    sheet.merge_range("B8:B9", "二级指标", merge)
    sheet.merge_range("C8:D9", "三级指标", merge)
    sheet.merge_range("E8:H8", "指标值", merge)
    sheet.merge_range("E9:F9", "总体", merge)
    sheet.write_string("G9", "第一年度")
    sheet.write_string("H9", "第二年度")
    for r, note in enumerate(VOCATIONAL_NOTES, start=6):
        sheet.write_string(r, 9, note)
    for r, (level1, level2, third, total, first, second) in enumerate(lines, start=9):
        sheet.write_string(r, 0, level1)
        sheet.write_string(r, 1, level2)
        sheet.merge_range(r, 2, r, 3, third, merge)
        sheet.merge_range(r, 4, r, 5, total, merge)
        sheet.write_string(r, 6, first)
        sheet.write_string(r, 7, second)
    workbook.close()
    return path


# --------------------------------------------------------------------------- a grid without levels

#: (指标, 指标权重, 计量单位, 指标性质, 指标值) of a published table without level columns
LEVELLESS_LINES = [("按月发放", 20, "次", "=", "1"), ("本土人才满意度", 10, "%", "≥", "95"),
                   ("发放金额", 20, "万元", "≥", "9.31"), ("领取补助人数", 20, "人", "≥", "100"),
                   ("促进经济发展", 20, "", "定性", "")]


def write_levelless_goal_table(path: Path, lines: list[tuple] | None = None) -> Path:
    """Title, 填报单位 | 单位：万元, 项目名称, 主管部门 | 实施单位, 项目资金, 年度绩效目标, then the
    grid 指标 | 指标权重 | 计量单位 | 指标性质 | 指标值 from row 8."""
    lines = LEVELLESS_LINES if lines is None else lines
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("绩效目标表")
    sheet.merge_range("A1:E1", "表十二 2023年一般性项目绩效目标表(一级项目)")
    sheet.write_string("A2", "填报单位：813-某某镇")
    sheet.write_string("E2", "单位：万元")
    sheet.write_string("A3", "项目名称")
    sheet.merge_range("B3:E3", "在职村干部补助")
    sheet.write_string("A4", "主管部门")
    sheet.write_string("B4", "813-某某镇")
    sheet.write_string("C4", "实施单位")
    sheet.merge_range("D4:E4", "813-某某镇")
    sheet.write_string("A5", "项目资金")
    sheet.write_string("B5", "年度资金总额")
    sheet.write_number("C5", 9.31)
    sheet.write_string("D5", "其中：财政拨款")
    sheet.write_number("E5", 9.31)
    sheet.write_string("A6", "年度绩效目标")
    sheet.merge_range("B6:E6", "按月及时足额发放在职村社干部的工资。")
    for c, text in enumerate(["指标", "指标权重", "计量单位", "指标性质", "指标值"]):
        sheet.write_string(6, c, text)
    for r, line in enumerate(lines, start=7):
        for c, value in enumerate(line):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()
    return path
