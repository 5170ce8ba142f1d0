"""Recheck (复核): what a spot check is for — compare the unit's own scores with pbm's.

Findings carry stable S-codes; the rules are those of :mod:`pbm.scoring.rules`, the 130 %
line a vendor rule (广西).  One finding per line per issue: S-FULL-DESPITE-SHORTFALL is
reported instead of (not besides) S-INFLATED for the same cell, and S-DEDUCTED-WHEN-MET
instead of S-UNDERSTATED; the difference is in their params either way.

S-MISSING-SCORE on a quantitative line is reported only when the project carries claimed
scores at all (a workbook without a 得分 column is simply scored, not rechecked); a
qualitative line without a score and without a configured default share is always
reported: it counts the lowest score of its tier, so the project's total and grade are a
lower bound.  S-GRADE-MISMATCH compares the unit's 自评等级 with the grade of its own
自评总分 on pbm's bands (both must be present).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from pbm.findings import Finding
from pbm.indicators import level_points
from pbm.scoring.grades import grade_for
from pbm.scoring.rules import (
    CENT,
    EQUAL,
    HUNDRED,
    ONE,
    QUALITATIVE,
    RULE_LABELS_ZH,
    TWO,
    ZERO,
    IndicatorInput,
    IndicatorScore,
    ScoreRules,
    in_tier,
    normalise_op,
)
from pbm.values import decimal_text, plain_decimal

if TYPE_CHECKING:
    from pbm.scoring.rules import ProjectScore

TENTH = Decimal("0.1")

#: Labels of :func:`explain_claim` results, for the findings and the 复核差异 sheet.
CLAIM_RULE_LABELS_ZH = {
    "proportional-rounded": "按比例计分（四舍五入）",
    "proportional-truncated": "按比例计分（截尾取整）",
    "reverse-R1": "反向比值法",
    "reverse-R2": "反向线性扣减法",
    "all-or-nothing": "达标满分、未达标零分",
    "weight×actual%": "分值×实际完成百分比",
    "qualitative-tier": "定性档次内评分",
    "full-weight": "直接给满分",
    "execution-rate": "执行率×分值",
    "execution-rate-uncapped": "执行率×分值（未封顶）",
}
NO_RULE_ZH = "无（常见计分方法均得不出该分数）"
_NO_RULE_EN = "none (no usual scoring method gives this score)"

_UNSCORABLE_REASONS = {
    "no-weight": ("缺少分值（权重）", "the weight is missing"),
    "negative-weight": ("分值（权重）为负数", "the weight is negative"),
    "no-target": ("年度指标值不是数值", "the target is not a number"),
    "no-actual": ("实际完成值不是数值", "the actual value is not a number"),
    "blank-target": ("年度指标值为空", "the target is blank"),
    "blank-actual": ("实际完成值为空", "the actual value is blank"),
    "blank-values": ("年度指标值和实际完成值均为空", "the target and the actual value are both blank"),
    "negative-target": ("年度指标值为负数", "the target is negative"),
    "unknown-operator": ("计算符号无法按定量规则计分（如“定量(其他)”需人工评分）",
                         "the operator has no scoring rule (e.g. 定量(其他) is scored by hand)"),
    "no-tier": ("定性指标未注明完成档次（达成/部分达成/未达成）",
                "the qualitative line does not say 达成/部分达成/未达成"),
}

_OPERATOR_CHARS = frozenset("≥≤><=＞＜＝≧≦")


def _fmt(value: Decimal | None) -> str:
    return decimal_text(value)


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * HUNDRED).quantize(CENT, ROUND_HALF_UP)}%"


def _is_qualitative(ind: IndicatorInput) -> bool:
    op = normalise_op(ind.op)
    return op == QUALITATIVE or (op is None and ind.actual is None and bool(ind.actual_tier))


def explain_claim(ind: IndicatorInput, rules: ScoreRules) -> list[str]:
    """Which usual scoring methods reproduce the claimed score within 0.01.

    Labels, in this order: reverse-R1, reverse-R2 (reverse lines only);
    proportional-rounded (w × A/T half-up, capped at w) and proportional-truncated (the
    same truncated to 2 dp, 1 dp or an integer) (positive and equal lines); all-or-nothing
    (w if met else 0); weight×actual% (w × A/100 when the unit is %); qualitative-tier
    (inside the outcome's tier); full-weight.  [] when none does.
    """
    claimed = ind.claimed
    weight = ind.weight
    if claimed is None or weight is None or not ind.applicable:
        return []

    def close(candidate: Decimal) -> bool:
        return abs(claimed - candidate) <= CENT

    labels: list[str] = []
    if _is_qualitative(ind):
        tier_name = rules.normalise_tier(ind.actual_tier or ind.actual_text)
        tier = rules.tier(tier_name) if tier_name else None
        if tier is not None and in_tier(claimed, weight, *tier):
            labels.append("qualitative-tier")
    elif ind.target is not None and ind.actual is not None and ind.target >= ZERO:
        target = ind.target
        actual = max(ind.actual, ZERO)
        op = normalise_op(ind.op)
        reverse = op in ("≤", "<")
        # Each direction is tried with its own family only: R1/R2 reproduce full marks on
        # any positive shortfall (A ≤ T counts as met), which would explain nothing.
        if reverse:
            met = actual <= target
            if met:
                ratio_score = linear_score = weight
            elif target == ZERO:
                ratio_score = linear_score = ZERO
            else:
                ratio_score = weight * target / actual
                linear_score = (ZERO if actual >= target * TWO
                                else weight * (target * TWO - actual) / target)
            if close(ratio_score.quantize(CENT, ROUND_HALF_UP)):
                labels.append("reverse-R1")
            if close(linear_score.quantize(CENT, ROUND_HALF_UP)):
                labels.append("reverse-R2")
        elif op == EQUAL and target == ZERO:
            met = actual <= ZERO
        else:
            met = actual >= target
            if target > ZERO:
                proportional = weight * min(actual / target, ONE)
                if close(proportional.quantize(CENT, ROUND_HALF_UP)):
                    labels.append("proportional-rounded")
                if any(close(proportional.quantize(places, ROUND_DOWN))
                       for places in (CENT, TENTH, ONE)):
                    labels.append("proportional-truncated")
        if close(weight if met else ZERO):
            labels.append("all-or-nothing")
        percent = "%" in ind.actual_text or "%" in ind.target_text or "％" in ind.actual_text
        if percent and close((weight * actual / HUNDRED).quantize(CENT, ROUND_HALF_UP)):
            labels.append("weight×actual%")
    if close(weight):
        labels.append("full-weight")
    return labels


def _rules_params(labels: list[str]) -> dict[str, str]:
    if not labels:
        return {"rules": "", "rules_zh": NO_RULE_ZH, "rules_en": _NO_RULE_EN}
    return {"rules": ", ".join(labels), "rules_zh": claim_rules_zh(labels),
            "rules_en": ", ".join(labels)}


def claim_rules_zh(labels: list[str]) -> str:
    """The scoring methods that reproduce a claimed score, in Chinese (or 无 …)."""
    if not labels:
        return NO_RULE_ZH
    return "、".join(CLAIM_RULE_LABELS_ZH.get(label, label) for label in labels)


def execution_claim_rules(ps: ProjectScore, rules: ScoreRules) -> list[str]:
    """The usual methods that reproduce the unit's claimed 预算执行率 score (the recheck's
    finding and the 复核差异 sheet both say these)."""
    claimed = ps.claimed_execution
    if claimed is None or ps.execution_score is None:
        return []
    labels = []
    if abs(claimed - ps.execution_score) <= CENT:
        labels.append("execution-rate")
    if ps.budget and ps.executed is not None:
        uncapped = (max(ps.executed / ps.budget, ZERO) * rules.execution_weight) \
            .quantize(CENT, ROUND_HALF_UP)
        if uncapped != ps.execution_score and abs(claimed - uncapped) <= CENT:
            labels.append("execution-rate-uncapped")
    if abs(claimed - rules.execution_weight) <= CENT:
        labels.append("full-weight")
    return labels


def total_claim_candidates(ps: ProjectScore) -> list[tuple[str, Decimal]]:
    """Totals a unit could have written from its own line scores: their sum, and — when
    不适用 lines were dropped — that sum rescaled to 100, each with its description."""
    parts = [s.indicator.claimed for s in ps.indicators
             if s.indicator.applicable and s.indicator.claimed is not None]
    if ps.claimed_execution is not None:
        parts.append(ps.claimed_execution)
    if not parts:
        return []
    parts_total = sum(parts, ZERO)
    candidates = [("各项自评得分之和", parts_total)]
    if ps.rescaled and ps.applicable_weight > ZERO:
        candidates.append(("各项自评得分之和按适用指标折算为百分制",
                           (parts_total * HUNDRED / ps.applicable_weight)
                           .quantize(CENT, ROUND_HALF_UP)))
    return candidates


def _repeats_target(ind: IndicatorInput) -> bool:
    """The actual cell holds the target text, operator included (≥266米 in both)."""
    if ind.actual_has_op:
        return True
    if ind.actual_text.lstrip()[:1] not in _OPERATOR_CHARS:
        return False  # the usual case, decided without building strings
    actual = "".join(ind.actual_text.split())
    target = "".join(ind.target_text.split())
    return bool(actual) and actual == target and actual[0] in _OPERATOR_CHARS


def _over_achievement(score: IndicatorScore, rules: ScoreRules) -> tuple[str, str] | None:
    """(zh, en) comparison text when the 130 % explanation line is reached (a vendor rule, 广西)."""
    if score.rule not in ("positive", "equal"):
        return None  # reverse lines: a large actual is a shortfall, not an over-achievement
    ind = score.indicator
    target, actual = ind.target, ind.actual
    if target is None or actual is None:
        return None
    if target > ZERO:
        if actual < target * rules.over_achievement_ratio:
            return None
        ratio = _percent(actual / target)
        line = _percent(rules.over_achievement_ratio)
        return (f"为指标值的 {ratio}，达到 {line} 的说明线",
                f"{ratio} of the target, at or above the {line} line")
    if score.rule == "positive" and actual >= rules.over_achievement_zero_target:
        limit = plain_decimal(rules.over_achievement_zero_target)
        return (f"指标值为 0，实际值达到 {limit} 的说明线",
                f"the target is 0 and the actual reaches the {limit} line")
    return None


class _Emitter:
    """Builds findings with the project's location filled in."""

    def __init__(self, ps: ProjectScore, out: list[Finding]):
        self.ps = ps
        self.out = out

    def emit(self, code: str, *, cell: str | None = None, value: Any = None,
             line: IndicatorInput | None = None, **params: Any) -> None:
        self.out.append(Finding(
            code,
            file=(line.file if line is not None else None) or self.ps.file,
            sheet=(line.sheet if line is not None else None) or self.ps.sheet,
            cell=cell,
            project=self.ps.project,
            value=value,
            params=params,
        ))


