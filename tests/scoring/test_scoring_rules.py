"""Scoring rules: the worked scoring examples (lines, execution, total, grade) to the cent."""

from __future__ import annotations

import tomllib
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbm.errors import PbmError
from pbm.resources import resource_dir
from pbm.scoring.rules import (
    IndicatorInput,
    ScoreRules,
    aggregate_count,
    aggregate_rate,
    execution_rate,
    score_execution,
    score_indicator,
    score_project,
)


def rechecked(indicators, budget, executed, rules, **kwargs):
    """``score_project`` followed by the recheck, as ``pbm score`` runs them."""
    from pbm.scoring.recheck import recheck_project

    project = score_project(indicators, budget, executed, rules, **kwargs)
    project.findings = recheck_project(project, rules)
    return project


R1 = ScoreRules()
R2 = ScoreRules(reverse_rule="R2")


def line(name="指标", op="≥", target=None, actual=None, weight=None, claimed=None, **kw):
    return IndicatorInput(name=name, op=op, target=None if target is None else D(str(target)),
                          actual=None if actual is None else D(str(actual)),
                          weight=None if weight is None else D(str(weight)),
                          claimed=None if claimed is None else D(str(claimed)), **kw)


def codes(findings):
    return [finding.code for finding in findings]


# -- worked example: positive proportional ----------------------------------------------

def test_positive_proportional():
    score = score_indicator(line("受训合格率", "≥", 95, 90, 10), R1)
    assert score.recomputed == D("9.47")
    assert score.rule == "positive"
    assert score.met is False and score.full is False
    assert score.achieved_ratio == D("0.9474")


def test_positive_rounds_half_up_not_to_even():
    # 10 × 93.25 / 100 = 9.325 → 9.33 (banker's rounding would give 9.32)
    assert score_indicator(line(op="≥", target=100, actual="93.25", weight=10), R1).recomputed \
        == D("9.33")


def test_positive_met_exactly_and_strict_operator_scores_full():
    met = score_indicator(line(op="≥", target=95, actual=95, weight=10), R1)
    assert met.recomputed == D("10.00") and met.met is True
    strict = score_indicator(line(op=">", target=95, actual=95, weight=10), R1)
    assert strict.recomputed == D("10.00") and strict.rule == "positive"


# -- worked example: over-achievement -----------------------------------------------------

def test_over_achieved_capped_and_flagged():
    score = score_indicator(line("培训人次", "≥", 100, 135, 8), R1)
    assert score.recomputed == D("8.00")
    assert score.full is True and score.met is True
    project = rechecked([line("培训人次", "≥", 100, 135, 8)], None, None, R1)
    over = [f for f in project.findings if f.code == "S-OVER-ACHIEVED"]
    assert len(over) == 1 and over[0].severity == "info"


@pytest.mark.parametrize("actual, flagged", [(129, False), ("129.99", False), (130, True)])
def test_over_achievement_line_is_inclusive_at_130_percent(actual, flagged):
    project = rechecked([line(op="≥", target=100, actual=actual, weight=8)], None, None, R1)
    assert ("S-OVER-ACHIEVED" in codes(project.findings)) is flagged


@pytest.mark.parametrize("actual, flagged", [(29, False), (30, True)])
def test_over_achievement_with_zero_target_uses_30(actual, flagged):
    project = rechecked([line(op="≥", target=0, actual=actual, weight=5)], None, None, R1)
    assert project.indicators[0].recomputed == D("5.00")
    assert ("S-OVER-ACHIEVED" in codes(project.findings)) is flagged


def test_reverse_line_far_above_target_is_not_an_over_achievement():
    project = rechecked([line(op="≤", target=90, actual=200, weight=8)], None, None, R1)
    assert "S-OVER-ACHIEVED" not in codes(project.findings)


# -- worked example: reverse, R1 ratio and R2 linear ----------------------------------------

