"""``pbm monitor`` end to end on real generated workbooks: JSON contract, the ledger, lights,
departments, drift, M-rules, inert text, tables and bad inputs."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
    write_monitor_list,
)

SUMMARY_KEYS = {"files", "departments", "projects", "indicators", "rows_in", "rows_merged",
                "rows_rejected", "rows_non_data", "lights", "missing_departments"}
PROJECT_KEYS = {"department", "name", "budget", "executed", "execution_rate", "time_progress",
                "light"}


@pytest.fixture
def ws(workspace):
    build_workspace(workspace)
    return workspace


def monitor_json(run_pbm, ws: Path, *args: str):
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", *args, cwd=ws)
    assert code in (0, 1), err
    return code, json.loads(out)


def codes(data) -> list[str]:
    return [f["code"] for f in data["findings"]]


def sheet_rows(path: Path, name: str) -> list[dict]:
    book = openpyxl.load_workbook(path)
    sheet = book[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_json_contract_lights_and_outputs(ws, run_pbm):
    code, data = monitor_json(run_pbm, ws)
    assert code == 0, codes(data)
    assert data["command"] == "monitor" and data["pbm_version"]
    summary = data["summary"]
    assert set(summary) >= SUMMARY_KEYS
    assert summary["lights"] == {"red": 1, "yellow": 1, "green": 1}
    assert (summary["files"], summary["departments"], summary["projects"]) == (2, 2, 3)
    assert summary["indicators"] == 18
    assert summary["missing_departments"] == 1
    assert summary["missing_department_names"] == ["文化和旅游局"]
    assert summary["rows_in"] == summary["rows_merged"] + summary["rows_rejected"] + \
        summary["rows_non_data"]
    for finding in data["findings"]:
        assert {"code", "severity", "file", "sheet", "cell", "project", "message", "value"} <= set(finding)
    projects = {p["name"]: p for p in data["projects"]}
    for project in projects.values():
        assert set(project) >= PROJECT_KEYS
    road = projects["乡村道路养护项目"]
    assert (road["department"], road["budget"], road["executed"]) == ("交通运输局", 150.0, 112.5)
    assert (road["execution_rate"], road["time_progress"], road["light"]) == (0.75, 0.75, "green")
    assert projects["危桥改造工程"]["light"] == "red"
    assert projects["危桥改造工程"]["execution_measure"] == 26.67
    assert projects["养老服务补贴"]["light"] == "yellow"
    assert "M-MISSING-DEPT" in codes(data)
    workbook = ws / "out" / "monitor-2026-09.xlsx"
    assert data["outputs"] == [str(workbook)]
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["汇总", "项目", "指标", "问题", "台账", "说明"]
    fills = {row[3].value: row[0].fill.fgColor.rgb for row in book["项目"].iter_rows(min_row=2)}
    assert fills == {"乡村道路养护项目": "FFC6EFCE", "危桥改造工程": "FFFFC7CE",
                     "养老服务补贴": "FFFFEB9C"}
    about = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["监控期间"] == "2026年1-9月（文件夹名 q3）"
    assert about["规则预设"] == "national-2020"
    assert about["执行灯规则"].startswith("比值法")
    assert any(k.startswith("输入文件 q3/103-交通运输局") and "SHA-256" in v for k, v in about.items())


def _nonempty_rows(path: Path) -> int:
    """Non-empty rows counted straight from the input with openpyxl, apart from pbm's reader."""
    book = openpyxl.load_workbook(path, read_only=True)
    total = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if any(v is not None and str(v).strip() for v in row):
                total += 1
    book.close()
    return total


def _balanced_ledger(run_pbm, ws: Path) -> tuple[dict, list[dict], int]:
    """The run's JSON, its 台账 and the non-empty rows counted apart: rows in = that count =
    the 台账's rows."""
    _, data = monitor_json(run_pbm, ws)
    expected = sum(_nonempty_rows(p) for p in (ws / "q3").glob("*.xlsx"))
    assert data["summary"]["rows_in"] == expected
    ledger = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "台账")
    assert sum(r["行数"] for r in ledger) == expected
    return data, ledger, expected


