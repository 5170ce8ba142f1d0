"""Generate the previous year of the demo: sample_data/2025-示例区 (fictional data, fixed seed).

Called by ``sample_data/generate.py`` (and so by ``make sample-data``); run on its own with
``python sample_data/generate_2025.py``.  It writes pbm.toml (year 2025), roster.xlsx, goals/
and self-eval/ for five of the 2026 departments.  A continuing project (延续项目) keeps its
project code from one year to the next, so the 2025 projects carry **the same codes** as the
2026 ones; two projects ended in 2025 and are not in 2026.

Every 2025 line is derived from the 2026 line of the same project (the 2026 specs are rebuilt
with generate.py's own seed), set so that the 2026 target is *not* below the 2025 target or
actual — except the lines listed in PLANTED, where ``pbm validate goals/ --history
../2025-示例区/out`` in 2026 reports G-TARGET-LOW (目标设定偏低) at the 2026 target cell.
CONTROLS lists lines that look alike and must *not* fire.
"""

from __future__ import annotations

import copy
import random
import shutil
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the 2026 departments, projects and specs)
import xlsxwriter  # noqa: E402
from generate_selfeval import RULES, Line, _d, _plain, refresh_total  # noqa: E402

from pbm.cli.init_cmd import pbm_toml  # noqa: E402
from pbm.scoring.forms import SelfEvalIndicator, SelfEvalSpec, write_self_eval_workbook  # noqa: E402
from pbm.scoring.rules import score_execution  # noqa: E402
from pbm.workbook.forms import GoalFormWriter, IndicatorSpec, ProjectSpec, write_instructions  # noqa: E402

WORKSPACE = HERE / "2025-示例区"
YEAR = 2025
SEED = 20250301
#: The 2025 departments: code → layout of their goal and self-evaluation workbooks.
DEPARTMENTS = {"101": "form", "102": "list", "103": "form", "109": "form", "110": "form"}

#: Projects that ended in 2025 (not in 2026): department → (name, unit, amount, output).
ENDED = {
    "教育局": ("学前教育资助", "学生资助中心", 120, ("资助幼儿人数", "人", 2600)),
    "水利局": ("山洪灾害防治非工程措施", "水旱灾害防御中心", 85, ("建设监测站点", "个", 24)),
}

#: The planted cases: (department, project, 三级指标) → (2025 target, 2025 actual, what fires).
#: The 2026 target is the one generate.py writes.
PLANTED = {
    ("交通运输局", "农村公路日常养护", "日常养护里程"):
        (260, 270, "G-TARGET-LOW: 2026 ≥266公里 below the 2025 actual 270 (2025 target 260 is not)"),
    ("教育局", "义务教育学校营养改善计划", "受益学生人数"):
        (12500, 12680, "G-TARGET-LOW: 2026 ≥12000人 below both the 2025 target 12500 and actual 12680"),
    ("水利局", "农村饮水安全巩固提升", "受益人口"):
        (53000, 51800, "G-TARGET-LOW: 2026 ≥52000人 below the 2025 target 53000 (actual 51800 is not)"),
    ("人力资源和社会保障局", "就业创业补贴", "服务对象满意度"):
        (90, 96, "G-TARGET-LOW: 2026 ≥90% below the 2025 actual 96% (the 2025 target ≥90% equals it)"),
}

#: Look-alikes that must not fire: (department, project, 三级指标) → (2025 target, 2025 actual,
#: 2025 unit or None for the 2026 unit, why not).
CONTROLS = {
    ("卫生健康委员会", "基本公共卫生服务", "建立居民健康档案"):
        (31, 33, "万份", "2026 ≥320000份: another unit (万份), not compared"),
    ("人力资源和社会保障局", "职业技能提升行动", "开展技能培训"):
        (5800, 6000, None, "2026 ≥6000人次: equal to the 2025 actual, not below it"),
    ("交通运输局", "城乡公交运营补贴", "任务完成时间"):
        (None, None, None, "a deadline (≤2026年12月): never compared"),
}


