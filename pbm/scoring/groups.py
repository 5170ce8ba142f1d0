"""Several evaluator groups score one project (多方评价).

Groups are 财政、主管部门、项目单位、第三方、群众代表 with configurable weights
(``[score.group_weights]`` of pbm.toml; the defaults below are the national preset's).

* group mean: the mean of the group's evaluator totals, 2 decimals half-up;
* combined score: Σ weight × group mean / Σ weights of the groups present, 2 decimals —
  when a configured group has no scores the weights are renormalised over the others and
  an S-GROUP-ABSENT finding says so;
* spread: highest minus lowest group mean;
* outliers — the one rule: an evaluator is an outlier when their total differs from the
  mean of the *other* evaluators of the same group by more than max(10 points, 2 × the
  sample standard deviation of those others).  Leaving the evaluator out keeps one wild
  score from hiding itself by inflating the mean and the deviation it is measured with;
  the 10-point floor keeps a tight group from flagging ordinary disagreement.  A group of
  one has nobody to compare with; in a group of two that disagrees by more than 10 points
  both evaluators are flagged, because nothing says which one is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pbm.findings import Finding
from pbm.scoring.rules import CENT, TWO, ZERO, to_decimal

#: Default group weights (pbm's own choice; the [score.group_weights] of national-2020.toml).
DEFAULT_GROUP_WEIGHTS: dict[str, Decimal] = {
    "财政": Decimal("0.3"),
    "主管部门": Decimal("0.2"),
    "项目单位": Decimal("0.1"),
    "第三方": Decimal("0.3"),
    "群众代表": Decimal("0.1"),
}

OUTLIER_MIN_POINTS = Decimal(10)
OUTLIER_SD_FACTOR = TWO


@dataclass
class EvaluatorOutlier:
    group: str
    evaluator: str
    total: Decimal
    reference_mean: Decimal  # mean of the other evaluators of the group
    deviation: Decimal  # total − reference_mean (signed)
    threshold: Decimal  # max(10, 2 × SD of the others)

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "evaluator": self.evaluator, "total": float(self.total),
                "reference_mean": float(self.reference_mean),
                "deviation": float(self.deviation), "threshold": float(self.threshold)}


@dataclass
class GroupResult:
    group_means: dict[str, Decimal]
    group_sizes: dict[str, int]
    weights_used: dict[str, Decimal]  # configured weights of the groups that took part
    combined: Decimal | None
    spread: Decimal | None
    absent_groups: list[str]
    renormalised: bool
    outliers: list[EvaluatorOutlier]
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "group_means": {k: float(v) for k, v in self.group_means.items()},
            "group_sizes": dict(self.group_sizes),
            "weights_used": {k: float(v) for k, v in self.weights_used.items()},
            "combined": None if self.combined is None else float(self.combined),
            "spread": None if self.spread is None else float(self.spread),
            "absent_groups": list(self.absent_groups),
            "renormalised": self.renormalised,
            "outliers": [outlier.to_dict() for outlier in self.outliers],
            "findings": [finding.to_dict(lang) for finding in self.findings],
        }


def group_weights_from_config(section: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """``[score.group_weights]`` of pbm.toml as Decimals (the defaults when absent)."""
    if not section:
        return dict(DEFAULT_GROUP_WEIGHTS)
    return {str(name): to_decimal(weight) for name, weight in section.items()}  # type: ignore[misc]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / Decimal(len(values))


def _sample_sd(values: list[Decimal]) -> Decimal:
    if len(values) < 2:
        return ZERO
    mean = _mean(values)
    variance = sum(((v - mean) ** 2 for v in values), ZERO) / Decimal(len(values) - 1)
    return variance.sqrt()


def _finding(code: str, **params: Any) -> Finding:
    return Finding(code, params=params,
                   value=params.get("total"))


def _fmt(value: Decimal) -> str:
    return str(_round(value))


def combine_groups(scores: Mapping[str, Mapping[str, Decimal]],
                   weights: Mapping[str, Decimal] | None = None) -> GroupResult:
    """Combine evaluator groups' totals for one project (see the module docstring)."""
    configured = DEFAULT_GROUP_WEIGHTS if weights is None else {
        name: to_decimal(weight) for name, weight in weights.items()}
    findings: list[Finding] = []
    means: dict[str, Decimal] = {}
    sizes: dict[str, int] = {}
    outliers: list[EvaluatorOutlier] = []
    for group, evaluators in scores.items():
        totals = {name: to_decimal(total) for name, total in evaluators.items()
                  if total is not None}
        if not totals:
            continue
        values = list(totals.values())
        means[group] = _round(_mean(values))
        sizes[group] = len(values)
        if len(values) < 2:
            continue
        for evaluator, total in totals.items():
            others = list(values)
            others.remove(total)
            reference = _mean(others)
            threshold = max(OUTLIER_MIN_POINTS, OUTLIER_SD_FACTOR * _sample_sd(others))
            deviation = total - reference
            if abs(deviation) > threshold:
                outlier = EvaluatorOutlier(group, evaluator, total, _round(reference),
                                           _round(deviation), _round(threshold))
                outliers.append(outlier)
                findings.append(_finding(
                    "S-GROUP-OUTLIER", group=group, evaluator=evaluator, total=_fmt(total),
                    reference=_fmt(reference), deviation=_fmt(abs(deviation)),
                    threshold=_fmt(threshold)))

    used: dict[str, Decimal] = {}
    for group in means:
        weight = configured.get(group)
        if weight is None:
            findings.append(_finding("S-GROUP-NO-WEIGHT", group=group))
            continue
        used[group] = weight
    absent = [group for group, weight in configured.items()
              if weight and weight > ZERO and group not in means]
    weight_sum = sum(used.values(), ZERO)
    combined = None
    if weight_sum > ZERO:
        # The shown (rounded) group means are combined, so a reader can redo the sum.
        combined = _round(sum((used[g] * means[g] for g in used), ZERO) / weight_sum)
    renormalised = bool(absent) and combined is not None
    if renormalised:
        findings.insert(0, _finding("S-GROUP-ABSENT", absent="、".join(absent),
                                    present_weight=str(weight_sum.normalize())))
    spread = (max(means.values()) - min(means.values())) if means else None
    return GroupResult(group_means=means, group_sizes=sizes, weights_used=used,
                       combined=combined, spread=spread, absent_groups=absent,
                       renormalised=renormalised, outliers=outliers, findings=findings)
