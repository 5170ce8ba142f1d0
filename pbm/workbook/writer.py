"""The one xlsx writer for pbm's outputs: XlsxWriter directly, Format objects made once,
submitted text written inert (never a formula), atomic replace, one writer per folder, and
output sets (several files that belong together) staged and published all at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.values import utf8_text

FILLS = {"red": "#FFC7CE", "yellow": "#FFEB9C", "green": "#C6EFCE", "error": "#FFC7CE",
         "warning": "#FFEB9C", "info": "#DDEBF7"}
FIXED_CREATED = dt.datetime(2026, 1, 1)  # document property: keeps repeated runs byte-comparable
EXCEL_TEXT_LIMIT = 32767  # characters one Excel cell holds
EXCEL_MAX_ROWS = 1_048_575  # data rows one sheet holds below its header (1,048,576 in all)
#: The start of the name of everything a run writes before it is in place: atomic_path's
#: temporary files and the staging folders of output sets.
STAGING_PREFIX = ".~pbm-"
_CUT_MARK = "……〔超出 Excel 单元格 32767 字符上限，以下已截断，全文见原文件〕"


def excel_text(text: str) -> str:
    """Text as one Excel cell can hold it: past 32,767 characters it is cut, and says so
    (XlsxWriter would cut it silently, the Rust writer refuses the whole workbook); bytes
    that were no valid UTF-8 in a file name are shown as ``\xff``."""
    text = utf8_text(text)
    if len(text) <= EXCEL_TEXT_LIMIT:
        return text
    return text[:EXCEL_TEXT_LIMIT - len(_CUT_MARK)] + _CUT_MARK


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[list[Any]]
    widths: dict[int, float] = field(default_factory=dict)
    row_fills: list[str | None] | None = None  # per-row key of FILLS
    number_formats: dict[int, str] = field(default_factory=dict)  # column → Excel number format
    freeze: bool = True
    autofilter: bool = True


def make_folder(folder: Path) -> Path:
    """Create an output folder (and its parents); a name taken by a file, or a folder pbm may
    not write, is one clear error (CLI-WRITE-FAILED) naming it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise PbmError("CLI-WRITE-FAILED", file=str(folder),
                       reason=f"{folder} 已是一个文件，不是文件夹 / exists and is not a folder") from None
    except OSError as exc:
        raise PbmError("CLI-WRITE-FAILED", file=str(folder), reason=str(exc)) from None
    return folder


_NOT_REGULAR = ((stat.S_ISDIR, "文件夹", "a folder"), (stat.S_ISFIFO, "命名管道", "a named pipe (FIFO)"),
                (stat.S_ISCHR, "字符设备", "a character device"), (stat.S_ISBLK, "块设备", "a block device"),
                (stat.S_ISSOCK, "套接字", "a socket"))


def refuse_non_regular(target: Path) -> None:
    """An output goes to a regular file or a new path, nothing else: an existing folder,
    named pipe, device or socket at ``target`` (or where a symlink there points) is refused
    (CLI-WRITE-FAILED) before anything is written — ``-o /dev/full`` must not replace the
    device with a workbook, nor a pipe swallow it."""
    try:
        mode = os.stat(target).st_mode  # through a symlink: what the name stands for
    except OSError:
        return  # a new path (or a dangling link): the write itself says what fails
    if stat.S_ISREG(mode):
        return
    zh, en = next(((zh, en) for test, zh, en in _NOT_REGULAR if test(mode)), ("特殊文件", "a special file"))
    link_zh = link_en = ""
    with contextlib.suppress(OSError):
        if os.path.islink(target):
            link_zh, link_en = f"（链接到 {os.readlink(target)}）", f" (a link to {os.readlink(target)})"
    raise PbmError("CLI-WRITE-FAILED", file=str(target),
                   reason=f"这是{zh}{link_zh}，不是普通文件；pbm 只写入普通文件或新文件 / "
                          f"it is {en}{link_en}, not a regular file; pbm writes only regular files "
                          "or new paths")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target``, renamed into place only if the block succeeds —
    a crash or an error never leaves a half-written output.  A failing disk or folder is one
    clear error (CLI-WRITE-FAILED) naming the output; so is a target that exists and is no
    regular file (:func:`refuse_non_regular`)."""
    target = Path(target)
    refuse_non_regular(target)
    make_folder(target.parent)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=target.suffix,
                                             dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise PbmError("CLI-WRITE-FAILED", file=str(target), reason=str(exc)) from None
    try:
        yield Path(temp_name)
        # mkstemp makes the file private (0600); outputs are shared like any file the user saves.
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, target)
    except OSError as exc:
        _unlink(temp_name)
        raise PbmError("CLI-WRITE-FAILED", file=str(target), reason=str(exc)) from None
    except BaseException:
        _unlink(temp_name)
        raise


def staging_folder(parent: Path, kind: str) -> Path:
    """A hidden folder inside ``parent`` where a run writes a whole output set before any of it
    is in place — on the same file system, so :func:`publish` is renames only.  A run that
    fails or is killed before publishing leaves the previous set as it was; what it staged is
    removed by the run itself or, after a kill, by the next run's :func:`output_lock`."""
    make_folder(parent)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{kind}-", dir=parent))
    except OSError as exc:
        raise PbmError("CLI-WRITE-FAILED", file=str(parent), reason=str(exc)) from None


