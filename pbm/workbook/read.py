"""Reading input workbooks: the one read loop every checking command goes through.

``read_workbook`` turns a file into :class:`WorkbookRead`: per sheet its layout (which rows are
what, for the monitor's 台账) and its :class:`IndicatorTable`\\ s — a list sheet or a form block
each, with the projects as runs of lines and their key–value fields.  ``read_inputs`` reads many
files (folders recursively), keeps going past unreadable ones (a :class:`FileRead` with the
error, turned into an R- finding) and reports progress once per file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.values import cell_text, utf8_text
from pbm.workbook.department import subject_of
from pbm.workbook.layout import (
    COMMAND_KINDS,
    DOCUMENT_KINDS_ZH,
    Block,
    Grid,
    RowAccount,
    SheetLayout,
    document_kind,
    lay_out,
)
from pbm.workbook.source import WORKBOOK_SUFFIXES, Limits, RawSheet, open_workbook
from pbm.workbook.table import (
    IndicatorTable,
    ProjectRead,
    code_digits_lost,
    is_blank,
    split_department_code,
)

T = TypeVar("T")


@dataclass
class SheetRead:
    name: str
    tables: list[IndicatorTable]
    findings: list[Finding]
    _layout: SheetLayout = field(repr=False)
    #: Non-empty rows counted from the sheet's cells (``RawSheet.nonempty_count``), apart from
    #: the layout: the monitor's 台账 balances against it.
    row_count: int = 0
    _accounts: list[RowAccount] | None = field(default=None, repr=False)

    @property
    def layout(self) -> str | None:
        """"form", "list" or None (skipped, empty, no header)."""
        return self._layout.layout

    @property
    def header_row(self) -> int | None:
        return self._layout.header_row

    @property
    def projects(self) -> list[ProjectRead]:
        return [project for table in self.tables for project in table.projects]

    @property
    def accounts(self) -> list[RowAccount]:
        """Every non-empty row with what it was read as (made on first use: the monitor
        accounts for every row, the other commands never ask)."""
        if self._accounts is None:
            self._accounts = self._layout.accounts()
        return self._accounts


@dataclass
class WorkbookRead:
    file: str
    path: Path
    sha256: str
    sheets: list[SheetRead]
    findings: list[Finding] = field(default_factory=list)

    @property
    def projects(self) -> list[ProjectRead]:
        return [project for sheet in self.sheets for project in sheet.projects]

    @property
    def tables(self) -> list[IndicatorTable]:
        return [table for sheet in self.sheets for table in sheet.tables]

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + [f for sheet in self.sheets for f in sheet.findings]

    @property
    def rows_in(self) -> int:
        """Non-empty rows of every sheet, hidden ones included."""
        return sum(sheet.row_count for sheet in self.sheets)


def read_workbook(path: Path, *, limits: Limits = Limits(), display: str | None = None,
                  only: Collection[str] = (), kind: str | None = None,
                  scan_first: bool = False) -> WorkbookRead:
    """Read every project of one workbook (of the sheets in ``only`` when it has any of them).
    Raises ``PbmError`` if the file is unreadable; a readable workbook in which no project is
    found gets the error R-NO-PROJECTS, never a silent empty submission.

    ``kind`` (GOAL, MONITOR, SELF_EVAL) is what the command reads: of a file that holds sheets
    of several kinds (a project database's export: 项目基本信息, 支出明细, 绩效目标申报表,
    绩效目标执行监控, 绩效自评表 …) only the sheets of that kind are read, the others skipped with
    one info; a file that holds only documents of another kind is the error R-WRONG-DOCUMENT.
    ``scan_first``: see :func:`pbm.workbook.source.open_workbook`."""
    name = display or str(path)
    raw = open_workbook(Path(path), limits, name, only, scan_first)
    laid = [(raw_sheet, lay_out(raw_sheet, name, limits), Grid(raw_sheet))
            for raw_sheet in raw.sheets]
    skip, finding = _other_kinds(laid, name, kind)
    sheets = []
    for raw_sheet, layout, grid in laid:
        if raw_sheet.name in skip:
            layout = SheetLayout(raw_sheet.name, None, [], layout.rows,
                                 dict.fromkeys(layout.rows, "skipped-sheet"), [])
        title = _sheet_title(layout, grid)
        tables = [_table(grid, name, raw_sheet.name, block, layout.findings, title)
                  for block in layout.blocks]
        sheets.append(SheetRead(raw_sheet.name, tables, layout.findings, layout,
                                raw_sheet.nonempty_count()))
    read = WorkbookRead(name, Path(path), raw.sha256, sheets)
    if finding is not None:
        read.findings.append(finding)
    if not read.projects and not any(f.severity == "error" for f in read.all_findings):
        skipped = [f"“{sheet.name}”" for sheet in sheets
                   if any(f.code == "R-SHEET-SKIPPED" for f in sheet.findings)]
        read.findings.append(Finding("R-NO-PROJECTS", file=name, params={
            "detail": f"（已跳过工作表 {'、'.join(skipped)}）" if skipped else "",
            "detail_en": f" (skipped sheets: {', '.join(skipped)})" if skipped else ""}))
    return read


def _other_kinds(laid: list[tuple[RawSheet, SheetLayout, Grid]], file: str,
                 kind: str | None) -> tuple[set[str], Finding | None]:
    """The sheets not of ``kind`` to skip, and the finding that says so (see read_workbook)."""
    if kind is None:
        return set(), None
    shown = [(raw.name, document_kind(layout, grid), layout) for raw, layout, grid in laid
             if layout.rows and not any(f.code == "R-SHEET-SKIPPED" for f in layout.findings)]
    kinds = [found for _, found, _ in shown]
    if kind in kinds:
        skip = [sheet for sheet, found, _ in shown if found is not None and found != kind]
        if not skip:
            return set(), None
        return set(skip), Finding("R-OTHER-SHEETS", file=file, params={
            "count": len(skip), "sheets": "、".join(skip),
            "kind": DOCUMENT_KINDS_ZH[kind]})
    documents = sorted({found for found in kinds if found in COMMAND_KINDS})
    unknown = any(found is None for found in kinds)
    if not documents or unknown:
        return set(), None  # nothing tells what else it is: read it as it is
    return {sheet for sheet, _, _ in shown}, Finding("R-WRONG-DOCUMENT", file=file, params={
        "found": "、".join(DOCUMENT_KINDS_ZH[found] for found in documents),
        "kind": DOCUMENT_KINDS_ZH[kind]})


def _sheet_title(layout: SheetLayout, grid: Grid) -> str:
    """The text of a sheet's first title row (a list export's ``2026年部门整体支出绩效目标表``
    above its header), else ""."""
    for r in sorted(r for r, kind in layout.kinds.items() if kind == "title")[:1]:
        return next((grid.text(r, c) for c in range(min(grid.width, 3))
                     if grid.value(r, c) is not None), "")
    return ""


def _table(grid: Grid, file: str, sheet: str, block: Block,
           findings: list[Finding], sheet_title: str = "") -> IndicatorTable:
    """The block's lines as columns: each project's lines in a run, in the order met; what
    the project cells say of themselves goes to ``findings``; each project's subject (a
    project, or a department's whole budget) from its title and fields."""
    line_rows = [r for project in block.projects for r in project.lines]
    fields = list(block.columns)
    cols = [block.columns[name] for name in fields]
    values: dict[str, list[Any]] = {}
    if fields and line_rows:
        if grid.formulas:
            rows = [grid.row_values(r) for r in line_rows]
        else:
            rows = [grid.rows[r] for r in line_rows]
        need = max(cols) + 1
        if all(len(row) >= need for row in rows):
            fetch = itemgetter(*cols) if len(cols) > 1 else (lambda row, c=cols[0]: (row[c],))
            gathered = list(zip(*map(fetch, rows)))
        else:
            gathered = [tuple(row[c] if c < len(row) else None for row in rows) for c in cols]
        for name, column in zip(fields, gathered):
            values[name] = list(column)
        for name, choices in block.choices.items():
            values[name] = _chosen(rows, choices, values.get(name) if name in block.columns and
                                   block.columns[name] not in choices else None)
    columns = {f: c + 1 for f, c in block.columns.items()}
    for name, choices in block.choices.items():
        columns.setdefault(name, min(choices) + 1)
    table = IndicatorTable(file, sheet, block.layout, columns, [r + 1 for r in line_rows],
                           values)
    start = 0
    for rows_of in block.projects:
        stop = start + len(rows_of.lines)
        if rows_of.carried:
            for k, r in enumerate(rows_of.lines, start):
                for name, cell in rows_of.carried.get(r, {}).items():
                    if name in values:
                        values[name][k] = cell.value
                        table.carried.setdefault(name, {})[k] = cell.row
        fields, lost = code_digits_lost(split_department_code(rows_of.fields))
        if lost is not None:
            findings.append(Finding("R-CODE-DIGITS-LOST", file=file, sheet=sheet, cell=lost.a1,
                                    value=fields["project_code"].value))
        table.projects.append(ProjectRead(
            file=file, sheet=sheet, layout=block.layout, fields=fields, table=table,
            start=start, stop=stop, labels=rows_of.labels, units=rows_of.units,
            first_row=rows_of.first_row, title=rows_of.title, year=rows_of.year,
            extra=rows_of.extra,
            other_rows=[r + 1 for r in rows_of.others], money=rows_of.money,
            total=rows_of.total,
            subject=subject_of(rows_of.title or sheet_title, fields)))
        start = stop
    return table


