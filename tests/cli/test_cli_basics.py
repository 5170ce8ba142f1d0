"""Every command has help text with an example; init, template and --version work."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
import typer

from pbm.cli.app import app
from pbm.workbook.read import read_workbook


def _all_commands():
    group = typer.main.get_command(app)
    stack = [((), group)]
    while stack:
        path, command = stack.pop()
        for name, sub in getattr(command, "commands", {}).items():
            stack.append(((*path, name), sub))
        if path:
            yield path, command


@pytest.mark.parametrize("path", sorted(p for p, _ in _all_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(path, run_pbm):
    code, out, _ = run_pbm(*path, "--help")
    assert code == 0
    assert "例" in out or "Example" in out, f"pbm {' '.join(path)} --help has no example"


def test_version(run_pbm):
    code, out, _ = run_pbm("--version")
    assert code == 0 and out.startswith("pbm ")


def test_init_creates_a_workspace(tmp_path, run_pbm):
    code, _, err = run_pbm("init", tmp_path / "2026-测试区", "--year", "2027")
    assert code == 0, err
    root = tmp_path / "2026-测试区"
    for sub in ("goals", "q1", "q3", "self-eval", "out/reports", "out/history"):
        assert (root / sub).is_dir()
    text = (root / "pbm.toml").read_text(encoding="utf-8")
    assert "year = 2027" in text
    # every setting line carries a comment
    settings = [line for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#")]
    assert settings and all("#" in line for line in settings if not line.startswith("preset"))
    assert openpyxl.load_workbook(root / "roster.xlsx")["名册"]["B1"].value == "主管部门"
    code, _, err = run_pbm("init", root)
    assert code == 2 and "--force" in err


def test_blank_goal_template_reads_back_as_a_form(tmp_path, run_pbm):
    target = tmp_path / "模板.xlsx"
    code, _, _ = run_pbm("template", "goal", "-o", target, "--projects", "2", cwd=tmp_path)
    assert code == 0
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["项目1", "项目2", "填报说明"]
    sheet = workbook["项目1"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("产出指标" in f for f in lists.values())
    assert any("数量指标" in f for f in lists.values())
    assert any("定性" in f for f in lists.values())
    assert any("新增项目" in f for f in lists.values())
    read = read_workbook(target)
    forms = [s for s in read.sheets if s.layout == "form"]
    assert [s.name for s in forms] == ["项目1", "项目2"]
    assert forms[0].header_row == 11


def test_help_starts_fast_without_heavy_imports():
    code = ("import sys; import pbm.cli.app; "
            "heavy = [m for m in ('pandas', 'openpyxl', 'docx', 'docxtpl', 'matplotlib', 'pyarrow', "
            "'xlsxwriter', 'python_calamine') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", [("validate",), ("monitor",), ("sample",), ("score",), ("report",)],
                         ids=" ".join)
def test_every_working_command_takes_quiet_and_format(path, run_pbm):
    code, out, _ = run_pbm(*path, "--help")
    assert code == 0 and "--quiet" in out and "--format" in out and "--out" in out


@pytest.mark.parametrize(("args", "command"), [
    (["validate", "没有这个.xlsx"], "validate"),
    (["monitor", "没有这个文件夹"], "monitor"),
    (["score", "没有这个.xlsx"], "score"),
    (["sample", "--from", "没有这个.xlsx"], "sample"),
])
def test_json_runs_that_cannot_start_still_print_one_json_object(tmp_path, run_pbm, args,
                                                                  command):
    # With --format json a script always gets one JSON object on stdout, also when
    # the run fails on its input (exit 2); the human message stays on stderr.
    code, out, err = run_pbm(*args, "--format", "json", cwd=tmp_path)
    assert code == 2 and "没有这个" in err
    data = json.loads(out)
    assert (data["command"], data["ok"]) == (command, False)
    [finding] = data["findings"]
    assert finding["severity"] == "error" and "没有这个" in (finding["file"] or "")
