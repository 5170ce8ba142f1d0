"""Reading input workbooks on realistic files: form layout with merged cells, list layout,
CSV, legacy .xls; what each project and line holds, with provenance."""

from __future__ import annotations

import xlsxwriter

from pbm.workbook.read import read_workbook
from tests.builders import good_project, write_csv, write_form_workbook, write_list_workbook


def test_form_layout_fields_indicators_and_provenance(tmp_path):
    path = write_form_workbook(tmp_path / "交通.xlsx", [good_project()])
    workbook = read_workbook(path, display="交通.xlsx")
    sheet = next(s for s in workbook.sheets if s.name == "项目1")
    assert sheet.layout == "form"
    [project] = sheet.projects
    assert project.name == "乡村道路养护项目"
    assert project.fields["project_name"].a1 == "B3"
    assert project.fields["department"].value == "交通运输局"
    assert project.fields["total_funds"].value == 150
    assert project.fields["total_funds"].a1 == "B8"
    assert project.fields["fiscal_funds"].a1 == "D8"
    assert project.fields["implementing_unit"].value == "县公路养护中心"
    assert project.title == "2026年项目支出绩效目标申报表"
    assert project.line_count == 6
    table, second = project.table, project.start + 1
    # 一级指标 is merged vertically over four rows: filled down, provenance kept at A12.
    assert table.cell("level1", second).value == "产出指标"
    assert table.cell("level1", second).a1 == "A12"
    assert table.carried_fields(second) == {"level1"}
    assert table.cell("target", second).a1 == "E13"
    assert table.cell("target", second).value == "85%"


def test_instruction_and_hidden_sheets_are_skipped_with_info(tmp_path):
    path = write_form_workbook(tmp_path / "f.xlsx", [good_project()], hidden=good_project("作废"))
    workbook = read_workbook(path)
    assert [p.name for p in workbook.projects] == ["乡村道路养护项目"]
    skipped = [f for f in workbook.all_findings if f.code == "R-SHEET-SKIPPED"]
    assert {f.sheet for f in skipped} == {"填报说明", "旧版"}
    assert all(f.severity == "info" for f in skipped)


def test_list_layout_groups_rows_by_project_and_recognises_total(tmp_path):
    projects = [good_project(), good_project("危桥改造", code="P2026002")]
    path = write_list_workbook(tmp_path / "list.xlsx", projects, total_row=True)
    workbook = read_workbook(path)
    [sheet] = workbook.sheets
    assert sheet.layout == "list"
    assert sheet.header_row == 2
    assert [p.name for p in workbook.projects] == ["乡村道路养护项目", "危桥改造"]
    assert [p.line_count for p in workbook.projects] == [6, 6]
    kinds = {a.row: a.kind for a in sheet.accounts}
    assert kinds[1] == "title" and kinds[2] == "header" and kinds[15] == "total"
    assert sum(1 for k in kinds.values() if k == "indicator") == 12
    assert workbook.projects[1].fields["project_code"].a1 == "A9"
    assert workbook.projects[0].units["total_funds"] == "万元"


def test_two_row_merged_header_below_a_title_at_row_12(tmp_path):
    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("导出")
    sheet.merge_range(0, 0, 2, 7, "某县2026年项目支出绩效目标表（预算管理一体化系统导出）")
    for r in range(3, 11):
        sheet.write_string(r, 0, f"说明行{r}：本表由系统导出")  # text above the table
    top = 11  # header starts on row 12
    for col, text in enumerate(["项目编码", "项目名称", "主管部门", "资金总额(万元)"]):
        sheet.merge_range(top, col, top + 1, col, text)
    sheet.merge_range(top, 4, top, 6, "绩效指标")
    for col, text in zip((4, 5, 6), ("一级指标", "二级指标", "三级指标")):
        sheet.write_string(top + 1, col, text)
    sheet.write_string(top + 1, 7, "指标值")
    sheet.write_row(top + 2, 0, ["X001", "农村饮水", "水利局", 480, "产出指标", "数量指标", "受益人口", "≥52000人"])
    sheet.write_row(top + 3, 0, ["X001", "农村饮水", "水利局", 480, None, "质量指标", "水质达标率", "≥95%"])
    workbook.close()
    read = read_workbook(path)
    [project] = read.projects
    assert read.sheets[0].header_row == 13
    assert project.name == "农村饮水"
    assert project.fields["total_funds"].value == 480
    table = project.table
    assert [table.text("name", line) for line in project.lines] == ["受益人口", "水质达标率"]
    assert table.text("level1", project.start + 1) == "产出指标"  # blank 一级 filled down
    assert table.a1("target", project.start + 1) == "H15"