def _number(value) -> Decimal | None:
    text = unicodedata.normalize("NFKC", str(value)).lstrip("=").replace("≥", "").replace("≤", "").replace("%", "").replace("万元", "")
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _lines_2025(department: str, project: ProjectSpec, rng: random.Random):
    """The seven 2025 lines of a continuing project: (goal IndicatorSpec, self-eval Line)."""
    pairs = []
    weights = (20, 15, 10, 5, 20, 10, 10)
    for line, weight in zip(project.indicators[:7], weights):
        key = (department, project.name, line.name)
        name, unit = line.name, line.unit
        if line.level2 == "时效指标":
            spec = IndicatorSpec(line.level1, line.level2, name, "≤", f"{YEAR}年12月", "月", weight)
            pairs.append((spec, Line(line.level1, line.level2, name, "date", f"{YEAR}年12月",
                                     None, f"{YEAR}年{rng.choice([10, 11, 12])}月", weight)))
            continue
        if line.nature == "定性":
            spec = IndicatorSpec(line.level1, line.level2, name, "定性", line.target, None, weight)
            pairs.append((spec, Line(line.level1, line.level2, name, "定性", line.target, None,
                                     "达成", weight)))
            continue
        target_2026 = _number(line.target)
        if line.level2 == "成本指标":
            # a cap: 2025's looser than 2026's, its actual above 2026's cap too
            cap = (target_2026 * Decimal("1.2")).quantize(Decimal("0.01"))
            actual = (target_2026 * Decimal("1.1")).quantize(Decimal("0.01"))
            spec = IndicatorSpec(line.level1, line.level2, name, "≤", f"≤{_plain(cap)}万元", "万元",
                                 weight)
            pairs.append((spec, Line(line.level1, line.level2, name, "≤", _plain(cap), "万元",
                                     _plain(actual), weight)))
            continue
        percent = unit == "%"
        op = "=" if line.nature == "=" else "≥"
        if key in PLANTED:
            target, actual = PLANTED[key][:2]
        elif key in CONTROLS:
            target, actual, unit = CONTROLS[key][0], CONTROLS[key][1], CONTROLS[key][2] or unit
        elif op == "=":
            target, actual = target_2026, target_2026
        elif percent:
            target = target_2026 - (5 if target_2026 >= 90 else 0)
            actual = min(target_2026, target + rng.choice([2, 3, 4]))
        else:
            target = int(target_2026 * Decimal("0.9"))
            actual = int(target_2026 * Decimal(rng.choice(["0.92", "0.95", "0.98"])))
        target, actual = _plain(target), _plain(actual)
        goal_target = f"{op}{target}%" if percent else target
        spec = IndicatorSpec(line.level1, line.level2, name, op, goal_target, unit, weight)
        pairs.append((spec, Line(line.level1, line.level2, name, op, target, unit, actual,
                                 weight)))
    return pairs


def _ended_project(department: str, code: str, contact: str, rng) -> ProjectSpec:
    name, unit_suffix, amount, output = ENDED[department]
    spec = generate.project_spec(department, code, contact, 9, (name, unit_suffix, amount,
                                                                "延续项目", output), rng)
    spec.code = f"{YEAR}{code}901"
    return spec


def build(rng: random.Random):
    """The 2025 goal specs and self-evaluation specs, per department code."""
    specs_2026 = generate.build_specs(random.Random(20260301))  # exactly generate.py's
    goals, evaluations = {}, {}
    for code, department, contact in generate.DEPARTMENTS:
        if code not in DEPARTMENTS:
            continue
        projects = []
        for spec_2026 in specs_2026[department]:
            if spec_2026.attribute != "延续项目":
                continue  # new in 2026
            entry = next(e for e in generate.PROJECTS[department] if e[0] == spec_2026.name)
            projects.append((spec_2026, entry))
        goal_specs, eval_specs = [], []
        ended = None
        if department in ENDED:
            ended = _ended_project(department, code, contact, rng)
        for spec_2026, entry in projects + ([(ended, None)] if ended else []):
            amount = entry[2] if entry else ENDED[department][2]
            output = entry[4] if entry else ENDED[department][3]
            spec = copy.deepcopy(spec_2026)
            spec.year = YEAR
            spec.period = f"{YEAR}年1月-{YEAR}年12月"
            spec.money_header_unit = "万元"
            spec.total = spec.fiscal = _plain(round(Decimal(amount) * Decimal("0.95"), 2))
            spec.other, spec.carryover = 0, 0
            pairs = _lines_2025(department, spec, rng)
            spec.indicators = [goal for goal, _ in pairs]
            first = pairs[0][1]
            spec.annual_goal = (f"{YEAR}年完成{output[0]}{first.target}{first.unit or ''}，"
                                f"服务对象满意度达到{pairs[-1][1].target}%以上")
            goal_specs.append(spec)
            eval_specs.append(_self_eval(spec, [line for _, line in pairs], rng,
                                         list_layout=DEPARTMENTS[code] == "list"))
        goals[code] = (department, goal_specs)
        evaluations[code] = (department, eval_specs)
    return goals, evaluations