def check_targets(staging: Path, final: Path) -> list[str]:
    """The names staged at the top of ``staging``, once ``final`` is a folder and none of them
    there is an existing pipe, device or folder (CLI-WRITE-FAILED otherwise, before anything
    is moved: a caller publishing several sets checks them all first)."""
    make_folder(final)
    produced = sorted(p.name for p in staging.iterdir() if p.is_file()) if staging.is_dir() else []
    for name in produced:
        refuse_non_regular(final / name)
    return produced


def publish(staging: Path, final: Path, owned: tuple[str, ...] = ()) -> list[Path]:
    """Move every file staged at the top of ``staging`` into ``final`` (each an atomic rename),
    then remove the files of ``final`` with a suffix in ``owned`` that this run did not
    produce — a re-run replaces the previous set.  Called only once the whole set is staged."""
    produced = check_targets(staging, final)
    try:
        for name in produced:
            os.replace(staging / name, final / name)
        keep = set(produced)
        for old in final.iterdir():
            if old.is_file() and old.suffix.lower() in owned and old.name not in keep:
                old.unlink()
    except OSError as exc:
        raise PbmError("CLI-WRITE-FAILED", file=str(final), reason=str(exc)) from None
    return [final / name for name in produced]


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def build_xlsx(path: Path, build) -> Path:
    """Call ``build(workbook)`` on a fresh XlsxWriter workbook written atomically to ``path``
    (forms and templates that need merged cells, drop-down lists or their own layout)."""
    import xlsxwriter

    with atomic_path(path) as temp:
        workbook = xlsxwriter.Workbook(str(temp), {"strings_to_formulas": False,
                                                   "strings_to_urls": False})
        workbook.set_properties({"created": FIXED_CREATED, "author": "pbm"})
        build(workbook)
        workbook.close()
    return Path(path)


def write_xlsx(path: Path, sheets: list[Sheet], engine: str = "auto",
               apart: list[Path] | None = None) -> Path:
    """Write ``sheets`` to ``path`` atomically (temporary file in the same folder, then rename).
    A sheet too long for Excel is written beside the workbook (:func:`_apart`); ``apart``, when
    given, collects those files.

    ``engine="auto"`` uses the Rust writer (rustpy-xlsxwriter, the ``fast`` extra) when it is
    installed — the same cell values, several times faster on big outputs — and XlsxWriter
    otherwise; ``PBM_XLSX_ENGINE=xlsxwriter`` forces XlsxWriter.
    """
    path = Path(path)
    sheets, tables = _apart(path, sheets)
    if apart is not None:
        apart.extend(tables)
    if engine != "xlsxwriter":
        from pbm.workbook import fastwrite

        if fastwrite.available() and fastwrite.can_write(sheets):
            return fastwrite.write_xlsx_fast(path, sheets)
    import xlsxwriter

    with atomic_path(path) as temp:
        _write_sheets(xlsxwriter, temp, sheets)
    return path


