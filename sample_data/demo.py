"""`make demo`: run pbm's closed loop on the bundled workspace sample_data/2026-示例区.

pbm exits 1 when it finds errors (the demo data has them on purpose); only exit 2 — an input
that could not be read or a usage error — stops the demo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE / "2026-示例区"
PBM = [sys.executable, "-m", "pbm.cli.app"]

STEPS = [
    ("validate", "绩效目标审核 goal review", ["validate", "goals/", "--annotate", "--show", "3"]),
    ("monitor", "运行监控 monitoring merge (Q3)", ["monitor", "q3/"]),
    ("sample", "抽评 spot-check sample", ["sample", "--rate", "0.2", "--seed", "20261122", "--quiet"]),
    ("score", "自评复核 self-evaluation recheck", ["score", "self-eval/"]),
    ("report", "文书 Word documents", ["report", "--format", "docx"]),
]


def available_commands() -> set[str]:
    from pbm.cli.app import app

    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    return names


def main() -> int:
    os.chdir(WORKSPACE)
    shutil.rmtree(WORKSPACE / "out", ignore_errors=True)
    commands = available_commands()
    for name, title, args in STEPS:
        if name not in commands:
            continue
        print(f"\n=== pbm {' '.join(args)}    # {title}", flush=True)
        code = subprocess.call([*PBM, *args])
        if code == 2:
            print(f"demo stopped: `pbm {' '.join(args)}` exited 2", file=sys.stderr)
            return 2
    outputs = sorted(p.relative_to(WORKSPACE) for p in (WORKSPACE / "out").rglob("*") if p.is_file())
    print("\n=== outputs in", WORKSPACE / "out")
    for path in outputs:
        print("   ", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