def test_ledger_accounts_for_every_row(ws, run_pbm):
    data, ledger, expected = _balanced_ledger(run_pbm, ws)
    summary = data["summary"]
    for status, key in (("合并", "rows_merged"), ("拒收", "rows_rejected"), ("非数据", "rows_non_data")):
        assert sum(r["行数"] for r in ledger if r["处理结果"] == status) == summary[key]
    # Runs never overlap and every run's 行数 is its span.
    for r in ledger:
        assert r["行数"] == r["终止行"] - r["起始行"] + 1
    civil = [r for r in ledger if "民政局" in r["文件"]]
    assert {(r["行类别"], r["处理结果"]) for r in civil} == {
        ("标题行", "非数据"), ("表头行", "非数据"), ("指标行", "合并"), ("合计/小计行", "非数据")}
    assert sum(r["行数"] for r in civil if r["行类别"] == "指标行") == 6
    stdout = run_pbm("monitor", "q3/", cwd=ws)[1]
    assert f"读入非空行 {expected} = 合并 {summary['rows_merged']}" in stdout


def test_duplicate_submission_keeps_the_newer_stated_date(ws, run_pbm):
    road, bridge, _ = goal_projects()
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表（修改）.xlsx", [
        monitoring(road, executed=120, version="2026-10-12"),
        monitoring(bridge, executed=100, version="2026-10-12")])
    _, data = monitor_json(run_pbm, ws)
    [duplicate] = [f for f in data["findings"] if f["code"] == "M-DUPLICATE-SUBMISSION"]
    assert duplicate["file"] == "q3/103-交通运输局-监控表.xlsx"
    assert duplicate["value"] == "q3/103-交通运输局-监控表（修改）.xlsx"
    assert "填报日期 2026-10-12 较新" in duplicate["message"]
    projects = {p["name"]: p for p in data["projects"]}
    assert projects["乡村道路养护项目"]["executed"] == 120.0
    assert data["summary"]["projects"] == 3
    ledger = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "台账")
    old = [r for r in ledger if r["文件"] == "q3/103-交通运输局-监控表.xlsx" and r["处理结果"] == "拒收"]
    assert old and all("重复报送" in r["原因/说明"] for r in old)
    assert sum(r["行数"] for r in old) == 2 * (6 + 6 + 4)  # fields + indicators + tail rows, 2 sheets
    summary_rows = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "汇总")
    transport = next(r for r in summary_rows if r["主管部门"] == "交通运输局")
    assert transport["重复报送未采用的文件"] == "q3/103-交通运输局-监控表.xlsx"


def test_an_amount_in_scientific_notation_is_written_out_and_said(ws, run_pbm):
    road, bridge, _ = goal_projects()
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed="1.2E+02"), monitoring(bridge, executed=100)])
    _, data = monitor_json(run_pbm, ws)
    assert {p["name"]: p["executed"] for p in data["projects"]}["乡村道路养护项目"] == 120.0
    [finding] = [f for f in data["findings"] if f["code"] == "V-SCIENTIFIC"]
    assert finding["severity"] == "warning" and finding["cell"]
    assert finding["file"] == "q3/103-交通运输局-监控表.xlsx"
    assert "120" in finding["message"]


def test_duplicate_without_stated_dates_falls_back_to_modification_time(ws, run_pbm):
    road, bridge, _ = goal_projects()
    newer = write_monitor_form(ws / "q3" / "103-交通运输局-监控表-2.xlsx", [
        monitoring(road, executed=140, version=None), monitoring(bridge, executed=100, version=None)])
    older = write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=1, version=None), monitoring(bridge, executed=1, version=None)])
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_800_000_000, 1_800_000_000))
    _, data = monitor_json(run_pbm, ws)
    [duplicate] = [f for f in data["findings"] if f["code"] == "M-DUPLICATE-SUBMISSION"]
    assert duplicate["file"] == "q3/103-交通运输局-监控表.xlsx"
    assert "文件修改时间" in duplicate["message"]
    assert {p["name"]: p["executed"] for p in data["projects"]}["乡村道路养护项目"] == 140.0


