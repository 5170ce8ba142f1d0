"""Load the sampling population from any project list: pbm's own outputs (monitor 项目 sheet,
validate/score 项目 sheets) or a user workbook with 项目编码/项目名称/主管部门/金额.

Rows are dicts keyed by the column names the user sees (so ``--must "灯色==红"`` works) plus
the four keys the selector relies on: 项目编码, 项目名称, 主管部门, 金额 (Decimal, 万元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.values import parse_money
from pbm.workbook.fields import field_titles
from pbm.workbook.reader import ProjectRecord, SheetRead, read_workbook
from pbm.workbook.source import Limits

AMOUNT_FIELDS = ("total_funds", "adjusted_budget", "initial_budget")
PREFERRED_SHEETS = ("项目", "项目得分", "样本")


@dataclass
class Population:
    file: str
    sheet: str
    sha256: str
    rows: list[dict[str, Any]]


def load_population(path: Path, limits: Limits = Limits(), display: str | None = None) -> Population:
    # pbm's own outputs also carry a 指标 sheet of every indicator row: not parsed here.
    read = read_workbook(path, limits=limits, display=display, only=PREFERRED_SHEETS)
    sheets = [s for s in read.sheets if s.projects]
    if not sheets:
        raise PbmError("SAMPLE-NO-PROJECTS", file=read.file)
    sheet = next((s for name in PREFERRED_SHEETS for s in sheets if s.name == name), sheets[0])
    rows = [_row(project, sheet) for project in sheet.projects]
    return Population(read.file, sheet.name, read.sha256, rows)


def _row(project: ProjectRecord, sheet: SheetRead) -> dict[str, Any]:
    titles = field_titles("project")
    row: dict[str, Any] = {}
    for name, cell in project.fields.items():
        header = sheet.headers.get(cell.col) or titles.get(name, name)
        row[header] = cell.value
    for header, cell in project.extra.items():
        row[header] = cell.value
    row["项目编码"] = project.text("project_code")
    row["项目名称"] = project.name
    row["主管部门"] = project.department
    row["金额"] = _amount(project)
    return row


def _amount(project: ProjectRecord) -> Decimal | None:
    for name in AMOUNT_FIELDS:
        cell = project.fields.get(name)
        if cell is None or cell.empty:
            continue
        unit = project.units.get(name) or project.units.get("money")
        parsed = parse_money(cell.value, to_unit="万元", header_unit=unit)
        if parsed.number is not None:
            return parsed.number
    return None


def newest_project_list(out_dir: Path, year: int) -> Path | None:
    """The workspace's newest merged project list: monitor output, else validated goals."""
    monitors = sorted(out_dir.glob("monitor-*.xlsx"), key=lambda p: p.stat().st_mtime, reverse=True)
    if monitors:
        return monitors[0]
    goals = out_dir / f"goals-{year}.xlsx"
    if goals.exists():
        return goals
    others = sorted(out_dir.glob("goals-*.xlsx"), key=lambda p: p.stat().st_mtime, reverse=True)
    return others[0] if others else None


_YEAR = re.compile(r"sample-(\d{4})")


def sampled_codes(paths: list[Path], limits: Limits = Limits()) -> set[str]:
    """Project codes (else names) in earlier sample records — the rotation list."""
    codes: set[str] = set()
    for path in paths:
        population = load_population(path, limits)
        for row in population.rows:
            codes.add(row["项目编码"] or row["项目名称"])
    return codes


def history_records(history_dir: Path, year: int) -> list[Path]:
    """Records of the previous year in out/history/ (rotation: not sampled two years running)."""
    if not history_dir.is_dir():
        return []
    return sorted(p for p in history_dir.glob("sample-*.xlsx")
                  if (m := _YEAR.search(p.name)) and int(m.group(1)) == year - 1)