@pytest.mark.parametrize("actual, r1, r2", [
    (99, "7.27", "7.20"),
    (120, "6.00", "5.33"),
    (180, "4.00", "0.00"),
    (179, "4.02", "0.09"),
    (250, "2.88", "0.00"),
    (90, "8.00", "8.00"),
    (80, "8.00", "8.00"),
])
def test_reverse_cost_r1_and_r2(actual, r1, r2):
    indicator = line("项目总成本", "≤", 90, actual, 8)
    first = score_indicator(indicator, R1)
    second = score_indicator(indicator, R2)
    assert first.recomputed == D(r1) and first.rule == "reverse-R1"
    assert second.recomputed == D(r2) and second.rule == "reverse-R2"


def test_reverse_with_zero_target():
    assert score_indicator(line(op="≤", target=0, actual=1, weight=5), R1).recomputed == D("0.00")
    assert score_indicator(line(op="≤", target=0, actual=1, weight=5), R2).recomputed == D("0.00")
    assert score_indicator(line(op="≤", target=0, actual=0, weight=5), R2).recomputed == D("5.00")


# -- worked example: equal --------------------------------------------------------------------

def test_equal_and_zero_target():
    assert score_indicator(line("政策覆盖率", "=", 100, 98, 5), R1).recomputed == D("4.90")
    one_accident = score_indicator(line("安全事故数", "=", 0, 1, 5), R1)
    assert one_accident.recomputed == D("0.00") and one_accident.rule == "equal-zero"
    no_accident = score_indicator(line("安全事故数", "=", 0, 0, 5), R1)
    assert no_accident.recomputed == D("5.00") and no_accident.full is True


def test_negative_actual_is_treated_as_zero():
    score = score_indicator(line(op="≥", target=100, actual=-5, weight=10), R1)
    assert score.recomputed == D("0.00")
    assert "negative-actual-as-zero" in score.notes
    equal_zero = score_indicator(line(op="=", target=0, actual=-3, weight=4), R1)
    assert equal_zero.recomputed == D("4.00")


# -- worked example: qualitative tiers -----------------------------------------------------

def qual(tier, claimed, weight=10):
    return line("群众获得感", "定性", weight=weight, claimed=claimed, actual_tier=tier)


def test_qualitative_tier_rejects_8_accepts_7_50():
    rejected = score_indicator(qual("部分达成", "8.00"), R1)
    assert rejected.recomputed == D("7.99")  # exclusive upper bound minus 0.01
    assert "claimed-above-tier" in rejected.notes
    assert rejected.allowed_range == (D("6.00"), D("7.99"))
    accepted = score_indicator(qual("部分达成", "7.50"), R1)
    assert accepted.recomputed == D("7.50") and accepted.notes == []
    project = rechecked([qual("部分达成", "8.00"), qual("部分达成", "7.50")], None, None, R1)
    out_of_tier = [f for f in project.findings if f.code == "S-QUAL-OUT-OF-TIER"]
    assert len(out_of_tier) == 1 and out_of_tier[0].value == D("8.00")
    assert out_of_tier[0].params["interval_zh"] == "6.00 分（含）至 8.00 分（不含）"


@pytest.mark.parametrize("tier, claimed, expected, note", [
    ("部分达成", "6.00", "6.00", None),
    ("部分达成", "5.99", "6.00", "claimed-below-tier"),
    ("达成", "10", "10.00", None),
    ("达成", "8", "8.00", None),
    ("达成", "12", "10.00", "claimed-above-tier"),
    ("未达成", "0", "0.00", None),
    ("未达成", "6", "5.99", "claimed-above-tier"),
    ("部分达成年度指标并具有一定效果", "7", "7.00", None),
])
def test_qualitative_nearest_bound(tier, claimed, expected, note):
    score = score_indicator(qual(tier, claimed), R1)
    assert score.recomputed == D(expected)
    assert (note in score.notes) if note else score.notes == []


def test_qualitative_blank_uses_configured_default_share_else_the_tier_floor():
    with_defaults = ScoreRules(qualitative_defaults={"达成": 1, "部分达成": "0.7", "未达成": "0.3"})
    assert score_indicator(qual("部分达成", None), with_defaults).recomputed == D("7.00")
    assert score_indicator(qual("未达成", None, weight=5), with_defaults).recomputed == D("1.50")
    blank = score_indicator(qual("部分达成", None), R1)
    assert blank.recomputed == D("6.00") and blank.notes == ["tier-minimum"]  # 0.6 × 10
    project = rechecked([qual("部分达成", None)], None, None, R1)
    assert codes(project.findings).count("S-MISSING-SCORE") == 1
    assert project.indicator_total == D("6.00")


