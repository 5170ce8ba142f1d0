"""The workspace's 发文登记簿: one 文号 sequence per prefix and year, across kinds and runs.

``out/history/文号.csv`` holds a row per document pbm numbered (文号, its sequence, kind,
title, recipient department, project, date, file).  A document is the same document when its
kind and file name are (the file name holds the department and the project, made unique per
run; a rerun of ``pbm report`` after a fix): it keeps its 文号.
A new document takes the next number after the highest of the register for the same prefix
and year, so no two documents of a workspace share a 文号, whatever their kind or run.
``--number-start N`` overrides: the run's documents are numbered from N in order, and their
rows replace the earlier ones of the same documents.

The register is read before rendering (``pbm report --check`` shows the numbers it would
give) and written only after every document of the run was published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pbm.errors import PbmError

REGISTER_NAME = "文号.csv"
COLUMNS = ["文号", "序号", "前缀", "年度", "文书类型", "文书", "主送单位", "项目", "发文日期", "文件名", "文件"]


@dataclass
class Entry:
    """One numbered document of the register."""

    doc_number: str
    sequence: int
    prefix: str
    year: int
    kind: str
    title: str
    department: str
    project: str
    date: str
    stem: str  # the file name without suffix, unique in its kind's folder
    file: str = ""

    @property
    def key(self) -> tuple[str, int, str, str]:
        return self.prefix, self.year, self.kind, self.stem

    def row(self) -> list[str]:
        return [self.doc_number, str(self.sequence), self.prefix, str(self.year), self.kind,
                self.title, self.department, self.project, self.date, self.stem, self.file]


def doc_number(prefix: str, year: int, sequence: int) -> str:
    """文号 such as 财绩〔2026〕3号."""
    return f"{prefix}〔{year}〕{sequence}号"


class NumberRegister:
    """The register of ``path``, read once; :meth:`assign` numbers documents, :meth:`save`
    writes the register with them."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[Entry] = _read(path) if path.is_file() else []
        self.assigned: list[Entry] = []

    def assign(self, documents, stems: list[str], prefix: str, year: int, date: str,
               start: int | None = None) -> None:
        """Give every document (:class:`pbm.reports.context.DocumentSpec`, with the file name
        it will be written as in ``stems``) its 文号, in order: the one the register holds for
        it, else the next free one; from ``start`` on when given."""
        known = {entry.key: entry for entry in self.entries}
        used = [entry.sequence for entry in self.entries
                if entry.prefix == prefix and entry.year == year]
        following = start if start is not None else max(used, default=0) + 1
        self.assigned = []
        for document, stem in zip(documents, stems, strict=True):
            entry = Entry("", 0, prefix, year, document.kind, document.title,
                          document.department or "", document.project or "", date, stem)
            earlier = known.get(entry.key)
            if start is None and earlier is not None:
                entry.sequence = earlier.sequence
            else:
                entry.sequence = following
                following += 1
            entry.doc_number = doc_number(prefix, year, entry.sequence)
            document.context["doc_number"] = entry.doc_number
            self.assigned.append(entry)

    def save(self, files: dict[int, Path]) -> None:
        """Write the register: earlier rows of other documents, then this run's, each with the
        file it was published as (``files``: index in the assigned order → path)."""
        from pbm.workbook.writer import atomic_path

        for index, entry in enumerate(self.assigned):
            if index in files:
                entry.file = str(files[index])
        mine = {entry.key for entry in self.assigned}
        rows = [entry for entry in self.entries if entry.key not in mine] + self.assigned
        rows.sort(key=lambda e: (e.year, e.prefix, e.sequence))
        with atomic_path(self.path) as temp, \
                open(temp, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS)
            writer.writerows(entry.row() for entry in rows)
        self.entries = rows


def _read(path: Path) -> list[Entry]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PbmError("REPORT-REGISTER-BAD", file=str(path), row="", reason=str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PbmError("REPORT-REGISTER-BAD", file=str(path), row=str(line),
                       reason=f"不是 UTF-8 文本 / not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text))
    try:
        return _entries(path, reader)
    except csv.Error as exc:  # a field over csv's limit, a NUL in older Pythons …
        raise PbmError("REPORT-REGISTER-BAD", file=str(path), row=str(reader.line_num),
                       reason=str(exc)) from None


def _entries(path: Path, reader) -> list[Entry]:
    entries = []
    header = next(reader, None)
    if header is None:
        return []
    if header[:len(COLUMNS)] != COLUMNS:
        raise PbmError("REPORT-REGISTER-BAD", file=str(path), row="1",
                       reason="表头应为 " + ",".join(COLUMNS))
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = (row + [""] * len(COLUMNS))[:len(COLUMNS)]
        try:
            sequence, year = int(row[1]), int(row[3])
        except ValueError:
            raise PbmError("REPORT-REGISTER-BAD", file=str(path), row=str(number),
                           reason=f"序号“{row[1]}”或年度“{row[3]}”不是整数") from None
        entries.append(Entry(row[0], sequence, row[2], year, row[4], row[5], row[6], row[7],
                             row[8], row[9], row[10]))
    return entries
