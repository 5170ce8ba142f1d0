"""`pbm sample` on 100,000 projects (target ≤ 1 s for the draw) and `pbm sample plan` start-up."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def _project_list(path: Path, rows: int) -> Path:
    import xlsxwriter

    if path.exists():
        return path
    rng = random.Random(11)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("项目")
    sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额(万元)", "灯色"])
    for i in range(rows):
        sheet.write_row(i + 1, 0, [f"P{i:06d}", f"项目{i:06d}", f"部门{i % 100:03d}",
                                   round(rng.lognormvariate(4.5, 1.2), 2),
                                   rng.choice(["红", "黄", "绿", "绿", "绿"])])
    workbook.close()
    return path


def bench(workdir: Path) -> list[dict]:
    python = sys.executable
    rows = []
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([python, "-m", "pbm.cli.app", "sample", "plan", "--confidence", "0.95",
                        "--tolerable", "0.05", "--expected", "0.01"], stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    rows.append({"step": "start-up: pbm sample plan", "data": "95 %, 5 %, 1 %",
                 "pbm_s": statistics.median(times), "baseline_s": None, "target_s": 0.3})

    path = _project_list(workdir / "projects-100k.xlsx", 100_000)
    from pbm.sampling.population import load_population
    from pbm.sampling.selection import SampleOptions, draw_sample

    population = load_population(path)
    options = SampleOptions(rate=Decimal("0.1"), must=["金额>=500", "灯色==红"], strata=["主管部门"],
                            seed=2026)
    started = time.perf_counter()
    result = draw_sample(population.rows, options)
    draw_s = time.perf_counter() - started
    assert result.population == 100_000

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    mandatory = frame[(frame["金额(万元)"] >= 500) | (frame["灯色"] == "红")]
    rest = frame.drop(mandatory.index)
    rest.groupby("主管部门", group_keys=False).sample(frac=0.01, random_state=2026)
    baseline_s = time.perf_counter() - started
    rows.append({"step": "sample: stratified draw (in memory)", "data": "100,000 projects",
                 "pbm_s": draw_s, "baseline_s": None, "target_s": 1.0})
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([python, "-m", "pbm.cli.app", "sample", "--from", str(path), "--rate", "0.1",
                        "--must", "金额>=500", "--must", "灯色==红", "--strata", "主管部门",
                        "--seed", "2026", "--quiet", "--out", out], stdout=subprocess.DEVNULL,
                       cwd=out)
        whole_s = time.perf_counter() - started
    rows.append({"step": "sample: whole command (read, draw, record)", "data": "100,000 projects",
                 "pbm_s": whole_s, "baseline_s": baseline_s, "target_s": None})
    return rows
