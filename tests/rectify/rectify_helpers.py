"""A workspace with two departments' goal forms, reviewed and sent their letters."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from pbm.workbook.forms import IndicatorSpec
from tests.builders import good_project, write_form_workbook

LETTER_DATE = "2026-03-05"
DEADLINE = "2026-04-04"  # + rectification_days 30 of the preset


def education(**fixes) -> object:
    """教育局's project: G2 (no 计量单位) at F12 and G3 (指标值 高) at E13 unless fixed."""
    project = good_project("智慧校园建设", code="P2026002", department="教育局",
                           department_code="101")
    if not fixes.get("unit"):
        project.indicators[0] = IndicatorSpec("产出指标", "数量指标", "建成智慧教室", "≥", 120,
                                              None, 20)
    if not fixes.get("value"):
        project.indicators[1] = IndicatorSpec("产出指标", "质量指标", "合格率", "≥", "高", "%", 20)
    return project


def health(fixed: bool = False) -> object:
    """卫健委's project: G2 at F12 unless fixed."""
    project = good_project("基层医疗设备购置", code="P2026003", department="卫健委",
                           department_code="102")
    if not fixed:
        project.indicators[0] = IndicatorSpec("产出指标", "数量指标", "购置设备", "≥", 30, None, 20)
    return project


def write_goals(folder: Path, projects: dict[str, list], sheet_names=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, specs in projects.items():
        write_form_workbook(folder / name, specs, sheet_names=(sheet_names or {}).get(name))


def issue_letters(run_pbm, workspace: Path) -> None:
    write_goals(workspace / "goals", {"101-教育局.xlsx": [education()],
                                      "102-卫健委.xlsx": [health()],
                                      "105-交通运输局.xlsx": [good_project()]})
    code, _, err = run_pbm("validate", "goals/", cwd=workspace)
    assert code == 1, err
    code, out, err = run_pbm("report", "goal-review", "--format", "md", "--date", LETTER_DATE,
                             cwd=workspace)
    assert code == 0, out + err


def ledger_rows(path: Path, sheet: str = "整改台账") -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def fill(path: Path, replies: dict[str, tuple], target: Path | None = None) -> Path:
    """The ledger with 整改措施/完成情况/佐证材料 typed in for some ids."""
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        ident = row[header.index("问题编号")].value
        if ident in replies:
            for column, value in zip(("整改措施", "完成情况", "佐证材料"), replies[ident]):
                row[header.index(column)].value = value
    book.save(target or path)
    return target or path


def set_cells(path: Path, ident: str, values: dict[str, str]) -> None:
    """Type ``values`` (column → text) into the ledger row of problem ``ident``, as a person
    editing the ledger would."""
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("问题编号")].value == ident:
            for column, value in values.items():
                row[header.index(column)].value = value
    book.save(path)


def reply_sheet(path: Path, header: list[str], rows: list[tuple], title: str | None = None,
                sheet: str = "整改回复") -> Path:
    """A department's own reply sheet: maybe a title row, its own columns and order."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path