def test_gbk_csv_is_detected_and_read(tmp_path):
    path = write_csv(tmp_path / "应急.csv", [good_project("应急物资储备")], encoding="gbk")
    read = read_workbook(path)
    [project] = read.projects
    assert project.name == "应急物资储备"
    assert project.department == "交通运输局"
    assert project.line_count == 6
    assert project.table.a1("name", project.start) == "M2"


def test_utf8_csv_with_bom(tmp_path):
    path = write_csv(tmp_path / "u.csv", [good_project("城乡低保")], encoding="utf-8-sig")
    assert read_workbook(path).projects[0].name == "城乡低保"


def test_every_nonempty_row_is_accounted_for(tmp_path):
    path = write_form_workbook(tmp_path / "f.xlsx", [good_project()])
    read = read_workbook(path)
    sheet = next(s for s in read.sheets if s.name == "项目1")
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("项目1") \
        .to_python(skip_empty_area=False)
    nonempty = [i + 1 for i, row in enumerate(rows) if any(v not in ("", None) for v in row)]
    assert [a.row for a in sheet.accounts] == nonempty
    assert sum(1 for a in sheet.accounts if a.kind == "indicator") == 6


def test_total_and_instruction_rows_get_info_findings(tmp_path):
    path = write_list_workbook(tmp_path / "t.xlsx", [good_project()], total_row=True,
                               extra_rows=[["注：本表金额单位为万元"]])
    read = read_workbook(path)
    notes = [(f.code, f.cell, f.severity) for f in read.all_findings]
    assert ("R-NON-DATA-ROW", "A9", "info") in notes    # 注：… row
    assert ("R-NON-DATA-ROW", "A10", "info") in notes   # 合计 row
    assert read.projects[0].line_count == 6


def test_legacy_xls_with_merged_cells(tmp_path):
    import xlwt  # a real BIFF8 .xls as older budget systems export

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("目标表")
    sheet.write_merge(0, 0, 0, 8, "2026年项目支出绩效目标表")
    for col, text in enumerate(["项目名称", "主管部门", "资金总额(万元)", "一级指标", "二级指标", "三级指标",
                                "指标值", "计量单位", "权重"]):
        sheet.write(1, col, text)
    sheet.write_merge(2, 3, 0, 0, "农村饮水安全")   # project name merged over its two rows
    sheet.write_merge(2, 3, 1, 1, "水利局")
    sheet.write_merge(2, 3, 2, 2, 480)
    sheet.write_merge(2, 3, 3, 3, "产出指标")
    for row, values in ((2, ["数量指标", "受益人口", "≥52000", "人", 50]),
                        (3, ["质量指标", "水质达标率", "≥95%", "%", 40])):
        for offset, value in enumerate(values):
            sheet.write(row, 4 + offset, value)
    path = tmp_path / "旧系统导出.xls"
    workbook.save(str(path))
    read = read_workbook(path)
    [project] = read.projects
    assert project.name == "农村饮水安全" and project.fields["total_funds"].value == 480
    table = project.table
    assert [table.text("name", line) for line in project.lines] == ["受益人口", "水质达标率"]
    assert table.text("level1", project.start + 1) == "产出指标"
    assert table.a1("target", project.start + 1) == "G4"


def test_key_value_row_right_above_the_grid_stays_a_project_field(tmp_path):
    path = tmp_path / "kv.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("评分表")
    sheet.write_row(0, 0, ["项目名称", "农村公路养护", "主管部门", "交通运输局"])
    sheet.write_row(1, 0, ["评价组", None, "评价人", "张三"])  # group left blank
    sheet.write_row(2, 0, ["一级指标", "二级指标", "三级指标", "分值", "得分"])
    sheet.write_row(3, 0, ["决策", "项目立项", "立项依据充分性", 5, 4])
    workbook.close()
    read = read_workbook(path)
    [project] = read.projects
    assert read.sheets[0].layout == "form" and read.sheets[0].header_row == 3
    assert project.fields["evaluator"].value == "张三"
    assert project.table.text("name", project.start) == "立项依据充分性"
    assert not project.table.has("evaluator")


