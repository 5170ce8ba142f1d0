"""``out/indicators-<year>.xlsx``: 指标库, 历年, 覆盖率, 说明 (headers from
:mod:`pbm.workbook.outputs`); a sheet longer than Excel holds goes to Parquet beside it, and
``--parquet`` writes every sheet beside the workbook as Parquet too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pbm.library.build import Library, where
from pbm.library.rates import TOTAL
from pbm.values import percent_text as percent
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    INDICATOR_COVERAGE,
    INDICATOR_HISTORY,
    INDICATOR_LIBRARY,
    tool_text,
)

#: A 指标库 or 历年 table of more rows goes to Parquet beside the workbook (its sheet says
#: where): a workbook of a million rows is slow to write and to open, and no one reads it in
#: Excel — DuckDB or pandas read the Parquet.
LARGE_ROWS = 100_000
#: At most this many departments / project codes are listed in one cell (the count is beside).
LISTED = 30


def _listed(items: set[str]) -> str:
    names = sorted(items)
    shown = "、".join(names[:LISTED])
    return shown + (f" 等 {len(names)} 个" if len(names) > LISTED else "")


def library_rows(library: Library) -> list[list[Any]]:
    core = library.core
    rows = []
    entries = sorted(library.entries.values(), key=lambda e: (
        not e.common, -len(e.departments), e.level1, e.level2, e.key))
    for entry in entries:
        texts = core.indicators[entry.key].texts if core is not None and entry.key in core \
            else {}
        rows.append([entry.level1, entry.level2, entry.name, entry.key,
                     "通用" if entry.common else "部门", "是" if entry.core else "否",
                     entry.unit, entry.direction, len(entry.departments),
                     _listed(entry.departments), len(entry.projects),
                     _listed(entry.projects), "、".join(str(y) for y in sorted(entry.years)),
                     entry.uses, *(texts.get(k, "") for k in ("definition", "method", "source",
                                                               "basis", "suggested"))])
    return rows


def history_rows(library: Library):
    """The 历年 rows, one at a time (a million of them go to Parquet without a list)."""
    for line in library.lines:
        yield [line.level1, line.level2, line.name, line.key, line.code, line.project,
               line.department, line.year, line.direction, line.unit, line.target, line.actual,
               line.monitored, where(line.target_at), where(line.actual_at)]


def coverage_rows(library: Library) -> list[list[Any]]:
    rows = []
    for year in sorted(library.projects, reverse=True):
        for rates in library.rates(year):
            rows.append([year, rates.scope, rates.projects, rates.indicators, rates.quantified,
                         _float(rates.quantified_rate), rates.core_projects,
                         _float(rates.core_project_rate), float(rates.budget),
                         float(rates.core_budget), _float(rates.core_budget_rate)])
    return rows


def _float(value) -> float | None:
    return None if value is None else float(value)


def about_rows(library: Library, command: str) -> list[list[Any]]:
    entries = library.entries.values()
    core = library.core
    rows: list[list[Any]] = [
        [ABOUT_TOOL, tool_text()], ["命令", command],
        ["生成时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")],
        ["年度", library.year], ["包含年度", "、".join(str(y) for y in library.years) or "无"],
        ["指标数", len(library.entries)],
        ["通用指标数", sum(1 for e in entries if e.common)],
        ["通用指标标准", f"至少 {library.common_min_departments} 个主管部门使用"],
        ["核心指标库", f"{core.path.name}（{core.sheet}，{len(core)} 个指标）" if core is not None
         else "未提供（核心指标覆盖率按通用指标计算）"],
    ]
    for rates in library.rates(library.year):
        if rates.scope == TOTAL:
            rows.append(["指标量化率", f"{percent(rates.quantified_rate)}（{rates.quantified}/"
                                   f"{rates.indicators}）"])
            rows.append(["核心指标覆盖率（项目）", f"{percent(rates.core_project_rate)}"
                                          f"（{rates.core_projects}/{rates.projects}）"])
            rows.append(["核心指标覆盖率（资金）", percent(rates.core_budget_rate)])
    for path in library.sources:
        rows.append(["来源", str(path)])
    return rows


def indicator_sheets(library: Library, command: str):
    from pbm.workbook.writer import Sheet

    percent_format = "0.00%"
    return [
        Sheet(INDICATOR_LIBRARY.sheet, INDICATOR_LIBRARY.headers(), library_rows(library),
              widths={2: 30, 3: 30, 9: 40, 11: 40, 14: 40, 15: 30},
              row_fills=None),
        Sheet(INDICATOR_HISTORY.sheet, INDICATOR_HISTORY.headers(),
              [] if len(library.lines) > LARGE_ROWS else list(history_rows(library)),
              widths={2: 30, 3: 30, 5: 30, 13: 50, 14: 50}),
        Sheet(INDICATOR_COVERAGE.sheet, INDICATOR_COVERAGE.headers(), coverage_rows(library),
              number_formats={5: percent_format, 7: percent_format, 8: "#,##0.00",
                              9: "#,##0.00", 10: percent_format}),
        Sheet(ABOUT.sheet, ABOUT.headers(), about_rows(library, command),
              widths={0: 22, 1: 90}, autofilter=False),
    ]


def write_library(library: Library, out_dir: Path, command: str, parquet: bool = False
                  ) -> list[Path]:
    """``indicators-<year>.xlsx`` (and the tables beside it), staged and published as one set."""
    from pbm.workbook.writer import output_lock, sheet_beside, staged_outputs, write_xlsx

    written: list[Path] = []
    with output_lock(out_dir), staged_outputs(out_dir) as staged:
        target = staged.folder / f"indicators-{library.year}.xlsx"
        kept = []
        for sheet in indicator_sheets(library, command):
            count = len(library.lines) if sheet.name == INDICATOR_HISTORY.sheet \
                else len(sheet.rows)
            large = count > LARGE_ROWS and sheet.name != ABOUT.sheet
            if (parquet and sheet.name != ABOUT.sheet) or large:
                rows = history_rows(library) if sheet.name == INDICATOR_HISTORY.sheet \
                    else sheet.rows
                table, note = sheet_beside(target, sheet.name, sheet.columns, rows,
                                           f"本表共 {count:,} 行，已另存为 {{table}}")
                written.append(table)
                if large:
                    sheet = note
            kept.append(sheet)
        written.insert(0, write_xlsx(target, kept, apart=written))
        written = [staged.final(path) for path in written]
    return [written[0], *sorted(written[1:], key=lambda path: path.name)]
