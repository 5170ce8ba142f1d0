"""Scoring rules of the 单位自评 (self-evaluation): indicators, budget execution, project total.

Sources: 预算执行率 and the quantitative rules (positive, reverse R2, equal, zero target, negative
actual) as the vendors' budget systems score them; positive and reverse R1, the 不适用 rescale and
aggregation across units from local 自评表 notes; qualitative tiers from a vendor's tier check;
grades on the 财政部预算司 bands.  Every score is a ``Decimal`` rounded ROUND_HALF_UP to 2
decimals per indicator; the total is the sum of those, rounded again to 2 decimals.

The functions here are pure: they neither read workbooks nor print.  Findings for a spot
check (复核) are built by :mod:`pbm.scoring.recheck`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.indicators import normalise_op
from pbm.scoring.grades import DEFAULT_GRADE_BANDS, grade_for, sorted_bands
from pbm.values.model import _absurd
from pbm.workbook.table import IndicatorTable

# Quantizing with module-level constants keeps the hot loop free of context changes.
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)

POSITIVE = "≥"
POSITIVE_STRICT = ">"
REVERSE = "≤"
REVERSE_STRICT = "<"
EQUAL = "="
QUALITATIVE = "定性"
_POSITIVE_OPS = frozenset({POSITIVE, POSITIVE_STRICT})
_REVERSE_OPS = frozenset({REVERSE, REVERSE_STRICT})

#: The vendor's qualitative tiers: share of the weight per outcome; [low, high), the top tier
#: (high = 1) inclusive of the full weight.
DEFAULT_QUALITATIVE_TIERS: tuple[tuple[str, Decimal, Decimal], ...] = (
    ("达成", Decimal("0.8"), Decimal("1.0")),
    ("部分达成", Decimal("0.6"), Decimal("0.8")),
    ("未达成", Decimal("0"), Decimal("0.6")),
)

#: Rule labels of :class:`IndicatorScore` in Chinese, for workbooks and findings.
RULE_LABELS_ZH = {
    "positive": "正向（达标满分，否则按比例）",
    "reverse-R1": "反向（比值法）",
    "reverse-R2": "反向（线性扣减法）",
    "equal": "等于（达标满分，否则按比例）",
    "equal-zero": "等于零（为零满分，否则零分）",
    "qualitative": "定性（按达成档次）",
    "inapplicable": "不适用（剔除后折算）",
    "unscorable": "无法计分",
}


def to_decimal(value: Any) -> Decimal | None:
    """A Decimal from a Decimal/int/str (or float via its shortest repr); None for None/blank.
    ValueError for text that is no number, nan/inf and absurd magnitudes (1e30: MAX_EXPONENT)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr gives the shortest string that round-trips: 0.8 → "0.8", not 0.8000000000000000444
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    if not number.is_finite() or _absurd(number):
        raise ValueError(f"not a number: {value!r}")
    return number


