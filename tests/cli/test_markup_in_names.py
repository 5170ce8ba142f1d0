"""Names that look like rich markup (``x[/]y.xlsx``, ``[@click=a(]``, ``[limits]``) print as
they are written: no MarkupError traceback, nothing eaten."""

from __future__ import annotations

import pytest

from tests.real_like import CityProject, write_city_goal_forms


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_file_name_with_markup_prints_as_written(tmp_path, run_pbm, command):
    folder = tmp_path / "x["
    folder.mkdir()
    broken = folder / "]y.xlsx"  # x[/]y.xlsx
    broken.write_bytes(b"not a workbook")
    code, out, err = run_pbm(command, broken, "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 2 and "Traceback" not in out + err and "MarkupError" not in out + err
    assert "x[/]y.xlsx" in err


def test_a_click_tag_in_a_name_is_not_swallowed(tmp_path, run_pbm):
    path = write_city_goal_forms(tmp_path / "x[@click=a(]y.xlsx", [CityProject("社区工作站经费")])
    code, out, err = run_pbm("validate", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert code in (0, 1), err
    assert "x[@click=a(]y.xlsx" in out


def test_a_limit_named_in_brackets_is_printed(tmp_path, run_pbm):
    path = write_city_goal_forms(tmp_path / "大.xlsx", [CityProject("社区工作站经费")])
    (tmp_path / "pbm.toml").write_text("[limits]\nmax_file_mb = 0.001\n", encoding="utf-8")
    code, _, err = run_pbm("validate", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert code == 2
    assert "[limits]" in err
