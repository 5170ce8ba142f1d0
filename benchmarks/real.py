"""`make real`: pbm on real workbooks nobody on the project wrote (not part of `make test`).

    python benchmarks/real.py [FOLDER]     # default ../shared/real beside the repository

The folder holds ``goal-forms/`` (goal declarations as a city's budget system exports them) and
``published/`` (tables published by counties and cities, each ``*.xlsx`` with a ``*.json`` of
what the table really says).  For every file this prints what pbm read against what the file
holds — projects, and indicators counted from the file's own grid (a row is an indicator when
its 三级指标 is neither blank nor 不适用) —, the errors and warnings by code, findings on rows
that are no indicator, and for each published self-evaluation its recomputed and claimed total
against the published one.  The files are others' documents: nothing of them is copied.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

_NOT_AN_INDICATOR = {"", "不适用", "不适应", "无", "/", "—", "-", "……", "..."}


def _own_count(path: Path) -> tuple[int, int, set[tuple[str, int]]]:
    """(sheets with a grid, indicator rows, the (sheet, row) of grid rows that are none),
    counted from the file itself: the rows under a header cell 三级指标 (or 指标名称)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    grids, indicators, blank_rows = 0, 0, set()
    for meta in book.sheets_metadata:
        if "Visible" not in str(meta.visible):
            continue
        rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        column = None
        for r, row in enumerate(rows):
            texts = ["".join(str(v).split()) for v in row]
            if column is None:
                for label in ("三级指标", "三級指標", "指标名称", "指标内容"):
                    if label in texts:
                        column, grids = texts.index(label), grids + 1
                        break
                continue
            first = texts[0] if texts else ""
            if first.startswith(("备注", "注", "说明", "填报人", "总分", "合计", "一级指标")):
                column = None if not first.startswith("一级指标") else column
                continue
            cell = texts[column] if column < len(texts) else ""
            if any(texts) and not cell.rstrip(":：/").startswith(("指标", "其他")):
                if cell.strip("：:/") in _NOT_AN_INDICATOR:
                    blank_rows.add((meta.name, r + 1))
                else:
                    indicators += 1
    return grids, indicators, blank_rows


def _by_code(findings: list) -> str:
    counts = Counter((f.code, f.severity) for f in findings if f.severity != "info")
    return ", ".join(f"{code}×{n}" for (code, _), n in counts.most_common()) or "none"


def _row_of(cell: str | None) -> int | None:
    digits = "".join(ch for ch in (cell or "") if ch.isdigit())
    return int(digits) if digits else None


def validate(paths: list[Path]) -> dict:
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.perf import collector_paused
    from pbm.workbook.source import Limits

    totals = Counter()
    for path in paths:
        with collector_paused():
            result = validate_paths([path], ReviewSettings(), Limits())
        summary = result.summary()
        grids, own, blank_rows = _own_count(path)
        on_blank = [f for f in result.findings
                    if (f.sheet, _row_of(f.cell)) in blank_rows and f.severity != "info"]
        errors = summary["errors"]
        print(f"  {path.name}: {summary['projects']} projects ({grids} grids), "
              f"{summary['indicators']} indicators read / {own} in the file; "
              f"{errors} errors, {summary['warnings']} warnings; grades {summary['grades']}")
        print(f"      by code: {_by_code(result.findings)}")
        if on_blank:
            print(f"      findings on rows that are no indicator: {len(on_blank)} "
                  f"({_by_code(on_blank)})")
        totals.update(projects=summary["projects"], indicators=summary["indicators"], own=own,
                      errors=errors, warnings=summary["warnings"], on_blank=len(on_blank),
                      required=sum(1 for f in result.findings if f.code == "G-REQUIRED"))
    return dict(totals)


def _published_lines(rows: list[dict]) -> int:
    """The published rows that are indicators: a 三级指标 given (a flattened table can lose
    it), and not a template slot (``指标1:/``)."""
    names = (re.sub(r"^指标\d+[:：]", "", row.get("level3") or "").strip() for row in rows)
    return sum(1 for name in names if name not in _NOT_AN_INDICATOR)


def score(paths: list[Path]) -> dict:
    from pbm.perf import collector_paused
    from pbm.scoring.batch import score_paths
    from pbm.scoring.rules import ScoreRules
    from pbm.workbook.source import Limits

    totals = Counter()
    for path in paths:
        truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        with collector_paused():
            run = score_paths([path], ScoreRules(), Limits(), year=int(truth.get("year") or 2026))
        published = truth.get("total_score")
        for project in run.projects:
            ps = project.score
            rows = truth.get("indicators") or []
            print(f"  {path.name}: {len(ps.indicators)} lines read / {_published_lines(rows)} "
                  f"published ({len(rows)} rows); total published {published}, "
                  f"claimed {ps.claimed_total}, recomputed {ps.total} ({ps.grade or '未评定'}); "
                  f"published grade {truth.get('grade')}")
            print(f"      by code: {_by_code(project.findings)}")
            accusations = [f for f in project.findings if f.code in ("S-TOTAL-INFLATED",)]
            totals.update(projects=1, accusations=len(accusations))
        if not run.projects:
            print(f"  {path.name}: no 自评 project read; findings: {_by_code(run.findings)}")
        notes = truth.get("transcription_notes") or ""
        if notes:
            print(f"      the table's own note: {notes[:300]}")
    return dict(totals)


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "real"
    if not folder.is_dir():
        print(f"no real workbooks at {folder}: nothing to do")
        return 0
    forms = sorted(p for p in (folder / "goal-forms").glob("*.xlsx") if not p.name.startswith("."))
    published = folder / "published"
    print("validate — goal forms")
    goal = validate(forms)
    print("validate — published goal tables")
    tables = validate(sorted(published.glob("goal_*.xlsx")))
    print("score — published self-evaluations")
    scores = score(sorted(published.glob("se_*.xlsx")))
    print("\nsummary")
    for name, totals in (("goal forms", goal), ("published goal tables", tables)):
        per_project = totals.get("errors", 0) / max(totals.get("projects", 1), 1)
        print(f"  {name}: {totals.get('projects', 0)} projects, indicators "
              f"{totals.get('indicators', 0)} read / {totals.get('own', 0)} in the files; "
              f"{totals.get('errors', 0)} errors ({per_project:.2f} a project), "
              f"{totals.get('warnings', 0)} warnings; G-REQUIRED {totals.get('required', 0)}; "
              f"findings on rows that are no indicator {totals.get('on_blank', 0)}")
    print(f"  published self-evaluations: {scores.get('projects', 0)} projects, total "
          f"accusations (S-TOTAL-INFLATED) {scores.get('accusations', 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