@dataclass(frozen=True)
class ScoreRules:
    """Settings of the score command — the ``[score]`` table of pbm.toml."""

    execution_weight: Decimal = Decimal(10)  # 10: 财预〔2020〕10号; 20: provincial preset
    execution_cap: Decimal | None = None  # None → equal to execution_weight (pbm's own cap)
    reverse_rule: str = "R1"  # "R1" ratio (local 自评表) | "R2" linear (vendor)
    indicator_weight_total: Decimal = Decimal(90)  # 三级 weights; + execution = 100
    tolerance: Decimal = Decimal("0.5")  # |claimed − recomputed| beyond this is reported
    grade_bands: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADE_BANDS
    qualitative_tiers: tuple[tuple[str, Decimal, Decimal], ...] = DEFAULT_QUALITATIVE_TIERS
    qualitative_defaults: Mapping[str, Decimal] = field(default_factory=dict)
    over_achievement_ratio: Decimal = Decimal("1.3")  # vendor rule for 广西: 130 %
    over_achievement_zero_target: Decimal = Decimal(30)  # same rule: target 0 → actual ≥ 30
    min_output_benefit_weight: Decimal = Decimal(60)  # 财预〔2020〕10号 产出 + 效益 ≥ 60

    def __post_init__(self) -> None:
        # Accept ints/floats/strings from callers and config, store Decimals only.
        for name in ("execution_weight", "indicator_weight_total", "tolerance",
                     "over_achievement_ratio", "over_achievement_zero_target",
                     "min_output_benefit_weight"):
            object.__setattr__(self, name, _setting_decimal(name, getattr(self, name)))
        if self.execution_cap is not None:
            object.__setattr__(self, "execution_cap",
                               _setting_decimal("execution_cap", self.execution_cap))
        if self.reverse_rule not in ("R1", "R2"):
            raise PbmError("CONFIG-BAD-VALUE", key="score.reverse_rule",
                           value=repr(self.reverse_rule), reason="unknown rule",
                           allowed="R1, R2")
        object.__setattr__(self, "grade_bands", sorted_bands(
            (name, _setting_decimal("grade_bands", low)) for name, low in self.grade_bands))
        tiers = tuple((name, _setting_decimal("qualitative_tiers", low),
                       _setting_decimal("qualitative_tiers", high))
                      for name, low, high in self.qualitative_tiers)
        object.__setattr__(self, "qualitative_tiers",
                           tuple(sorted(tiers, key=lambda tier: tier[1], reverse=True)))
        # Lookups used once per qualitative line, built once here (not dataclass fields).
        object.__setattr__(self, "_tier_bounds", {
            name: (low, high, high >= ONE) for name, low, high in self.qualitative_tiers})
        object.__setattr__(self, "_tier_names_longest_first", tuple(
            sorted((tier[0] for tier in self.qualitative_tiers), key=len, reverse=True)))
        object.__setattr__(self, "qualitative_defaults", {
            name: _setting_decimal("qualitative_defaults", share)
            for name, share in dict(self.qualitative_defaults).items()})

    @property
    def effective_execution_cap(self) -> Decimal:
        """The most the execution line can score (the weight unless a cap is configured)."""
        return self.execution_weight if self.execution_cap is None else self.execution_cap

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> ScoreRules:
        """Build from the ``[score]`` table of pbm.toml; keys unknown here are ignored.

        ``grade_bands`` is ``{"优" = 90, …}``, ``qualitative_tiers`` is
        ``{"达成" = [0.8, 1.0], …}``, ``qualitative_defaults`` is ``{"达成" = 1, …}``.
        The lead validates the whole config against its JSON Schema before this runs.
        """
        kwargs: dict[str, Any] = {}
        for name in ("execution_weight", "execution_cap", "indicator_weight_total",
                     "tolerance", "over_achievement_ratio", "over_achievement_zero_target",
                     "min_output_benefit_weight"):
            if section.get(name) is not None:
                kwargs[name] = section[name]
        if "reverse_rule" in section:
            kwargs["reverse_rule"] = str(section["reverse_rule"]).strip().upper()
        bands = section.get("grade_bands")
        if bands:
            pairs = bands.items() if isinstance(bands, Mapping) else bands
            kwargs["grade_bands"] = tuple((str(name), low) for name, low in pairs)
        tiers = section.get("qualitative_tiers")
        if tiers:
            if isinstance(tiers, Mapping):
                kwargs["qualitative_tiers"] = tuple(
                    (str(name), bounds[0], bounds[1]) for name, bounds in tiers.items())
            else:
                kwargs["qualitative_tiers"] = tuple(tuple(tier) for tier in tiers)
        defaults = section.get("qualitative_defaults")
        if defaults:
            kwargs["qualitative_defaults"] = dict(defaults)
        return cls(**kwargs)

    def tier(self, name: str) -> tuple[Decimal, Decimal, bool] | None:
        """(low share, high share, high inclusive) of a qualitative tier, or None."""
        return self._tier_bounds.get(name)  # type: ignore[attr-defined]

    def normalise_tier(self, text: str | None) -> str | None:
        """The configured tier a cell's outcome text names (达成 / 部分达成 / 未达成).

        "部分达成年度指标并具有一定效果" → 部分达成; "未达成…" → 未达成; "达成年度指标" →
        达成.  Longer tier names are tried first because "达成" is inside the others.
        """
        if not text:
            return None
        cleaned = text.strip()
        for name in self._tier_names_longest_first:  # type: ignore[attr-defined]
            if cleaned.startswith(name):
                return name
        return None