def recheck_project(ps: ProjectScore, rules: ScoreRules,
                    clean: set[tuple] | None = None) -> list[Finding]:
    """Findings of the recheck (复核) of one scored project: the S-codes.

    ``clean`` (kept by the caller for one run) holds the keys of claimed lines the recheck
    found nothing on: a claimed line's findings follow from its scored inputs and the texts
    compared, so a line typed like one that gave none gives none."""
    findings: list[Finding] = []
    emitter = _Emitter(ps, findings)
    claims_present = (ps.claimed_total is not None or ps.claimed_execution is not None
                      or any(s.indicator.claimed is not None and s.indicator.applicable
                             for s in ps.indicators))
    tolerance = rules.tolerance
    if clean is None:
        clean = set()
    for score in ps.indicators:
        ind = score.indicator
        if not ind.applicable:
            continue
        if ind.claimed is None:  # what is reported then depends on the project's other lines
            _recheck_line(score, rules, emitter, claims_present, tolerance)
            continue
        key = (ind.op, ind.target, ind.actual, ind.actual_tier, ind.actual_text,
               ind.target_text, ind.actual_has_op, ind.weight, ind.claimed)
        if key in clean:
            continue
        before = len(findings)
        _recheck_line(score, rules, emitter, claims_present, tolerance)
        if len(findings) == before:
            clean.add(key)
    _recheck_weights(ps, rules, emitter)
    _recheck_level_points(ps, emitter, tolerance)
    _recheck_execution(ps, rules, emitter, tolerance)
    _recheck_total(ps, rules, emitter, tolerance)
    _recheck_grade(ps, rules, emitter)
    if ps.grade is None:
        zh, en = _ungraded_reasons(ps)
        emitter.emit("S-UNGRADED", cell=ps.total_cell, value=None, reason_zh=zh, reason_en=en,
                     total=_fmt(ps.total))
    return findings


