"""`pbm score` on one workbook of 100,000 self-evaluation indicator rows.

Rows reported:

* read — the shared reader on the list-layout 自评汇总 (the baseline is
  ``pandas.read_excel(engine="openpyxl")``);
* type + score + recheck — from the read records to every project's recomputed score, grade
  and recheck findings (baseline: the same arithmetic in plain pandas on the read frame);
* read + score + recheck — the library call the command makes, target ≤ 3 s;
* write scores-<year>.xlsx — reported apart from the 3 s target (baseline:
  ``DataFrame.to_excel(engine="openpyxl")`` of the project and indicator tables);
* the whole command in a fresh process.

The data set is generated once (fixed seed) into ``benchmarks/data/``: 10 indicators per
project (10,000 projects), mixed value types as units fill them in, honest claims on most
lines and about one line in twenty scored too high.
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROWS = 100_000
LINES = [  # level1, level2, name, nature, unit, weight, kind
    ("产出指标", "数量指标", "完成数量", "≥", "人", 15, "count"),
    ("产出指标", "数量指标", "覆盖范围", "≥", "个", 10, "count"),
    ("产出指标", "质量指标", "验收合格率", "≥", "%", 10, "rate"),
    ("产出指标", "质量指标", "任务完成率", "≥", "%", 10, "rate"),
    ("产出指标", "时效指标", "任务完成时间", "≤", "月", 10, "date"),
    ("产出指标", "成本指标", "单位成本控制", "≤", "万元", 5, "cost"),
    ("效益指标", "社会效益指标", "服务对象受益情况", "定性", None, 10, "qual"),
    ("效益指标", "可持续影响指标", "长效管护机制", "定性", None, 5, "qual"),
    ("效益指标", "经济效益指标", "带动就业人数", "≥", "人", 5, "count"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "%", 10, "rate"),
]
DEPARTMENTS = ["教育局", "卫生健康委员会", "交通运输局", "农业农村局", "民政局", "文化和旅游局",
               "住房和城乡建设局", "生态环境局", "水利局", "应急管理局"]
CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def self_eval_workbook(path: Path, rows: int = ROWS, seed: int = 11) -> Path:
    """A list-layout 自评汇总 of ``rows`` indicator rows (SELF_EVAL_LIST_COLUMNS)."""
    if path.exists():
        return path
    import xlsxwriter

    from pbm.scoring.forms import SELF_EVAL_LIST_COLUMNS
    from pbm.scoring.rules import IndicatorInput, ScoreRules, score_execution, score_indicator
    from pbm.workbook.forms import write_value

    rules = ScoreRules()
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp.xlsx")
    workbook = xlsxwriter.Workbook(str(temp), {"constant_memory": True})
    sheet = workbook.add_worksheet("自评汇总")
    sheet.write_row(0, 0, SELF_EVAL_LIST_COLUMNS)
    r = 1
    project = 0
    while r <= rows:
        project += 1
        department = DEPARTMENTS[project % len(DEPARTMENTS)]
        budget = Decimal(rng.choice([35, 80, 150, 260, 520, 1200]))
        executed = _q(budget * Decimal(rng.choice(["0.88", "0.93", "0.97", "1", "1.02"])))
        _, execution_score = score_execution(budget, executed, rules)
        lines = []
        for level1, level2, name, nature, unit, weight, kind in LINES:
            if kind == "count":
                target = rng.randint(10, 5000)
                actual = int(target * rng.choice([0.9, 0.97, 1, 1.05, 1.2]))
                target_text, actual_value = target, actual
                op, t, a = "≥", Decimal(target), Decimal(actual)
            elif kind == "rate":
                target = rng.choice([85, 90, 95])
                actual = rng.choice([83, 88, 92, 96, 100])
                target_text, actual_value = f"≥{target}%", f"{actual}%"
                op, t, a = "≥", Decimal(target), Decimal(actual)
            elif kind == "date":
                target_text, actual_value = "2026年12月", f"2026年{rng.choice([10, 11, 12])}月"
                op, t, a = "≥", Decimal(1), Decimal(1)
            elif kind == "cost":
                target = Decimal(rng.choice(["0.5", "1.2", "3"]))
                actual = _q(target * Decimal(rng.choice(["0.9", "1", "1.1"])))
                target_text, actual_value = f"≤{target}万元", f"{actual}万元"
                op, t, a = "≤", target, actual
            else:
                tier = rng.choice(["达成", "达成", "部分达成"])
                target_text, actual_value = "有效提升", tier
                op, t, a = None, None, None
            if op is None:
                share = Decimal("0.9") if tier == "达成" else Decimal("0.7")
                claimed = _q(share * weight)
            else:
                claimed = score_indicator(IndicatorInput(name, op=op, target=t, actual=a,
                                                         weight=Decimal(weight)),
                                          rules).recomputed
            if rng.random() < 0.05:
                claimed = Decimal(weight)  # a line scored too high
            lines.append((level1, level2, name, nature, target_text, actual_value, unit, weight,
                          claimed))
        total = sum((line[-1] for line in lines), execution_score)
        for level1, level2, name, nature, target_text, actual_value, unit, weight, claimed \
                in lines:
            if r > rows:
                break
            values = [f"P{project:06d}", f"项目{project:06d}", department, f"{department}下属单位",
                      float(budget), float(executed), float(execution_score), float(total),
                      level1, level2, name, nature, target_text, actual_value, unit, weight,
                      float(claimed), None]
            for col, value in enumerate(values):
                write_value(sheet, r, col, value)
            r += 1
    workbook.close()
    temp.replace(path)
    return path


def _baseline_score(frame):
    """The same step in plain pandas: parse, score by direction, total, grade, compare."""
    import numpy as np
    import pandas as pd

    target = frame["年度指标值"].astype(str).str.extract(r"(≥|≤|=)?\s*([0-9.]+)")
    actual = frame["实际完成值"].astype(str).str.extract(r"([0-9.]+)")
    t = pd.to_numeric(target[1], errors="coerce")
    a = pd.to_numeric(actual[0], errors="coerce").clip(lower=0)
    w = pd.to_numeric(frame["分值"], errors="coerce")
    claimed = pd.to_numeric(frame["得分"], errors="coerce")
    reverse = frame["指标性质"].eq("≤")
    qualitative = frame["指标性质"].eq("定性")
    timeliness = frame["计量单位"].eq("月")
    positive = np.where(a >= t, w, w * a / t)
    ratio = np.where(a <= t, w, w * t / a)
    score = np.where(reverse, ratio, positive)
    tier = frame["实际完成值"].map({"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)})
    low = tier.map(lambda x: x[0] if isinstance(x, tuple) else np.nan) * w
    high = tier.map(lambda x: x[1] if isinstance(x, tuple) else np.nan) * w
    score = np.where(qualitative, claimed.clip(lower=low, upper=high), score)
    score = np.where(timeliness, w, score)
    score = np.minimum(np.round(score.astype(float) + 1e-9, 2), w)
    frame = frame.assign(复核得分=score, 差异=claimed - score)
    execution = (frame["全年执行数(万元)"] / frame["全年预算数(万元)"]).clip(upper=1) * 10
    frame = frame.assign(执行率得分=np.round(execution + 1e-9, 2))
    projects = frame.groupby("项目编码", sort=False).agg(
        名称=("项目名称", "first"), 指标得分=("复核得分", "sum"), 执行率得分=("执行率得分", "first"),
        自评总分=("自评总分", "first"))
    projects["复核总分"] = (projects["指标得分"] + projects["执行率得分"]).round(2)
    projects["等级"] = pd.cut(projects["复核总分"], [-1, 60, 80, 90, 101], right=False,
                            labels=["差", "中", "良", "优"])
    projects["差异"] = projects["自评总分"] - projects["复核总分"]
    return frame, projects


_SCORE = """
import time
from pathlib import Path
from pbm.perf import collector_paused
from pbm.scoring.batch import score_paths
from pbm.scoring.rules import ScoreRules
_started = time.perf_counter()
with collector_paused():  # as the command pauses it
    _run = score_paths([Path({path!r})], ScoreRules(), year=2026)