def _setting_decimal(name: str, value: Any) -> Decimal:
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise PbmError("CONFIG-BAD-VALUE", key=f"score.{name}", value=repr(value),
                       reason="not a number", allowed="a number")
    return number


@dataclass(slots=True)
class IndicatorInput:
    """One 三级 indicator line of a 自评表 as the reader parsed it (池州市贵池区 2022 columns)."""

    name: str
    level1: str | None = None
    level2: str | None = None
    op: str | None = None  # "≥" ">" "≤" "<" "=" or None; "定性" for qualitative
    target: Decimal | None = None
    target_text: str = ""
    actual: Decimal | None = None
    actual_text: str = ""
    actual_tier: str | None = None  # 达成/部分达成/未达成 for qualitative lines
    weight: Decimal | None = None
    claimed: Decimal | None = None  # the unit's own 得分
    applicable: bool = True  # 不适用 → False
    actual_has_op: bool = False  # the actual cell carried an operator ("≥266米")
    unit: str | None = None
    timeliness: bool = False  # a 时效 line judged by dates: scored as ≥ 1 (on time) or 0
    written: str | None = None  # the operator a 时效 line writes (≤2026年12月)
    table: IndicatorTable | None = None  # where the line's cells are (None: an aggregate)
    line: int = 0

    @property
    def written_op(self) -> str | None:
        """The operator as the workbook writes it, for display: a 时效 line (≤2026年12月) is
        scored as ≥ 1 (on time) but shows its own ≤."""
        return self.written if self.timeliness else self.op

    def cell(self, name: str) -> str | None:
        """The A1 of one of the line's cells (target, actual, weight, score …)."""
        return self.table.a1(name, self.line) if self.table is not None else None

    @property
    def file(self) -> str | None:
        return self.table.file if self.table is not None else None

    @property
    def sheet(self) -> str | None:
        return self.table.sheet if self.table is not None else None

    @property
    def row(self) -> int:
        return self.table.rows[self.line] if self.table is not None else 0


@dataclass(slots=True)
class IndicatorScore:
    """The recomputed score of one indicator.

    ``rule`` is one of positive | reverse-R1 | reverse-R2 | equal | equal-zero |
    qualitative | inapplicable | unscorable.  ``met`` says whether the actual value
    reaches the target (达成 for qualitative lines), independent of rounding: 99.96 of
    ≥100 scores 10.00 of 10 after rounding but is not met.  ``allowed_range`` is the
    (lowest, highest) 2-decimal score of a qualitative line's tier.
    """

    indicator: IndicatorInput
    recomputed: Decimal | None
    rule: str
    full: bool
    achieved_ratio: Decimal | None  # actual ÷ target, 4 decimals; None when not defined
    notes: list[str]
    met: bool | None = None
    allowed_range: tuple[Decimal, Decimal] | None = None
    tier: str | None = None

    @property
    def claimed(self) -> Decimal | None:
        return self.indicator.claimed

    @property
    def difference(self) -> Decimal | None:
        """claimed − recomputed (positive: the unit scored itself higher)."""
        if self.indicator.claimed is None or self.recomputed is None:
            return None
        return self.indicator.claimed - self.recomputed

    def to_dict(self) -> dict[str, Any]:
        ind = self.indicator
        return {
            "name": ind.name,
            "level1": ind.level1,
            "level2": ind.level2,
            "op": ind.op,
            "target": ind.target_text or _num(ind.target),
            "actual": ind.actual_text or _num(ind.actual),
            "actual_tier": ind.actual_tier,
            "weight": _num(ind.weight),
            "claimed": _num(ind.claimed),
            "recomputed": _num(self.recomputed),
            "difference": _num(self.difference),
            "rule": self.rule,
            "rule_zh": RULE_LABELS_ZH.get(self.rule, self.rule),
            "met": self.met,
            "full": self.full,
            "achieved_ratio": _num(self.achieved_ratio),
            "applicable": ind.applicable,
            "notes": list(self.notes),
            "file": ind.file, "sheet": ind.sheet, "cell": ind.cell("score"),
        }


def _num(value: Decimal | None) -> float | None:
    # JSON has no Decimal; 2-decimal scores survive the float round trip exactly as text.
    return None if value is None else float(value)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _unscorable(ind: IndicatorInput, reason: str) -> IndicatorScore:
    return IndicatorScore(ind, None, "unscorable", False, None, [reason])


