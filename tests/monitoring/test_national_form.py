"""``pbm monitor`` on the national 项目支出绩效目标执行监控表 (财预〔2019〕136号) as the central
project database exports it: an 11-sheet workbook whose monitoring sheet has a money block with
its values under its labels, a two-row indicator header, and the choice of 完成目标可能性 and
the causes of 偏差原因分析 marked in sub-columns (✔, √, …)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.real_like import NationalLine, NationalMonitorForm, write_national_monitor_export


def _monitor(run_pbm, workspace, folder: str, *options: str) -> dict:
    code, out, err = run_pbm("monitor", f"{folder}/", "--format", "json", *options,
                             cwd=workspace)
    assert code in (0, 1), err
    return json.loads(out)


def _export(workspace, folder: str, form: NationalMonitorForm, name: str = "教育部-监控.xlsx"):
    (workspace / folder).mkdir(exist_ok=True)
    return write_national_monitor_export(workspace / folder / name, form)


def _codes(data: dict) -> list[str]:
    return sorted(f["code"] for f in data["findings"])


def test_the_export_is_one_project_with_the_money_block_read_under_its_labels(workspace,
                                                                           run_pbm):
    _export(workspace, "submissions", NationalMonitorForm())
    data = _monitor(run_pbm, workspace, "submissions")
    assert data["summary"]["projects"] == 1
    (project,) = data["projects"]
    assert project["name"] == "高校基本科研业务费"
    assert project["department"] == "教育部"
    assert project["department_code"] == "105"
    assert (project["initial_budget"], project["executed"], project["expected_execution"]) == \
        (1200.0, 660.0, 1200.0)
    assert project["execution_rate"] == 0.55
    assert project["indicators"] == 5
    assert project["possibility"] == "有可能"
    assert project["errors"] == 0 and project["warnings"] == 0
    # the form states 1-7月 and nothing else names the period: its 序时进度 is 7/12
    assert data["period"]["month"] == 7
    assert "1-7月" in data["period"]["source"]
    assert "M-PERIOD-MISMATCH" not in _codes(data)
    other = [f for f in data["findings"] if f["code"] == "R-OTHER-SHEETS"]
    assert len(other) == 1 and "项目基本信息" in other[0]["message"]
    summary = data["summary"]
    assert summary["rows_in"] == summary["rows_merged"] + summary["rows_rejected"] + \
        summary["rows_non_data"]


def test_the_indicator_lines_keep_their_actual_and_expected_values(workspace, run_pbm):
    _export(workspace, "submissions", NationalMonitorForm())
    data = _monitor(run_pbm, workspace, "submissions")
    assert data["period"]["label"] == "2026-07"
    sheet = openpyxl.load_workbook(workspace / "out" / "monitor-2026-07.xlsx")["指标"]
    rows = list(sheet.iter_rows(values_only=True))
    lines = [dict(zip(rows[0], row)) for row in rows[1:]]
    by_name = {line["三级指标"]: line for line in lines}
    assert list(by_name) == ["资助科研项目数", "项目结题验收通过率", "年度立项完成时间",
                             "发表高水平论文数", "青年教师满意度"]
    assert by_name["资助科研项目数"]["1-7月完成值"] == "96项"
    assert by_name["资助科研项目数"]["全年预计完成情况"] == "120项"
    assert by_name["发表高水平论文数"]["指标灯"] == "红"  # 20 of 60 by July
    assert by_name["资助科研项目数"]["指标灯"] == "绿"


@pytest.mark.parametrize("mark", ["✔", "√", "✓", "●", "是", "1"])
def test_a_choice_marked_in_its_sub_column_is_read(workspace, run_pbm, mark):
    form = NationalMonitorForm()
    for line in form.lines:
        line.mark = mark
    _export(workspace, "submissions", form)
    data = _monitor(run_pbm, workspace, "submissions")
    (project,) = data["projects"]
    assert project["possibility"] == "有可能"
    assert "M1" not in _codes(data) and "M2" not in _codes(data)


def test_a_line_likely_to_miss_without_a_cause_is_one_m2_at_that_line(workspace, run_pbm):
    form = NationalMonitorForm()
    form.lines[1] = NationalLine("产出指标", "质量指标", "项目结题验收通过率", "≥90%", "80%",
                                 "85%", choice="完全不可能")
    _export(workspace, "submissions", form)
    data = _monitor(run_pbm, workspace, "submissions")
    m2 = [f for f in data["findings"] if f["code"] == "M2"]
    assert len(m2) == 1
    assert m2[0]["sheet"] == "绩效目标执行监控"
    assert m2[0]["cell"].endswith("15")  # the second line: header rows 12–13, lines from 14
    assert "项目结题验收通过率" in m2[0]["message"]
    # the project is as likely as its least likely line
    assert data["projects"][0]["possibility"] == "完全不可能"
    # the national form has no 纠偏措施 column: none is asked for
    assert "措施" not in m2[0]["message"]


def test_unmarked_lines_are_one_m1_for_the_project_listing_their_rows(workspace, run_pbm):
    form = NationalMonitorForm()
    form.lines[0].choice = None
    form.lines[4].choice = None
    _export(workspace, "submissions", form)
    data = _monitor(run_pbm, workspace, "submissions")
    m1 = [f for f in data["findings"] if f["code"] == "M1"]
    assert len(m1) == 1
    assert "第 14、18 行" in m1[0]["message"]
    assert "M2" not in _codes(data)


def test_an_explicit_period_is_kept_and_the_form_s_other_period_said_once(workspace, run_pbm):
    _export(workspace, "q3", NationalMonitorForm())
    data = _monitor(run_pbm, workspace, "q3")
    assert data["period"]["month"] == 9
    mismatch = [f for f in data["findings"] if f["code"] == "M-PERIOD-MISMATCH"]
    assert len(mismatch) == 1
    assert mismatch[0]["value"] == "1-7月执行数"


def test_forms_stating_different_periods_keep_the_configured_one(workspace, run_pbm):
    _export(workspace, "submissions", NationalMonitorForm(), "教育部-监控.xlsx")
    _export(workspace, "submissions", NationalMonitorForm(name="科研条件建设", department="[106]科技部",
                                                          month=6), "科技部-监控.xlsx")
    data = _monitor(run_pbm, workspace, "submissions")
    assert data["summary"]["projects"] == 2
    assert data["period"]["month"] == 9  # pbm.toml's: the forms disagree, none is chosen
    mismatch = [f for f in data["findings"] if f["code"] == "M-PERIOD-MISMATCH"]
    assert sorted(f["file"].split("/")[-1] for f in mismatch) == ["教育部-监控.xlsx",
                                                                "科技部-监控.xlsx"]


def test_without_a_workspace_the_year_and_months_are_the_form_s(tmp_path, run_pbm):
    folder = tmp_path / "报送"
    folder.mkdir()
    write_national_monitor_export(folder / "教育部-监控.xlsx", NationalMonitorForm())
    code, out, err = run_pbm("monitor", folder, "--format", "json", "--out", tmp_path / "out",
                             cwd=tmp_path)
    assert code in (0, 1), err
    data = json.loads(out)
    assert (data["period"]["year"], data["period"]["month"]) == (2019, 7)
    assert "2019年度" in data["period"]["source"] and "1-7月" in data["period"]["source"]
    assert (tmp_path / "out" / "monitor-2019-07.xlsx").is_file()
    # a folder named for a quarter gives the months; the year is still the form's
    quarter = tmp_path / "q2"
    quarter.mkdir()
    write_national_monitor_export(quarter / "教育部-监控.xlsx", NationalMonitorForm(month=6))
    code, out, err = run_pbm("monitor", quarter, "--format", "json", "--out", tmp_path / "out",
                             cwd=tmp_path)
    data = json.loads(out)
    assert (data["period"]["year"], data["period"]["month"]) == (2019, 6)


def test_the_annual_goal_is_the_text_under_its_column_name(tmp_path):
    from pbm.workbook.read import read_workbook

    path = write_national_monitor_export(tmp_path / "教育部-监控.xlsx", NationalMonitorForm())
    workbook = read_workbook(path)
    [form] = [p for p in workbook.projects if p.sheet == "绩效目标执行监控"]
    # 年度总体目标 (two rows) | 年初设定目标 over the goal | 1-7月执行情况 over what was done
    assert form.fields["annual_goal"].value == NationalMonitorForm().goal_set
    assert form.fields["annual_goal"].a1 == "B11"
    assert form.year == 2019
