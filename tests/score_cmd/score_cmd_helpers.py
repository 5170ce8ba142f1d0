"""Shared builders for the `pbm score` tests: self-evaluation workbooks written with pbm's own
form/list writers (pbm.scoring.forms), so every test reads a file a unit could have sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pbm.scoring.forms import SelfEvalIndicator, SelfEvalSpec, write_self_eval_workbook

LAYOUTS = ("form", "list")
# Where the form writer and the list writer put things (1-based rows, A1 columns).
FORM_FIRST_ROW = 13  # the indicator header is row 12
LIST_FIRST_ROW = 3  # title row 1, header row 2
COLUMNS = {"form": {"actual": "E", "score": "G"}, "list": {"actual": "N", "score": "Q"}}


def line(name: str, target: Any, actual: Any, weight: Any, score: Any = None, *,
         level1: str = "产出指标", level2: str = "数量指标", nature: str | None = None,
         unit: str | None = None) -> SelfEvalIndicator:
    return SelfEvalIndicator(level1=level1, level2=level2, name=name, target=target,
                             actual=actual, weight=weight, score=score, nature=nature, unit=unit)


def qual(name: str, outcome: str, weight: Any, score: Any = None) -> SelfEvalIndicator:
    return line(name, "有效提升", outcome, weight, score, level1="效益指标",
                level2="社会效益指标", nature="定性")


def project(name: str, lines: list[SelfEvalIndicator], *, budget: Any = 200,
            executed: Any = 186.5, execution_score: Any = None, total: Any = None,
            code: str | None = None, department: str = "教育局",
            unit: str = "教师发展中心") -> SelfEvalSpec:
    return SelfEvalSpec(name=name, code=code or f"C-{name}", department=department, unit=unit,
                        initial_budget=budget, budget=budget, executed=executed,
                        execution_score=execution_score, indicators=lines, total=total)


def write(folder: Path, filename: str, specs: list[SelfEvalSpec], layout: str) -> Path:
    path = folder / f"{filename}-{layout}.xlsx"
    return write_self_eval_workbook(path, specs, layout=layout, title="2026年度项目支出绩效自评汇总表"
                                    if layout == "list" else None)


def score_json(run_pbm, *args, cwd: Path):
    code, out, err = run_pbm("score", *args, "--format", "json", "--out", cwd / "out", cwd=cwd)
    return code, json.loads(out), err


def lines_of(data: dict, project_name: str) -> dict[str, dict]:
    return {row["name"]: row for row in data["indicators"] if row["project"] == project_name}


def project_of(data: dict, name: str) -> dict:
    [found] = [p for p in data["projects"] if p["name"] == name]
    return found


def findings_of(data: dict, project_name: str | None = None) -> set[tuple[str, str | None]]:
    return {(f["code"], f["cell"]) for f in data["findings"]
            if project_name is None or f["project"] == project_name}


def line_cell(layout: str, column: str, index: int, first_row: int | None = None) -> str:
    """A1 of the ``index``-th (0-based) indicator line of the first project."""
    start = first_row or (FORM_FIRST_ROW if layout == "form" else LIST_FIRST_ROW)
    return f"{COLUMNS[layout][column]}{start + index}"
