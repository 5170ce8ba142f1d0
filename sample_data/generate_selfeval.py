"""Generate the demo workspace's self-evaluation folder ``self-eval/`` (fictional data, fixed seed).

Called by ``sample_data/generate.py`` (and so by ``make sample-data``); run on its own with
``python sample_data/generate_selfeval.py``.  It writes:

* two form-layout 自评表 workbooks (one project per sheet, the national layout of the
  池州市贵池区 2022 自评表: money block, 年度总体目标, indicator grid, 总分, 自评等级);
* two list-layout 自评汇总 workbooks (one row per indicator, as budget systems export);
* one evaluation workbook: the project 农村公路日常养护 scored on the national framework by
  three evaluator groups (财政 ×2, 第三方 ×3 with one outlier, 群众代表 ×2), one sheet per
  evaluator.

Most lines carry the score a careful unit would give (computed with pbm's own rules, so a
recheck finds nothing); the disagreements below are planted on purpose so that
``pbm score self-eval/`` shows every recheck finding.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pbm.scoring.forms import (  # noqa: E402
    EvaluationSheetSpec,
    SelfEvalIndicator,
    SelfEvalSpec,
    write_evaluation_workbook,
    write_self_eval_workbook,
)
from pbm.scoring.frameworks import load_framework  # noqa: E402
from pbm.scoring.rules import IndicatorInput, ScoreRules, score_execution, score_indicator  # noqa: E402

WORKSPACE = HERE / "2026-示例区"
YEAR = 2026
RULES = ScoreRules()  # the workspace uses national-2020: execution 10, reverse R1
CENT = Decimal("0.01")

#: What each planted disagreement is and where it sits (also in sample_data/README.md).
PLANTED = {
    "S-INFLATED": "教育局 中小学校舍维修改造: 维修校舍面积 16,560 of ≥18,000 m², claimed 19.50 of 20 "
                  "(pbm 18.40)",
    "S-FULL-DESPITE-SHORTFALL": "教育局 中小学校舍维修改造: 任务完成率 92% of ≥95%, claimed the full 15",
    "S-TOTAL-INFLATED": "教育局 中小学校舍维修改造: the claimed total follows the inflated lines",
    "S-OVER-ACHIEVED": "教育局 乡村教师培训: 培训教师人次 2,025 of ≥1,500 (135 %, past 130 %)",
    "S-ACTUAL-REPEATS-TARGET": "教育局 智慧校园建设: 实际完成值 “≥120间” copies the target",
    "S-MISSING-SCORE": "教育局 智慧校园建设: 服务对象满意度 without 得分; 卫生健康委员会 家庭医生签约服务: "
                       "a qualitative line without 得分",
    "不适用 (rescaled)": "教育局 智慧校园建设: 长效管护机制 不适用 → total rescaled over 80 points",
    "S-EXEC-OVER-100": "交通运输局 农村公路日常养护: 全年执行数 540 > 全年预算数 520",
    "S-UNDERSTATED (R2 claim)": "交通运输局 农村公路日常养护: 单位成本控制 scored with the R2 linear rule; "
                                "the preset uses R1",
    "S-DEDUCTED-WHEN-MET": "交通运输局 城乡公交运营补贴: 公交线路条数 met, claimed 16 of 20",
    "S-QUAL-OUT-OF-TIER": "交通运输局 城乡公交运营补贴: 部分达成 claimed 8.00 of 10 (tier [6, 8))",
    "S-TOTAL-MISMATCH": "交通运输局 危桥改造工程: 总分 96.00 while the parts add up to 92.50",
    "S-WEIGHT-TOTAL": "卫生健康委员会 基本公共卫生服务 (list): weights add up to 100 instead of 90",
    "S-UNDERSTATED (weight×actual%)": "卫生健康委员会 妇幼健康服务项目 (list): 孕产妇系统管理率 "
                                      "claimed 分值 × 实际% (15 × 88% = 13.20; pbm 13.89); "
                                      "服务对象满意度 85 % of ≥90 % claimed the full 10 "
                                      "(S-FULL-DESPITE-SHORTFALL)",
    "S-ACTUAL-AS-FRACTION": "农业农村局 动物防疫补助 (list): 免疫密度 stored as 0.92 in a % column",
    "evaluation": "第三方评价-农村公路日常养护.xlsx: 财政 ×2, 第三方 ×3 (第三方·赵六 is the outlier), "
                  "群众代表 ×2; 主管部门/项目单位 absent → weights renormalised",
}


def _d(value) -> Decimal:
    return Decimal(str(value))


@dataclass
class Line:
    """One indicator with its numbers; texts are made the way units write them."""

    level1: str
    level2: str
    name: str
    op: str  # ≥ ≤ = 定性 date
    target: object
    unit: str | None
    actual: object
    weight: int

    def target_text(self) -> str:
        if self.op == "定性":
            return str(self.target)
        if self.op == "date":
            return f"≤{self.target}"
        unit = self.unit or ""
        return f"{self.op}{self.target}{unit}"

    def actual_text(self) -> object:
        if self.op in ("定性", "date"):
            return str(self.actual)
        if self.unit == "%":
            return f"{self.actual}%"
        return f"{self.actual}{self.unit or ''}"

    def honest_score(self) -> Decimal:
        """What a careful unit claims: pbm's own rule (qualitative: 90 % / 70 % / 40 %)."""
        if self.op == "定性":
            share = {"达成": Decimal("0.9"), "部分达成": Decimal("0.7"), "未达成": Decimal("0.4")}
            return (share[str(self.actual)] * self.weight).quantize(CENT, ROUND_HALF_UP)
        if self.op == "date":
            return _d(self.weight)
        score = score_indicator(IndicatorInput(self.name, op=self.op, target=_d(self.target),
                                               actual=_d(self.actual), weight=_d(self.weight)),
                                RULES)
        return score.recomputed  # type: ignore[return-value]

    def nature(self) -> str:
        return {"date": "≤"}.get(self.op, self.op)


