"""Indicator frameworks (共性指标体系框架) for 部门评价 / 财政评价 (财预〔2020〕10号 附件2 shape).

A framework is data: 一级/二级/三级 indicators with weights (分值) and scoring notes (评分要点).
It comes from a TOML file (two presets ship in ``pbm/presets/framework-*.toml``) or from
the rows of a workbook's 评分表.  :func:`validate_framework` checks the weights (G6-style:
三级 add up to their 二级/一级 and to the total) and the 产出 + 效益 ≥ 60 principle.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.resources import resource_dir
from pbm.scoring.rules import HUNDRED, ZERO, ScoreRules, to_decimal
from pbm.values import plain_decimal

PRESET_PREFIX = "framework-"

#: Header of the scoring sheet (评分表, pbm's layout): 一级/二级/三级/分值/评分要点/得分/扣分原因.
SCORING_SHEET_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "评分要点", "得分", "扣分原因"]

_ROW_KEYS = {
    "level1": ("一级指标", "一级"),
    "level2": ("二级指标", "二级"),
    "level3": ("三级指标", "三级", "指标名称"),
    "weight": ("分值", "权重", "标准分"),
    "note": ("评分要点", "评价要点", "评分标准", "指标解释"),
}
_TOTAL_ROW_NAMES = frozenset({"合计", "总计", "总分", "合  计"})
# "产出指标（50分）", "决策(20)" — a weight written into the name cell
_NAME_WITH_WEIGHT = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<weight>\d+(?:\.\d+)?)\s*分?\s*[)）]$")
# 一级 names counted as output/benefit: 产出, 效益, 产出效益 and 满意度 — 服务对象满意度 is a
# 效益 indicator in the national framework (财预〔2020〕10号), so a separate 满意度 一级 counts —
# and the department framework's 履职效能 (its outputs) and 社会效应 (its benefits).
_OUTPUT_BENEFIT_MARKERS = ("产出", "效益", "满意度", "履职效能", "社会效应")  # 部门整体


@dataclass
class FrameworkIndicator:
    """One 三级 indicator with its weight and 评分要点."""

    level1: str
    level2: str
    level3: str
    weight: Decimal
    scoring_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"level1": self.level1, "level2": self.level2, "level3": self.level3,
                "weight": float(self.weight), "scoring_note": self.scoring_note}


@dataclass
class Framework:
    """An evaluation framework; ``level1_weights``/``level2_weights`` are the declared parent
    weights (a parent without a declared weight is checked only through the total)."""

    name: str
    indicators: list[FrameworkIndicator]
    level1_weights: dict[str, Decimal] = field(default_factory=dict)
    level2_weights: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    title: str = ""
    total: Decimal = HUNDRED
    source: str = ""
    path: str | None = None
    #: What goal review also takes of a framework (the department preset): another frame of
    #: 一级 → 二级 names a table may follow, and the 一级 a table in this frame must hold.
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    coverage: tuple[str, ...] = ()

    def level1_names(self) -> list[str]:
        """一级 names in the order they first appear."""
        names = list(self.level1_weights)
        for item in self.indicators:
            if item.level1 not in names:
                names.append(item.level1)
        return names

    def level2_names(self, level1: str) -> list[str]:
        names = [l2 for (l1, l2) in self.level2_weights if l1 == level1]
        for item in self.indicators:
            if item.level1 == level1 and item.level2 not in names:
                names.append(item.level2)
        return names

    def weight_of(self, level1: str, level2: str | None = None) -> Decimal:
        """Σ 三级 weights under a 一级 (or one of its 二级)."""
        return sum((item.weight for item in self.indicators
                    if item.level1 == level1 and (level2 is None or item.level2 == level2)),
                   ZERO)

    @property
    def indicator_total(self) -> Decimal:
        return sum((item.weight for item in self.indicators), ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "total": float(self.total),
            "level1_weights": {k: float(v) for k, v in self.level1_weights.items()},
            "level2_weights": {f"{k[0]}/{k[1]}": float(v)
                               for k, v in self.level2_weights.items()},
            "indicators": [item.to_dict() for item in self.indicators],
        }


def available_frameworks() -> list[str]:
    """Names of the shipped frameworks ("four-dimension", "national")."""
    return sorted(path.stem[len(PRESET_PREFIX):]
                  for path in resource_dir("presets").glob(f"{PRESET_PREFIX}*.toml"))


def load_framework(name_or_path: str | Path) -> Framework:
    """A shipped framework by name ("national", "four-dimension", also with the
    "framework-" prefix) or a TOML file by path.

    A bare name is only looked up among the shipped presets, so it can never walk out of
    the presets folder.  Raises :class:`PbmError` S-FRAMEWORK-UNKNOWN / S-FRAMEWORK-INVALID.
    """
    text = str(name_or_path).strip()
    looks_like_path = (isinstance(name_or_path, Path) or text.lower().endswith(".toml")
                       or "/" in text or "\\" in text)
    if looks_like_path:
        path = Path(text)
        if not path.is_file():
            raise PbmError("S-FRAMEWORK-INVALID", file=text, reason="文件不存在 / file not found")
    else:
        key = text[len(PRESET_PREFIX):] if text.startswith(PRESET_PREFIX) else text
        available = available_frameworks()
        if key not in available:
            raise PbmError("S-FRAMEWORK-UNKNOWN", name=text, available=", ".join(available))
        path = resource_dir("presets") / f"{PRESET_PREFIX}{key}.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PbmError("S-FRAMEWORK-INVALID", file=str(path), reason=str(exc)) from None
    return framework_from_toml(data, path=str(path))


def framework_from_toml(data: Mapping[str, Any], *, path: str | None = None) -> Framework:
    """Build a framework from parsed TOML (the layout of ``framework-national.toml``)."""

    def bad(reason: str) -> PbmError:
        return PbmError("S-FRAMEWORK-INVALID", file=path, reason=reason)

    level1_list = data.get("level1")
    if not isinstance(level1_list, list) or not level1_list:
        raise bad("没有 [[level1]] 一级指标 / no [[level1]] tables")
    indicators: list[FrameworkIndicator] = []
    level1_weights: dict[str, Decimal] = {}
    level2_weights: dict[tuple[str, str], Decimal] = {}
    for level1 in level1_list:
        l1 = _toml_name(level1, "一级指标", bad)
        if "weight" in level1:
            level1_weights[l1] = _toml_weight(level1["weight"], l1, bad)
        for level2 in level1.get("level2", []):
            l2 = _toml_name(level2, f"{l1} 的二级指标", bad)
            if "weight" in level2:
                level2_weights[(l1, l2)] = _toml_weight(level2["weight"], f"{l1}/{l2}", bad)
            for level3 in level2.get("level3", []):
                l3 = _toml_name(level3, f"{l1}/{l2} 的三级指标", bad)
                if "weight" not in level3:
                    raise bad(f"“{l1}/{l2}/{l3}”缺少 weight / no weight")
                weight = _toml_weight(level3["weight"], f"{l1}/{l2}/{l3}", bad)
                note = str(level3.get("note", "") or "")
                indicators.append(FrameworkIndicator(l1, l2, l3, weight, note))
    total = _toml_weight(data.get("total", 100), "total", bad)
    accepted = data.get("accepted", {})
    coverage = data.get("coverage", [])
    if not isinstance(accepted, Mapping) or not all(
            isinstance(names, list) and all(isinstance(name, str) for name in names)
            for names in accepted.values()):
        raise bad("[accepted] 应为 一级 = [二级名称, …] / [accepted] maps a 一级 to 二级 names")
    if not isinstance(coverage, list) or not all(isinstance(name, str) for name in coverage):
        raise bad("coverage 应为一级名称的列表 / coverage is a list of 一级 names")
    return Framework(
        name=str(data.get("name") or (Path(path).stem if path else "framework")),
        indicators=indicators,
        level1_weights=level1_weights,
        level2_weights=level2_weights,
        title=str(data.get("title", "")),
        total=total,
        source=str(data.get("source", "")),
        path=path,
        accepted={str(level1): tuple(names) for level1, names in accepted.items()},
        coverage=tuple(coverage),
    )


def _toml_name(table: Any, what: str, bad) -> str:
    if not isinstance(table, Mapping) or not str(table.get("name", "")).strip():
        raise bad(f"{what}缺少 name / missing name")
    return str(table["name"]).strip()


def _toml_weight(value: Any, what: str, bad) -> Decimal:
    try:
        weight = to_decimal(value)
    except (TypeError, ValueError):
        weight = None
    if weight is None or weight < ZERO:
        raise bad(f"“{what}”的分值 {value!r} 不是非负数 / weight is not a non-negative number")
    return weight


def _cell(row: Mapping[str, Any], key: str) -> str:
    for alias in _ROW_KEYS[key]:
        value = row.get(alias)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _split_weight(name: str) -> tuple[str, Decimal | None]:
    match = _NAME_WITH_WEIGHT.match(name)
    if not match:
        return name, None
    return match.group("name").strip(), Decimal(match.group("weight"))


def _parse_weight(text: str, what: str, source: str | None) -> Decimal:
    cleaned = text.replace("分", "").replace("%", "").replace("％", "").strip()
    try:
        weight = to_decimal(cleaned)
    except (TypeError, ValueError):
        weight = None
    if weight is None or weight < ZERO:
        raise PbmError("S-FRAMEWORK-INVALID", file=source,
                       reason=f"“{what}”的分值“{text}”不是非负数 / weight is not a number")
    return weight


def framework_from_rows(rows: list[Mapping[str, Any]], *, name: str = "workbook",
                        source: str | None = None) -> Framework:
    """Build a framework from 评分表 rows with keys 一级指标/二级指标/三级指标/分值/评分要点.

    Merged cells arrive as blanks, so 一级 and 二级 carry down (二级 resets when a new 一级
    starts).  A row without 三级 but with a 分值 declares its 二级's (or, without 二级, its
    一级's) weight; "产出指标（50分）" in a name cell declares it too.  合计 rows are skipped.
    """
    indicators: list[FrameworkIndicator] = []
    level1_weights: dict[str, Decimal] = {}
    level2_weights: dict[tuple[str, str], Decimal] = {}
    current1 = ""
    current2 = ""
    for index, row in enumerate(rows, start=1):
        raw1, raw2, raw3 = _cell(row, "level1"), _cell(row, "level2"), _cell(row, "level3")
        weight_text = _cell(row, "weight")
        if not (raw1 or raw2 or raw3 or weight_text):
            continue
        if "".join(raw1.split()) in _TOTAL_ROW_NAMES or "".join(raw2.split()) in _TOTAL_ROW_NAMES:
            continue
        if raw1:
            l1, declared1 = _split_weight(raw1)
            if l1 != current1:
                current2 = ""
            current1 = l1
            if declared1 is not None:
                level1_weights[l1] = declared1
        if raw2:
            l2, declared2 = _split_weight(raw2)
            current2 = l2
            if declared2 is not None:
                level2_weights[(current1, l2)] = declared2
        if not current1:
            raise PbmError("S-FRAMEWORK-INVALID", file=source,
                           reason=f"第 {index} 行没有一级指标 / row {index} has no 一级指标")
        if raw3:
            if not weight_text:
                raise PbmError("S-FRAMEWORK-INVALID", file=source,
                               reason=f"“{raw3}”缺少分值 / “{raw3}” has no weight")
            weight = _parse_weight(weight_text, raw3, source)
            indicators.append(FrameworkIndicator(current1, current2, raw3, weight,
                                                 _cell(row, "note")))
        elif weight_text:
            weight = _parse_weight(weight_text, raw2 or raw1, source)
            if raw2:
                level2_weights[(current1, current2)] = weight
            else:
                level1_weights[current1] = weight
    if not indicators:
        raise PbmError("S-FRAMEWORK-INVALID", file=source,
                       reason="没有三级指标 / no 三级 indicators")
    return Framework(name=name, indicators=indicators, level1_weights=level1_weights,
                     level2_weights=level2_weights, source=source or "", path=source)


def _finding(code: str, fw: Framework, **params: Any) -> Finding:
    return Finding(code, file=fw.path, value=params.get("actual"),
                   params=params)


def validate_framework(fw: Framework, rules: ScoreRules) -> list[Finding]:
    """Weight checks of a framework (产出 + 效益 ≥ 60, 财预〔2020〕10号; add-up as in goal rule G6).

    * every declared 二级 weight = Σ of its 三级 (S-WEIGHT-TOTAL);
    * every declared 一级 weight = Σ of its 二级 (declared weight, else Σ 三级), so one
      wrong 三级 is reported at its 二级 and not again at the 一级;
    * Σ of all 三级 = the framework total (100) (S-WEIGHT-TOTAL);
    * 产出 + 效益 (产出效益, 满意度 included) ≥ ``min_output_benefit_weight`` per 100 of
      the total (S-OUTPUT-BENEFIT-WEIGHT).
    """
    findings: list[Finding] = []

    def weight_mismatch(scope: str, actual: Decimal, expected: Decimal) -> None:
        findings.append(_finding("S-WEIGHT-TOTAL", fw, scope=scope, scope_en=scope,
                                 actual=plain_decimal(actual), expected=plain_decimal(expected)))

    for l1 in fw.level1_names():
        level2_sum = ZERO
        for l2 in fw.level2_names(l1):
            computed = fw.weight_of(l1, l2)
            declared = fw.level2_weights.get((l1, l2))
            if declared is not None and declared != computed:
                weight_mismatch(f"{l1}/{l2}", computed, declared)
            level2_sum += declared if declared is not None else computed
        declared1 = fw.level1_weights.get(l1)
        if declared1 is not None and declared1 != level2_sum:
            weight_mismatch(l1, level2_sum, declared1)
    total = fw.indicator_total
    if total != fw.total:
        weight_mismatch(fw.title or fw.name, total, fw.total)

    levels = [l1 for l1 in fw.level1_names()
              if any(marker in l1 for marker in _OUTPUT_BENEFIT_MARKERS)]
    output_benefit = sum((fw.weight_of(l1) for l1 in levels), ZERO)
    share = output_benefit * HUNDRED / fw.total if fw.total > ZERO else ZERO
    if share < rules.min_output_benefit_weight:
        findings.append(Finding(
            "S-OUTPUT-BENEFIT-WEIGHT",
            file=fw.path, value=plain_decimal(output_benefit),
            params={"levels": "、".join(levels) or "无", "actual": plain_decimal(output_benefit),
                    "minimum": plain_decimal(rules.min_output_benefit_weight * fw.total / HUNDRED)}))
    return findings
