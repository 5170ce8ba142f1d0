"""Attribute-sampling plans and evaluations (`sample plan`, with jfa's semantics)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbm.errors import PbmError
from pbm.sampling import planning
from pbm.sampling.planning import Evaluation, Plan, evaluate, is_sufficient, plan_sample_size

REPO = Path(__file__).resolve().parents[2]


def test_zero_error_closed_forms():
    # jfa's closed forms: binomial ⌈ln(1−c)/ln(1−p)⌉ (95 %, 5 % → 59), Poisson ⌈−ln(1−c)/p⌉ → 60
    assert plan_sample_size("0.95", "0.05").sample_size == 59
    assert plan_sample_size("0.95", "0.05", method="poisson").sample_size == 60
    plan = plan_sample_size(Decimal("0.95"), Decimal("0.05"))
    assert plan.planned_deviations == 0 and plan.method == "binomial" and plan.population is None


def test_expected_errors_are_rounded_up_for_binomial_and_kept_fractional_for_poisson():
    binomial = plan_sample_size("0.95", "0.05", "0.01")
    assert (binomial.sample_size, binomial.planned_deviations) == (93, Decimal(1))  # AICPA A-1
    poisson = plan_sample_size("0.95", "0.05", "0.01", method="poisson")
    assert poisson.planned_deviations == Decimal("0.01") * poisson.sample_size
    assert poisson.planned_deviations != poisson.planned_deviations.to_integral_value()


def test_hypergeometric_uses_the_population():
    # EZ-Quant: 95 %, 8 % tolerable, no expected errors, N = 500 → 35 (binomial would be 36)
    plan = plan_sample_size("0.95", "0.08", population=500, method="hypergeometric")
    assert (plan.sample_size, plan.population) == (35, 500)
    assert plan_sample_size("0.95", "0.08").sample_size == 36


def test_a_printed_size_one_short_is_not_sufficient():
    # AICPA A-2 prints 112; P(X ≤ 4 | n = 112, p = 0.07) = 0.1007 > 0.10
    tail = sum(math.comb(112, k) * Fraction(7, 100) ** k * Fraction(93, 100) ** (112 - k) for k in range(5))
    assert Fraction(1, 10) < tail < Fraction(1008, 10000)
    assert not is_sufficient(112, "0.90", "0.07", "0.035")
    assert is_sufficient(113, "0.90", "0.07", "0.035")
    assert plan_sample_size("0.90", "0.07", "0.035").sample_size == 113


def test_rates_as_float_decimal_string_and_percent_agree():
    sizes = {plan_sample_size(c, p, e).sample_size
             for c, p, e in [(0.95, 0.05, 0.01), (Decimal("0.95"), Decimal("0.05"), Decimal("0.01")),
                             ("0.95", "0.05", "0.01"), ("95%", "5%", "1%")]}
    assert sizes == {93}


def test_bad_plans_are_refused_with_their_option():
    cases = [
        (dict(confidence=1.2, tolerable=0.05), "SAMPLE-BAD-PLAN", "confidence"),
        (dict(confidence=0.95, tolerable=0), "SAMPLE-BAD-PLAN", "tolerable"),
        (dict(confidence=0.95, tolerable="abc"), "SAMPLE-BAD-PLAN", "tolerable"),
        (dict(confidence=0.95, tolerable=0.05, expected=0.05), "SAMPLE-BAD-PLAN", "expected"),
        (dict(confidence=0.95, tolerable=0.05, expected=-0.01), "SAMPLE-BAD-PLAN", "expected"),
        (dict(confidence=0.95, tolerable=0.05, method="hypergeometric"), "SAMPLE-BAD-PLAN", "population"),
        (dict(confidence=0.95, tolerable=0.05, method="hypergeometric", population=0), "SAMPLE-BAD-PLAN",
         "population"),
    ]
    for arguments, code, option in cases:
        with pytest.raises(PbmError) as caught:
            plan_sample_size(**arguments)
        assert (caught.value.code, caught.value.params["option"]) == (code, option), arguments
    with pytest.raises(PbmError) as caught:
        plan_sample_size(0.95, 0.05, method="normal")
    assert caught.value.code == "SAMPLE-BAD-METHOD"
    assert caught.value.params["method"] == "normal"


def test_an_unreachable_plan_says_so():
    with pytest.raises(PbmError) as caught:
        plan_sample_size("0.95", "0.05", "0.049", max_size=2000)
    assert caught.value.code == "SAMPLE-PLAN-TOO-LARGE"
    assert caught.value.params["limit"] == 2000
    # a finite population caps the search too (every unit is not enough for 2 % of 40)
    with pytest.raises(PbmError) as caught:
        plan_sample_size("0.95", "0.05", "0.02", population=40, method="binomial")
    assert caught.value.params["limit"] == 40


def test_binomial_upper_limit_is_clopper_pearson():
    result = evaluate(20, 0, "0.95")
    # k = 0: 1 − α^(1/n) exactly
    getcontext().prec = 40
    closed_form = 1 - Decimal("0.05") ** (Decimal(1) / 20)
    assert abs(result.upper_limit - closed_form) < Decimal("1E-10")
    assert result.upper_limit_percent == Decimal("14.0")  # AICPA A-3 prints 14.0
    assert (result.n, result.deviations, result.method, result.confidence) == (20, 0, "binomial", Decimal("0.95"))


def test_poisson_upper_limit_is_qgamma_over_n():
    result = evaluate(60, 0, "0.95", method="poisson")
    assert abs(result.upper_limit - Decimal(-math.log(0.05) / 60)) <= Decimal("1E-10")  # kept to 10 places
    # one deviation: λ with e^−λ (1 + λ) = 0.05 is 4.7438645…
    result = evaluate(100, 1, "0.95", method="poisson")
    assert abs(result.upper_limit - Decimal("0.047438645")) < Decimal("1E-9")


def test_hypergeometric_upper_limit_matches_brute_force():
    population, n, k = 200, 30, 1
    alpha = Fraction(1, 20)

    def cdf(errors):
        return Fraction(sum(math.comb(errors, j) * math.comb(population - errors, n - j) for j in range(k + 1)),
                        math.comb(population, n))
    worst = max(errors for errors in range(k, population + 1) if cdf(errors) > alpha)
    result = evaluate(n, k, "0.95", population=population, method="hypergeometric")
    assert result.upper_limit == Decimal(worst) / population
    assert result.population == population


def test_every_unit_deviating_bounds_nothing():
    result = evaluate(10, 10, "0.95")
    assert (result.upper_limit, result.upper_limit_percent) == (Decimal(1), Decimal(100))
    assert evaluate(10, 10, "0.95", population=10, method="hypergeometric").upper_limit == Decimal(1)


def test_evaluate_refuses_impossible_counts():
    for arguments in [dict(n=0, deviations=0), dict(n=10, deviations=11), dict(n=10, deviations=-1),
                      dict(n=50, deviations=0, population=40)]:
        with pytest.raises(PbmError) as caught:
            evaluate(confidence="0.95", **arguments)
        assert caught.value.code == "SAMPLE-BAD-PLAN"


def test_results_are_json_ready_with_the_contract_keys():
    plan = plan_sample_size("0.95", "0.05", "0.01")
    assert isinstance(plan, Plan)
    summary = plan.to_dict()
    assert {"sample_size", "method", "confidence", "tolerable", "expected"} <= set(summary)
    assert json.loads(json.dumps(summary))["sample_size"] == 93
    result = evaluate(100, 2, "0.95")
    assert isinstance(result, Evaluation)
    summary = result.to_dict()
    assert {"upper_limit", "n", "deviations", "method", "confidence"} <= set(summary)
    # the bound solves P(Bin(100, u) ≤ 2) = 0.05; AICPA A-3 prints it rounded up: 6.2 %
    bound = Fraction(result.upper_limit)
    tail = sum(math.comb(100, k) * bound ** k * (1 - bound) ** (100 - k) for k in range(3))
    assert abs(tail - Fraction(1, 20)) < Fraction(1, 10**8)
    assert summary["upper_limit"] == float(result.upper_limit.quantize(Decimal("0.000001")))
    assert summary["upper_limit_percent"] == 6.2
    assert json.loads(json.dumps(summary))["n"] == 100


def test_incomplete_gamma_in_decimal():
    # Q(1/2, x) = erfc(√x) — an independent closed form for a non-integer shape
    for x in ("0.3", "2", "7.5"):
        value = planning._gamma_q_decimal(Decimal("0.5"), Decimal(x))
        assert abs(float(value) - math.erfc(math.sqrt(float(x)))) < 1e-14
    # the series path agrees with the Poisson identity next to an integer shape
    integer = planning._gamma_q_decimal(Decimal(5), Decimal("3.7"))
    nearby = planning._gamma_q_decimal(Decimal(5) + Decimal("1E-40"), Decimal("3.7"))
    assert abs(integer - nearby) < Decimal("1E-35")
    poisson_cdf = sum(Decimal(math.exp(-3.7)) * Decimal("3.7") ** k / math.factorial(k) for k in range(5))
    assert abs(integer - poisson_cdf) < Decimal("1E-14")


def test_planning_imports_no_heavy_library():
    code = ("import sys, pbm.sampling.planning; "
            "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'pyarrow') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert output.stdout.strip() == "[]"


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["0.80", "0.90", "0.95", "0.99"]), st.integers(2, 30), st.integers(0, 60),
       st.sampled_from(["binomial", "poisson", "hypergeometric"]))
def test_the_planned_size_is_sufficient_and_one_less_is_not(confidence, tolerable_pct, expected_share, method):
    tolerable = Decimal(tolerable_pct) / 100
    expected = (tolerable * expected_share / 100).quantize(Decimal("0.0001"))
    population = 2000 if method == "hypergeometric" else None
    plan = plan_sample_size(confidence, tolerable, expected, population=population, method=method)
    arguments = dict(population=population, method=method)
    assert is_sufficient(plan.sample_size, confidence, tolerable, expected, **arguments)
    assert not is_sufficient(plan.sample_size - 1, confidence, tolerable, expected, **arguments)


def test_evaluate_refuses_a_sample_beyond_the_plan_limit_and_a_huge_hypergeometric_population():
    with pytest.raises(PbmError) as caught:
        evaluate(planning.MAX_EVALUATED_SIZE + 1, 1, "0.95")
    assert caught.value.code == "SAMPLE-BAD-PLAN" and caught.value.params["option"] == "n"
    for call in (lambda: evaluate(60, 1, "0.95", population=10**18, method="hypergeometric"),
                 lambda: plan_sample_size("0.95", "0.05", population=10**18, method="hypergeometric")):
        with pytest.raises(PbmError) as caught:
            call()
        assert caught.value.code == "SAMPLE-BAD-PLAN" and caught.value.params["option"] == "population"
    # binomial and Poisson only record the population: any size is taken
    assert evaluate(60, 1, "0.95", population=10**18).population == 10**18


def test_evaluate_at_the_limits_is_quick():
    import time

    top = planning.MAX_EVALUATED_SIZE
    started = time.monotonic()
    # the worst cases once took minutes: half the sample deviating, all but one deviating
    assert evaluate(top, top // 2, "0.95").upper_limit_percent == Decimal("50.6")
    assert evaluate(2000, 1999, "0.95").upper_limit_percent == Decimal(100)  # was ZeroDivisionError
    assert evaluate(top, top - 1, "0.95", method="poisson").upper_limit > 1  # Poisson may pass 100 %
    result = evaluate(top, top // 2, "0.95", population=planning.MAX_HYPERGEOMETRIC_POPULATION,
                      method="hypergeometric")
    assert result.upper_limit_percent == Decimal("50.6")
    assert time.monotonic() - started < 30


def test_hypergeometric_screen_defers_to_integers_near_the_bound_of_a_large_population(monkeypatch):
    # N = 5,000,000: the double-precision screen sums exp() of differences of ln Γ values near
    # ln Γ(N+1) ≈ 7e7, and is trusted only outside a margin that grows with it.  Here the
    # risk of n = 60 lies 3 millionths below α: planning a size must decide it by the integers,
    # as evaluating a sample does, not by the float (its margin was 0.1 millionth).
    population, n = 5_000_000, 60
    errors = -(-5 * population // 100)
    risk = planning._hypergeometric_cdf_exact(population, errors, n, 0)
    alpha = Decimal(repr(float(risk) * (1 + 3e-6)))
    exact_calls = []
    real = planning._hypergeometric_cdf_exact
    monkeypatch.setattr(planning, "_hypergeometric_cdf_exact",
                        lambda *args: exact_calls.append(args) or real(*args))
    assert is_sufficient(n, str(1 - alpha), "0.05", population=population,
                         method="hypergeometric") is (risk <= Fraction(alpha))
    assert exact_calls == [(population, errors, n, 0)]
