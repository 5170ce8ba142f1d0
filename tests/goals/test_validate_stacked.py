"""``pbm validate`` on two exports pasted together: goal forms one below the other in one sheet
(each project reviewed on its own cells) and a list whose header is repeated mid-sheet (no
fake project named 项目名称)."""

from __future__ import annotations

import json

from pbm.workbook.forms import GOAL_LIST_COLUMNS, list_rows
from tests.builders import good_project, write_form_workbook, write_list_workbook
from tests.workbook.stacking import stack_sheets


def _validate(run_pbm, path, cwd):
    code, out, err = run_pbm("validate", path, "--format", "json", cwd=cwd)
    return code, json.loads(out), err


def test_two_goal_forms_in_one_sheet_are_reviewed_separately(tmp_path, run_pbm):
    new = good_project("智慧校园建设", code="P2026004", attribute="新增项目", total=260, fiscal=234,
                       other=26, prior_assessment=None)
    forms = write_form_workbook(tmp_path / "forms.xlsx", [good_project(), new], instructions=False)
    path, (_, off) = stack_sheets(tmp_path / "合并一页.xlsx", [(forms, "项目1"), (forms, "项目2")])
    code, data, err = _validate(run_pbm, path, tmp_path)
    assert code == 1, err
    assert [(p["name"], p["indicators"]) for p in data["projects"]] == \
        [("乡村道路养护项目", 6), ("智慧校园建设", 6)]
    errors = [(f["code"], f["cell"], f["project"]) for f in data["findings"]
              if f["severity"] == "error"]
    assert errors == [("G-PRIOR-ASSESSMENT", f"B{off + 7}", "智慧校园建设")]


def test_a_header_repeated_mid_list_is_no_project(tmp_path, run_pbm):
    first, second = good_project(), good_project("危桥改造", code="P2026002")
    path = write_list_workbook(tmp_path / "两次导出.xlsx", [first],
                               extra_rows=[[], list(GOAL_LIST_COLUMNS), *list_rows(second)])
    code, data, err = _validate(run_pbm, path, tmp_path)
    assert code == 0, err
    assert [p["name"] for p in data["projects"]] == ["乡村道路养护项目", "危桥改造"]
    assert data["summary"]["errors"] == 0
    [note] = [f for f in data["findings"] if f["code"] == "R-NON-DATA-ROW"]
    assert (note["cell"], note["severity"]) == ("A10", "info")