def test_unknown_department_and_missing_ones(ws, run_pbm):
    road, _, _ = goal_projects()
    write_monitor_form(ws / "q3" / "999-城市管理局.xlsx", [monitoring(
        road, executed=10, department="城市管理局", department_code="999", code="C1",
        name="路灯维护")])
    _, data = monitor_json(run_pbm, ws)
    unknown = [f for f in data["findings"] if f["code"] == "M-UNKNOWN-DEPT"]
    assert [f["value"] for f in unknown] == ["城市管理局"]
    assert [f["value"] for f in data["findings"] if f["code"] == "M-MISSING-DEPT"] == ["文化和旅游局"]
    statuses = {d["name"]: d["status"] for d in data["departments"]}
    assert statuses == {"交通运输局": "已报送", "民政局": "已报送", "文化和旅游局": "未报送",
                        "城市管理局": "名册外"}
    # Not in the approved goals either: drift at project level.
    drift = [f for f in data["findings"] if f["code"] == "M-DRIFT" and f["project"] == "路灯维护"]
    assert len(drift) == 1


def test_drift_added_removed_changed_and_unreported(ws, run_pbm):
    road, _, _ = goal_projects()
    changed = monitoring(road, executed=112.5)
    changed.indicators[0].target = 250  # approved ≥266 公里
    changed.indicators.append(type(changed.indicators[0])(
        "效益指标", "社会效益指标", "通行时间缩短", "≥", "≥10%", "%", 12))
    del changed.indicators[4]  # 群众出行条件 removed
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [changed])  # 危桥改造 left out
    _, data = monitor_json(run_pbm, ws)
    m3 = [f for f in data["findings"] if f["code"] == "M3"]
    assert {f["message"] for f in m3} == {
        "监控指标与批复的绩效目标不一致：“日常养护里程”的指标值由“≥266公里”改为“250”",
        "监控指标与批复的绩效目标不一致：新增指标“通行时间缩短”（批复目标中没有）",
        "监控指标与批复的绩效目标不一致：批复指标“群众出行条件”（有效改善）在监控表中被删除"}
    changed_finding = next(f for f in m3 if "改为" in f["message"])
    assert (changed_finding["sheet"], changed_finding["cell"]) == ("项目1", "E9")
    assert all(f["severity"] == "error" for f in m3)
    [drift] = [f for f in data["findings"] if f["code"] == "M-DRIFT"]
    assert drift["message"].endswith("新增 1 项、删除 1 项、修改指标值 1 项")
    [unreported] = [f for f in data["findings"] if f["code"] == "M-PROJECT-NOT-REPORTED"]
    assert unreported["value"] == "危桥改造工程"
    indicators = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "指标")
    drifts = {r["三级指标"]: r["与批复目标差异"] for r in indicators if r["与批复目标差异"]}
    assert drifts == {"日常养护里程": "指标值变更", "通行时间缩短": "新增指标", "群众出行条件": "删除指标"}
    assert next(r for r in indicators if r["三级指标"] == "日常养护里程")["批复指标值"] == "≥266公里"


def test_pbm_goal_list_is_the_default_approved_goals(ws, run_pbm):
    assert run_pbm("validate", "goals/", "--format", "json", cwd=ws)[0] in (0, 1)
    assert (ws / "out" / "goals-2026.xlsx").is_file()
    _, data = monitor_json(run_pbm, ws)
    assert "M3" not in codes(data) and "M-DRIFT" not in codes(data)
    about = {r["项目"]: r["内容"] for r in sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "说明")}
    assert about["批复目标"].endswith("goals-2026.xlsx")


def test_amounts_typed_in_yuan_into_wan_yuan_columns_are_converted_and_said(ws, run_pbm):
    # 3,000,000 in a 万元 column would be 300亿元 for one road project: it was typed in 元.
    road, bridge, _ = goal_projects()
    write_monitor_list(ws / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=1800000, budget=3000000, initial_budget=3000000,
                   expected_execution=3000000),
        monitoring(bridge, executed=120)])
    _, data = monitor_json(run_pbm, ws)
    [yuan] = [f for f in data["findings"] if f["code"] == "M-MONEY-IN-YUAN"]
    assert (yuan["project"], yuan["severity"]) == ("乡村道路养护项目", "warning")
    assert yuan["cell"] is not None and "3000000" in yuan["message"] and "300" in yuan["message"]
    projects = {p["name"]: p for p in data["projects"]}
    road_project = projects["乡村道路养护项目"]
    assert (road_project["budget"], road_project["executed"]) == (300, 180)
    assert road_project["execution_rate"] == 0.6
    assert projects["危桥改造工程"]["executed"] == 120  # the other project is left alone
    assert not any(f["code"] == "M4" and f["project"] == "乡村道路养护项目"
                   for f in data["findings"])