def _ungraded_reasons(ps: ProjectScore) -> tuple[str, str]:
    zh, en = [], []
    if ps.unjudged:
        zh.append(f"有 {ps.unjudged} 项既无法复核计分也没有自评得分，复核总分只是下限")
        en.append(f"{ps.unjudged} parts can neither be rescored nor have a score of the unit's "
                  "own, the recomputed total is a lower bound")
    if ps.short_weight is not None:
        weights = plain_decimal(ps.short_weight)
        zh.append(f"各项分值合计 {weights} 分（含预算执行率），不足 100 分")
        en.append(f"the weights add up to {weights} (execution included), short of 100")
    return "；".join(zh), "; ".join(en)


def _unscorable_reason(reason: str, ind: IndicatorInput) -> str:
    """A value that is not a number says whether the cell is blank: a line left without
    target and actual (天长's 指标1:工程质量合格) reads differently from a text target."""
    if reason not in ("no-target", "no-actual"):
        return reason
    target_blank, actual_blank = not ind.target_text.strip(), not ind.actual_text.strip()
    if target_blank and actual_blank:
        return "blank-values"
    if reason == "no-target":
        return "blank-target" if target_blank else reason
    return "blank-actual" if actual_blank else reason


def _line_params(score: IndicatorScore, claimed: Decimal | None) -> dict[str, Any]:
    ind = score.indicator
    return {
        "name": ind.name,
        "weight": plain_decimal(ind.weight),
        "target": ind.target_text or plain_decimal(ind.target),
        "actual": ind.actual_text or plain_decimal(ind.actual),
        "claimed": _fmt(claimed),
        "recomputed": _fmt(score.recomputed),
        "rule_zh": RULE_LABELS_ZH.get(score.rule, score.rule),
        "rule_en": score.rule,
    }


