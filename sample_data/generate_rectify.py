"""Generate the rectification cycle of the demo (整改台账 → 回复 → 重报 → 回头看), fictional data.

Called by ``sample_data/generate.py`` (and so by ``make sample-data``) after both years are
written; run on its own with ``python sample_data/generate_rectify.py``.  It writes, under
sample_data/2026-示例区:

* ``replies/`` — four departments' returned ledgers (整改回复), see REPLIES;
* ``goals-resubmitted/`` — three departments' corrected goal workbooks (重报), see RESUBMITTED.

The replies must carry the 问题编号 pbm issues.  Those are stable hashes of the letter kind,
department, file name, sheet, cell and finding code (pbm/rectify/ledger.py), so the generator
does what the demo does, in a temporary copy of both workspaces: ``pbm validate`` and ``pbm
score`` for 2025, then ``pbm validate goals/ --history ../2025-示例区/out`` and ``pbm report
goal-review --date 2026-03-16`` for 2026, and reads the ledger that run wrote.  What is
committed is the reply and resubmission workbooks only (written with xlsxwriter and a fixed
creation time: the same bytes on every run); the ledger itself is rebuilt by every demo run,
with the same numbers.  tests/test_sample_cycle.py checks that the committed replies still
match a fresh ledger.

The demo then runs ``pbm rectify replies/ --goals goals-resubmitted/ --today 2026-04-10``
(before the 整改期限 2026-04-15) and ``pbm rectify --goals goals-resubmitted/ --today
2026-04-20`` (after it), so what is overdue is overdue on any day.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import xlsxwriter  # noqa: E402

from pbm.workbook.forms import IndicatorSpec  # noqa: E402
from pbm.workbook.outputs import RECTIFY_LEDGER  # noqa: E402

WORKSPACE = generate.WORKSPACE
WORKSPACE_2025 = HERE / "2025-示例区"
REPLIES = WORKSPACE / "replies"
RESUBMITTED = WORKSPACE / "goals-resubmitted"
#: 发文日期 of the goal-review letters, and the two days the demo's 回头看 is judged by: the
#: 整改期限 is the letter date + [report] rectification_days (30) = 2026-04-15.
LETTER_DATE = "2026-03-16"
BEFORE_DEADLINE = "2026-04-10"
AFTER_DEADLINE = "2026-04-20"
CREATED = dt.datetime(2026, 4, 8, 9, 0, 0)
#: A 问题编号 pbm never issued (a department's typo): RECT-UNKNOWN-ID.
UNKNOWN_ID = "GR-0A1B2C3D4E"

#: What each department sends back (replies/) and what becomes of each problem.
PLANTED = {
    "民政局": "complete reply (the ledger's 整改台账, both rows filled); both G4 placeholders fixed "
              "in the resubmission → 已整改（已核实） ×2",
    "住房和城乡建设局": "incomplete reply (G12 row: 整改措施 only) — kept as it is; G13 fixed → "
                      "已整改（已核实）; G12 (money parts) left → 整改中 before the deadline, "
                      "逾期未整改 after it",
    "文化和旅游局": "a sheet of its own: a title row, columns in another order, rows reversed; "
                    "项目2 G2 fixed → 已整改（已核实）; 项目1 got a row inserted above the line "
                    "still missing its unit (F12 → F13) → 需人工核实",
    "农业农村局": "a reply for its G11 problem (not resubmitted → 已回复待核实) and a row with a "
                  f"问题编号 pbm never issued ({UNKNOWN_ID}) → RECT-UNKNOWN-ID warning",
    "others": "no reply, not resubmitted → 待整改 before the deadline, 逾期未整改 after it",
}

MEASURES = {
    "G4": ("已将模板占位符改为具体指标值", "已完成，重新报送申报表", "重报申报表"),
    "G13": ("将“加强管理”改为可衡量的分级表述", "已完成，重新报送申报表", "重报申报表"),
    "G12": ("正在与项目单位核对资金来源构成", None, None),
    "G2": ("已补填计量单位", "已完成，重新报送申报表", "重报申报表"),
    "G11": ("将“项目资金投入”改为建成高标准农田面积", "已完成，待重新报送", "情况说明"),
}


def pbm(*args: str, cwd: Path) -> int:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")])))
    return subprocess.call([sys.executable, "-m", "pbm.cli.app", *args, "-q"], cwd=cwd, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def issued_ledger(workspace_2026: Path = WORKSPACE, workspace_2025: Path = WORKSPACE_2025
                  ) -> list[dict[str, str]]:
    """The 整改台账 rows the demo's goal-review letters write, from a run in a temporary copy."""
    from pbm.rectify.ledger import read_ledger

    with tempfile.TemporaryDirectory(prefix="pbm-sample-") as tmp:
        root = Path(tmp)
        ignore = shutil.ignore_patterns("out", "replies", "goals-resubmitted")
        shutil.copytree(workspace_2025, root / "2025-示例区", ignore=ignore)
        shutil.copytree(workspace_2026, root / "2026-示例区", ignore=ignore)
        steps = [(root / "2025-示例区", ("validate", "goals/")),
                 (root / "2025-示例区", ("score", "self-eval/")),
                 (root / "2026-示例区", ("validate", "goals/", "--history", "../2025-示例区/out")),
                 (root / "2026-示例区", ("report", "goal-review", "--date", LETTER_DATE))]
        for cwd, args in steps:
            code = pbm(*args, cwd=cwd)
            if code == 2:
                raise SystemExit(f"pbm {' '.join(args)} exited 2 in {cwd}")
        ledger = read_ledger(root / "2026-示例区" / "out" / "rectification.xlsx")
        return [dict(row) for row in ledger.rows]


