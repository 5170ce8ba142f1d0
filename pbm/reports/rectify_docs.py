"""整改情况通报: from the 整改台账 ``rectification.xlsx`` — per department, the problems sent
back for 限期整改, how many were replied to, verified closed, still open, overdue.

The statuses are those ``pbm rectify`` last set; as of the notice's date, a problem still
待整改 or 整改中 past its 整改期限 counts as 逾期未整改 (the date decides, as in ``pbm rectify``).
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from pbm.reports.context import (
    DASH,
    ChartRequest,
    DocumentSpec,
    Kind,
    ReportSettings,
    _columns,
    _get,
    base_context,
    chinese_date,
    numbered,
)
from pbm.reports.inputs import OutputWorkbook, text
from pbm.values import percent_text as percent
from pbm.workbook.outputs import RECTIFY_LEDGER

CLOSED, OPEN, OVERDUE, MANUAL, PENDING = "已整改（已核实）", "整改中", "逾期未整改", "需人工核实", "待整改"
COUNTS = ("issued", "replied", "closed", "open", "overdue", "manual")


def build_rectify_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                         ) -> list[DocumentSpec]:
    """整改情况通报 (overall): totals, a table per department and per stage, the overdue
    problems by name — pbm's own layout."""
    from pbm.rectify.ledger import parse_day

    table = workbook.table(RECTIFY_LEDGER.sheet)
    col = _columns(workbook, table, RECTIFY_LEDGER, "id", "stage", "department", "name",
                   "problem", "deadline", "doc_number", "status", "measures", "done",
                   "evidence")
    rows = table.rows if table else []
    if not rows:
        return []
    departments: OrderedDict[str, dict[str, int]] = OrderedDict()
    stages: OrderedDict[str, dict[str, int]] = OrderedDict()
    overdue_items: list[dict[str, Any]] = []
    for row in rows:
        status = text(_get(row, col["status"])) or PENDING
        deadline = parse_day(text(_get(row, col["deadline"])))
        if status in (PENDING, OPEN) and deadline is not None and settings.date > deadline:
            status = OVERDUE
        department = text(_get(row, col["department"])) or "（未填主管部门）"
        replied = any(text(_get(row, col[key])) for key in ("measures", "done", "evidence"))
        closed = status == CLOSED or status.startswith("已整改")  # 已整改（人工核实）too
        counts = {"issued": 1, "replied": int(replied), "closed": int(closed),
                  "open": int(not closed), "overdue": int(status == OVERDUE),
                  "manual": int(status == MANUAL)}
        for group, key in ((departments, department),
                           (stages, text(_get(row, col["stage"])) or DASH)):
            entry = group.setdefault(key, dict.fromkeys(COUNTS, 0))
            for name, value in counts.items():
                entry[name] += value
        if status == OVERDUE:
            overdue_items.append({
                "department": department, "project": text(_get(row, col["name"])) or DASH,
                "problem": text(_get(row, col["problem"])) or DASH,
                "deadline": chinese_date(deadline) if deadline else DASH,
                "doc_number": text(_get(row, col["doc_number"])) or DASH,
                "id": text(_get(row, col["id"])) or DASH})
    totals = dict.fromkeys(COUNTS, 0)
    for entry in departments.values():
        for name in COUNTS:
            totals[name] += entry[name]

    def rate(entry: dict[str, int]) -> str:
        return percent(Decimal(entry["closed"]) / entry["issued"]) if entry["issued"] else DASH

    department_rows = [{"department": name, **{k: str(v) for k, v in entry.items()},
                        "rate": rate(entry)}
                       for name, entry in sorted(departments.items(),
                                                 key=lambda item: (-item[1]["overdue"],
                                                                   -item[1]["open"]))]
    context = base_context(kind, settings, 1)
    context.update({
        "as_of": chinese_date(settings.date),
        "department_count": str(len(departments)),
        **{name: str(value) for name, value in totals.items()},
        "closed_rate": rate(totals),
        "stages": numbered([{"stage": name, **{k: str(v) for k, v in entry.items()},
                             "rate": rate(entry)} for name, entry in stages.items()],
                           ["stage", "issued", "closed", "overdue", "rate"]),
        "departments": numbered(department_rows, ["department", "issued", "replied", "closed",
                                                  "open", "overdue", "manual", "rate"]),
        "overdue_items": numbered(overdue_items, ["department", "project", "problem",
                                                  "deadline", "doc_number"]),
        "overdue_note": (f"截至{chinese_date(settings.date)}，共有{totals['overdue']}个问题逾期未整改，"
                         "名单如下：" if totals["overdue"] else
                         f"截至{chinese_date(settings.date)}，没有逾期未整改的问题。"),
        "manual_note": (f"另有{totals['manual']}个问题因申报表结构变化无法自动核实，我局将组织人工核实。"
                        if totals["manual"] else ""),
        "rectify_chart": "",
    })
    # per department, in the table's order: closed, open within the deadline, overdue
    chart = [(row["department"], departments[row["department"]]["closed"],
              departments[row["department"]]["open"] - departments[row["department"]]["overdue"],
              departments[row["department"]]["overdue"]) for row in department_rows]
    charts = {"rectify_chart": ChartRequest("rectification", "各部门问题整改情况", chart)}
    return [DocumentSpec(kind.key, kind.title, kind.title, context, charts)]
