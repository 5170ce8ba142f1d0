"""Benchmark of ``pbm rectify`` (整改回头看) beside a plain pandas + openpyxl implementation of
the reply part of the job on the same files.

Data (generated once into ``benchmarks/data/rectify/``, fixed seed): 100 departments' goal
workbooks (list layout, 36 projects of 7 lines, problems planted in most projects), reviewed
by pbm's own library call; 10,000 of the errors and warnings (all of the 20 departments that
resubmit, the others' in turn) are the rows of a ledger
``out/rectification.xlsx`` written by pbm's own ledger writer (ids as ``pbm report`` makes
them).  Each department returns a reply workbook of its own (a title row, columns in another
order, rows shuffled) answering about 85 % of its problems; 20 departments resubmit their goal
workbook with about half of their problems fixed.

Step:
* ``rectify whole command`` — ``pbm rectify replies/ --goals resubmitted/`` in a fresh
  process: read the ledger and the 100 replies, match them by 问题编号, review the 20
  resubmitted workbooks again, check every problem at its place, write the ledger (target
  ≤ 5 s), against pandas + openpyxl reading the ledger and the replies, matching by id and
  writing the ledger (no re-check: pandas has no rules).

``bench(workdir)`` returns rows ``{"step", "data", "pbm_s", "baseline_s", "target_s"}``;
``python benchmarks/bench_rectify.py`` prints them.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPARTMENTS, PROJECTS, LINES = 100, 36, 7
LEDGER_ROWS = 10_000
RESUBMITTING = 20
LETTER_DATE = dt.date(2026, 3, 5)
TODAY = "2026-03-20"
LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
          ("产出指标", "成本指标"), ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"),
          ("满意度指标", "服务对象满意度指标")]


def _goal_workbook(path: Path, code: str, department: str, rng: random.Random,
                   fixed: set[tuple[int, int]] | None = None) -> None:
    """One department's goal list; a line (project, line) in ``fixed`` has no planted
    problem (the resubmission corrects it)."""
    import xlsxwriter

    from pbm.workbook.forms import GOAL_LIST_COLUMNS, write_value

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False})
    sheet = workbook.add_worksheet("绩效目标")
    sheet.write_row(0, 0, GOAL_LIST_COLUMNS)
    row = 1
    for project in range(PROJECTS):
        amount = rng.choice([35, 80, 150, 260])
        for k in range(LINES):
            level1, level2 = LEVELS[k]
            nature, target, unit = [("≥", rng.randint(10, 5000), "人"), ("≥", "95%", "%"),
                                    ("≤", "2026年12月", "月"), ("≤", "3万元", "万元"),
                                    ("定性", "明显改善", None), ("定性", "长期发挥作用", None),
                                    ("≥", "90%", "%")][k]
            # the same draws with or without fixes: a resubmission differs only where fixed
            planted, kind = rng.random() < 0.6, rng.randrange(4)
            if planted and (project, k) not in (fixed or set()):  # what reviewers find most
                if kind == 0 and nature == "≥":
                    unit = None                             # G2: no 计量单位
                elif kind == 1 and nature != "定性":
                    target = "≥**"                          # G4: a template placeholder
                elif kind == 2:
                    nature, target, unit = "定性", "加强管理", None  # G13: vague
                else:
                    target = "高" if nature != "定性" else target  # G3 (a quantitative line)
            values = [f"P{code}{project:03d}", f"{department}项目{project:03d}", department,
                      f"{department}下属单位", "延续项目", amount, amount, 0, "不适用",
                      "完成年度任务", level1, level2, f"指标{k + 1}", nature, target, unit,
                      [20, 15, 10, 5, 20, 10, 10][k], None]
            for column, value in enumerate(values):
                write_value(sheet, row, column, value)
            row += 1
    workbook.close()


def _reply_workbook(path: Path, rows: list[dict[str, str]], rng: random.Random) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False})
    sheet = workbook.add_worksheet("整改回复")
    sheet.write_string(0, 0, "整改情况回复")
    header = ["完成情况", "问题编号", "整改措施", "佐证材料"]
    sheet.write_row(1, 0, header)
    rows = list(rows)
    rng.shuffle(rows)  # returned in another order
    for number, row in enumerate(rows, start=2):
        sheet.write_row(number, 0, [
            rng.choice(["已完成", "正在整改", "已完成，待财政复核"]), row["id"],
            f"已按要求修改“{row['sheet']}”{row['cell']}：{row['problem'][:30]}",
            rng.choice(["", "修改后的申报表", "会议纪要及修改后的申报表"])])
    workbook.close()


def generate(folder: Path) -> Path:
    """The workspace: pbm.toml, out/rectification.xlsx (kept as ledger.xlsx to restore before
    each run), replies/, resubmitted/."""
    done = folder / "ready"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    from pbm.config import load_config
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.rectify.ledger import STAGES, Ledger, problem_id, write_ledger
    from pbm.workbook.source import Limits

    rng = random.Random(17)
    goals, replies, resubmitted, out = (folder / name for name in
                                        ("goals", "replies", "resubmitted", "out"))
    for path in (goals, replies, resubmitted, out):
        path.mkdir(parents=True)
    (folder / "pbm.toml").write_text('[workspace]\nyear = 2026\nlocality = "基准区"\n',
                                     encoding="utf-8")
    seeds = {}
    for index in range(DEPARTMENTS):
        code, department = f"{100 + index}", f"部门{100 + index}"
        seeds[code] = rng.randrange(1 << 30)
        _goal_workbook(goals / f"{code}-{department}-目标.xlsx", code, department,
                       random.Random(seeds[code]))
    config = load_config(folder)
    review = validate_paths([goals], ReviewSettings.from_config(config),
                            Limits.from_config(config.section("limits")), year=2026)
    deadline = (LETTER_DATE + dt.timedelta(days=30)).isoformat()
    rows: list[dict[str, str]] = []
    taken: set[str] = set()
    # every problem of the departments that resubmit, then the others' in turn until 10,000
    per_file: dict[str, list] = {}
    for finding in review.findings:
        if finding.severity != "info" and finding.file:
            per_file.setdefault(finding.file, []).append(finding)
    found = list(per_file.values())
    issued = [f for own in found[:RESUBMITTING] for f in own]
    for turn in range(max(map(len, found))):
        issued += [own[turn] for own in found[RESUBMITTING:] if turn < len(own)]
    for finding in issued:
        if len(rows) == LEDGER_ROWS:
            break
        name = Path(finding.file).name
        code, department = name.split("-")[:2]
        ident = problem_id("goal-review", department, name, finding.sheet or "",
                           finding.cell or "", finding.code)
        if ident in taken:
            continue
        taken.add(ident)
        rows.append({"id": ident, "stage": STAGES["goal-review"][1],
                     "doc_number": f"财绩〔2026〕{int(code) - 99}号", "letter": f"{department}绩效目标审核意见书",
                     "department": department, "code": "", "name": finding.project or "",
                     "amount": "", "file": finding.file, "sheet": finding.sheet or "",
                     "cell": finding.cell or "", "finding": finding.code,
                     "problem": finding.message(), "required": finding.hint() or "",
                     "issued": LETTER_DATE.isoformat(), "deadline": deadline,
                     "status": "待整改", "last_issued": LETTER_DATE.isoformat()})
    assert len(rows) == LEDGER_ROWS, len(rows)
    from pbm.rectify.ledger import KEYS

    ledger = Ledger(out / "rectification.xlsx",
                    rows=[{key: row.get(key, "") for key in KEYS} for row in rows])
    write_ledger(ledger, "bench")
    shutil.copy(out / "rectification.xlsx", folder / "ledger.xlsx")
    by_department: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_department.setdefault(row["department"], []).append(row)
    for department, own in by_department.items():
        answered = [row for row in own if rng.random() < 0.85]
        _reply_workbook(replies / f"{department}-整改回复.xlsx", answered, rng)
    # 20 departments resubmit, about half of their planted problems corrected
    for index in range(RESUBMITTING):
        code, department = f"{100 + index}", f"部门{100 + index}"
        fixed = {(p, k) for p in range(PROJECTS) for k in range(LINES) if rng.random() < 0.5}
        _goal_workbook(resubmitted / f"{code}-{department}-目标.xlsx", code, department,
                       random.Random(seeds[code]), fixed)
    done.write_text("ok")
    return folder


def _restore(folder: Path) -> None:
    shutil.copy(folder / "ledger.xlsx", folder / "out" / "rectification.xlsx")
    for leftover in (folder / "out").glob(".~pbm-*"):
        shutil.rmtree(leftover, ignore_errors=True)


BASELINE = """
import sys, time
from pathlib import Path
import pandas as pd
folder = Path(sys.argv[1])
_started = time.perf_counter()
ledger = pd.read_excel(folder / "out" / "rectification.xlsx", sheet_name="整改台账",
                       engine="openpyxl", dtype=str)
