"""Drawing the 抽评 sample: size, mandatory rows, largest-remainder strata, reproducible draws."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbm.errors import PbmError
from pbm.findings import catalogue
from pbm.sampling.selection import (
    SampleOptions,
    SampleResult,
    allocate,
    draw_sample,
    population_sha256,
)

REPO = Path(__file__).resolve().parents[2]


def project(number: int, amount, department: str = "教育局", **extra) -> dict:
    amount = None if amount is None else Decimal(str(amount))
    return {"项目编码": f"P{number:04d}", "项目名称": f"项目{number}", "主管部门": department,
            "金额": amount, **extra}


def abc_strata() -> list[dict]:
    """The worked stratified example: A (≥500万) 8, B (100–500万) 40, C (<100万) 72."""
    rows = [project(i, 600 + i) for i in range(1, 9)]
    rows += [project(i, 100 + i) for i in range(9, 49)]
    rows += [project(i, Decimal(i) / 2) for i in range(49, 121)]
    return rows


def codes(result: SampleResult, *reasons: str) -> list[str]:
    return [row.code for row in result.sample if not reasons or row.reason in reasons]


# ---------------------------------------------------------------------------------------------
# Allocation


def test_stratified_allocation_by_largest_remainder_comes_out_exactly():
    result = draw_sample(abc_strata(), SampleOptions(rate=Decimal("0.10"), must=["金额>=500"],
                                                     strata=["类别"], seed=7))
    assert (result.population, result.eligible, result.mandatory) == (120, 120, 8)
    assert (result.planned_size, result.random_size, result.sample_size) == (12, 4, 12)
    by_stratum = {row.stratum: row for row in result.allocation}
    assert [(s.stratum, s.population, s.eligible_random, s.mandatory, s.allocated, s.drawn)
            for s in result.allocation] == [("A", 8, 0, 8, 0, 0), ("B", 40, 40, 0, 1, 1), ("C", 72, 72, 0, 3, 3)]
    assert by_stratum["B"].quota_exact == Decimal("1.4286")  # 40/112 × 4
    assert by_stratum["C"].quota_exact == Decimal("2.5714")  # 72/112 × 4
    reasons = Counter((row.stratum, row.reason) for row in result.sample)
    assert reasons == {("A", "必选"): 8, ("B", "分层随机"): 1, ("C", "分层随机"): 3}
    assert all(row.detail == "金额>=500" for row in result.sample if row.reason == "必选")


def test_small_population_size_is_rounded_up():
    rows = [project(i, 50) for i in range(1, 38)]
    result = draw_sample(rows, SampleOptions(rate=Decimal("0.1"), seed=1))
    assert (result.eligible, result.mandatory, result.planned_size, result.sample_size) == (37, 0, 4, 4)


def test_allocate_largest_remainder():
    assert allocate({"B": 40, "C": 72}, 4) == {"B": 1, "C": 3}
    assert allocate({"A": 0, "B": 40, "C": 72}, 4) == {"A": 0, "B": 1, "C": 3}
    # equal remainders: the stratum whose name sorts first takes the seat
    assert allocate({"乙": 10, "甲": 10}, 1) == {"乙": 1, "甲": 0}  # 乙 U+4E59 < 甲 U+7532
    assert allocate({"B": 10, "A": 10, "C": 10}, 2) == {"B": 1, "A": 1, "C": 0}
    # k smaller than the number of strata: no minimum of one
    assert allocate({"A": 50, "B": 30, "C": 20}, 2) == {"A": 1, "B": 1, "C": 0}
    # k at least the number of strata: each non-empty stratum gets one, taken from the
    # stratum most above its quota
    assert allocate({"A": 97, "B": 2, "C": 1}, 3) == {"A": 1, "B": 1, "C": 1}
    assert allocate({"A": 97, "B": 2, "C": 1}, 4) == {"A": 2, "B": 1, "C": 1}
    assert allocate({"A": 5, "B": 5}, 0) == {"A": 0, "B": 0}
    assert allocate({"A": 2, "B": 1}, 10) == {"A": 2, "B": 1}  # never more than a stratum holds


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 60), max_size=7), st.integers(0, 200))
def test_allocate_properties(sizes, k):
    seats = allocate(sizes, k)
    total = sum(sizes.values())
    assert set(seats) == set(sizes)
    assert sum(seats.values()) == min(k, total)
    assert all(0 <= seats[s] <= sizes[s] for s in sizes)
    non_empty = [s for s in sizes if sizes[s] > 0]
    if k >= len(non_empty):
        assert all(seats[s] >= 1 for s in non_empty)


# ---------------------------------------------------------------------------------------------
# Size, mandatory, rotation, duplicates


def test_size_is_the_largest_of_rate_mandatory_and_min_capped_at_eligible():
    rows = [project(i, 10 * i) for i in range(1, 51)]
    assert draw_sample(rows, SampleOptions(rate=Decimal("0.1"), seed=1)).sample_size == 5
    assert draw_sample(rows, SampleOptions(rate=Decimal("0.1"), min_size=9, seed=1)).sample_size == 9
    many_mandatory = draw_sample(rows, SampleOptions(rate=Decimal("0.1"), must=["金额>=300"], seed=1))
    assert (many_mandatory.mandatory, many_mandatory.sample_size, many_mandatory.random_size) == (21, 21, 0)
    assert draw_sample(rows, SampleOptions(rate=Decimal("0.1"), min_size=80, seed=1)).sample_size == 50
    # ⌈0.07 × 100⌉ is 7 with exact decimals (0.07 × 100 = 7.000000000000001 in floats)
    hundred = [project(i, 1) for i in range(1, 101)]
    assert draw_sample(hundred, SampleOptions(rate=0.07, seed=1)).planned_size == 7


def test_rotation_removes_codes_from_the_random_part_only():
    rows = [project(i, 10 * i) for i in range(1, 41)]
    excluded = {f"P{i:04d}" for i in range(1, 26)} | {"P0040"}  # P0040 is mandatory (400万)
    options = SampleOptions(rate=Decimal("0.25"), must=["金额>=400"], exclude_codes=excluded)
    seen = set()
    for seed in range(30):
        options.seed = seed
        result = draw_sample(rows, options)
        assert result.excluded == 25
        assert "P0040" in codes(result, "必选")
        random_part = set(codes(result, "分层随机"))
        assert len(random_part) == 9 and not random_part & excluded  # 9 of the 14 left
        seen |= random_part
    assert seen == {f"P{i:04d}" for i in range(26, 40)}
    # the pool runs dry: the shortfall is reported, nothing excluded is drawn
    options = SampleOptions(rate=Decimal("0.5"), exclude_codes=excluded, seed=3)
    result = draw_sample(rows, options)
    assert (result.planned_size, result.excluded, result.sample_size, result.shortfall) == (20, 26, 14, 6)
    assert not set(codes(result)) & excluded


def test_duplicate_codes_are_dropped_and_counted():
    rows = [project(i, 10) for i in range(1, 11)]
    rows += [dict(rows[0]), dict(rows[1], 项目名称="项目2（重复）")]
    result = draw_sample(rows, SampleOptions(rate=Decimal("1"), seed=2))
    assert (result.population, result.duplicates, result.eligible, result.sample_size) == (12, 2, 10, 10)
    assert sorted(codes(result)) == [f"P{i:04d}" for i in range(1, 11)]


# ---------------------------------------------------------------------------------------------
# Reproducibility


def test_prefix_stability_a_larger_n_extends_the_sample():
    rows = [project(i, i) for i in range(1, 61)]
    for seed in (1, 42, 2025):
        small = draw_sample(rows, SampleOptions(rate=Decimal("0.01"), min_size=5, seed=seed))
        large = draw_sample(rows, SampleOptions(rate=Decimal("0.01"), min_size=8, seed=seed))
        assert len(small.sample) == 5 and len(large.sample) == 8
        assert set(codes(small)) < set(codes(large))


def test_input_order_does_not_matter():
    rows = abc_strata()
    options = SampleOptions(rate=Decimal("0.1"), must=["金额>=500"], strata=["类别"], seed=99)
    first = draw_sample(rows, options)
    shuffled = list(rows)
    random.Random(5).shuffle(shuffled)
    second = draw_sample(shuffled, options)
    assert codes(first) == codes(second)
    assert first.population_sha256 == second.population_sha256


def test_same_seed_same_sample_in_separate_processes():
    script = textwrap.dedent("""
        import json
        from decimal import Decimal
        from pbm.sampling.selection import SampleOptions, draw_sample
        rows = [{"项目编码": f"X{i:03d}", "项目名称": f"项目{i}", "主管部门": ["教育局", "卫健委", "交通局"][i % 3],
                 "金额": Decimal(i * 7 % 500), "灯色": "红" if i % 17 == 0 else "绿"} for i in range(300)]
        for method in ("random", "systematic", "pps"):
            result = draw_sample(rows, SampleOptions(rate=Decimal("0.1"), must=["灯色==红"], strata=["主管部门"],
                                                     method=method, seed=20250101))
            print(json.dumps([row.code for row in result.sample]))
    """)
    outputs = []
    for hash_seed in ("1", "2"):
        environment = dict(os.environ, PYTHONPATH=str(REPO), PYTHONHASHSEED=hash_seed)
        completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                   env=environment, cwd=REPO)
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1]
    lists = [json.loads(line) for line in outputs[0].splitlines()]
    assert len(lists) == 3 and all(len(codes_) == 30 for codes_ in lists)


def test_a_drawn_seed_is_recorded_and_reproduces_the_sample():
    rows = [project(i, i) for i in range(1, 101)]
    first = draw_sample(rows, SampleOptions(rate=Decimal("0.1")))
    assert first.seed_was_drawn and 0 <= first.seed < 10**9
    again = draw_sample(rows, SampleOptions(rate=Decimal("0.1"), seed=first.seed))
    assert not again.seed_was_drawn
    assert codes(again) == codes(first)


def test_draws_are_uniform_within_a_stratum():
    rows = [project(i, 10) for i in range(10)]
    counts = Counter()
    for seed in range(2000):
        result = draw_sample(rows, SampleOptions(rate=Decimal("0.1"), min_size=3, seed=seed))
        counts.update(codes(result))
    assert sum(counts.values()) == 6000
    chi_square = sum((counts[row["项目编码"]] - 600) ** 2 / 600 for row in rows)
    assert chi_square < 27.88  # df 9, p = 0.001


def test_population_fingerprint():
    rows = abc_strata()
    digest = population_sha256(rows)
    assert len(digest) == 64
    assert population_sha256(list(reversed(rows))) == digest
    assert population_sha256([dict(row, 金额=row["金额"].quantize(Decimal("0.0001"))) for row in rows]) == digest
    assert population_sha256([dict(row, 灯色="红") for row in rows]) == digest  # only the four fields
    changed = [dict(rows[0], 项目名称="另一个项目")] + rows[1:]
    assert population_sha256(changed) != digest
    assert population_sha256([dict(rows[0], 项目名称="a\tb")]) != population_sha256([dict(rows[0], 项目名称="a b")])


# ---------------------------------------------------------------------------------------------
# Methods


def test_systematic_picks_are_one_interval_apart():
    rows = [project(i, 10) for i in range(1, 21)]
    for seed in range(20):
        result = draw_sample(rows, SampleOptions(rate=Decimal("0.2"), method="systematic", seed=seed))
        positions = sorted(int(code[1:]) for code in codes(result, "系统抽样"))
        assert len(positions) == 4
        assert [b - a for a, b in itertools.pairwise(positions)] == [5, 5, 5]


def test_pps_takes_items_above_the_interval_with_certainty():
    rows = [project(1, 1000), project(2, 400)] + [project(i, 10) for i in range(3, 43)] + [project(43, 0)]
    options = SampleOptions(rate=Decimal("0.1"), method="pps")  # n = ⌈4.3⌉ = 5
    chosen_small = Counter()
    for seed in range(200):
        options.seed = seed
        result = draw_sample(rows, options)
        assert result.sample_size == 5
        # interval 1800/5 = 360: 1000 and then (800/4 = 200) 400 are certain
        assert sorted(codes(result, "PPS必选(超过抽样间距)")) == ["P0001", "P0002"]
        assert len(codes(result, "金额概率(PPS)")) == 3
        assert "P0043" not in codes(result)  # a zero amount has no chance
        chosen_small.update(codes(result, "金额概率(PPS)"))
    assert sum(chosen_small.values()) == 600 and len(chosen_small) > 30


def test_pps_with_no_amounts_left_falls_back_to_random_keys():
    # missing amounts have no weight (a zero amount is not eligible at all)
    rows = [project(i, None) for i in range(1, 11)]
    result = draw_sample(rows, SampleOptions(rate=Decimal("0.3"), method="pps", seed=4))
    assert result.sample_size == 3 and {row.reason for row in result.sample} == {"分层随机"}


def test_coverage_tops_up_with_the_largest_remaining_projects():
    rows = [project(i, 10 * i) for i in range(1, 21)]  # Σ = 2100
    options = SampleOptions(rate=Decimal("0.1"), coverage=Decimal("0.5"), seed=11,
                            exclude_codes={"P0020"})
    result = draw_sample(rows, options)
    topped = [row for row in result.sample if row.reason == "补足金额"]
    assert topped, "coverage 50 % cannot be met by two random projects"
    assert "P0020" not in codes(result)  # rotation is respected by the top-up as well
    amounts = [row.amount for row in topped]
    assert amounts == sorted(amounts, reverse=True)
    covered = sum(row.amount for row in result.sample)
    assert covered / Decimal(2100) >= Decimal("0.5")
    assert (covered - amounts[-1]) / Decimal(2100) < Decimal("0.5")  # no more than needed
    assert result.coverage_achieved == (covered / Decimal(2100)).quantize(Decimal("0.0001"))
    assert sum(s.topped_up for s in result.allocation) == len(topped)


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("population, options, code, params", [
    ([], SampleOptions(seed=1), "SAMPLE-EMPTY", {}),
    ([project(1, 1)], SampleOptions(rate=Decimal(0)), "SAMPLE-BAD-RATE", {"value": "0"}),
    ([project(1, 1)], SampleOptions(rate=Decimal("1.5")), "SAMPLE-BAD-RATE", {"value": "1.5"}),
    ([project(1, 1)], SampleOptions(rate="abc"), "SAMPLE-BAD-RATE", {"value": "abc"}),
    ([project(1, 1)], SampleOptions(min_size=-1), "SAMPLE-BAD-MIN", {"value": "-1"}),
    ([project(1, 1)], SampleOptions(coverage=Decimal("1.2")), "SAMPLE-BAD-COVERAGE", {"value": "1.2"}),
    ([project(1, 1)], SampleOptions(method="cluster"), "SAMPLE-BAD-METHOD", {"method": "cluster"}),
    ([project(1, 1)], SampleOptions(must=["金额>>5"]), "SAMPLE-BAD-RULE", {"rule": "金额>>5"}),
    ([project(1, 1)], SampleOptions(must=["灯色==红"]), "SAMPLE-UNKNOWN-COLUMN",
     {"column": "灯色", "available": "项目编码、项目名称、主管部门、金额"}),
    ([project(1, 1)], SampleOptions(strata=["区县"]), "SAMPLE-UNKNOWN-COLUMN",
     {"column": "区县", "available": "项目编码、项目名称、主管部门、金额"}),
])
def test_errors(population, options, code, params):
    with pytest.raises(PbmError) as caught:
        draw_sample(population, options)
    error = caught.value
    assert error.code == code
    assert params.items() <= error.params.items()
    for language in ("zh", "en"):
        text = error.message(language)
        assert text != code and "{" not in text


def test_every_sample_code_is_in_the_catalogue_in_both_languages():
    entries = {code: entry for code, entry in catalogue().items() if code.startswith("SAMPLE-")}
    assert set(entries) == {"SAMPLE-EMPTY", "SAMPLE-BAD-RATE", "SAMPLE-BAD-COVERAGE", "SAMPLE-BAD-MIN",
                            "SAMPLE-BAD-METHOD", "SAMPLE-BAD-RULE", "SAMPLE-UNKNOWN-COLUMN", "SAMPLE-BAD-PLAN",
                            "SAMPLE-PLAN-TOO-LARGE", "SAMPLE-NO-PROJECTS", "SAMPLE-NO-POPULATION",
                            "SAMPLE-COVERAGE-SHORT", "SAMPLE-SHORTFALL", "SAMPLE-AMOUNT-UNREADABLE",
                            "SAMPLE-AMOUNT-MISSING", "SAMPLE-DUPLICATE-CODE", "SAMPLE-ZERO-AMOUNT",
                            "SAMPLE-NONE-ELIGIBLE"}
    warnings = ("SAMPLE-COVERAGE-SHORT", "SAMPLE-SHORTFALL", "SAMPLE-AMOUNT-UNREADABLE",
                "SAMPLE-AMOUNT-MISSING", "SAMPLE-DUPLICATE-CODE")
    for code, entry in entries.items():
        expected = "warning" if code in warnings else "info" if code == "SAMPLE-ZERO-AMOUNT" else "error"
        assert entry["severity"] == expected
        assert all(entry[key] for key in ("zh", "en", "hint_zh", "hint_en"))


# ---------------------------------------------------------------------------------------------
# The record


def test_to_dict_has_the_contract_keys_and_is_json():
    result = draw_sample(abc_strata(), SampleOptions(must=["金额>=500"], strata=["类别"], seed=5))
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    summary = data["summary"]
    assert {key: summary[key] for key in ("population", "eligible", "mandatory", "sample_size", "seed")} == \
        {"population": 120, "eligible": 120, "mandatory": 8, "sample_size": 12, "seed": 5}
    assert summary["population_sha256"] == population_sha256(abc_strata())
    assert len(data["sample"]) == 12
    assert set(data["sample"][0]) >= {"code", "name", "department", "amount", "stratum", "reason"}
    assert data["sample"][0] == {"code": "P0001", "name": "项目1", "department": "教育局", "amount": 601.0,
                                 "stratum": "A", "reason": "必选", "detail": "金额>=500"}


def test_to_sheets_writes_sample_strata_and_notes():
    rows = [project(i, 100 * i, 灯色="红" if i == 3 else "绿") for i in range(1, 11)]
    result = draw_sample(rows, SampleOptions(rate=Decimal("0.2"), must=["灯色==红"], seed=8))
    sheets = {name: (header, body) for name, header, body in result.to_sheets()}
    assert list(sheets) == ["样本", "分层", "说明"]
    header, body = sheets["样本"]
    assert header[:8] == ["序号", "项目编码", "项目名称", "主管部门", "金额（万元）", "分层", "抽中原因", "抽中依据"]
    assert header[8:] == ["灯色"]
    assert body[0][:8] == [1, "P0003", "项目3", "教育局", 300.0, "全部", "必选", "灯色==红"]
    assert len(body) == 2
    header, body = sheets["分层"]
    assert body[-1][0] == "合计" and body[-1][1] == 10
    notes = dict(sheets["说明"][1])
    assert notes["随机种子"] == "8"
    assert notes["抽样比例"] == "20%"
    assert notes["必选规则"] == "灯色==红"
    assert notes["总体SHA-256"] == result.population_sha256
    assert notes["排除(轮换)数量"] == "0"
    assert notes["复现命令"] == ""
    assert {"抽样方法", "最小样本量", "分层", "总体数量"} <= set(notes)


def test_amount_classes_from_the_preset_tables():
    # pbm.toml [[sample.classes]] tables arrive as dicts; bounds are min inclusive, max exclusive
    classes = [{"name": "A", "min": 500}, {"name": "B", "min": 100, "max": 500}, {"name": "C", "max": 100}]
    rows = [project(1, 500), project(2, "499.99"), project(3, 100), project(4, "99.99"), project(5, None)]
    result = draw_sample(rows, SampleOptions(rate=Decimal(1), strata=["类别"], classes=classes, seed=1))
    assert {row.code: row.stratum for row in result.sample} == \
        {"P0001": "A", "P0002": "B", "P0003": "B", "P0004": "C", "P0005": "无金额"}
