"""抽评名单通知, from the sample record ``sample-<year>.xlsx``; its rules in words, not the
``--must`` syntax the record keeps for reproducing the draw."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from pbm.reports.context import (
    DASH,
    NONE_TEXT,
    DocumentSpec,
    Kind,
    ReportSettings,
    _about,
    _columns,
    _get,
    _public,
    base_context,
    money,
    numbered,
)
from pbm.reports.inputs import OutputWorkbook, number, text
from pbm.sampling.expressions import rules_in_words
from pbm.workbook.outputs import SAMPLE_ABOUT, SAMPLE_ROWS

# --------------------------------------------------------------------------- sample

SAMPLE_MATERIALS = [
    # What a unit hands in for a spot-check — pbm's own defaults.
    "项目支出绩效自评表及自评报告",
    "项目绩效目标申报表及批复文件",
    "项目预算批复、调整及资金拨付、支出明细（含会计凭证复印件）",
    "项目实施方案、管理制度、招投标及合同等过程资料",
    "绩效指标完成情况的佐证材料（验收报告、统计数据、满意度调查等）",
]


def build_sample_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                        ) -> list[DocumentSpec]:
    """抽评名单通知: the sampled projects and what each unit must prepare."""
    sample = workbook.table(SAMPLE_ROWS.sheet)
    col = _columns(workbook, sample, SAMPLE_ROWS, "code", "name", "department", "amount",
                   "stratum", "reason", "detail")
    notes = _about(workbook)
    about = {key: notes.get(label, "") for key, label in SAMPLE_ABOUT.items()}
    rows = []
    for row in (sample.rows if sample else []):
        rows.append({
            "code": text(_get(row, col["code"])) or DASH,
            "name": text(_get(row, col["name"])) or "（未填项目名称）",
            "department": text(_get(row, col["department"])) or DASH,
            "amount": money(_get(row, col["amount"])),
            "amount_value": number(_get(row, col["amount"])) or Decimal(0),
            "stratum": text(_get(row, col["stratum"])) or DASH,
            "reason": text(_get(row, col["reason"])) or DASH,
            "detail": text(_get(row, col["detail"])) or DASH,
        })
    by_department: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for row in rows:
        by_department.setdefault(row["department"], []).append(row)
    department_rows = [{"department": d, "count": str(len(items)),
                        "amount": money(sum((i["amount_value"] for i in items), Decimal(0))),
                        "projects": "、".join(i["name"] for i in items)}
                       for d, items in by_department.items()]
    total = sum((r["amount_value"] for r in rows), Decimal(0))
    context = base_context(kind, settings, 1)
    context.update({
        "sample_size": str(len(rows)),
        "population": about["population"] or about["eligible"] or DASH,
        "eligible": about["eligible"] or DASH,
        "rate": about["rate"] or DASH,
        "method": about["method"] or DASH,
        "seed": about["seed"] or DASH,
        # as a reader writes it: 金额>=500 且 灯色==红 → 金额 500 万元及以上且亮红灯的项目
        "must_rules": "，以及".join(rules_in_words(about["must"]))
        if about["must"] and about["must"] != NONE_TEXT else NONE_TEXT,
        "population_sha256": about["fingerprint"] or DASH,
        "amount_total": money(total),
        "department_count": str(len(department_rows)),
        "projects": numbered([_public(r) for r in rows],
                             ["name", "code", "department", "amount", "stratum", "reason"]),
        "departments": numbered(department_rows, ["department", "count", "amount", "projects"]),
        "materials": SAMPLE_MATERIALS,
    })
    return [DocumentSpec(kind.key, kind.title, f"{settings.year}年度{kind.title}", context)]