# --------------------------------------------------------------------------- replies

def _book(path: Path):
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": CREATED, "author": path.name.split("-")[1]})
    return workbook


def _fill(row: dict[str, str]) -> dict[str, str]:
    measures, done, evidence = MEASURES[row["finding"]]
    return {**row, "measures": f"{row['name']}：{measures}", "done": done or "",
            "evidence": evidence or ""}


def write_ledger_reply(path: Path, rows: list[dict[str, str]]) -> None:
    """The ledger's 整改台账 returned with the reply columns filled (pbm's own header)."""
    workbook = _book(path)
    sheet = workbook.add_worksheet(RECTIFY_LEDGER.sheet)
    keys = list(RECTIFY_LEDGER.columns)
    for col, key in enumerate(keys):
        sheet.write_string(0, col, RECTIFY_LEDGER.columns[key])
    for number, row in enumerate(rows, 1):
        for col, key in enumerate(keys):
            if row.get(key):
                sheet.write_string(number, col, row[key])
    workbook.close()


def write_own_reply(path: Path, title: str, rows: list[dict[str, str]]) -> None:
    """A department's own reply sheet: a title row, its own column order, its own row order."""
    workbook = _book(path)
    sheet = workbook.add_worksheet("整改情况")
    columns = [("name", "项目名称"), ("problem", "问题说明"), ("measures", "整改措施"),
               ("done", "完成情况"), ("evidence", "佐证材料"), ("id", "问题编号")]
    bold = workbook.add_format({"bold": True})
    sheet.merge_range(0, 0, 0, len(columns) - 1, title, bold)
    for col, (_, header) in enumerate(columns):
        sheet.write_string(1, col, header, bold)
    for number, row in enumerate(rows, 2):
        for col, (key, _) in enumerate(columns):
            if row.get(key):
                sheet.write_string(number, col, row[key])
    workbook.close()


def write_replies(ledger: list[dict[str, str]], folder: Path = REPLIES) -> None:
    def rows_of(department: str) -> list[dict[str, str]]:
        return [row for row in ledger if row["department"] == department]

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    civil = [_fill(row) for row in rows_of("民政局")]
    write_ledger_reply(folder / "105-民政局-整改情况回复.xlsx", civil)
    housing = [_fill(row) for row in rows_of("住房和城乡建设局")]
    write_ledger_reply(folder / "107-住房和城乡建设局-整改情况回复.xlsx", housing)
    culture = [_fill(row) for row in reversed(rows_of("文化和旅游局"))]
    write_own_reply(folder / "106-文化和旅游局-整改回复表.xlsx", "文化和旅游局绩效目标整改情况回复表",
                    culture)
    farm = [_fill(row) for row in rows_of("农业农村局")]
    farm.append({**farm[0], "id": UNKNOWN_ID, "problem": "其他问题",
                 "measures": "已按要求整改", "done": "已完成", "evidence": ""})
    write_ledger_reply(folder / "104-农业农村局-整改情况回复.xlsx", farm)


# --------------------------------------------------------------------------- resubmission

def clean_specs() -> dict:
    """The 2026 specs as build_specs makes them before it plants the mistakes."""
    rng = random.Random(20260301)
    return {department: [generate.project_spec(department, code, contact, i + 1, entry, rng)
                         for i, entry in enumerate(generate.PROJECTS[department])]
            for code, department, contact in generate.DEPARTMENTS}


def write_resubmissions(folder: Path = RESUBMITTED) -> None:
    submitted = generate.build_specs(random.Random(20260301))  # exactly goals/ as sent in
    clean = clean_specs()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # 民政局: both placeholders replaced by the values they stood for.
    civil = copy.deepcopy(submitted["民政局"])
    civil[1].indicators[0].target = clean["民政局"][1].indicators[0].target
    civil[3].indicators[1].target = clean["民政局"][3].indicators[1].target
    # 住房和城乡建设局: the vague target fixed, the money parts left as they were.
    housing = copy.deepcopy(submitted["住房和城乡建设局"])
    housing[2].indicators[4].target = clean["住房和城乡建设局"][2].indicators[4].target
    # 文化和旅游局: 项目2's unit added; 项目1 gets a new line above the one still without a unit.
    culture = copy.deepcopy(submitted["文化和旅游局"])
    culture[1].indicators[0].unit = clean["文化和旅游局"][1].indicators[0].unit
    first = culture[0].indicators[0]
    first.weight = 10
    culture[0].indicators.insert(0, IndicatorSpec("产出指标", "数量指标", "流动文化服务进村",
                                                  "≥", 60, "次", 10))
    for code, department, _ in generate.DEPARTMENTS:
        specs = {"民政局": civil, "住房和城乡建设局": housing, "文化和旅游局": culture}.get(department)
        if specs is not None:
            generate.write_form_workbook(folder / f"{code}-{department}-{generate.YEAR}年项目绩效目标.xlsx",
                                         specs)


def main() -> None:
    ledger = issued_ledger()
    write_replies(ledger)
    write_resubmissions()
    print(f"wrote {REPLIES.relative_to(HERE.parent)}: 4 replies to {len(ledger)} problems; "
          f"{RESUBMITTED.relative_to(HERE.parent)}: 3 resubmitted goal workbooks")


if __name__ == "__main__":
    main()