def test_a_form_for_another_period_is_said_not_silently_lit(ws, run_pbm):
    # q3/ means months 1-9; a department sent its July form ("1-7月执行数"): 序时进度 75 %
    # instead of 58 % turns yellow into red without a word unless pbm says so.
    road, bridge, care = goal_projects()
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx",
                       [monitoring(road, executed=112.5, month=7),
                        monitoring(bridge, executed=100, month=7)])
    write_monitor_list(ws / "q3" / "105-民政局-监控表.xlsx",
                       [monitoring(care, executed=60, month=7)], month=7)
    _, data = monitor_json(run_pbm, ws)
    found = [f for f in data["findings"] if f["code"] == "M-PERIOD-MISMATCH"]
    assert len(found) == 2  # once per file, not once per project
    by_file = {f["file"].split("/")[-1]: f for f in found}
    form = by_file["103-交通运输局-监控表.xlsx"]
    assert form["severity"] == "warning" and form["cell"] is not None
    assert "1-7 月" in form["message"] and "1-9 月" in form["message"]
    assert by_file["105-民政局-监控表.xlsx"]["value"].startswith("1-7月")
    write_monitor_list(ws / "q3" / "105-民政局-监控表.xlsx",
                       [monitoring(care, executed=60)])
    (ws / "q3" / "103-交通运输局-监控表.xlsx").unlink()
    _, data = monitor_json(run_pbm, ws)
    assert "M-PERIOD-MISMATCH" not in {f["code"] for f in data["findings"]}


def test_monitoring_rules_m1_m2_m4_zero_spend_and_text_in_numbers(ws, run_pbm):
    road, bridge, care = goal_projects()
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=0, possibility="基本能"),            # M1, 未形成支出
        monitoring(bridge, executed=160, possibility="有可能"),        # M2 ×1, M4 (no reason)
    ])
    write_monitor_list(ws / "q3" / "105-民政局-监控表.xlsx", [
        monitoring(care, executed="待统计", possibility="不可能", reason="政策调整",
                   measures="申请调减预算")])
    code, data = monitor_json(run_pbm, ws)
    assert code == 1
    found = {(f["code"], f["project"], f["cell"]) for f in data["findings"]}
    assert ("M1", "乡村道路养护项目", "B16") in found  # 完成目标可能性 under 6 indicators
    assert ("M-ZERO-SPEND", "乡村道路养护项目", "F6") in found
    assert ("M2", "危桥改造工程", "B17") in found  # the empty 偏差原因分析
    assert ("M4", "危桥改造工程", "F6") in found
    assert ("R-UNPARSEABLE", "养老服务补贴", "H3") in found
    assert ("M-NO-EXECUTED", "养老服务补贴", "H3") in found
    m2 = next(f for f in data["findings"] if f["code"] == "M2")
    assert m2["message"] == "完成目标可能性为“有可能”，但未填写偏差原因分析和相关建议或举措"
    projects = {p["name"]: p for p in data["projects"]}
    assert projects["乡村道路养护项目"]["zero_spend"] is True
    assert projects["乡村道路养护项目"]["light"] == "red"
    # 不可能 → red; a missing executed amount is no rate but still lit as 0.
    care_project = projects["养老服务补贴"]
    assert (care_project["light"], care_project["execution_rate"]) == ("red", None)
    assert data["summary"]["zero_spend"] == 1


def test_explained_overrun_and_expected_execution_are_warnings(ws, run_pbm):
    road, bridge, _ = goal_projects()
    over = monitoring(bridge, executed=160, possibility="确定能", reason="追加工程量，预算调整在办")
    expected = monitoring(road, executed=112.5)
    expected.expected_execution = 180
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [expected, over])
    _, data = monitor_json(run_pbm, ws)
    over_findings = [f for f in data["findings"] if f["code"] == "M-EXEC-OVER-BUDGET"]
    assert {(f["project"], f["cell"], f["severity"]) for f in over_findings} == {
        ("危桥改造工程", "F6", "warning"), ("乡村道路养护项目", "H6", "warning")}
    assert "M4" not in codes(data)


