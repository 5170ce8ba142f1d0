"""Warning lights and the monitoring period; the worked July and September cases exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pbm.errors import PbmError
from pbm.monitoring.lights import (
    LightRule,
    combined_light,
    execution_light,
    execution_rate,
    indicator_light,
    worst,
)
from pbm.monitoring.period import parse_period, resolve_period
from pbm.values import parse_value

RATIO = LightRule()
POINTS = LightRule(rule="points")


@pytest.mark.parametrize("month, executed, ratio, light", [
    # the vendor ratio rule's worked cases: end of July (7/12 = 58.33 %) …
    (7, "35", "60.00", "yellow"), (7, "30", "51.43", "red"), (7, "50", "85.71", "green"),
    # … and end of September (75 %): 60 % → exactly 80, which is green (80 inclusive).
    (9, "70", "93.33", "green"), (9, "60", "80.00", "green"), (9, "50", "66.67", "yellow"),
])
def test_ratio_rule_worked_cases(month, executed, ratio, light):
    lit = execution_light(Decimal(executed), Decimal(100), month, RATIO)
    assert lit.measure == Decimal(ratio)
    assert lit.light == light
    assert lit.rate == Decimal(executed) / 100


def test_the_two_decimal_ratio_decides_with_half_up_rounding():
    # 59.99625 of 100 by September: ratio exactly 79.995 → shown 80.00 → green, while
    # 59.99624 gives 79.99 → yellow.  The shown value is the one that decides.
    lit = execution_light(Decimal("59.99625"), Decimal(100), 9, RATIO)
    assert (lit.measure, lit.light) == (Decimal("80.00"), "green")
    lit = execution_light(Decimal("59.99624"), Decimal(100), 9, RATIO)
    assert (lit.measure, lit.light) == (Decimal("79.99"), "yellow")
    # A rounded time progress (58.34 %) would turn July's 35 % from yellow to red.
    assert Decimal("0.35") / Decimal("0.5834") * 100 < 60
    assert execution_light(Decimal(35), Decimal(100), 7, RATIO).light == "yellow"


def test_points_preset_disagrees_with_the_ratio_rule_in_july():
    lit = execution_light(Decimal(35), Decimal(100), 7, POINTS)
    assert lit.measure == Decimal("23.33")
    assert lit.light == "red"
    assert execution_light(Decimal(65), Decimal(100), 9, POINTS).light == "green"  # 10.00 points
    assert execution_light(Decimal(55), Decimal(100), 9, POINTS).light == "yellow"  # 20.00
    assert execution_light(Decimal("54.99"), Decimal(100), 9, POINTS).light == "red"


def test_points_preset_is_loaded_from_config(tmp_path, run_pbm):
    from pbm.config import load_config

    run_pbm("init", tmp_path / "ws")
    path = tmp_path / "ws" / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('preset = "national-2020"',
                                                               'preset = "points-monitor"'),
                    encoding="utf-8")
    # the commented `# rule = "ratio"` line in a fresh pbm.toml leaves the choice to the preset
    rule = LightRule.from_config(load_config(tmp_path / "ws"))
    assert (rule.rule, rule.points_green_max, rule.points_yellow_max) == ("points", 10, 20)
    assert execution_light(Decimal(35), Decimal(100), 7, rule).light == "red"


def test_execution_rate_budget_zero_missing_and_unreported():
    assert execution_rate(Decimal(5), Decimal(0)) == Decimal("0.0000")
    assert execution_rate(Decimal(5), None) == Decimal("0.0000")
    assert execution_rate(None, Decimal(100)) is None
    # A missing executed amount is lit as 0 (red), never green; the rate stays unknown.
    lit = execution_light(None, Decimal(100), 9, RATIO)
    assert (lit.light, lit.rate, lit.measure) == ("red", None, Decimal("0.00"))
    assert execution_light(Decimal(0), Decimal(100), 9, RATIO).light == "red"


def _light(target, actual, op=None, month=9, unit=None, qualitative=False):
    target_value = parse_value(target, role="target", unit=unit)
    actual_value = parse_value(actual, role="actual", unit=unit)
    op = op or (target_value.op if not target_value.op_implied else "≥")
    return indicator_light(target_value, actual_value, op, month, RATIO, qualitative)


def test_qualitative_indicator_lights():
    assert _light("有效提升", "达成", qualitative=True).light == "green"
    assert _light("有效提升", "部分达成", qualitative=True).light == "yellow"
    assert _light("有效提升", "未达成", qualitative=True).light == "red"
    assert _light("否", "否", qualitative=True).light == "green"  # 是否发生事故：否
    assert _light("有效提升", "正在推进", qualitative=True).light is None


def test_equal_zero_indicator():
    assert _light("=0", 0, unit="起").light == "green"
    assert _light("=0", 1, unit="起").light == "red"
    assert _light(0, 0, op="=", unit="起").light == "green"


def test_quantitative_progress_ratio_uses_time_progress():
    # 9,600 of 12,000 by September: 0.8 / 0.75 × 100 = 106.67 → green.
    lit = _light(12000, 9600, unit="人")
    assert (lit.ratio, lit.light) == (Decimal("106.67"), "green")
    assert _light(12000, 6000, unit="人").ratio == Decimal("66.67")  # yellow
    assert _light(12000, 6000, unit="人").light == "yellow"
    assert _light(12000, 3600, unit="人").light == "red"  # 40.00


def test_rates_are_not_divided_by_time_progress():
    lit = _light("≥95%", 90, unit="%")
    assert (lit.ratio, lit.light) == (Decimal("94.74"), "green")
    assert _light("≥95%", 70, unit="%").light == "yellow"  # 73.68


def test_reverse_indicator_uses_target_over_actual():
    lit = _light("≤90万元", "99万元", unit="万元")
    assert (lit.ratio, lit.light) == (Decimal("90.91"), "green")
    assert _light("≤90万元", "150万元", unit="万元").light == "yellow"  # 60.00
    assert _light("≤90万元", "160万元", unit="万元").light == "red"  # 56.25


def test_deadline_targets_are_green_until_due():
    assert _light("≤2026年12月", "按计划推进", unit="月").basis == "时效：未到期"
    assert _light("≤2026年12月", "按计划推进", unit="月").light == "green"
    assert _light("≤2026年6月", "按计划推进", unit="月").light == "red"
    assert _light("≤2026年6月", "2026年5月", unit="月").light == "green"


def test_missing_or_incomparable_actual_gives_no_light():
    assert _light("≥95%", None, unit="%").light is None
    assert _light(12000, "约一半", unit="人").light is None


def test_combined_light_is_the_worst_and_impossible_is_red():
    assert worst(["green", None, "yellow"]) == "yellow"
    assert combined_light("green", ["yellow", "red"], impossible=False) == "red"
    assert combined_light("green", ["green"], impossible=True) == "red"
    assert combined_light(None, [None], impossible=False) is None


@pytest.mark.parametrize("text, expected", [
    ("2026-09", (2026, 9)), ("2026.7", (2026, 7)), ("2026年6月", (2026, 6)), ("202612", (2026, 12)),
    ("Q3", (2026, 9)), ("q1", (2026, 3)), ("2026Q2", (2026, 6)), ("三季度", (2026, 9)),
    ("第四季度", (2026, 12)), ("1-9月", (2026, 9)), ("7", (2026, 7)), ("上半年", (2026, 6)),
    ("q5", None), ("2026-13", None), ("报送", None),
])
def test_parse_period(text, expected):
    assert parse_period(text, 2026) == expected


def test_period_from_option_folder_then_config(tmp_path):
    folder = tmp_path / "q3"
    folder.mkdir()
    period = resolve_period("2026-07", folder, 9, 2026)
    assert (period.month, period.source) == (7, "--period")
    assert period.time_progress == Decimal(7) / Decimal(12)
    period = resolve_period(None, folder, 6, 2026)
    assert (period.month, period.label) == (9, "2026-09")
    other = tmp_path / "报送材料"
    other.mkdir()
    period = resolve_period(None, other, 6, 2026)
    assert (period.month, period.source) == (6, "pbm.toml monitor.period_month")
    with pytest.raises(PbmError) as error:
        resolve_period("第五季度", Path(folder), 9, 2026)
    assert error.value.code == "M-BAD-PERIOD"


def test_department_rate_rounds_half_up_like_a_project_rate():
    """2.5 万元 of 10,000: 0.00025 is 0.0003 for a project, so it is for its department too."""
    from pbm.monitoring.lights import execution_rate
    from pbm.monitoring.merge import DepartmentSummary

    department = DepartmentSummary("101", "教育局", "", "已报送", "x.xlsx",
                                   executed=Decimal("2.5"), budget_reported=Decimal("10000"))
    assert execution_rate(Decimal("2.5"), Decimal("10000")) == Decimal("0.0003")
    assert department.execution_rate == Decimal("0.0003")