def _apart(path: Path, sheets: list[Sheet]) -> tuple[list[Sheet], list[Path]]:
    """A sheet of more rows than Excel holds goes to ``<workbook>-<sheet>.parquet`` (CSV
    without pyarrow) beside the workbook; in its place the sheet says where it went."""
    if all(len(sheet.rows) <= EXCEL_MAX_ROWS for sheet in sheets):
        return sheets, []
    kept, apart = [], []
    for sheet in sheets:
        if len(sheet.rows) <= EXCEL_MAX_ROWS:
            kept.append(sheet)
            continue
        table, note = sheet_beside(
            path, sheet.name, sheet.columns, sheet.rows,
            f"本表共 {len(sheet.rows):,} 行，超过 Excel 工作表的上限（{EXCEL_MAX_ROWS:,} 行），"
            "已另存为 {table}")
        apart.append(table)
        kept.append(note)
    return kept, apart


def sheet_beside(workbook: Path, name: str, columns: list[str], rows, note: str
                 ) -> tuple[Path, Sheet]:
    """A sheet's rows (a list or an iterator) written beside ``workbook`` as
    ``<workbook>-<sheet>.parquet`` (CSV without pyarrow), and the sheet that stays in the
    workbook in its place: one 说明 cell, ``note`` with ``{table}`` the file's name."""
    from pbm.workbook.outputs import DETAIL_NOTE
    from pbm.workbook.tables import write_table

    table = write_table(workbook.with_name(f"{workbook.stem}-{name}"), list(columns), rows,
                        "parquet")
    return table, Sheet(name, [DETAIL_NOTE], [[note.format(table=table.name)]],
                        widths={0: 90}, autofilter=False)


def _write_sheets(xlsxwriter, temp_name: Path, sheets: list[Sheet]) -> None:
    workbook = xlsxwriter.Workbook(str(temp_name), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "nan_inf_to_errors": True})
    workbook.set_properties({"created": FIXED_CREATED, "author": "pbm"})
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                  "text_wrap": True, "valign": "vcenter"})
    formats: dict[tuple[str | None, str | None], Any] = {}

    def fmt(fill: str | None, number: str | None):
        key = (fill, number)
        if key not in formats:
            spec: dict[str, Any] = {}
            if fill:
                spec["bg_color"] = FILLS[fill]
            if number:
                spec["num_format"] = number
            formats[key] = workbook.add_format(spec) if spec else None
        return formats[key]

    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        for col, title in enumerate(sheet.columns):
            ws.write_string(0, col, str(title), header)
            ws.set_column(col, col, sheet.widths.get(col, _width(title)))
        for r, row in enumerate(sheet.rows, start=1):
            fill = sheet.row_fills[r - 1] if sheet.row_fills else None
            for col, value in enumerate(row):
                number = sheet.number_formats.get(col)
                if number is None and isinstance(value, dt.date):
                    number = date_format(value)  # a date shows as a date, coloured row or not
                write_value(ws, r, col, value, fmt(fill, number))
        if sheet.freeze and sheet.columns:
            ws.freeze_panes(1, 0)
        if sheet.autofilter and sheet.columns and sheet.rows:
            ws.autofilter(0, 0, len(sheet.rows), len(sheet.columns) - 1)
    workbook.close()


def _width(title: Any) -> float:
    text = str(title)
    return max(8.0, min(40.0, sum(2 if ord(ch) > 255 else 1 for ch in text) + 2))


def date_format(value: dt.date) -> str:
    """How a date cell of a pbm workbook shows (both writers): the day, and the time when it
    has one."""
    if isinstance(value, dt.datetime) and value.time() != dt.time(0, 0):
        return "yyyy-mm-dd hh:mm:ss"
    return "yyyy-mm-dd"


