"""The ledger ``out/rectification.xlsx``: one row per problem a letter sent for 限期整改.

A problem's 问题编号 is derived from what places it — the letter kind, the department, the
file (its name), sheet, cell and the finding's code — as a short hash with a readable prefix
(``GR-`` 目标审核, ``MF-`` 运行监控, ``SF-`` 绩效评价): the same problem gets the same number
on every run of ``pbm report``.  A re-run keeps every row already in the ledger as it is (the
reply a department or the bureau typed into it included), adds the new problems and never
drops a row, also of a problem no longer reported.  Columns a user added are kept too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    RECTIFY_LEDGER,
    RECTIFY_PROJECTS,
    RECTIFY_REPLIES,
    RECTIFY_REPLY_KEYS,
    OutputTable,
    read_output,
    tool_text,
)

LEDGER_NAME = "rectification.xlsx"
#: Letter kind → (id prefix, 来源环节).
STAGES = {"goal-review": ("GR", "目标审核"), "monitor-feedback": ("MF", "运行监控"),
          "score-feedback": ("SF", "绩效评价")}

# 整改状态
PENDING = "待整改"
REPLIED = "已回复待核实"
CLOSED = "已整改（已核实）"
OPEN = "整改中"
OVERDUE = "逾期未整改"
MANUAL = "需人工核实"
STATUSES = (PENDING, REPLIED, CLOSED, OPEN, OVERDUE, MANUAL)

KEYS = tuple(RECTIFY_LEDGER.columns)


def is_closed(status: str) -> bool:
    """已整改（已核实）, or a status a person typed that says 已整改 (已整改（人工核实） …)."""
    return status == CLOSED or status.startswith("已整改")


def own_status(status: str) -> bool:
    """A status pbm did not write (a person's verdict after checking by hand): kept."""
    return bool(status) and status not in STATUSES


def problem_id(kind: str, department: str, file: str, sheet: str, cell: str, finding: str,
               extra: str = "") -> str:
    """``GR-3F2A9C01D4``: the stage prefix and 10 hex digits of a SHA-1 of the place."""
    prefix = STAGES.get(kind, ("RX", ""))[0]
    place = "\x1f".join((kind, department, Path(file).name if file else "", sheet, cell,
                         finding, extra))
    return f"{prefix}-{hashlib.sha1(place.encode('utf-8')).hexdigest()[:10].upper()}"


def cell_text(value: Any) -> str:
    """A ledger cell as text: dates as 2026-04-04, else as every pbm output is read back
    (:func:`pbm.reports.inputs.text`: 150.0 as 150)."""
    from pbm.reports.inputs import text

    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return text(value)


def parse_day(value: str) -> dt.date | None:
    from pbm.reports.context import parse_date

    if not value:
        return None
    try:
        return parse_date(value)
    except PbmError:
        return None


@dataclass
class Ledger:
    """The rows (dicts keyed by :data:`KEYS`, values text), in ledger order; ``extra`` the
    headers a user added (kept, after pbm's); ``replies`` the 回复记录 rows."""

    path: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    replies: list[dict[str, str]] = field(default_factory=list)

    def by_id(self) -> dict[str, dict[str, str]]:
        return {row["id"]: row for row in self.rows}

    def add_issued(self, items: list[dict[str, str]]) -> tuple[int, int]:
        """Add the problems of this run's letters: a new id is a new row; a known one keeps
        its row (only 最近列入文书日期 moves).  Returns (added, already there)."""
        known = self.by_id()
        added = kept = 0
        for item in items:
            row = known.get(item["id"])
            if row is None:
                row = {key: "" for key in KEYS}
                row.update({key: value for key, value in item.items() if key in row})
                row["status"] = row["status"] or PENDING
                row["last_issued"] = item.get("issued", "")
                self.rows.append(row)
                known[item["id"]] = row
                added += 1
            else:
                row["last_issued"] = item.get("issued", "") or row["last_issued"]
                for key in ("doc_number", "code", "amount"):
                    if not row.get(key) and item.get(key):
                        row[key] = item[key]
                kept += 1
        return added, kept


def read_ledger(path: Path) -> Ledger:
    """The ledger at ``path`` (an empty one when there is none yet).  A file there that is not
    a ledger pbm can read stops the run (exit 2): rewriting it would lose what it holds."""
    path = Path(path)
    if not path.exists():
        return Ledger(path)
    try:
        read = read_output(path, display=path.name)
    except PbmError as error:
        raise PbmError("RECT-LEDGER-BAD", file=path.name,
                       reason=error.message()) from None
    return ledger_of(read.sheets, path)


def ledger_of(sheets: dict[str, OutputTable], path: Path) -> Ledger:
    """The ledger from its sheets as read (``read_output``): also how ``pbm report`` takes the
    ledger it has already read for the 整改情况通报."""
    table = sheets.get(RECTIFY_LEDGER.sheet)
    if table is None:
        raise PbmError("RECT-LEDGER-BAD", file=path.name,
                       reason=f"没有工作表“{RECTIFY_LEDGER.sheet}” / no sheet "
                              f"\"{RECTIFY_LEDGER.sheet}\"")
    headers = {key: table.header(RECTIFY_LEDGER, key) for key in KEYS}
    if headers["id"] is None:
        raise PbmError("RECT-LEDGER-BAD", file=path.name,
                       reason=f"工作表“{RECTIFY_LEDGER.sheet}”没有“{RECTIFY_LEDGER['id']}”列")
    declared = set(RECTIFY_LEDGER.columns.values())
    extra = [h for h in table.headers if h not in declared]
    ledger = Ledger(path, extra=extra)
    seen: set[str] = set()
    for values, number in zip(table.rows, table.row_numbers):
        row = {key: cell_text(values.get(header)) if header else ""
               for key, header in headers.items()}
        for header in extra:
            row[header] = cell_text(values.get(header))
        if not row["id"]:
            row["id"] = f"RX-ROW{number}"  # a row typed without a number: kept, never matched
        if row["id"] in seen:
            row["id"] = f"{row['id']}-{number}"
        seen.add(row["id"])
        ledger.rows.append(row)
    ledger.replies = _read_replies(sheets.get(RECTIFY_REPLIES.sheet))
    return ledger


def department_of(row: dict[str, str]) -> str:
    return row["department"] or "（未填主管部门）"


#: What is counted of the problems of a department (or a stage).
COUNTS = ("issued", "replied", "closed", "open", "overdue", "manual")


def is_replied(row: dict[str, str]) -> bool:
    """The department wrote 整改措施, 完成情况 or 佐证材料 for the problem."""
    return any(row[key] for key in RECTIFY_REPLY_KEYS)


def is_past(row: dict[str, str], day: dt.date) -> bool:
    """``day`` is after the problem's 整改期限."""
    deadline = parse_day(row["deadline"])
    return deadline is not None and day > deadline


def status_on(row: dict[str, str], day: dt.date) -> str:
    """The row's status as of ``day``: 待整改 or 整改中 past its 整改期限 is 逾期未整改."""
    status = row["status"] or PENDING
    return OVERDUE if status in (PENDING, OPEN) and is_past(row, day) else status


def totals(entries) -> dict[str, int]:
    """The :data:`COUNTS` of ``entries`` (of :func:`tally`) added up."""
    summed = dict.fromkeys(COUNTS, 0)
    for entry in entries:
        for name in COUNTS:
            summed[name] += entry[name]
    return summed


def tally(rows: list[dict[str, str]], group: Callable[[dict[str, str]], str],
          status: Callable[[dict[str, str]], str]) -> dict[str, dict[str, int]]:
    """Per group (in the order first met), the problems issued, replied to, closed, open,
    overdue and to check by hand — ``status`` gives a row's status (as of a date)."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = counts.setdefault(group(row), dict.fromkeys(COUNTS, 0))
        state = status(row)
        closed = is_closed(state)
        entry["issued"] += 1
        entry["replied"] += is_replied(row)
        entry["closed"] += closed
        entry["open"] += not closed
        entry["overdue"] += state == OVERDUE
        entry["manual"] += state == MANUAL
    return counts


def _read_replies(table: OutputTable | None) -> list[dict[str, str]]:
    if table is None:
        return []
    headers = {key: table.header(RECTIFY_REPLIES, key) for key in RECTIFY_REPLIES.columns}
    return [{key: cell_text(values.get(header)) if header else ""
             for key, header in headers.items()} for values in table.rows]


def write_ledger(ledger: Ledger, command: str = "", target: Path | None = None) -> Path:
    """Write the ledger atomically (its 整改台账, 整改项目 and 回复记录 sheets, 说明) to its
    place, or to ``target`` (a staging folder's, moved in with the documents)."""
    from pbm.workbook.writer import Sheet, write_xlsx

    columns = list(RECTIFY_LEDGER.headers()) + ledger.extra
    fills = {CLOSED: "green", OVERDUE: "red", OPEN: "yellow", MANUAL: "info"}
    rows = [[row.get(key, "") for key in KEYS] + [row.get(h, "") for h in ledger.extra]
            for row in ledger.rows]
    widths = {KEYS.index(k): w for k, w in (("problem", 40), ("required", 40), ("measures", 30),
                                            ("done", 30), ("evidence", 24), ("verified", 36),
                                            ("department", 14), ("name", 20), ("file", 22))}
    sheets = [
        Sheet(RECTIFY_LEDGER.sheet, columns, rows, widths=widths,
              row_fills=[fills.get(row["status"]) for row in ledger.rows]),
        Sheet(RECTIFY_PROJECTS.sheet, RECTIFY_PROJECTS.headers(), project_rows(ledger),
              widths={1: 24, 2: 16, 9: 40}),
        Sheet(RECTIFY_REPLIES.sheet, RECTIFY_REPLIES.headers(),
              [[reply.get(key, "") for key in RECTIFY_REPLIES.columns]
               for reply in ledger.replies], widths={1: 28, 4: 30, 5: 30, 6: 24, 7: 30}),
        Sheet(ABOUT.sheet, ABOUT.headers(), [
            [ABOUT_TOOL, tool_text()],
            ["说明", "每行一个发文要求限期整改的问题；问题编号固定不变。请在“整改措施”“完成情况”“佐证材料”三列填写"
                     "整改回复后交回，由 pbm rectify 读取并复核。"],
            ["整改状态", "、".join(STATUSES)],
            ["命令", command]], widths={0: 14, 1: 90}, autofilter=False),
    ]
    target = target or ledger.path
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(target, sheets)


def project_rows(ledger: Ledger) -> list[list[Any]]:
    """整改项目: one row per project (项目编码, 项目名称, 主管部门) with its problems counted —
    the population ``pbm sample --from out/rectification.xlsx`` draws the 整改抽查复核 from."""
    projects: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in ledger.rows:
        key = (row["code"], row["name"], row["department"])
        if not any(key):
            continue
        entry = projects.setdefault(key, {"amount": "", "ids": [], "statuses": []})
        entry["amount"] = entry["amount"] or row.get("amount", "")
        entry["ids"].append(row["id"])
        entry["statuses"].append(row["status"])
    rows = []
    for (code, name, department), entry in projects.items():
        statuses = entry["statuses"]
        closed = sum(1 for status in statuses if is_closed(status))
        amount = _amount(entry["amount"])
        rows.append([code, name, department, amount, len(statuses), closed,
                     len(statuses) - closed, statuses.count(OVERDUE), statuses.count(MANUAL),
                     "、".join(entry["ids"])])
    return rows


def _amount(value: str) -> Any:
    from pbm.reports.inputs import number

    amount = number(value)
    return None if amount is None else float(amount)


def issued_items(kind: str, documents, date: dt.date, deadline: dt.date) -> list[dict[str, str]]:
    """The ledger rows of one kind's letters (:class:`pbm.reports.context.DocumentSpec`, each
    with its 文号 and the problems it sends back): 发文日期 the letter's date, 整改期限 the date
    plus ``[report] rectification_days``."""
    items: list[dict[str, str]] = []
    taken: set[str] = set()
    stage = STAGES[kind][1]
    for document in documents:
        department = document.department or ""
        for issue in document.issues:
            place = (kind, department, issue.get("file", ""), issue.get("sheet", ""),
                     issue.get("cell", ""), issue.get("finding", ""))
            ident = problem_id(*place)
            if ident in taken:  # two problems of one code at one place: told apart by text
                ident = problem_id(*place, extra=issue.get("problem", ""))
            base, number = ident, 2
            while ident in taken:
                ident, number = f"{base}-{number}", number + 1
            taken.add(ident)
            items.append({**{key: issue.get(key, "") for key in (
                "code", "name", "amount", "file", "sheet", "cell", "finding", "problem",
                "required")},
                "id": ident, "stage": stage, "department": department,
                "doc_number": str(document.context.get("doc_number") or ""),
                "letter": document.title, "issued": date.isoformat(),
                "deadline": deadline.isoformat()})
    return items