def _self_eval(goal: ProjectSpec, lines: list[Line], rng, *, list_layout: bool) -> SelfEvalSpec:
    budget = _d(goal.total)
    executed = (budget * _d(rng.choice(["0.96", "0.985", "1"]))).quantize(Decimal("0.01"))
    _, execution_score = score_execution(budget, executed, RULES)
    indicators = [SelfEvalIndicator(
        level1=line.level1, level2=line.level2, name=line.name, target=line.target_text(),
        actual=line.actual_text(), weight=line.weight, score=float(line.honest_score()),
        nature=line.nature() if list_layout else None,
        unit=(line.unit if line.op not in ("定性", "date") else ("月" if line.op == "date" else None))
        if list_layout else None) for line in lines]
    spec = SelfEvalSpec(
        name=goal.name, code=goal.code, department=goal.department, unit=goal.unit,
        initial_budget=_plain(budget), budget=_plain(budget), executed=_plain(executed),
        execution_weight=10, execution_score=float(execution_score),
        goal_expected=goal.annual_goal,
        goal_actual=f"完成{lines[0].name}{lines[0].actual}{lines[0].unit or ''}，"
                    f"服务对象满意度{lines[-1].actual}%",
        indicators=indicators, year=YEAR)
    refresh_total(spec)
    return spec


def write_goal_list(path: Path, department: str, specs: list[ProjectSpec]) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": generate.CREATED.replace(year=YEAR),
                             "author": "预算管理一体化系统"})
    sheet = workbook.add_worksheet("绩效目标")
    bold = workbook.add_format({"bold": True, "align": "center", "border": 1})
    columns = generate.GOAL_LIST_COLUMNS
    sheet.merge_range(0, 0, 0, len(columns) - 1, f"{department}{YEAR}年项目支出绩效目标表", bold)
    for col, text in enumerate(columns):
        sheet.write_string(1, col, text, bold)
    row = 2
    for spec in specs:
        for values in generate.list_rows(spec):
            for col, value in enumerate(values):
                generate.write_value(sheet, row, col, value)
            row += 1
    workbook.close()


def write_goal_forms(path: Path, specs: list[ProjectSpec]) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": generate.CREATED.replace(year=YEAR), "author": "示例区财政局"})
    writer = GoalFormWriter(workbook)
    write_instructions(workbook)
    for index, spec in enumerate(specs, 1):
        writer.write(workbook.add_worksheet(f"项目{index}"), spec)
    workbook.close()


def write_roster(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": generate.CREATED.replace(year=YEAR)})
    sheet = workbook.add_worksheet("名册")
    for col, text in enumerate(("主管部门编码", "主管部门", "联系人")):
        sheet.write_string(0, col, text)
    rows = [d for d in generate.DEPARTMENTS if d[0] in DEPARTMENTS]
    for row, (code, name, contact) in enumerate(rows, 1):
        for col, value in enumerate((code, name, contact)):
            sheet.write_string(row, col, value)
    workbook.close()


def main(workspace: Path | None = None) -> Path:
    """Write ``<workspace>`` (default sample_data/2025-示例区): pbm.toml, roster, goals/, self-eval/."""
    workspace = Path(workspace) if workspace is not None else WORKSPACE
    for folder in ("goals", "self-eval"):
        if (workspace / folder).exists():
            shutil.rmtree(workspace / folder)
        (workspace / folder).mkdir(parents=True)
    config = pbm_toml(YEAR, "示例区", contact="预算绩效管理科 王敏", phone="0000-1234567")
    (workspace / "pbm.toml").write_text(config, encoding="utf-8")
    write_roster(workspace / "roster.xlsx")
    goals, evaluations = build(random.Random(SEED))
    projects = 0
    for code, (department, specs) in goals.items():
        stem = f"{code}-{department}-{YEAR}年项目绩效目标"
        projects += len(specs)
        if DEPARTMENTS[code] == "list":
            write_goal_list(workspace / "goals" / f"{stem}.xlsx", department, specs)
        else:
            write_goal_forms(workspace / "goals" / f"{stem}.xlsx", specs)
        department, eval_specs = evaluations[code]
        if DEPARTMENTS[code] == "list":
            write_self_eval_workbook(
                workspace / "self-eval" / f"{code}-{department}-{YEAR}年项目支出绩效自评汇总.xlsx",
                eval_specs, layout="list", title=f"{department}{YEAR}年度项目支出绩效自评汇总表")
        else:
            write_self_eval_workbook(
                workspace / "self-eval" / f"{code}-{department}-{YEAR}年项目支出绩效自评表.xlsx",
                eval_specs)
    print(f"wrote {workspace.relative_to(HERE.parent) if workspace.is_relative_to(HERE.parent) else workspace}: "
          f"{len(goals)} departments, {projects} projects (goals and self-evaluations)")
    return workspace


if __name__ == "__main__":
    main()