def _recheck_line(score: IndicatorScore, rules: ScoreRules, emitter: _Emitter,
                  claims_present: bool, tolerance: Decimal) -> None:
    ind = score.indicator
    score_cell = ind.cell("score")
    actual_cell = ind.cell("actual")
    claimed = ind.claimed

    if _repeats_target(ind):
        emitter.emit("S-ACTUAL-REPEATS-TARGET", cell=actual_cell, value=ind.actual_text,
                     line=ind, name=ind.name, actual=ind.actual_text,
                     target=ind.target_text)

    if score.rule == "unscorable":
        zh, en = _UNSCORABLE_REASONS.get(_unscorable_reason(score.notes[0], ind),
                                         (score.notes[0], score.notes[0]))
        emitter.emit("S-UNSCORABLE", cell=score_cell, value=claimed, line=ind,
                     name=ind.name, reason_zh=zh, reason_en=en)
        return

    over = _over_achievement(score, rules)
    if over is not None:
        emitter.emit("S-OVER-ACHIEVED", cell=actual_cell, value=ind.actual_text or ind.actual,
                     line=ind, name=ind.name,
                     target=ind.target_text or plain_decimal(ind.target),
                     actual=ind.actual_text or plain_decimal(ind.actual),
                     comparison_zh=over[0], comparison_en=over[1])

    if claimed is None:
        floor = "tier-minimum" in score.notes
        if score.recomputed is None or claims_present or floor:
            if floor:
                filled_zh = (f"，已按“{score.tier}”档次最低分计 {_fmt(score.recomputed)} 分，"
                             "项目复核总分和等级为下限")
                filled_en = (f"; the lowest score of the {score.tier} tier, "
                             f"{_fmt(score.recomputed)}, is counted, so the project's "
                             "recomputed total and grade are a lower bound")
            elif "default-share" in score.notes:
                filled_zh = f"，已按默认档次比例计 {_fmt(score.recomputed)} 分"
                filled_en = f"; the default tier share gives {_fmt(score.recomputed)}"
            else:
                filled_zh = filled_en = ""
            emitter.emit("S-MISSING-SCORE", cell=score_cell, line=ind,
                         filled_zh=filled_zh, filled_en=filled_en,
                         **_line_params(score, claimed))
        return

    if score.rule == "qualitative":
        if "claimed-below-tier" in score.notes or "claimed-above-tier" in score.notes:
            lowest, highest = score.allowed_range  # type: ignore[misc]
            _, high, inclusive = rules.tier(score.tier)  # type: ignore[misc]
            weight = ind.weight
            upper = _fmt(highest) if inclusive else _fmt(high * weight)  # type: ignore[operator]
            low = _fmt(lowest)
            if inclusive:
                interval_zh, interval_en = f"{low} 分至 {upper} 分", f"{low} to {upper}"
            else:
                interval_zh, interval_en = f"{low} 分（含）至 {upper} 分（不含）", \
                    f"{low} to under {upper}"
            emitter.emit("S-QUAL-OUT-OF-TIER", cell=score_cell, value=claimed,
                         line=ind, tier=score.tier, interval_zh=interval_zh,
                         interval_en=interval_en,
                         **_line_params(score, claimed))
        return  # inside its tier the claim is the score

    difference = claimed - score.recomputed  # type: ignore[operator]
    weight = ind.weight
    if score.met is False and claimed >= weight and difference > ZERO:  # type: ignore[operator]
        # 99.96 of ≥100 rounds to full marks too: only a claim above pbm's score is reported
        code = "S-FULL-DESPITE-SHORTFALL"
    elif score.met is True and claimed < weight:  # type: ignore[operator]
        code = "S-DEDUCTED-WHEN-MET"
    elif difference > tolerance:
        code = "S-INFLATED"
    elif -difference > tolerance:
        code = "S-UNDERSTATED"
    else:
        return
    # Parameters are built only for a finding: most lines of a real workbook have none.
    params = _line_params(score, claimed)
    params["difference"] = _fmt(abs(difference))
    params["tolerance"] = plain_decimal(tolerance)
    params.update(_rules_params(explain_claim(ind, rules)))
    emitter.emit(code, cell=score_cell, value=claimed, line=ind, **params)