def standard_lines(output: tuple, rng: random.Random, *, shortfall: bool = False) -> list[Line]:
    """Seven lines worth 90 (20/15/10/5/20/10/10), as in the goal workbooks of generate.py."""
    name, unit, quantity = output
    done = quantity if not shortfall else int(quantity * 0.92)
    cost = rng.choice([0.5, 1.2, 2, 3.5])
    return [
        Line("产出指标", "数量指标", name, "≥", quantity, unit, done, 20),
        Line("产出指标", "质量指标", "任务完成率", "≥", 95, "%", rng.choice([96, 98, 100]), 15),
        Line("产出指标", "时效指标", "任务完成时间", "date", f"{YEAR}年12月", None,
             f"{YEAR}年{rng.choice([10, 11, 12])}月", 10),
        Line("产出指标", "成本指标", "单位成本控制", "≤", cost, "万元",
             (_d(cost) * Decimal("0.96")).quantize(CENT), 5),
        Line("效益指标", "社会效益指标", "服务对象受益情况", "定性", "有效提升", None, "达成", 20),
        Line("效益指标", "可持续影响指标", "长效管护机制", "定性", "建立并有效运行", None, "达成", 10),
        Line("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", 90, "%",
             rng.choice([92, 95, 96]), 10),
    ]


