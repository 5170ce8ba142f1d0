"""Tables beside the workbooks: CSV (UTF-8 with BOM, for Excel/WPS) or Parquet (for DuckDB,
Spark, pandas) — monitor's 项目/指标 tables and detail, and any sheet of an output with more
rows than an Excel sheet holds."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.workbook.writer import atomic_path


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


# Text Excel/WPS would run as a formula when it opens a CSV ("=HYPERLINK(…)", "+cmd|…",
# "@SUM(…)"); a plain signed number ("-10", "+5%") is left as it is.
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?%?")


def csv_text(value: Any) -> Any:
    """A cell for the CSV tables: submitted text stays inert in Excel (a leading ')."""
    if value.__class__ is str and len(value) > 1 and value.startswith(_FORMULA_LEAD) and \
            not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_table(stem: Path, columns: list[str], rows, table_format: str) -> Path:
    """One table as CSV (UTF-8 with BOM, for Excel/WPS; formula-like text made inert) or
    Parquet (pyarrow, imported here; values as submitted)."""
    if table_format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            table_format = "csv"  # pyarrow is the optional "fast" extra
    path = stem.with_suffix(f".{table_format}")
    with atomic_path(path) as temp:
        if table_format == "csv":
            import csv

            with open(temp, "w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow(["" if v is None else csv_text(_plain(v)) for v in row])
        else:
            _write_parquet(str(temp), columns, rows)
    return path


def _write_parquet(path: str, columns: list[str], rows) -> None:
    """Columns typed from their values: numbers float64, everything else text; written in
    batches so a million-row ledger never sits in memory twice."""
    import pyarrow.parquet as pq

    writer = None
    batch: list[list[Any]] = []
    schema = None
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= 100_000:
                schema = schema or _schema(columns, batch)
                writer = writer or pq.ParquetWriter(path, schema)
                writer.write_table(_arrow_table(columns, batch, schema))
                batch = []
        schema = schema or _schema(columns, batch)
        writer = writer or pq.ParquetWriter(path, schema)
        if batch or writer is not None:
            writer.write_table(_arrow_table(columns, batch, schema))
    finally:
        if writer is not None:
            writer.close()


def _schema(columns: list[str], sample: list[list[Any]]):
    import pyarrow as pa

    fields = []
    for index, name in enumerate(columns):
        numeric = any(isinstance(row[index], (int, float, Decimal)) and not isinstance(row[index], bool)
                      for row in sample) and all(
            row[index] is None or (isinstance(row[index], (int, float, Decimal))
                                   and not isinstance(row[index], bool)) for row in sample)
        fields.append(pa.field(name, pa.float64() if numeric else pa.string()))
    return pa.schema(fields)


def _arrow_table(columns: list[str], rows: list[list[Any]], schema):
    import pyarrow as pa

    arrays = []
    for index, field in enumerate(schema):
        if pa.types.is_floating(field.type):
            values = [None if row[index] is None or (isinstance(row[index], str) and not row[index])
                      else float(row[index]) for row in rows]
        else:
            values = [None if row[index] is None else str(row[index]) for row in rows]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
