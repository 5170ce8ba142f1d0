"""`make bench`: every targeted step timed beside a plain pandas + openpyxl baseline.

Every ``benchmarks/bench_*.py`` exposes ``bench(workdir) -> list[dict]`` with rows
``{"step", "data", "pbm_s", "baseline_s", "target_s"}``.  Data sets are generated once into
``benchmarks/data/`` (fixed seeds, git-ignored).  Timings are wall-clock on this machine; a
busy second core shows up as noise, so read the ratio as much as the seconds.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import timing  # noqa: E402

_CHILD = """
import importlib, json, sys
from pathlib import Path
sys.path.insert(0, ".")
module = importlib.import_module("benchmarks." + sys.argv[1])
rows = module.bench(Path(sys.argv[2]))
sys.stdout.flush()
print(json.dumps(rows, ensure_ascii=False, default=str))
"""


def main() -> int:
    workdir = HERE / "data"
    workdir.mkdir(exist_ok=True)
    only = set(sys.argv[1:])
    # Every version's modules compiled first, as an installed pbm has them (pip compiles a
    # wheel's modules): with PYTHONDONTWRITEBYTECODE set, each fresh-process run would
    # otherwise compile pbm's 26,000 lines again (about 0.1 s of every whole command).
    for tree in timing.versions().values():
        compileall.compile_dir(tree / "pbm", quiet=1)
    rows = []
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        # Each module in a fresh process: one step's memory and imports never slow the next.
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, name, str(workdir)], cwd=HERE.parent,
            stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:  # one broken step must not hide the others' numbers
            failed += 1
            print(f"  FAILED: exit {done.returncode}", file=sys.stderr, flush=True)
            continue
        new_rows = json.loads(done.stdout.strip().splitlines()[-1])
        rows.extend(new_rows)
        for row in new_rows:
            print(f"  {row['step']}: {row['pbm_s']:.2f} s", file=sys.stderr, flush=True)
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(f"\n{'step':<44} {'data':<34} {'pbm':>8} {'baseline':>9} {'ratio':>7} {'target':>7}")
    for row in rows:
        base = row.get("baseline_s")
        ratio = f"{base / row['pbm_s']:.1f}×" if base and row["pbm_s"] else "–"
        target = row.get("target_s")
        mark = "" if target is None else ("  ok" if row["pbm_s"] <= target else "  over")
        print(f"{row['step']:<44} {row['data']:<34} {row['pbm_s']:>7.2f}s "
              f"{(f'{base:.2f}s' if base else '–'):>9} {ratio:>7} "
              f"{(f'{target:.1f}s' if target else '–'):>7}{mark}")
    for row in rows:
        extra = []
        if row.get("peak_rss_mib"):
            limit = row.get("target_rss_mib")
            extra.append(f"peak memory {row['peak_rss_mib']} MiB"
                         + (f" (target ≤ {limit} MiB)" if limit else ""))
        if row.get("notes"):
            extra.append(str(row["notes"]))
        if extra:
            print(f"  {row['step']}: " + "; ".join(extra))
    print(f"\nratio = baseline ÷ pbm (higher is better); machine: {os.cpu_count()} cores")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
