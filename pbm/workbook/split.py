"""A big worksheet parsed by calamine on two cores at once.

calamine parses one sheet on one core (1.2 s for a 100,000-row sheet, with the GIL released).
A worksheet's XML is a flat run of ``<row>`` elements, each carrying its own row number, so
it can be cut between two rows into two complete worksheets.  Each half goes into a copy of the
workbook (members stored, not compressed: the inflating is done once, here), the copies are
parsed on two threads, and the two halves' rows are put back where their cells say they
belong.  Only sheets of at least ``SPLIT_MIN_BYTES`` of XML are cut; anything unusual (no
plain ``<sheetData>``, rows without numbers, a half calamine refuses) falls back to the
ordinary one-thread read of the whole file, so the result never depends on the cut.
"""

from __future__ import annotations

import html
import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

#: Sheets with less XML than this (about 18,000 list rows) are parsed whole: cutting costs
#: two copies of the XML, which only pays on big sheets.
SPLIT_MIN_BYTES = 16 * 1024 * 1024

_SHEET_REL = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|'
                  rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="\d+"')
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
    """One sheet's XML cut between two rows: ``head`` and ``tail`` are complete worksheets
    as lists of byte pieces (joined only inside the archive copy)."""

    member: str
    head: list[Any]
    tail: list[Any]


@dataclass
class SplitRead:
    """The big sheets of one workbook, inflated and cut, and what the two archive copies
    share.  ``xml`` keeps each big sheet's whole XML (for the formula scan)."""

    shared: dict[str, bytes]  # members that are no worksheet: workbook.xml, styles, strings
    worksheets: dict[str, bytes]  # worksheet member → its XML (a blank sheet if not read)
    cuts: dict[str, _Cut]  # sheet name → cut
    xml: dict[str, bytes] = field(default_factory=dict)  # big sheet member → XML

    @property
    def sheets(self) -> set[str]:
        return set(self.cuts)


def plan(archive: zipfile.ZipFile, only: Collection[str] = (),
         min_bytes: int | None = None) -> SplitRead | None:
    """The cuts for the worksheets of ``archive`` with at least ``min_bytes`` of XML
    (``SPLIT_MIN_BYTES`` by default; of those in ``only`` when it names sheets the workbook
    has); None when there is nothing to cut."""
    if min_bytes is None:
        min_bytes = SPLIT_MIN_BYTES
    sizes = {info.filename: info.file_size for info in archive.infolist()}
    members = sheet_members(archive)
    wanted = {name: member for name, member in members.items() if name in only} \
        if any(name in only for name in members) else members
    big = {name: member for name, member in wanted.items() if sizes.get(member, 0) >= min_bytes}
    if not big:
        return None
    cuts, xml = {}, {}
    for name, member in big.items():
        data = xml[member] = archive.read(member)
        cut = _cut(member, data)
        if cut is not None:
            cuts[name] = cut
    if not cuts:
        return None
    read = set(wanted.values())
    shared, worksheets = {}, {}
    for info in archive.infolist():
        member = info.filename
        if info.is_dir():
            continue
        if member in members.values():
            worksheets[member] = (xml.get(member) or archive.read(member)) \
                if member in read else _EMPTY_SHEET
        else:
            shared[member] = archive.read(member)
    return SplitRead(shared, worksheets, cuts, xml)


def _cut(member: str, data: bytes) -> _Cut | None:
    """Cut a worksheet's XML at the first row starting past its middle (None: not safely)."""
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        return None  # no rows, or element names with a namespace prefix (x:sheetData)
    start = data.index(b">", start) + 1
    middle = data.find(b"<row ", (start + end) // 2, end)
    if middle < 0 or not _ROW_NUMBER.match(data, middle) or \
            not _ROW_NUMBER.match(data, data.find(b"<row", start, end)):
        return None  # one huge row, or rows numbered only by their order
    view = memoryview(data)
    # The dimension element would stretch each half to the whole sheet's size.
    prefix = _DIMENSION.sub(b"", data[:start], count=1)
    suffix = view[end:]
    return _Cut(member, [prefix, view[start:middle], suffix], [prefix, view[middle:end], suffix])


def _stored_zip(members: dict[str, Any]) -> bytes:
    """An uncompressed zip archive of ``members`` (name → bytes or a list of byte pieces)."""
    out: list[Any] = []
    central: list[bytes] = []
    offset = 0
    for name, data in members.items():
        pieces = data if isinstance(data, list) else [data]
        crc, size = 0, 0
        for piece in pieces:
            crc = zlib.crc32(piece, crc)
            size += len(piece)
        if size >= 0xFFFFFFFF or offset >= 0xFFFFFFFF:
            raise ValueError("a split half is too large for a plain zip archive")
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, size, size,
                            len(encoded), 0) + encoded
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21,
                                   crc, size, size, len(encoded), 0, 0, 0, 0, 0, offset)
                       + encoded)
        out.append(local)
        out.extend(pieces)
        offset += len(local) + size
    directory = b"".join(central)
    out.append(directory)
    out.append(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                           len(directory), offset, 0))
    return b"".join(out)


class _TailParse(threading.Thread):
    """Parses the second halves in the background (calamine releases the GIL)."""

    def __init__(self, data: bytes, names: list[str]):
        super().__init__(name="pbm-split-parse", daemon=True)
        self.data, self.names = data, names
        self.rows: dict[str, tuple[tuple[int, int] | None, list[list[Any]]]] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            for name in self.names:
                sheet = workbook.get_sheet_by_name(name)
                self.rows[name] = (sheet.start, sheet.to_python(skip_empty_area=True))
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        self.data = b""


def open_halves(split: SplitRead) -> tuple[Any, _TailParse]:
    """Start parsing the second halves; return the calamine workbook holding the first halves
    (and every other sheet read) and the running parse of the second halves."""
    from python_calamine import CalamineWorkbook

    tail_members: dict[str, Any] = dict(split.shared)
    tail_members.update(dict.fromkeys(split.worksheets, _EMPTY_SHEET))
    for cut in split.cuts.values():
        tail_members[cut.member] = cut.tail
    tail = _TailParse(_stored_zip(tail_members), sorted(split.cuts))
    tail.start()
    try:
        head_members: dict[str, Any] = dict(split.shared)
        head_members.update(split.worksheets)
        for cut in split.cuts.values():
            head_members[cut.member] = cut.head
        return CalamineWorkbook.from_filelike(io.BytesIO(_stored_zip(head_members))), tail
    except BaseException:
        tail.join()
        raise


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