def score_indicator(ind: IndicatorInput, rules: ScoreRules) -> IndicatorScore:
    """Recompute one indicator's score (quantitative by direction, qualitative within its tier).

    * 正向 (≥, >, or no operator): A ≥ T → w, else w × A / T.
    * 反向 (≤, <): A ≤ T → w, else R1 w × T / A, or R2 w × (1 − (A − T)/T) and 0 from 2T on;
      a zero target scores 0 as soon as A > 0.
    * 等于 (=): T > 0 as positive; T = 0 → w when A = 0, else 0.
    * A < 0 is treated as 0 ([厂商]); the result is capped to [0, w].
    * ">" and "<" are scored as "≥" and "≤": at A = T the proportional formula gives w
      anyway, so only the met flag could differ and a tie is treated as met.
    """
    if not ind.applicable:
        return IndicatorScore(ind, None, "inapplicable", False, None, [])
    op = normalise_op(ind.op)
    if op == QUALITATIVE or (op is None and ind.actual is None and ind.actual_tier):
        return _score_qualitative(ind, rules)
    weight = ind.weight
    if weight is None:
        return _unscorable(ind, "no-weight")
    if weight < ZERO:
        return _unscorable(ind, "negative-weight")
    target = ind.target
    if target is None:
        return _unscorable(ind, "no-target")
    actual = ind.actual
    if actual is None:
        return _unscorable(ind, "no-actual")
    if target < ZERO:
        return _unscorable(ind, "negative-target")
    notes: list[str] = []
    if actual < ZERO:
        actual = ZERO
        notes.append("negative-actual-as-zero")

    if op in _REVERSE_OPS:
        met = actual <= target
        rule = "reverse-R1" if rules.reverse_rule == "R1" else "reverse-R2"
        if met:
            score = weight
        elif target == ZERO:
            score = ZERO
        elif rule == "reverse-R1":
            score = _round(weight * target / actual)
        elif actual >= target * TWO:
            score = ZERO
        else:
            # w × (1 − (A − T)/T) written as w × (2T − A)/T: one division, one rounding
            score = _round(weight * (target * TWO - actual) / target)
    elif op == EQUAL and target == ZERO:
        rule = "equal-zero"
        met = actual <= ZERO
        score = weight if met else ZERO
    else:
        if op is None:
            notes.append("no-operator-scored-as-positive")
        elif op not in _POSITIVE_OPS and op != EQUAL:
            return _unscorable(ind, "unknown-operator")
        rule = "equal" if op == EQUAL else "positive"
        met = actual >= target  # a zero target is always met (A ≥ 0 after the clamp)
        score = weight if met else _round(weight * actual / target)

    if score > weight:
        score = weight
        notes.append("capped-at-weight")
    elif score < ZERO:
        score = ZERO
    ratio = (actual / target).quantize(RATE_PLACES, ROUND_HALF_UP) if target > ZERO else None
    return IndicatorScore(ind, _round(score), rule, score == weight, ratio, notes, met)


def qualitative_range(weight: Decimal, low: Decimal, high: Decimal,
                      inclusive: bool) -> tuple[Decimal, Decimal]:
    """Lowest and highest 2-decimal score inside a tier [low×w, high×w) (the vendor's tier check).

    Weight 10, 部分达成 [0.6, 0.8) → (6.00, 7.99); 达成 [0.8, 1.0] → (8.00, 10.00).
    """
    lowest = (low * weight).quantize(CENT, ROUND_CEILING)
    upper = high * weight
    if inclusive:
        highest = upper.quantize(CENT, ROUND_FLOOR)
    else:
        highest = upper.quantize(CENT, ROUND_CEILING) - CENT
    return lowest, highest


def in_tier(claimed: Decimal, weight: Decimal, low: Decimal, high: Decimal,
            inclusive: bool) -> bool:
    """Whether a claimed score lies in the tier's exact interval (no rounding first)."""
    if claimed < low * weight:
        return False
    upper = high * weight
    return claimed <= upper if inclusive else claimed < upper


