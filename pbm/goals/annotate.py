"""Annotated copies (``pbm validate --annotate``): the workbook a reviewer sends back (退回调整),
with every cell that has a finding filled and commented, plus a 问题清单 sheet.  The input file
is never touched: openpyxl loads it, and the copy is written atomically (into the run's staging
folder, published with the goal list).

The copy is bounded, whatever the department's file holds.  openpyxl keeps every cell as an
object and, reading or writing, turns some ranges into one object per cell; so before it loads
a workbook, the sheet XML is scanned (:func:`inspect`):

* merged ranges are taken out of the XML openpyxl reads and put back as ranges once it has
  loaded the sheet: a merge of ``A1:A1048576`` costs what ``A1:B2`` costs (openpyxl would make
  and save a MergedCell for each of its million cells) and the cells under a merge stay as the
  file has them;
* cells, rows and merges, and the ranges openpyxl 3.1 expands into cells (a hyperlink's or a
  comment's ``ref``, a table without its columns), count against ``[limits]
  annotate_max_cells``; a workbook over it gets no copy (:class:`NotAnnotated`, the
  G-NOT-ANNOTATED warning naming sheet and range).

A workbook openpyxl cannot read or write — what the reader (calamine) forgives: ``<v>1,5</v>``
in a number cell, a style index past the style table, a damaged ``[Content_Types].xml`` — gets
no copy either, with the same warning.  The review never depends on the copy."""

from __future__ import annotations

import bisect
import html
import posixpath
import re
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pbm.errors import PbmError
from pbm.findings import SEVERITY_ZH, Finding
from pbm.workbook.source import MAX_COLUMNS, MAX_ROWS, Limits, column_index, sheet_members
from pbm.workbook.table import a1_parts
from pbm.workbook.writer import atomic_path

FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RANK = {"error": 0, "warning": 1, "info": 2}


class NotAnnotated(Exception):
    """No copy of this workbook: why, in both languages, and where (sheet, cell or range)."""

    def __init__(self, reason: str, reason_en: str, sheet: str | None = None,
                 cell: str | None = None):
        super().__init__(reason_en)
        self.reason, self.reason_en, self.sheet, self.cell = reason, reason_en, sheet, cell

    def finding(self, file: str) -> Finding:
        return Finding("G-NOT-ANNOTATED", file=file, sheet=self.sheet, cell=self.cell,
                       params={"reason": self.reason, "reason_en": self.reason_en})


def annotate_workbook(source: Path, findings: list[Finding], target: Path, lang: str = "zh",
                      limits: Limits = Limits()) -> Path:
    """Write the annotated copy of ``source`` to ``target``; :class:`NotAnnotated` when the
    workbook cannot be copied within ``limits`` or openpyxl cannot read or write it (nothing
    is written then).  A folder that cannot be written is CLI-WRITE-FAILED, as for any output."""
    scan = inspect(source, limits)
    try:
        workbook = _load(source, scan, target.parent)
        _mark(workbook, findings, scan, lang)
        with atomic_path(target) as temp:
            workbook.save(temp)
    except (NotAnnotated, PbmError):
        raise
    except Exception as exc:  # openpyxl is stricter than the reader: the file, not pbm
        detail = _detail(exc)
        raise NotAnnotated(f"制作副本时无法解析该工作簿（{detail}），审核结果不受影响",
                           f"the workbook could not be parsed for the copy ({detail}); the "
                           f"review is not affected") from None
    return target


# --------------------------------------------------------------------------- the scan