def test_a_title_merged_across_the_top_does_not_make_project_columns_fill_down(tmp_path):
    """A project list whose second project leaves 主管部门 blank: blank stays blank (only a
    cell merged down over data rows repeats the value above)."""
    import xlsxwriter

    from pbm.workbook.forms import write_list_table
    from pbm.workbook.read import read_workbook

    path = tmp_path / "projects.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_list_table(workbook, "项目", ["项目编码", "项目名称", "主管部门", "资金总额(万元)"],
                     [["P1", "校舍维修", "教育局", 120], ["P2", "道路养护", None, 80]],
                     title="2026年项目清单")
    workbook.close()
    projects = {p.text("project_code"): p for p in read_workbook(path).projects}
    assert projects["P1"].department == "教育局"
    assert projects["P2"].department == ""


def test_a_total_row_with_a_zero_width_space_is_still_a_total_row(tmp_path):
    import xlsxwriter

    from pbm.workbook.forms import write_list_table
    from pbm.workbook.read import read_workbook

    path = tmp_path / "projects.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_list_table(workbook, "项目", ["项目编码", "项目名称", "主管部门", "资金总额(万元)"],
                     [["P1", "校舍维修", "教育局", 120], ["合\u200b计", None, None, 120]])
    workbook.close()
    sheet = read_workbook(path).sheets[0]
    assert [p.text("project_code") for p in sheet.projects] == ["P1"]
    assert [r.kind for r in sheet.accounts if r.row == 3] == ["total"]


def test_only_reads_the_named_sheets_when_the_workbook_has_them(tmp_path):
    """pbm sample reads 项目 of a goals-<year>.xlsx, not its 100,000-row 指标 sheet."""
    import xlsxwriter

    from pbm.workbook.forms import write_list_table
    from pbm.workbook.read import read_workbook

    path = tmp_path / "goals-2026.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_list_table(workbook, "项目", ["项目编码", "项目名称", "主管部门"], [["P1", "校舍维修", "教育局"]])
    write_list_table(workbook, "指标", ["项目编码", "项目名称", "三级指标", "指标值"],
                     [["P1", "校舍维修", "维修面积", 1200]])
    workbook.close()
    assert [s.name for s in read_workbook(path, only=("项目", "样本")).sheets] == ["项目"]
    assert [s.name for s in read_workbook(path, only=("样本",)).sheets] == ["项目", "指标"]


def test_a_table_column_holds_what_each_cell_holds(tmp_path):
    """The columns of an IndicatorTable give, for every line, the cell's own value: merged
    一级/二级 filled down from the cell above (with that cell's address), a formula without a
    cached value blank, "" blank, a field the table lacks None."""
    import openpyxl
    import python_calamine

    form_path = write_form_workbook(tmp_path / "表式.xlsx", [good_project()])
    list_path = write_list_workbook(tmp_path / "清单.xlsx", [
        good_project(), good_project("校舍维修项目", code="P2026002")])
    path = tmp_path / "公式.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目名称", "主管部门", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
                  "计量单位", "权重"])
    sheet.append(["道路养护", "交通运输局", "产出指标", "数量指标", "养护里程", "≥", "=B5*2", "公里", 20])
    sheet.append(["道路养护", "交通运输局", None, None, "路面合格率", "≥", "", "%", 20])
    book.save(path)

    names = ("level1", "level2", "name", "nature", "target", "unit", "weight", "note", "actual")
    for source in (form_path, list_path, path):
        grids = {name: python_calamine.CalamineWorkbook.from_path(str(source))
                 .get_sheet_by_name(name).to_python(skip_empty_area=False)
                 for name in python_calamine.CalamineWorkbook.from_path(str(source)).sheet_names}
        read = read_workbook(source)
        lines = [(project.table, line) for project in read.projects for line in project.lines]
        assert lines
        for table, line in lines:
            for name in names:
                cell = table.cell(name, line)
                if cell is None:
                    assert table.value(name, line) is None
                    continue
                raw = grids[table.sheet][cell.row - 1][cell.col - 1]
                assert cell.value == (None if raw == "" or str(raw).startswith("=") else raw)

    form = read_workbook(form_path).projects[0]
    carried = [line for line in form.lines if "level1" in form.table.carried_fields(line)]
    assert carried and form.table.a1("level1", carried[0]) == "A12"  # the merged cells anchor
    first, second = read_workbook(path).projects[0].lines
    table = read_workbook(path).projects[0].table
    assert table.value("target", first) is None  # =B5*2 was saved without a value
    assert [table.value(name, second) for name in ("level1", "level2")] == ["产出指标", "数量指标"]
    assert table.value("target", second) is None and table.value("note", second) is None


def test_the_column_and_row_of_a_cell_address():
    from pbm.workbook.table import a1_parts

    assert [a1_parts(a1) for a1 in ("G13", "AB1048576", "A1:B2", "第 3 行", "G0", "")] == \
        [("G", 13), ("AB", 1048576), None, None, None, None]
