"""Attribute-sampling plans and evaluations (`pbm sample plan` / `evaluate`).

The semantics are those of jfa (koenderks/jfa: R/planning.R): the sample size is
the smallest n whose upper bound at confidence c is strictly below the tolerable rate, with
planned deviations x = expected·n rounded **up** for the binomial and hypergeometric plans and
kept fractional for the Poisson plan.  Unlike jfa the product expected·n is exact
(``Decimal``), so 0.035 × 400 is 14, not 14.000000000000002 as in binary doubles.

How each bound is decided without special-function round-off:

* binomial: qbeta(c, 1+x, n−x) < p  ⇔  P(Bin(n, p) ≤ x) < 1−c, a finite sum of integers
  (``math.comb``) compared exactly;
* hypergeometric: jfa's bound max{K : P(X ≤ x | N, K, n) > 1−c}/N < p  ⇔
  P(X ≤ x | N, K₀ = ⌈p·N⌉, n) ≤ 1−c, again exact integers;
* Poisson: qgamma(c, 1+x, rate=n) < p  ⇔  Q(1+x, n·p) < 1−c (Q = regularised upper incomplete
  gamma; for integer x it is P(Poisson(n·p) ≤ x)), evaluated in ``decimal`` with 60 digits.

A double-precision evaluation screens every candidate n first (fast); only when it lies within
a relative 1e-7 of 1−c — far wider than its own error — is the exact evaluation consulted, so
every decision is the exact one.  The search never walks n = 1, 2, 3 … with huge numbers: it
starts at the zero-error bound and, for binomial/hypergeometric plans, jumps over whole runs
of n that share the same x (within such a run sufficiency is monotone in n).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from functools import lru_cache

from pbm.errors import PbmError

METHODS = ("binomial", "poisson", "hypergeometric")

#: candidates above this size are not searched (jfa stops at 5,000 by default).
DEFAULT_MAX_SIZE = 20_000

#: the largest sample ``evaluate`` accepts: the largest size a plan can call for.  A sample is
#: units examined one by one; a larger n is a typo or a population, not a sample.
MAX_EVALUATED_SIZE = DEFAULT_MAX_SIZE

#: the largest population the hypergeometric method takes.  With n ≤ 20,000 the finite-population
#: correction is then under 0.2 % (the binomial answer), while its exact combinatorics would take
#: minutes and its double-precision screen loses its digits (ln Γ(N+1) grows past 1e8).
MAX_HYPERGEOMETRIC_POPULATION = 10_000_000

# Relative half-width around 1−c inside which the float screen defers to exact arithmetic.
_SCREEN_MARGIN = 1e-7
# Distance from a printed 0.1 % step beyond which a bisected bound (±1e-12) rounds up unaided.
_STEP_GUARD = Fraction(1, 10**10)
_DECIMAL_DIGITS = 60
_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899")


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Plan:
    """A planned attribute sample: the smallest sufficient size and the deviations it allows."""

    sample_size: int
    method: str
    confidence: Decimal
    tolerable: Decimal
    expected: Decimal
    population: int | None
    planned_deviations: Decimal  # x: an integer for binomial/hypergeometric, fractional for Poisson

    def to_dict(self) -> dict:
        """The `sample plan` JSON summary keys (a contract); numbers as JSON numbers."""
        return {
            "sample_size": self.sample_size,
            "method": self.method,
            "confidence": float(self.confidence),
            "tolerable": float(self.tolerable),
            "expected": float(self.expected),
            "population": self.population,
            "planned_deviations": _json_number(self.planned_deviations),
        }


@dataclass
class Evaluation:
    """The achieved upper deviation limit of an evaluated attribute sample."""

    upper_limit: Decimal  # a fraction (0.0788 = 7.88 %), accurate to 1e-10
    n: int
    deviations: int
    method: str
    confidence: Decimal
    population: int | None
    upper_limit_percent: Decimal  # rounded UP to 0.1 % as the AICPA tables print it (exact)

    @property
    def most_likely_rate(self) -> Decimal:
        return (Decimal(self.deviations) / Decimal(self.n)).quantize(Decimal("0.000001"))

    def to_dict(self) -> dict:
        """The `sample evaluate` JSON summary keys; upper_limit as a fraction, 6 places."""
        return {
            "upper_limit": float(self.upper_limit.quantize(Decimal("0.000001"), ROUND_HALF_UP)),
            "upper_limit_percent": float(self.upper_limit_percent),
            "n": self.n,
            "deviations": self.deviations,
            "method": self.method,
            "confidence": float(self.confidence),
            "population": self.population,
            "most_likely_rate": float(self.most_likely_rate),
        }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# Public API


def plan_sample_size(confidence, tolerable, expected=0, *, population: int | None = None,
                     method: str = "binomial", max_size: int = DEFAULT_MAX_SIZE) -> Plan:
    """Smallest n whose upper bound at ``confidence`` is strictly below ``tolerable``.

    Rates are fractions (0.05 = 5 %); floats are read through their shortest repr, so 0.035 is
    exactly 35/1000.  ``population`` is required for the hypergeometric plan (finite
    population, as in jfa); for the other methods it is recorded and caps the size.
    Raises ``PbmError`` SAMPLE-BAD-PLAN / SAMPLE-BAD-METHOD / SAMPLE-PLAN-TOO-LARGE.
    """
    method = _check_method(method)
    c = _rate(confidence, "confidence")
    p = _rate(tolerable, "tolerable")
    e = _rate(expected, "expected", allow_zero=True)
    if e >= p:
        raise PbmError("SAMPLE-BAD-PLAN", option="expected", value=str(e),
                       reason=f"须小于可容忍偏差率 {p}", reason_en=f"must be below the tolerable rate {p}")
    n_units = _population(population, method)
    if method == "hypergeometric" and \
            math.ceil(Fraction(e) * n_units) >= math.ceil(Fraction(p) * n_units):
        raise PbmError("SAMPLE-BAD-PLAN", option="expected", value=str(e),
                       reason="预期偏差数不小于可容忍偏差数",
                       reason_en="expected errors reach the tolerable errors")
    limit = max_size if n_units is None else min(max_size, n_units)
    test = _Criterion(method, c, p, e, n_units)
    size = test.smallest_sufficient(limit)
    if size is None:
        raise PbmError("SAMPLE-PLAN-TOO-LARGE", limit=limit, method=method)
    return Plan(sample_size=size, method=method, confidence=c, tolerable=p, expected=e,
                population=n_units, planned_deviations=test.planned_deviations(size))


def is_sufficient(n: int, confidence, tolerable, expected=0, *, population: int | None = None,
                  method: str = "binomial") -> bool:
    """Whether a sample of ``n`` meets the plan (bound < tolerable), decided exactly.

    Used to show that a printed table value is one short, e.g. AICPA A-2 prints 112 where
    P(X ≤ 4 | n=112, p=0.07) = 0.1007 > 0.10.
    """
    method = _check_method(method)
    test = _Criterion(method, _rate(confidence, "confidence"), _rate(tolerable, "tolerable"),
                      _rate(expected, "expected", allow_zero=True),
                      _population(population, method))
    return test.sufficient(n)


def evaluate(n: int, deviations: int, confidence, *, population: int | None = None,
             method: str = "binomial") -> Evaluation:
    """Upper deviation limit after finding ``deviations`` in a sample of ``n`` (jfa semantics).

    binomial: the p with P(Bin(n, p) ≤ k) = 1−c (one-sided Clopper–Pearson, qbeta(c, 1+k, n−k));
    Poisson: qgamma(c, 1+k)/n; hypergeometric: max{K : P(X ≤ k | N, K, n) > 1−c}/N.
    """
    method = _check_method(method)
    c = _rate(confidence, "confidence")
    n_units = _population(population, method)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise PbmError("SAMPLE-BAD-PLAN", option="n", value=str(n),
                       reason="须为正整数", reason_en="must be a positive integer")
    if isinstance(deviations, bool) or not isinstance(deviations, int) or not 0 <= deviations <= n:
        raise PbmError("SAMPLE-BAD-PLAN", option="deviations", value=str(deviations),
                       reason="须为 0 到样本量之间的整数", reason_en="must be an integer from 0 to n")
    if n_units is not None and n > n_units:
        raise PbmError("SAMPLE-BAD-PLAN", option="n", value=str(n),
                       reason=f"超过总体数量 {n_units}", reason_en=f"exceeds the population {n_units}")
    if n > MAX_EVALUATED_SIZE:
        raise PbmError("SAMPLE-BAD-PLAN", option="n", value=str(n),
                       reason=f"超过可评价的最大样本量 {MAX_EVALUATED_SIZE}（即 sample plan 的上限）",
                       reason_en=f"exceeds the largest sample evaluated, {MAX_EVALUATED_SIZE} "
                                 "(the limit of sample plan)")
    alpha = 1 - Fraction(c)
    step = Fraction(1, 1000)  # 0.1 % — the printed precision of AICPA Appendix A tables 3/4
    if method == "binomial" and deviations == n:
        upper = percent = Fraction(1)  # every unit deviates: nothing bounds the rate below 100 %
    elif method == "binomial":
        upper = _binomial_upper(n, deviations, alpha)
        above = lambda q: _binomial_cdf_exact(n, deviations, q) <= alpha  # noqa: E731
        percent = _ceiling_to_step(upper, step, above)
    elif method == "poisson":
        upper = _poisson_upper(n, deviations, alpha)
        above = lambda q: (  # noqa: E731
            _gamma_q_decimal(Decimal(1 + deviations), _dec(q * n)) <= _dec(alpha))
        percent = _ceiling_to_step(upper, step, above)
    else:
        worst = _hypergeometric_upper_errors(n_units, n, deviations, alpha)
        upper = Fraction(worst, n_units)
        percent = math.ceil(upper / step) * step
    return Evaluation(
        upper_limit=_dec(upper).quantize(Decimal("1E-10"), ROUND_HALF_UP),
        n=n, deviations=deviations, method=method, confidence=c, population=n_units,
        upper_limit_percent=(Decimal(percent.numerator) / Decimal(percent.denominator) * 100)
        .quantize(Decimal("0.1"), ROUND_CEILING),
    )


# ---------------------------------------------------------------------------------------------
# Input checks


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise PbmError("SAMPLE-BAD-METHOD", method=str(method), allowed=", ".join(METHODS))
    return method


def _rate(value, option: str, *, allow_zero: bool = False) -> Decimal:
    """A rate as an exact Decimal; floats go through repr so 0.035 stays 0.035."""
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, float):
            rate = Decimal(repr(value))
        elif isinstance(value, Fraction):
            rate = _dec(value)
        elif isinstance(value, str) and value.strip().endswith("%"):
            rate = Decimal(value.strip()[:-1]) / 100  # "5%" → 0.05
        else:
            rate = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise PbmError("SAMPLE-BAD-PLAN", option=option, value=str(value),
                       reason="不是数字", reason_en="not a number") from None
    low_ok = rate >= 0 if allow_zero else rate > 0
    if not rate.is_finite() or not low_ok or rate >= 1:
        raise PbmError("SAMPLE-BAD-PLAN", option=option, value=str(value),
                       reason="须在 0 与 1 之间", reason_en="must lie between 0 and 1")
    return rate


def _population(value, method: str) -> int | None:
    """The population size: required by, and bounded for, the hypergeometric method."""
    if value is None:
        if method == "hypergeometric":
            raise PbmError("SAMPLE-BAD-PLAN", option="population", value="",
                           reason="超几何分布需要总体数量",
                           reason_en="the hypergeometric plan needs the population size")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PbmError("SAMPLE-BAD-PLAN", option="population", value=str(value),
                       reason="须为正整数", reason_en="must be a positive integer")
    if method == "hypergeometric" and value > MAX_HYPERGEOMETRIC_POPULATION:
        raise PbmError("SAMPLE-BAD-PLAN", option="population", value=str(value),
                       reason=f"超几何法的总体数量上限为 {MAX_HYPERGEOMETRIC_POPULATION}；"
                              "总体更大时与二项法结果相同，请用 --method binomial",
                       reason_en=f"the hypergeometric method takes populations up to "
                                 f"{MAX_HYPERGEOMETRIC_POPULATION}; beyond, it gives the binomial "
                                 "result: use --method binomial")
    return value


def _dec(value: Fraction | int) -> Decimal:
    value = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = _DECIMAL_DIGITS
        return Decimal(value.numerator) / Decimal(value.denominator)


# ---------------------------------------------------------------------------------------------
# The sufficiency criterion and the search for the smallest n


class _Criterion:
    """Decides, exactly, whether a sample of n reaches the plan."""

    def __init__(self, method: str, confidence: Decimal, tolerable: Decimal, expected: Decimal,
                 population: int | None):
        self.method = method
        self.p = Fraction(tolerable)
        self.e = Fraction(expected)
        self.alpha = 1 - Fraction(confidence)
        self.alpha_float = float(self.alpha)
        self.population = population
        if method == "hypergeometric":
            # jfa: population errors at the tolerable rate, K = ceiling(materiality * N)
            self.tolerable_errors = math.ceil(self.p * population)

    def planned_deviations(self, n: int) -> Decimal:
        if self.method == "poisson":
            return _dec(self.e * n).normalize() if self.e else Decimal(0)
        return Decimal(math.ceil(self.e * n))

    # -- one n --------------------------------------------------------------------------------

    def sufficient(self, n: int) -> bool:
        if n < 1 or (self.population is not None and n > self.population):
            return False
        if self.method == "poisson":
            x = self.e * n
            return self._decide(
                _gamma_q_float(1 + float(x), n * float(self.p)),
                lambda: _gamma_q_decimal(1 + _dec(x), _dec(self.p * n)) < _dec(self.alpha))
        x = math.ceil(self.e * n)
        if n <= x:  # jfa skips sizes that do not exceed the planned errors
            return False
        if self.method == "binomial":
            return self._decide(_binomial_cdf_float(n, x, float(self.p)),
                                lambda: _binomial_cdf_exact(n, x, self.p) < self.alpha)
        population, errors = self.population, self.tolerable_errors
        if errors <= x:
            return False
        return self._decide(
            _hypergeometric_cdf_float(population, errors, n, x),
            lambda: _hypergeometric_cdf_exact(population, errors, n, x) <= self.alpha,
            _screen_margin(self.alpha_float, population, x))

    def _decide(self, screened: float, exact: Callable[[], bool],
                margin: float | None = None) -> bool:
        if margin is None:
            margin = _screen_margin(self.alpha_float)
        if screened < self.alpha_float - margin:
            return True
        if screened > self.alpha_float + margin:
            return False
        return exact()

    # -- the search ---------------------------------------------------------------------------

    def smallest_sufficient(self, limit: int) -> int | None:
        start = max(1, min(self._zero_error_lower_bound(), limit))
        if self.method == "poisson":
            # x = e·n moves continuously with n; scan (cheap in the float screen).
            for n in range(start, limit + 1):
                if self.sufficient(n):
                    return n
            return None
        n = start
        while n <= limit:
            x = math.ceil(self.e * n)
            # every m in [n, last] plans the same x; for a fixed x sufficiency is monotone in m
            last = limit if self.e == 0 else min(limit, math.floor(x / self.e))
            if self.sufficient(last):
                return self._first_in_run(n, last)
            n = last + 1
        return None

    def _first_in_run(self, low: int, high: int) -> int:
        """First sufficient m in [low, high], knowing high is sufficient (monotone run)."""
        # gallop from the low end first: the answer is usually near the start of a long run
        step = 1
        probe = low
        while probe < high and not self.sufficient(probe):
            low = probe + 1
            probe = min(high, low + step)
            step *= 2
        high = probe
        while low < high:
            middle = (low + high) // 2
            if self.sufficient(middle):
                high = middle
            else:
                low = middle + 1
        return low

    def _zero_error_lower_bound(self) -> int:
        """A size below which no plan can be sufficient: P(no error) ≥ 1−c there.

        Any x ≥ 0 keeps P(X ≤ x) ≥ P(X = 0), so sizes under the zero-error closed form
        (binomial ln(1−c)/ln(1−p), Poisson −ln(1−c)/p) fail; one is subtracted so that float
        rounding can only make the start earlier, never later.
        """
        if self.method == "hypergeometric":
            return 1
        log_alpha = math.log(self.alpha_float)
        per_unit = -math.log1p(-float(self.p)) if self.method == "binomial" else float(self.p)
        return max(1, math.floor(-log_alpha / per_unit) - 1)


# ---------------------------------------------------------------------------------------------
# Binomial


def _binomial_cdf_float(n: int, x: int, p: float) -> float:
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(n + 1)
    total = 0.0
    for k in range(x + 1):
        log_term = log_n - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q
        total += math.exp(log_term)
    return total


def _binomial_cdf_exact(n: int, x: int, p: Fraction) -> Fraction:
    """P(Bin(n, p) ≤ x) as an exact fraction: Σ C(n,k) a^k (b−a)^(n−k) / b^n for p = a/b."""
    a, b = p.numerator, p.denominator
    rest = b - a
    if rest == 0:  # p = 1: every unit deviates
        return Fraction(1 if x >= n else 0)
    term = rest ** n  # k = 0
    total = term
    for k in range(min(x, n)):
        # C(n,k+1) a^(k+1) rest^(n−k−1) from C(n,k) a^k rest^(n−k); both divisions are exact
        term = term // rest * a * (n - k) // (k + 1)
        total += term
    return Fraction(total, b ** n)


def _binomial_cdf_decimal(n: int, x: int, p: Decimal) -> Decimal:
    """P(Bin(n, p) ≤ x) for 0 < p < 1, each term from the last: O(x) multiplications."""
    q = 1 - p
    ratio = p / q
    term = total = q ** n  # k = 0
    for k in range(min(x, n)):
        term = term * ratio * (n - k) / (k + 1)
        total += term
    return total


def _binomial_upper(n: int, k: int, alpha: Fraction) -> Fraction:
    """The p with P(Bin(n, p) ≤ k) = α (qbeta(1−α, k+1, n−k)), by bisection in 60 digits."""
    if k >= n:
        return Fraction(1)
    target = _dec(alpha)
    with localcontext() as ctx:
        ctx.prec = _DECIMAL_DIGITS
        low, high = Decimal(0), Decimal(1)
        while high - low > Decimal("1E-13"):
            middle = (low + high) / 2
            if _binomial_cdf_decimal(n, k, middle) > target:
                low = middle
            else:
                high = middle
        return Fraction((low + high) / 2)


# ---------------------------------------------------------------------------------------------
# Hypergeometric


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _screen_margin(target: float, population: int | None = None, x: int = 0) -> float:
    """The half-width around ``target`` inside which a double-precision screen defers to exact
    arithmetic.  A hypergeometric screen sums exp() of differences of ln Γ values near
    ln Γ(N+1), so its error, and its margin, grow with that (the same margin when a size is
    planned and when a sample is evaluated)."""
    if population is None:
        return target * _SCREEN_MARGIN
    return target * (_SCREEN_MARGIN + 1e-13 * (math.lgamma(population + 1) + x))


def _hypergeometric_cdf_float(population: int, errors: int, n: int, x: int) -> float:
    denominator = _log_comb(population, n)
    good = population - errors
    total = 0.0
    for k in range(max(0, n - good), min(x, errors, n) + 1):
        total += math.exp(_log_comb(errors, k) + _log_comb(good, n - k) - denominator)
    return total


def _hypergeometric_cdf_exact(population: int, errors: int, n: int, x: int) -> Fraction:
    return Fraction(_hypergeometric_hits(population, errors, n, x), _comb(population, n))


def _hypergeometric_hits(population: int, errors: int, n: int, x: int) -> int:
    """Σ_{k ≤ x} C(K,k)·C(G,n−k): the samples of n with at most x errors (an exact integer)."""
    good = population - errors
    first, last = max(0, n - good), min(x, errors, n)
    if last < first:
        return 0
    # each term from the one before: two binomials once, then exact integer steps
    term = math.comb(errors, first) * math.comb(good, n - first)
    hits = term
    for k in range(first, last):
        term = term * (errors - k) * (n - k) // ((k + 1) * (good - n + k + 1))
        hits += term
    return hits


@lru_cache(maxsize=4)
def _comb(n: int, k: int) -> int:
    return math.comb(n, k)


def _hypergeometric_cdf_above(population: int, errors: int, n: int, x: int,
                              alpha: Fraction) -> bool:
    """P(X ≤ x | N, K, n) > α, decided exactly; a double-precision screen settles clear cases.

    The screen's error grows with ln Γ(N+1) (each log term is a difference of such values), so
    its margin does too; inside the margin the integers decide, compared without a Fraction.
    """
    screened = _hypergeometric_cdf_float(population, errors, n, x)
    target = float(alpha)
    margin = _screen_margin(target, population, x)
    if screened > target + margin:
        return True
    if screened < target - margin:
        return False
    hits = _hypergeometric_hits(population, errors, n, x)
    return hits * alpha.denominator > alpha.numerator * _comb(population, n)


def _hypergeometric_upper_errors(population: int, n: int, k: int, alpha: Fraction) -> int:
    """jfa .qhyper: the largest K in [k, N] with P(X ≤ k | N, K, n) > α (decreasing in K)."""
    low, high = k, population  # P(X ≤ k | K = k) = 1 > α, so low always qualifies
    while low < high:
        middle = (low + high + 1) // 2
        if _hypergeometric_cdf_above(population, middle, n, k, alpha):
            low = middle
        else:
            high = middle - 1
    return low


# ---------------------------------------------------------------------------------------------
# Poisson: the regularised upper incomplete gamma Q(a, λ)


def _gamma_q_float(a: float, lam: float) -> float:
    """Q(a, λ) in double precision (series below a+1, Lentz continued fraction above)."""
    log_prefactor = -lam + a * math.log(lam) - math.lgamma(a)
    if lam < a + 1:
        term = total = 1.0 / a
        denominator = a
        while True:
            denominator += 1
            term *= lam / denominator
            total += term
            if abs(term) < abs(total) * 1e-17:
                break
        return 1.0 - total * math.exp(log_prefactor)
    tiny = 1e-300
    b = lam + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16 or i > 10_000:
            break
    return math.exp(log_prefactor) * h


def _gamma_q_decimal(a: Decimal, lam: Decimal) -> Decimal:
    """Q(a, λ) with 60 significant digits.

    Integer a: the exact identity Q(x+1, λ) = P(Poisson(λ) ≤ x) = e^−λ Σ λ^k/k!.
    Other a: Q = 1 − P with the everywhere-convergent series
    P(a, λ) = e^−λ λ^a / Γ(a+1) · Σ_k λ^k / ((a+1)…(a+k)) (positive terms, no cancellation
    inside the sum; P ≤ 1 so 1 − P keeps ~55 correct digits).
    """
    with localcontext() as ctx:
        ctx.prec = _DECIMAL_DIGITS + 10
        if a == a.to_integral_value():
            term = total = Decimal(1)
            for k in range(1, int(a)):
                term = term * lam / k
                total += term
            return +(total * (-lam).exp())
        term = total = Decimal(1)
        denominator = a
        threshold = Decimal(10) ** -(_DECIMAL_DIGITS + 5)
        while True:
            denominator += 1
            term = term * lam / denominator
            total += term
            if term < total * threshold and denominator > lam:
                break
        log_lower = -lam + a * lam.ln() - _ln_gamma_decimal(a + 1)
        return +(1 - total * log_lower.exp())


@lru_cache(maxsize=1)
def _stirling_coefficients() -> tuple[Fraction, ...]:
    """B_2j / (2j (2j−1)) for j = 1…20 (Bernoulli numbers by the Akiyama–Tanigawa algorithm)."""
    size = 41
    bernoulli = []
    row = [Fraction(0)] * (size + 1)
    for m in range(size + 1):
        row[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        bernoulli.append(row[0])  # B_m with B_1 = +1/2 (unused)
    return tuple(bernoulli[2 * j] / (2 * j * (2 * j - 1)) for j in range(1, 21))


def _ln_gamma_decimal(z: Decimal) -> Decimal:
    """ln Γ(z) for z > 0: shift z above 40, then Stirling's series to B_40 (error < 1e-50)."""
    with localcontext() as ctx:
        ctx.prec = _DECIMAL_DIGITS + 10
        shift = Decimal(0)
        while z < 40:
            shift += z.ln()
            z += 1
        result = (z - Decimal("0.5")) * z.ln() - z + (2 * _PI).ln() / 2
        power = z
        z_squared = z * z
        for coefficient in _stirling_coefficients():
            result += Decimal(coefficient.numerator) / Decimal(coefficient.denominator) / power
            power *= z_squared
        return result - shift


