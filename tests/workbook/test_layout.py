"""The layout of a sheet (pbm.workbook.layout and its list and form parts): what every row is,
where each project's lines and fields are, the labels of its fields, and the small tables of a
自评表 form as regions — on workbooks written the way departments fill them."""

from __future__ import annotations

import xlsxwriter

from pbm.scoring.forms import SelfEvalIndicator, SelfEvalSpec, write_self_eval_workbook
from pbm.workbook.layout import Grid, classify_text_row, lay_out, text_row_kinds
from pbm.workbook.read import read_workbook
from pbm.workbook.source import Limits, open_workbook
from tests.builders import good_project, write_form_workbook, write_list_workbook


def _self_eval(name="教师培训", *, layout="form", score=None, total=None):
    lines = [SelfEvalIndicator("产出指标", "数量指标", "培训人次", 500, 480, 20, 19.2),
             SelfEvalIndicator("产出指标", "质量指标", "合格率", "≥95%", "96%", 20, 20),
             SelfEvalIndicator("效益指标", "社会效益指标", "教学质量", "有效提升", "达成", 30, 27,
                               nature="定性"),
             SelfEvalIndicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "92%", 20, 20)]
    return SelfEvalSpec(name=name, code="C-1", department="教育局", unit="教师发展中心",
                        initial_budget=200, budget=200, executed=186.5, execution_score=score,
                        indicators=lines, total=total)


def test_a_lists_rows_each_have_their_kind_and_project(tmp_path):
    path = write_list_workbook(tmp_path / "清单.xlsx",
                               [good_project(), good_project("危桥改造", code="P2026002")],
                               total_row=True, extra_rows=[["注：金额单位为万元"]])
    [sheet] = read_workbook(path).sheets
    kinds = [(a.row, a.kind, a.project) for a in sheet.accounts]
    assert kinds[:2] == [(1, "title", None), (2, "header", None)]
    assert kinds[2:8] == [(r, "indicator", "乡村道路养护项目") for r in range(3, 9)]
    assert kinds[8:14] == [(r, "indicator", "危桥改造") for r in range(9, 15)]
    assert {(kind, project) for _, kind, project in kinds[14:]} == \
        {("instruction", None), ("total", None)}


def test_a_list_fields_labels_are_its_headers_and_a_forms_its_label_cells(tmp_path):
    listed = read_workbook(write_list_workbook(tmp_path / "l.xlsx", [good_project()]))
    label = listed.projects[0].labels["total_funds"]
    assert (label.value, label.a1) == ("资金总额(万元)", "F2")
    form = next(p for p in read_workbook(write_form_workbook(tmp_path / "f.xlsx",
                                                              [good_project()])).projects)
    label = form.labels["total_funds"]
    assert label.a1 == "A8" and "资金总额" in label.value
    assert form.fields["total_funds"].a1 == "B8"


def test_the_money_block_and_the_total_row_of_a_self_evaluation_form(tmp_path):
    path = write_self_eval_workbook(tmp_path / "自评.xlsx", [_self_eval(score=9.33, total=95)])
    [project] = [p for p in read_workbook(path).projects if p.line_count]
    money = project.money
    assert money is not None
    assert {role: cell.value for role, cell in money.cells.items()
            if role in ("initial_budget", "budget", "executed", "score")} == \
        {"initial_budget": 200, "budget": 200, "executed": 186.5, "score": 9.33}
    assert set(money.columns) >= {"budget", "executed", "weight", "rate", "score"}
    assert project.total is not None and project.total.value == 95
    assert project.total.col == project.table.columns["score"]  # in the 得分 column


def test_a_blank_execution_score_is_no_claim_but_keeps_its_address(tmp_path):
    path = write_self_eval_workbook(tmp_path / "自评.xlsx", [_self_eval(score=None, total=None)])
    [project] = [p for p in read_workbook(path).projects if p.line_count]
    assert "score" not in project.money.cells and "score" in project.money.columns
    assert project.total is not None and project.total.value is None


def test_forms_pasted_in_one_sheet_have_their_own_regions(tmp_path):
    from tests.workbook.stacking import stack_sheets

    path = write_self_eval_workbook(tmp_path / "两张.xlsx", [_self_eval(total=95),
                                                           _self_eval("营养餐", total=88)])
    stacked, _ = stack_sheets(tmp_path / "一页.xlsx", [(path, "项目1"), (path, "项目2")], gap=2)
    first, second = read_workbook(stacked).projects
    assert (first.name, second.name) == ("教师培训", "营养餐")
    assert (first.total.value, second.total.value) == (95, 88)
    assert first.money.cells["budget"].row < second.first_row < second.money.cells["budget"].row


def test_rows_judged_by_their_leading_cells_together_as_one_by_one(tmp_path):
    """The batch classification of a list's rows gives what each row gives on its own."""
    path = tmp_path / "混合.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("清单")
    sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "三级指标", "指标值"])
    rows = [["P1", "校舍维修", "教育局", "维修面积", 1200],
            ["P1", "校舍维修", "教育局", "验收合格率", "100%"],
            ["合计", None, None, None, 1300],
            [None, "其中：中央资金", None, None, 800],
            ["注：本表金额单位为万元"],
            ["P2", "合计养护", "交通局", "里程", 266],      # a trigger word inside a name
            [None, None, "交通局", "路况", "良好"],          # a blank lead
            ["填表人：张三", None, "联系人：李四"],
            ["小计", "全部项目", "教育局", None, 2500],       # three filled leading cells
            ["注：1.", "数据截至9月底", "单位：万元"]]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.close()
    grid = Grid(open_workbook(path).sheets[0])
    body = list(range(1, len(rows) + 1))
    one_by_one = {r: kind for r in body if (kind := classify_text_row(grid, r)) is not None}
    assert text_row_kinds(grid, body) == one_by_one
    assert one_by_one == {3: "total", 4: "sub-item", 5: "instruction", 8: "instruction",
                          9: "total", 10: "instruction"}


def test_a_header_repeated_mid_sheet_is_a_header_row(tmp_path):
    path = write_list_workbook(tmp_path / "两份.xlsx", [good_project()])
    from tests.workbook.stacking import stack_sheets

    stacked, (_, offset) = stack_sheets(tmp_path / "合并.xlsx", [(path, "项目绩效目标"),
                                                               (path, "项目绩效目标")], gap=1)
    layout = lay_out(open_workbook(stacked).sheets[0], "合并.xlsx", Limits())
    header = offset + 1  # the second copy's title, then its header (0-based rows)
    assert layout.kinds[offset] == "title" and layout.kinds[header] == "header"
    [block] = layout.blocks
    assert [len(p.lines) for p in block.projects] == [12]  # the same project, twice
