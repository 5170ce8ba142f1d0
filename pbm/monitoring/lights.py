"""Warning lights (红黄绿灯): vendor budget-system rules, else pbm's own; exact decimals.

* Execution light, ratio rule (vendor 预算执行预警, the default)::

      ratio = execution_rate / time_progress × 100   (rounded half-up to 2 decimals)
      red < 60 ≤ yellow < 80 ≤ green

  computed as ``executed × 12 × 100 / (budget × month)`` so no binary float (0.60 / 0.75 × 100
  = 79.99999999999999) and no rounded 7/12 can move a boundary case (60 % by September: 80, green).
* Execution light, deviation-points rule (optional preset ``points-monitor``)::

      points = (time_progress − execution_rate) × 100   (rounded half-up to 2 decimals)
      green ≤ 10 < yellow ≤ 20 < red

* Indicator lights: qualitative 达成 / 部分达成 / 未达成 → green / yellow / red; an "= 0"
  target (安全事故数 = 0) is green only at 0; other quantitative targets use a progress ratio
  with the same cut-offs (see :func:`indicator_light`).
* Combined light: the worst of the execution light and the indicator lights; a project whose
  完成目标可能性 is 不可能 is red.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.values import plain_decimal

RED, YELLOW, GREEN = "red", "yellow", "green"
LIGHTS = (RED, YELLOW, GREEN)
LIGHT_ZH = {RED: "红", YELLOW: "黄", GREEN: "绿", None: ""}
_SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
ZERO, ONE = Decimal(0), Decimal(1)

RATIO_RULE, POINTS_RULE = "ratio", "points"
# Units of a rate (合格率 95%, 满意度 90%): measured, not accumulated over the year.
RATE_UNITS = {"%", "‰", "百分比", "百分点"}
GREEN_TIERS = {"达成", "是", "优", "良", "提升", "高"}
YELLOW_TIERS = {"部分达成", "中"}
RED_TIERS = {"未达成", "否", "差", "低"}


@dataclass(frozen=True)
class LightRule:
    """The configured light rule and its thresholds (pbm.toml ``[monitor]``)."""

    rule: str = RATIO_RULE
    ratio_red_below: Decimal = Decimal(60)
    ratio_yellow_below: Decimal = Decimal(80)
    points_green_max: Decimal = Decimal(10)
    points_yellow_max: Decimal = Decimal(20)

    @classmethod
    def from_config(cls, config, rule: str | None = None) -> LightRule:
        section = config.section("monitor")
        values: dict[str, Any] = {}
        for name in ("ratio_red_below", "ratio_yellow_below", "points_green_max",
                     "points_yellow_max"):
            if name in section:
                values[name] = Decimal(str(section[name]))  # TOML text, never a binary float
        return cls(rule=rule or section.get("rule", RATIO_RULE), **values)

    def describe(self) -> str:
        """The execution-light rule as a reader writes it (“60（含）至 80”, not [60, 80))."""
        if self.rule == POINTS_RULE:
            green, yellow = plain_decimal(self.points_green_max), plain_decimal(self.points_yellow_max)
            return (f"偏差点数法：落后序时进度（序时进度 − 执行率）{green} 个百分点及以内绿灯，"
                    f"超过 {green} 个百分点至 {yellow} 个百分点（含）黄灯，超过 {yellow} 个百分点红灯")
        return f"比值法：执行率 ÷ 序时进度 × 100，{self._ratio_bands('灯')}"

    def _ratio_bands(self, suffix: str) -> str:
        red, yellow = plain_decimal(self.ratio_red_below), plain_decimal(self.ratio_yellow_below)
        return f"低于 {red} 红{suffix}，{red}（含）至 {yellow} 黄{suffix}，{yellow} 及以上绿{suffix}"

    def describe_indicators(self) -> str:
        return (f"定性指标：达成绿、部分达成黄、未达成红；“=0”指标：完成值为 0 绿，否则红；"
                f"其他定量指标：累计量按 完成值 ÷ 指标值 ÷ 序时进度 × 100，比率类（%）按 完成值 ÷ 指标值 × 100，"
                f"反向指标（≤）按 指标值 ÷ 完成值 × 100，{self._ratio_bands('')}；时效指标未到期为绿")

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "ratio_red_below": float(self.ratio_red_below),
                "ratio_yellow_below": float(self.ratio_yellow_below),
                "points_green_max": float(self.points_green_max),
                "points_yellow_max": float(self.points_yellow_max)}


def _quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator ÷ denominator rounded half-up to 2 decimals, exactly.

    One Decimal division (28 significant digits) then one rounding: a quotient that lands
    exactly on a tie (x.xx5) terminates and is computed exactly, and one that does not
    terminate cannot be a tie, so the rounding is always the exact one.  Never divide by a
    rounded intermediate such as 7/12 = 0.5833….
    """
    return (numerator / denominator).quantize(CENT, ROUND_HALF_UP)


