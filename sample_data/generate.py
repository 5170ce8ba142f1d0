"""Generate the demo workspace sample_data/2026-示例区 (fictional data, fixed seed).

Run `make sample-data` (or `python sample_data/generate.py`) to rebuild it; the workbooks are
committed so they can be reviewed, and this script is how they were made.  Every planted
mistake is listed in PLANTED below.  It also writes q3/ (generate_q3.py), self-eval/
(generate_selfeval.py), the year before — sample_data/2025-示例区 (generate_2025.py) — and
the rectification cycle's replies/ and goals-resubmitted/ (generate_rectify.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import xlsxwriter  # noqa: E402

from pbm.cli.init_cmd import pbm_toml  # noqa: E402
from pbm.workbook.forms import (  # noqa: E402
    GOAL_LIST_COLUMNS,
    GoalFormWriter,
    IndicatorSpec,
    ProjectSpec,
    list_rows,
    write_instructions,
    write_value,
)

WORKSPACE = HERE / "2026-示例区"
YEAR = 2026
CREATED = dt.datetime(2026, 3, 1, 9, 0, 0)

DEPARTMENTS = [
    ("101", "教育局", "张丽"), ("102", "卫生健康委员会", "李强"), ("103", "交通运输局", "王明"),
    ("104", "农业农村局", "赵刚"), ("105", "民政局", "陈静"), ("106", "文化和旅游局", "刘洋"),
    ("107", "住房和城乡建设局", "黄磊"), ("108", "生态环境局", "周敏"), ("109", "人力资源和社会保障局", "吴芳"),
    ("110", "水利局", "郑伟"), ("111", "应急管理局", "孙涛"), ("112", "自然资源局", "何雪"),
]

# (project name, implementing unit suffix, amount 万元, attribute, output indicators)
PROJECTS = {
    "教育局": [("义务教育学校营养改善计划", "学生资助中心", 860, "延续项目", ("受益学生人数", "人", 12000)),
             ("中小学校舍维修改造", "教育技术装备中心", 420, "延续项目", ("维修校舍面积", "平方米", 18000)),
             ("乡村教师培训", "教师发展中心", 65, "延续项目", ("培训教师人次", "人次", 1500)),
             ("智慧校园建设", "电化教育馆", 260, "新增项目", ("建成智慧教室", "间", 120))],
    "卫生健康委员会": [("基本公共卫生服务", "疾病预防控制中心", 1280, "延续项目", ("建立居民健康档案", "份", 320000)),
                 ("妇幼健康服务项目", "妇幼保健院", 180, "延续项目", ("孕产妇系统管理人数", "人", 5200)),
                 ("基层医疗机构设备购置", "卫生服务中心", 350, "新增项目", ("购置设备台数", "台", 85)),
                 ("家庭医生签约服务", "基层卫生科", 95, "延续项目", ("签约服务人数", "人", 86000))],
    "交通运输局": [("农村公路日常养护", "公路养护中心", 520, "延续项目", ("日常养护里程", "公里", 266)),
              ("城乡公交运营补贴", "运输服务中心", 300, "延续项目", ("公交线路条数", "条", 42)),
              ("危桥改造工程", "公路建设中心", 640, "新增项目", ("改造危桥座数", "座", 6)),
              ("公路安全生命防护工程", "公路养护中心", 150, "延续项目", ("安装防护栏长度", "公里", 35))],
    "农业农村局": [("高标准农田建设", "农田建设中心", 1500, "延续项目", ("建成高标准农田", "亩", 20000)),
              ("农业技术推广补助", "农技推广中心", 80, "延续项目", ("推广主推技术", "项", 12)),
              ("动物防疫补助", "动物疫病预防控制中心", 120, "延续项目", ("强制免疫畜禽数量", "万头", 45)),
              ("农村人居环境整治", "农村社会事业科", 230, "新增项目", ("改造农村户厕", "户", 1800))],
    "民政局": [("城乡低保资金", "社会救助中心", 2100, "延续项目", ("保障低保对象人数", "人", 9800)),
            ("养老服务补贴", "养老服务中心", 260, "延续项目", ("享受补贴老人人数", "人", 4300)),
            ("社区居家养老服务站建设", "养老服务中心", 210, "新增项目", ("建成服务站", "个", 18)),
            ("困境儿童保障", "儿童福利指导中心", 45, "延续项目", ("保障困境儿童人数", "人", 620))],
    "文化和旅游局": [("公共文化服务体系建设", "文化馆", 150, "延续项目", ("开展文化活动场次", "场", 240)),
               ("文物保护修缮", "文物保护中心", 380, "新增项目", ("修缮文物点", "处", 5)),
               ("全域旅游宣传推广", "旅游服务中心", 90, "延续项目", ("开展宣传推广活动", "次", 20)),
               ("农家书屋更新", "图书馆", 35, "延续项目", ("更新图书册数", "册", 30000))],
    "住房和城乡建设局": [("老旧小区改造", "城市更新中心", 1800, "延续项目", ("改造老旧小区", "个", 14)),
                  ("城市排水管网改造", "市政设施中心", 760, "新增项目", ("改造排水管网", "公里", 22)),
                  ("公共租赁住房运营", "住房保障中心", 140, "延续项目", ("保障家庭户数", "户", 1200)),
                  ("建筑施工安全监管", "质量安全站", 55, "延续项目", ("监督检查项目", "个", 160))],
    "生态环境局": [("大气污染防治", "环境监测站", 420, "延续项目", ("空气质量监测站点", "个", 8)),
              ("农村生活污水治理", "环境工程中心", 680, "新增项目", ("治理行政村", "个", 30)),
              ("环境执法能力建设", "环境执法大队", 75, "延续项目", ("开展执法检查", "次", 600)),
              ("土壤污染状况调查", "环境监测站", 110, "新增项目", ("调查地块", "块", 25))],
    "人力资源和社会保障局": [("就业创业补贴", "就业服务中心", 560, "延续项目", ("补贴人数", "人", 3800)),
                    ("职业技能提升行动", "职业技能鉴定中心", 240, "延续项目", ("开展技能培训", "人次", 6000)),
                    ("根治欠薪专项行动", "劳动保障监察大队", 30, "延续项目", ("办结欠薪案件", "件", 180))],
    "水利局": [("小型水库除险加固", "水利工程建设中心", 900, "新增项目", ("除险加固水库", "座", 4)),
            ("农村饮水安全巩固提升", "供水管理站", 480, "延续项目", ("受益人口", "人", 52000)),
            ("河道清淤整治", "河道管理所", 160, "延续项目", ("清淤河道长度", "公里", 28)),
            ("水土保持综合治理", "水土保持站", 130, "延续项目", ("治理水土流失面积", "平方公里", 12))],
    "应急管理局": [("应急物资储备", "应急保障中心", 200, "延续项目", ("储备物资品种", "种", 36)),
              ("安全生产专项检查", "执法监察大队", 60, "延续项目", ("检查企业", "家", 900)),
              ("森林防火能力提升", "森林防火中心", 270, "新增项目", ("建设防火通道", "公里", 40))],
    "自然资源局": [("耕地保护补偿", "耕地保护中心", 650, "延续项目", ("补偿耕地面积", "万亩", 38)),
              ("地质灾害防治", "地质环境监测站", 180, "延续项目", ("治理隐患点", "处", 15)),
              ("不动产登记信息化", "不动产登记中心", 120, "新增项目", ("数据整合宗地", "万宗", 25))],
}

PLANTED = {
    "民政局": "≥**人 placeholder (G4); XX target (G4)",
    "文化和旅游局": "missing units on quantitative indicators (G2)",
    "卫生健康委员会": "weights add up to 100 instead of 90 (G6 warning); list layout with 合计 row",
    "住房和城乡建设局": "qualitative target with empty words 加强管理 (G13); money parts do not add up (G12)",
    "农业农村局": "input quantity used as a goal 项目资金投入 (G11); 环境效益指标 synonym accepted",
    "交通运输局": "amounts in 元 (form header 金额单位：元) converted; full-width digits ９５％",
    "教育局": "new project ≥ 200万 without 事前绩效评估 (G-PRIOR-ASSESSMENT); hidden sheet",
    "生态环境局": "list export with amounts written as 6,800,000.00 元-scale numbers (G-MONEY-IN-YUAN)",
    "水利局": "level-2 category outside the framework (G-LOCAL-CATEGORY, once per file); duplicate indicator (G-DUPLICATE)",
    "应急管理局": "GBK CSV export from the budget system",
    "自然资源局": "two-row merged list header (绩效指标 over 一级|二级|三级), header below a title",
}


def indicators_for(department: str, output: tuple, rng: random.Random, *, weights_total: int = 90):
    name, unit, quantity = output
    quality = rng.choice([("验收合格率", 100, "="), ("任务完成率", 95, "≥"), ("资金支付及时率", 95, "≥")])
    rows = [
        IndicatorSpec("产出指标", "数量指标", name, "≥", quantity, unit, 20),
        IndicatorSpec("产出指标", "质量指标", quality[0], quality[2], f"{quality[2]}{quality[1]}%", "%", 15),
        IndicatorSpec("产出指标", "时效指标", "任务完成时间", "≤", f"{YEAR}年12月", "月", 10),
        IndicatorSpec("产出指标", "成本指标", "项目成本控制", "≤", "预算批复数", None, 5),
        IndicatorSpec("效益指标", "社会效益指标", "服务对象受益情况", "定性", "有效提升", None, 20),
        IndicatorSpec("效益指标", "可持续影响指标", "长效管护机制", "定性", "建立并有效运行", None, 10),
        IndicatorSpec("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "≥90%", "%", 10),
    ]
    # cost row: make it quantitative (≤ amount) most of the time
    rows[3] = IndicatorSpec("产出指标", "成本指标", "单位成本控制", "≤", "≤" + str(rng.choice([0.5, 1.2, 2, 3.5])) + "万元", "万元", 5)
    if weights_total != 90:
        rows[0].weight = 30
    return rows


def project_spec(department, code, contact, index, entry, rng) -> ProjectSpec:
    name, unit_suffix, amount, attribute, output = entry
    fiscal = round(amount * rng.choice([1, 1, 0.8, 0.9]), 2)
    other = round(amount - fiscal, 2)
    prior = "已开展" if attribute == "新增项目" and amount >= 200 else "不适用"
    return ProjectSpec(
        name=name, code=f"{YEAR}{code}{index:03d}", department=department, department_code=code,
        unit=f"{department.replace('局', '').replace('委员会', '')}{unit_suffix}" if not unit_suffix.startswith(department) else unit_suffix,
        manager=contact, phone=f"0571-8{rng.randint(1000000, 9999999)}", attribute=attribute,
        period=f"{YEAR}年1月-{YEAR}年12月", prior_assessment=prior, total=amount, fiscal=fiscal,
        other=other, carryover=0, overall_goal=f"通过实施{name}，持续提升公共服务水平",
        annual_goal=f"{YEAR}年完成{output[0]}{output[2]}{output[1]}，服务对象满意度达到90%以上",
        indicators=indicators_for(department, output, rng), year=YEAR)


def build_specs(rng: random.Random) -> dict[str, list[ProjectSpec]]:
    specs = {}
    for code, department, contact in DEPARTMENTS:
        specs[department] = [project_spec(department, code, contact, i + 1, entry, rng)
                             for i, entry in enumerate(PROJECTS[department])]
    # ---- planted mistakes ------------------------------------------------------------
    civil = specs["民政局"]
    civil[1].indicators[0].target = "≥**人"
    civil[3].indicators[1].target = "XX%"
    culture = specs["文化和旅游局"]
    for spec in culture[:2]:
        spec.indicators[0].unit = None
        spec.indicators[0].target = int(spec.indicators[0].target)
    health = specs["卫生健康委员会"]
    for spec in health[:2]:
        spec.indicators[0].weight = 30  # total 100 instead of 90
    housing = specs["住房和城乡建设局"]
    housing[2].indicators[4].target = "加强管理"
    housing[3].fiscal = 40  # 40 + 0 ≠ 55
    farm = specs["农业农村局"]
    farm[0].indicators[0] = IndicatorSpec("产出指标", "数量指标", "项目资金投入", "≥", 1500, "万元", 20)
    farm[3].indicators[5].level2 = "环境效益指标"
    transport = specs["交通运输局"]
    for spec in transport[:2]:
        spec.money_header_unit = "元"
        spec.total, spec.fiscal, spec.other = spec.total * 10000, spec.fiscal * 10000, spec.other * 10000
    transport[1].indicators[1].target = "≥９５％"
    education = specs["教育局"]
    education[3].prior_assessment = None  # 260万 新增项目, no prior assessment stated
    water = specs["水利局"]
    water[0].indicators[1].level2 = "效率指标"
    water[1].indicators.append(IndicatorSpec("效益指标", "社会效益指标", "服务对象受益情况", "定性", "明显改善", None, 0.5))
    env = specs["生态环境局"]
    env[1].total, env[1].fiscal, env[1].other = 6800000.00, 6800000.00, 0
    return specs


def write_form_workbook(path: Path, specs: list[ProjectSpec], *, hidden: ProjectSpec | None = None):
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": CREATED, "author": "示例区财政局"})
    writer = GoalFormWriter(workbook)
    write_instructions(workbook)
    for index, spec in enumerate(specs, 1):
        writer.write(workbook.add_worksheet(f"项目{index}"), spec)
    if hidden is not None:
        sheet = workbook.add_worksheet("旧版(作废)")
        writer.write(sheet, hidden)
        sheet.hide()
    workbook.close()


def write_list_workbook(path: Path, specs: list[ProjectSpec], *, title: str, total_row: bool = False,
                        two_row_header: bool = False):
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": CREATED, "author": "预算管理一体化系统"})
    sheet = workbook.add_worksheet("绩效目标")
    bold = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    sheet.merge_range(0, 0, 0, len(GOAL_LIST_COLUMNS) - 1, title, bold)
    sheet.write_string(1, 0, "导出时间：2026-03-01")
    row = 2
    if two_row_header:
        first_indicator = GOAL_LIST_COLUMNS.index("一级指标")
        for col, text in enumerate(GOAL_LIST_COLUMNS):
            if first_indicator <= col < first_indicator + 3:
                continue
            sheet.merge_range(row, col, row + 1, col, text, bold)
        sheet.merge_range(row, first_indicator, row, first_indicator + 2, "绩效指标", bold)
        for offset, text in enumerate(("一级指标", "二级指标", "三级指标")):
            sheet.write_string(row + 1, first_indicator + offset, text, bold)
        row += 2
    else:
        for col, text in enumerate(GOAL_LIST_COLUMNS):
            sheet.write_string(row, col, text, bold)
        row += 1
    for spec in specs:
        for values in list_rows(spec):
            for col, value in enumerate(values):
                write_value(sheet, row, col, value)
            row += 1
    if total_row:
        sheet.write_string(row, 0, "合计")
        sheet.write_number(row, GOAL_LIST_COLUMNS.index("资金总额(万元)"), sum(s.total for s in specs))
    workbook.close()


def write_gbk_csv(path: Path, specs: list[ProjectSpec]):
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GOAL_LIST_COLUMNS)
        for spec in specs:
            for values in list_rows(spec):
                writer.writerow(["" if v is None else v for v in values])


def write_roster(path: Path):
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": CREATED})
    sheet = workbook.add_worksheet("名册")
    for col, text in enumerate(("主管部门编码", "主管部门", "联系人")):
        sheet.write_string(0, col, text)
    for row, (code, name, contact) in enumerate(DEPARTMENTS, 1):
        sheet.write_string(row, 0, code)
        sheet.write_string(row, 1, name)
        sheet.write_string(row, 2, contact)
    workbook.close()


def main() -> None:
    rng = random.Random(20260301)
    specs = build_specs(rng)
    goals = WORKSPACE / "goals"
    if goals.exists():
        shutil.rmtree(goals)
    goals.mkdir(parents=True)
    config = pbm_toml(YEAR, "示例区", contact="预算绩效管理科 王敏", phone="0000-1234567")
    # A district this size treats 1000万元 and above as must-evaluate projects.
    config = config.replace('must = ["金额>=500"]             # 必选规则：金额 500 万元及以上项目全部纳入',
                            'must = ["金额>=1000"]            # 必选规则：金额 1000 万元及以上项目全部纳入')
    (WORKSPACE / "pbm.toml").write_text(config, encoding="utf-8")
    write_roster(WORKSPACE / "roster.xlsx")
    list_layout = {"卫生健康委员会", "生态环境局", "自然资源局"}
    for code, department, _ in DEPARTMENTS:
        file_stem = f"{code}-{department}-{YEAR}年项目绩效目标"
        if department == "应急管理局":
            write_gbk_csv(goals / f"{file_stem}.csv", specs[department])
        elif department in list_layout:
            write_list_workbook(goals / f"{file_stem}.xlsx", specs[department],
                                title=f"{department}{YEAR}年项目支出绩效目标表",
                                total_row=department == "卫生健康委员会",
                                two_row_header=department == "自然资源局")
        else:
            hidden = None
            if department == "教育局":
                hidden = project_spec(department, code, "张丽", 99,
                                      ("旧版作废项目", "办公室", 10, "延续项目", ("旧指标", "个", 1)), rng)
            write_form_workbook(goals / f"{file_stem}.xlsx", specs[department], hidden=hidden)
    projects = sum(len(v) for v in specs.values())
    print(f"wrote {WORKSPACE.relative_to(HERE.parent)}: {len(DEPARTMENTS)} departments, {projects} projects")
    # The later stages of the loop: Q3 monitoring submissions (pbm monitor) and
    # self-evaluations (pbm score).
    import generate_q3
    import generate_selfeval

    generate_q3.main()
    generate_selfeval.main(WORKSPACE)
    # The year before (sample_data/2025-示例区: history for validate and indicators).
    import generate_2025

    generate_2025.main()
    # The rectification cycle: departments' replies and resubmitted goal workbooks, made
    # from the ledger a run of pbm on both years writes (needs both years written first).
    import generate_rectify

    generate_rectify.main()


if __name__ == "__main__":
    main()