def _poisson_upper(n: int, k: int, alpha: Fraction) -> Fraction:
    """qgamma(1−α, 1+k, rate=n): the λ/n with P(Poisson(λ) ≤ k) = α, bisection in 60 digits."""
    target = _dec(alpha)
    a = Decimal(1 + k)
    with localcontext() as ctx:
        ctx.prec = _DECIMAL_DIGITS
        low, high = Decimal(0), Decimal(k + 10)
        while _gamma_q_decimal(a, high) > target:
            high *= 2
        while high - low > Decimal("1E-12") * n:
            middle = (low + high) / 2
            if _gamma_q_decimal(a, middle) > target:
                low = middle
            else:
                high = middle
        return Fraction((low + high) / 2) / n


def _ceiling_to_step(value: Fraction, step: Fraction,
                     at_or_above: Callable[[Fraction], bool]) -> Fraction:
    """The smallest multiple m·step with value ≤ m·step, decided by the exact ``at_or_above``.

    ``value`` is a bisection result (±1e-12); the exact test settles the boundary case where
    the true bound sits within that distance of a printed step, and is skipped elsewhere.
    """
    below = math.floor(value / step)
    if _STEP_GUARD < value - below * step < step - _STEP_GUARD:
        return (below + 1) * step
    m = max(0, below - 1)
    while not at_or_above(m * step):
        m += 1
    return m * step