def _recheck_weights(ps: ProjectScore, rules: ScoreRules, emitter: _Emitter) -> None:
    weights = [s.indicator.weight for s in ps.indicators if s.indicator.weight is not None]
    if not weights:
        return
    weight_total = sum(weights, ZERO)
    if weight_total != rules.indicator_weight_total:
        emitter.emit("S-WEIGHT-TOTAL", value=plain_decimal(weight_total),
                     scope=ps.project or "项目", scope_en=ps.project or "the project",
                     actual=plain_decimal(weight_total), expected=plain_decimal(rules.indicator_weight_total))


def _recheck_level_points(ps: ProjectScore, emitter: _Emitter, tolerance: Decimal) -> None:
    """A 一级 cell that states its points (``产出指标(50分)``, ``(30分)``): the weights of its
    lines add up to them; where the lines have no weights, their scores stay within them."""
    groups: dict[str, list[IndicatorScore]] = {}
    for score in ps.indicators:
        ind = score.indicator
        if ind.applicable and ind.level1:
            groups.setdefault(ind.level1, []).append(score)
    for level1, scores in groups.items():
        points = level_points(level1)
        if points is None:
            continue
        weights = [s.indicator.weight for s in scores if s.indicator.weight is not None]
        cell = scores[0].indicator.cell("level1")
        if len(weights) == len(scores):
            total = sum(weights, ZERO)
            if total != points:
                emitter.emit("S-LEVEL-POINTS", cell=cell, value=level1, level1=level1,
                             points=plain_decimal(points), what_zh="分值合计",
                             what_en="weights add up to", total=plain_decimal(total))
        elif not weights:
            claims = [s.indicator.claimed for s in scores if s.indicator.claimed is not None]
            total = sum(claims, ZERO)
            if claims and total - points > tolerance:
                emitter.emit("S-LEVEL-POINTS", cell=cell, value=level1, level1=level1,
                             points=plain_decimal(points), what_zh="自评得分合计",
                             what_en="claimed scores add up to", total=_fmt(total))


def _recheck_execution(ps: ProjectScore, rules: ScoreRules, emitter: _Emitter,
                       tolerance: Decimal) -> None:
    cell = ps.execution_cell
    if ps.budget is not None and ps.executed is not None and ps.executed > ps.budget:
        # the amount executed is what is wrong, not the 得分 beside it
        emitter.emit("S-EXEC-OVER-100", cell=ps.executed_cell, value=plain_decimal(ps.executed),
                     budget=plain_decimal(ps.budget), executed=plain_decimal(ps.executed),
                     rate=_percent(ps.execution_rate) if ps.execution_rate is not None else "—")
    if ps.execution_score is None and ps.has_execution:
        if ps.executed is None:
            reason = ("全年执行数为空", "the amount executed is missing")
        else:
            reason = ("全年预算数为空或为 0", "the budget is missing or 0")
        emitter.emit("S-UNSCORABLE", cell=cell, value=ps.claimed_execution, name="预算执行率",
                     reason_zh=reason[0], reason_en=reason[1])
    claimed = ps.claimed_execution
    if claimed is None or ps.execution_score is None:
        return
    difference = claimed - ps.execution_score
    if abs(difference) <= tolerance:
        return
    labels = execution_claim_rules(ps, rules)
    params = {
        "name": "预算执行率",
        "claimed": _fmt(claimed),
        "recomputed": _fmt(ps.execution_score),
        "difference": _fmt(abs(difference)),
        "tolerance": plain_decimal(tolerance),
        "weight": plain_decimal(rules.execution_weight),
        "rule_zh": CLAIM_RULE_LABELS_ZH["execution-rate"],
        "rule_en": "execution-rate",
        **_rules_params(labels),
    }
    code = "S-INFLATED" if difference > ZERO else "S-UNDERSTATED"
    emitter.emit(code, cell=cell, value=claimed, **params)


