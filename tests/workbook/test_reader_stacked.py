"""Two exports pasted together: form-layout projects one below the other in one sheet (one
project per block), and a list whose header is repeated mid-sheet (a header row, not a
project).  Every row is accounted to its own block's project (no row is lost)."""

from __future__ import annotations

import xlsxwriter

from pbm.workbook.forms import GOAL_LIST_COLUMNS, list_rows
from pbm.workbook.read import read_workbook
from tests.builders import good_project, write_form_workbook, write_list_workbook
from tests.workbook.stacking import stack_sheets


def _nonempty_rows(path, sheet_name):
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet_name) \
        .to_python(skip_empty_area=False)
    return [i + 1 for i, row in enumerate(rows) if any(v not in ("", None) for v in row)]


def _two_goal_forms(tmp_path, second=None, *, gap=2):
    second = second or good_project("危桥改造工程", code="P2026002", total=260, fiscal=260,
                                    other=0, attribute="新增项目")
    forms = write_form_workbook(tmp_path / "forms.xlsx", [good_project(), second],
                                instructions=False)
    return stack_sheets(tmp_path / "合并一页.xlsx", [(forms, "项目1"), (forms, "项目2")], gap=gap)


def test_two_forms_pasted_in_one_sheet_are_two_projects_with_their_own_cells(tmp_path):
    path, (_, off) = _two_goal_forms(tmp_path)
    assert off == 22
    read = read_workbook(path)
    [sheet] = read.sheets
    assert sheet.layout == "form"
    first, second = sheet.projects
    assert (first.name, second.name) == ("乡村道路养护项目", "危桥改造工程")
    assert first.fields["project_name"].a1 == "B3"
    assert second.fields["project_name"].a1 == "B25"
    assert second.fields["project_code"].value == "P2026002"
    assert second.fields["total_funds"].value == 260 and second.fields["total_funds"].a1 == "B30"
    assert second.fields["attribute"].value == "新增项目"
    assert first.fields["total_funds"].value == 150
    assert second.title == "2026年项目支出绩效目标申报表" and second.first_row == 23
    assert second.units.get("money") == "万元"
    assert [p.line_count for p in sheet.projects] == [6, 6]
    # Provenance in the second block: real cells, 一级指标 filled down from its own merge.
    assert second.table.a1("name", 0) == "C34"
    assert second.table.cell("level1", 1).a1 == "A34"
    assert second.table.text("level1", 1) == "产出指标"
    # Every non-empty row accounted, each to its own block's project; nothing "outside".
    assert [a.row for a in sheet.accounts] == _nonempty_rows(path, "申报表")
    owner = {a.row: a.project for a in sheet.accounts}
    kinds = {a.row: a.kind for a in sheet.accounts}
    assert all(owner[r] == "乡村道路养护项目" for r in range(1, 21) if r in owner)
    assert all(owner[r] == "危桥改造工程" for r in range(23, 43) if r in owner)
    assert kinds[23] == "title" and kinds[33] == "header"
    assert kinds[19] == "field" and kinds[20] == "field"  # 审核意见/填报日期 of project 1
    assert "outside" not in kinds.values()
    assert sum(1 for k in kinds.values() if k == "indicator") == 12
    notes = [(f.code, f.severity, f.cell, f.project) for f in read.all_findings]
    assert ("R-FORM-SPLIT", "info", "B25", "危桥改造工程") in notes


def test_three_forms_pasted_without_blank_rows_between_them(tmp_path):
    forms = write_form_workbook(tmp_path / "forms.xlsx",
                                [good_project(), good_project("危桥改造工程", code="P2"),
                                 good_project("农村客运补贴", code="P3")], instructions=False)
    path, offsets = stack_sheets(tmp_path / "三个.xlsx",
                                 [(forms, "项目1"), (forms, "项目2"), (forms, "项目3")], gap=0)
    sheet = read_workbook(path).sheets[0]
    assert [p.name for p in sheet.projects] == ["乡村道路养护项目", "危桥改造工程", "农村客运补贴"]
    assert [p.line_count for p in sheet.projects] == [6, 6, 6]
    assert [p.first_row for p in sheet.projects] == [off + 1 for off in offsets]
    third = sheet.projects[2]
    assert third.fields["project_name"].a1 == f"B{offsets[2] + 3}"
    # 填报日期 of the second block is the last row before the third title: it stays there.
    owner = {a.row: a.project for a in sheet.accounts}
    assert owner[offsets[2]] == "危桥改造工程" and owner[offsets[2] + 1] == "农村客运补贴"
    assert "outside" not in {a.kind for a in sheet.accounts}


