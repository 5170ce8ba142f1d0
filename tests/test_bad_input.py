"""Bad inputs that concern reading: a clear message naming the file (and sheet/cell),
a non-zero exit, no traceback, no half-written output, the input untouched."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from tests.builders import good_project, write_form_workbook


def _run(run_pbm, tmp_path, *paths, extra=()):
    code, out, err = run_pbm("validate", *paths, *extra, cwd=tmp_path)
    assert "Traceback" not in err + out
    return code, out, err


def _no_output(tmp_path):
    out = tmp_path / "pbm-out"
    leftovers = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    return leftovers == []


def test_not_a_workbook(tmp_path, run_pbm):
    path = tmp_path / "通知.xlsx"
    path.write_text("这不是工作簿，是一封邮件的正文。", encoding="utf-8")
    code, _, err = _run(run_pbm, tmp_path, path)
    assert code == 2
    assert "通知.xlsx" in err and "R-UNREADABLE" not in err  # message text, not a code dump
    assert "不是 Excel 工作簿" in err
    assert _no_output(tmp_path)


def test_truncated_workbook(tmp_path, run_pbm):
    good = write_form_workbook(tmp_path / "full.xlsx", [good_project()])
    data = good.read_bytes()
    path = tmp_path / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    code, out, err = _run(run_pbm, tmp_path, path, extra=("--format", "json"))
    assert code == 2 and "Traceback" not in err
    finding = json.loads(out)["findings"][0]
    assert finding["code"] == "R-UNREADABLE" and finding["file"] == "截断.xlsx"
    assert "损坏" in finding["message"] or "不完整" in finding["message"]
    assert _no_output(tmp_path)


def test_encrypted_workbook(tmp_path, run_pbm):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_form_workbook(tmp_path / "plain.xlsx", [good_project()])
    path = tmp_path / "加密.xlsx"
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("123456", target)
    code, _, err = _run(run_pbm, tmp_path, path)
    assert code == 2
    assert "加密.xlsx" in err and "加密" in err.replace("加密.xlsx", "")


def test_empty_workbook(tmp_path, run_pbm):
    path = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(path)
    code, _, err = _run(run_pbm, tmp_path, path)
    assert code == 2
    assert "空.xlsx" in err and "没有任何内容" in err


def test_sheet_without_recognisable_header(tmp_path, run_pbm):
    path = tmp_path / "随意.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(["序号", "名称", "备注信息"])
    sheet.append([1, "某事项", "已完成"])
    workbook.save(path)
    code, out, _ = _run(run_pbm, tmp_path, path, extra=("--format", "json"))
    data = json.loads(out)
    [finding] = [f for f in data["findings"] if f["code"] == "R-NO-HEADER"]
    assert finding["file"] == "随意.xlsx" and finding["sheet"] == "数据"
    assert code == 1


def test_formula_without_cached_value(tmp_path, run_pbm):
    # openpyxl writes formulas without cached results, as a generator script would.
    path = tmp_path / "公式.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "目标"
    sheet.append(["项目名称", "主管部门", "项目实施单位", "资金总额(万元)", "年度目标", "一级指标", "二级指标",
                  "三级指标", "指标性质", "指标值", "计量单位", "权重"])
    sheet.append(["道路养护", "交通运输局", "养护中心", 100, "完成养护", "产出指标", "数量指标", "养护里程",
                  "≥", "=B5*2", "公里", 90])
    workbook.save(path)
    code, out, _ = _run(run_pbm, tmp_path, path, extra=("--format", "json"))
    assert code == 1  # read and checked (one indicator, no target: errors), not refused
    data = json.loads(out)
    formula = [f for f in data["findings"] if f["code"] == "R-FORMULA-NO-VALUE"]
    assert [(f["sheet"], f["cell"]) for f in formula] == [("目标", "J2")]


def test_oversized_file_refused_by_configured_limit(workspace, run_pbm):
    config = workspace / "pbm.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_file_mb = 100",
                                                                 "max_file_mb = 0.001"),
                      encoding="utf-8")
    path = write_form_workbook(workspace / "goals" / "大.xlsx", [good_project()])
    code, _, err = run_pbm("validate", path, cwd=workspace)
    assert code == 2 and "大.xlsx" in err and "过大" in err
    assert not (workspace / "out" / "goals-2026.xlsx").exists()


def test_zip_bomb_refused(workspace, run_pbm):
    # A real workbook whose sheet XML inflates from a few KB to ~30 MB.
    path = workspace / "goals" / "bomb.xlsx"
    base = write_form_workbook(workspace / "base.xlsx", [good_project()])
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000)
            bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    code, _, err = run_pbm("validate", path, cwd=workspace)
    assert code == 2 and "bomb.xlsx" in err and "压缩比" in err


def test_unreadable_file_among_good_ones_is_reported_and_others_checked(tmp_path, run_pbm):
    good = write_form_workbook(tmp_path / "good.xlsx", [good_project()])
    bad = tmp_path / "坏.xls"
    bad.write_bytes(b"\x00\x01garbage")
    code, out, _ = _run(run_pbm, tmp_path, good, bad, extra=("--format", "json"))
    data = json.loads(out)
    assert code == 1  # one file could be checked; the unreadable one is an error finding
    assert data["summary"]["projects"] == 1
    assert any(f["code"] == "R-UNREADABLE" and f["file"] == "坏.xls" for f in data["findings"])


def test_missing_path(tmp_path, run_pbm):
    code, _, err = _run(run_pbm, tmp_path, tmp_path / "nope.xlsx")
    assert code == 2 and "nope.xlsx" in err


def test_two_runs_writing_the_same_output_folder(tmp_path, run_pbm):
    import os

    from pbm.errors import PbmError
    from pbm.workbook.writer import output_lock

    out = tmp_path / "pbm-out"
    with output_lock(out):
        code, _, err = _run(run_pbm, tmp_path, write_form_workbook(tmp_path / "g.xlsx",
                                                                   [good_project()]))
        assert code == 2 and "正在写入" in err
    # a lock left by a dead process is taken over
    (out / ".pbm.lock").write_text("999999999")
    with output_lock(out):
        assert (out / ".pbm.lock").read_text() == str(os.getpid())
    with pytest.raises(PbmError), output_lock(out), output_lock(out):
        pass


def test_formula_like_text_is_written_inert(tmp_path):
    from pbm.workbook.writer import Sheet, write_xlsx

    path = write_xlsx(tmp_path / "o.xlsx", [Sheet("t", ["a"], [["=1+1"], ["+86 123"], ["@SUM(A1)"],
                                                                ["-x"]])])
    values = [row[0] for row in openpyxl.load_workbook(path)["t"].iter_rows(min_row=2, values_only=True)]
    assert values == ["=1+1", "+86 123", "@SUM(A1)", "-x"]
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_safe_filename_never_escapes():
    from pbm.workbook.writer import safe_filename

    assert "/" not in safe_filename("../../etc/passwd") and ".." not in safe_filename("../../etc")
    assert safe_filename("CON") == "_CON"
    assert safe_filename("") == "未命名"


@pytest.mark.parametrize("command", ["validate", "monitor", "score"])
def test_out_naming_an_existing_file_is_a_clear_error(tmp_path, run_pbm, command):
    # `--out` given a file (a typo, or the report meant to be overwritten) was an
    # "internal error: FileExistsError … please report it".
    path = write_form_workbook(tmp_path / "目标.xlsx", [good_project()])
    taken = tmp_path / "结果.xlsx"
    taken.write_bytes(b"keep me")
    code, out, err = run_pbm(command, str(path), "--out", str(taken), cwd=tmp_path)
    assert code == 2
    assert "内部错误" not in err and "Traceback" not in err + out
    assert "结果.xlsx" in err and "不是文件夹" in err
    assert taken.read_bytes() == b"keep me"


def test_a_workbook_whose_only_project_sheet_is_hidden_is_an_error(tmp_path, run_pbm):
    # A department hid its filled-in sheet and left only the instructions visible: nothing was
    # checked, which must not pass as a clean submission (exit 0, 0 projects).
    path = write_form_workbook(tmp_path / "隐藏.xlsx", [good_project()])
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.title != "填报说明":
            sheet.sheet_state = "hidden"
    book.save(path)
    code, out, _ = _run(run_pbm, tmp_path, path, extra=("--format", "json"))
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["projects"] == 0
    [finding] = [f for f in data["findings"] if f["code"] == "R-NO-PROJECTS"]
    assert finding["severity"] == "error" and finding["file"].endswith("隐藏.xlsx")
    assert "已跳过工作表" in finding["message"]
    code, out, _ = run_pbm("monitor", str(path), "--format", "json", cwd=tmp_path)
    assert "R-NO-PROJECTS" in {f["code"] for f in json.loads(out)["findings"]}


def _corrupt_deflate(path, member):
    """``member``'s compressed bytes made a deflate stream that does not inflate (the first
    block's type set to 11, which deflate does not have): zlib.error when it is read."""
    import struct

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length] = 0xFF
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
@pytest.mark.parametrize("threaded", [False, True], ids=["scanned-first", "scanned-in-thread"])
def test_a_damaged_deflate_stream_is_a_damaged_file(tmp_path, run_pbm, monkeypatch, capfd,
                                                    member, threaded):
    import threading

    import pbm.workbook.source as source

    if threaded:  # as for a sheet XML over 16 MB: the scan runs in a thread beside calamine
        monkeypatch.setattr(source, "_SCAN_FIRST_BYTES", 16)
    escaped = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    path = _corrupt_deflate(write_form_workbook(tmp_path / "损坏.xlsx", [good_project()]), member)
    code, out, err = _run(run_pbm, tmp_path, path, extra=("--format", "json"))
    assert code == 2
    data = json.loads(out)
    assert [(f["code"], f["file"]) for f in data["findings"]] == [("R-UNREADABLE", "损坏.xlsx")]
    assert "内部错误" not in err and "Traceback" not in err
    assert escaped == []  # nothing escaped the scan thread either
    assert "Traceback" not in capfd.readouterr().err
    assert _no_output(tmp_path)
