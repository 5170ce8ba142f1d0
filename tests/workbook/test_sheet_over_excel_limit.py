"""A sheet of an output with more rows than Excel holds (a 1,048,576-row goal list gives more
indicator and finding lines than one sheet takes) goes to Parquet beside the workbook, its
sheet saying where (#19 item 9) — instead of an "Excel write error" after minutes of work.
The limit is lowered here: a sheet of a million rows takes minutes to build."""

from __future__ import annotations

import json

import openpyxl
import pyarrow.parquet as pq
import pytest

from tests.builders import good_project, write_list_workbook
from tests.score_cmd.score_cmd_helpers import line, project, write


@pytest.fixture
def small_excel(monkeypatch):
    import pbm.workbook.writer as writer

    monkeypatch.setattr(writer, "EXCEL_MAX_ROWS", 30)


def _note(path, sheet: str) -> str:
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    assert rows[0] == ("说明",) and len(rows) == 2
    return rows[1][0]


@pytest.mark.parametrize("engine", ["auto", "xlsxwriter"])
def test_validate_puts_an_indicator_list_too_long_for_excel_beside_the_workbook(
        tmp_path, run_pbm, small_excel, monkeypatch, engine):
    if engine == "xlsxwriter":
        monkeypatch.setenv("PBM_XLSX_ENGINE", "xlsxwriter")
    projects = [good_project(f"项目{i}", code=f"P{i:03d}") for i in range(8)]
    path = write_list_workbook(tmp_path / "目标.xlsx", projects)
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", tmp_path / "out",
                             cwd=tmp_path)
    assert code in (0, 1), err
    data = json.loads(out)
    indicators = data["summary"]["indicators"]
    assert indicators > 30
    workbook, table = tmp_path / "out" / "goals-2026.xlsx", tmp_path / "out" / "goals-2026-指标.parquet"
    assert data["outputs"] == [str(workbook), str(table)]
    assert "goals-2026-指标.parquet" in _note(workbook, "指标") and f"{indicators:,} 行" in \
        _note(workbook, "指标")
    read = pq.read_table(table)
    assert read.num_rows == indicators
    assert "三级指标" in read.column_names
    assert sorted(set(read.column("项目名称").to_pylist())) == [f"项目{i}" for i in range(8)]
    projects_sheet = list(openpyxl.load_workbook(workbook, read_only=True)["项目"].values)
    assert len(projects_sheet) == 9  # within the limit: stays in the workbook


def test_score_puts_its_indicator_sheet_beside_the_workbook(tmp_path, run_pbm, small_excel):
    specs = [project(f"项目{i}", [line(f"指标{k}", "≥100", 100, 10, 10) for k in range(9)],
                     execution_score=10, total=100) for i in range(4)]
    path = write(tmp_path, "自评", specs, "list")
    code, out, err = run_pbm("score", path, "--format", "json", "--out", tmp_path / "out",
                             cwd=tmp_path)
    assert code in (0, 1), err
    data = json.loads(out)
    table = tmp_path / "out" / "scores-2026-指标得分.parquet"
    assert str(table) in data["outputs"]
    assert pq.read_table(table).num_rows == 36
    assert "scores-2026-指标得分.parquet" in _note(tmp_path / "out" / "scores-2026.xlsx", "指标得分")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".~pbm-")]
