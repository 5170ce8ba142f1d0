"""What `make fuzz` (benchmarks/fuzz.py) found, each hostile file made here by code: a
damaged deflate stream, numbers no form holds (1e308, 40 digits), a workbook the native
reader takes but openpyxl cannot copy for --annotate.  Each is a clear finding or error with
exit 1 or 2 and one JSON object, never pbm's internal error."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.builders import good_project, write_form_workbook


def _no_internal_error(out: str, err: str) -> None:
    assert "内部错误" not in err + out and "internal error" not in err + out
    assert "Traceback" not in err + out


def _rewrite(path: Path, member: str, edit) -> Path:
    with zipfile.ZipFile(path) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            new.writestr(info, edit(data) if info.filename == member else data)
    return path


def _broken_deflate(path: Path, member: str) -> Path:
    """``member``'s compressed data made to start with a deflate block of the reserved type
    (0xFF: final block, type 11): inflating it raises zlib.error, not BadZipFile."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_length + extra_length] = 0xFF
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_deflate_stream_is_an_unreadable_file(tmp_path, run_pbm):
    good = write_form_workbook(tmp_path / "a-好.xlsx", [good_project()])
    bad = _broken_deflate(write_form_workbook(tmp_path / "b-坏.xlsx", [good_project("二号项目")]),
                          "xl/worksheets/sheet2.xml")
    with zipfile.ZipFile(bad) as archive, pytest.raises(zlib.error):
        archive.read("xl/worksheets/sheet2.xml")  # what reached pbm's error handler before
    code, out, err = run_pbm("validate", good, bad, "--format", "json", cwd=tmp_path)
    _no_internal_error(out, err)
    assert code == 1  # the good file was reviewed; the bad one is named
    data = json.loads(out)
    [refused] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert refused["file"].endswith("b-坏.xlsx") and "损坏" in refused["message"]
    assert data["summary"]["projects"] == 1