_seconds = time.perf_counter() - _started
assert _run.summary()["indicators"] == {rows}
"""


def bench(workdir: Path, rows: int = ROWS) -> list[dict]:
    path = self_eval_workbook(workdir / f"selfeval-{rows // 1000}k.xlsx", rows)
    label = f"1 workbook × {rows:,} rows"
    from benchmarks import timing
    from pbm.perf import collector_paused
    from pbm.scoring.batch import ScoredProject, score_paths
    from pbm.scoring.output import score_sheets
    from pbm.scoring.recheck import recheck_project
    from pbm.scoring.rules import Scorer, ScoreRules
    from pbm.scoring.selfeval import SelfEvalTyping
    from pbm.workbook.read import read_workbook
    from pbm.workbook.writer import write_xlsx

    # The library call the command makes, in fresh processes (beside an older checkout when
    # PBM_BENCH_OLD names one), then its parts apart in this process.
    whole = timing.interleaved(_SCORE.format(path=str(path), rows=rows))
    rules = ScoreRules()
    with collector_paused():
        run = score_paths([path], rules, year=2026)
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            write_xlsx(Path(out) / "scores-2026.xlsx", score_sheets(run, "bench"))
            write_s = time.perf_counter() - started
    del run
    gc.collect()

    with collector_paused():
        started = time.perf_counter()
        workbook = read_workbook(path)
        read_s = time.perf_counter() - started

        started = time.perf_counter()
        scored = []
        typing, scorer, clean = SelfEvalTyping(rules, 2026), Scorer(rules), set()
        for table in workbook.tables:
            typed = typing.typing.table(table)
            for record in table.projects:
                inp = typing.project(record, typed)
                score = inp.score(rules, scorer)
                score.findings = recheck_project(score, rules, clean)
                scored.append(ScoredProject(inp, score))
        score_s = time.perf_counter() - started
    assert sum(len(p.score.indicators) for p in scored) == rows

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    baseline_read_s = time.perf_counter() - started
    started = time.perf_counter()
    scored_frame, projects = _baseline_score(frame)
    baseline_score_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        with pd.ExcelWriter(Path(out) / "baseline.xlsx", engine="openpyxl") as writer:
            projects.to_excel(writer, sheet_name="项目得分")
            scored_frame.to_excel(writer, sheet_name="指标得分", index=False)
        baseline_write_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as out:
        command = timing.command(["score", str(path), "--quiet", "--out", out], Path(out))

    return [
        {"step": "score: read (shared reader)", "data": label, "pbm_s": read_s,
         "baseline_s": baseline_read_s, "target_s": None},
        {"step": "score: type + score + recheck", "data": label, "pbm_s": score_s,
         "baseline_s": baseline_score_s, "target_s": None},
        {"step": "score: read + score + recheck", "data": label,
         "pbm_s": timing.median(whole["new"]),
         "baseline_s": baseline_read_s + baseline_score_s, "target_s": 3.0,
         "peak_rss_mib": timing.peak(whole["new"]), "notes": timing.describe(whole)},
        {"step": "score: write scores-<year>.xlsx", "data": label, "pbm_s": write_s,
         "baseline_s": baseline_write_s, "target_s": None},
        {"step": "score: whole command incl. workbook", "data": label,
         "pbm_s": timing.median(command["new"]),
         "baseline_s": baseline_read_s + baseline_score_s + baseline_write_s,
         "target_s": round(0.25 * baseline_read_s, 2),
         "peak_rss_mib": timing.peak(command["new"]),
         "notes": "target: a quarter of the pandas + openpyxl read; "
                  + timing.describe(command)},
    ]


if __name__ == "__main__":  # python benchmarks/bench_score.py [rows]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    for row in bench(Path(__file__).resolve().parent / "data", count):
        print(row)
