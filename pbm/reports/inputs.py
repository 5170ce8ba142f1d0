"""Read pbm's own output workbooks back for the documents.

Sheets are found by their declared NAME and columns by their declared HEADER
(:mod:`pbm.workbook.outputs`, the same declarations the writers use), never by position, so a
column added by a later pbm version (or a user) does not shift anything.  A missing workbook,
sheet or column is not an error here: the document says 无/— and the caller gets a warning
finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pbm.findings import Finding
from pbm.workbook.department import DEPARTMENT_MARK
from pbm.workbook.outputs import RECHECK_SUFFIX, OutputSheet, OutputTable, read_output

#: Source groups: which pbm command writes the workbook, and its file name pattern.
SOURCE_PATTERNS = {
    "goals": "goals-*.xlsx",
    "monitor": "monitor-*.xlsx",
    "sample": "sample-*.xlsx",
    "scores": "scores-*.xlsx",
    "rectification": "rectification.xlsx",  # the 整改台账 (pbm report, pbm rectify)
}


@dataclass
class OutputWorkbook:
    """A pbm output workbook: its sheets by name, plus findings about what was missing."""

    path: Path
    sheets: dict[str, OutputTable]
    findings: list[Finding] = field(default_factory=list)
    # What the document kinds derive from the sheets, built once per run (not once per kind,
    # which also repeated the missing-sheet findings).
    derived: dict[Any, Any] = field(default_factory=dict, repr=False)

    def table(self, name: str, *, required: bool = True) -> OutputTable | None:
        table = self.sheets.get(name)
        if table is None and required:
            self.findings.append(Finding("REPORT-SHEET-MISSING", file=self.path.name,
                                         sheet=name, params={"sheet": name}))
        return table

    def rows(self, name: str, *, required: bool = True) -> list[dict[str, Any]]:
        table = self.table(name, required=required)
        return table.rows if table is not None else []

    def need(self, table: OutputTable | None, schema: OutputSheet, key: str) -> str | None:
        """The header of one declared column, or None (and a warning) when the sheet has rows
        but not that column — written by another pbm version, or edited by hand."""
        if table is None:
            return None
        header = table.header(schema, key)
        if header is None and table.rows:
            self.findings.append(Finding("REPORT-COLUMN-MISSING", file=self.path.name,
                                         sheet=table.sheet, params={"column": schema[key]}))
        return header


def read_output_workbook(path: Path, only: Iterable[str] = ()) -> OutputWorkbook:
    """Every sheet of ``path`` (or those named in ``only``, and 说明) with its first row as the
    header."""
    read = read_output(Path(path), display=Path(path).name, only=tuple(only))
    return OutputWorkbook(Path(path), read.sheets)


def find_sources(out_dir: Path, year: int | None = None,
                 explicit: Iterable[Path] = ()) -> dict[str, Path]:
    """The workbook each source group reads: an explicit ``--input`` file wins, then the
    year's file (goals-2026.xlsx), then the most recently written match in ``out_dir``."""
    found: dict[str, Path] = {}
    for path in explicit:
        group = source_group_of(Path(path))
        if group is not None:
            found[group] = Path(path)
    for group, pattern in SOURCE_PATTERNS.items():
        if group in found:
            continue
        candidates = [p for p in Path(out_dir).glob(pattern)
                      if p.is_file() and not p.name.startswith((".", "~$"))
                      and RECHECK_SUFFIX not in p.name]  # a 整改抽查复核 record is no 抽评名单
        if not candidates:
            continue
        exact = [p for p in candidates if year is not None and p.stem.endswith(f"-{year}")]
        found[group] = exact[0] if exact else max(candidates, key=lambda p: (p.stat().st_mtime,
                                                                             p.name))
    return found


def source_group_of(path: Path) -> str | None:
    """goals-2026.xlsx → "goals"; a file pbm did not name is None."""
    stem = path.name.lower()
    for group in SOURCE_PATTERNS:
        if stem.startswith(group + "-") or stem.startswith(group + "."):
            return group
    if stem.startswith("score-"):
        return "scores"
    return None


# --------------------------------------------------------------------------- cell values

def text(value: Any) -> str:
    """A cell as display text: 860.0 → "860", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def number(value: Any) -> Decimal | None:
    """A cell as an exact Decimal (from the float's shortest repr, not its binary value)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    cleaned = str(value).strip().replace(",", "").replace("，", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").strip()
    if not cleaned:
        return None
    try:
        result = Decimal(cleaned)
    except InvalidOperation:
        return None
    return result / 100 if percent else result


def integer(value: Any) -> int:
    parsed = number(value)
    return int(parsed) if parsed is not None else 0


def subject_mark(row: dict[str, Any]) -> str:
    """“（部门整体）” for a row pbm wrote of a 部门整体 table (its 目标类型 column: the goal
    list's, the monitor's and the scores' 项目 sheets), else ""."""
    from pbm.workbook.department import DEPARTMENT, SUBJECTS_ZH
    from pbm.workbook.outputs import SUBJECT_COLUMN

    return DEPARTMENT_MARK if text(row.get(SUBJECT_COLUMN)) == SUBJECTS_ZH[DEPARTMENT] else ""
