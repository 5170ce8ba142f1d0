"""Optional fast path for pbm's output workbooks: rustpy-xlsxwriter (rust_xlsxwriter bindings).

Used only when the package is importable (``pip install rustpy-xlsxwriter``) and the sheets
fit what it can write; otherwise pbm writes with XlsxWriter through the shared writer.  The
cell values are the same either way (checked by the tests with openpyxl and calamine): text
stays text (``=1+1`` is never a formula), numbers are numbers.  Differences, by design of the
library: a coloured row leaves its number-formatted cells (money, rates) untinted, and the
document's creation time is the time of writing.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.workbook.writer import excel_text


def available() -> bool:
    if os.environ.get("PBM_XLSX_ENGINE", "").lower() == "xlsxwriter":
        return False
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def _value(value: Any) -> Any:
    kind = value.__class__
    if kind is str:
        return excel_text(value) if value else None
    if kind is float or kind is int:
        return value
    if value is None:
        return None
    if kind is bool:
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return excel_text(value) if value else None
    return excel_text(str(value))


_PLAIN = frozenset({float, int, type(None)})


def _columns(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """The rows' values as the library takes them, column by column: a column of numbers as it
    is, any other each distinct value converted once (a sheet of 100,000 lines repeats its
    names, units and texts)."""
    padded = rows if all(len(row) == width for row in rows) else \
        [list(row[:width]) + [None] * (width - len(row)) for row in rows]
    columns = []
    for column in zip(*padded):
        kinds = set(map(type, column))
        if kinds <= _PLAIN:
            columns.append(column)
            continue
        if bool in kinds:  # True is 1 as a key: convert cell by cell
            columns.append([_value(value) for value in column])
            continue
        try:
            converted = {value: _value(value) for value in set(column)}
        except TypeError:  # an unhashable value: convert cell by cell
            columns.append([_value(value) for value in column])
            continue
        columns.append([converted[value] for value in column])
    return columns


def can_write(sheets) -> bool:
    """Every sheet needs a data row: the library takes its header from the records."""
    return all(sheet.rows for sheet in sheets)


def write_xlsx_fast(path: Path, sheets) -> Path:
    """Write ``sheets`` (:class:`pbm.workbook.writer.Sheet`) atomically with the Rust writer;
    falls back to the shared XlsxWriter writer when a sheet cannot be expressed."""
    from pbm.workbook.writer import FILLS, _width, atomic_path, date_format, write_xlsx

    if not can_write(sheets):
        return write_xlsx(path, sheets, engine="xlsxwriter")
    import rustpy_xlsxwriter as rx

    path = Path(path)
    with atomic_path(path) as temp:
        header = rx.Format()
        header.set_bold()
        header.set_background_color("#D9E1F2")
        header.set_text_wrap()
        fills = {}
        for name, colour in FILLS.items():
            fmt = rx.Format()
            fmt.set_background_color(colour)
            fills[name] = fmt
        number_formats: dict[str, Any] = {}
        book = rx.FastExcel(str(temp)).freeze(row=1)
        for sheet in sheets:
            columns = [str(c) for c in sheet.columns]
            values = _columns(sheet.rows, len(columns))
            records = [dict(zip(columns, row)) for row in zip(*values)]
            formats = dict(sheet.number_formats)
            for col, column_values in enumerate(values):
                if col not in formats:
                    dates = [v for v in column_values if v.__class__ is dt.datetime]
                    if dates:  # shown as the XlsxWriter path shows them (writer.date_format)
                        formats[col] = max(map(date_format, dates), key=len)
            column_formats = {}
            for col, number in formats.items():
                if number not in number_formats:
                    fmt = rx.Format()
                    fmt.set_num_format(number)
                    number_formats[number] = fmt
                column_formats[columns[col]] = number_formats[number]
            row_formats = {}
            if sheet.row_fills:
                row_formats = {index + 1: fills[fill] for index, fill in enumerate(sheet.row_fills)
                               if fill}
            widths = [sheet.widths.get(col, _width(title)) for col, title in enumerate(columns)]
            book.sheet(sheet.name[:31], records, column_widths=widths,
                       column_formats=column_formats or None, header_format=header,
                       row_formats=row_formats or None, autofilter=sheet.autofilter)
        book.save()
    return path

