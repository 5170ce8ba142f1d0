"""回头看: pbm checks by itself whether each problem of the ledger is gone.

The resubmitted workbooks of each stage are run again through the library call of the command
that found the problems — goal workbooks (``--goals``) through ``pbm validate``'s
(:func:`pbm.goals.review.validate_paths`), quarterly monitoring submissions (``--monitor``)
through ``pbm monitor``'s (:func:`pbm.monitoring.merge.monitor_files`, with the workspace's
approved goals and roster), self-evaluations (``--self-eval``) through ``pbm score``'s
(:func:`pbm.scoring.batch.score_paths`, recheck included).  Each run becomes a
:class:`Recheck` — what the resubmitted files hold, by file name — and every problem of a
resubmitted file is looked for at its place by one rule, the same for 目标审核 (GR-), 运行监控
(MF-) and 绩效评价 (SF-) problems (:func:`check_at_place`):

* the place of a finding is its file name, sheet, cell and code, and its project: a finding
  without a cell (about a whole project, or a whole file) is looked for by project and code;
* the same finding at the same place → 整改中, or 逾期未整改 once the deadline is past;
* gone, its sheet and project still there and no finding of that code elsewhere in the
  project (beyond the places of the ledger's other problems that are still there) →
  已整改（已核实）;
* its place is gone (sheet or project no longer in the file), the same finding now stands at
  another cell (rows moved), or pbm could not look at the file (unreadable, a blank form, two
  resubmitted files of that name, replaced by a newer one of the department) → 需人工核实,
  saying what was seen;
* a finding this run cannot judge — what needs the approved goals or the roster when the
  workspace has none (or a project matched to none), a duplicate submission, a period pbm.toml
  only assumed, an evaluation's deductions, a code pbm does not have — is never said to be
  gone: the problem is followed by reply and deadline, and 核实情况 says why pbm did not
  verify it; so is a file name the ledger holds for two files (需人工核实).

A status a person typed into the ledger (已整改（人工核实）after checking a 需人工核实 problem by
hand) is theirs: pbm keeps it, and one that starts with 已整改 counts as closed.

A problem whose file was not resubmitted keeps what an earlier check found; otherwise it is
待整改 (no reply), 已回复待核实 (a reply, nothing to check it on) or 逾期未整改 (past the
deadline without a reply).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm import __version__
from pbm.findings import Finding, catalogue, count_by_severity
from pbm.rectify.ledger import (
    CLOSED,
    MANUAL,
    OPEN,
    OVERDUE,
    PENDING,
    REPLIED,
    STAGES,
    Ledger,
    department_of,
    is_past,
    is_replied,
    own_status,
    tally,
    totals,
)

#: 问题编号 prefix → 来源环节 (GR → 目标审核 …).
PREFIXES = dict(STAGES.values())

# Why a finding cannot be judged on a resubmission alone.
WHY_NO_GOALS = "工作区没有批复目标（out/goals-<年度>.xlsx 或 goals/），无法核实与批复目标的对照"
WHY_NO_ROSTER = "工作区没有部门名册 roster.xlsx，无法核实部门是否在名册内"
WHY_DUPLICATE = "重复报送须对照该部门本期报送的全部文件核实"
WHY_PERIOD = "监控期间只是 pbm.toml 的默认值，无法核实填报期间是否一致（请用 --period 指明）"
WHY_EVALUATION = "评价组扣分的问题不能由重报的自评表核实"
WHY_LIBRARY = "审核时可能对照了往年指标或核心指标库，本次未配置（pbm.toml [indicators]）"
WHY_NO_DEPARTMENT = "重报文件中看不出主管部门，无法对照批复目标"
WHY_NOT_APPROVED = "重报的项目未能对应到批复目标中的项目，无法核实与批复目标的对照"
#: What is judged against the approved goals (运行监控).
AGAINST_GOALS = ("M3", "M-DRIFT", "M-PROJECT-NOT-REPORTED")
#: A finding's place in the resubmission: its cell ("" for none) and project ("" for none).
Place = tuple[str, str]


@dataclass
class Recheck:
    """What re-running one stage's library call on its resubmitted workbooks found, by file
    name (the ledger names a problem's file by its name, as the letters do)."""

    stage: str  # GR | MF | SF
    files: set[str] = field(default_factory=set)
    #: file name → why pbm could not look at it (unreadable, blank, named twice …)
    not_checked: dict[str, str] = field(default_factory=dict)
    sheets: set[tuple[str, str]] = field(default_factory=set)
    projects: set[tuple[str, str, str]] = field(default_factory=set)  # file, sheet, name
    #: (file, sheet, code) → the places the finding stands at
    at: dict[tuple[str, str, str], list[Place]] = field(default_factory=dict)
    #: why this run cannot say whether a finding is gone: by its code, (file, code) or
    #: (file, sheet, project, code)
    cannot_judge: dict[Any, str] = field(default_factory=dict)

    def add_file(self, file: str, why_not: str | None = None) -> None:
        name = Path(file).name
        if name in self.files:
            self.not_checked[name] = f"重报的文件中有多个名为“{name}”的文件，无法确定对应哪一个"
        self.files.add(name)
        if why_not and name not in self.not_checked:
            self.not_checked[name] = why_not

    def add_reads(self, reads) -> None:
        """The files a library call read (``FileRead``s): an unreadable one cannot be checked."""
        for read in reads:
            self.add_file(read.file, None if read.error is None else
                          f"重报文件无法读取：{read.error.message()}")

    def add_project(self, file: str, sheet: str, name: str) -> None:
        file = Path(file).name
        self.sheets.add((file, sheet))
        self.projects.add((file, sheet, name or ""))

    def add_findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            if not finding.file:
                continue
            name = Path(finding.file).name
            if finding.sheet:
                self.sheets.add((name, finding.sheet))
            self.at.setdefault((name, finding.sheet or "", finding.code), []).append(
                (finding.cell or "", finding.project or ""))


def _same_project(found: str, wanted: str) -> bool:
    """A finding of the resubmission belongs to the ledger row's project (either may name
    none: a file-level finding, or a row written without a project)."""
    return not found or not wanted or found == wanted


def _found_at(row: dict[str, str], recheck: Recheck) -> bool:
    places = recheck.at.get((Path(row["file"]).name, row["sheet"], row["finding"]), ())
    return any(cell == row["cell"] and _same_project(project, row["name"])
               for cell, project in places)


@dataclass
class LedgerPlaces:
    """What the ledger itself says about places: (file, sheet, code, cell) of its problems
    still found at their places — a finding there is that problem's, not another one moved —
    and the file names it holds for more than one file (a/目标.xlsx, b/目标.xlsx), by stage."""

    still_there: set[tuple[str, str, str, str]] = field(default_factory=set)
    ambiguous: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def check_at_place(row: dict[str, str], recheck: Recheck, places: LedgerPlaces
                   ) -> tuple[str | None, str] | None:
    """The status and 核实情况 of one ledger row against its stage's resubmission — one rule
    for the three stages: None when its file was not resubmitted; (None, why) when pbm cannot
    judge its finding (the row is followed by reply and deadline)."""
    name = Path(row["file"]).name
    if not name or name not in recheck.files:
        return None
    if name in recheck.not_checked:
        return MANUAL, recheck.not_checked[name]
    if (recheck.stage, name) in places.ambiguous:
        return MANUAL, (f"台账中有多个名为“{name}”的文件（"
                        f"{'、'.join(places.ambiguous[(recheck.stage, name)])}），"
                        f"无法确定重报的是哪一个")
    sheet, cell, code, project = row["sheet"], row["cell"], row["finding"], row["name"]
    where = " ".join(filter(None, (name, sheet, cell or project)))
    if _found_at(row, recheck):
        return OPEN, f"复核重报文件，问题仍存在（{where}）"
    why_not = next((recheck.cannot_judge[k] for k in (code, (name, code),
                                                      (name, sheet, project, code))
                    if k in recheck.cannot_judge), None)
    if code not in catalogue():  # several codes in one cell (an older 复核差异), a typo
        why_not = f"问题代码“{code}”不是 pbm 的一个问题代码，无法在重报文件中查找"
    if why_not:
        return None, f"未核实：{why_not}"
    if sheet and (name, sheet) not in recheck.sheets:
        return MANUAL, f"重报文件中已没有工作表“{sheet}”，无法在原位置核实"
    if project and sheet and (name, sheet, project) not in recheck.projects:
        return MANUAL, f"工作表“{sheet}”中已没有项目“{project}”，无法在原位置核实"
    elsewhere = sorted({found or "（项目）" for found, owner in recheck.at.get((name, sheet, code), ())
                        if found != cell and _same_project(owner, project)
                        and (name, sheet, code, found) not in places.still_there})
    if elsewhere:
        return MANUAL, (f"原位置 {cell or '（项目）'} 的问题已消除，但同类问题（{code}）出现在 "
                        f"{'、'.join(elsewhere)}，可能是行列移动所致")
    return CLOSED, f"复核重报文件，原位置（{where}）问题已消除"


def recheck_goals(paths: list[Path], config) -> Recheck:
    """The resubmitted goal workbooks reviewed as ``pbm validate`` reviews them (no output
    written), against the library pbm.toml names (往年指标, 核心指标库), as validate does."""
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.library.checks import LibraryContext
    from pbm.workbook.source import Limits

    limits = Limits.from_config(config.section("limits"))
    library = LibraryContext.from_config(config, limits)
    result = validate_paths(paths, ReviewSettings.from_config(config), limits,
                            year=config.year, library=library)
    recheck = Recheck("GR")
    if library is None:  # validate may have had --history/--core: not judged without them
        recheck.cannot_judge.update(dict.fromkeys(("G-TARGET-LOW", "G-TARGET-LOOSE",
                                                   "G-NOT-CORE"), WHY_LIBRARY))
    recheck.add_reads(result.files)
    for review in result.reviews:
        recheck.add_project(review.record.file, review.record.sheet, review.record.name)
    recheck.add_findings(result.findings)
    return recheck


def recheck_monitor(paths: list[Path], config, period: str | None = None) -> Recheck:
    """The resubmitted monitoring submissions merged, lit and checked as ``pbm monitor`` does
    (no output written), with the workspace's approved goals and roster."""
    from pbm.monitoring.merge import monitor_files
    from pbm.monitoring.workspace import monitor_context
    from pbm.workbook.read import iter_workbook_files

    files = iter_workbook_files(paths)
    if not files:
        from pbm.errors import PbmError

        raise PbmError("M-NO-FILES", file=str(paths[0]))
    context, note = monitor_context(config, Path(paths[0]), period=period)
    result = monitor_files(files, context, goals_note=note)
    recheck = Recheck("MF", cannot_judge={"M-DUPLICATE-SUBMISSION": WHY_DUPLICATE})
    if context.goals is None:
        recheck.cannot_judge.update(dict.fromkeys(AGAINST_GOALS, WHY_NO_GOALS))
    if not context.roster:
        recheck.cannot_judge["M-UNKNOWN-DEPT"] = WHY_NO_ROSTER
    if context.period.month_default:
        recheck.cannot_judge["M-PERIOD-MISMATCH"] = WHY_PERIOD
    for submission in result.files:
        why = None
        if submission.error is not None:
            why = f"重报文件无法读取：{submission.error.message()}"
        elif submission.status == "blank":
            why = "重报文件是未填写的监控表，无法核实"
        elif submission.status == "superseded":
            why = "重报文件被同一部门更新的文件取代，未复核"
        recheck.add_file(submission.file, why)
        name = Path(submission.file).name
        if not submission.department:  # no department: its projects met no approved goals
            recheck.cannot_judge.update({(name, code): WHY_NO_DEPARTMENT
                                         for code in AGAINST_GOALS})
        for project in submission.projects:
            recheck.add_project(project.file, project.sheet, project.name)
            if project.approved is None:
                recheck.cannot_judge.update({(name, project.sheet, project.name, code):
                                             WHY_NOT_APPROVED for code in AGAINST_GOALS})
    recheck.add_findings(result.findings)
    return recheck


def recheck_self_eval(paths: list[Path], config) -> Recheck:
    """The resubmitted self-evaluations scored and rechecked as ``pbm score`` does (no output
    written), by the workspace's rules."""
    from pbm.scoring.batch import score_paths
    from pbm.scoring.groups import group_weights_from_config
    from pbm.scoring.rules import ScoreRules
    from pbm.workbook.source import Limits

    section = config.section("score")
    run = score_paths(paths, ScoreRules.from_config(section),
                      Limits.from_config(config.section("limits")),
                      group_weights=group_weights_from_config(section.get("group_weights")),
                      year=config.year)
    recheck = Recheck("SF", cannot_judge={code: WHY_EVALUATION for code in (
        "LETTER-EVAL-DEDUCTION", "LETTER-EVAL-DEDUCTION-NO-REASON")})
    recheck.add_reads(run.files)
    for project in run.projects:
        recheck.add_project(project.input.file, project.input.sheet, project.input.name)
    recheck.add_findings(run.findings)
    return recheck


def verify(ledger: Ledger, today: dt.date, rechecks: list[Recheck]) -> None:
    """Set 整改状态, 核实情况 and 核实日期 of every row."""
    by_stage = {recheck.stage: recheck for recheck in rechecks}
    stage_of = {row["id"]: by_stage.get(row["id"].partition("-")[0]) for row in ledger.rows}
    places = LedgerPlaces()
    files: dict[tuple[str, str], set[str]] = {}
    for row in ledger.rows:
        recheck = stage_of[row["id"]]
        if recheck is None:
            continue
        if _found_at(row, recheck):
            places.still_there.add((Path(row["file"]).name, row["sheet"], row["finding"],
                                    row["cell"]))
        folder = Path(row["file"]).parent.name  # goals/a/目标.xlsx and /ws/goals/a/… are one
        if folder:
            files.setdefault((recheck.stage, Path(row["file"]).name), set()).add(
                f"{folder}/{Path(row['file']).name}")
    places.ambiguous = {key: sorted(paths) for key, paths in files.items() if len(paths) > 1}
    for row in ledger.rows:
        if own_status(row["status"]):
            continue  # a person's verdict (已整改（人工核实）…) stands over pbm's
        recheck = stage_of[row["id"]]
        checked = check_at_place(row, recheck, places) if recheck is not None else None
        past, replied = is_past(row, today), is_replied(row)
        if checked is not None and checked[0] is not None:
            status, note = checked
            if status == OPEN and past:
                status = OVERDUE
            row.update({"status": status, "verified": note, "checked": today.isoformat()})
            continue
        if checked is not None and not row["checked"]:
            row["verified"] = checked[1]  # resubmitted, but its finding cannot be judged on it
        if row["status"] in (CLOSED, MANUAL):
            continue  # what an earlier check found stands until the file is checked again
        if row["status"] in (OPEN, OVERDUE) and row["checked"]:
            row["status"] = OVERDUE if past else OPEN  # still there when last checked
        elif replied:
            row["status"] = REPLIED
        else:
            row["status"] = OVERDUE if past else PENDING


# --------------------------------------------------------------------------- the run

@dataclass
class RectifyResult:
    ledger: Ledger
    findings: list[Finding]
    replies_read: int
    files: list[str]
    today: dt.date
    #: files re-checked per stage (GR/MF/SF); empty: nothing resubmitted
    resubmitted: dict[str, int] = field(default_factory=dict)
    out: Path | None = None

    def departments(self) -> list[dict[str, Any]]:
        counts = tally(self.ledger.rows, department_of, lambda row: row["status"])
        return [{"department": name, **entry} for name, entry in counts.items()]

    def summary(self) -> dict[str, Any]:
        departments = self.departments()
        severity = count_by_severity(self.findings)
        return {**totals(departments), "departments": len(departments),
                "reply_files": len(self.files), "reply_rows": self.replies_read,
                "resubmitted_files": sum(self.resubmitted.values()) if self.resubmitted
                else None,
                "resubmitted": {PREFIXES[stage]: count
                                for stage, count in self.resubmitted.items()},
                "today": self.today.isoformat(),
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
                              "replied": is_replied(r)}
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
                today: dt.date, command: str = "", *, monitor: list[Path] | None = None,
                self_eval: list[Path] | None = None, period: str | None = None
                ) -> RectifyResult:
    """Read the ledger, the replies and the resubmissions (goal workbooks, monitoring
    submissions, self-evaluations); update and write the ledger (under the output lock,
    written atomically)."""
    from pbm.errors import PbmError
    from pbm.rectify.ledger import LEDGER_NAME, read_ledger, write_ledger
    from pbm.rectify.replies import apply_replies, read_replies
    from pbm.workbook.source import Limits
    from pbm.workbook.writer import output_lock

    path = Path(out_dir) / LEDGER_NAME
    if not replies and not goals and not monitor and not self_eval:
        raise PbmError("RECT-NOTHING-TO-DO")
    with output_lock(Path(out_dir)):
        if not path.exists():
            raise PbmError("RECT-NO-LEDGER", file=str(path))
        ledger = read_ledger(path)
        read = read_replies(replies, Limits.from_config(config.section("limits")), skip=path)
        findings = list(read.findings)
        findings.extend(apply_replies(ledger, read, today))
        rechecks = []
        if goals:
            rechecks.append(recheck_goals(goals, config))
        if monitor:
            rechecks.append(recheck_monitor(monitor, config, period))
        if self_eval:
            rechecks.append(recheck_self_eval(self_eval, config))
        verify(ledger, today, rechecks)
        findings.extend(status_findings(ledger))
        write_ledger(ledger, command or "pbm rectify")
    return RectifyResult(ledger, findings, len(read.rows), read.files, today,
                         {recheck.stage: len(recheck.files) for recheck in rechecks}, path)
