"""Fresh-process timings, this checkout beside an older one, interleaved run by run.

The VM's speed drifts from minute to minute, so a version is never timed in one block and
compared with another timed later: each round runs every version once, and the medians are
compared.  ``PBM_BENCH_OLD=/path/to/old/checkout`` adds an older version of pbm (its code on
``PYTHONPATH``, this environment's libraries); ``PBM_BENCH_RUNS`` sets the number of rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The peak memory of the process running a snippet, in MiB: VmHWM, since on Linux ru_maxrss
#: survives execve and reports the parent's peak when that was higher (the bench process
#: holding the pandas baseline's frames gave a 400 MiB command 1.3 GiB).
PEAK = """
def _peak_mib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
"""
#: What a timed snippet ends with: its own seconds and peak memory on stdout.
REPORT = PEAK + """
print(f"{_seconds:.4f} {_peak_mib()}")
"""


def versions() -> dict[str, Path]:
    """``new`` (this checkout) and, when ``PBM_BENCH_OLD`` names one, ``old``."""
    found = {"new": ROOT}
    old = os.environ.get("PBM_BENCH_OLD")
    if old:
        found["old"] = Path(old).resolve()
    return found


def rounds(default: int = 5) -> int:
    return int(os.environ.get("PBM_BENCH_RUNS", default))


def interleaved(snippet: str, runs: int | None = None) -> dict[str, list[tuple[float, int]]]:
    """(seconds, peak MiB) of ``snippet`` per version, ``runs`` rounds; the snippet sets
    ``_seconds`` to the time of what it measures."""
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in versions()}
    for _ in range(runs or rounds()):
        for name, tree in versions().items():
            done = subprocess.run([sys.executable, "-c", snippet + REPORT], cwd=ROOT,
                                  env={**os.environ, "PYTHONPATH": str(tree)},
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{name}: {done.stderr[-2000:]}")
            seconds, rss = done.stdout.split()[-2:]
            results[name].append((float(seconds), int(rss)))
    return results


def command(args: list[str], cwd: Path, runs: int | None = None, setup=None
            ) -> dict[str, list[tuple[float, int]]]:
    """(wall seconds, peak MiB) of a whole ``pbm`` command in a fresh process, per version;
    ``setup()``, when given, runs before each (untimed: a command that rewrites its input)."""
    snippet = (
        "import runpy, sys, time\n"
        f"sys.argv = ['pbm', *{args!r}]\n"
        "_started = time.perf_counter()\n"
        "try:\n"
        "    runpy.run_module('pbm.cli.app', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "_seconds = time.perf_counter() - _started\n"
        "sys.stdout = sys.__stdout__\n")
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in versions()}
    for _ in range(runs or rounds(3)):
        for name, tree in versions().items():
            if setup is not None:
                setup()
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", snippet + REPORT], cwd=cwd,
                                  env={**os.environ, "PYTHONPATH": str(tree)},
                                  capture_output=True, text=True)
            wall = time.perf_counter() - started
            rss = int(done.stdout.split()[-1]) if done.stdout.split() else 0
            results[name].append((wall, rss))
    return results


def median(pairs: list[tuple[float, int]]) -> float:
    return round(statistics.median(seconds for seconds, _ in pairs), 2)


def peak(pairs: list[tuple[float, int]]) -> int:
    return max(rss for _, rss in pairs)


def describe(results: dict[str, list[tuple[float, int]]]) -> str:
    """``new 2.41 s (2.30–2.60, 5 runs); old 2.95 s …`` for the notes column."""
    parts = []
    for name, pairs in results.items():
        seconds = [s for s, _ in pairs]
        parts.append(f"{name} {median(pairs):.2f} s ({min(seconds):.2f}–{max(seconds):.2f}, "
                     f"{len(seconds)} runs, peak {peak(pairs)} MiB)")
    return "; ".join(parts)
