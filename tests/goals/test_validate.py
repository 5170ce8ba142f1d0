"""pbm validate on realistic goal workbooks: every rule fires on the cell that causes it."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pbm.workbook.forms import IndicatorSpec
from tests.builders import good_project, write_form_workbook, write_list_workbook


def _validate_json(run_pbm, *paths, cwd=None, extra=()):
    code, out, err = run_pbm("validate", *paths, "--format", "json", *extra, cwd=cwd)
    return code, json.loads(out), err


def _codes(data, project=None):
    return {(f["code"], f["cell"]) for f in data["findings"]
            if project is None or f["project"] == project}


def test_clean_project_passes_with_grade_you(tmp_path, run_pbm):
    path = write_form_workbook(tmp_path / "good.xlsx", [good_project()])
    code, data, err = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0, err
    assert data["command"] == "validate"
    summary = data["summary"]
    assert summary["files"] == 1 and summary["projects"] == 1 and summary["indicators"] == 6
    assert summary["errors"] == 0
    assert summary["grades"] == {"优": 1, "良": 0, "中": 0, "差": 0}
    [project] = data["projects"]
    assert project["weight_total"] == 90 and project["grade"] == "优"
    assert {"file", "sheet", "name", "department", "indicators", "weight_total", "grade"} <= set(project)


def _spoiled():
    spec = good_project("问题项目", code="P9")
    spec.indicators[0].target = "≥**人"                     # G4 at E12
    spec.indicators[1].unit = None                           # 85% keeps its unit: no G2
    spec.indicators[5].unit = None
    spec.indicators[5].target = 90                           # G2 at F17 (no unit anywhere)
    spec.indicators[4].target = "加强管理"                   # G13 at E16
    spec.indicators.append(IndicatorSpec("产出指标", "数量指标", "项目资金投入", "≥", 150, "万元", 5))  # G11
    spec.indicators.append(IndicatorSpec("产出指标", "数量指标", "日常养护里程", "≥", 200, "公里", 5))  # G-DUPLICATE
    spec.indicators.append(IndicatorSpec("效益指标", "效率指标", "通行效率", "≥", "10%", "%", 0))  # G-LOCAL-CATEGORY (once per file), G7
    spec.fiscal = 100                                        # 100 + 30 ≠ 150 → G12
    return spec


def test_each_rule_names_its_cell(tmp_path, run_pbm):
    path = write_form_workbook(tmp_path / "bad.xlsx", [_spoiled()])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 1
    found = _codes(data, "问题项目")
    assert ("G4", "E12") in found
    assert ("G2", "F17") in found
    assert ("G13", "E16") in found
    assert ("G11", "C18") in found
    assert ("G-DUPLICATE", "C19") in found
    assert ("G-LOCAL-CATEGORY", "B20") in found
    assert ("G7", "G20") in found
    assert ("G12", "B8") in found
    assert ("G2", "F13") not in found  # 85% carries its unit
    g6 = next(f for f in data["findings"] if f["code"] == "G6")
    assert g6["severity"] == "warning" and "100" in g6["message"] and "90" in g6["message"]
    [project] = data["projects"]
    assert project["grade"] == "差"  # more than 3 errors


def test_weights_summing_to_100_is_a_warning_naming_both(tmp_path, run_pbm):
    spec = good_project()
    spec.indicators[0].weight = 30
    path = write_form_workbook(tmp_path / "w.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    [g6] = [f for f in data["findings"] if f["code"] == "G6"]
    assert g6["severity"] == "warning"
    assert "100" in g6["message"] and "90" in g6["message"]
    assert data["projects"][0]["grade"] == "优"  # one warning still 优 by default cut-offs


def test_no_weights_at_all_reads_as_a_sentence_in_both_languages(tmp_path, run_pbm):
    spec = good_project()
    for indicator in spec.indicators:
        indicator.weight = None
    path = write_form_workbook(tmp_path / "w.xlsx", [spec])
    _, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    [g6] = [f for f in data["findings"] if f["code"] == "G6"]
    assert g6["message"] == "三级指标权重合计为 无，应为 90（各指标均未填写权重/分值）"
    _, out, _ = run_pbm("--lang", "en", "validate", path, "--format", "json", cwd=tmp_path)
    [g6] = [f for f in json.loads(out)["findings"] if f["code"] == "G6"]
    assert g6["message"] == "indicator weights add up to nothing; expected 90 (no indicator has a weight)"


def test_prior_assessment_threshold_is_inclusive_and_configurable(tmp_path, run_pbm):
    at = good_project("新建项目", code="N1", attribute="新增项目", total=200, fiscal=200, other=0,
                      prior_assessment=None)
    below = good_project("小项目", code="N2", attribute="新增项目", total=199.99, fiscal=199.99,
                         other=0, prior_assessment=None)
    done = good_project("已评估", code="N3", attribute="新增项目", total=500, fiscal=500, other=0,
                        prior_assessment="已开展")
    path = write_form_workbook(tmp_path / "p.xlsx", [at, below, done])
    _, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    flagged = {f["project"] for f in data["findings"] if f["code"] == "G-PRIOR-ASSESSMENT"}
    assert flagged == {"新建项目"}


def test_prior_assessment_amount_from_pbm_toml(workspace, run_pbm):
    config = workspace / "pbm.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "prior_assessment_amount = 200", "prior_assessment_amount = 100"), encoding="utf-8")
    spec = good_project("中型项目", attribute="新增项目", total=150, fiscal=150, other=0,
                        prior_assessment=None)
    path = write_form_workbook(workspace / "goals" / "g.xlsx", [spec])
    _, data, _ = _validate_json(run_pbm, path, cwd=workspace)
    assert any(f["code"] == "G-PRIOR-ASSESSMENT" for f in data["findings"])


def test_amounts_in_yuan_header_are_converted_and_said(tmp_path, run_pbm):
    spec = good_project(total=1500000, fiscal=1200000, other=300000)
    spec.money_header_unit = "元"
    path = write_form_workbook(tmp_path / "yuan.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    converted = [f for f in data["findings"] if f["code"] == "R-UNIT-CONVERTED"]
    assert {f["cell"] for f in converted} >= {"B8", "D8", "F8"}
    assert data["projects"][0]["amount"] == 150


def test_an_amount_in_scientific_notation_is_written_out_and_said(tmp_path, run_pbm):
    # "1.5E+02" as text: what a narrow General-format column shows and a CSV saved from it keeps.
    spec = good_project(total="1.5E+02", fiscal=120, other=30)
    spec.indicators[0].target = "≥2.66E+02"
    path = write_form_workbook(tmp_path / "sci.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    assert data["projects"][0]["amount"] == 150
    assert not {c for c, _ in _codes(data)} & {"R-UNPARSEABLE", "G12", "G3"}
    [finding] = [f for f in data["findings"] if f["code"] == "V-SCIENTIFIC"]
    assert (finding["cell"], finding["severity"]) == ("B8", "warning")
    assert "150" in finding["message"]


def test_a_star_inside_a_real_target_is_no_placeholder(tmp_path, run_pbm):
    spec = good_project()
    spec.indicators[4].target = "实现7*24小时应急响应"  # 定性; the value parser keeps it as text
    path = write_form_workbook(tmp_path / "star.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    assert not {c for c, _ in _codes(data)} & {"G4", "R-PLACEHOLDER"}


def test_amounts_in_thousand_yuan_are_not_read_as_yuan(tmp_path, run_pbm):
    spec = good_project(total=1500, fiscal=1200, other=300)
    spec.money_header_unit = "千元"  # 金额单位：千元 — ends with 元, means 1000 元
    path = write_form_workbook(tmp_path / "qian.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    assert data["projects"][0]["amount"] == 150
    assert any(f["code"] == "R-UNIT-CONVERTED" for f in data["findings"])


def test_a_negative_amount_is_said_as_monitor_says_it(tmp_path, run_pbm):
    spec = good_project(total=150, fiscal=170, other=-20)
    path = write_form_workbook(tmp_path / "neg.xlsx", [spec])
    _, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    negative = [f for f in data["findings"] if f["code"] == "V-NEGATIVE"]
    assert len(negative) == 1 and negative[0]["severity"] == "warning"


def test_amount_that_only_makes_sense_in_yuan_is_flagged(tmp_path, run_pbm):
    spec = good_project(total=6800000, fiscal=6800000, other=0)
    path = write_list_workbook(tmp_path / "l.xlsx", [spec])
    _, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert ("G-MONEY-IN-YUAN", "F3") in _codes(data)


def test_full_width_digits_and_synonyms_are_accepted(tmp_path, run_pbm):
    spec = good_project()
    spec.indicators[1].target = "≥９５％"
    spec.indicators[4].level2 = "环境效益指标"  # older synonym of 生态效益指标
    path = write_form_workbook(tmp_path / "fw.xlsx", [spec])
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    assert not {c for c, _ in _codes(data)} & {"G3", "G-LEVEL2"}


def test_list_layout_with_total_row_and_goal_list_output(tmp_path, run_pbm):
    path = write_list_workbook(tmp_path / "l.xlsx", [good_project(), good_project("二", code="P2")],
                               total_row=True)
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    assert code == 0
    assert data["summary"]["projects"] == 2 and data["summary"]["indicators"] == 12
    out = tmp_path / "pbm-out" / "goals-2026.xlsx"
    assert out.exists()
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["项目", "指标", "问题", "说明"]
    projects = list(workbook["项目"].iter_rows(values_only=True))
    assert projects[0][:4] == ("文件", "工作表", "项目编码", "项目名称")
    assert [row[3] for row in projects[1:]] == ["乡村道路养护项目", "二"]
    indicators = list(workbook["指标"].iter_rows(values_only=True))
    assert len(indicators) == 13
    assert indicators[1][2] == "M3"  # provenance of the 三级指标 cell
    # A number cell 266 reads back as Excel shows it, never as Python's "266.0".
    assert (indicators[1][8], indicators[1][10]) == ("日常养护里程", "266")


def test_strict_fails_on_warnings(tmp_path, run_pbm):
    spec = good_project()
    spec.indicators[0].weight = 30
    path = write_form_workbook(tmp_path / "w.xlsx", [spec])
    code, _, _ = run_pbm("validate", path, "--strict", "--quiet", cwd=tmp_path)
    assert code == 1


def test_annotated_copy_marks_cells_and_keeps_the_input(tmp_path, run_pbm):
    path = write_form_workbook(tmp_path / "bad.xlsx", [_spoiled()])
    before = path.read_bytes()
    code, data, _ = _validate_json(run_pbm, path, cwd=tmp_path, extra=("--annotate",))
    assert code == 1
    assert path.read_bytes() == before  # the input is never modified
    annotated = tmp_path / "pbm-out" / "annotated" / "bad-审核意见.xlsx"
    workbook = openpyxl.load_workbook(annotated)
    assert workbook.sheetnames[0] == "问题清单"
    sheet = workbook["项目1"]
    assert "G4" in sheet["E12"].comment.text
    assert sheet["E12"].fill.fgColor.rgb.endswith("FFC7CE")
    listing = list(workbook["问题清单"].iter_rows(values_only=True))
    assert listing[0][:3] == ("序号", "严重程度", "代码")
    assert len(listing) - 1 == sum(1 for f in data["findings"] if f["file"] == "bad.xlsx")


def test_annotated_copies_of_files_with_the_same_name_are_kept_apart(tmp_path, run_pbm):
    # goals/a/目标.xlsx and goals/b/目标.xlsx, and ｘ目标 / x目标 (equal once widths are
    # normalised): one annotated copy per input, each with its own department's data
    goals = tmp_path / "goals"
    names = {"a/目标.xlsx": "甲局", "b/目标.xlsx": "乙局", "ｘ目标.xlsx": "丙局", "x目标.xlsx": "丁局"}
    for name, department in names.items():
        spec = _spoiled()
        spec.department = department
        (goals / name).parent.mkdir(parents=True, exist_ok=True)
        write_form_workbook(goals / name, [spec])
    code, data, _ = _validate_json(run_pbm, goals, cwd=tmp_path, extra=("--annotate",))
    assert code == 1
    assert len(data["outputs"]) == 5  # the goal list and one copy per input
    copies = sorted((tmp_path / "pbm-out" / "annotated").glob("*.xlsx"))
    assert len(copies) == 4
    departments = set()
    for copy in copies:
        sheet = openpyxl.load_workbook(copy)["项目1"]
        departments |= {cell for row in sheet.iter_rows(values_only=True) for cell in row
                        if cell in names.values()}
    assert departments == set(names.values())


def test_a_goal_list_that_cannot_be_placed_leaves_the_annotated_copies_as_they_were(
        tmp_path, run_pbm):
    # out/goals-<year>.xlsx taken by a folder: the run fails before any rename, so the
    # previous copies are neither replaced nor pruned (no new copies beside an old list)
    goals = tmp_path / "goals"
    goals.mkdir()
    write_form_workbook(goals / "目标.xlsx", [_spoiled()])
    code, data, _ = _validate_json(run_pbm, goals, cwd=tmp_path, extra=("--annotate",))
    assert code == 1
    out = tmp_path / "pbm-out"
    [listed] = [Path(p) for p in data["outputs"] if "annotated" not in p]
    before = {p.name: p.read_bytes() for p in (out / "annotated").glob("*.xlsx")}
    assert before
    (out / listed.name).unlink()
    (out / listed.name).mkdir()
    spec = _spoiled()
    spec.department = "另一局"
    write_form_workbook(goals / "目标.xlsx", [spec])
    code, out_text, err = run_pbm("validate", str(goals), "--annotate", cwd=tmp_path)
    assert code == 2, out_text + err
    assert {p.name: p.read_bytes() for p in (out / "annotated").glob("*.xlsx")} == before


def test_json_output_matches_the_findings_schema(tmp_path, run_pbm):
    import jsonschema

    from pbm.resources import load_schema

    path = write_form_workbook(tmp_path / "bad.xlsx", [_spoiled()])
    _, data, _ = _validate_json(run_pbm, path, cwd=tmp_path)
    jsonschema.validate(data, load_schema("findings"))


def test_english_messages(tmp_path, run_pbm):
    path = write_form_workbook(tmp_path / "bad.xlsx", [_spoiled()])
    code, out, _ = run_pbm("--lang", "en", "validate", path, "--format", "json", cwd=tmp_path)
    assert code == 1  # the spoiled project has errors
    data = json.loads(out)
    g4 = next(f for f in data["findings"] if f["code"] == "G4")
    assert "placeholder" in g4["message"]


@pytest.mark.parametrize("layout", ["form", "list"])
def test_output_is_byte_comparable_between_runs_apart_from_time(tmp_path, run_pbm, layout):
    writer = write_form_workbook if layout == "form" else write_list_workbook
    path = writer(tmp_path / "g.xlsx", [_spoiled()])
    run_pbm("validate", path, "--quiet", cwd=tmp_path)
    first = openpyxl.load_workbook(tmp_path / "pbm-out" / "goals-2026.xlsx")
    rows_first = {name: list(first[name].iter_rows(values_only=True)) for name in first.sheetnames}
    run_pbm("validate", path, "--quiet", cwd=tmp_path)
    second = openpyxl.load_workbook(tmp_path / "pbm-out" / "goals-2026.xlsx")
    rows_second = {name: list(second[name].iter_rows(values_only=True)) for name in second.sheetnames}
    drop_time = lambda rows: [r for r in rows if r[0] != "生成时间"]  # noqa: E731
    rows_first["说明"], rows_second["说明"] = drop_time(rows_first["说明"]), drop_time(rows_second["说明"])
    assert rows_first == rows_second


def test_terminal_lists_the_projects_needing_work_when_a_workbook_has_hundreds(tmp_path, run_pbm):
    specs = [good_project(f"项目{i:03d}", code=f"P{i:03d}") for i in range(130)]
    specs[7].annual_goal = None          # G-REQUIRED 年度目标: grade 差
    specs[120].indicators[0].target = "≥**人"  # G4: grade 中
    path = write_list_workbook(tmp_path / "many.xlsx", specs)
    code, out, _ = run_pbm("validate", path, "--quiet", cwd=tmp_path)
    assert code == 1
    listed = [line for line in out.splitlines() if line.strip().startswith("▸")]
    assert [line.split("·")[1].split()[0] for line in listed] == ["项目007", "项目120"]
    assert "另有 128 个项目未逐个列出（共 130 个" in out
    # every project is still in the workbook
    workbook = openpyxl.load_workbook(tmp_path / "pbm-out" / "goals-2026.xlsx", read_only=True)
    assert workbook["项目"].max_row == 131


def test_one_nature_table_knows_the_zhibiao_spellings():
    """正向指标/反向指标/定性指标/定量指标 as vendor templates write them, for validate and
    monitor as for score."""
    from pbm.indicators import normalise_nature

    assert [normalise_nature(t) for t in ("正向指标", "反向指标", "定性指标", "定量指标", "≧")] == \
        ["≥", "≤", "定性", "定量", "≥"]


def test_checking_one_resubmitted_file_keeps_the_approved_goal_list(workspace, run_pbm):
    # The list monitor compares against is built from all of goals/; re-checking one file
    # must not replace it with that one department (every other would become M-DRIFT).
    write_form_workbook(workspace / "goals" / "101-交通运输局.xlsx", [good_project()])
    write_form_workbook(workspace / "goals" / "102-民政局.xlsx",
                        [good_project("养老服务补贴", code="P2", department="民政局")])
    code, _, _ = run_pbm("validate", "goals/", "--quiet", cwd=workspace)
    assert code in (0, 1)
    approved = workspace / "out" / "goals-2026.xlsx"
    before = approved.read_bytes()
    code, _, err = run_pbm("validate", "goals/102-民政局.xlsx", "--quiet", cwd=workspace)
    assert code in (0, 1)
    assert approved.read_bytes() == before
    partial = workspace / "out" / "goals-2026-单独检查.xlsx"
    names = [r[3] for r in openpyxl.load_workbook(partial)["项目"].iter_rows(min_row=2,
                                                                          values_only=True)]
    assert names == ["养老服务补贴"] and "未改动" in err
    # Every file of goals/ named one by one (a shell's goals/*.xlsx) is the whole list again.
    code, _, _ = run_pbm("validate", "goals/101-交通运输局.xlsx", "goals/102-民政局.xlsx",
                         "--quiet", cwd=workspace)
    names = [r[3] for r in openpyxl.load_workbook(approved)["项目"].iter_rows(min_row=2,
                                                                           values_only=True)]
    assert sorted(names) == ["乡村道路养护项目", "养老服务补贴"]


def test_rechecking_one_file_never_overwrites_the_copy_of_another_of_the_same_name(workspace,
                                                                                   run_pbm):
    # a full run names the copies of goals/a/目标.xlsx and goals/b/目标.xlsx apart; rechecking
    # b alone (单独检查) writes b's copy under its own name, a's copy stays a's
    import hashlib

    for folder, department in (("a", "甲局"), ("b", "乙局")):
        spec = _spoiled()
        spec.department = department
        (workspace / "goals" / folder).mkdir(parents=True, exist_ok=True)
        write_form_workbook(workspace / "goals" / folder / "目标.xlsx", [spec])
    code, _, err = run_pbm("validate", "goals/", "--annotate", cwd=workspace)
    assert code == 1, err
    annotated = workspace / "out" / "annotated"

    def department_of(copy):
        sheet = openpyxl.load_workbook(copy)["项目1"]
        return {cell for row in sheet.iter_rows(values_only=True) for cell in row
                if cell in ("甲局", "乙局")}

    first, second = annotated / "目标-审核意见.xlsx", annotated / "目标-审核意见-2.xlsx"
    assert department_of(first) == {"甲局"} and department_of(second) == {"乙局"}
    before = hashlib.sha256(first.read_bytes()).hexdigest()
    code, _, err = run_pbm("validate", "goals/b/目标.xlsx", "--annotate", cwd=workspace)
    assert code == 1, err
    assert hashlib.sha256(first.read_bytes()).hexdigest() == before
    assert department_of(second) == {"乙局"}
