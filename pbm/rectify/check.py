"""回头看: pbm checks by itself whether each problem of the ledger is gone.

The resubmitted goal workbooks are reviewed again with the library call ``pbm validate``
uses (:func:`pbm.goals.review.validate_paths`); then each 目标审核 problem of a resubmitted
file is looked for at its place (file name, sheet, cell, finding code):

* the same finding at the same place → 整改中, or 逾期未整改 once the deadline is past;
* gone, its sheet and project still there and no finding of that code elsewhere in the
  sheet → 已整改（已核实）;
* its place is gone (sheet or project no longer in the file) or the same finding now stands
  at another cell of the sheet (rows moved) → 需人工核实, saying what was seen.

A status a person typed into the ledger (已整改（人工核实）after checking a 需人工核实 problem by
hand) is theirs: pbm keeps it, and one that starts with 已整改 counts as closed.

A problem whose file was not resubmitted (and every 运行监控 or 绩效评价 problem: their
resubmissions are not re-checked yet) keeps what an earlier check found; otherwise it is
待整改 (no reply), 已回复待核实 (a reply, nothing to check it on) or 逾期未整改 (past the
deadline without a reply).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm import __version__
from pbm.findings import Finding, count_by_severity
from pbm.rectify.ledger import (
    CLOSED,
    MANUAL,
    OPEN,
    OVERDUE,
    PENDING,
    REPLIED,
    Ledger,
    is_closed,
    own_status,
    parse_day,
)
from pbm.workbook.outputs import RECTIFY_REPLY_KEYS


@dataclass
class Resubmission:
    """What the resubmitted goal workbooks hold, by file name."""

    files: set[str] = field(default_factory=set)
    unreadable: dict[str, str] = field(default_factory=dict)  # file name → why
    sheets: set[tuple[str, str]] = field(default_factory=set)
    projects: set[tuple[str, str, str]] = field(default_factory=set)  # file, sheet, name
    at: set[tuple[str, str, str, str]] = field(default_factory=set)  # file, sheet, cell, code
    cells: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def review_resubmission(paths: list[Path], config) -> Resubmission:
    """Review the resubmitted goal workbooks as ``pbm validate`` does (no output written)."""
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.workbook.source import Limits

    result = validate_paths(paths, ReviewSettings.from_config(config),
                            Limits.from_config(config.section("limits")), year=config.year)
    seen = Resubmission()
    for read in result.files:
        name = Path(read.file).name
        seen.files.add(name)
        if read.error is not None:
            seen.unreadable[name] = read.error.message()
    for review in result.reviews:
        record = review.record
        name = Path(record.file).name
        seen.sheets.add((name, record.sheet))
        seen.projects.add((name, record.sheet, record.name or ""))
    for finding in result.findings:
        if not finding.file:
            continue
        name = Path(finding.file).name
        if finding.sheet:
            seen.sheets.add((name, finding.sheet))
        seen.at.add((name, finding.sheet or "", finding.cell or "", finding.code))
        seen.cells.setdefault((name, finding.sheet or "", finding.code), []).append(
            finding.cell or "")
    seen.findings = result.findings
    return seen


def verify(ledger: Ledger, today: dt.date, resubmission: Resubmission | None) -> None:
    """Set 整改状态, 核实情况 and 核实日期 of every row."""
    for row in ledger.rows:
        if own_status(row["status"]):
            continue  # a person's verdict (已整改（人工核实）…) stands over pbm's
        checked = _check_goal(row, resubmission) if resubmission is not None and \
            row["id"].startswith("GR-") else None
        deadline = parse_day(row["deadline"])
        past = deadline is not None and today > deadline
        replied = any(row[key] for key in RECTIFY_REPLY_KEYS)
        if checked is not None:
            status, note = checked
            if status == OPEN and past:
                status = OVERDUE
            row.update({"status": status, "verified": note, "checked": today.isoformat()})
            continue
        if row["status"] in (CLOSED, MANUAL):
            continue  # what an earlier check found stands until the file is checked again
        if row["status"] in (OPEN, OVERDUE) and row["checked"]:
            row["status"] = OVERDUE if past else OPEN  # still there when last checked
        elif replied:
            row["status"] = REPLIED
        else:
            row["status"] = OVERDUE if past else PENDING


def _check_goal(row: dict[str, str], seen: Resubmission) -> tuple[str, str] | None:
    name = Path(row["file"]).name
    if not name or name not in seen.files:
        return None
    if name in seen.unreadable:
        return MANUAL, f"重报文件无法读取：{seen.unreadable[name]}"
    sheet, cell, code = row["sheet"], row["cell"], row["finding"]
    where = " ".join(filter(None, (name, sheet, cell)))
    if (name, sheet, cell, code) in seen.at:
        return OPEN, f"复核重报文件，问题仍存在（{where}）"
    if sheet and (name, sheet) not in seen.sheets:
        return MANUAL, f"重报文件中已没有工作表“{sheet}”，无法在原位置核实"
    if row["name"] and sheet and not any(p == (name, sheet, row["name"])
                                         for p in seen.projects):
        return MANUAL, f"工作表“{sheet}”中已没有项目“{row['name']}”，无法在原位置核实"
    elsewhere = [c for c in seen.cells.get((name, sheet, code), []) if c != cell]
    if elsewhere:
        return MANUAL, (f"原位置 {cell or '—'} 的问题已消除，但同类问题（{code}）出现在 "
                        f"{'、'.join(sorted(set(elsewhere)))}，可能是行列移动所致")
    return CLOSED, f"复核重报文件，原位置（{where}）问题已消除"


# --------------------------------------------------------------------------- the run

@dataclass
class RectifyResult:
    ledger: Ledger
    findings: list[Finding]
    replies_read: int
    files: list[str]
    today: dt.date
    resubmitted: int | None = None  # goal files re-checked (None: no --goals)
    out: Path | None = None

    def departments(self) -> list[dict[str, Any]]:
        counts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        for row in self.ledger.rows:
            entry = counts.setdefault(row["department"] or "（未填主管部门）", {
                "department": row["department"] or "（未填主管部门）", "issued": 0,
                "replied": 0, "closed": 0, "open": 0, "overdue": 0, "manual": 0})
            entry["issued"] += 1
            entry["replied"] += any(row[key] for key in RECTIFY_REPLY_KEYS)
            entry["closed"] += is_closed(row["status"])
            entry["open"] += not is_closed(row["status"])
            entry["overdue"] += row["status"] == OVERDUE
            entry["manual"] += row["status"] == MANUAL
        return list(counts.values())

    def summary(self) -> dict[str, Any]:
        totals = {key: 0 for key in ("issued", "replied", "closed", "open", "overdue",
                                     "manual")}
        for entry in self.departments():
            for key in totals:
                totals[key] += entry[key]
        severity = count_by_severity(self.findings)
        return {**totals, "departments": len(self.departments()),
                "reply_files": len(self.files), "reply_rows": self.replies_read,
                "resubmitted_files": self.resubmitted, "today": self.today.isoformat(),
                "errors": severity["error"], "warnings": severity["warning"],
                "infos": severity["info"], "out": str(self.out) if self.out else None}

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"command": "rectify", "pbm_version": __version__, "summary": self.summary(),
                "findings": [f.to_dict(lang) for f in self.findings],
                "departments": self.departments(),
                "problems": [{"id": r["id"], "department": r["department"],
                              "project": r["name"], "file": r["file"], "sheet": r["sheet"],
                              "cell": r["cell"], "code": r["finding"], "deadline": r["deadline"],
                              "status": r["status"], "verified": r["verified"],
                              "replied": any(r[key] for key in RECTIFY_REPLY_KEYS)}
                             for r in self.ledger.rows]}


def status_findings(ledger: Ledger) -> list[Finding]:
    """An error per problem past its deadline, a warning per one to check by hand."""
    findings = []
    for row in ledger.rows:
        where = {"file": row["file"] or None, "sheet": row["sheet"] or None,
                 "cell": row["cell"] or None, "project": row["name"] or None}
        if row["status"] == OVERDUE:
            findings.append(Finding("RECT-OVERDUE", **where, params={
                "id": row["id"], "department": row["department"], "deadline": row["deadline"],
                "status_note": row["verified"] or "未回复整改情况"}))
        elif row["status"] == MANUAL:
            findings.append(Finding("RECT-MANUAL", **where, params={
                "id": row["id"], "department": row["department"], "note": row["verified"]}))
    return findings


def run_rectify(out_dir: Path, replies: list[Path], goals: list[Path], config,
                today: dt.date, command: str = "") -> RectifyResult:
    """Read the ledger, the replies and the resubmissions; update and write the ledger
    (under the output lock, written atomically)."""
    from pbm.errors import PbmError
    from pbm.rectify.ledger import LEDGER_NAME, read_ledger, write_ledger
    from pbm.rectify.replies import apply_replies, read_replies
    from pbm.workbook.source import Limits
    from pbm.workbook.writer import output_lock

    path = Path(out_dir) / LEDGER_NAME
    if not replies and not goals:
        raise PbmError("RECT-NOTHING-TO-DO")
    with output_lock(Path(out_dir)):
        if not path.exists():
            raise PbmError("RECT-NO-LEDGER", file=str(path))
        ledger = read_ledger(path)
        read = read_replies(replies, Limits.from_config(config.section("limits")), skip=path)
        findings = list(read.findings)
        findings.extend(apply_replies(ledger, read, today))
        resubmission = review_resubmission(goals, config) if goals else None
        verify(ledger, today, resubmission)
        findings.extend(status_findings(ledger))
        write_ledger(ledger, command or "pbm rectify")
    return RectifyResult(ledger, findings, len(read.rows), read.files, today,
                         len(resubmission.files) if resubmission else None, path)
