"""Start-up and `pbm validate` on one 100,000-indicator-row workbook.

Targets: start-up 0.3 s; read + all rules 3 s (median of fresh-process runs); the whole
command, writing the approved goal list ``goals-<year>.xlsx``, at most a quarter of a bare
pandas + openpyxl read of the same workbook in the same run.  With ``PBM_BENCH_OLD`` set, an
older checkout is timed beside this one, round by round (``benchmarks/timing.py``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import timing
from benchmarks.data import goal_list_workbook

_CHECK = """
import time
from pathlib import Path
from pbm.goals.review import validate_paths
from pbm.goals.rules import ReviewSettings
from pbm.perf import collector_paused
from pbm.workbook.source import Limits
_started = time.perf_counter()
with collector_paused():  # as the command pauses it
    _result = validate_paths([Path({path!r})], ReviewSettings(), Limits())
_seconds = time.perf_counter() - _started
assert _result.summary()["indicators"] == 100_000
"""


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
    data = "1 workbook × 100,000 rows"
    check = timing.interleaved(_CHECK.format(path=str(path)))

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    baseline_s = time.perf_counter() - started
    assert len(frame) == 100_000
    rows.append({"step": "validate: read + all rules", "data": data,
                 "pbm_s": timing.median(check["new"]), "baseline_s": baseline_s,
                 "target_s": 3.0, "peak_rss_mib": timing.peak(check["new"]),
                 "notes": timing.describe(check)})

    with tempfile.TemporaryDirectory() as out:
        whole = timing.command(["validate", str(path), "--quiet", "--out", out], Path(out))
    rows.append({"step": "validate: whole command incl. goals-<year>.xlsx", "data": data,
                 "pbm_s": timing.median(whole["new"]), "baseline_s": baseline_s,
                 "target_s": round(0.25 * baseline_s, 2),
                 "peak_rss_mib": timing.peak(whole["new"]),
                 "notes": "target: a quarter of the pandas + openpyxl read; "
                          + timing.describe(whole)})
    return rows