replies = pd.concat([pd.read_excel(path, header=1, engine="openpyxl", dtype=str)
                     for path in sorted((folder / "replies").glob("*.xlsx"))])
replies = replies.drop_duplicates("问题编号").set_index("问题编号")
matched = ledger["问题编号"].map
for column in ("整改措施", "完成情况", "佐证材料"):
    ledger[column] = ledger[column].fillna(matched(replies[column]))
replied = ledger[["整改措施", "完成情况", "佐证材料"]].notna().any(axis=1)
ledger.loc[replied, "整改状态"] = "已回复待核实"
ledger.to_excel(folder / "baseline-ledger.xlsx", sheet_name="整改台账", index=False,
                engine="openpyxl")
_seconds = time.perf_counter() - _started
"""


def bench(workdir: Path) -> list[dict]:
    from benchmarks import timing

    folder = generate(Path(workdir) / "rectify")
    args = ["rectify", "replies/", "--goals", "resubmitted/", "--today", TODAY, "--quiet"]
    pbm = timing.command(args, folder, runs=timing.rounds(3), setup=lambda: _restore(folder))
    baseline = []
    for _ in range(timing.rounds(3)):
        _restore(folder)
        done = subprocess.run([sys.executable, "-c", BASELINE + timing.REPORT, str(folder)],
                              capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        seconds, rss = done.stdout.split()[-2:]
        baseline.append((float(seconds), int(rss)))
    _restore(folder)
    new = pbm["new"]
    return [{"step": "rectify: whole command", "data": "10,000 problems, 100 replies, 20 resub.",
             "pbm_s": timing.median(new), "baseline_s": timing.median(baseline),
             "target_s": 5.0, "peak_rss_mib": timing.peak(new),
             "notes": f"{timing.describe(pbm)}; baseline peak {timing.peak(baseline)} MiB "
                      f"(replies only, no re-check)"}]


if __name__ == "__main__":
    started = time.perf_counter()
    for result in bench(ROOT / "benchmarks" / "data"):
        print(result)
    print(f"({time.perf_counter() - started:.0f} s)")