def test_submitted_text_stays_inert(ws, run_pbm):
    road, bridge, _ = goal_projects()
    tricky = monitoring(bridge, executed=60, possibility="有可能", reason="=1+1",
                        measures="+86 0571-88886666")
    tricky.indicators[4].actual = "=SUM(A1:A3)"
    tricky.indicators[5].expected = "@x"
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx",
                       [monitoring(road, executed=112.5), tricky])
    monitor_json(run_pbm, ws)
    book = openpyxl.load_workbook(ws / "out" / "monitor-2026-09.xlsx")
    sheet = book["项目"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "危桥改造工程")
    reason = row[header.index("偏差原因分析")]
    measures = row[header.index("相关建议或举措")]
    assert (reason.value, reason.data_type) == ("=1+1", "s")
    assert (measures.value, measures.data_type) == ("+86 0571-88886666", "s")
    indicator = next(r for r in book["指标"].iter_rows(min_row=2) if r[9].value == "=SUM(A1:A3)")
    assert indicator[9].data_type == "s"
    expected = next(r for r in book["指标"].iter_rows(min_row=2) if r[10].value == "@x")
    assert expected[10].data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    # The CSV tables are opened by Excel/WPS too: a leading ' keeps formula-like text inert.
    code, _, err = run_pbm("monitor", "q3/", "--format", "csv", "--quiet", cwd=ws)
    assert code in (0, 1), err
    text = (ws / "out" / "monitor-2026-09-项目.csv").read_text(encoding="utf-8-sig")
    [row] = [r for r in csv.reader(text.splitlines()) if "危桥改造工程" in r]
    assert "'=1+1" in row and "'+86 0571-88886666" in row
    indicators = (ws / "out" / "monitor-2026-09-指标.csv").read_text(encoding="utf-8-sig")
    assert "'=SUM(A1:A3)" in indicators and "'@x" in indicators
    assert ",=" not in indicators and ",@" not in indicators


def test_department_name_cannot_escape_the_output_folder(workspace, run_pbm, tmp_path):
    from tests.builders import good_project, write_form_workbook

    evil = good_project(department="../../etc", department_code="666")
    write_form_workbook(workspace / "goals" / "evil.xlsx", [evil])
    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/",
                           cwd=workspace)
    assert code == 0, err
    written = list((workspace / "q3" / "blank").iterdir())
    assert [p.name for p in written] == ["666-____etc-2026年1-9月绩效监控表.xlsx"]
    assert not (workspace / "etc").exists() and not (tmp_path / "etc").exists()
    q3 = workspace / "q3"
    write_monitor_form(q3 / "evil-filled.xlsx", [monitoring(evil, executed=100)])
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    data = json.loads(out)
    assert {p["department"] for p in data["projects"]} == {"../../etc"}
    outputs = [Path(p) for p in data["outputs"]]
    assert all(p.parent == workspace / "out" for p in outputs)
    # The blank template sits in q3/blank/ and is recognised, not merged.
    assert "M-BLANK-TEMPLATE" in codes(data)
    assert data["summary"]["files_blank"] == 1 and data["summary"]["projects"] == 1


def test_template_monitor_prefills_approved_goals(ws, run_pbm):
    from pbm.workbook.read import read_workbook

    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/", cwd=ws)
    assert code == 0, err
    files = sorted(p.name for p in (ws / "q3" / "blank").iterdir())
    assert files == ["103-交通运输局-2026年1-9月绩效监控表.xlsx", "105-民政局-2026年1-9月绩效监控表.xlsx"]
    path = ws / "q3" / "blank" / files[0]
    read = read_workbook(path)
    projects = {p.name: p for p in read.projects}
    assert set(projects) == {"乡村道路养护项目", "危桥改造工程"}
    road = projects["乡村道路养护项目"]
    assert road.fields["initial_budget"].value == 150
    assert road.fields["executed"].value is None
    assert [i.value("target") for i in road.indicator_lines()] == \
        [266, "85%", "2026年12月", "0.56万元", "有效改善", "90%"]
    assert all(i.value("actual") is None for i in road.indicator_lines())
    book = openpyxl.load_workbook(path)
    sheet = book["P2026001"]
    assert sheet.protection.sheet is True
    assert sheet["F6"].protection.locked is False  # 1-9月执行数 is to be filled
    assert sheet["C9"].protection.locked is True  # 三级指标 is approved, locked
    assert sheet["A9"].value == "产出指标" and "A9:A12" in {str(r) for r in sheet.merged_cells.ranges}
    # The blanks inside q3/ are recognised as blank, never as (duplicate) submissions.
    _, data = monitor_json(run_pbm, ws)
    assert codes(data).count("M-BLANK-TEMPLATE") == 2
    assert "M-DUPLICATE-SUBMISSION" not in codes(data)
    assert data["summary"]["projects"] == 3


