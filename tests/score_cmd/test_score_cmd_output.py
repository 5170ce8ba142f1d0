"""out/scores-<year>.xlsx, the ``--format json`` contract, exit codes and repeatability."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import openpyxl
import pytest

from pbm.resources import load_schema
from tests.score_cmd.score_cmd_helpers import LAYOUTS, line, project, qual, score_json, write

REQUIRED_SHEETS = ["项目得分", "指标得分", "复核差异", "等级分布", "结果应用建议", "说明"]


def _clean(name="规范项目", output_actual=100):
    return project(name, [line("数量", "≥100", output_actual, 60, 60 * output_actual / 100),
                          qual("效益", "达成", 30, 27)],
                   budget=100, executed=95, execution_score=9.5,
                   total=60 * output_actual / 100 + 27 + 9.5)


def _rows(path, sheet_name):
    sheet = openpyxl.load_workbook(path, read_only=True)[sheet_name]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_sheets_and_contents(tmp_path, run_pbm):
    specs = [_clean("优等项目"), _clean("中等项目", output_actual=50),
             project("虚高项目", [line("数量", "≥100", 80, 90, 90)], budget=100, executed=100,
                     execution_score=10, total=100)]
    path = write(tmp_path, "自评", specs, "form")
    code, _, err = run_pbm("score", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 0, err  # S-FULL-DESPITE-SHORTFALL and S-TOTAL-INFLATED are warnings
    output = tmp_path / "out" / "scores-2026.xlsx"
    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames[:5] == REQUIRED_SHEETS[:5] and workbook.sheetnames[-1] == "说明"

    projects = _rows(output, "项目得分")
    header = projects[0]
    by_name = {row[header.index("项目名称")]: dict(zip(header, row)) for row in projects[1:]}
    assert by_name["优等项目"]["复核总分"] == 96.5 and by_name["优等项目"]["复核等级"] == "优"
    assert by_name["中等项目"]["复核总分"] == 66.5 and by_name["中等项目"]["复核等级"] == "中"
    assert (by_name["虚高项目"]["自评总分"], by_name["虚高项目"]["复核总分"],
            by_name["虚高项目"]["差异(自评−复核)"]) == (100, 82, 18)

    grades = _rows(output, "等级分布")
    assert grades[0][:6] == ["范围", "项目数", "优", "良", "中", "差"]
    assert grades[1][:6] == ["全部", 3, 1, 1, 1, 0]   # 96.50 优, 82.00 良, 66.50 中

    application = _rows(output, "结果应用建议")
    assert "建议" in application[0][6]
    suggestions = {row[2]: row[6] for row in application[1:]}
    assert all(text.startswith("建议：") for text in suggestions.values())
    assert suggestions["中等项目"] == "建议：督促整改，下年度预算核减一定比例（参考 −10%）"  # pbm.toml

    indicators = _rows(output, "指标得分")
    assert len(indicators) == 1 + 2 + 2 + 1

    about = dict((row[0], row[1]) for row in _rows(output, "说明")[1:])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert about[f"输入文件 {path.name}"] == f"SHA-256 {digest}"
    assert about["规则预设"] == "national-2020"
    assert about["反向指标计分"].startswith("R1")
    assert about["生成工具"].startswith("pbm ")


def test_json_follows_the_contract(tmp_path, run_pbm):
    specs = [_clean(), project("缺分项目", [line("数量", "≥100", 100, 90, None)], budget=100,
                              executed=120, execution_score=10, total=10)]
    path = write(tmp_path, "json", specs, "list")
    code, data, _ = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    jsonschema.validate(data, load_schema("findings"))
    assert data["command"] == "score"
    assert {"files", "projects", "indicators", "grades"} <= set(data["summary"])
    assert data["summary"]["files"] == 1 and data["summary"]["projects"] == 2
    assert data["summary"]["indicators"] == 3
    assert data["summary"]["grades"] == {"优": 2, "良": 0, "中": 0, "差": 0}
    for item in data["projects"]:
        assert {"file", "sheet", "name", "department", "claimed_total", "recomputed_total",
                "execution_score", "grade"} <= set(item)
    missing = project_of_name(data, "缺分项目")
    assert (missing["claimed_total"], missing["recomputed_total"], missing["execution_score"]) \
        == (10.0, 100.0, 10.0)
    codes = {(f["code"], f["cell"]) for f in data["findings"]}
    assert {("S-MISSING-SCORE", "Q5"), ("S-EXEC-OVER-100", "F5")} <= codes  # 全年执行数
    assert data["outputs"] == [str(tmp_path / "out" / "scores-2026.xlsx")]


def project_of_name(data, name):
    [found] = [p for p in data["projects"] if p["name"] == name]
    return found


def test_exit_codes(tmp_path, run_pbm):
    clean = write(tmp_path, "clean", [_clean()], "form")
    assert run_pbm("score", clean, "--out", tmp_path / "o1", "-q", cwd=tmp_path)[0] == 0
    warned = write(tmp_path, "warned", [project("虚高", [line("数量", "≥100", 80, 90, 90)],
                                                budget=100, executed=100, execution_score=10)],
                   "form")
    assert run_pbm("score", warned, "--out", tmp_path / "o2", "-q", cwd=tmp_path)[0] == 0
    assert run_pbm("score", warned, "--strict", "--out", tmp_path / "o3", "-q",
                   cwd=tmp_path)[0] == 1
    bad_total = write(tmp_path, "bad", [project("总分不符", [line("数量", "≥100", 100, 90, 90)],
                                              budget=100, executed=100, execution_score=10,
                                              total=95)], "form")
    assert run_pbm("score", bad_total, "--out", tmp_path / "o4", "-q", cwd=tmp_path)[0] == 1
    not_a_workbook = tmp_path / "假的.xlsx"
    not_a_workbook.write_text("not a workbook", encoding="utf-8")
    code, _, err = run_pbm("score", not_a_workbook, "--out", tmp_path / "o5", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "o5" / "scores-2026.xlsx").exists()
    code, _, err = run_pbm("score", clean, "--format", "xml", cwd=tmp_path)
    assert code == 2
    code, _, err = run_pbm("score", tmp_path / "不存在.xlsx", cwd=tmp_path)
    assert code == 2
    code, _, err = run_pbm("score", cwd=tmp_path)  # outside a workspace: nothing to score
    assert code == 2


def test_unreadable_file_beside_good_ones_is_a_finding(tmp_path, run_pbm):
    folder = tmp_path / "self-eval"
    folder.mkdir()
    write(folder, "clean", [_clean()], "form")
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04broken")
    code, data, _ = score_json(run_pbm, folder, cwd=tmp_path)
    assert code == 1
    assert [f["code"] for f in data["findings"] if f["severity"] == "error"] == ["R-UNREADABLE"]
    assert data["summary"]["files"] == 2 and data["summary"]["files_unreadable"] == 1


def test_default_input_is_the_workspace_self_eval_folder(workspace, run_pbm):
    write(workspace / "self-eval", "clean", [_clean()], "list")
    code, out, err = run_pbm("score", "--format", "json", cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["projects"] == 1
    assert (workspace / "out" / "scores-2026.xlsx").is_file()


def test_second_run_gives_the_same_workbook_apart_from_the_time(tmp_path, run_pbm):
    path = write(tmp_path, "same", [_clean(), _clean("另一项目", 90)], "form")
    run_pbm("score", path, "--out", tmp_path / "a", "-q", cwd=tmp_path)
    run_pbm("score", path, "--out", tmp_path / "b", "-q", cwd=tmp_path)
    first = openpyxl.load_workbook(tmp_path / "a" / "scores-2026.xlsx", read_only=True)
    second = openpyxl.load_workbook(tmp_path / "b" / "scores-2026.xlsx", read_only=True)
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        rows_a = [r for r in first[name].iter_rows(values_only=True) if r[0] != "生成时间"]
        rows_b = [r for r in second[name].iter_rows(values_only=True) if r[0] != "生成时间"]
        assert rows_a == rows_b, name


def test_terminal_shows_grades_and_largest_differences(tmp_path, run_pbm, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich would shorten long names in a narrow terminal
    path = write(tmp_path, "terminal", [
        _clean(), project("虚高项目", [line("数量", "≥100", 80, 90, 90)], budget=100, executed=100,
                          execution_score=10, total=100)], "form")
    code, out, _ = run_pbm("score", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 0
    assert "等级分布" in out and "差异最大的项目" in out
    assert "虚高项目" in out and "+18.00" in out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_timeliness_line_shows_its_operator_as_written(tmp_path, run_pbm, layout):
    """A 时效 line (≤2026年12月) is scored as “on time” (≥ 1) but 指标得分 and the JSON show
    the ≤ the unit wrote; its score is unchanged (full marks on time)."""
    spec = project("时效项目", [line("数量", "≥100", 100, 80, 80),
                               line("完成时间", "≤2026年12月", "2026年11月", 10, 10,
                                    level2="时效指标")],
                   budget=100, executed=100, execution_score=10, total=100)
    path = write(tmp_path, "timely", [spec], layout)
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    rows = _rows(tmp_path / "out" / "scores-2026.xlsx", "指标得分")
    header = rows[0]
    by_name = {row[header.index("三级指标")]: dict(zip(header, row)) for row in rows[1:]}
    timely = by_name["完成时间"]
    assert (timely["计算符号"], timely["年度指标值"]) == ("≤", "≤2026年12月")
    assert (timely["复核得分"], timely["是否达标"]) == (10, "是")
    assert timely["复核计分规则"].startswith("时效")
    assert by_name["数量"]["计算符号"] == "≥"
    ops = {row["name"]: row["op"] for row in data["indicators"]}
    assert ops == {"数量": "≥", "完成时间": "≤"}
