"""Sheets pasted one below the other into one sheet, as a department does when copying a
whole sheet is too hard: values and merged ranges shifted down, text kept as text."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange


def stack_sheets(path: Path, sources: list[tuple[Path, str]], *, gap: int = 2,
                 title: str = "申报表") -> tuple[Path, list[int]]:
    """Write ``path`` with the sheets ``(file, sheet name)`` pasted one below the other,
    ``gap`` blank rows apart.  Returns the path and each sheet's row offset."""
    book = openpyxl.Workbook()
    target = book.active
    target.title = title
    offsets: list[int] = []
    offset = 0
    for file, name in sources:
        source = openpyxl.load_workbook(file)[name]
        offsets.append(offset)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                copy = target.cell(cell.row + offset, cell.column, cell.value)
                if isinstance(cell.value, str):
                    copy.data_type = "s"  # "=100%" stays text, as it was in the source
        for merged in source.merged_cells.ranges:
            shifted = CellRange(merged.coord)
            shifted.shift(row_shift=offset)
            target.merge_cells(shifted.coord)
        offset += source.max_row + gap
    book.save(path)
    return path, offsets