def _recheck_total(ps: ProjectScore, rules: ScoreRules, emitter: _Emitter,
                   tolerance: Decimal) -> None:
    claimed_total = ps.claimed_total
    if claimed_total is None:
        return
    candidates = total_claim_candidates(ps)
    if candidates:
        parts_total = candidates[0][1]
        if all(abs(claimed_total - candidate) > CENT for _, candidate in candidates):
            emitter.emit("S-TOTAL-MISMATCH", cell=ps.total_cell, value=_fmt(claimed_total),
                         claimed_total=_fmt(claimed_total), parts_total=_fmt(parts_total),
                         difference=_fmt(abs(claimed_total - parts_total)))
    difference = claimed_total - ps.total
    if difference > tolerance and _carried(ps) > tolerance:
        kept_lines = ps.lines - ps.rechecked
        emitter.emit("S-TOTAL-INFLATED", cell=ps.total_cell, value=_fmt(claimed_total),
                     claimed=_fmt(claimed_total), recomputed=_fmt(ps.total),
                     difference=_fmt(difference), tolerance=plain_decimal(tolerance),
                     claimed_grade=grade_for(claimed_total, rules.grade_bands),
                     grade=ps.grade, rechecked=ps.rechecked, lines=ps.lines,
                     kept_zh=f"，其余 {kept_lines} 行按自评得分计入" if kept_lines else "",
                     kept_en=f"; the other {kept_lines} keep their own scores"
                     if kept_lines else "")


def _carried(ps: ProjectScore) -> Decimal:
    """How much the rescored lines (and execution) claim above pbm's scores: what a total
    finding may rest on. A claimed total above the sum of its own lines is S-TOTAL-MISMATCH."""
    carried = ZERO
    for score in ps.indicators:
        ind = score.indicator
        if ind.applicable and ind.claimed is not None and score.recomputed is not None:
            carried += ind.claimed - score.recomputed
    if ps.claimed_execution is not None and ps.execution_score is not None:
        carried += ps.claimed_execution - ps.execution_score
    return carried


#: Spellings of a grade on 自评表 besides the band names themselves.
_GRADE_ALIASES = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"}


def _grade_name(text: str, bands: tuple[tuple[str, Decimal], ...]) -> str | None:
    """The band a 自评等级 cell names (优, 优秀 → 优), or None for any other text."""
    cleaned = "".join(text.split())
    names = {name for name, _ in bands}
    if cleaned in names:
        return cleaned
    alias = _GRADE_ALIASES.get(cleaned)
    return alias if alias in names else None


def _band_text(grade: str, bands: tuple[tuple[str, Decimal], ...]) -> tuple[str, str]:
    """The half-open interval of a grade as a reader writes it, (zh, en): "80 分（含）至 90 分",
    "90 分及以上" for the top band."""
    for index, (name, low) in enumerate(bands):
        if name == grade:
            if index == 0:
                return f"{plain_decimal(low)} 分及以上", f"{plain_decimal(low)} or more"
            high = plain_decimal(bands[index - 1][1])
            return f"{plain_decimal(low)} 分（含）至 {high} 分", \
                f"{plain_decimal(low)} to under {high}"
    return "", ""


def _recheck_grade(ps: ProjectScore, rules: ScoreRules, emitter: _Emitter) -> None:
    """S-GRADE-MISMATCH: the 自评等级 is not the grade of the unit's own 自评总分 (财政部预算司
    bands, half-open: 89.99 is 良).  A text that names no grade is left alone."""
    if not ps.claimed_grade or ps.claimed_total is None:
        return
    claimed = _grade_name(ps.claimed_grade, rules.grade_bands)
    if claimed is None:
        return
    expected = grade_for(ps.claimed_total, rules.grade_bands)
    if claimed == expected:
        return
    band_zh, band_en = _band_text(expected, rules.grade_bands)
    emitter.emit("S-GRADE-MISMATCH", cell=ps.grade_cell, value=ps.claimed_grade,
                 claimed_grade=ps.claimed_grade, claimed_total=_fmt(ps.claimed_total),
                 total_grade=expected, band_zh=band_zh, band_en=band_en)