#: What a marked choice cell holds (✔ under 确定能); a cell saying one of these is unmarked.
_UNMARKED = frozenset({"否", "0", "×", "✗", "✘", "○", "〇", "无", "-", "—", "/", "／"})


def _chosen(rows: list[list[Any]], choices: dict[int, str],
            texts: list[Any] | None) -> list[str | None]:
    """Per line, the choices marked in its row (✔, √, ✓, ●, 是, 1 … — any cell that is not
    blank or an "unmarked" sign), joined by 、, then the text written beside them (原因说明)
    after a ：; None when nothing is marked or written."""
    values: list[str | None] = []
    for k, row in enumerate(rows):
        marked = [label for c, label in choices.items()
                  if c < len(row) and not is_blank(row[c]) and
                  cell_text(row[c]) not in _UNMARKED]
        text = cell_text(texts[k]) if texts is not None and not is_blank(texts[k]) else ""
        chosen = "、".join(marked)
        values.append(f"{chosen}：{text}" if chosen and text else (chosen or text or None))
    return values


# --------------------------------------------------------------------------- many files

def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the current folder when inside it; bytes
    of a name that are no valid UTF-8 (``bad\xff.xlsx`` on Linux) shown as ``\xff``, so the
    name can be printed and written into outputs."""
    try:
        text = str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        text = str(path)
    text = utf8_text(text)
    if not text.isprintable():  # a line break or ESC in a file name: shown as \n, \x1b
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                       for c in text)
    return text


def iter_workbook_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (recursively), skipping ``~$`` lock files and hidden files;
    a file named twice (a folder and a file inside it) is read once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            children = []
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith((".", "~$")) for part in rel.parts):
                    continue
                if child.is_file() and child.suffix.lower() in WORKBOOK_SUFFIXES:
                    children.append(child)
        else:
            if not path.exists():
                raise PbmError("R-NOT-FOUND", file=str(path))
            children = [path]
        for child in children:
            resolved = child.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(child)
    return found


@dataclass
class FileRead:
    """One input file as a run saw it: readable (its SHA-256) or not (the error)."""

    file: str  # as the user would write it
    path: Path
    sha256: str | None = None
    error: PbmError | None = None

    @property
    def finding(self) -> Finding | None:
        """The unreadable file as an R- finding (None when it was read)."""
        if self.error is None:
            return None
        code = self.error.code if self.error.code.startswith("R-") else "R-UNREADABLE"
        return Finding(code, file=self.file, sheet=self.error.sheet, cell=self.error.cell,
                       params=self.error.params)


def read_file(path: Path, limits: Limits, kind: str | None = None,
              scan_first: bool = False) -> tuple[FileRead, WorkbookRead | None]:
    display = display_path(path)
    try:
        workbook = read_workbook(path, limits=limits, display=display, kind=kind,
                                 scan_first=scan_first)
    except PbmError as error:
        return FileRead(display, path, error=error), None
    return FileRead(display, path, workbook.sha256), workbook


def read_inputs(files: list[Path], limits: Limits,
                work: Callable[[FileRead, WorkbookRead | None], T], *, workers: int = 1,
                progress: Callable[[Path], None] | None = None,
                kind: str | None = None) -> list[T]:
    """Read each file and hand it to ``work`` (what the command makes of one file); the
    results come back in input order.  An unreadable file is handed over with its error and
    no workbook, and the run goes on.  ``progress`` is told of every finished file.

    ``workers`` > 1 with many files: forked processes (the per-cell Python work holds the
    GIL, so threads gain little; 200 files × 300 rows: 4.4 s on two threads, 2.8 s on two
    processes); where forking is not safe, a thread pool (calamine releases the GIL while it
    parses).  Results never depend on it. ``kind``: the kind of document the command reads
    (see :func:`read_workbook`).  Of several files, each is checked for crafted parts before
    the native reader sees it, whatever its size: one such file is its own R-UNREADABLE and
    the others are read."""
    jobs = _Jobs(limits, work, kind, scan_first=len(files) > 1)
    if workers <= 1 or len(files) < 2:
        results = []
        for path in files:
            results.append(jobs.one(path))
            if progress:
                progress(path)
        return results
    if len(files) >= PROCESS_POOL_FILES:
        in_processes = _in_processes(files, jobs, workers, progress)
        if in_processes is not None:
            return in_processes
        from pbm.perf import fork_context

        if fork_context() is not None:  # a reader died: find the file, keep the others
            return _each_in_a_process(files, jobs, progress)
    import decimal
    from concurrent.futures import ThreadPoolExecutor

    # The readers' threads compute as the command does (its decimal precision), each with
    # its own copy of the context.
    with ThreadPoolExecutor(max_workers=workers, initializer=_same_decimal_context,
                            initargs=(decimal.getcontext().copy(),)) as pool:
        futures = [pool.submit(jobs.one, path) for path in files]
        results = []
        for path, future in zip(files, futures):
            results.append(future.result())
            if progress:
                progress(path)
    return results


def _same_decimal_context(context) -> None:
    import decimal

    decimal.setcontext(context.copy())


PROCESS_POOL_FILES = 16  # fewer files are read faster than two processes start and report
_POOL_CHUNK = 8  # files per task: fewer round trips, still an even split of the work
_pool_jobs: _Jobs | None = None  # set in the parent, inherited by the forked workers


@dataclass
class _Jobs:
    limits: Limits
    work: Callable[[FileRead, WorkbookRead | None], Any]
    kind: str | None = None
    scan_first: bool = False

    def one(self, path: Path) -> Any:
        return self.work(*read_file(path, self.limits, self.kind, self.scan_first))


def _chunk(paths: list[Path]) -> list[Any]:
    assert _pool_jobs is not None
    return [_pool_jobs.one(path) for path in paths]


def _each_in_a_process(files: list[Path], jobs: _Jobs,
                       progress: Callable[[Path], None] | None) -> list[Any]:
    """Every file read in a process of its own (after a reader process died): the file whose
    reader dies — the native reader aborting on a crafted workbook — is that file's
    R-UNREADABLE, and every other file is read as usual."""
    global _pool_jobs
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from pbm.perf import end_with_parent, fork_context

    mp_context = fork_context()
    _pool_jobs = jobs
    results: list[Any] = []
    try:
        for path in files:
            try:
                with ProcessPoolExecutor(max_workers=1, mp_context=mp_context,
                                         initializer=end_with_parent,
                                         initargs=(os.getpid(),)) as pool:
                    [result] = pool.submit(_chunk, [path]).result()
            except BrokenProcessPool:
                display = display_path(path)
                result = jobs.work(FileRead(display, path, error=PbmError(
                    "R-UNREADABLE", file=display, reason=(
                        "读取器在读取该文件时异常终止，文件可能已损坏或被篡改 / the reader "
                        "stopped abnormally on this file: damaged or crafted file"))), None)
            results.append(result)
            if progress:
                progress(path)
    finally:
        _pool_jobs = None
    return results


def _in_processes(files: list[Path], jobs: _Jobs, workers: int,
                  progress: Callable[[Path], None] | None) -> list[Any] | None:
    """None when forking is not safe here or a worker died (the caller reads each file in a
    process of its own, or in threads where forking is not safe)."""
    global _pool_jobs
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from pbm.perf import end_with_parent, fork_context

    mp_context = fork_context()
    if mp_context is None:
        return None
    chunks = [files[i:i + _POOL_CHUNK] for i in range(0, len(files), _POOL_CHUNK)]
    _pool_jobs = jobs
    results: list[Any] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp_context,
                                 initializer=end_with_parent, initargs=(os.getpid(),)) as pool:
            for chunk, part in zip(chunks, pool.map(_chunk, chunks)):
                results.extend(part)
                if progress:
                    for path in chunk:
                        progress(path)
    except BrokenProcessPool:
        return None
    finally:
        _pool_jobs = None
    return results
