"""`pbm sample` end to end on real workbooks: population from pbm's own outputs or a user
list, the record workbook, history and rotation, reproducibility, bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import openpyxl
import xlsxwriter

from pbm.resources import load_schema
from tests.builders import good_project, write_list_workbook


def _project_list(path, count=120, light_every=7):
    """A user's project list: 项目编码/项目名称/主管部门/金额(万元)/灯色, amounts in three classes."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("项目清单")
    sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额(万元)", "灯色"])
    departments = ["教育局", "民政局", "水利局", "卫生健康委员会"]
    for i in range(count):
        amount = 600 + i if i < 8 else (150 + i if i < 48 else 20 + i % 50)
        sheet.write_row(i + 1, 0, [f"X{i:04d}", f"项目{i:04d}", departments[i % 4], amount,
                                   "红" if i % light_every == 0 else "绿"])
    workbook.close()
    return path


def _json(run_pbm, *args, cwd):
    code, out, err = run_pbm("sample", *args, "--format", "json", cwd=cwd)
    assert "Traceback" not in err
    return code, (json.loads(out) if out.strip() else None), err


def test_example_11_through_a_workbook(tmp_path, run_pbm):
    source = _project_list(tmp_path / "list.xlsx")
    code, data, err = _json(run_pbm, "--from", source, "--rate", "0.1", "--must", "金额>=500",
                            "--strata", "类别", "--seed", "11", cwd=tmp_path)
    assert code == 0, err
    summary = data["summary"]
    assert (summary["population"], summary["eligible"], summary["mandatory"],
            summary["sample_size"]) == (120, 120, 8, 12)
    by_stratum = {}
    for row in data["sample"]:
        by_stratum.setdefault(row["stratum"], []).append(row["reason"])
    assert len(by_stratum["A"]) == 8 and set(by_stratum["A"]) == {"必选"}
    assert len(by_stratum["B"]) == 1 and len(by_stratum["C"]) == 3
    jsonschema.validate(data, load_schema("findings"))


def test_record_workbook_and_reproduction(tmp_path, run_pbm):
    source = _project_list(tmp_path / "list.xlsx")
    code, data, _ = _json(run_pbm, "--from", source, "--rate", "0.1", "--strata", "主管部门",
                          "--must", "灯色==红", cwd=tmp_path)
    assert code == 0
    seed = data["summary"]["seed"]
    record = tmp_path / "pbm-out" / "sample-2026.xlsx"
    workbook = openpyxl.load_workbook(record)
    assert workbook.sheetnames == ["样本", "分层", "说明"]
    notes = dict(workbook["说明"].iter_rows(min_row=2, values_only=True))
    assert str(seed) in notes["随机种子"]
    assert notes["总体SHA-256"] == data["summary"]["population_sha256"]
    command = notes["复现命令"]
    assert f"--seed {seed}" in command and "灯色==红" in command
    reds = [r for r in data["sample"] if r["reason"] == "必选"]
    assert len(reds) == len([i for i in range(120) if i % 7 == 0])
    # the printed command reproduces the same sample
    args = command.split()[2:]
    import shlex

    args = shlex.split(command)[2:]
    _, again, _ = _json(run_pbm, *args, cwd=tmp_path)
    assert [r["code"] for r in again["sample"]] == [r["code"] for r in data["sample"]]
    assert (tmp_path / "pbm-out" / "history" / "sample-2026.xlsx").exists()
    log = (tmp_path / "pbm-out" / "history" / "samples.csv").read_text(encoding="utf-8-sig")
    assert len(log.strip().splitlines()) == 3  # header + two runs


def test_same_sample_in_two_processes(tmp_path):
    source = _project_list(tmp_path / "list.xlsx")
    codes = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "pbm.cli.app", "sample", "--from", str(source),
                              "--rate", "0.15", "--seed", "99", "--format", "json", "--out",
                              str(tmp_path / "o")], capture_output=True, text=True, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        codes.append([r["code"] for r in json.loads(out.stdout)["sample"]])
    assert codes[0] == codes[1] and len(codes[0]) == 18


