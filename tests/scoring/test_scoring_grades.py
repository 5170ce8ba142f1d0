"""Grades (财政部预算司 bands) and result application (always a suggestion)."""

from __future__ import annotations

import tomllib
from decimal import Decimal as D

import pytest

from pbm.resources import resource_dir
from pbm.scoring.grades import (
    DEFAULT_APPLICATION_TABLE,
    VENDOR_SELF_EVALUATION_BANDS,
    adjustment_for,
    application_for,
    grade_distribution,
    grade_for,
)


@pytest.mark.parametrize("total, grade", [
    ("100", "优"), ("92.03", "优"), ("90.00", "优"), ("89.99", "良"), ("80", "良"),
    ("79.99", "中"), ("60.00", "中"), ("59.99", "差"), ("0", "差"), ("-1", "差"),
])
def test_half_open_bands(total, grade):
    assert grade_for(D(total)) == grade


def test_float_totals_are_refused():
    # 0.60 / 0.75 × 100 is 79.99999999999999 in binary floats
    with pytest.raises(TypeError):
        grade_for(0.60 / 0.75 * 100)


def test_vendor_bands_and_unsorted_custom_bands():
    assert grade_for(D("79.99"), VENDOR_SELF_EVALUATION_BANDS) == "良"
    assert grade_for(D(80), VENDOR_SELF_EVALUATION_BANDS) == "优"
    unsorted = (("差", D(0)), ("优", D(85)), ("中", D(60)), ("良", D(75)))
    assert grade_for(D(84), unsorted) == "良"


def test_distribution_always_has_every_band_in_order():
    counts = grade_distribution(["良", "优", "良", None])
    assert list(counts) == ["优", "良", "中", "差"]
    assert counts == {"优": 1, "良": 2, "中": 0, "差": 0}
    assert grade_distribution([]) == {"优": 0, "良": 0, "中": 0, "差": 0}
    assert grade_distribution(["优秀"])["优秀"] == 1


def test_application_texts_are_suggestions():
    for grade in ("优", "良", "中", "差"):
        assert application_for(grade).startswith("建议：")
    assert application_for("良") == DEFAULT_APPLICATION_TABLE["良"] == "建议：据实合理保障"
    assert "−10%" in application_for("中")
    assert "−30%" in application_for("差")
    assert application_for("中", {"中": "核减 15%"}) == "建议：核减 15%"
    assert application_for("差", {"中": "核减 15%"}) == DEFAULT_APPLICATION_TABLE["差"]


def test_application_from_the_national_preset_table():
    with (resource_dir("presets") / "national-2020.toml").open("rb") as handle:
        table = tomllib.load(handle)["score"]["application"]
    assert application_for("优", table) == table["优"]
    assert application_for("优", table).startswith("建议：")


def test_budget_adjustment_placeholders():
    assert adjustment_for("中") == D("-0.10")
    assert adjustment_for("差") == D("-0.30")
    assert adjustment_for("优") == D(0)
    assert adjustment_for("未知") is None
    assert adjustment_for("中", {"中": D("-0.15")}) == D("-0.15")
