"""`make demo`: run pbm's closed loop on the bundled workspaces, two budget years.

First the year before, sample_data/2025-示例区 (validate and score: its out/ then holds the
goal list and scores the 2026 checks compare with); then sample_data/2026-示例区 in the order
the work happens in a year — goal review with last year's history, the letters, the
departments' replies and resubmissions followed up before and after the 整改期限, the
整改抽查复核 sample and the 整改情况通报, then monitoring, the 抽评 sample, scoring, the 指标库 and
the year's documents.  Every date is fixed (letters, the days deadlines are judged by), so the
run shows the same on any day.

pbm exits 1 when it finds errors (the demo data has them on purpose; an overdue problem is
one); only exit 2 — an input that could not be read or a usage error — stops the demo.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_rectify import AFTER_DEADLINE, BEFORE_DEADLINE, LETTER_DATE  # noqa: E402

LAST_YEAR = HERE / "2025-示例区"
WORKSPACE = HERE / "2026-示例区"
PBM = [sys.executable, "-m", "pbm.cli.app"]
HISTORY = "../2025-示例区/out"
#: 发文日期 of the year's other documents (after the Q3 monitoring and the self-evaluations).
REPORT_DATE = "2026-10-20"

STEPS = [
    (LAST_YEAR, "validate", "2025 绩效目标审核 goal review (last year)", ["validate", "goals/", "-q"]),
    (LAST_YEAR, "score", "2025 自评复核 self-evaluation recheck (last year)", ["score", "self-eval/", "-q"]),
    (WORKSPACE, "validate", "绩效目标审核 goal review, with last year's history",
     ["validate", "goals/", "--history", HISTORY, "--annotate", "--show", "3"]),
    (WORKSPACE, "report", "审核意见书 goal-review letters → 整改台账 out/rectification.xlsx",
     ["report", "goal-review", "--date", LETTER_DATE]),
    (WORKSPACE, "rectify", "整改回头看 replies and resubmissions, before the deadline",
     ["rectify", "replies/", "--goals", "goals-resubmitted/", "--today", BEFORE_DEADLINE]),
    (WORKSPACE, "rectify", "整改回头看 after the deadline (整改期限 + 5 days)",
     ["rectify", "--goals", "goals-resubmitted/", "--today", AFTER_DEADLINE]),
    (WORKSPACE, "sample", "整改抽查复核 sample of the rectified projects",
     ["sample", "--from", "out/rectification.xlsx", "--rate", "0.2", "--must", "逾期未整改>0",
      "--seed", "20260420", "--quiet"]),
    (WORKSPACE, "report", "整改情况通报 rectification notice",
     ["report", "rectify-notice", "--date", AFTER_DEADLINE]),
    (WORKSPACE, "monitor", "运行监控 monitoring merge (Q3)", ["monitor", "q3/"]),
    (WORKSPACE, "sample", "抽评 spot-check sample", ["sample", "--rate", "0.2", "--seed", "20261122", "--quiet"]),
    (WORKSPACE, "score", "自评复核 self-evaluation recheck", ["score", "self-eval/"]),
    (WORKSPACE, "indicators", "指标库 indicators of both years", ["indicators", "--from", HISTORY]),
    (WORKSPACE, "report", "文书 the year's other documents",
     ["report", "monitor", "sample", "score", "--format", "docx", "--date", REPORT_DATE]),
    (WORKSPACE, "report", "绩效公开 published self-evaluation tables",
     ["report", "publish", "--date", REPORT_DATE]),
]


def available_commands() -> set[str]:
    from pbm.cli.app import app

    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    return names


def main() -> int:
    started = time.monotonic()
    for workspace in (LAST_YEAR, WORKSPACE):
        shutil.rmtree(workspace / "out", ignore_errors=True)
    commands = available_commands()
    for workspace, name, title, args in STEPS:
        if name not in commands:
            continue
        print(f"\n=== {workspace.name}$ pbm {' '.join(args)}    # {title}", flush=True)
        code = subprocess.call([*PBM, *args], cwd=workspace)
        if code == 2:
            print(f"demo stopped: `pbm {' '.join(args)}` exited 2 in {workspace}", file=sys.stderr)
            return 2
    for workspace in (LAST_YEAR, WORKSPACE):
        outputs = sorted(p.relative_to(workspace) for p in (workspace / "out").rglob("*")
                         if p.is_file())
        print("\n=== outputs in", workspace / "out")
        for path in outputs:
            print("   ", path)
    print(f"\ndemo finished in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
