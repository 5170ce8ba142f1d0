"""整改情况通报: from the 整改台账 ``rectification.xlsx`` — per department, the problems sent
back for 限期整改, how many were replied to, verified closed, still open, overdue.

The statuses are those ``pbm rectify`` last set; as of the notice's date, a problem still
待整改 or 整改中 past its 整改期限 counts as 逾期未整改 (the date decides, as in ``pbm rectify``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pbm.rectify.ledger import (
    OVERDUE,
    department_of,
    ledger_of,
    parse_day,
    status_on,
    tally,
    totals,
)
from pbm.reports.context import (
    DASH,
    ChartRequest,
    DocumentSpec,
    Kind,
    ReportSettings,
    base_context,
    chinese_date,
    numbered,
)
from pbm.reports.inputs import OutputWorkbook
from pbm.values import percent_text as percent


def build_rectify_notice(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                         ) -> list[DocumentSpec]:
    """整改情况通报 (overall): totals, a table per department and per stage, the overdue
    problems by name — pbm's own layout."""
    rows = ledger_of(workbook.sheets, workbook.path).rows
    if not rows:
        return []

    def status_of(row: dict[str, str]) -> str:
        return status_on(row, settings.date)  # as pbm rectify judges it, on the notice's date

    departments = tally(rows, department_of, status_of)
    stages = tally(rows, lambda row: row["stage"] or DASH, status_of)
    overdue_items: list[dict[str, Any]] = []
    for row in rows:
        if status_of(row) == OVERDUE:
            deadline = parse_day(row["deadline"])
            overdue_items.append({
                "department": department_of(row), "project": row["name"] or DASH,
                "problem": row["problem"] or DASH,
                "deadline": chinese_date(deadline) if deadline else DASH,
                "doc_number": row["doc_number"] or DASH, "id": row["id"] or DASH})
    summed = totals(departments.values())

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
        **{name: str(value) for name, value in summed.items()},
        "closed_rate": rate(summed),
        "stages": numbered([{"stage": name, **{k: str(v) for k, v in entry.items()},
                             "rate": rate(entry)} for name, entry in stages.items()],
                           ["stage", "issued", "closed", "overdue", "rate"]),
        "departments": numbered(department_rows, ["department", "issued", "replied", "closed",
                                                  "open", "overdue", "manual", "rate"]),
        "overdue_items": numbered(overdue_items, ["department", "project", "problem",
                                                  "deadline", "doc_number"]),
        "overdue_note": (f"截至{chinese_date(settings.date)}，共有{summed['overdue']}个问题逾期未整改，"
                         "名单如下：" if summed["overdue"] else
                         f"截至{chinese_date(settings.date)}，没有逾期未整改的问题。"),
        "manual_note": (f"另有{summed['manual']}个问题因申报表结构变化无法自动核实，我局将组织人工核实。"
                        if summed["manual"] else ""),
        "rectify_chart": "",
    })
    # per department, in the table's order: closed, open but not 逾期未整改 (a reply waiting to
    # be checked, a problem to check by hand, one within its deadline), overdue
    chart = [(row["department"], departments[row["department"]]["closed"],
              departments[row["department"]]["open"] - departments[row["department"]]["overdue"],
              departments[row["department"]]["overdue"]) for row in department_rows]
    charts = {"rectify_chart": ChartRequest("rectification", "各部门问题整改情况", chart)}
    return [DocumentSpec(kind.key, kind.title, kind.title, context, charts)]
