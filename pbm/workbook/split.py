"""A big worksheet parsed by calamine on two cores at once.

calamine parses one sheet on one core (1.2 s for a 100,000-row sheet, with the GIL released).
A worksheet's XML is a flat run of ``<row>`` elements, each carrying its own row number, so
it can be cut between two rows into two complete worksheets.  The sheet is inflated in two
steps: as soon as its first part is out, that part goes into a copy of the workbook (members
stored, not compressed) which one thread starts parsing; another thread inflates the rest and
parses it, with the sheet's own ending (merged cells), from a second copy.  Meanwhile the
caller may work on the first part (``early``).  The rows are then put back where their cells
say they belong.  Only sheets of at least ``SPLIT_MIN_BYTES`` of XML are cut; anything unusual
(no plain ``<sheetData>``, rows without numbers, a part calamine refuses) makes the caller read
the whole file the ordinary way, so the result never depends on the cut.
"""

from __future__ import annotations

import html
import io
import re
import threading
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Sheets with less XML than this (about 18,000 list rows) are parsed whole: cutting costs
#: two copies of the XML, which only pays on big sheets.
SPLIT_MIN_BYTES = 16 * 1024 * 1024

_SHEET_REL = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|'
                  rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="\d+"')
_HEAD_END = b"</sheetData></worksheet>"
#: Any formula element in a sheet's XML (a regex: faster than ``b"<f" in data`` on 88 MB).
ANY_FORMULA = re.compile(rb"<f[\s>/]")
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the archive member holding its XML (from workbook.xml and its rels)."""
    names = set(archive.namelist())
    workbook_xml = archive.read("xl/workbook.xml")
    rels_xml = archive.read("xl/_rels/workbook.xml.rels") \
        if "xl/_rels/workbook.xml.rels" in names else b""
    targets = {}
    for match in _REL.finditer(rels_xml):
        rel_id, target = (match.group(1), match.group(2)) if match.group(1) else \
            (match.group(4), match.group(3))
        targets[rel_id.decode()] = target.decode()
    members = {}
    for match in _SHEET_REL.finditer(workbook_xml):
        sheet_name = html.unescape(match.group(1).decode("utf-8"))
        target = targets.get(match.group(2).decode(), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in names:
            members[sheet_name] = member
    return members


@dataclass
class _Cut:
    """A big sheet's XML as far as it is inflated, and where it is cut."""

    member: str
    stream: Any  # the rest is read from here
    first: bytes  # the first half, inflated
    prefix: bytes  # up to <sheetData>, without <dimension>
    rows_start: int  # in ``first``: where the rows begin
    at: int  # in ``first``: the <row> the second half starts with


@dataclass
class HalvesRead:
    """What ``read_in_halves`` returns: every sheet read (``sheets``, from the caller's
    ``read_head``), the whole XML of each big sheet (member → bytes) for the formula scan,
    and the cut sheets already found to hold no formula (members; searched by the thread
    that inflated them, while the first part was still being parsed)."""

    sheets: list[Any]
    xml: dict[str, bytes]
    formula_free: set[str]


#: Where a sheet is cut when the caller works on the first half while the second is parsed
#: (``early``): the first half is ready sooner and the caller's work on it runs beside the
#: parse of the rest; 0.4 balances the two on 100,000 rows (the rest's parse ends about when
#: score or validate is done with the first 40 %).
EARLY_HEAD_SHARE = 0.4


def read_in_halves(path: Path, only: Collection[str], read_head: Callable[[Any], list[Any]],
                   early: Callable[[list[Any], set[str]], None] | None = None
                   ) -> HalvesRead | None:
    """Read the workbook with its big worksheets parsed in halves on two threads.

    ``read_head(workbook)`` reads the sheets the caller wants from a calamine workbook (and
    gets the copy holding every first half); the second halves' rows and merged ranges are
    joined into what it returns (objects with ``name``, ``rows`` and ``merged``).  ``early``,
    when given, is called with those first-half sheets and the names of the cut ones while the
    second halves are still being parsed (their merged ranges and formula cells are not known
    yet).  None: no sheet big enough to cut, or none that can be cut safely.
    Raises whatever calamine raises on a half it refuses (the caller then reads the whole file).
    """
    share = EARLY_HEAD_SHARE if early is not None else 0.5
    with zipfile.ZipFile(path) as archive:
        members = sheet_members(archive)
        wanted = {name: member for name, member in members.items() if name in only} \
            if any(name in only for name in members) else members
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        big = {name: member for name, member in wanted.items()
               if sizes.get(member, 0) >= SPLIT_MIN_BYTES}
        if not big:
            return None
        cuts: dict[str, _Cut] = {}
        xml: dict[str, bytes] = {}
        try:
            for name, member in big.items():
                cut = _open_cut(archive, member, sizes[member], share)
                if cut is None:
                    xml[member] = archive.read(member)
                else:
                    cuts[name] = cut
            if not cuts:
                return None
            shared, worksheets = {}, {}
            sheet_xml = set(members.values())
            for info in archive.infolist():
                member = info.filename
                if info.is_dir() or member in xml or any(c.member == member
                                                         for c in cuts.values()):
                    continue
                if member not in sheet_xml:
                    shared[member] = archive.read(member)
                elif member in wanted.values():
                    worksheets[member] = archive.read(member)
                else:
                    worksheets[member] = _EMPTY_SHEET
            head_members: dict[str, Any] = {**shared, **worksheets, **xml}
            for cut in cuts.values():
                head_members[cut.member] = [cut.prefix,
                                            memoryview(cut.first)[cut.rows_start:cut.at],
                                            _HEAD_END]
            head = _Parse(_read_head, _stored_zip(head_members), read_head)
            del head_members
            head.start()
            formula_free: set[str] = set()
            tail = _Parse(_read_tails, cuts, shared, sheet_xml, xml, formula_free)
            tail.start()
            try:
                head.join()
                if early is not None and head.error is None:
                    early(head.result, set(cuts))
            finally:
                tail.join()
        finally:
            for cut in cuts.values():
                cut.stream.close()
    for part in (head, tail):
        if part.error is not None:
            raise part.error
    tails = tail.result
    for sheet in head.result:
        if sheet.name in tails:
            start, rows, merged = tails[sheet.name]
            sheet.rows = join_rows(sheet.rows, start, rows)
            sheet.merged = merged  # the first half was closed without the sheet's ending
    return HalvesRead(head.result, xml, formula_free)