def test_workspace_default_population_and_rotation(workspace, run_pbm):
    projects = [good_project(f"项目{i}", code=f"C{i:03d}", total=50 + i, fiscal=50 + i, other=0)
                for i in range(30)]
    write_list_workbook(workspace / "goals" / "g.xlsx", projects)
    code, _, _ = run_pbm("validate", "goals/", "--quiet", cwd=workspace)
    assert code == 0
    code, first, err = _json(run_pbm, "--rate", "0.2", "--strata", "主管部门", "--must", "金额>=75",
                             "--seed", "5", cwd=workspace)
    assert code == 0, err
    assert first["summary"]["population"] == 30
    mandatory = {r["code"] for r in first["sample"] if r["reason"] == "必选"}
    assert mandatory == {f"C{i:03d}" for i in range(25, 30)}
    random_part = {r["code"] for r in first["sample"] if r["reason"] != "必选"}
    assert len(random_part) == 1
    # next year: last year's record rotates those projects out of the random part only
    history = workspace / "out" / "history"
    (history / "sample-2026.xlsx").rename(history / "sample-2025.xlsx")
    code, second, _ = _json(run_pbm, "--rate", "0.2", "--strata", "主管部门", "--must", "金额>=75",
                            "--seed", "5", cwd=workspace)
    assert code == 0
    assert second["summary"]["excluded_from"] == ["out/history/sample-2025.xlsx"]
    again_random = {r["code"] for r in second["sample"] if r["reason"] != "必选"}
    assert not again_random & (random_part | mandatory)
    assert {r["code"] for r in second["sample"] if r["reason"] == "必选"} == mandatory


def test_bad_inputs_exit_2_with_a_clear_message(tmp_path, run_pbm):
    source = _project_list(tmp_path / "list.xlsx")
    code, _, err = run_pbm("sample", "--from", source, "--rate", "1.5", cwd=tmp_path)
    assert code == 2 and "1.5" in err
    code, _, err = run_pbm("sample", "--from", source, "--must", "预算等级==A", cwd=tmp_path)
    assert code == 2 and "预算等级" in err and "灯色" in err  # names the column and what exists
    code, _, err = run_pbm("sample", "--from", source, "--strata", "片区", cwd=tmp_path)
    assert code == 2 and "片区" in err
    empty = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(str(empty))
    workbook.add_worksheet("项目清单").write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额"])
    workbook.close()
    code, _, err = run_pbm("sample", "--from", empty, cwd=tmp_path)
    assert code == 2 and "empty.xlsx" in err
    code, _, err = run_pbm("sample", cwd=tmp_path)  # outside a workspace, nothing to draw from
    assert code == 2 and "--from" in err
    assert not (tmp_path / "pbm-out" / "sample-2026.xlsx").exists()


def test_plan_and_evaluate(run_pbm):
    code, out, _ = run_pbm("sample", "plan", "--confidence", "0.95", "--tolerable", "0.05",
                           "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["summary"]["sample_size"] == 59
    jsonschema.validate(data, load_schema("findings"))
    code, out, _ = run_pbm("sample", "plan", "--confidence", "0.95", "--tolerable", "0.05",
                           "--method", "poisson", "--format", "json")
    assert json.loads(out)["summary"]["sample_size"] == 60
    code, out, _ = run_pbm("sample", "evaluate", "--n", "60", "--deviations", "1", "--format", "json")
    data = json.loads(out)
    assert code == 0 and abs(data["summary"]["upper_limit"] - 0.0766) < 0.0001
    jsonschema.validate(data, load_schema("findings"))
    code, _, err = run_pbm("sample", "plan", "--tolerable", "1.2")
    assert code == 2 and "Traceback" not in err
