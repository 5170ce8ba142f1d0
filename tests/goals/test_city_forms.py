"""Goal forms as a city budget system exports them (tests/real_like.py): what a reviewer
would sign — the indicators the forms hold, counted exactly; no finding on a row that says
不适用; the fields the forms label their own way found."""

from __future__ import annotations

import json

from tests.real_like import CityProject, write_city_goal_forms


def _validate(run_pbm, path, cwd):
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", cwd / "out", cwd=cwd)
    assert code in (0, 1), err
    return json.loads(out)


def test_rows_that_say_not_applicable_are_no_indicators(tmp_path, run_pbm):
    odd = CityProject("物业后勤经费", not_applicable="不适用\t")
    typo = CityProject("档案管理经费", not_applicable="不适应")
    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [CityProject("社区工作站经费"), odd,
                                                          typo])
    data = _validate(run_pbm, path, tmp_path)
    assert data["summary"]["indicators"] == 3 * 6  # six filled rows a form, four say 不适用
    assert [p["indicators"] for p in data["projects"]] == [6, 6, 6]
    # rows 16, 18, 19 and 21 of each sheet say 不适用: no rule speaks of them
    rows_na = {"16", "18", "19", "21"}
    on_na = [f for f in data["findings"] if f["cell"] and f["cell"][1:] in rows_na]
    assert on_na == []
    notes = [f for f in data["findings"] if f["code"] == "R-NOT-INDICATOR-ROWS"]
    assert len(notes) == 3 and all("16、18、19、21" in f["message"] for f in notes)
    assert not any(f["code"] == "G-DUPLICATE" for f in data["findings"])
