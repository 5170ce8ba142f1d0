"""A project database's export holds every document of a project in one workbook (项目基本信息,
立项依据, 支出明细, 绩效目标申报表, 绩效目标执行监控, 绩效自评表, 评审报告 …): each command reads the
sheet of its kind and skips the others with one info — never "no header", "duplicate project"
or "blank template" — and given only documents of another kind, says so."""

from __future__ import annotations

import json

import pytest

from tests.builders import good_project
from tests.monitoring.monitor_builders import monitoring
from tests.real_like import write_project_export
from tests.score_cmd.score_cmd_helpers import line, project


def _export(folder, kinds=("goal", "monitor", "selfeval")):
    goal = good_project()
    folder.mkdir(parents=True, exist_ok=True)
    spec = project(goal.name, [line("日常养护里程", "≥200公里", "210公里", 90, 90)],
                   budget=150, executed=150, execution_score=10, total=100)
    return write_project_export(folder / "项目导出.xlsx", goal, monitoring(goal, executed=100),
                                spec, kinds=kinds)


def _run(run_pbm, command, target, cwd):
    code, out, err = run_pbm(command, target, "--format", "json", "--out", cwd / "out", cwd=cwd)
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.mark.parametrize(("command", "kind", "read"), [
    ("validate", "绩效目标申报表", "绩效目标执行监控"),
    ("monitor", "绩效监控表", "绩效目标申报表"),
    ("score", "绩效自评表/评分表", "绩效目标申报表"),
])
def test_each_command_reads_the_sheet_of_its_kind(tmp_path, run_pbm, command, kind, read):
    path = _export(tmp_path / "in")
    code, data = _run(run_pbm, command, path.parent if command == "monitor" else path,
                      tmp_path)
    problems = [f for f in data["findings"] if f["severity"] != "info"]
    assert problems == [] and code == 0
    [skipped] = [f for f in data["findings"] if f["code"] == "R-OTHER-SHEETS"]
    assert kind in skipped["message"] and "10 个" in skipped["message"]
    assert read in skipped["message"] and "项目基本信息" in skipped["message"]
    assert data["summary"]["projects"] == 1


def test_validate_reviews_the_goal_form_of_the_export(tmp_path, run_pbm):
    _, data = _run(run_pbm, "validate", _export(tmp_path / "in"), tmp_path)
    [review] = data["projects"]
    assert review["sheet"] == "绩效目标申报表" and review["indicators"] == 6


def test_the_monitor_accounts_for_the_skipped_sheets(tmp_path, run_pbm):
    _, data = _run(run_pbm, "monitor", _export(tmp_path / "in").parent, tmp_path)
    summary = data["summary"]
    assert summary["rows_rejected"] == 0 and summary["files_blank"] == 0
    assert summary["rows_in"] == summary["rows_merged"] + summary["rows_non_data"]


@pytest.mark.parametrize(("command", "kinds", "found"), [
    ("score", ("goal",), "绩效目标申报表"),
    ("monitor", ("goal",), "绩效目标申报表"),
    ("validate", ("selfeval",), "绩效自评表"),
])
def test_a_document_of_another_kind_is_said_to_be_one(tmp_path, run_pbm, command, kinds, found):
    path = _export(tmp_path / "in", kinds=kinds)
    code, data = _run(run_pbm, command, path.parent if command == "monitor" else path, tmp_path)
    [wrong] = [f for f in data["findings"] if f["code"] == "R-WRONG-DOCUMENT"]
    assert wrong["severity"] == "error" and found in wrong["message"]
    assert code == 1 and data["summary"]["projects"] == 0
    assert not any(f["code"] in ("R-NO-HEADER", "G-NO-INDICATORS", "M-BLANK-TEMPLATE",
                                 "M-DUPLICATE-PROJECT") for f in data["findings"])


def test_a_goal_form_named_after_its_project_is_never_other(tmp_path, run_pbm):
    from tests.real_like import CityProject, write_city_goal_forms

    # sheet names that read like other documents (采购, 附件) but hold goal forms
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [
        CityProject("政府采购服务经费"), CityProject("附件资料整理经费"), CityProject("食堂经费")])
    _, data = _run(run_pbm, "validate", path, tmp_path)
    assert data["summary"]["projects"] == 3
    assert "R-OTHER-SHEETS" not in [f["code"] for f in data["findings"]]