def test_percent_cell_holding_a_fraction_is_read_as_percent(ws, run_pbm):
    road, bridge, _ = goal_projects()
    spec = monitoring(road, executed=112.5)
    spec.indicators[1].actual = 0.88  # a cell formatted 0% holds 0.88 for 88 %
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [spec, monitoring(bridge, executed=30)])
    _, data = monitor_json(run_pbm, ws)
    [note] = [f for f in data["findings"] if f["code"] == "M-PERCENT-AS-FRACTION"]
    assert (note["cell"], note["severity"]) == ("G10", "info")
    assert "写作小数 0.88" in note["message"] and "格式" not in note["message"]  # any cell format
    indicators = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "指标")
    quality = next(r for r in indicators if r["三级指标"] == "优良路率" and r["项目名称"] == "乡村道路养护项目")
    assert (quality["完成比值"], quality["指标灯"]) == (103.53, "绿")


def test_parquet_and_csv_tables(ws, run_pbm):
    import pyarrow.parquet as pq

    code, _, err = run_pbm("monitor", "q3/", "--format", "parquet", cwd=ws)
    assert code == 0, err
    projects = pq.read_table(ws / "out" / "monitor-2026-09-项目.parquet")
    indicators = pq.read_table(ws / "out" / "monitor-2026-09-指标.parquet")
    assert projects.num_rows == 3 and indicators.num_rows == 18
    assert projects.column_names[:4] == ["主管部门编码", "主管部门", "项目编码", "项目名称"]
    assert str(projects.schema.field("执行率").type) == "double"
    assert sorted(projects.column("灯色").to_pylist()) == ["红", "绿", "黄"]
    code, _, err = run_pbm("monitor", "q3/", "--format", "csv", cwd=ws)
    assert code == 0, err
    raw = (ws / "out" / "monitor-2026-09-指标.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel/WPS
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["主管部门", "项目编码", "项目名称"] and len(rows) == 19


def test_detail_goes_to_parquet_on_request(ws, run_pbm):
    import pyarrow.parquet as pq

    code, _, err = run_pbm("monitor", "q3/", "--detail", "parquet", cwd=ws)
    assert code == 0, err
    ledger = pq.read_table(ws / "out" / "monitor-2026-09-台账.parquet").to_pylist()
    book = openpyxl.load_workbook(ws / "out" / "monitor-2026-09.xlsx")
    assert book["指标"]["A2"].value.endswith("monitor-2026-09-指标.parquet")
    assert book["台账"]["A1"].value == "说明"
    assert book["台账"]["A2"].value == (f"台账共 {len(ledger)} 条（{int(sum(r['行数'] for r in ledger))} 行），"
                                       "已另存为 monitor-2026-09-台账.parquet")
    summary = json.loads(run_pbm("monitor", "q3/", "--format", "json", cwd=ws)[1])["summary"]
    assert sum(r["行数"] for r in ledger) == summary["rows_in"]


def test_lock_files_and_hidden_files_are_ignored(ws, run_pbm):
    shutil.copy(ws / "q3" / "103-交通运输局-监控表.xlsx", ws / "q3" / "~$103-交通运输局-监控表.xlsx")
    shutil.copy(ws / "q3" / "103-交通运输局-监控表.xlsx", ws / "q3" / ".103-备份.xlsx")
    _, data = monitor_json(run_pbm, ws)
    assert data["summary"]["files"] == 2
    assert "M-DUPLICATE-SUBMISSION" not in codes(data)


def test_bad_inputs_exit_2_with_one_line(ws, run_pbm, tmp_path):
    empty = ws / "q4"
    empty.mkdir(exist_ok=True)
    code, _, err = run_pbm("monitor", "q4/", cwd=ws)
    assert code == 2 and "没有可读取的监控表" in err and "Traceback" not in err
    code, _, err = run_pbm("monitor", "nowhere/", cwd=ws)
    assert code == 2 and "找不到" in err
    code, _, err = run_pbm("monitor", "q3/", "--period", "第五季度", cwd=ws)
    assert code == 2 and "无法识别监控期间" in err
    code, _, err = run_pbm("monitor", "q3/", "--format", "xml", cwd=ws)
    assert code == 2
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.xlsx").write_bytes(b"this is not a workbook")
    (junk / "b.xlsx").write_bytes(b"PK\x03\x04 truncated")
    code, _, err = run_pbm("monitor", str(junk), cwd=ws)
    assert code == 2 and "无法读取" in err and "Traceback" not in err
    assert not (ws / "out" / "monitor-2026-09.xlsx").exists()
    # One unreadable file among good ones: reported, the rest merged, exit 1.
    shutil.copy(junk / "a.xlsx", ws / "q3" / "坏文件.xlsx")
    code, data = monitor_json(run_pbm, ws)
    assert code == 1
    bad = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert [f["file"] for f in bad] == ["q3/坏文件.xlsx"]
    assert data["summary"]["projects"] == 3


def test_period_option_and_points_rule(ws, run_pbm):
    _, data = monitor_json(run_pbm, ws, "--period", "2026-07", "--rule", "points")
    assert data["summary"]["period"] == "2026-07"
    projects = {p["name"]: p for p in data["projects"]}
    road = projects["乡村道路养护项目"]  # 75 % executed by July: 58.33 − 75 = −16.67 points
    assert (road["execution_measure"], road["execution_light"]) == (-16.67, "green")
    assert (ws / "out" / "monitor-2026-07.xlsx").is_file()


def test_help_has_examples(run_pbm):
    code, out, _ = run_pbm("monitor", "--help")
    assert code == 0 and "pbm monitor q3/" in out
    code, out, _ = run_pbm("template", "monitor", "--help")
    assert code == 0 and "--goals" in out


def test_unreadable_goal_file_is_skipped_not_fatal(ws, run_pbm):
    (ws / "goals" / "坏目标.xlsx").write_bytes(b"not a workbook")
    _, data = monitor_json(run_pbm, ws)
    [skipped] = [f for f in data["findings"] if f["code"] == "M-GOALS-FILE-SKIPPED"]
    assert skipped["file"].endswith("坏目标.xlsx") and skipped["severity"] == "warning"
    assert "M3" not in codes(data)  # the readable goals were still compared
    code, _, err = run_pbm("monitor", "q3/", "--goals", "goals/坏目标.xlsx", cwd=ws)
    assert code == 2 and "无法读取" in err


def test_gbk_csv_export_is_merged(ws, run_pbm):
    from pbm.monitoring.forms import list_columns, list_rows

    _, _, care = goal_projects()
    (ws / "q3" / "105-民政局-监控表.xlsx").unlink()
    path = ws / "q3" / "105-民政局-监控表.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list_columns(9))
        for values in list_rows(monitoring(care, executed=50, possibility="有可能",
                                           reason="补贴按季度发放", measures="四季度集中发放")):
            writer.writerow(["" if v is None else v for v in values])
    _, data = monitor_json(run_pbm, ws)
    care_project = next(p for p in data["projects"] if p["name"] == "养老服务补贴")
    assert (care_project["executed"], care_project["light"]) == (50.0, "yellow")
    assert data["summary"]["rows_in"] == data["summary"]["rows_merged"] + \
        data["summary"]["rows_rejected"] + data["summary"]["rows_non_data"]


def test_duplicate_project_sheet_and_nameless_project_are_rejected_with_reasons(ws, run_pbm):
    road, bridge, _ = goal_projects()
    nameless = monitoring(bridge, executed=30, name=None, code=None)
    write_monitor_form(ws / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=112.5), monitoring(road, executed=10), nameless,
        monitoring(bridge, executed=120)])
    code, data = monitor_json(run_pbm, ws)
    assert code == 1  # M-NO-PROJECT-NAME is an error
    [duplicate] = [f for f in data["findings"] if f["code"] == "M-DUPLICATE-PROJECT"]
    assert (duplicate["sheet"], duplicate["project"]) == ("项目2", "乡村道路养护项目")
    [nameless_finding] = [f for f in data["findings"] if f["code"] == "M-NO-PROJECT-NAME"]
    assert nameless_finding["sheet"] == "项目3"
    assert {p["name"]: p["executed"] for p in data["projects"]}["乡村道路养护项目"] == 112.5
    ledger = sheet_rows(ws / "out" / "monitor-2026-09.xlsx", "台账")
    rejected = {(r["工作表"], r["原因/说明"]) for r in ledger if r["处理结果"] == "拒收"}
    assert ("项目2", "同一项目重复填报，已采用工作表“项目1”第 1 行起") in rejected
    assert ("项目3", "缺少项目名称和项目编码") in rejected
    assert sum(r["行数"] for r in ledger if r["工作表"] == "项目3" and r["处理结果"] == "拒收") == 16