def write_value(sheet, row: int, col: int, value: Any, fmt=None, number_fmt=None) -> None:
    """One cell of any pbm-made workbook: blank stays blank, 是/否 for a logical, numbers as
    numbers, dates as dates (shown as dates when ``fmt`` carries :func:`date_format`, as the
    list-table writer gives it), everything else with ``write_string`` — text such as "=1+1",
    "+86" or "@x" never becomes a formula."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)  # without a format XlsxWriter writes nothing
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, float(value), number_fmt or fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, col, value if isinstance(value, dt.datetime)
                             else dt.datetime(value.year, value.month, value.day), fmt)
    else:
        sheet.write_string(row, col, excel_text(str(value)), fmt)


def _unlink(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[Path]:
    """Refuse a second pbm run writing the same output folder at the same time.

    The lock is the operating system's (``flock``) on ``.pbm.lock``, a file that is never
    deleted: it is held exactly as long as the run lives — a run killed with ``kill -9`` holds
    nothing — and taking it is one atomic call, so of many runs started together one writes
    and the others say the folder is busy. The file holds the pid of the last run that took it
    (for a person looking; nothing reads it)."""
    folder = make_folder(folder)
    lock = folder / ".pbm.lock"
    refuse_non_regular(lock)  # the pid is written into it: never into a pipe or a device
    try:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | getattr(os, "O_NONBLOCK", 0), 0o666)
    except OSError as exc:  # a read-only folder or disk: the outputs cannot be written
        raise PbmError("CLI-WRITE-FAILED", file=str(folder), reason=str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped in since the check above
            raise PbmError("CLI-WRITE-FAILED", file=str(lock), reason=f"{lock} 不是普通文件 / "
                           "is not a regular file")
        if not _take(fd):
            raise PbmError("CLI-OUTPUT-BUSY", file=str(folder), lock=str(lock))
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        _remove_leftovers(folder)
        yield folder
    finally:
        os.close(fd)  # releases the lock


def _remove_leftovers(folder: Path) -> None:
    """Temporary files and staging folders in ``folder`` and its subfolders (history/,
    annotated/, reports/) left by a run that was killed or ran out of disk: whoever holds the
    folder's lock is the only run writing there, so none of them is in use."""
    for entry in [*folder.glob(STAGING_PREFIX + "*"), *folder.glob("*/" + STAGING_PREFIX + "*")]:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            _unlink(str(entry))


class StagedOutputs:
    """A run's output set being written: ``folder`` is a hidden staging folder inside the
    output folder, laid out as the output folder is (``history/…``)."""

    def __init__(self, out_dir: Path, folder: Path):
        self.out_dir, self.folder = out_dir, folder

    def final(self, path: Path) -> Path:
        """Where a file written under the staging folder lands."""
        return self.out_dir / Path(path).relative_to(self.folder)


@contextlib.contextmanager
def staged_outputs(out_dir: Path) -> Iterator[StagedOutputs]:
    """Stage a run's whole output set (a workbook and its CSV/Parquet tables, a record and its
    history copy): everything is written under a staging folder inside ``out_dir`` and, only
    when the block succeeds, moved to the same place under ``out_dir``, one rename each. A run
    that fails, is killed or fills the disk leaves the previous set as it was (the staging
    folder it leaves is removed by the next run's :func:`output_lock`). Hold the lock."""
    out_dir = make_folder(out_dir)
    folder = staging_folder(out_dir, "stage")
    staged = StagedOutputs(out_dir, folder)
    target = out_dir
    try:
        yield staged
        files = sorted(p for p in folder.rglob("*")
                       if p.is_file() and not p.name.startswith(STAGING_PREFIX))
        for path in files:  # every target first: the whole set is moved in, or none of it
            refuse_non_regular(staged.final(path))
        for path in files:
            target = staged.final(path)
            make_folder(target.parent)
            os.replace(path, target)
    except OSError as exc:  # a full disk while staging, a folder in the way when publishing
        raise PbmError("CLI-WRITE-FAILED", file=str(target), reason=str(exc)) from None
    finally:
        discard(folder)


def _take(fd: int) -> bool:
    """Take the lock on ``fd`` without waiting; False when another run holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


#: A name pbm makes keeps this many UTF-8 bytes at most: file systems allow 255, and pbm adds
#: suffixes (``-2``, ``-审核意见.xlsx``, ``.docx``).
NAME_MAX_BYTES = 200


def unique_stems(stems: list[str]) -> list[str]:
    """Safe file names, de-duplicated case-insensitively (Windows) and after width
    normalisation (``ｘ目标`` is ``x目标``): 教育局, 教育局-2, …"""
    seen: set[str] = set()
    result = []
    for stem in stems:
        base = safe_filename(stem)
        candidate, counter = base, 2
        while candidate.lower() in seen:
            candidate = f"{base}-{counter}"
            counter += 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def safe_filename(name: str, default: str = "未命名") -> str:
    """A file name from a department or project name that cannot leave its folder: at most
    80 characters and :data:`NAME_MAX_BYTES` bytes (90 emoji are 360 bytes)."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text)
    text = text.replace("..", "_").strip(" .")
    if text.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        text = f"_{text}"
    text = utf8_text(text)[:80].encode("utf-8")[:NAME_MAX_BYTES].decode("utf-8", "ignore")
    return text.strip(" .") or default
