"""`pbm indicators` on 1,000,000 indicator rows of 5 years (goal lists of 200,000 rows each,
as ``pbm validate`` writes them; target ≤ 30 s and ≤ 2 GB for the whole command), beside a plain
pandas baseline (read the five 指标 sheets, group by name: departments, projects, years)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from benchmarks import timing

YEARS = (2022, 2023, 2024, 2025, 2026)
ROWS_PER_YEAR = 200_000
NAMES = 4000  # distinct 三级 names across the years


def goal_lists(folder: Path, rows: int = ROWS_PER_YEAR) -> Path:
    """``out/goals-<year>.xlsx`` for each year, the sheets and headers of validate's goal list
    (pbm.workbook.outputs), written once."""
    import xlsxwriter

    from benchmarks.data import DEPARTMENTS, LEVELS
    from pbm.workbook.outputs import ABOUT, GOAL_FINDINGS, GOAL_INDICATORS, GOAL_PROJECTS

    folder.mkdir(parents=True, exist_ok=True)
    natures = ["≥", "≥", "≤", "≤", "定性", "定性", "≥"]
    units = ["人", "%", "月", "万元", "", "", "%"]
    for year in YEARS:
        path = folder / f"goals-{year}.xlsx"
        if path.exists():
            continue
        rng = random.Random(year)
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        projects = workbook.add_worksheet(GOAL_PROJECTS.sheet)
        projects.write_row(0, 0, GOAL_PROJECTS.headers())
        indicators = workbook.add_worksheet(GOAL_INDICATORS.sheet)
        indicators.write_row(0, 0, GOAL_INDICATORS.headers())
        count = rows // 7
        for p in range(count):
            department = DEPARTMENTS[p % len(DEPARTMENTS)]
            code, name = f"P{p:06d}", f"项目{p:06d}"
            projects.write_row(p + 1, 0, [f"{department}.xlsx", "绩效目标", code, name, department,
                                          "下属单位", "延续项目", rng.choice([35, 80, 150, 520]),
                                          "不适用", "完成年度任务", 7, 90, 0, 0, "优",
                                          "审核通过", "符合要求", "符合要求", "符合要求", "符合要求"])
            for k in range(7):
                level1, level2 = LEVELS[k]
                target = _target(rng, k)
                indicators.write_row(p * 7 + k + 1, 0, [
                    f"{department}.xlsx", "绩效目标", f"M{p * 7 + k + 2}", code, name, department,
                    level1, level2, f"指标{(p * 7 + k) % NAMES:04d}", natures[k], str(target),
                    units[k], 10, "", "优"])
        workbook.add_worksheet(GOAL_FINDINGS.sheet).write_row(0, 0, GOAL_FINDINGS.headers())
        about = workbook.add_worksheet(ABOUT.sheet)
        about.write_row(0, 0, ABOUT.headers())
        about.write_row(1, 0, ["生成工具", "pbm bench"])
        workbook.close()
    return folder


def _target(rng: random.Random, k: int) -> object:
    if k == 0:
        return rng.randint(10, 5000)
    if k in (1, 6):
        return f"≥{rng.choice([85, 90, 95])}%"
    if k == 3:
        return f"≤{rng.choice([0.5, 1.2, 3])}万元"
    return {2: "2026年12月", 4: "有效提升", 5: "建立并有效运行"}[k]


def _baseline(folder: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    frames = []
    for year in YEARS:
        frame = pd.read_excel(folder / f"goals-{year}.xlsx", sheet_name="指标", engine="calamine")
        frame["年度"] = year
        frames.append(frame)
    rows = pd.concat(frames)
    rows.groupby(["一级指标", "二级指标", "三级指标"]).agg(
        departments=("主管部门", "nunique"), projects=("项目编码", "nunique"),
        years=("年度", "nunique"), uses=("项目编码", "size"))
    return time.perf_counter() - started


def bench(workdir: Path) -> list[dict]:
    folder = goal_lists(workdir / "indicators-5y" / "out")
    workspace = folder.parent
    (workspace / "pbm.toml").write_text("[workspace]\nyear = 2026\n", encoding="utf-8")
    results = timing.command(["indicators", "--quiet", "--workspace", str(workspace)],
                             workspace, runs=1)
    pairs = results["new"]
    try:
        baseline = _baseline(folder)
    except Exception:  # no calamine engine in this pandas: no baseline
        baseline = None
    return [{"step": "indicators: library of 5 years", "data": "1,000,000 indicator rows",
             "pbm_s": timing.median(pairs), "baseline_s": baseline, "target_s": 30.0,
             "peak_rss_mib": timing.peak(pairs), "target_rss_mib": 2048,
             "notes": timing.describe(results)}]