@pytest.mark.parametrize("tier, weight, floor", [
    ("达成", 20, "16.00"), ("部分达成", 10, "6.00"), ("未达成", 10, "0.00"),
    ("部分达成", 7, "4.20"),
])
def test_blank_qualitative_counts_the_lowest_score_of_its_tier(tier, weight, floor):
    score = score_indicator(qual(tier, None, weight=weight), R1)
    assert score.recomputed == D(floor) and score.notes == ["tier-minimum"]
    assert score.allowed_range[0] == D(floor)


def test_blank_achieved_line_keeps_a_95_point_project_excellent():
    lines = [line("数量", "≥", 100, 100, 70, claimed=70), qual("达成", None, weight=20)]
    project = rechecked(lines, D(100), D(100), R1, claimed_execution=D(10))
    assert (project.total, project.grade) == (D("96.00"), "优")  # 0 would give 80.00 → 良


def test_qualitative_without_tier_is_unscorable():
    score = score_indicator(qual(None, "8"), R1)
    assert score.rule == "unscorable" and score.recomputed is None


# -- worked example: budget execution --------------------------------------------------------

def test_execution_186_5_of_200():
    assert score_execution(D(200), D("186.5"), R1) == (D("0.9325"), D("9.33"))
    assert execution_rate(D(200), D("186.5")) == D("0.9325")


def test_execution_capped_at_weight_and_edge_cases():
    assert score_execution(D(200), D(220), R1) == (D("1.1000"), D("10.00"))
    assert score_execution(D(0), D(5), R1) == (None, None)
    assert score_execution(None, D(5), R1) == (None, None)
    assert execution_rate(D(0), D(5)) is None
    provincial = ScoreRules(execution_weight=20, indicator_weight_total=80)
    assert score_execution(D(200), D("186.5"), provincial) == (D("0.9325"), D("18.65"))
    capped = ScoreRules(execution_weight=20, execution_cap=15)
    assert score_execution(D(200), D(200), capped)[1] == D("15.00")


# -- worked example: total and grade -----------------------------------------------------------

def test_total_92_03_is_excellent():
    lines = [
        line("产出", "≥", 100, "92.4", 50),      # 46.20
        line("效益", "≥", 100, "91.67", 30),     # 27.501 → 27.50
        line("满意度", "≥", 90, 81, 10),         # 9.00
    ]
    project = rechecked(lines, D(200), D("186.5"), R1)
    assert [s.recomputed for s in project.indicators] == [D("46.20"), D("27.50"), D("9.00")]
    assert project.execution_score == D("9.33")
    assert project.indicator_total == D("82.70")
    assert project.total == D("92.03")
    assert project.grade == "优"
    assert project.rescaled is False
    assert project.findings == []


# -- worked example: inapplicable rescale ----------------------------------------------------

def test_inapplicable_rescaled_to_100():
    lines = [
        line("产出数量", "≥", 100, 90, 80),                      # 72.00
        line("生态效益", "≥", 100, 50, 10, applicable=False),   # dropped
    ]
    project = rechecked(lines, D(100), D(90), R1)            # execution 9.00
    assert project.raw_total == D("81.00")
    assert project.applicable_weight == D(90)
    assert project.total == D("90.00")
    assert project.grade == "优"
    assert project.rescaled is True
    assert project.indicators[1].rule == "inapplicable"


# -- worked example: aggregation across units ------------------------------------------------

def test_aggregate_rate_then_score():
    rate = aggregate_rate([(D("0.95"), D(60)), (D("0.85"), D(40))])
    assert rate == D("0.91")
    percent = aggregate_rate([(D(95), D(60)), (D(85), D(40))])
    assert percent == D(91)
    score = score_indicator(IndicatorInput("合格率", op="≥", target=D(95), actual=percent,
                                           weight=D(10)), R1)
    assert score.recomputed == D("9.58")
    assert aggregate_count([D(300), D(200), None]) == D(500)
    assert aggregate_rate([(D("0.9"), D(0))]) is None