def light_for_ratio(ratio: Decimal, rule: LightRule) -> str:
    """Ratio cut-offs: red below ``ratio_red_below``, yellow below ``ratio_yellow_below``."""
    if ratio < rule.ratio_red_below:
        return RED
    if ratio < rule.ratio_yellow_below:
        return YELLOW
    return GREEN


def light_for_points(points: Decimal, rule: LightRule) -> str:
    """Deviation points: green ≤ ``points_green_max``, yellow ≤ ``points_yellow_max``."""
    if points <= rule.points_green_max:
        return GREEN
    if points <= rule.points_yellow_max:
        return YELLOW
    return RED


def execution_rate(executed: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 = 1–N月执行数 ÷ 预算数 (monitoring-table columns) as a fraction, 4 decimals (0.3500).

    Budget 0 or missing → 0, as the vendor rule does; a missing executed amount → None.
    """
    if executed is None:
        return None
    if budget is None or budget <= 0:
        return Decimal("0.0000")
    return (executed / budget).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class ExecutionLight:
    light: str | None
    rate: Decimal | None  # execution rate as a fraction, 4 decimals (0.3500 = 35.00 %)
    measure: Decimal | None  # the ratio (ratio rule) or the points (points rule), 2 decimals


def execution_light(executed: Decimal | None, budget: Decimal | None, month: int,
                    rule: LightRule) -> ExecutionLight:
    """The execution light at the end of ``month`` (the vendor's 预算执行预警 or the points preset).

    ratio = executed × 1200 ÷ (budget × month), i.e. rate ÷ (month/12) × 100, in one exact
    division.  A missing executed amount is lit as 0, as the vendor rule sums a missing 执行数
    as 0 — a department that does not report its spending must not show green — but the
    rate itself stays unknown (None) rather than a false 0.00 %.  Budget 0 or missing → 0.
    """
    rate = execution_rate(executed, budget)
    spent = executed if executed is not None and budget is not None and budget > 0 else ZERO
    base = budget if budget is not None and budget > 0 else ONE
    if rule.rule == POINTS_RULE:
        # (month/12 − executed/budget) × 100 = (month·budget·100 − 1200·executed) / (12·budget)
        points = _quotient(Decimal(month) * base * 100 - spent * 1200, base * 12)
        return ExecutionLight(light_for_points(points, rule), rate, points)
    ratio = _quotient(spent * 1200, base * month)
    return ExecutionLight(light_for_ratio(ratio, rule), rate, ratio)


@dataclass(frozen=True)
class IndicatorLight:
    light: str | None
    ratio: Decimal | None  # progress ratio ×100 where one was computed
    basis: str  # how the light was decided, in Chinese, for the 指标 sheet


def _tier_light(actual_tier: str | None, target_tier: str | None) -> str | None:
    if actual_tier is None:
        return None
    if target_tier is not None and actual_tier == target_tier:
        return GREEN  # 是否发生安全事故：否 → 否 meets the target
    if actual_tier in GREEN_TIERS:
        return GREEN
    if actual_tier in YELLOW_TIERS:
        return YELLOW
    if actual_tier in RED_TIERS:
        return RED
    return None


def indicator_light(target, actual, op: str | None, month: int, rule: LightRule,
                    qualitative: bool = False) -> IndicatorLight:
    """The light of one indicator (vendor rules for 定性 and "= 0" targets; pbm's own for the rest).

    ``target``/``actual`` are :class:`pbm.values.ParsedValue`; ``op`` the effective operator
    (written, else from 指标性质, else ≥).  Rules:

    * qualitative actual (达成 / 部分达成 / 未达成, 是/否 …) → green / yellow / red;
    * "= 0" (or "≤ 0") target → green only when the actual is 0;
    * reverse (≤, <) → ratio = target ÷ actual × 100 — a cap holds at every point in the year,
      so it is not divided by time progress (that would show a 30 % overrun green in July);
    * rates (unit %) → ratio = actual ÷ target × 100 — a rate is measured, not accumulated;
    * other positive targets → ratio = actual ÷ target ÷ time progress × 100;
    * 时效 targets (a month or date) → green while not yet due, else green only when done;
    * the ratio is rounded half-up to 2 decimals and cut at the ratio thresholds.
    """
    if actual is None or actual.is_missing:
        return IndicatorLight(None, None, "未填完成值")
    if actual.kind == "qualitative" or (qualitative and actual.kind != "number"):
        light = _tier_light(actual.tier, getattr(target, "tier", None))
        return IndicatorLight(light, None, f"定性：{actual.tier or actual.text}" if light
                              else "定性完成情况无法判断")
    if target is None or target.is_missing:
        return IndicatorLight(None, None, "无指标值")
    if target.kind in ("date", "month"):
        due = target.month or (target.date.month if target.date else None)
        if actual.kind in ("date", "month"):
            done = actual.month or (actual.date.month if actual.date else None)
            if due is not None and done is not None:
                return IndicatorLight(GREEN if done <= due else RED, None,
                                      "时效：按期完成" if done <= due else "时效：逾期")
        if due is not None and month < due:
            return IndicatorLight(GREEN, None, "时效：未到期")
        return IndicatorLight(RED, None, "时效：已到期未完成") if due is not None else \
            IndicatorLight(None, None, "时效指标无法判断")
    if target.kind != "number" or target.number is None:
        if actual.kind == "text" and target.kind in ("text", "qualitative"):
            return IndicatorLight(None, None, "定性完成情况无法判断")
        return IndicatorLight(None, None, "指标值不是数值")
    if actual.kind != "number" or actual.number is None:
        return IndicatorLight(None, None, "完成值不是数值")
    target_number, actual_number = target.number, actual.number
    if target_number == 0 and op in ("=", "≤", "<"):
        light = GREEN if actual_number == 0 else RED
        return IndicatorLight(light, None, "“=0”指标：完成值为 0" if light == GREEN
                              else "“=0”指标：完成值不为 0")
    if op in ("≤", "<"):
        if actual_number <= 0:
            return IndicatorLight(GREEN, None, "反向指标：完成值为 0")
        ratio = _quotient(target_number * 100, actual_number)
        return IndicatorLight(light_for_ratio(ratio, rule), ratio, "反向：指标值÷完成值")
    if op == "=" and actual_number == target_number:
        return IndicatorLight(GREEN, Decimal(100).quantize(CENT), "等于指标值")
    if target_number <= 0:
        return IndicatorLight(GREEN if actual_number >= target_number else RED, None,
                              "指标值为 0")
    if (target.unit or "") in RATE_UNITS:
        ratio = _quotient(actual_number * 100, target_number)
        return IndicatorLight(light_for_ratio(ratio, rule), ratio, "比率：完成值÷指标值")
    # (actual/target) ÷ (month/12) × 100 in one division
    ratio = _quotient(actual_number * 1200, target_number * month)
    return IndicatorLight(light_for_ratio(ratio, rule), ratio, "进度：完成值÷指标值÷序时进度")


def worst(lights: Iterable[str | None]) -> str | None:
    """The worst light (red > yellow > green); None when there is none."""
    found = [light for light in lights if light is not None]
    if not found:
        return None
    return max(found, key=_SEVERITY.__getitem__)


def combined_light(execution: str | None, indicators: Iterable[str | None],
                   impossible: bool) -> str | None:
    """Combined project light (pbm's own rule): worst of all; 完成目标可能性 不可能 → red."""
    if impossible:
        return RED
    return worst([execution, *indicators])
