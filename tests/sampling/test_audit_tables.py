"""Every published cell of tests/data/audit_sampling_tables.csv (see tests/data/README.md).

The CSV ships with the repository.  It is the oracle:
1,140 sample sizes (AICPA Appendix A/C, jfa statistical tables, SRA, EZ-Quant, AuditSampler)
and 264 upper deviation limits (AICPA A-3/A-4).  Sample sizes are checked against
``exact_decimal_sample_size`` — the smallest sufficient size with exact decimal arithmetic —
which differs from jfa's float answer in the two rows flagged float-sensitive; the cells the
sources misprint (AICPA 112, SRA values rounded down) are checked to be one short.
"""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from pathlib import Path

import pytest

from pbm.sampling import planning
from pbm.sampling.planning import evaluate, is_sufficient, plan_sample_size

TABLES = Path(__file__).resolve().parents[1] / "data" / "audit_sampling_tables.csv"


def _rows() -> list[dict[str, str]]:
    if not TABLES.is_file():
        pytest.fail(f"the audit-sampling oracle is missing: {TABLES} "
                    "(it ships in tests/data with the repository; restore it, do not skip)")
    with TABLES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _plan(row: dict[str, str]):
    population = int(row["population_size"]) if row["population_size"] else None
    return plan_sample_size(Decimal(row["confidence"]), Decimal(row["tolerable_rate"]),
                            Decimal(row["expected_rate"]), population=population, method=row["method"])


def _describe(row: dict[str, str]) -> str:
    return (f"{row['table_id']} {row['method']} c={row['confidence']} p={row['tolerable_rate']} "
            f"e={row['expected_rate']} N={row['population_size'] or '-'}")


def test_the_oracle_is_complete():
    rows = _rows()
    assert len(rows) == 1404
    kinds = [row["kind"] for row in rows]
    assert kinds.count("sample_size") == 1140
    assert kinds.count("upper_limit") == 264
    assert {row["method"] for row in rows} == {"binomial", "poisson", "hypergeometric"}


def test_every_published_sample_size():
    mismatches = []
    checked = 0
    for row in _rows():
        if row["kind"] != "sample_size":
            continue
        checked += 1
        plan = _plan(row)
        expected_size = int(row["exact_decimal_sample_size"])
        if plan.sample_size != expected_size:
            mismatches.append(f"{_describe(row)}: got {plan.sample_size}, table {expected_size}")
            continue
        # planned deviations: the CSV column is jfa's (float) x; for the two float-sensitive
        # rows the exact x is one lower (14 instead of 15, 91 instead of 92)
        if row["float_sensitive"] == "yes":
            wanted_x = Decimal(int(row["expected_errors_in_sample"]) - 1)
        else:
            wanted_x = Decimal(row["expected_errors_in_sample"])
        if plan.planned_deviations != wanted_x:
            mismatches.append(f"{_describe(row)}: planned deviations {plan.planned_deviations}, table {wanted_x}")
    assert checked == 1140
    assert not mismatches, f"{len(mismatches)} of {checked} cells differ:\n" + "\n".join(mismatches)


def test_every_published_upper_limit():
    mismatches = []
    checked = 0
    for row in _rows():
        if row["kind"] != "upper_limit":
            continue
        checked += 1
        result = evaluate(int(row["sample_size"]), int(row["deviations_found"]),
                          Decimal(row["confidence"]), method=row["method"])
        published = Decimal(row["upper_limit_pct"])
        # the tables round UP to 0.1 %; the exact ceiling and the ceiling of the bisected
        # bound must both give the printed value
        from_bound = Decimal(math.ceil(result.upper_limit * 1000)) / 10
        if result.upper_limit_percent != published or from_bound != published:
            mismatches.append(f"{row['table_id']} n={row['sample_size']} k={row['deviations_found']}: "
                              f"{result.upper_limit} → {result.upper_limit_percent} %, table {published} %")
    assert checked == 264
    assert not mismatches, f"{len(mismatches)} of {checked} cells differ:\n" + "\n".join(mismatches)


def test_misprinted_cells_are_one_short_and_the_documented_size_is_the_smallest():
    flagged = [row for row in _rows() if row["kind"] == "sample_size"
               and row["printed_value"] and row["printed_value"] != row["exact_decimal_sample_size"]]
    # AICPA A-2 prints 112 twice; SRA rounds 15 zero-error Poisson sizes down
    assert len(flagged) == 17
    assert sum(row["printed_value"] == "112" for row in flagged) == 2
    for row in flagged:
        population = int(row["population_size"]) if row["population_size"] else None
        arguments = (Decimal(row["confidence"]), Decimal(row["tolerable_rate"]), Decimal(row["expected_rate"]))
        printed, exact = int(row["printed_value"]), int(row["exact_decimal_sample_size"])
        assert printed == exact - 1, _describe(row)
        assert not is_sufficient(printed, *arguments, population=population, method=row["method"]), _describe(row)
        assert is_sufficient(exact, *arguments, population=population, method=row["method"]), _describe(row)


def test_float_sensitive_cells_follow_exact_decimals_not_jfa():
    rows = [row for row in _rows() if row["float_sensitive"] == "yes"]
    assert [(row["tolerable_rate"], row["expected_rate"], row["sample_size"], row["exact_decimal_sample_size"])
            for row in rows] == [("0.05", "0.035", "423", "400"), ("0.08", "0.07", "1313", "1300")]
    # the trap itself: binary doubles plan one deviation too many
    assert math.ceil(0.035 * 400) == 15 and math.ceil(0.07 * 1300) == 92
    for row in rows:
        plan = _plan(row)
        exact = int(row["exact_decimal_sample_size"])
        assert plan.sample_size == exact
        assert plan.planned_deviations == Decimal(row["expected_rate"]) * exact  # 14 and 91 exactly
        arguments = (Decimal(row["confidence"]), Decimal(row["tolerable_rate"]), Decimal(row["expected_rate"]))
        assert not is_sufficient(exact - 1, *arguments)
    # plain float arguments take the same exact path (read through their repr)
    assert plan_sample_size(0.9, 0.05, 0.035).sample_size == 400


def test_exact_arithmetic_alone_reproduces_a_cross_section(monkeypatch):
    """With the float screen switched off every decision is made by the exact evaluators
    (integer binomial/hypergeometric sums, 60-digit incomplete gamma) — they must agree."""
    monkeypatch.setattr(planning, "_SCREEN_MARGIN", math.inf)
    by_method: dict[str, list[dict[str, str]]] = {}
    for row in _rows():
        if row["kind"] == "sample_size" and int(row["exact_decimal_sample_size"]) <= 160:
            by_method.setdefault(row["method"], []).append(row)
    mismatches = []
    for _, rows in sorted(by_method.items()):
        sample = rows[:: max(1, len(rows) // 8)][:8]
        for row in sample:
            size = _plan(row).sample_size
            if size != int(row["exact_decimal_sample_size"]):
                mismatches.append(f"{_describe(row)}: exact path {size}")
    assert sum(len(rows[:: max(1, len(rows) // 8)][:8]) for rows in by_method.values()) >= 20
    assert not mismatches, "\n".join(mismatches)
