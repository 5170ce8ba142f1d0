"""Small crafted workbooks that would make the native reader reserve hundreds of GB and abort:
a row or cell beyond Excel's grid, a shared-string table that lies about its size.  pbm refuses
them before the reader sees them, naming file, sheet and cell, and goes on with the other files.
Each run is a separate process, so an abort fails the test instead of ending the test run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.builders import rewrite_members as _rewrite
from tests.real_like import CityProject, write_city_goal_forms

_PBM = "import sys; from pbm.cli.app import main; sys.exit(main())"


def _pbm(*args, cwd: Path) -> tuple[int, dict | None, str]:
    done = subprocess.run([sys.executable, "-c", _PBM, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    try:
        data = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        data = None
    return done.returncode, data, done.stderr


def _good(path: Path) -> Path:
    return write_city_goal_forms(path, [CityProject("社区工作站经费")])


def _last_row_moved(row: str):
    """The sheet's second row (its cells too) moved to ``row``."""
    def edit(data: bytes) -> bytes:
        data = data.replace(b'<row r="2"', f'<row r="{row}"'.encode(), 1)
        return re.sub(rb'<c r="([A-Z]+)2"', lambda m: b'<c r="' + m.group(1) + row.encode() + b'"',
                      data)
    return edit


CASES = {
    "row 2147483647": (r"xl/worksheets/sheet1\.xml", _last_row_moved("2147483647"),
                       "2147483647"),
    "row one past the grid": (r"xl/worksheets/sheet1\.xml", _last_row_moved("1048577"),
                              "1048577"),
    "cell AAAAAAAAAA1": (r"xl/worksheets/sheet1\.xml",
                         lambda d: d.replace(b'<c r="A1"', b'<c r="AAAAAAAAAA1"', 1),
                         "AAAAAAAAAA1"),
    # Inside the grid, but a grid of billions of cells the reader would allocate (549 GB:
    # an abort), or of ten million (12 s, 500 MB) for one stray value.
    "a value at XFD1048576": (r"xl/worksheets/sheet1\.xml",
                              lambda d: d.replace(b'<c r="A1"', b'<c r="XFD1048576"', 1),
                              "XFD1048576"),
    "a value at J1048576": (r"xl/worksheets/sheet1\.xml",
                            lambda d: d.replace(b'<c r="A1"', b'<c r="J1048576"', 1),
                            "J1048576"),
    "shared strings 999999999999": (
        r"xl/sharedStrings\.xml",
        lambda d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="999999999999"', d, count=1),
        "uniqueCount=999999999999"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_crafted_workbook_is_refused_by_name_and_the_folder_goes_on(tmp_path, case):
    member, edit, said = CASES[case]
    folder = tmp_path / "goals"
    folder.mkdir()
    good = _good(folder / "a-好的申报表.xlsx")
    _rewrite(good, folder / "b-坏的申报表.xlsx", member, edit)
    started = time.perf_counter()
    code, data, err = _pbm("validate", folder, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert code in (1, 2), err  # not 134 (SIGABRT) nor a traceback
    assert "Traceback" not in err and "panicked" not in err
    assert data is not None, err
    [refused] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert refused["file"].endswith("b-坏的申报表.xlsx") and said in refused["message"]
    if not case.startswith("shared"):
        assert refused["sheet"]  # the sheet is named
    assert data["summary"]["projects"] == 1  # the good file was still reviewed
    assert seconds < 60  # refused at once, not after 20 s of reading an empty grid


def test_a_cell_beyond_the_grid_names_its_reference(tmp_path):
    good = _good(tmp_path / "好.xlsx")
    bad = _rewrite(good, tmp_path / "坏.xlsx", r"xl/worksheets/sheet1\.xml",
                   lambda d: d.replace(b'<c r="B2"', b'<c r="XFE2"', 1))
    code, data, err = _pbm("validate", bad, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code == 2 and data is not None, err
    [refused] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert refused["cell"] == "XFE2" and refused["sheet"]


def test_the_grid_edge_itself_is_read(tmp_path):
    # XFD1048576 is Excel's last cell: a real workbook may use it
    good = _good(tmp_path / "好.xlsx")
    edge = _rewrite(good, tmp_path / "边.xlsx", r"xl/worksheets/sheet1\.xml",
                    lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                     d, count=1))
    code, data, err = _pbm("validate", edge, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code in (0, 1), err
    assert not [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]


def _lie_about_size(source: Path, target: Path, member: str, stated: int) -> Path:
    """``source`` with ``member``'s stated uncompressed size (local header and central
    directory) replaced by ``stated``: a zip bomb whose headers lie."""
    import struct

    data = bytearray(source.read_bytes())
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            length = struct.unpack_from("<H", data, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            if bytes(data[name_at:name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, stated)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("part, end", [("xl/sharedStrings.xml", b"</t></si>"),
                                       ("xl/styles.xml", b"</styleSheet>")])
def test_a_part_whose_header_lies_about_its_size_is_refused(tmp_path, part, end):
    # 100 MB of one letter in a shared string (or a comment of the styles), declared as 1 KB
    padding = b"a" * 100_000_000 if part.endswith("Strings.xml") else \
        b"<!--" + b"a" * 100_000_000 + b"-->"
    honest = _rewrite(_good(tmp_path / "good.xlsx"), tmp_path / "honest.xlsx", re.escape(part),
                      lambda d: d.replace(end, padding + end, 1))
    bomb = _lie_about_size(honest, tmp_path / "bomb.xlsx", part, 1024)
    code, data, err = _pbm("validate", bomb, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code == 2 and data is not None, err
    [refused] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert part in refused["message"]


@pytest.mark.parametrize("part", ["xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"])
def test_a_part_claiming_more_compressed_bytes_than_the_file_has_is_refused(tmp_path, part):
    # found by make fuzz: a central directory whose compressed size is 0xFFFFFFFF made the
    # zip reader ask for 2 GB at once (MemoryError under a 1 GiB address-space limit)
    import resource
    import struct

    data = bytearray(_good(tmp_path / "good.xlsx").read_bytes())
    name, start = part.encode(), 0
    while (at := data.find(b"PK\x01\x02", start)) >= 0:
        start = at + 4
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 20, 0xFFFFFFFF)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))

    def one_gib() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-c", _PBM, "validate", str(bad), "--format", "json",
                           "--out", str(tmp_path / "out")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, preexec_fn=one_gib)
    assert done.returncode == 2, done.stderr
    assert "内部错误" not in done.stderr and "MemoryError" not in done.stderr
    [refused] = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "R-UNREADABLE"]
    assert part in refused["message"]


def test_a_long_cell_is_no_zip_bomb(tmp_path):
    # two million characters compress 900:1; the ratio is judged only above 10 MB
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目名称", "三级指标", "指标值"])
    sheet.append(["示例", "完成数量", "≥10个"])
    sheet.append(["示例", "说明", "长" * 2_000_000])
    path = tmp_path / "long.xlsx"
    book.save(path)
    code, data, err = _pbm("validate", path, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code in (0, 1), err
    assert data["summary"]["files_unreadable"] == 0


@pytest.mark.skipif(sys.platform != "linux", reason="a Linux file name may hold any bytes")
def test_a_file_name_that_is_no_valid_utf8_is_read_and_shown_escaped(tmp_path):
    import os

    good = _good(tmp_path / "good.xlsx")
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff\xfe.xlsx"))
    good.rename(odd)
    done = subprocess.run([sys.executable, "-c", _PBM, "validate", os.fsencode(odd), "--format",
                           "json", "--out", str(tmp_path / "out")], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    data = json.loads(done.stdout.decode("utf-8"))
    assert data["summary"]["projects"] == 1 and data["summary"]["files_unreadable"] == 0
    assert data["files"][0]["file"].endswith("bad\\xff\\xfe.xlsx")
    assert (tmp_path / "out" / "goals-2026.xlsx").is_file()


def _large_crafted(path: Path) -> Path:
    """A workbook with more than 16 MB of sheet XML (checked while it is read, not before)
    whose last row is beyond the grid: the native reader dies on it."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("监控表")
    sheet.write_row(0, 0, ["项目名称", "三级指标", "年度指标值", "1-9月执行数", "全年预计完成值"])
    for r in range(1, 130_000):
        sheet.write_row(r, 0, [f"填充项目{r}", "完成数量指标说明文字", "≥100个", "60个", "100个"])
    book.close()
    last = 130_000

    def edit(data: bytes) -> bytes:
        at = data.rfind(f'<row r="{last}"'.encode())
        head, tail = data[:at], data[at:]
        tail = tail.replace(f'r="{last}"'.encode(), b'r="2147483647"', 1)
        tail = re.sub(rb'<c r="([A-Z]+)' + str(last).encode() + b'"',
                      lambda m: b'<c r="' + m.group(1) + b'2147483647"', tail)
        return head + tail

    return _rewrite(path, path.with_name("crafted.xlsx"), r"xl/worksheets/sheet1\.xml", edit)


def test_a_reader_that_dies_on_one_submission_does_not_stop_the_others(tmp_path):
    import shutil

    from tests.monitoring.monitor_builders import build_workspace

    code, _, err = _pbm("init", tmp_path / "ws", "--locality", "测试区", cwd=tmp_path)
    assert code == 0, err
    ws = tmp_path / "ws"
    built = build_workspace(ws)
    for k in range(16):  # enough files for the forked readers
        shutil.copy(built["civil"], ws / "q3" / f"1{k:02d}-副本{k}-监控表.xlsx")
    big = _large_crafted(tmp_path / "big.xlsx")
    shutil.move(big, ws / "q3" / "199-坏文件-监控表.xlsx")
    code, data, err = _pbm("monitor", "q3/", "--format", "json", cwd=ws)
    assert code in (0, 1, 2) and data is not None, err[-2000:]
    assert "Traceback" not in err and "panicked" not in err
    unreadable = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert [f["file"] for f in unreadable] == ["q3/199-坏文件-监控表.xlsx"]
    assert data["summary"]["files"] == 19 and data["summary"]["projects"] >= 3


def test_text_that_looks_like_a_reference_beyond_the_grid_is_read(tmp_path):
    # an inline string holding r="XFE1" / r="12345678": text, not a cell or row reference
    good = _good(tmp_path / "好.xlsx")

    def edit(data: bytes) -> bytes:
        cell = b'<c r="Z2" t="inlineStr"><is><t>r="XFE1" r="12345678" r="AAAA1"</t></is></c>'
        return re.sub(rb'(<row r="2"[^>]*>)', lambda m: m.group(1) + cell, data, count=1)

    text = _rewrite(good, tmp_path / "文字.xlsx", r"xl/worksheets/sheet1\.xml", edit)
    code, data, err = _pbm("validate", text, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code in (0, 1), err
    assert not [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert data["summary"]["projects"] == 1


def _large_with_a_last_row(row: bytes, cell: bytes):
    """The sheet grown past 16 MB of XML (read in a thread beside the native reader when it is
    the only input) by 300,000 rows of one cell, then one more row ``row`` with ``cell``."""
    def edit(data: bytes) -> bytes:
        rows = b"".join(b'<row r="%d"><c r="Z%d" t="inlineStr"><is><t>x</t></is></c></row>'
                        % (r, r) for r in range(1000, 301000))
        rows += b'<row r="%s"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (row, cell)
        return data.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return edit


@pytest.mark.parametrize("row, cell, said", [
    (b"2147483647", b"A2147483647", "2147483647"),  # beyond the grid
    (b"1048576", b"XFD1048576", "XFD1048576"),  # inside it, the whole grid to allocate
])
def test_a_large_crafted_workbook_among_others_is_refused_before_it_is_read(tmp_path, row, cell,
                                                                             said):
    folder = tmp_path / "goals"
    folder.mkdir()
    good = _good(folder / "a-好的申报表.xlsx")
    _rewrite(good, folder / "b-大的申报表.xlsx", r"xl/worksheets/sheet1\.xml",
             _large_with_a_last_row(row, cell))
    with zipfile.ZipFile(folder / "b-大的申报表.xlsx") as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 16 * 1024 * 1024
    code, data, err = _pbm("validate", folder, "--format", "json", "--out", tmp_path / "out",
                           cwd=tmp_path)
    assert code in (1, 2) and "panicked" not in err and "Traceback" not in err, err
    [refused] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert refused["file"].endswith("b-大的申报表.xlsx") and said in refused["message"]
    assert data["summary"]["projects"] == 1