def test_a_form_pasted_right_below_the_last_indicator_row(tmp_path):
    """No tail, no blank row: the next title ends the grid (it is no indicator row)."""
    path = tmp_path / "紧贴.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("监控")
    row = 0
    for name, code in (("校舍维修", "P1"), ("营养餐", "P2")):
        sheet.merge_range(row, 0, row, 5, "2026年项目支出绩效运行监控表（1-9月）")
        sheet.write_row(row + 1, 0, ["填报单位（盖章）：", None, None, None, "金额单位：万元"])
        sheet.write_row(row + 2, 0, ["项目名称", name, "项目编码", code])
        sheet.write_row(row + 3, 0, ["主管部门", "教育局", "1-9月执行数", 60])
        sheet.write_row(row + 4, 0, ["一级指标", "二级指标", "三级指标", "年度指标值", "计量单位",
                                     "1-9月完成值"])
        sheet.write_row(row + 5, 0, ["产出指标", "数量指标", "维修面积", 1200, "平方米", 900])
        sheet.write_row(row + 6, 0, [None, "质量指标", "验收合格率", "100%", "%", 100])
        row += 7
    workbook.close()
    read = read_workbook(path)
    first, second = read.projects
    assert (first.name, second.name) == ("校舍维修", "营养餐")
    assert [i.text("name") for i in first.indicator_lines()] == ["维修面积", "验收合格率"]
    assert [i.a1("name") for i in second.indicator_lines()] == ["C13", "C14"]
    assert second.indicator_lines()[1].cell("level1").a1 == "A13"   # not the first block's A6
    assert second.fields["executed"].a1 == "D11"
    kinds = {a.row: (a.kind, a.project) for a in read.sheets[0].accounts}
    assert kinds[8] == ("title", "营养餐")
    assert kinds[9] == ("field", "营养餐")


def test_a_key_value_block_without_grid_then_a_form_with_one(tmp_path):
    path = tmp_path / "无表.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("目标")
    sheet.write_row(0, 0, ["项目名称", "应急物资储备", "主管部门", "应急管理局"])
    sheet.write_row(1, 0, ["资金总额(万元)", 80])
    sheet.write_row(3, 0, ["项目名称", "防汛演练", "主管部门", "应急管理局"])
    sheet.write_row(4, 0, ["资金总额(万元)", 30])
    sheet.write_row(5, 0, ["一级指标", "二级指标", "三级指标", "指标值", "权重"])
    sheet.write_row(6, 0, ["产出指标", "数量指标", "演练次数", "≥2次", 30])
    workbook.close()
    first, second = read_workbook(path).projects
    assert (first.name, first.fields["total_funds"].value, first.line_count) == \
        ("应急物资储备", 80, 0)
    assert (second.name, second.fields["total_funds"].a1, second.line_count) == \
        ("防汛演练", "B5", 1)


def test_a_tail_after_the_grid_without_a_new_project_name_joins_the_project(tmp_path):
    path = tmp_path / "尾部.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("监控")
    sheet.write_row(0, 0, ["项目名称", "校舍维修", "主管部门", "教育局"])
    sheet.write_row(1, 0, ["一级指标", "二级指标", "三级指标", "年度指标值", "1-9月完成值"])
    sheet.write_row(2, 0, ["产出指标", "数量指标", "维修面积", 1200, 900])
    sheet.write_row(4, 0, ["完成目标可能性", "确定能"])
    sheet.write_row(5, 0, ["主管部门审核意见", "同意"])
    sheet.write_row(6, 0, ["填报日期", "2026-10-08"])
    workbook.close()
    read = read_workbook(path)
    [project] = read.projects
    assert project.fields["possibility"].a1 == "B5"
    assert project.fields["review_opinion"].value == "同意"
    assert project.fields["version"].a1 == "B7"
    assert {a.project for a in read.sheets[0].accounts} == {"校舍维修"}
    assert not [f for f in read.all_findings if f.code.startswith("R-FORM")]


