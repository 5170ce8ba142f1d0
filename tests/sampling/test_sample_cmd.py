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


def test_stratified_allocation_through_a_workbook(tmp_path, run_pbm):
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


def _messy_list(path):
    """A user's list as typed: a title row, amounts blank / text / 0, a code given twice (once
    with another name, once as the very same row)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("项目清单")
    sheet.write_row(0, 0, ["2026年项目清单"])
    sheet.write_row(2, 0, ["项目编码", "项目名称", "主管部门", "金额（万元）"])
    rows = [["P001", "甲", "教育局", "150万"],          # row 4
            ["P003", "丙", "民政局", None],             # row 5: blank amount
            ["P004", "丁", "民政局", "abc"],            # row 6: unreadable amount
            ["P001", "甲重复", "教育局", 20],           # row 7: P001 again, another name
            ["P008", "辛", "交通局", 0],                # row 8: zero budget
            ["P009", "壬", "交通局", 300],              # row 9
            ["P009", "壬", "交通局", 300]]              # row 10: row 9 again
    rows += [[f"P{i:03d}", f"项目{i}", ["教育局", "民政局"][i % 2], 10 + i] for i in range(10, 40)]
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(3 + offset, col, value)
    workbook.close()
    return path


def test_messy_population_rows_are_findings_naming_their_cells(tmp_path, run_pbm):
    source = _messy_list(tmp_path / "清单.xlsx")
    args = ["--from", source, "--rate", "0.2", "--must", "金额>=100", "--strata", "类别",
            "--seed", "3", "--out", tmp_path / "o"]
    code, data, err = _json(run_pbm, *args, cwd=tmp_path)
    assert code == 0, err
    found = {(f["code"], f["cell"]): f for f in data["findings"]}
    assert [(f["code"], f["cell"]) for f in data["findings"]] == [
        ("SAMPLE-AMOUNT-MISSING", "D5"), ("SAMPLE-AMOUNT-UNREADABLE", "D6"),
        ("SAMPLE-DUPLICATE-CODE", "A7"), ("SAMPLE-ZERO-AMOUNT", "D8"), ("SAMPLE-DUPLICATE-CODE", "A10")]
    assert all(f["file"] == "清单.xlsx" and f["sheet"] == "项目清单" for f in data["findings"])
    assert found[("SAMPLE-AMOUNT-MISSING", "D5")]["severity"] == "warning"
    unreadable = found[("SAMPLE-AMOUNT-UNREADABLE", "D6")]
    assert unreadable["severity"] == "warning" and unreadable["value"] == "abc"
    assert unreadable["project"] == "丁" and "abc" in unreadable["message"]
    duplicate = found[("SAMPLE-DUPLICATE-CODE", "A7")]
    assert duplicate["severity"] == "warning" and duplicate["value"] == "P001"
    assert "第 7 行" in duplicate["message"] and "第 4 行" in duplicate["message"]  # both rows
    same_row = found[("SAMPLE-DUPLICATE-CODE", "A10")]
    assert "第 10 行" in same_row["message"] and "第 9 行" in same_row["message"]
    zero = found[("SAMPLE-ZERO-AMOUNT", "D8")]
    assert zero["severity"] == "info" and zero["project"] == "辛"
    summary = data["summary"]
    # 37 rows read as 36 projects (row 10 repeats row 9); P001 twice and P008 (0) not eligible
    assert (summary["population"], summary["duplicates"], summary["zero_amount"],
            summary["eligible"]) == (36, 1, 1, 34)
    sample = {row["code"]: row for row in data["sample"]}
    assert "P008" not in sample
    assert {code for code, row in sample.items() if row["reason"] == "必选"} == {"P001", "P009"}
    assert sample["P001"]["name"] == "甲" and sample["P001"]["amount"] == 150.0  # the first kept
    # blank and unreadable amounts stay in the population, in the 无金额 class
    allocation = {s["stratum"]: s for s in data["allocation"]}
    assert allocation["无金额"]["population"] == 2
    notes = dict(openpyxl.load_workbook(tmp_path / "o" / "sample-2026.xlsx")["说明"]
                 .iter_rows(min_row=2, values_only=True))
    assert notes["金额为零（已剔除）"] == "1" and notes["金额为空或无法识别（按无金额）"] == "2"
    # reproducible: the same seed gives the same sample and the same findings
    _, again, _ = _json(run_pbm, *args, cwd=tmp_path)
    assert again["sample"] == data["sample"] and again["findings"] == data["findings"]
    # the table names file, sheet and cell too
    code, out, _ = run_pbm("sample", *args, cwd=tmp_path)
    assert code == 0
    assert "清单.xlsx / 项目清单 / D6" in out and "清单.xlsx / 项目清单 / A7" in out


def test_out_is_only_where_the_record_goes(workspace, run_pbm):
    projects = [good_project(f"项目{i}", code=f"C{i:03d}", total=50 + i, fiscal=50 + i, other=0)
                for i in range(30)]
    write_list_workbook(workspace / "goals" / "g.xlsx", projects)
    code, _, _ = run_pbm("validate", "goals/", "--quiet", cwd=workspace)
    assert code == 0
    code, first, err = _json(run_pbm, "--rate", "0.2", "--seed", "5", "--out", "试抽", cwd=workspace)
    assert code == 0, err
    assert first["summary"]["source"] == "out/goals-2026.xlsx"  # not looked for in 试抽/
    assert (workspace / "试抽" / "sample-2026.xlsx").is_file()
    assert not (workspace / "out" / "sample-2026.xlsx").exists()
    # rotation reads the workspace's history, whatever --out says
    code, _, _ = _json(run_pbm, "--rate", "0.2", "--seed", "5", cwd=workspace)
    history = workspace / "out" / "history"
    (history / "sample-2026.xlsx").rename(history / "sample-2025.xlsx")
    code, second, err = _json(run_pbm, "--rate", "0.2", "--seed", "5", "--out", "试抽", cwd=workspace)
    assert code == 0, err
    assert second["summary"]["excluded_from"] == ["out/history/sample-2025.xlsx"]
    assert not {r["code"] for r in second["sample"]} & {r["code"] for r in first["sample"]}


def test_every_sheet_of_a_department_by_sheet_list_is_in_the_frame(tmp_path, run_pbm):
    """A list kept one sheet per department: every visible sheet's projects are drawn from,
    and what the reader set aside (a hidden sheet, a 合计 row) is said, never silently lost."""
    path = tmp_path / "分部门清单.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for department, first in (("教育局", 0), ("民政局", 100)):
        sheet = workbook.add_worksheet(department)
        sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额(万元)"])
        for i in range(10):
            sheet.write_row(i + 1, 0, [f"P{first + i:03d}", f"{department}项目{i}", department,
                                       50 + 10 * i])
        sheet.write_row(11, 0, ["合计", None, None, sum(50 + 10 * i for i in range(10))])
    hidden = workbook.add_worksheet("旧版")
    hidden.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "金额(万元)"])
    hidden.write_row(1, 0, ["P900", "旧项目", "教育局", 80])
    hidden.hide()
    workbook.close()

    code, data, err = _json(run_pbm, "--from", path, "--rate", "0.5", "--seed", "1",
                            "--out", tmp_path / "o", cwd=tmp_path)
    assert code == 0, err
    assert data["summary"]["population"] == 20  # both department sheets, not the first only
    assert {row["code"][:2] for row in data["sample"]} == {"P0", "P1"}
    said = [(f["code"], f["sheet"], f["cell"]) for f in data["findings"]]
    assert ("R-SHEET-SKIPPED", "旧版", None) in said
    assert [(s, cell) for c, s, cell in said if c == "R-NON-DATA-ROW"] == [
        ("教育局", "A12"), ("民政局", "A12")]
    notes = dict(openpyxl.load_workbook(tmp_path / "o" / "sample-2026.xlsx")["说明"]
                 .iter_rows(min_row=2, values_only=True))
    assert notes["总体文件"] == "分部门清单.xlsx（工作表 教育局、民政局）"


def test_the_recorded_command_pastes_into_windows_and_posix_shells(tmp_path, run_pbm):
    # shlex.quote wrote '金额>=500', which cmd.exe passes on with its quotes (and then
    # redirects at >): the record's 复现命令 must work where finance staff paste it.
    from pbm.sampling.record import command_quote

    folder = tmp_path / "2026 抽评"
    folder.mkdir()
    source = _project_list(folder / "项目 清单.xlsx")
    code, data, _ = _json(run_pbm, "--from", source, "--rate", "0.1", "--must", "金额>=600",
                          "--must", "灯色==红", "--out", tmp_path / "o", cwd=tmp_path)
    assert code == 0
    notes = dict(openpyxl.load_workbook(tmp_path / "o" / "sample-2026.xlsx")["说明"]
                 .iter_rows(min_row=2, values_only=True))
    command = notes["复现命令"]
    assert "'" not in command
    assert '"金额>=600"' in command and " 灯色==红" in command
    assert '--from "2026 抽评/项目 清单.xlsx"' in command
    import shlex

    _, again, _ = _json(run_pbm, *shlex.split(command)[2:], "--out", tmp_path / "o2",
                        cwd=tmp_path)
    assert [r["code"] for r in again["sample"]] == [r["code"] for r in data["sample"]]
    assert command_quote(r"C:\抽评\清单.xlsx") == r'"C:\抽评\清单.xlsx"'
    assert command_quote("主管部门 in (教育局, 民政局)") == '"主管部门 in (教育局, 民政局)"'
    assert command_quote("a$b") == "'a$b'"  # $ expands inside double quotes: POSIX quotes


def test_evaluate_refuses_a_sample_larger_than_any_plan(run_pbm):
    # it once ran for more than ten minutes on n = 999999999
    code, out, err = run_pbm("sample", "evaluate", "--n", "999999999", "--deviations", "1")
    assert code == 2 and "Traceback" not in err and out == ""
    assert "999999999" in err and "20000" in err
    code, _, err = run_pbm("sample", "evaluate", "--n", "60", "--deviations", "1", "--method",
                           "hypergeometric", "--population", "1000000000000")
    assert code == 2 and "--method binomial" in err
