"""The departments' replies: the ledger (or its 整改台账 sheet, or any sheet with a 问题编号
column and the reply columns) returned with 整改措施, 完成情况, 佐证材料 filled in.

Rows are matched to the ledger by 问题编号, never by position: a reply may be reordered, have
rows deleted, hold only some columns.  Nothing a reply says is lost: every row read is
recorded in 回复记录 with what became of it; the ledger's reply is filled only where it is
empty — a second, different reply for the same problem is kept there and flagged, never
written over the first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.rectify.ledger import Ledger, cell_text
from pbm.workbook.outputs import RECTIFY_LEDGER, RECTIFY_REPLIES, RECTIFY_REPLY_KEYS
from pbm.workbook.read import iter_workbook_files
from pbm.workbook.source import Limits, open_workbook

HEADER_ROWS = 10  # a returned sheet may have a title above its header
ADOPTED = "已采用"
COMPLETED = "已补充到台账"
SAME = "与已采用的回复相同"
CONFLICT = "与已采用的回复不一致，未采用（请人工确认）"
UNKNOWN = "问题编号不在台账中，未采用"
NO_ID = "缺少问题编号，未采用"


@dataclass
class ReplyRow:
    file: str
    sheet: str
    row: int
    ident: str
    texts: dict[str, str]  # measures, done, evidence


@dataclass
class RepliesRead:
    files: list[str] = field(default_factory=list)
    rows: list[ReplyRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_replies(paths: list[Path], limits: Limits, skip: Path | None = None) -> RepliesRead:
    """Every reply row of the workbooks in ``paths`` (files or folders), in file and row
    order.  An unreadable file is a finding (its R- code) and the others are read."""
    result = RepliesRead()
    files = iter_workbook_files(paths)
    if not files and paths:
        raise PbmError("CLI-USAGE", reason="没有找到整改回复工作簿（.xlsx/.xlsm/.xls/.csv） / "
                                           "no reply workbooks found")
    for path in files:
        if skip is not None and Path(path).resolve() == skip.resolve():
            continue  # the ledger itself, when the replies folder is out/
        name = Path(path).name
        result.files.append(name)
        try:
            workbook = open_workbook(Path(path), limits, name)
        except PbmError as error:
            result.findings.append(Finding(error.code, file=error.file or name,
                                           params=dict(error.params)))
            continue
        found = False
        for sheet in workbook.sheets:
            if sheet.name in (RECTIFY_REPLIES.sheet,):
                continue  # a returned ledger's own log of replies is no reply
            columns = _columns(sheet.rows)
            if columns is None:
                continue
            found = True
            header_row, index = columns
            for number, values in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
                texts = {key: _value(values, index.get(key)) for key in RECTIFY_REPLY_KEYS}
                ident = _value(values, index.get("id"))
                if not any(texts.values()):
                    continue  # a row returned untouched (another department's, not replied)
                result.rows.append(ReplyRow(name, sheet.name, number, ident, texts))
        if not found:
            result.findings.append(Finding("RECT-REPLY-NO-IDS", file=name))
    return result


def _value(values: list, position: int | None) -> str:
    return cell_text(values[position]) if position is not None and position < len(values) \
        else ""


def _columns(rows) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and key → column of a reply sheet, None when it is none."""
    wanted = {RECTIFY_LEDGER[key]: key for key in ("id", *RECTIFY_REPLY_KEYS)}
    for number, values in enumerate(rows[:HEADER_ROWS]):
        index = {}
        for position, value in enumerate(values):
            key = wanted.get(cell_text(value).replace(" ", ""))
            if key is not None and key not in index:
                index[key] = position
        if "id" in index and any(key in index for key in RECTIFY_REPLY_KEYS):
            return number, index
    return None


def apply_replies(ledger: Ledger, replies: RepliesRead, today: dt.date) -> list[Finding]:
    """Fill the ledger's reply columns from ``replies``; log every row in 回复记录."""
    findings: list[Finding] = []
    rows = ledger.by_id()
    logged = {_log_key(entry) for entry in ledger.replies}
    for reply in replies.rows:
        where = f"{reply.file} / {reply.sheet} 第{reply.row}行"
        row = rows.get(reply.ident) if reply.ident else None
        if not reply.ident:
            outcome = NO_ID
            findings.append(Finding("RECT-REPLY-NO-ID", file=reply.file, sheet=reply.sheet,
                                    params={"row": reply.row}))
        elif row is None:
            outcome = UNKNOWN
            findings.append(Finding("RECT-UNKNOWN-ID", file=reply.file, sheet=reply.sheet,
                                    value=reply.ident, params={"row": reply.row,
                                                               "id": reply.ident}))
        else:
            current = {key: row[key] for key in RECTIFY_REPLY_KEYS}
            given = {key: value for key, value in reply.texts.items() if value}
            if not any(current.values()):
                row.update(given)
                row["reply"] = where
                outcome = ADOPTED
            elif all(current[key] == value for key, value in given.items()):
                outcome = SAME
            elif all(current[key] in ("", value) for key, value in given.items()):
                row.update(given)  # fills what the adopted reply left blank, changes nothing
                row["reply"] = "；".join(filter(None, (row["reply"], where)))
                outcome = COMPLETED
            else:
                outcome = CONFLICT
                findings.append(Finding("RECT-REPLY-CONFLICT", file=reply.file,
                                        sheet=reply.sheet, project=row["name"] or None,
                                        params={"row": reply.row, "id": reply.ident,
                                                "adopted": row["reply"] or "台账中已填写"}))
        entry = {"id": reply.ident, "file": reply.file, "sheet": reply.sheet,
                 "row": str(reply.row), **reply.texts, "outcome": outcome,
                 "read": today.isoformat()}
        if _log_key(entry) not in logged:  # the same reply read again is logged once
            logged.add(_log_key(entry))
            ledger.replies.append(entry)
    return findings


def _log_key(entry: dict[str, str]) -> tuple[str, ...]:
    return tuple(entry.get(key, "") for key in ("id", "file", "sheet", "row",
                                                *RECTIFY_REPLY_KEYS))