def _open_cut(archive: zipfile.ZipFile, member: str, size: int,
              share: float = 0.5) -> _Cut | None:
    """Inflate the first ``share`` of a sheet and find a row to cut at (None: not safely)."""
    stream = archive.open(member)
    first = stream.read(max(1, int(size * share)))
    start = first.find(b"<sheetData")
    at = first.rfind(b"<row ")
    if start < 0 or at < 0:
        stream.close()
        return None  # element names with a namespace prefix (x:sheetData), or one huge row
    end_of_tag = first.find(b">", start)
    if end_of_tag < 0 or first[end_of_tag - 1:end_of_tag] == b"/":
        stream.close()
        return None
    rows_start = end_of_tag + 1
    first_row = first.find(b"<row", rows_start)
    if first_row >= 0 and at > first_row and not _ROW_NUMBER.match(first, at):
        at = first.rfind(b"<row ", first_row, at)  # the inflating stopped inside that tag
    if first_row < 0 or at <= first_row or not _ROW_NUMBER.match(first, at) or \
            not _ROW_NUMBER.match(first, first_row):
        stream.close()
        return None  # rows numbered only by their order
    # The dimension element would stretch each half to the whole sheet's size.
    prefix = _DIMENSION.sub(b"", first[:rows_start], count=1)
    return _Cut(member, stream, first, prefix, rows_start, at)


def _read_tails(cuts: dict[str, _Cut], shared: dict[str, bytes], sheet_xml: set[str],
                xml: dict[str, bytes], formula_free: set[str]
                ) -> dict[str, tuple[Any, list[list[Any]], list]]:
    """Inflate the rest of each cut sheet and parse its second half (with the sheet's real
    ending); return sheet name → (first cell, rows, merged ranges).  ``formula_free`` gets
    the cut sheets whose XML holds no formula."""
    from python_calamine import CalamineWorkbook

    tail_members: dict[str, Any] = {**shared, **dict.fromkeys(sheet_xml, _EMPTY_SHEET)}
    for cut in cuts.values():
        whole = xml[cut.member] = cut.first + cut.stream.read()
        if not ANY_FORMULA.search(whole):
            formula_free.add(cut.member)
        end = whole.rfind(b"</sheetData>")
        if end < cut.at:
            raise ValueError(f"{cut.member}: no end of the rows after the cut")
        view = memoryview(whole)
        tail_members[cut.member] = [cut.prefix, view[cut.at:end], view[end:]]
    workbook = CalamineWorkbook.from_filelike(_stored_zip(tail_members))
    tails = {}
    for name in cuts:
        sheet = workbook.get_sheet_by_name(name)
        tails[name] = (sheet.start, sheet.to_python(skip_empty_area=True),
                       list(sheet.merged_cell_ranges or []))
    return tails


def _read_head(data: io.BytesIO, read_head: Callable[[Any], list[Any]]) -> list[Any]:
    from python_calamine import CalamineWorkbook

    return read_head(CalamineWorkbook.from_filelike(data))


class _Parse(threading.Thread):
    """``work(*args)`` in the background (calamine releases the GIL while it parses and zlib
    while it inflates); its result or error is kept for the caller's thread."""

    def __init__(self, work: Callable[..., Any], *args: Any):
        super().__init__(name="pbm-split-parse", daemon=True)
        self.work, self.args = work, args
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work(*self.args)
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        self.args = ()


def _stored_zip(members: dict[str, Any]) -> io.BytesIO:
    """An uncompressed zip archive of ``members`` (name → bytes or a list of byte pieces),
    ready to be read from its start."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        for name, data in members.items():
            with out.open(name, "w") as member:
                for piece in data if isinstance(data, list) else [data]:
                    member.write(piece)
    archive.seek(0)
    return archive


def join_rows(head: list[list[Any]], tail_start: tuple[int, int] | None,
              tail: list[list[Any]]) -> list[list[Any]]:
    """The whole sheet's rows from A1, as ``to_python(skip_empty_area=False)`` of the uncut
    sheet gives them: the first half's rows (read from A1), blank rows up to where the second
    half starts, then its rows moved right to their columns; every row as wide as the widest."""
    if tail_start is None or not tail:
        return head
    first_row, first_col = tail_start
    if len(head) > first_row:
        raise ValueError("rows out of order: the cut does not fall between the halves")
    if first_col:
        pad = [""] * first_col
        tail = [pad + row for row in tail]
    width = max(len(head[0]) if head else 0, len(tail[0]))
    for part in (head, tail):
        if part and len(part[0]) < width:
            for row in part:
                row.extend([""] * (width - len(row)))
    rows = head
    if len(rows) < first_row:
        rows.extend([""] * width for _ in range(first_row - len(rows)))
    rows.extend(tail)
    return rows
