"""Start-up and `pbm validate` on one 100,000-indicator-row workbook (targets 0.3 s and 3 s)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.data import goal_list_workbook


def _wall(args: list[str], repeat: int = 3, cwd: Path | None = None) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(workdir: Path) -> list[dict]:
    python = sys.executable
    rows = []
    help_s = _wall([python, "-m", "pbm.cli.app", "--help"], repeat=5)
    baseline_import = _wall([python, "-c", "import pandas, openpyxl"], repeat=3)
    rows.append({"step": "start-up: pbm --help", "data": "–", "pbm_s": help_s,
                 "baseline_s": baseline_import, "target_s": 0.3})

    path = goal_list_workbook(workdir / "goals-100k.xlsx", 100_000)
    from pbm.goals.review import validate_paths
    from pbm.goals.rules import ReviewSettings
    from pbm.perf import collector_paused
    from pbm.workbook.source import Limits

    started = time.perf_counter()
    with collector_paused():  # as the command pauses it
        result = validate_paths([path], ReviewSettings(), Limits())
    check_s = time.perf_counter() - started
    assert result.summary()["indicators"] == 100_000

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    baseline_s = time.perf_counter() - started
    assert len(frame) == 100_000
    rows.append({"step": "validate: read + all rules", "data": "1 workbook × 100,000 rows",
                 "pbm_s": check_s, "baseline_s": baseline_s, "target_s": 3.0})

    with tempfile.TemporaryDirectory() as out:
        whole_s = _wall([python, "-m", "pbm.cli.app", "validate", str(path), "--quiet",
                         "--out", out], repeat=1, cwd=out)
    rows.append({"step": "validate: whole command incl. goals-<year>.xlsx",
                 "data": "1 workbook × 100,000 rows", "pbm_s": whole_s,
                 "baseline_s": baseline_s, "target_s": None})
    return rows
