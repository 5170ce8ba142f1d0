"""Control characters in names reach the terminal escaped: ``ESC[2J`` or an OSC title in a
project name, a line break in a file name that would forge a line of pbm's own."""

from __future__ import annotations

import sys

import pytest

from tests.real_like import CityProject, write_city_goal_forms


@pytest.mark.skipif(sys.platform != "linux", reason="a file name may hold a line break")
def test_a_line_break_and_escape_in_a_file_name_are_shown_escaped(tmp_path, run_pbm):
    folder = tmp_path / "goals"
    folder.mkdir()
    write_city_goal_forms(folder / "a\nFAKE: all ok\x1b[2J.xlsx", [CityProject("社区工作站经费")])
    code, out, err = run_pbm("validate", folder, "--out", tmp_path / "out", cwd=tmp_path)
    assert code in (0, 1), err
    printed = out + err
    assert "\x1b" not in printed  # not a terminal: pbm prints no escape code of its own either
    assert "\nFAKE: all ok" not in printed and "a\\nFAKE: all ok\\x1b[2J.xlsx" in printed


def test_escape_sequences_in_a_project_name_are_shown_escaped(tmp_path, run_pbm):
    path = write_city_goal_forms(tmp_path / "申报表.xlsx",
                                 [CityProject("经费\x1bc\x1b(0FAKE\x07项目")])  # reset, charset, bell
    code, out, err = run_pbm("validate", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert code in (0, 1), err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1bc" in out + err
