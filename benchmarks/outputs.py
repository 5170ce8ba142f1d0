"""Record what pbm says, to compare two versions of the code: the ``--format json`` output of
validate, monitor, score and sample on the bundled workspace and on the bench data sets.

    python benchmarks/outputs.py record DIR [--tree SRC]   # run the commands, keep their JSON
    python benchmarks/outputs.py compare OLD NEW            # what differs, finding by finding

``--tree`` runs the pbm of another checkout (``git worktree add ../old <commit>``) with this
environment's libraries, so an old and a new version can be recorded on the same data.
Run times and absolute paths are taken out of the JSON; everything else must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKSPACE = ROOT / "sample_data" / "2026-示例区"


def _runs(data: Path, real: Path | None = None) -> list[tuple[str, Path, list[str]]]:
    """(name, folder to run in, arguments) of every recorded run; ``real``: a folder of real
    workbooks (goal-forms/, published/) to run validate and score on as well."""
    extra = [] if real is None else [
        ("real-validate-forms", real, ["validate", "goal-forms/"]),
        ("real-validate-published", real, ["validate", *sorted(
            str(p.relative_to(real)) for p in (real / "published").glob("goal_*.xlsx"))]),
        ("real-score-published", real, ["score", *sorted(
            str(p.relative_to(real)) for p in (real / "published").glob("se_*.xlsx"))]),
    ]
    return extra + [
        ("sample-validate", WORKSPACE, ["validate", "goals/"]),
        ("sample-monitor", WORKSPACE, ["monitor", "q3/"]),
        ("sample-score", WORKSPACE, ["score", "self-eval/"]),
        ("sample-sample", WORKSPACE, ["sample", "--from", "{out}/monitor-2026-09.xlsx",
                                      "--rate", "0.2", "--seed", "20261122"]),
        ("bench-validate", data, ["validate", "goals-100k.xlsx"]),
        ("bench-score", data, ["score", "selfeval-100k.xlsx"]),
        ("bench-monitor", data, ["monitor", "city", "--period", "2026-09"]),
        ("bench-sample", data, ["sample", "--from", "projects-100k.xlsx", "--rate", "0.1",
                                "--must", "金额>=500", "--must", "灯色==红", "--strata", "主管部门",
                                "--seed", "2026"]),
    ]


def _bench_data(data: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_monitor import FILES, ROWS, generate
    from benchmarks.bench_sample import _project_list
    from benchmarks.bench_score import self_eval_workbook
    from benchmarks.data import goal_list_workbook

    goal_list_workbook(data / "goals-100k.xlsx", 100_000)
    self_eval_workbook(data / "selfeval-100k.xlsx", 100_000)
    _project_list(data / "projects-100k.xlsx", 100_000)
    if not (data / "city").is_dir():
        generate(data / "city", FILES, ROWS)


def _normalise(value, out: str):
    """Paths of the run's own output folder and timestamps out of a JSON value."""
    if isinstance(value, dict):
        return {k: _normalise(v, out) for k, v in value.items()
                if k not in ("started", "generated", "elapsed", "seconds", "source_sha256")}
    if isinstance(value, list):
        return [_normalise(v, out) for v in value]
    if isinstance(value, str):
        return value.replace(out, "{out}")
    return value


def record(target: Path, tree: Path, real: Path | None = None) -> int:
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    _bench_data(data)
    target.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "PBM_LANG": "zh"}
    with tempfile.TemporaryDirectory(prefix="pbm-outputs-") as scratch:
        out = str(Path(scratch) / "out")
        for name, folder, args in _runs(data, real):
            args = [a.replace("{out}", out) for a in args]
            command = [sys.executable, "-m", "pbm.cli.app", *args, "--format", "json",
                       "--out", out]
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
            try:
                result = json.loads(done.stdout)
            except json.JSONDecodeError:
                print(f"{name}: exit {done.returncode}, no JSON\n{done.stderr[-2000:]}")
                return 2
            result = _normalise(result, out)
            (target / f"{name}.json").write_text(
                json.dumps({"exit": done.returncode, "result": result}, ensure_ascii=False,
                           indent=1, sort_keys=True), encoding="utf-8")
            print(f"{name}: exit {done.returncode}, {len(done.stdout):,} bytes")
        shutil.rmtree(out, ignore_errors=True)
    return 0


def _diff(old, new, path: str, found: list[str], limit: int = 40) -> None:
    if len(found) >= limit or old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            _diff(old.get(k, "<absent>"), new.get(k, "<absent>"), f"{path}.{k}", found, limit)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            _diff(a, b, f"{path}[{i}]", found, limit)
    else:
        found.append(f"{path}: {json.dumps(old, ensure_ascii=False)[:300]} → "
                     f"{json.dumps(new, ensure_ascii=False)[:300]}")


def compare(old_dir: Path, new_dir: Path) -> int:
    different = 0
    for old_file in sorted(old_dir.glob("*.json")):
        new_file = new_dir / old_file.name
        old = json.loads(old_file.read_text(encoding="utf-8"))
        new = json.loads(new_file.read_text(encoding="utf-8")) if new_file.exists() else None
        if old == new:
            print(f"{old_file.stem}: identical")
            continue
        different += 1
        found: list[str] = []
        _diff(old, new, "", found)
        print(f"{old_file.stem}: differs")
        for line in found:
            print("   ", line)
    return 1 if different else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record")
    rec.add_argument("dir", type=Path)
    rec.add_argument("--tree", type=Path, default=ROOT)
    rec.add_argument("--real", type=Path, default=None,
                     help="a folder of real workbooks (goal-forms/, published/), not ours")
    cmp_ = commands.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        return record(args.dir.resolve(), args.tree.resolve(),
                      args.real.resolve() if args.real else None)
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
