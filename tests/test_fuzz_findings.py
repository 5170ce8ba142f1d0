"""What `make fuzz` (benchmarks/fuzz.py) found, each hostile file made here by code: a
damaged deflate stream, numbers no form holds (1e308, 40 digits), a workbook the native
reader takes but openpyxl cannot copy for --annotate.  Each is a clear finding or error with
exit 1 or 2 and one JSON object, never pbm's internal error."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from pbm.values import parse_value
from pbm.values.money import parse_money
from tests.builders import good_project, write_form_workbook
from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
)
from tests.score_cmd.score_cmd_helpers import line, project, score_json, write


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


@pytest.mark.parametrize("raw", [1e308, -1e308, 4.9e-324, 10 ** 40, "9" * 40, "≥" + "9" * 400,
                                 "1" + "0" * 30 + "元"])
def test_absurd_magnitudes_are_no_number(raw):
    for parsed in (parse_value(raw, role="number"), parse_value(raw, role="target"),
                   parse_money(raw)):
        assert parsed.number is None
        assert [note.code for note in parsed.notes] == ["R-UNPARSEABLE"]


@pytest.mark.parametrize("raw", [1e20, -1e20, 1e-20, 5.55e-17, 0.0, 123.45, 10 ** 20])
def test_large_small_and_ordinary_numbers_are_still_read(raw):
    assert parse_value(raw, role="number").number is not None
    assert parse_money(raw).number is not None
    assert parse_value("≥95%").number == 95 and parse_money("3,309,840.00元").number is not None


def test_a_weight_of_1e308_is_a_finding_not_a_crash(tmp_path, run_pbm):
    spec = good_project()
    spec.indicators[0].weight = 1e308
    path = write_form_workbook(tmp_path / "目标.xlsx", [spec])
    code, out, err = run_pbm("validate", path, "--format", "json", cwd=tmp_path)
    _no_internal_error(out, err)
    assert code == 1
    findings = json.loads(out)["findings"]
    assert any(f["code"] == "G7" and "不是数字" in f["message"] for f in findings)  # the weight
    assert any(f["code"] == "G6" and "合计为 70" in f["message"] for f in findings)  # the others


def test_an_executed_amount_of_1e308_is_a_finding_not_a_crash(workspace, run_pbm):
    build_workspace(workspace)
    road, bridge, _ = goal_projects()
    write_monitor_form(workspace / "q3" / "103-交通运输局-监控表.xlsx",
                       [monitoring(road, executed=1e308), monitoring(bridge, executed=30)])
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    _no_internal_error(out, err)
    assert code == 1
    assert "R-UNPARSEABLE" in {f["code"] for f in json.loads(out)["findings"]}


def test_a_claimed_score_of_1e308_is_a_finding_not_a_crash(tmp_path, run_pbm):
    folder = tmp_path / "self-eval"
    folder.mkdir()
    write(folder, "自评", [project("教师培训", [line("培训人次", "≥100人次", 120, 20, 1e308),
                                              line("合格率", "≥90%", "95%", 30, 30)])], "form")
    code, data, err = score_json(run_pbm, folder, cwd=tmp_path)
    _no_internal_error(json.dumps(data), err)
    assert code in (0, 1) and data["summary"]["projects"] == 1


def test_an_annotated_copy_openpyxl_cannot_write_is_a_warning(tmp_path, run_pbm):
    # 400 digits in a number cell: the native reader reads a float (inf: unparseable, an error);
    # openpyxl reads an int it cannot write back (OverflowError in its writer).
    path = write_form_workbook(tmp_path / "目标.xlsx", [good_project()], instructions=False)
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda xml: re.sub(rb"<v>150</v>", b"<v>" + b"9" * 400 + b"</v>", xml, count=1))
    code, out, err = run_pbm("validate", path, "--annotate", "--format", "json", cwd=tmp_path)
    _no_internal_error(out, err)
    assert code == 1
    data = json.loads(out)  # still one JSON object on stdout
    assert "R-UNPARSEABLE" in {f["code"] for f in data["findings"]}
    [skipped] = [f for f in data["findings"] if f["code"] == "G-NOT-ANNOTATED"]
    assert skipped["file"].endswith("目标.xlsx") and skipped["severity"] == "warning"
    assert not list(tmp_path.rglob("*审核意见*"))  # no half-written copy


def test_a_framework_weight_of_30_digits_on_a_scoring_sheet_is_no_crash(tmp_path, run_pbm):
    from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook
    from pbm.scoring.frameworks import framework_from_toml

    light = framework_from_toml({"name": "light", "level1": [
        {"name": "决策", "weight": 30, "level2": [{"name": "立项", "level3": [
            {"name": "立项依据充分性", "weight": 30}]}]},
        {"name": "产出", "weight": 70, "level2": [{"name": "数量", "level3": [
            {"name": "实际完成率", "weight": 70}]}]}]})
    path = write_evaluation_workbook(tmp_path / "评价.xlsx", light, [EvaluationSheetSpec(
        project="农村公路日常养护", department="交通运输局", group="财政", evaluator="甲",
        scores=[29, 69])], sheet_names=["财政-甲"])
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda xml: xml.replace(b"<v>70</v>", b"<v>" + b"1234567890" * 3 + b"</v>"))
    code, data, err = score_json(run_pbm, path, cwd=tmp_path)
    _no_internal_error(json.dumps(data, ensure_ascii=False), err)
    assert code in (1, 2)


def test_numbers_too_long_for_28_digits_are_shown_not_a_crash():
    from decimal import Decimal

    from pbm.scoring.rules import to_decimal
    from pbm.values import decimal_text, plain_decimal

    assert plain_decimal(Decimal("1.2E+29")) == "120000000000000000000000000000"
    assert decimal_text(Decimal("1E+30")) == "1" + "0" * 30 + ".00"
    assert decimal_text(Decimal("Infinity")) == "Infinity"
    for text in ("123456789012345678901234567890", "nan", "1e400"):
        with pytest.raises(ValueError):
            to_decimal(text)


def test_a_ratio_beyond_28_digits_is_rounded_not_a_crash(workspace, run_pbm):
    # each amount within what pbm accepts, their ratio 10^25: rounded to its places all the same
    build_workspace(workspace)
    road, bridge, _ = goal_projects()
    write_monitor_form(workspace / "q3" / "103-交通运输局-监控表.xlsx",
                       [monitoring(road, executed=1e20, budget=1e-5),
                        monitoring(bridge, executed=30)])
    code, out, err = run_pbm("monitor", "q3/", "--format", "json", cwd=workspace)
    _no_internal_error(out, err)
    assert code in (0, 1)
    folder = workspace / "self-eval"
    folder.mkdir(exist_ok=True)
    write(folder, "自评", [project("教师培训", [line("培训人次", 1e-5, 1e20, 20, 20),
                                              line("合格率", "≥90%", "95%", 30, 30)])], "form")
    code, data, err = score_json(run_pbm, folder, cwd=workspace)
    _no_internal_error(json.dumps(data), err)
    assert code in (0, 1) and data["summary"]["projects"] == 1
