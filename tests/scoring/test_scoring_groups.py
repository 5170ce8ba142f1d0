"""Evaluator groups: combined score, renormalisation, spread and outliers."""

from __future__ import annotations

import tomllib
from decimal import Decimal as D

from pbm.resources import resource_dir
from pbm.scoring.groups import DEFAULT_GROUP_WEIGHTS, combine_groups, group_weights_from_config


def scores(**groups):
    return {name: {ev: D(str(v)) for ev, v in evaluators.items()}
            for name, evaluators in groups.items()}


ALL_GROUPS = scores(
    财政={"甲": 90, "乙": 86},
    主管部门={"丙": 80},
    项目单位={"丁": 95},
    第三方={"戊": 84, "己": 86},
    群众代表={"庚": 90},
)


def test_all_groups_present():
    result = combine_groups(ALL_GROUPS)
    assert result.group_means == {"财政": D("88.00"), "主管部门": D("80.00"),
                                  "项目单位": D("95.00"), "第三方": D("85.00"),
                                  "群众代表": D("90.00")}
    # 0.3×88 + 0.2×80 + 0.1×95 + 0.3×85 + 0.1×90 = 86.4
    assert result.combined == D("86.40")
    assert result.spread == D("15.00")
    assert result.renormalised is False and result.absent_groups == []
    assert result.outliers == [] and result.findings == []


def test_absent_group_renormalises_and_says_so():
    partial = {k: v for k, v in ALL_GROUPS.items() if k != "群众代表"}
    result = combine_groups(partial)
    assert result.combined == D("86.00")  # 77.4 / 0.9
    assert result.renormalised is True
    assert result.absent_groups == ["群众代表"]
    assert [f.code for f in result.findings] == ["S-GROUP-ABSENT"]
    assert "群众代表" in result.findings[0].message("zh")
    assert "0.9" in result.findings[0].message("en")


def test_outlier_is_measured_against_the_other_evaluators():
    result = combine_groups(scores(第三方={"a": 90, "b": 88, "c": 60}), {"第三方": D(1)})
    assert [(o.evaluator, o.reference_mean, o.deviation, o.threshold)
            for o in result.outliers] == [("c", D("89.00"), D("-29.00"), D("10.00"))]
    assert [f.code for f in result.findings] == ["S-GROUP-OUTLIER"]


def test_wide_group_uses_twice_the_standard_deviation():
    # for 60: others 70, 80, 90, 100, 75 → mean 83, sample SD 12.04 → threshold 24.08 > 23
    # for 100: others 60, 70, 80, 90, 75 → mean 75, SD √125 = 11.18 → threshold 22.36 < 25
    result = combine_groups(scores(群众代表={"a": 60, "b": 70, "c": 80, "d": 90, "e": 100,
                                          "f": 75}), {"群众代表": D(1)})
    assert [(o.evaluator, o.deviation, o.threshold) for o in result.outliers] == \
        [("e", D("25.00"), D("22.36"))]


def test_two_evaluators_far_apart_are_both_flagged_and_one_is_never():
    result = combine_groups(scores(财政={"a": 90, "b": 70}, 主管部门={"c": 20}),
                            {"财政": D(1), "主管部门": D(1)})
    assert sorted(o.evaluator for o in result.outliers) == ["a", "b"]
    assert result.combined == D("50.00")


def test_group_without_weight_is_left_out():
    result = combine_groups(scores(财政={"a": 90}, 专家组={"b": 50}))
    assert "S-GROUP-NO-WEIGHT" in [f.code for f in result.findings]
    assert result.combined == D("90.00")
    assert result.weights_used == {"财政": D("0.3")}


def test_no_scores_at_all():
    result = combine_groups({})
    assert result.combined is None and result.spread is None
    assert result.to_dict()["combined"] is None


def test_weights_from_the_national_preset():
    with (resource_dir("presets") / "national-2020.toml").open("rb") as handle:
        section = tomllib.load(handle)["score"]["group_weights"]
    assert group_weights_from_config(section) == DEFAULT_GROUP_WEIGHTS
    assert group_weights_from_config(None) == DEFAULT_GROUP_WEIGHTS
