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
from itertools import repeat
from pathlib import Path
from typing import Any

from pbm.workbook.writer import date_format, excel_text


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


def _records(sheet, columns: list[str]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The sheet's rows as the library takes them (one dict per row), and the date format of
    each column that holds dates.  Each distinct value of a column is converted once (a sheet
    of 100,000 lines repeats its names, units and texts); a column whose values are all as
    the library takes them is left as it is, and a sheet with no such column is not
    transposed back."""
    width = len(columns)
    rows = sheet.rows if all(len(row) == width for row in sheet.rows) else \
        [list(row[:width]) + [None] * (width - len(row)) for row in sheet.rows]
    dates: dict[int, str] = {}
    columns_out: list[Any] = []
    changed = False
    for col, column in enumerate(zip(*rows)):
        # the kinds of the whole column: a set of its values keeps one of 0 and False, of 1
        # and Decimal('1') (equal keys), and would hide the one that needs converting
        kinds = set(map(type, column))
        if kinds <= _PLAIN:
            columns_out.append(column)
            continue
        try:
            distinct = set(column)
        except TypeError:  # an unhashable value
            distinct = None
        if distinct is None or bool in kinds:
            # True is 1 as a key (and an unhashable value is no key): cell by cell
            column = [_value(value) for value in column]
            shown = set(value for value in column if value.__class__ is dt.datetime)
            changed = True
        else:
            # looked up by equality: a Decimal('1') beside an int 1 is shown as the 1 is
            converted = {value: _value(value) for value in distinct}
            shown = set(converted.values())
            if any(value is not shown_value for value, shown_value in converted.items()):
                column = list(map(converted.__getitem__, column))
                changed = True
        found = [value for value in shown if value.__class__ is dt.datetime]
        if found:  # shown as the XlsxWriter path shows them (writer.date_format)
            dates[col] = max(map(date_format, found), key=len)
        columns_out.append(column)
    source = zip(*columns_out) if changed else rows
    return list(map(dict, map(zip, repeat(columns), source))), dates


def can_write(sheets) -> bool:
    """Every sheet needs a data row: the library takes its header from the records."""
    return all(sheet.rows for sheet in sheets)


def write_xlsx_fast(path: Path, sheets) -> Path:
    """Write ``sheets`` (:class:`pbm.workbook.writer.Sheet`) atomically with the Rust writer;
    falls back to the shared XlsxWriter writer when a sheet cannot be expressed."""
    from pbm.workbook.writer import FILLS, _width, atomic_path, write_xlsx

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
            records, dates = _records(sheet, columns)
            formats = {**dates, **sheet.number_formats}
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