def _score_qualitative(ind: IndicatorInput, rules: ScoreRules) -> IndicatorScore:
    """The evaluator's score must lie in the tier of the outcome (the vendor's tier check).

    Claimed inside → recomputed = claimed.  Outside → the nearest allowed score (the tier's
    lowest, or its highest: an exclusive upper bound minus 0.01) and a note the recheck
    turns into S-QUAL-OUT-OF-TIER.  Blank → the configured default share × weight, else the
    tier's lowest score (note ``tier-minimum``: 8.00 of 10 for 达成, 0 only for the lowest
    tier), so a known outcome never counts below its own tier; the recheck reports the line
    (S-MISSING-SCORE) and says the project's total and grade are a lower bound.
    """
    weight = ind.weight
    if weight is None:
        return _unscorable(ind, "no-weight")
    if weight < ZERO:
        return _unscorable(ind, "negative-weight")
    tier_name = rules.normalise_tier(ind.actual_tier or ind.actual_text)
    if tier_name is None:
        return _unscorable(ind, "no-tier")
    low, high, inclusive = rules.tier(tier_name)  # type: ignore[misc]
    met = inclusive  # the top tier is 达成
    if weight == ZERO:
        return IndicatorScore(ind, ZERO, "qualitative", True, None, [], met, (ZERO, ZERO),
                              tier_name)
    lowest, highest = qualitative_range(weight, low, high, inclusive)
    notes: list[str] = []
    claimed = ind.claimed
    if claimed is None:
        share = rules.qualitative_defaults.get(tier_name)
        if share is None:
            # the tiers allow only scores inside them: the floor, never 0 for 达成
            recomputed = lowest
            notes.append("tier-minimum")
        else:
            recomputed = _round(share * weight)
            notes.append("default-share")
            if recomputed < lowest or recomputed > highest:
                # a misconfigured default share must not produce a score outside its own tier
                recomputed = min(max(recomputed, lowest), highest)
                notes.append("default-share-clamped-to-tier")
    elif in_tier(claimed, weight, low, high, inclusive):
        # 7.995 in [6, 8) would round to 8.00 — keep it inside the tier
        recomputed = min(max(_round(claimed), lowest), highest)
    elif claimed < low * weight:
        recomputed = lowest
        notes.append("claimed-below-tier")
    else:
        recomputed = highest
        notes.append("claimed-above-tier")
    return IndicatorScore(ind, recomputed, "qualitative", recomputed == weight, None, notes,
                          met, (lowest, highest), tier_name)


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    """执行率 = 全年执行数 / 全年预算数 (自评表 columns), 4 decimals; None if budget is 0/None."""
    exact = _exact_rate(budget, executed)
    return None if exact is None else exact.quantize(RATE_PLACES, ROUND_HALF_UP)


def _exact_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    if budget is None or executed is None or budget <= ZERO:
        return None
    return executed / budget


def score_execution(budget: Decimal | None, executed: Decimal | None,
                    rules: ScoreRules) -> tuple[Decimal | None, Decimal | None]:
    """(execution rate, score): score = min(rate, 1) × weight, 2 dp half-up, ≤ cap (vendor rule).

    The score comes from the exact rate, not the 4-decimal display rate, so it is rounded
    once: 200 and 186.5 → (0.9325, 9.33).
    """
    exact = _exact_rate(budget, executed)
    if exact is None:
        return None, None
    share = min(max(exact, ZERO), ONE)
    score = _round(share * rules.execution_weight)
    cap = rules.effective_execution_cap
    if score > cap:
        score = _round(cap)
    return exact.quantize(RATE_PLACES, ROUND_HALF_UP), score