_PREFIX = rb"(?:[A-Za-z_][\w.-]{0,40}:)?"  # a namespace prefix (x:c) openpyxl reads like c
_CELL_OR_ROW = re.compile(rb"<" + _PREFIX + rb"(c|row)[\s/>]")
_MERGE_OPEN = re.compile(rb"<" + _PREFIX + rb"mergeCells\b[^>]{0,4096}?(/?)>")
_MERGE_CLOSE = re.compile(rb"</" + _PREFIX + rb"mergeCells\s*>")
_MERGE_CELL = re.compile(rb"<" + _PREFIX + rb"mergeCell\b([^>]{0,4096})>")
_HYPERLINK = re.compile(rb"<" + _PREFIX + rb"hyperlink\b([^>]{0,8192})>")
_COMMENT = re.compile(rb"<" + _PREFIX + rb"comment\b([^>]{0,8192})>")
_TABLE = re.compile(rb"<" + _PREFIX + rb"table\b([^>]{0,8192})>")
_TABLE_COLUMN = re.compile(rb"<" + _PREFIX + rb"tableColumn\b")
_RELATIONSHIP = re.compile(rb"<" + _PREFIX + rb"Relationship\b([^>]{0,8192})>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"\$?([A-Z]{1,3})?\$?(\d{1,7})?(?::\$?([A-Z]{1,3})?\$?(\d{1,7})?)?")


@dataclass
class Scan:
    """What :func:`inspect` found: each sheet's merged ranges (as written and as 1-based
    (min_row, min_col, max_row, max_col)), and the sheet XML openpyxl reads instead."""

    merges: dict[str, list[tuple[str, tuple[int, int, int, int] | None]]] = field(
        default_factory=dict)
    stripped: dict[str, bytes] = field(default_factory=dict)  # member → XML without merges


def inspect(source: Path, limits: Limits = Limits()) -> Scan:
    """Scan ``source``'s sheets before openpyxl loads it; :class:`NotAnnotated` when the copy
    would hold more than ``limits.annotate_max_cells`` cells or rows.  Every pattern is
    bounded and each part is read once, so the scan is linear in the XML and stops as soon as
    the limit is passed."""
    most = limits.annotate_max_cells
    scan = Scan()
    cells = rows = 0
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            for sheet, member in sheet_members(archive).items():
                data = archive.read(member)
                _require_utf8(data, sheet)
                refs, stripped = _merges(data)
                if refs:
                    scan.merges[sheet] = [(ref, _bounds(ref)) for ref in refs]
                    scan.stripped[member] = stripped
                cells += len(refs)
                for what, what_en, ref in _expanded(archive, names, member, data):
                    area = _area(ref)
                    if area > most:
                        raise _over(f"{what} {ref[:40]} 覆盖 {area:,} 个单元格",
                                    f"{what_en} {ref[:40]} covers {area:,} cells", most,
                                    sheet, ref[:40])
                    cells += area
                for match in _CELL_OR_ROW.finditer(data):
                    if match.group(1) == b"c":
                        cells += 1
                    else:
                        rows += 1
                    if cells > most or rows > most:
                        break
                if cells > most:
                    raise _over("单元格数", "the cells", most, sheet)
                if rows > most:
                    raise _over("行数", "the rows", most, sheet)
    except NotAnnotated:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        detail = _detail(exc)
        raise NotAnnotated(f"制作副本时无法读取该工作簿（{detail}），审核结果不受影响",
                           f"the workbook could not be read for the copy ({detail}); the "
                           f"review is not affected") from None
    return scan


def _over(what: str, what_en: str, most: int, sheet: str, cell: str | None = None) -> NotAnnotated:
    return NotAnnotated(
        f"{what}超出批注副本上限（pbm.toml [limits] annotate_max_cells = {most:,}），"
        f"审核结果见输出工作簿", f"{what_en} exceed the limit of an annotated copy (pbm.toml "
        f"[limits] annotate_max_cells = {most:,}); the review is in the output workbook",
        sheet, cell)


def _require_utf8(data: bytes, sheet: str) -> None:
    """The scan reads the XML as bytes: a sheet in UTF-16 (which no spreadsheet program
    writes) would hide its merges from it, so it gets no copy."""
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    declared = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", head)
    if not head.startswith(b"<") or b"\x00" in head or (
            declared and declared.group(1).lower() not in (b"utf-8", b"utf8")):
        raise NotAnnotated("工作表 XML 不是 UTF-8 编码，无法制作副本",
                           "the sheet XML is not UTF-8: no copy is made", sheet)


def _attributes(text: bytes) -> dict[str, str]:
    """The attributes of one start tag, prefixes dropped (``r:id`` is ``id``), entities decoded."""
    found = {}
    for name, double, single in _ATTRIBUTE.findall(text):
        key = name.decode("utf-8", "replace").rsplit(":", 1)[-1]
        found[key] = html.unescape((double or single).decode("utf-8", "replace")).strip()
    return found


def _merges(data: bytes) -> tuple[list[str], bytes]:
    """The merged ranges of a sheet's XML, and the XML without its ``<mergeCells>``."""
    refs: list[str] = []
    pieces: list[bytes] = []
    at = 0
    while (start := _MERGE_OPEN.search(data, at)) is not None:
        pieces.append(data[at:start.start()])
        if start.group(1):  # <mergeCells/>
            at = start.end()
            continue
        end = _MERGE_CLOSE.search(data, start.end())
        stop = end.start() if end is not None else len(data)
        for match in _MERGE_CELL.finditer(data, start.end(), stop):
            ref = _attributes(match.group(1)).get("ref")
            if ref:
                refs.append(ref)
        at = end.end() if end is not None else len(data)
    if not pieces:
        return [], data
    pieces.append(data[at:])
    return refs, b"".join(pieces)


def _expanded(archive: zipfile.ZipFile, names: set[str], member: str, data: bytes):
    """(what, what_en, ref) of every range openpyxl 3.1 turns into one cell object per cell:
    a hyperlink's ref (in the sheet), a comment's ref (its comments part), a table without
    ``<tableColumn>`` (its table part; openpyxl reads its header row from the cells)."""
    for match in _HYPERLINK.finditer(data):
        ref = _attributes(match.group(1)).get("ref")
        if ref:
            yield "超链接区域", "the hyperlink range", ref
    folder, base = posixpath.split(member)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return
    for match in _RELATIONSHIP.finditer(archive.read(rels)):
        attrs = _attributes(match.group(1))
        kind, target = attrs.get("Type", ""), attrs.get("Target", "")
        if attrs.get("TargetMode") == "External" or not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        if part not in names:
            continue
        if kind.endswith("/comments"):
            for comment in _COMMENT.finditer(archive.read(part)):
                ref = _attributes(comment.group(1)).get("ref")
                if ref and ":" in ref:
                    yield "批注区域", "the comment range", ref
        elif kind.endswith("/table"):
            table = archive.read(part)
            head = _TABLE.search(table)
            ref = _attributes(head.group(1)).get("ref") if head else None
            if ref and not _TABLE_COLUMN.search(table):
                yield "无列定义的表格区域", "the table range without columns", ref


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """1-based (min_row, min_col, max_row, max_col) of a cell range; a whole column or row
    (``A:A``, ``3:3``) reaches the grid's edge; None for what is no range."""
    match = _REF.fullmatch(ref.strip().upper())
    if match is None or not any(match.groups()):
        return None
    col1, row1, col2, row2 = match.groups()
    if ":" not in ref:
        col2, row2 = col1, row1
    min_col = column_index(col1) + 1 if col1 else 1
    max_col = column_index(col2) + 1 if col2 else MAX_COLUMNS
    min_row = int(row1) if row1 else 1
    max_row = int(row2) if row2 else MAX_ROWS
    min_row, max_row = sorted((min_row, max_row))
    min_col, max_col = sorted((min_col, max_col))
    return min_row, min_col, max_row, max_col


def _area(ref: str) -> int:
    """Cells in ``ref`` (a space-separated list of ranges); what is no range counts 1 (openpyxl
    refuses it)."""
    total = 0
    for part in ref.split():
        bounds = _bounds(part)
        total += 1 if bounds is None else \
            (bounds[2] - bounds[0] + 1) * (bounds[3] - bounds[1] + 1)
    return total


# --------------------------------------------------------------------------- the copy

def _load(source: Path, scan: Scan, scratch: Path):
    """The workbook as openpyxl loads it from the XML without merges, the merges put back as
    ranges (no MergedCell objects: the cells under a merge stay as the file has them)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.merge import MergedCellRange

    keep_vba = source.suffix.lower() == ".xlsm"
    if not scan.stripped:
        return load_workbook(source, keep_vba=keep_vba, rich_text=False)
    with tempfile.SpooledTemporaryFile(max_size=64 << 20, dir=scratch) as copy:
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as new:
            for name in dict.fromkeys(old.namelist()):
                new.writestr(name, scan.stripped[name] if name in scan.stripped else old.read(name))
        copy.seek(0)
        workbook = load_workbook(copy, keep_vba=keep_vba, rich_text=False)  # reads it all
    for sheet, merges in scan.merges.items():
        if sheet in workbook.sheetnames:
            sheet_ = workbook[sheet]
            sheet_.merged_cells = MultiCellRange([MergedCellRange(sheet_, ref) for ref, _ in merges])
    return workbook


def _mark(workbook, findings: list[Finding], scan: Scan, lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    by_cell: dict[tuple[str, tuple[int, int]], list[Finding]] = defaultdict(list)
    for finding in findings:
        place = _address(finding.cell)
        if finding.sheet and place and finding.sheet in workbook.sheetnames:
            by_cell[(finding.sheet, place)].append(finding)
    wanted: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for sheet_name, place in by_cell:
        wanted[sheet_name].add(place)
    corner = {sheet_name: _top_left(places, scan.merges.get(sheet_name, []), sheet_name)
              for sheet_name, places in wanted.items()}
    for (sheet_name, place), items in by_cell.items():
        row, col = corner[sheet_name].get(place, place)
        cell = workbook[sheet_name].cell(row, col)
        worst = min(items, key=lambda f: RANK[f.severity]).severity
        cell.fill = PatternFill("solid", fgColor=FILL[worst])
        text = "\n".join(f"[{f.code}] {f.message(lang)}" + (f"\n→ {f.hint(lang)}" if f.hint(lang) else "")
                         for f in items)
        comment = Comment(text[:30000], "pbm")
        comment.width, comment.height = 360, min(600, 60 + 40 * len(items))
        cell.comment = comment
    title = "问题清单"
    while title in workbook.sheetnames:
        title += "_"
    sheet = workbook.create_sheet(title, 0)
    header = ["序号", "严重程度", "代码", "工作表", "单元格", "项目", "问题说明", "修改建议"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, finding in enumerate(sorted(findings, key=lambda f: (RANK[f.severity],
                                                                    f.sheet or "", f.cell or "")), 1):
        sheet.append([index, SEVERITY_ZH[finding.severity], finding.code, finding.sheet or "",
                      finding.cell or "", finding.project or "", finding.message(lang),
                      finding.hint(lang)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # submitted text stays text, never a formula
        sheet.cell(sheet.max_row, 2).fill = PatternFill("solid", fgColor=FILL[finding.severity])
    for column, width in zip("ABCDEFGH", (6, 9, 20, 14, 9, 24, 70, 50)):
        sheet.column_dimensions[column].width = width
    workbook.active = 0


def _address(cell: str | None) -> tuple[int, int] | None:
    """1-based (row, column) of an A1 address inside Excel's grid; None for anything else."""
    parts = a1_parts(cell or "")
    if parts is None:
        return None
    row, col = parts[1], column_index(parts[0]) + 1
    return (row, col) if row <= MAX_ROWS and col <= MAX_COLUMNS else None


#: Checks of finding cells against merged ranges one copy may make (about a second): only
#: merges that overlap each other, which no spreadsheet program writes, come near it.
_LOOKUP_BUDGET = 5_000_000


def _top_left(places: set[tuple[int, int]], merges, sheet: str) -> dict[tuple[int, int], tuple[int, int]]:
    """Each finding cell under a merged range → the range's top-left cell, where its fill and
    comment show.  Per range, only the finding cells of its rows are looked at."""
    points = sorted(places)
    rows = [row for row, _ in points]
    moved: dict[tuple[int, int], tuple[int, int]] = {}
    budget = _LOOKUP_BUDGET
    for ref, bounds in merges:
        if bounds is None:
            continue
        min_row, min_col, max_row, max_col = bounds
        low, high = bisect.bisect_left(rows, min_row), bisect.bisect_right(rows, max_row)
        budget -= high - low + 1
        if budget < 0:
            raise NotAnnotated("合并区域相互重叠且数量过多，无法定位批注单元格",
                               "too many overlapping merged ranges to place the comments",
                               sheet, ref[:40])
        for index in range(low, high):
            row, col = points[index]
            if min_col <= col <= max_col and (row, col) not in moved:
                moved[(row, col)] = (min_row, min_col)
    return moved


def _detail(exc: BaseException) -> str:
    """The innermost cause of ``exc`` on one short line (openpyxl wraps what lxml or float()
    said in a paragraph of its own)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__
