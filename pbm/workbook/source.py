"""Open a workbook file safely and return its sheets as grids of raw cell values.

Cell values come from python-calamine (each cell keeps its own type); CSV files are
decoded as UTF-8 or GBK.  Before anything is parsed the file is checked against the
configured size and compression limits (zip bombs) and for encryption, so a bad file
becomes one clear ``PbmError`` instead of a traceback or a hung process.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.workbook.table import is_blank

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
#: What reading a damaged archive member raises: a bad header, a short file, a deflate stream
#: that does not inflate (zlib.error, not an OSError), a bad CRC.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 100
    max_uncompressed_mb: float = 1000
    max_zip_ratio: float = 200
    header_search_rows: int = 15
    #: ``validate --annotate``: cells (and rows) an annotated copy may hold; openpyxl, which
    #: makes the copy, holds each as an object (about 20 s and 600 MB per million).
    annotate_max_cells: int = 1_000_000

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> Limits:
        section = section or {}
        return cls(**{k: section[k] for k in cls.__dataclass_fields__ if k in section})


@dataclass
class RawSheet:
    """One sheet: ``rows[r][c]`` is the raw value of the cell at 0-based (r, c) from A1."""

    name: str
    visible: bool
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # formulas without a value

    def nonempty_count(self) -> int:
        """Non-empty rows counted from the cells themselves, a formula without a cached value
        included (it holds what the department wrote, though nothing can be read from it):
        what the monitor's 台账 must account for, counted apart from the layout."""
        return len(set(nonempty_rows(self.rows)) | {r for r, _ in self.formula_cells})


def nonempty(row: list[Any]) -> bool:
    return any(not is_blank(value) for value in row)


def nonempty_rows(rows: list[list[Any]]) -> list[int]:
    """The rows holding a value (the one blank-cell rule, ``is_blank``)."""
    # Most rows show it in their first cell; the others are looked at cell by cell.
    return [r for r, row in enumerate(rows)
            if (row and not is_blank(row[0])) or nonempty(row)]


@dataclass
class RawWorkbook:
    path: Path
    sha256: str
    sheets: list[RawSheet]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_workbook(path: Path, limits: Limits = Limits(), display: str | None = None,
                  only: Collection[str] = (), scan_first: bool = False) -> RawWorkbook:
    """Read every sheet of ``path`` — or, when ``only`` names sheets the workbook has, just
    those.  Raises ``PbmError`` (R-UNREADABLE, R-TOO-LARGE, R-EMPTY).

    ``scan_first``: check a large workbook's sheets too before the native reader sees them
    (one of several inputs: a crafted file must not end the reading of the others) rather
    than while it reads (the only input: 0.35 s saved on 100,000 rows)."""
    name = display or str(path)
    head = _check_file(path, name, limits)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = [_read_csv(path, name)]
    elif head.startswith(_ZIP_MAGIC):
        scan = _check_zip(path, name, limits)
        if scan_first or scan.sheet_bytes <= _SCAN_FIRST_BYTES:
            # A workbook of a department's size, or one of several inputs: its sheets are
            # checked whole (formulas without a value, cells beyond Excel's grid, a sparse
            # grid, parts that lie) before the native reader sees them.
            scan.before = True
            scan.run()
            scan.raise_error()
            sheets = _read_calamine(path, name, only)
        else:
            # A large workbook: the scan (unzip + search of the sheet XML) runs while calamine
            # parses — both release the GIL for most of their time.
            scan.start()
            try:
                sheets = _read_calamine(path, name, only)
            finally:
                scan.join()
            scan.raise_error()
        for sheet in sheets:
            _apply_formulas(sheet, scan.formula_cells.get(sheet.name, {}))
    elif head == _OLE_MAGIC:
        if _is_encrypted_ole(path):
            raise PbmError("R-UNREADABLE", file=name,
                           reason="工作簿已加密（设置了打开密码） / the workbook is encrypted")
        sheets = _read_calamine(path, name, only)
    elif suffix in {".xlsx", ".xlsm", ".xls"}:
        raise PbmError("R-UNREADABLE", file=name,
                       reason="不是 Excel 工作簿（文件内容与扩展名不符） / not an Excel workbook")
    else:
        raise PbmError("R-UNREADABLE", file=name,
                       reason=f"不支持的文件类型 {suffix or '(无扩展名)'} / unsupported file type")
    if not any(not is_blank(v) for sheet in sheets for row in sheet.rows for v in row):
        raise PbmError("R-EMPTY", file=name)
    return RawWorkbook(path=path, sha256=file_sha256(path), sheets=sheets)