def aggregate_rate(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """A relative value (rate) summarised across units, weighted by funding (local 自评表 note).

    [(0.95, 60), (0.85, 40)] → 0.91.  None when there is no funding to weight by.  Parts
    with a missing rate or amount are left out (they carry no weight).
    """
    weighted = ZERO
    amount_total = ZERO
    for rate, amount in parts:
        if rate is None or amount is None:
            continue
        weighted += rate * amount
        amount_total += amount
    if amount_total == ZERO:
        return None
    return weighted / amount_total


def aggregate_count(parts: Iterable[Decimal | None]) -> Decimal:
    """An absolute value (count, amount) summarised across units: the sum (local 自评表 note)."""
    total = ZERO
    for value in parts:
        if value is not None:
            total += value
    return total


@dataclass
class ProjectScore:
    """A project's recomputed self-evaluation: lines, execution, total, grade, findings.

    ``total`` is the indicator scores plus the execution score; when some indicators are
    不适用 it is rescaled to 100 over the applicable weight (local 自评表 practice, e.g.
    81 of 90 applicable → 90.00).  ``difference`` = claimed_total − total.
    """

    indicators: list[IndicatorScore]
    execution_rate: Decimal | None
    execution_score: Decimal | None
    indicator_total: Decimal
    total: Decimal
    grade: str | None  # None: a part neither rescored nor claimed, the total a lower bound
    claimed_total: Decimal | None
    difference: Decimal | None
    findings: list[Finding]
    project: str | None = None
    file: str | None = None
    sheet: str | None = None
    budget: Decimal | None = None
    executed: Decimal | None = None
    claimed_execution: Decimal | None = None
    raw_total: Decimal = ZERO  # before rescaling
    applicable_weight: Decimal = ZERO  # applicable indicator weights (+ execution weight)
    rescaled: bool = False
    total_cell: str | None = None
    execution_cell: str | None = None  # the unit's execution 得分 (else the amount executed)
    executed_cell: str | None = None  # 全年执行数
    claimed_grade: str | None = None  # the unit's own 自评等级, as written
    grade_cell: str | None = None
    lines: int = 0  # applicable lines
    rechecked: int = 0  # of them, rescored by pbm (the others keep the unit's own score)
    kept: Decimal = ZERO  # the unit's own scores counted as they are (lines not rescored)
    unjudged: int = 0  # lines (and the execution part) neither rescored nor claimed
    short_weight: Decimal | None = None  # every line weighted, yet short of 100 with execution
    has_execution: bool = False  # an execution part, scored or not (its weight counts)

    def to_dict(self, lang: str = "zh", *, indicators: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "sheet": self.sheet,
            "name": self.project,
            "claimed_total": _num(self.claimed_total),
            "recomputed_total": _num(self.total),
            "difference": _num(self.difference),
            "execution_rate": _num(self.execution_rate),
            "execution_score": _num(self.execution_score),
            "claimed_execution": _num(self.claimed_execution),
            "indicator_total": _num(self.indicator_total),
            "raw_total": _num(self.raw_total),
            "applicable_weight": _num(self.applicable_weight),
            "rescaled": self.rescaled,
            "grade": self.grade,
            "claimed_grade": self.claimed_grade,
            "findings": [finding.to_dict(lang) for finding in self.findings],
        }
        if indicators:
            data["indicators"] = [score.to_dict() for score in self.indicators]
        return data


class Scorer:
    """``score_indicator`` for the lines of one run under one set of rules: a line whose scored
    inputs were seen before (most lines of a big table: ≥95% / 96% / 10 / 10) takes that
    result instead of the arithmetic."""

    def __init__(self, rules: ScoreRules):
        self.rules = rules
        self._seen: dict[tuple, tuple] = {}

    def lines(self, indicators: list[IndicatorInput]) -> list[IndicatorScore]:
        seen = self._seen
        scores = []
        for ind in indicators:
            if not ind.applicable:
                scores.append(IndicatorScore(ind, None, "inapplicable", False, None, []))
                continue
            key = (ind.op, ind.target, ind.actual, ind.actual_tier, ind.actual_text, ind.weight,
                   ind.claimed)
            known = seen.get(key)
            if known is None:
                score = score_indicator(ind, self.rules)
                seen[key] = (score.recomputed, score.rule, score.full, score.achieved_ratio,
                             tuple(score.notes), score.met, score.allowed_range, score.tier)
                scores.append(score)
            else:
                recomputed, rule, full, ratio, notes, met, allowed, tier = known
                scores.append(IndicatorScore(ind, recomputed, rule, full, ratio, [*notes], met,
                                             allowed, tier))
        return scores


def score_project(indicators: list[IndicatorInput], budget: Decimal | None,
                  executed: Decimal | None, rules: ScoreRules, *,
                  claimed_total: Decimal | None = None,
                  claimed_execution: Decimal | None = None,
                  project: str | None = None, file: str | None = None,
                  sheet: str | None = None, total_cell: str | None = None,
                  execution_cell: str | None = None, executed_cell: str | None = None,
                  claimed_grade: str | None = None, grade_cell: str | None = None,
                  scorer: Scorer | None = None, execution_part: bool = False) -> ProjectScore:
    """Score every line, the execution rate, the total and the grade (the recheck of the
    unit's own scores is :func:`pbm.scoring.recheck.recheck_project`).

    Grade, execution score, line scores and 不适用 rescale as the module docstring says.  When
    both ``budget`` and ``executed`` are None the project has no execution part (e.g. a
    framework-based 部门评价) and its weight is left out of the rescale denominator — unless
    ``execution_part`` says the form has one whose amounts were left blank.
    A line pbm cannot rescore (no weight, no target …) keeps the unit's own score in the
    total, and so does an execution part that cannot be rescored; without a claim it counts 0
    and the project gets no grade (``grade`` None: the total is only a lower bound; both get a
    finding); so does a project whose lines all have weights that, with the execution part,
    add up to less than 100 (``short_weight``). ``rechecked`` says how many of the ``lines`` were rescored. A
    qualitative line with a known outcome but no score counts its tier's lowest score (note
    ``tier-minimum``).
    ``claimed_execution`` is the unit's own execution 得分, ``claimed_grade`` its 自评等级;
    ``total_cell``/``execution_cell``/``executed_cell`` (全年执行数)/``grade_cell`` are the
    A1 cells findings point to.
    """
    scores = (scorer or Scorer(rules)).lines(indicators)
    indicator_total = ZERO
    applicable_weight = ZERO
    kept = ZERO
    any_inapplicable = False
    lines = rechecked = unjudged = weightless = 0
    for score in scores:
        ind = score.indicator
        if not ind.applicable:
            any_inapplicable = True
            continue
        lines += 1
        if ind.weight is not None:
            applicable_weight += ind.weight
        else:
            weightless += 1
        if score.recomputed is not None:
            indicator_total += score.recomputed
            rechecked += 1
        elif ind.claimed is not None:  # not rescored: the unit's score stands, unjudged
            indicator_total += ind.claimed
            kept += ind.claimed
        else:
            unjudged += 1
    rate, execution_score = score_execution(budget, executed, rules)
    has_execution = execution_part or budget is not None or executed is not None
    if has_execution:
        applicable_weight += rules.execution_weight
    execution_counted = execution_score
    if execution_counted is None and claimed_execution is not None:
        execution_counted = claimed_execution
        kept += claimed_execution
    elif execution_counted is None and has_execution:
        unjudged += 1
    raw_total = indicator_total + (execution_counted or ZERO)
    total = raw_total
    rescaled = False
    if any_inapplicable and applicable_weight > ZERO:
        # local 自评表 practice: drop 不适用 lines and rescale to 100 over the applicable weight
        total = raw_total * HUNDRED / applicable_weight
        rescaled = True
    total = _round(total)
    if total > HUNDRED:
        total = HUNDRED
    # the form's own weights (all given, none 不适用) add up to less than 100 with the execution
    # part (to less than the indicator total without one): even full marks fall short, and the
    # grade would be the form's defect held against the unit
    full = HUNDRED if has_execution else rules.indicator_weight_total
    short_weight = applicable_weight if (lines and not weightless and not rescaled
                                         and applicable_weight < full) else None
    result = ProjectScore(
        indicators=scores,
        execution_rate=rate,
        execution_score=execution_score,
        indicator_total=_round(indicator_total),
        total=total,
        grade=None if unjudged or short_weight is not None else grade_for(total, rules.grade_bands),
        claimed_total=claimed_total,
        difference=None if claimed_total is None else claimed_total - total,
        findings=[],
        project=project,
        file=file,
        sheet=sheet,
        budget=budget,
        executed=executed,
        claimed_execution=claimed_execution,
        raw_total=_round(raw_total),
        applicable_weight=applicable_weight,
        rescaled=rescaled,
        total_cell=total_cell,
        execution_cell=execution_cell,
        executed_cell=executed_cell,
        claimed_grade=claimed_grade or None,
        grade_cell=grade_cell,
        lines=lines,
        rechecked=rechecked,
        kept=kept,
        unjudged=unjudged,
        short_weight=short_weight,
        has_execution=has_execution,
    )
    return result
