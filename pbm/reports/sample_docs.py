"""抽评名单通知, from the sample record ``sample-<year>.xlsx``."""

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
    _columns,
    _get,
    _public,
    base_context,
    money,
    numbered,
)
from pbm.reports.inputs import OutputWorkbook, number, text

# --------------------------------------------------------------------------- sample

SAMPLE_MATERIALS = [
    # What a unit hands in for a spot-check (DOMAIN.md §1, §4.7, §5) — [设计] defaults.
    "项目支出绩效自评表及自评报告",
    "项目绩效目标申报表及批复文件",
    "项目预算批复、调整及资金拨付、支出明细（含会计凭证复印件）",
    "项目实施方案、管理制度、招投标及合同等过程资料",
    "绩效指标完成情况的佐证材料（验收报告、统计数据、满意度调查等）",
]


def build_sample_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                        ) -> list[DocumentSpec]:
    """抽评名单通知: the sampled projects and what each unit must prepare (SPEC §6, DOMAIN §5)."""
    sample = workbook.table("样本")
    col = _columns(workbook, sample, {
        "code": ("项目编码",), "name": ("项目名称",), "department": ("主管部门", "部门"),
        "amount": ("金额（万元）", "金额(万元)", "金额"), "stratum": ("分层",),
        "reason": ("抽中原因",), "detail": ("抽中依据",)})
    about = {text(r.get("项目")): text(r.get("内容")) for r in workbook.rows("说明")}
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
        "population": about.get("总体数量") or about.get("符合条件数量") or DASH,
        "eligible": about.get("符合条件数量") or DASH,
        "rate": about.get("抽样比例") or DASH,
        "method": about.get("抽样方法") or DASH,
        "seed": about.get("随机种子") or DASH,
        "must_rules": about.get("必选规则") or NONE_TEXT,
        "population_sha256": about.get("总体SHA-256") or DASH,
        "amount_total": money(total),
        "department_count": str(len(department_rows)),
        "projects": numbered([_public(r) for r in rows],
                             ["name", "code", "department", "amount", "stratum", "reason"]),
        "departments": numbered(department_rows, ["department", "count", "amount", "projects"]),
        "materials": SAMPLE_MATERIALS,
    })
    return [DocumentSpec(kind.key, kind.title, f"{settings.year}年度{kind.title}", context)]
