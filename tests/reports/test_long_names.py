"""Names that file systems refuse: 90 emoji are 360 UTF-8 bytes, over the 255 a file name may
hold. pbm's file names are cut by bytes, so one department's name never stops the others."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest
from test_report_context import write_goals

EMOJI = "😀" * 90


def _goals_with(path: Path, department: str) -> Path:
    write_goals(path)
    book = openpyxl.load_workbook(path)
    for row in book["项目"].iter_rows():
        for cell in row:
            if cell.value == "../../etc":
                cell.value = department
    book.save(path)
    return path


@pytest.mark.parametrize("fmt", ["docx", "md", "html"])
def test_a_department_of_90_emoji_gets_its_letter(workspace, run_pbm, fmt):
    _goals_with(workspace / "out" / "goals-2026.xlsx", EMOJI)
    code, out, err = run_pbm("report", "goals", "--format", fmt, "--json", cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["documents"] == 3
    for document in data["documents"]:
        path = Path(document["path"])
        assert path.is_file() and len(path.name.encode("utf-8")) <= 255
    [odd] = [d for d in data["documents"] if d["department"] == EMOJI]
    assert Path(odd["path"]).name.startswith("😀")


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self is a folder no one may write")
def test_an_output_folder_that_cannot_be_written_is_said_in_json(tmp_path, run_pbm):
    from tests.real_like import CityProject, write_city_goal_forms

    path = write_city_goal_forms(tmp_path / "申报表.xlsx", [CityProject("社区工作站经费")])
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", "/proc/self",
                             cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    data = json.loads(out)
    [failed] = [f for f in data["findings"] if f["code"] == "CLI-WRITE-FAILED"]
    assert failed["file"] == "/proc/self"
