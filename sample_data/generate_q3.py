"""Generate sample_data/2026-示例区/q3/: the third-quarter (1-9月) monitoring submissions of the
demo workspace, for the same fictional departments and approved projects as goals/.

Every file is written with pbm's own monitoring form writer (the one `pbm template monitor`
uses), filled in the way departments really fill them.  `pbm monitor q3/` (inside the
workspace, after `pbm validate goals/`) then shows every light colour and every finding kind:

* 101 教育局 — form layout; green, yellow and red projects; one actual value left blank.
* 102 卫生健康委员会 — list layout (清单式) exported from a budget system.
* 103 交通运输局 — submitted twice; the 填报日期 of the revised file is newer (duplicate).
* 104 农业农村局 — text in number cells (待统计, 约一半) and formula-like text (=1+1, +86…, @…).
* 105 民政局 — a project that is not in the approved goals, a changed target, an added and a
  removed indicator, and an approved project left out (drift, M3).
* 106 文化和旅游局, 111 应急管理局 — no submission (missing against the roster).
* 107 住房和城乡建设局 — no expenditure (未形成支出), executed above budget, expected above budget.
* 108 生态环境局 — list layout with a 合计 row.
* 109 人力资源和社会保障局 — 完成目标可能性 not in the list (M1), no reasons (M2), 不可能 (red).
* 112 自然资源局 — amounts in 元 (金额单位：元), converted to 万元.
* 999 城市管理局 — a department that is not in the roster.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (sample_data/generate.py: DEPARTMENTS, PROJECTS, build_specs)
import xlsxwriter  # noqa: E402

from pbm.monitoring.forms import (  # noqa: E402
    MonitorFormWriter,
    MonitorIndicatorSpec,
    MonitorProjectSpec,
    write_instructions,
    write_list_sheet,
)

WORKSPACE = generate.WORKSPACE
Q3 = WORKSPACE / "q3"
YEAR = generate.YEAR
MONTH = 9
CREATED = dt.datetime(2026, 10, 8, 9, 0, 0)

# Share of the budget executed by the end of September; time progress is 75 %, so
# ≥ 60 % is green (ratio ≥ 80), 45–60 % yellow, below 45 % red (the vendor's ratio rule).
GREEN_SHARE, YELLOW_SHARE, RED_SHARE = 0.72, 0.52, 0.30
REASON = "受项目招投标程序及施工季节影响，部分资金尚未拨付，实际进度滞后于序时进度"
MEASURES = "加快项目实施和资金拨付，每月调度进度，确保年底前完成年度目标"


def _amount(department: str, name: str) -> float:
    for entry in generate.PROJECTS[department]:
        if entry[0] == name:
            return float(entry[2])
    raise KeyError(name)


def _actual(indicator, share: float, progress: str):
    """A filled 1-9月完成值 that gives the wanted light for the indicator."""
    target = indicator.target
    if indicator.nature == "定性":
        return {"green": "达成", "yellow": "部分达成", "red": "未达成"}[progress]
    if indicator.level2 == "时效指标":
        return "按计划推进"
    if indicator.level2 == "成本指标":
        return "0.45万元"
    if isinstance(target, str) and target.endswith("%"):
        return {"green": 96, "yellow": 70, "red": 50}[progress]
    if isinstance(target, (int, float)):
        ratio = {"green": 0.8, "yellow": 0.5, "red": 0.3}[progress]
        return round(float(target) * ratio)
    return "达成"


def monitoring_spec(goal, share: float, progress: str = "green", **changes) -> MonitorProjectSpec:
    """A filled monitoring project for an approved goal ``goal`` (a ProjectSpec)."""
    budget = _amount(goal.department, goal.name)
    executed = round(budget * share, 2)
    possibility = "确定能" if progress == "green" else "有可能"
    spec = MonitorProjectSpec(
        name=goal.name, code=goal.code, department=goal.department,
        department_code=goal.department_code, unit=goal.unit, attribute=goal.attribute,
        annual_goal=goal.annual_goal, initial_budget=budget, adjusted_budget=None,
        executed=executed, expected_execution=budget, possibility=possibility,
        deviation_reason=REASON if progress != "green" else None,
        measures=MEASURES if progress != "green" else None, version="2026-10-08",
        indicators=[MonitorIndicatorSpec(i.level1, i.level2, i.name, i.nature, i.target, i.unit,
                                         _actual(i, share, progress if i.nature == "定性" or
                                                 i.level2 == "数量指标" else "green"),
                                         None)
                    for i in goal.indicators],
        year=YEAR, month=MONTH)
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


def write_form(path: Path, specs: list[MonitorProjectSpec], *, created: dt.datetime = CREATED,
               money_unit: str = "万元") -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    workbook.set_properties({"created": created, "author": "示例区"})
    writer = MonitorFormWriter(workbook)
    write_instructions(workbook)
    for index, spec in enumerate(specs, 1):
        spec.money_unit = money_unit
        writer.write(workbook.add_worksheet(f"项目{index}"), spec, template=True)
    workbook.close()


def write_list(path: Path, specs: list[MonitorProjectSpec], *, title: str,
               total_row: bool = False) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    workbook.set_properties({"created": CREATED, "author": "预算管理一体化系统"})
    write_list_sheet(workbook, "绩效监控", specs, title=title, total_row=total_row, month=MONTH)
    workbook.close()


def build(goals: dict) -> dict[str, list]:
    """(file name, writer, specs, options) per submission."""
    files: dict[str, tuple] = {}
    stem = f"{YEAR}年1-{MONTH}月绩效监控表"

    edu = goals["教育局"]
    education = [monitoring_spec(edu[0], GREEN_SHARE), monitoring_spec(edu[1], YELLOW_SHARE, "yellow"),
                 monitoring_spec(edu[2], RED_SHARE, "red"), monitoring_spec(edu[3], 0.65)]
    education[3].indicators[0].actual = None  # an actual value left blank (M-NO-ACTUAL)
    files[f"101-教育局-{stem}.xlsx"] = ("form", education, {})

    health = [monitoring_spec(g, share, progress) for g, share, progress in
              zip(goals["卫生健康委员会"], (0.8, 0.62, YELLOW_SHARE, 0.9),
                  ("green", "green", "yellow", "green"))]
    files[f"102-卫生健康委员会-{stem}.xlsx"] = ("list", health, {"title": "卫生健康委员会2026年1-9月项目绩效监控表"})

    transport = goals["交通运输局"]
    first = [monitoring_spec(g, 0.40, "red") for g in transport]
    for spec in first:
        spec.version = "2026-10-08"
    revised = [monitoring_spec(g, share, progress) for g, share, progress in
               zip(transport, (0.75, 0.66, YELLOW_SHARE, 0.8), ("green", "green", "yellow", "green"))]
    for spec in revised:
        spec.version = "2026-10-12"
    files[f"103-交通运输局-{stem}.xlsx"] = ("form", first, {})
    files[f"103-交通运输局-{stem}（修改版）.xlsx"] = ("form", revised, {})

    farm = [monitoring_spec(g, GREEN_SHARE) for g in goals["农业农村局"]]
    farm[0].executed = "待统计"  # text in a number cell: R-UNPARSEABLE, no execution rate
    farm[0].adjusted_budget = "1,500.00"  # a number stored as text: read as 1500
    farm[1].indicators[0].actual = "约一半"  # text where a number is expected
    farm[2].executed = round(_amount("农业农村局", farm[2].name) * YELLOW_SHARE, 2)
    farm[2].possibility = "有可能"
    farm[2].deviation_reason = "=1+1"  # formula-like text stays text in every output
    farm[2].measures = "+86 0571-88886666 联系农田建设中心"
    files[f"104-农业农村局-{stem}.xlsx"] = ("form", farm, {})

    civil = goals["民政局"]
    civil_specs = [monitoring_spec(civil[0], GREEN_SHARE), monitoring_spec(civil[1], 0.66),
                   monitoring_spec(civil[2], YELLOW_SHARE, "yellow")]
    changed = civil_specs[0].indicators[0]
    changed.target = int(changed.target * 0.9) if isinstance(changed.target, (int, float)) else changed.target
    civil_specs[0].indicators.append(MonitorIndicatorSpec(
        "效益指标", "社会效益指标", "政策知晓率", "≥", "≥85%", "%", 88, None))  # added
    del civil_specs[1].indicators[5]  # 长效管护机制 removed
    new_project = MonitorProjectSpec(
        name="社区老年食堂运营补贴", code="2026105901", department="民政局", department_code="105",
        unit="民政局养老服务中心", attribute="新增项目", annual_goal="为社区老年人提供助餐服务",
        initial_budget=80, adjusted_budget=80, executed=20, expected_execution=80,
        possibility="有可能", deviation_reason="项目年中新增，7月起实施", measures="加快食堂建设和补贴发放",
        version="2026-10-08",
        indicators=[MonitorIndicatorSpec("产出指标", "数量指标", "建成老年食堂", "≥", 12, "个", 4, 12),
                    MonitorIndicatorSpec("满意度指标", "服务对象满意度指标", "老年人满意度", "≥", "≥90%",
                                         "%", 93, None)],
        year=YEAR, month=MONTH)
    civil_specs.append(new_project)  # not in the approved goals; civil[3] left out
    files[f"105-民政局-{stem}.xlsx"] = ("form", civil_specs, {})

    housing = goals["住房和城乡建设局"]
    housing_specs = [monitoring_spec(g, GREEN_SHARE) for g in housing]
    housing_specs[0].executed = 0  # 未形成支出
    housing_specs[0].possibility = "有可能"
    housing_specs[0].deviation_reason = "项目前期手续尚未办结，资金未支付"
    housing_specs[0].measures = "加快前期手续办理，无法实施的申请收回资金"
    housing_specs[1].executed = round(_amount("住房和城乡建设局", housing[1].name) * 1.08, 2)  # M4
    housing_specs[2].expected_execution = round(_amount("住房和城乡建设局", housing[2].name) * 1.1, 2)
    files[f"107-住房和城乡建设局-{stem}.xlsx"] = ("form", housing_specs, {})

    environment = [monitoring_spec(g, share, progress) for g, share, progress in
                   zip(goals["生态环境局"], (0.7, RED_SHARE, 0.66, YELLOW_SHARE),
                       ("green", "red", "green", "yellow"))]
    files[f"108-生态环境局-{stem}.xlsx"] = ("list", environment, {
        "title": "生态环境局2026年1-9月项目绩效监控表", "total_row": True})

    labour = [monitoring_spec(g, share, progress) for g, share, progress in
              zip(goals["人力资源和社会保障局"], (0.7, YELLOW_SHARE, RED_SHARE),
                  ("green", "yellow", "red"))]
    labour[0].possibility = "基本能"  # M1
    labour[1].deviation_reason = None  # M2: 有可能 without reasons
    labour[1].measures = None
    labour[2].possibility = "不可能"
    files[f"109-人力资源和社会保障局-{stem}.xlsx"] = ("form", labour, {})

    water = [monitoring_spec(g, share) for g, share in zip(goals["水利局"], (0.7, 0.8, 0.66, 0.62))]
    files[f"110-水利局-{stem}.xlsx"] = ("form", water, {})

    land = [monitoring_spec(g, share) for g, share in zip(goals["自然资源局"], (0.7, 0.76, 0.64))]
    for spec in land:  # amounts in 元, as some departments fill them
        for name in ("initial_budget", "executed", "expected_execution"):
            value = getattr(spec, name)
            if isinstance(value, (int, float)):
                setattr(spec, name, round(value * 10000, 2))
    files[f"112-自然资源局-{stem}.xlsx"] = ("form", land, {"money_unit": "元"})

    city = MonitorProjectSpec(
        name="城市道路照明维护", code="2026999001", department="城市管理局", department_code="999",
        unit="城市照明管理所", attribute="延续项目", annual_goal="保障城市道路照明设施完好",
        initial_budget=120, executed=90, expected_execution=120, possibility="确定能",
        version="2026-10-09",
        indicators=[MonitorIndicatorSpec("产出指标", "数量指标", "维护路灯盏数", "≥", 8000, "盏", 6400),
                    MonitorIndicatorSpec("产出指标", "质量指标", "亮灯率", "≥", "≥98%", "%", 99),
                    MonitorIndicatorSpec("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "≥90%",
                                         "%", 92)],
        year=YEAR, month=MONTH)
    files[f"999-城市管理局-{stem}.xlsx"] = ("form", [city], {})
    return files


def main() -> None:
    goals = generate.build_specs(random.Random(20260301))
    if Q3.exists():
        shutil.rmtree(Q3)
    Q3.mkdir(parents=True)
    files = build(goals)
    base = dt.datetime(2026, 10, 8, 9, 0).timestamp()
    for index, (name, (layout, specs, options)) in enumerate(files.items()):
        path = Q3 / name
        if layout == "list":
            write_list(path, specs, **options)
        else:
            write_form(path, specs, **options)
        # Fixed modification times: the duplicate is decided by 填报日期, mtime only breaks ties.
        os.utime(path, (base + index * 3600, base + index * 3600))
    print(f"wrote {Q3.relative_to(HERE.parent)}: {len(files)} submissions")


if __name__ == "__main__":
    main()
