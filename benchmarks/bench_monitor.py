"""Benchmark of ``pbm monitor`` against its targets, each step beside a plain pandas + openpyxl
implementation of the same job on the same files.

Steps:
* ``monitor read+merge+lights`` — 200 department files × 300 rows (list layout, mixed types):
  pbm's reader + typing + lights + ledger (target ≤ 1.5 s) against ``pandas.read_excel``
  (openpyxl) + ``concat`` + the ratio light computed in pandas;
* ``monitor whole command`` — the same files, ``pbm monitor DIR`` in a fresh process
  including the coloured workbook (target ≤ 20 s) against the pandas pipeline plus
  ``to_excel`` (openpyxl) with every row filled by its light;
* ``monitor province scale`` (only with ``PBM_BENCH_PROVINCE=1``) — 1,000,000 rows across
  2,000 files, indicator detail to Parquet (target ≤ 60 s, peak memory ≤ 2 GB), no baseline
  (pandas + openpyxl would take tens of minutes).

``bench(workdir)`` returns rows ``{"step", "data", "pbm_s", "baseline_s", "target_s"}`` (and
extra keys: ratio, notes); ``python benchmarks/bench_monitor.py`` prints them.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import timing  # noqa: E402

MONTH = 9
FILES, ROWS = 200, 300
PROVINCE_FILES, PROVINCE_ROWS = 2000, 500
REASON = "受项目招投标程序及施工季节影响，部分资金尚未拨付，实际进度滞后于序时进度，将加快实施确保完成年度目标"


def generate(folder: Path, files: int, rows: int, seed: int = 11) -> list[Path]:
    """``files`` department workbooks of ``rows`` indicator rows each (list layout, 20 projects
    of 15 indicators), values mixed the way real submissions are: numbers, ``≥95%`` text,
    达成/部分达成, blanks, Chinese free text."""
    import xlsxwriter

    from pbm.monitoring.forms import list_columns
    from pbm.workbook.forms import write_value

    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("*.xlsx"))
    if len(existing) == files:
        return existing
    for old in existing:
        old.unlink()
    rng = random.Random(seed)
    columns = list_columns(MONTH)
    paths = []
    per_project = 15
    for index in range(files):
        code = f"{1000 + index}"
        department = f"部门{code}"
        path = folder / f"{code}-{department}-监控表.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        sheet = workbook.add_worksheet("绩效监控")
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write_string(0, 0, f"{department}2026年1-{MONTH}月项目绩效监控表", bold)
        for col, text in enumerate(columns):
            sheet.write_string(1, col, text, bold)
        row = 2
        for line in range(rows):
            project = line // per_project
            if line % per_project == 0:
                budget = rng.choice([50, 80, 120, 200, 360, 500, 880, 1200])
                executed = round(budget * rng.uniform(0.2, 0.95), 2)
                possibility = rng.choice(["确定能", "确定能", "有可能", "不可能"])
            kind = line % per_project
            if kind % 5 == 0:
                target, unit, actual = "≥95%", "%", rng.choice([88, 93, 97, "96%", None])
                nature = "≥"
            elif kind % 5 == 1:
                target, unit, actual = rng.choice([120, 300, 1500]), "个", rng.randint(20, 200)
                nature = "≥"
            elif kind % 5 == 2:
                target, unit, actual = "有效提升", None, rng.choice(["达成", "部分达成", "未达成"])
                nature = "定性"
            elif kind % 5 == 3:
                target, unit, actual = "≤0.5万元", "万元", rng.choice([0.4, 0.55, 0.7])
                nature = "≤"
            else:
                target, unit, actual = "=0", "起", rng.choice([0, 0, 1])
                nature = "="
            values = [code, department, f"2026{code}{project:03d}", f"{department}项目{project}",
                      f"{department}事务中心", budget, budget, executed, budget, possibility,
                      REASON if possibility != "确定能" else None,
                      "加快资金拨付进度" if possibility != "确定能" else None,
                      "产出指标", "数量指标", f"指标{kind}", nature, target, unit, actual, None,
                      "2026-10-08"]
            for col, value in enumerate(values):
                write_value(sheet, row, col, value, number_fmt=money if 5 <= col <= 8 else None)
            row += 1
        workbook.close()
        paths.append(path)
    return paths


def _workspace(root: Path) -> Path:
    """A bare workspace (pbm.toml) so the command runs with the national defaults."""
    from pbm.cli.init_cmd import pbm_toml

    root.mkdir(parents=True, exist_ok=True)
    (root / "pbm.toml").write_text(pbm_toml(2026, "基准"), encoding="utf-8")
    return root


def _context(limits=None):
    from pbm.monitoring.departments import Roster
    from pbm.monitoring.lights import LightRule
    from pbm.monitoring.period import Period
    from pbm.monitoring.project import MonitorContext
    from pbm.workbook.source import Limits

    return MonitorContext(Period(2026, MONTH, "bench"), LightRule(), None, Roster([]),
                          limits or Limits())


def time_pbm_merge(paths: list[Path], repeats: int = 3, workers: int = 1) -> float:
    from pbm.monitoring.merge import monitor_files
    from pbm.perf import collector_paused

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with collector_paused():  # as the command pauses it
            result = monitor_files(paths, _context(), workers=workers)
        best = min(best, time.perf_counter() - start)
        assert result.ledger_counts["rows_in"] >= len(paths) * ROWS
    return best


def _pandas_frame(paths: list[Path]):
    import pandas as pd

    frames = [pd.read_excel(p, engine="openpyxl", header=1) for p in paths]
    frame = pd.concat(frames, ignore_index=True)
    executed = pd.to_numeric(frame[f"1-{MONTH}月执行数(万元)"], errors="coerce").fillna(0)
    budget = pd.to_numeric(frame["全年预算数(万元)"], errors="coerce")
    ratio = (executed / budget / (MONTH / 12) * 100).round(2)
    frame["灯色"] = ["红" if r < 60 else "黄" if r < 80 else "绿" for r in ratio.fillna(0)]
    return frame


def time_baseline_merge(paths: list[Path]) -> float:
    start = time.perf_counter()
    _pandas_frame(paths)
    return time.perf_counter() - start


def time_baseline_whole(paths: list[Path], out: Path) -> float:
    start = time.perf_counter()
    frame = _pandas_frame(paths)
    from openpyxl import load_workbook
    from openpyxl.styles import PatternFill

    out.mkdir(parents=True, exist_ok=True)
    target = out / "baseline.xlsx"
    frame.to_excel(target, index=False, engine="openpyxl")
    book = load_workbook(target)
    sheet = book.active
    fills = {"红": PatternFill("solid", fgColor="FFC7CE"), "黄": PatternFill("solid", fgColor="FFEB9C"),
             "绿": PatternFill("solid", fgColor="C6EFCE")}
    # One pass over the rows (sheet[row] recomputes max_column each time: quadratic).
    for cells, light in zip(sheet.iter_rows(min_row=2), frame["灯色"]):
        for cell in cells:
            cell.fill = fills[light]
    book.save(target)
    return time.perf_counter() - start


def time_pbm_command(folder: Path, workspace: Path, *extra: str, env: dict | None = None) -> tuple[float, int]:
    """Wall time of ``pbm monitor`` in a fresh interpreter, and its peak RSS in MiB."""
    script = (timing.PEAK + "import sys, time\n"
              "start = time.perf_counter()\n"
              "from pbm.cli.app import app\n"
              "try:\n"
              "    app(sys.argv[1:], standalone_mode=False)\n"
              "except SystemExit:\n"
              "    pass\n"
              "sys.stderr.write(f'PBM_BENCH {time.perf_counter() - start:.3f} {_peak_mib()}\\n')\n")
    command = [sys.executable, "-c", script, "-q", "monitor", str(folder), "--out",
               str(workspace / "out"), *extra]
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run(command, cwd=workspace, capture_output=True, text=True, env=run_env)
    line = [text for text in done.stderr.splitlines() if text.startswith("PBM_BENCH")]
    if not line:
        raise RuntimeError(f"pbm monitor failed: {done.stderr[-2000:]}")
    _, seconds, rss = line[-1].split()
    return float(seconds), int(rss)


def bench(workdir: Path) -> list[dict]:
    workdir = Path(workdir)
    rows: list[dict] = []
    paths = generate(workdir / "city", FILES, ROWS)
    data = f"{FILES} files × {ROWS} rows"
    merge_s = time_pbm_merge(paths, workers=2)
    single_s = time_pbm_merge(paths, workers=1)
    baseline_merge = time_baseline_merge(paths)
    rows.append({"step": "monitor read+merge+lights", "data": data, "pbm_s": round(merge_s, 2),
                 "baseline_s": round(baseline_merge, 2), "target_s": 1.5,
                 "ratio": round(baseline_merge / merge_s, 1),
                 "notes": f"2 reader processes; 1 reader: {single_s:.2f} s"})
    workspace = _workspace(workdir / "ws")
    baseline_whole = time_baseline_whole(paths, workdir / "baseline")
    for engine in ("xlsxwriter", "rust"):
        from pbm.workbook.fastwrite import available

        if engine == "rust" and not available():
            rows.append({"step": "monitor whole command (rust writer)", "data": data,
                         "pbm_s": None, "baseline_s": round(baseline_whole, 2), "target_s": 5.0,
                         "notes": "rustpy-xlsxwriter not installed"})
            continue
        seconds, rss = time_pbm_command(workdir / "city", workspace, "--engine", engine)
        rows.append({"step": f"monitor whole command ({engine})", "data": data,
                     "pbm_s": round(seconds, 2), "baseline_s": round(baseline_whole, 2),
                     "target_s": 20.0 if engine == "xlsxwriter" else 5.0,
                     "ratio": round(baseline_whole / seconds, 1), "peak_rss_mib": rss})
    if os.environ.get("PBM_BENCH_PROVINCE") == "1":
        province = generate(workdir / "province", PROVINCE_FILES, PROVINCE_ROWS, seed=12)
        del province
        seconds, rss = time_pbm_command(workdir / "province", workspace, "--detail", "parquet")
        rows.append({"step": "monitor province scale (detail to Parquet)",
                     "data": f"{PROVINCE_FILES} files × {PROVINCE_ROWS} rows",
                     "pbm_s": round(seconds, 2), "baseline_s": None, "target_s": 60.0,
                     "peak_rss_mib": rss, "target_rss_mib": 2048})
    return rows


def main() -> None:
    import json
    import tempfile

    workdir = Path(os.environ.get("PBM_BENCH_DIR") or tempfile.mkdtemp(prefix="pbm-bench-"))
    for row in bench(workdir):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
