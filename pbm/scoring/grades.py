"""Grades (评级) and result application (结果应用).

* Grade bands of 财政部预算司 — 优 [90, 100], 良 [80, 90), 中 [60, 80), 差 [0, 60), decided on
  a ``Decimal`` total rounded to 2 decimals (never a float at a band edge).
* Result application (中发〔2018〕34号 principle): grade → suggested next-year action.  No source
  gives a binding percentage, so every text is labelled a suggestion (“建议：”).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache

GradeBands = tuple[tuple[str, Decimal], ...]

#: 财政部预算司's unified bands: lower bounds of the half-open bands, highest first.
DEFAULT_GRADE_BANDS: GradeBands = (
    ("优", Decimal(90)),
    ("良", Decimal(80)),
    ("中", Decimal(60)),
    ("差", Decimal(0)),
)

#: A vendor budget system's 自评结论 variant (优 ≥ 80, 良 70–80, 中 60–70); a
#: selectable preset only, never the default.
VENDOR_SELF_EVALUATION_BANDS: GradeBands = (
    ("优", Decimal(80)),
    ("良", Decimal(70)),
    ("中", Decimal(60)),
    ("差", Decimal(0)),
)

SUGGESTION_PREFIX = "建议："

#: What the workbooks and letters say for a project pbm could not grade (a part neither
#: rescored nor claimed: the recomputed total is only a lower bound).
UNGRADED = "未评定"
UNGRADED_APPLICATION = "部分指标无法复核计分，暂不评定等级；结果应用待补全数据、复核评分后确定"

#: A 达州 municipal bureau's wording, plus pbm's own placeholder percentages.
DEFAULT_APPLICATION_TABLE: dict[str, str] = {
    "优": "建议：优先保障，下年度预算适当优先安排",
    "良": "建议：据实合理保障",
    "中": "建议：核减一定比例（建议 −10%），并督促整改",
    "差": "建议：取消或暂停（建议 −30% 或不再安排）",
}

#: pbm's own placeholder budget adjustments per grade, NOT a rule.
DEFAULT_BUDGET_ADJUSTMENTS: dict[str, Decimal] = {
    "优": Decimal("0"),
    "良": Decimal("0"),
    "中": Decimal("-0.10"),
    "差": Decimal("-0.30"),
}

_FALLBACK_APPLICATION = "建议：结合评价发现的问题研究确定下年度预算安排"


def sorted_bands(bands: Iterable[tuple[str, Decimal]]) -> GradeBands:
    """Bands ordered from the highest lower bound down (the order grades are tried in)."""
    return _sorted_bands(tuple((name, low) for name, low in bands))


@lru_cache(maxsize=64)
def _sorted_bands(bands: tuple) -> GradeBands:
    # Cached: grade_for runs once per project and the configured bands never change.
    return tuple(sorted(((name, _as_decimal(low)) for name, low in bands),
                        key=lambda band: band[1], reverse=True))


def grade_for(total: Decimal, bands: Iterable[tuple[str, Decimal]] = DEFAULT_GRADE_BANDS) -> str:
    """The grade of ``total`` on half-open bands (财政部预算司's by default).

    A total belongs to the first band (highest lower bound first) whose lower bound it
    reaches: 90.00 → 优, 89.99 → 良, 60.00 → 中, 59.99 → 差.  A total below every bound
    (negative) gets the lowest grade.  Floats are refused: a float such as
    ``0.6 / 0.75 * 100`` lands just under a band edge.
    """
    value = _as_decimal(total)
    ordered = bands if bands is DEFAULT_GRADE_BANDS else sorted_bands(bands)
    for name, lower in ordered:
        if value >= lower:
            return name
    return ordered[-1][0]


def grade_distribution(grades: Iterable[str | None],
                       bands: Iterable[tuple[str, Decimal]] = DEFAULT_GRADE_BANDS
                       ) -> dict[str, int]:
    """Count per grade, always with every band's key in band order (优, 良, 中, 差).

    ``None`` (a project that could not be graded) is not counted; a grade name that is
    not one of the bands is counted under its own key after the bands.
    """
    counts = {name: 0 for name, _ in sorted_bands(bands)}
    for grade in grades:
        if grade is None:
            continue
        counts[grade] = counts.get(grade, 0) + 1
    return counts


def application_for(grade: str, table: Mapping[str, str] | None = None) -> str:
    """Suggested next-year action for a grade, always starting with “建议：”.

    ``table`` is the ``[score.application]`` table of pbm.toml; grades missing from it
    fall back to :data:`DEFAULT_APPLICATION_TABLE`.  A configured text without the prefix
    gets it, because pbm never presents a grade's consequence as a decision.
    """
    text = None
    if table:
        text = table.get(grade)
    if not text:
        text = DEFAULT_APPLICATION_TABLE.get(grade, _FALLBACK_APPLICATION)
    text = text.strip()
    if not text.startswith(SUGGESTION_PREFIX):
        text = SUGGESTION_PREFIX + text
    return text


def adjustment_for(grade: str, table: Mapping[str, Decimal] | None = None) -> Decimal | None:
    """Suggested budget change as a fraction (−0.10 = −10 %) for a grade, or None if unknown.

    pbm's own placeholders, to be shown as a suggestion only.
    """
    source = table if table is not None else DEFAULT_BUDGET_ADJUSTMENTS
    value = source.get(grade)
    return None if value is None else _as_decimal(value)


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"grades are decided on Decimal values, got {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"grades are decided on Decimal values, got {type(value).__name__}")