def test_every_output_has_the_permissions_of_a_file_the_user_saves(ws, run_pbm):
    """Atomic writes start from a private temporary file; what lands must not stay 0600."""
    umask = os.umask(0)
    os.umask(umask)
    code, _, err = run_pbm("monitor", "q3/", "--format", "csv", "--quiet", cwd=ws)
    assert code in (0, 1), err
    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "blank/", cwd=ws)
    assert code == 0, err
    outputs = [p for p in (ws / "out").rglob("*") if p.is_file()] + \
        [p for p in (ws / "blank").iterdir()]
    assert {p.suffix for p in outputs} >= {".xlsx", ".csv"}
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in outputs} == \
        {p.name: oct(0o666 & ~umask) for p in outputs}


def test_json_is_printed_when_no_file_could_be_read(workspace, run_pbm):
    (workspace / "q3").mkdir(exist_ok=True)
    (workspace / "q3" / "坏.xlsx").write_bytes(b"not a workbook")
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    assert code == 2, err
    data = json.loads(out)  # a script parsing stdout still gets one object
    assert data["command"] == "monitor" and data["outputs"] == []
    assert data["summary"]["files_unreadable"] == 1
    assert [f["file"] for f in data["findings"] if f["code"] == "R-UNREADABLE"] == ["q3/坏.xlsx"]


