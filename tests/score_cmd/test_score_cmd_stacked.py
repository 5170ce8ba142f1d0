"""Two national 自评表 forms pasted one below the other in one sheet: each project is scored
from its own money block and its own 总分 (national 自评表 layout), never the other form's."""

from __future__ import annotations

import openpyxl

from tests.score_cmd.score_cmd_helpers import line, project, project_of, score_json, write
from tests.workbook.stacking import stack_sheets


def test_each_pasted_form_has_its_own_money_block_and_total(tmp_path, run_pbm):
    first = project("教师培训", [line("培训人数", "≥500", 520, 90, 90)], budget=860,
                    executed=847.1, execution_score=10, total=100)
    second = project("校舍维修改造", [line("维修面积", "≥2000", 1500, 90, 67.5)], budget=420,
                     executed=403.2, execution_score=9.6, total=77.1)
    forms = write(tmp_path, "自评", [first, second], "form")
    names = [n for n in openpyxl.load_workbook(forms).sheetnames if n != "填报说明"]
    sheets = [(forms, name) for name in names[:2]]
    folder = tmp_path / "self-eval"
    folder.mkdir()
    stack_sheets(folder / "两张自评表.xlsx", sheets, title="自评表")
    _, data, err = score_json(run_pbm, str(folder), cwd=tmp_path)
    assert len(data["projects"]) == 2, err
    repair = project_of(data, "校舍维修改造")
    assert (repair["budget"], repair["executed"]) == (420, 403.2)
    assert repair["claimed_total"] == 77.1
    training = project_of(data, "教师培训")
    assert (training["budget"], training["executed"]) == (860, 847.1)
    assert training["claimed_total"] == 100