def test_the_same_project_pasted_twice_is_not_split_but_said_with_its_cell(tmp_path):
    path, _ = _two_goal_forms(tmp_path, good_project())
    read = read_workbook(path)
    [project] = read.projects
    assert len(project.indicator_lines()) == 6
    [warning] = [f for f in read.all_findings if f.code == "R-FORM-UNSPLIT"]
    assert (warning.severity, warning.cell, warning.params["row"]) == ("warning", "B25", 25)
    assert "相同" in warning.message("zh")
    # The rows are still accounted, not dropped.
    assert [a.row for a in read.sheets[0].accounts] == _nonempty_rows(path, "申报表")


def test_a_second_grid_without_a_project_name_is_said_with_its_cell(tmp_path):
    path = tmp_path / "两表.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("目标")
    sheet.write_row(0, 0, ["项目名称", "校舍维修", "主管部门", "教育局"])
    sheet.write_row(1, 0, ["一级指标", "二级指标", "三级指标", "指标值", "权重"])
    sheet.write_row(2, 0, ["产出指标", "数量指标", "维修面积", "≥1200平方米", 30])
    sheet.write_row(4, 0, ["完成目标可能性", "确定能"])
    sheet.write_row(6, 0, ["一级指标", "二级指标", "三级指标", "指标值", "权重"])
    sheet.write_row(7, 0, ["效益指标", "社会效益指标", "安全隐患消除", "有效消除", 30])
    workbook.close()
    read = read_workbook(path)
    [project] = read.projects
    assert len(project.indicator_lines()) == 1
    [warning] = [f for f in read.all_findings if f.code == "R-FORM-UNSPLIT"]
    assert (warning.cell, warning.project) == ("A7", "校舍维修")


# --------------------------------------------------------------------------- list layout

def test_a_header_repeated_mid_sheet_is_a_header_row_not_a_project(tmp_path):
    road, bridge = good_project(), good_project("危桥改造", code="P2026002")
    again = [[], ["2026年部门项目绩效目标汇总表（续）"], list(GOAL_LIST_COLUMNS), *list_rows(bridge)]
    path = write_list_workbook(tmp_path / "两次导出.xlsx", [road], extra_rows=again)
    read = read_workbook(path)
    [sheet] = read.sheets
    assert [p.name for p in sheet.projects] == ["乡村道路养护项目", "危桥改造"]
    assert [p.line_count for p in sheet.projects] == [6, 6]
    kinds = {a.row: (a.kind, a.project) for a in sheet.accounts}
    assert kinds[10] == ("title", None) and kinds[11] == ("header", None)
    assert kinds[12] == ("indicator", "危桥改造")
    assert sheet.projects[1].fields["project_code"].a1 == "A12"
    assert sheet.projects[1].indicator_lines()[0].a1("name") == "M12"
    notes = {(f.code, f.cell, f.severity): f for f in read.all_findings}
    assert ("R-NON-DATA-ROW", "A11", "info") in notes
    assert ("R-NON-DATA-ROW", "A10", "info") in notes
    assert "表头" in notes[("R-NON-DATA-ROW", "A11", "info")].message("zh")
    assert [a.row for a in sheet.accounts] == _nonempty_rows(path, "项目绩效目标")


def test_a_two_row_merged_header_repeated_mid_sheet(tmp_path):
    path = tmp_path / "两行表头.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("导出")

    def header(top):
        for col, text in enumerate(["项目编码", "项目名称", "主管部门"]):
            sheet.merge_range(top, col, top + 1, col, text)
        sheet.merge_range(top, 3, top, 5, "绩效指标")
        sheet.write_row(top + 1, 3, ["一级指标", "二级指标", "三级指标"])
        sheet.merge_range(top, 6, top + 1, 6, "指标值")

    header(0)
    sheet.write_row(2, 0, ["X1", "农村饮水", "水利局", "产出指标", "数量指标", "受益人口", "≥52000人"])
    sheet.write_row(3, 0, ["X1", "农村饮水", "水利局", None, "质量指标", "水质达标率", "≥95%"])
    header(4)
    sheet.write_row(6, 0, ["X2", "河道清淤", "水利局", None, "数量指标", "清淤长度", "≥12公里"])
    workbook.close()
    read = read_workbook(path)
    assert [p.name for p in read.projects] == ["农村饮水", "河道清淤"]
    second = read.projects[1]
    assert [i.text("name") for i in second.indicator_lines()] == ["清淤长度"]
    assert second.indicator_lines()[0].text("level1") == ""   # not filled down across the header
    kinds = {a.row: a.kind for a in read.sheets[0].accounts}
    assert (kinds[5], kinds[6]) == ("header", "header")