def _plain(value) -> object:
    value = _d(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def spec_for(department, code, index, entry, rng, *, lines=None, executed_share=None,
             list_layout=False) -> tuple[SelfEvalSpec, list[Line]]:
    name, unit_suffix, amount, _attribute, output = entry
    lines = lines or standard_lines(output, rng)
    share = executed_share if executed_share is not None else _d(rng.choice(
        ["0.9325", "0.96", "0.985", "1", "0.9"]))
    budget = _d(amount)
    executed = (budget * share).quantize(CENT, ROUND_HALF_UP)
    _, execution_score = score_execution(budget, executed, RULES)
    indicators = []
    for line in lines:
        indicators.append(SelfEvalIndicator(
            level1=line.level1, level2=line.level2, name=line.name,
            target=line.target_text(), actual=line.actual_text(), weight=line.weight,
            score=float(line.honest_score()),
            nature=line.nature() if list_layout else None,
            unit=(line.unit if line.op not in ("定性", "date") else ("月" if line.op == "date"
                                                                    else None))
            if list_layout else None))
    spec = SelfEvalSpec(
        name=name, code=f"{YEAR}{code}{index:03d}", department=department,
        unit=f"{department.replace('局', '').replace('委员会', '')}{unit_suffix}",
        initial_budget=_plain(budget), budget=_plain(budget), executed=_plain(executed),
        execution_weight=10, execution_score=float(execution_score),
        goal_expected=f"{YEAR}年完成{output[0]}{output[2]}{output[1]}，服务对象满意度达到90%以上",
        goal_actual=f"完成{output[0]}{lines[0].actual}{output[1]}，服务对象满意度{lines[-1].actual}%",
        indicators=indicators, year=YEAR)
    refresh_total(spec)
    return spec, lines


def refresh_total(spec: SelfEvalSpec) -> None:
    """The claimed total as the unit adds it up, and its grade."""
    parts = [_d(i.score) for i in spec.indicators if isinstance(i.score, (int, float))]
    if isinstance(spec.execution_score, (int, float)):
        parts.append(_d(spec.execution_score))
    total = sum(parts, Decimal(0)).quantize(CENT)
    spec.total = float(total)
    spec.grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def education(projects, rng) -> list[SelfEvalSpec]:
    code = "101"
    specs = []
    # 1 — clean: every claim is what pbm recomputes.
    spec, _ = spec_for("教育局", code, 1, projects[0], rng, executed_share=_d("0.985"))
    specs.append(spec)
    # 2 — shortfalls scored as if met: S-INFLATED, S-FULL-DESPITE-SHORTFALL, S-TOTAL-INFLATED.
    lines = standard_lines(projects[1][4], rng, shortfall=True)
    lines[1].actual = 92
    spec, _ = spec_for("教育局", code, 2, projects[1], rng, lines=lines)
    spec.indicators[0].score = 19.5
    spec.indicators[0].deviation = "部分校舍因雨季推迟开工"
    spec.indicators[1].score = 15
    refresh_total(spec)
    specs.append(spec)
    # 3 — worked cases: 培训 135 % (over-achieved), 合格率 90 % of 95 %, 93.25 %.
    name, unit_suffix, _amount, attribute, output = projects[2]
    lines = standard_lines(output, rng)
    lines[0].actual = 2025
    lines[1] = Line("产出指标", "质量指标", "受训合格率", "≥", 95, "%", 90, 15)
    spec, _ = spec_for("教育局", code, 3, (name, unit_suffix, 200, attribute, output), rng,
                       lines=lines, executed_share=_d("0.9325"))
    spec.indicators[0].deviation = "线上培训报名超出计划"
    specs.append(spec)
    # 4 — the actual repeats the target, a missing score, an inapplicable line (rescaled).
    spec, lines = spec_for("教育局", code, 4, projects[3], rng)
    spec.indicators[0].actual = spec.indicators[0].target  # "≥120间"
    spec.indicators[6].score = None
    spec.indicators[5].actual = "不适用"
    spec.indicators[5].score = "不适用"
    spec.indicators[5].deviation = "新建项目，本年度不涉及长效管护"
    refresh_total(spec)
    specs.append(spec)
    return specs


def transport(projects, rng) -> list[SelfEvalSpec]:
    code = "103"
    specs = []
    # 1 — executed above the budget; a reverse line scored with R2 while the preset says R1.
    spec, lines = spec_for("交通运输局", code, 1, projects[0], rng)
    spec.executed = 540
    spec.budget = spec.initial_budget = 520
    spec.execution_score = 10.0
    lines[3].actual = (_d(lines[3].target) * Decimal("1.5")).quantize(CENT)
    spec.indicators[3].actual = lines[3].actual_text()
    # R2: 5 × (1 − 0.5) = 2.50; pbm (R1): 5 × 1/1.5 = 3.33
    spec.indicators[3].score = 2.5
    spec.indicators[3].deviation = "沥青价格上涨"
    refresh_total(spec)
    specs.append(spec)
    # 2 — points deducted although the target was met; a qualitative score outside its tier.
    spec, lines = spec_for("交通运输局", code, 2, projects[1], rng)
    spec.indicators[0].score = 16
    spec.indicators[5].actual = "部分达成"
    spec.indicators[5].score = 8
    refresh_total(spec)
    specs.append(spec)
    # 3 — the claimed total does not add up.
    spec, _ = spec_for("交通运输局", code, 3, projects[2], rng)
    spec.indicators[4].actual = "部分达成"
    spec.indicators[4].score = 14
    refresh_total(spec)
    spec.total = float(_d(spec.total) + Decimal("3.5"))
    specs.append(spec)
    # 4 — clean.
    spec, _ = spec_for("交通运输局", code, 4, projects[3], rng)
    specs.append(spec)
    return specs


def health(projects, rng) -> list[SelfEvalSpec]:
    code = "102"
    specs = []
    # 1 — weights add up to 100 (the unit gave 数量 30 instead of 20).
    spec, lines = spec_for("卫生健康委员会", code, 1, projects[0], rng, list_layout=True)
    spec.indicators[0].weight = 30
    spec.indicators[0].score = 30
    refresh_total(spec)
    specs.append(spec)
    # 2 — weight × actual %: 15 × 88 % = 13.20 (pbm: 15 × 88/95 = 13.89); 满意度 85 % claimed 10.
    lines = standard_lines(projects[1][4], rng)
    lines[1] = Line("产出指标", "质量指标", "孕产妇系统管理率", "≥", 95, "%", 88, 15)
    lines[6].actual = 85
    spec, _ = spec_for("卫生健康委员会", code, 2, projects[1], rng, lines=lines, list_layout=True)
    spec.indicators[1].score = 13.2
    spec.indicators[6].score = 10
    refresh_total(spec)
    specs.append(spec)
    # 3 — clean.
    spec, _ = spec_for("卫生健康委员会", code, 3, projects[2], rng, list_layout=True)
    specs.append(spec)
    # 4 — a qualitative line left without a score.
    spec, _ = spec_for("卫生健康委员会", code, 4, projects[3], rng, list_layout=True)
    spec.indicators[4].score = None
    refresh_total(spec)
    specs.append(spec)
    return specs


def agriculture(projects, rng) -> list[SelfEvalSpec]:
    code = "104"
    specs = []
    for index, entry in enumerate(projects, 1):
        spec, _ = spec_for("农业农村局", code, index, entry, rng, list_layout=True)
        if index == 3:
            # 免疫密度 typed as 0.92 into a %-formatted cell (read as 92 %).
            spec.indicators[1] = SelfEvalIndicator(
                "产出指标", "质量指标", "强制免疫密度", "≥95%", 0.92, 15,
                float(Line("", "", "", "≥", 95, "%", 92, 15).honest_score()), nature="≥",
                unit="%")
            refresh_total(spec)
        specs.append(spec)
    return specs


def evaluation_sheets(rng: random.Random, framework) -> tuple[list[EvaluationSheetSpec], list[str]]:
    """农村公路日常养护 scored by 财政 ×2, 第三方 ×3 (one far below the others), 群众代表 ×2."""
    evaluators = [("财政", "张敏", 0), ("财政", "陈刚", -1), ("第三方", "李华", 0),
                  ("第三方", "王强", 1), ("第三方", "赵六", -22), ("群众代表", "刘大爷", 2),
                  ("群众代表", "孙阿姨", 1)]
    base = []
    for _ in framework.indicators:
        share = Decimal(rng.choice(["0.8", "0.85", "0.9", "0.95", "1"]))
        base.append(share)
    specs, names = [], []
    for group, person, offset in evaluators:
        scores = []
        remaining = Decimal(offset)
        for item, share in zip(framework.indicators, base):
            score = (item.weight * share * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
            # spread the evaluator's offset over the heaviest lines, half a point at a time
            if remaining != 0 and item.weight >= 6:
                step = max(min(remaining, item.weight - score),
                           -(score / 2).quantize(Decimal("0.5")))
                score += step
                remaining -= step
            scores.append(float(score))
        reasons = ["资料不全" if s < float(i.weight) else None
                   for s, i in zip(scores, framework.indicators)]
        specs.append(EvaluationSheetSpec(project="农村公路日常养护", department="交通运输局",
                                         group=group, evaluator=person, scores=scores,
                                         reasons=reasons))
        names.append(f"{group}-{person}")
    return specs, names


def main(workspace: Path | None = None) -> Path:
    """Write ``<workspace>/self-eval/`` (default: sample_data/2026-示例区)."""
    import shutil

    sys.path.insert(0, str(HERE))
    from generate import PROJECTS

    workspace = Path(workspace) if workspace is not None else WORKSPACE
    folder = workspace / "self-eval"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(20261215)
    write_self_eval_workbook(folder / f"101-教育局-{YEAR}年项目支出绩效自评表.xlsx",
                             education(PROJECTS["教育局"], rng))
    write_self_eval_workbook(folder / f"103-交通运输局-{YEAR}年项目支出绩效自评表.xlsx",
                             transport(PROJECTS["交通运输局"], rng))
    write_self_eval_workbook(folder / f"102-卫生健康委员会-{YEAR}年项目支出绩效自评汇总.xlsx",
                             health(PROJECTS["卫生健康委员会"], rng), layout="list",
                             title=f"卫生健康委员会{YEAR}年度项目支出绩效自评汇总表")
    write_self_eval_workbook(folder / f"104-农业农村局-{YEAR}年项目支出绩效自评汇总.xlsx",
                             agriculture(PROJECTS["农业农村局"], rng), layout="list",
                             title=f"农业农村局{YEAR}年度项目支出绩效自评汇总表")
    framework = load_framework("national")
    specs, names = evaluation_sheets(rng, framework)
    write_evaluation_workbook(folder / "第三方评价-农村公路日常养护.xlsx", framework, specs,
                              sheet_names=names)
    print(f"wrote {folder}: 4 self-evaluation workbooks (2 form, 2 list), 1 evaluation workbook")
    return folder


if __name__ == "__main__":
    main()