def sheet_names(path: Path, limits: Limits = Limits(), display: str | None = None) -> list[str]:
    """The worksheet names of an .xlsx/.xlsm workbook, from its workbook.xml alone (no sheet is
    parsed), after the same file and zip checks as :func:`open_workbook`; [] for a CSV or .xls
    file.  Enough to tell what kind of workbook a file is before reading it."""
    name = display or str(path)
    if not _check_file(path, name, limits).startswith(_ZIP_MAGIC):
        return []
    _check_zip(path, name, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            return list(sheet_members(archive))
    except _ZIP_ERRORS:
        return []  # open_workbook says what is wrong with it


def _check_file(path: Path, name: str, limits: Limits) -> bytes:
    """Refuse a missing, empty or too large file; its first 8 bytes (the format's magic)."""
    if not path.is_file():
        raise PbmError("R-NOT-FOUND", file=name)
    size = path.stat().st_size
    if size > limits.max_file_mb * 1024 * 1024:
        raise PbmError("R-TOO-LARGE", file=name,
                       reason=f"{size / 1048576:.1f} MB > {limits.max_file_mb} MB")
    if size == 0:
        raise PbmError("R-UNREADABLE", file=name, reason="文件为空 (0 字节) / empty file")
    with path.open("rb") as handle:
        return handle.read(8)


#: Sheets of up to this much XML are scanned before calamine reads them (about 40 ms);
#: larger ones while it reads (the bench's 83 MB would cost 0.4 s in series).
_SCAN_FIRST_BYTES = 16 * 1024 * 1024


class _FormulaScan(threading.Thread):
    """``_formulas_without_value`` and the grid check of every sheet: run ``before`` calamine
    reads a workbook (then also the sparse-grid and member checks), or in a thread while it
    reads a large one given alone."""

    def __init__(self, path: Path, name: str, sheet_bytes: int):
        super().__init__(name="pbm-formula-scan", daemon=True)
        self.path, self.file, self.sheet_bytes = path, name, sheet_bytes
        self.before = False
        self.formula_cells: dict[str, dict[tuple[int, int], str]] = {}
        self.error: PbmError | None = None

    def run(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                self.formula_cells = _formulas_without_value(archive, self.file,
                                                             extent=self.before)
                if self.before:
                    _check_members(archive, self.file)
        except PbmError as exc:
            self.error = exc
        except _ZIP_ERRORS as exc:
            self.error = PbmError("R-UNREADABLE", file=self.file,
                                  reason=f"文件已损坏或不完整 / truncated or damaged file ({exc})")

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def _check_zip(path: Path, name: str, limits: Limits) -> _FormulaScan:
    """Refuse zip bombs, archives that are no workbook and truncated archives before anything
    is unpacked; the returned scan finds formulas stored without a value."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise PbmError("R-UNREADABLE", file=name,
                       reason="文件已损坏或不完整（压缩包无法打开） / truncated or damaged file") from None
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > limits.max_uncompressed_mb * 1024 * 1024:
            raise PbmError("R-TOO-LARGE", file=name,
                           reason=f"解压后 {total / 1048576:.0f} MB > {limits.max_uncompressed_mb} MB")
        size = path.stat().st_size
        for info in infos:
            if info.header_offset + info.compress_size > size:
                # reading it would ask for gigabytes at once (0xFFFFFFFF: a MemoryError)
                raise _part_mismatch(name, info.filename)
            if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio \
                    and info.file_size > 10 * 1024 * 1024:
                raise PbmError("R-TOO-LARGE", file=name,
                               reason=f"{info.filename} 压缩比 {info.file_size // info.compress_size}:1")
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise PbmError("R-UNREADABLE", file=name,
                           reason="压缩包里没有 Excel 工作簿内容 / a zip file, but not an Excel workbook")
        sheet_bytes = sum(info.file_size for info in infos
                          if info.filename.startswith("xl/worksheets/"))
        _check_shared_strings(archive, name, sheet_bytes)
    return _FormulaScan(path, name, sheet_bytes)


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    """Every part inflates to the size its header states, with its checksum: a part whose
    header lies (a zip bomb declaring 1 KB that inflates to GBs) is refused before the native
    reader inflates it whole. Python stops reading a part at its stated size, in chunks."""
    bad = archive.testzip()
    if bad is not None:
        raise _part_mismatch(name, bad)


def _part_mismatch(name: str, part: str) -> PbmError:
    return PbmError("R-UNREADABLE", file=name, reason=(
        f"压缩包中的 {part} 与其声明的大小或校验和不符，文件已损坏或被篡改 / {part} does not "
        f"match its stated size or checksum: damaged or crafted file"))


_SST_HEAD = re.compile(rb'<sst\b[^>]*>')
_SST_COUNT = re.compile(rb'\b(count|uniqueCount)="\s*(\d+)\s*"')


def _check_shared_strings(archive: zipfile.ZipFile, name: str, sheet_bytes: int) -> None:
    """A sharedStrings part whose ``uniqueCount`` promises more strings than its bytes can
    hold (each ``<si>…</si>`` takes at least 9), or whose ``count`` more references than the
    sheets can hold (each at least 10 bytes): the native reader would reserve memory for them
    all and abort (``999999999999``)."""
    member = next((info for info in archive.infolist()
                   if info.filename.lower() == "xl/sharedstrings.xml"), None)
    if member is None:
        return
    try:
        with archive.open(member) as stream:
            head = _SST_HEAD.search(stream.read(4096))
    except _ZIP_ERRORS:
        raise _part_mismatch(name, member.filename) from None
    if head is None:
        return
    for match in _SST_COUNT.finditer(head.group(0)):
        attribute, value = match.group(1).decode(), int(match.group(2))
        room = member.file_size // 9 if attribute == "uniqueCount" else sheet_bytes // 10
        if value > room + 1:
            raise PbmError("R-UNREADABLE", file=name, reason=(
                f"共享字符串表声明 {attribute}={value}，超出其内容所能容纳的数量（约 {room}），"
                f"文件已损坏或被篡改 / the shared-string table claims {attribute}={value}, more "
                f"than it can hold (about {room}): damaged or crafted file"))


_SHEET_REL = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|'
                  rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
#: Any formula element in a sheet's XML (a regex: faster than ``b"<f" in data`` on 88 MB).
ANY_FORMULA = re.compile(rb"<f[\s>/]")


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


_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?>\s*<f[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
#: A "formula" that is a constant, maybe with its unit: ``=100%``, ``=8个`` typed as a target
#: (等于 100%, 等于 8 个) and stored without a value.
_CONSTANT_FORMULA = re.compile(r"^\s*[+-]?\d+(?:\.\d+)?\s*(?:%|[\u4e00-\u9fff][\u4e00-\u9fff/·]{0,7})?\s*$")


#: Excel's grid: 1,048,576 rows, 16,384 columns (XFD).
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
#: A reference with four letters or more, three from X on (XFD is the last column), or a
#: row of seven digits or more: the only candidates beyond the grid. Searched for after its
#: literal ``r="``, which keeps the search of a 100 MB sheet well under a second.
_GRID_CANDIDATE = re.compile(rb'r="([A-Z]{4,}\d*|[X-Z][A-Z]{2}\d*|[A-Z]{0,3}\d{7,})"')
_DIMENSION = re.compile(rb'<dimension\s[^>]*?\bref="[A-Z]*\d*:?([A-Z]+\d+)"')
_REFERENCE = re.compile(r"([A-Z]*)(\d*)")


def _beyond_grid(data: bytes) -> tuple[str | None, str] | None:
    """The first row, cell or dimension of a sheet's XML outside Excel's grid: (its cell
    reference, or None for a row; what it is, as text)."""
    head = data[:max(data.find(b"<sheetData"), 0)] or data
    dimension = _DIMENSION.search(head)
    if dimension is not None and _outside(dimension.group(1).decode()):
        shown = dimension.group(1).decode()[:24]
        return shown, f"工作表范围（dimension）{shown} / dimension {shown}"
    for match in _GRID_CANDIDATE.finditer(data):
        tag = data[data.rfind(b"<", 0, match.start()):match.start()]
        if b">" in tag or (not tag[2:3].isspace() and not tag.startswith(b"<row")):
            continue  # text that looks like an attribute, or another element's
        reference = match.group(1).decode()
        if tag.startswith(b"<row"):
            if reference.isdigit() and int(reference) > MAX_ROWS:
                return None, f"第 {int(reference)} 行 / row {int(reference)}"
        elif tag[:2] == b"<c" and _outside(reference):
            shown = reference[:24]
            return shown, f"单元格 {shown} / cell {shown}"
    return None


def _outside(reference: str) -> bool:
    letters, digits = _REFERENCE.fullmatch(reference).groups()  # type: ignore[union-attr]
    return len(letters) > 3 or (bool(letters) and column_index(letters) >= MAX_COLUMNS) or \
        (bool(digits) and int(digits) > MAX_ROWS)


#: A grid up to its farthest cell of more cells than this, most of them empty, is refused:
#: the native reader allocates every cell of it (32 bytes each, then a Python list), so one
#: value at XFD1048576 asks for 549 GB and aborts, one at J1048576 takes 12 s and 500 MB.
MAX_SPARSE_CELLS = 5_000_000
#: … "most of them empty": the grid over this many times the cells the sheet holds.
_SPARSE_RATIO = 4
_CELL_COLUMN = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})\d{1,7}"')
_CELL_ROW = re.compile(rb'<c\s[^>]*?\br="[A-Z]{1,3}(\d{1,7})"')
_ROW_REF = re.compile(rb'<row\s[^>]*?\br="(\d{1,7})"')


def _sparse_extent(data: bytes) -> tuple[str, int] | None:
    """(the farthest cell, the cells of the grid up to it) of a sheet's XML whose grid is
    over MAX_SPARSE_CELLS and over _SPARSE_RATIO times the cells it holds; else None.
    The farthest column and row are found apart, each from its few distinct values (a set of
    (column, row) pairs would hold one entry per cell)."""
    columns = set(_CELL_COLUMN.findall(data))
    if not columns:
        return None
    rows = max(map(int, set(_CELL_ROW.findall(data)) | set(_ROW_REF.findall(data))))
    letters = max(columns, key=lambda text: (len(text), text))
    cells = rows * (column_index(letters.decode()) + 1)
    if cells <= max(MAX_SPARSE_CELLS, _SPARSE_RATIO * data.count(b"<c ")):
        return None
    return f"{letters.decode()}{rows}", cells


def _formulas_without_value(archive: zipfile.ZipFile, file: str = "", extent: bool = False
                            ) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → 0-based (row, col) of formula cells that carry no cached value, each with
    what the cell is to read as: ``"=100%"`` for a constant (the text the department typed),
    else ``""`` (blank, reported).  Only sheets whose XML contains a formula are scanned for
    them; every sheet is checked for rows and cells beyond Excel's grid (R-UNREADABLE naming
    the sheet and the cell: the native reader would try to allocate the grid up to them) and,
    with ``extent``, for a mostly empty grid of over MAX_SPARSE_CELLS up to its farthest cell."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    for sheet_name, member in sheet_members(archive).items():
        data = archive.read(member)
        beyond = _beyond_grid(data)
        if beyond is not None:
            reference, what = beyond
            raise PbmError("R-UNREADABLE", file=file, sheet=sheet_name, cell=reference, reason=(
                f"{what} 超出 Excel 表格范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列 XFD），"
                f"文件已损坏或被篡改 / beyond Excel's grid: damaged or crafted file"))
        sparse = _sparse_extent(data) if extent else None
        if sparse is not None:
            reference, cells = sparse
            raise PbmError("R-UNREADABLE", file=file, sheet=sheet_name, cell=reference, reason=(
                f"工作表范围延伸到 {reference}（{cells:,} 个单元格，绝大部分为空），超出可读取的上限 "
                f"{MAX_SPARSE_CELLS:,} 个单元格；请删除远处的多余单元格 / the sheet reaches {reference} "
                f"({cells:,} cells, nearly all empty), over the {MAX_SPARSE_CELLS:,} cells pbm reads: "
                f"delete the stray far-away cells"))
        if not ANY_FORMULA.search(data):
            continue
        cells = {}
        for cell in _FORMULA_CELL.finditer(data):
            body = html.unescape((cell.group(3) or b"").decode("utf-8", "replace")).strip()
            text = "=" + body if _CONSTANT_FORMULA.match(body) else ""
            cells[(int(cell.group(2)) - 1, column_index(cell.group(1).decode()))] = text
        if cells:
            found[sheet_name] = cells
    return found


def _apply_formulas(sheet: RawSheet, cells: dict[tuple[int, int], str]) -> None:
    """A constant formula reads as its text; any other formula without a value is blank.
    Rows the native reader left out (the sheet's last rows hold only such formulas) are
    added blank, so that every formula cell has its row."""
    height = max((r + 1 for r, _ in cells), default=0)
    if height > len(sheet.rows):
        width = max((len(row) for row in sheet.rows), default=0)
        width = max(width, max(c + 1 for _, c in cells))
        sheet.rows.extend([""] * width for _ in range(height - len(sheet.rows)))
    for (r, c), text in cells.items():
        if not text:
            sheet.formula_cells.add((r, c))
        elif r < len(sheet.rows) and c < len(sheet.rows[r]):
            sheet.rows[r][c] = text


def column_index(letters: str) -> int:
    """'A' → 0, 'AB' → 27."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _is_encrypted_ole(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream.
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data


def _read_calamine(path: Path, name: str, only: Collection[str] = ()) -> list[RawSheet]:
    try:
        workbook = _calamine_workbook(path)
        metas = [m for m in workbook.sheets_metadata if "WorkSheet" in str(m.typ)]
        if any(m.name in only for m in metas):
            metas = [m for m in metas if m.name in only]
        sheets = []
        for meta in metas:
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
            visible = str(meta.visible).rsplit(".", 1)[-1] == "Visible"
            sheets.append(RawSheet(name=meta.name, visible=visible, rows=rows, merged=merged))
        return sheets
    except PbmError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            reason = "工作簿已加密 / the workbook is encrypted"
        else:
            reason = f"文件已损坏或不完整 / damaged or truncated file ({text[:120]})"
        raise PbmError("R-UNREADABLE", file=name, reason=reason) from None


def _calamine_workbook(path: Path):
    """calamine's workbook of ``path``; from an open file when the name is no valid UTF-8
    (``bad\xff.xlsx`` on Linux), which the native reader cannot take as a path."""
    from python_calamine import CalamineWorkbook

    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        with path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    return CalamineWorkbook.from_path(text)


def _read_csv(path: Path, name: str) -> RawSheet:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise PbmError("R-UNREADABLE", file=name, reason="不是文本 CSV 文件 / not a text CSV file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PbmError("R-UNREADABLE", file=name,
                       reason="无法识别文件编码（应为 UTF-8 或 GBK） / unknown encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # A field may be as long as the file (csv's own limit is 131,072 characters; what pbm
    # writes is cut to Excel's cell limit with a visible note). newline="": rows end at
    # \r\n, \n or a lone \r (old Mac / Excel exports) alike.
    csv.field_size_limit(max(len(text), 131_072))
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows: list[list[str]] = []
    start = 1  # the line the record being read began on
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PbmError("R-UNREADABLE", file=name, cell=f"第 {start} 行", reason=(
            f"CSV 自第 {start} 行起格式错误（{exc}），常见原因是引号不成对 / CSV malformed from "
            f"line {start}, often an unbalanced quote")) from None
    width = max((len(r) for r in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return RawSheet(name=path.stem, visible=True, rows=rows)