def test_rows_that_belong_to_no_project_are_rejected_and_counted(ws, run_pbm):
    """A 年初预算数 alone, text in a column without header (AZ) or in a hidden column, and a
    formula without a cached value (written by a script): each row is 拒收 with its reason,
    never 合并 into the project above, and the 台账 balances against an independent count
    of the sheets (a hidden and a very hidden sheet included)."""
    path = ws / "q3" / "105-民政局-监控表.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["绩效监控"]
    last = sheet.max_row  # the 合计 row
    sheet.cell(last + 2, 6, 88)  # F: 年初预算数, no project
    sheet.cell(last + 3, 52, "远处的文字")  # AZ
    sheet.cell(last + 4, 1, "=1+2")  # openpyxl stores no cached value
    sheet.cell(last + 5, 40, "隐藏列的文字")
    sheet.column_dimensions["AN"].hidden = True
    hidden = book.create_sheet("底稿")
    hidden["A1"], hidden["B2"] = "测算过程", 12
    hidden.sheet_state = "hidden"
    very = book.create_sheet("参数")
    very["C3"] = "=SUM(A1:A2)"
    very.sheet_state = "veryHidden"
    book.save(path)

    data, ledger, _ = _balanced_ledger(run_pbm, ws)
    civil = {r["起始行"]: r for r in ledger if "民政局" in r["文件"] and r["工作表"] == "绩效监控"}
    for row in (last + 2, last + 3, last + 5):
        run = next(r for r in civil.values() if r["起始行"] <= row <= r["终止行"])
        assert (run["处理结果"], run["行类别"], run["项目"]) == ("拒收", "无法归属项目的数据行", None)
    formula = next(r for r in civil.values() if r["起始行"] <= last + 4 <= r["终止行"])
    assert (formula["处理结果"], formula["行类别"]) == ("拒收", "仅含未计算公式的行")
    assert "无缓存值" in formula["原因/说明"]
    unowned = {(f["cell"], f["severity"]) for f in data["findings"] if f["code"] == "R-ROW-UNOWNED"}
    assert unowned == {(f"F{last + 2}", "warning"), (f"AZ{last + 3}", "warning"),
                       (f"AN{last + 5}", "warning")}
    assert {f["cell"] for f in data["findings"] if f["code"] == "R-FORMULA-NO-VALUE"} >= \
        {f"A{last + 4}"}
    others = {(r["工作表"], r["处理结果"]) for r in ledger if "民政局" in r["文件"]}
    assert {("底稿", "非数据"), ("参数", "非数据")} <= others
    care = next(p for p in data["projects"] if p["name"] == "养老服务补贴")
    assert care["budget"] == 100.0  # the stray 88 is no project's 年初预算数