# -- unscorable lines and the project total ---------------------------------------------------

@pytest.mark.parametrize("indicator, reason", [
    (line(op="≥", target=None, actual=5, weight=5), "no-target"),
    (line(op="≥", target=5, actual=None, weight=5), "no-actual"),
    (line(op="≥", target=5, actual=5, weight=None), "no-weight"),
    (line(op="定量(其他)", target=5, actual=5, weight=5), "unknown-operator"),
])
def test_unscorable_lines(indicator, reason):
    score = score_indicator(indicator, R1)
    assert score.rule == "unscorable" and score.notes == [reason] and score.recomputed is None


def test_unscorable_line_counts_zero_and_is_reported():
    project = rechecked([line(op="≥", target=100, actual=100, weight=80),
                             line(op="≥", target=None, actual=3, weight=10)], None, None, R1)
    assert project.total == D("80.00")
    assert "S-UNSCORABLE" in codes(project.findings)


def test_no_operator_is_scored_as_positive():
    score = score_indicator(line(op=None, target=100, actual=80, weight=10), R1)
    assert score.recomputed == D("8.00")
    assert "no-operator-scored-as-positive" in score.notes


def test_ascii_operators_are_understood():
    assert score_indicator(line(op="<=", target=90, actual=99, weight=8), R1).rule == "reverse-R1"
    assert score_indicator(line(op=">=", target=95, actual=90, weight=10), R1).recomputed \
        == D("9.47")


# -- settings ---------------------------------------------------------------------------------

def _preset_score_section(name):
    with (resource_dir("presets") / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)["score"]


def test_rules_from_national_preset():
    rules = ScoreRules.from_config(_preset_score_section("national-2020"))
    assert rules.execution_weight == D(10)
    assert rules.indicator_weight_total == D(90)
    assert rules.tolerance == D("0.5")
    assert rules.reverse_rule == "R1"
    assert rules.grade_bands == (("优", D(90)), ("良", D(80)), ("中", D(60)), ("差", D(0)))
    assert rules.qualitative_tiers[1] == ("部分达成", D("0.6"), D("0.8"))
    assert rules.over_achievement_ratio == D("1.3")


def test_rules_from_provincial_preset_and_custom_bands():
    rules = ScoreRules.from_config(_preset_score_section("provincial-exec20"))
    assert rules.execution_weight == D(20) and rules.reverse_rule == "R2"
    assert rules.effective_execution_cap == D(20)
    custom = ScoreRules.from_config({"grade_bands": {"差": 0, "中": 60, "良": 70, "优": 80},
                                     "qualitative_defaults": {"达成": 1.0},
                                     "execution_cap": 8, "unknown_key": 1})
    assert [name for name, _ in custom.grade_bands] == ["优", "良", "中", "差"]
    assert custom.qualitative_defaults == {"达成": D("1.0")}
    assert custom.effective_execution_cap == D(8)


def test_rules_reject_unknown_reverse_rule():
    with pytest.raises(PbmError) as caught:
        ScoreRules.from_config({"reverse_rule": "R3"})
    assert caught.value.code == "CONFIG-BAD-VALUE"
    assert "R1, R2" in caught.value.message("en")


# -- properties ----------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False,
                      allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(op=st.sampled_from(["≥", "≤", "="]), target=amounts, actual=amounts,
       weight=st.decimals(min_value=0, max_value=100, places=1, allow_nan=False,
                          allow_infinity=False),
       rule=st.sampled_from(["R1", "R2"]))
def test_score_is_within_zero_and_weight_with_two_decimals(op, target, actual, weight, rule):
    rules = R1 if rule == "R1" else R2
    score = score_indicator(IndicatorInput("x", op=op, target=target, actual=actual,
                                           weight=weight), rules)
    assert D(0) <= score.recomputed <= weight
    assert score.recomputed == score.recomputed.quantize(D("0.01"))
    if score.met:
        assert score.recomputed == weight.quantize(D("0.01"))
