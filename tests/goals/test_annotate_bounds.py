"""``pbm validate --annotate`` on hostile workbooks, made from a normal goal workbook by rewriting
its XML: bounded whatever the file holds (a merge over the whole sheet costs nothing; what
openpyxl would expand past [limits] annotate_max_cells, or cannot read, gets no copy and a
G-NOT-ANNOTATED warning naming file, sheet and range), and the goal list and the copies are one
output set, published all at once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pbm.workbook.forms import IndicatorSpec
from tests.builders import good_project, rewrite_members, write_form_workbook

SHEET = r"xl/worksheets/sheet2\.xml"  # 项目1 (sheet1 is 填报说明)


def _spoiled(department: str = "交通运输局"):
    spec = good_project("问题项目", code="P9", department=department)
    spec.indicators[0].target = "≥**人"  # G4 at E12
    spec.indicators.append(IndicatorSpec("产出指标", "数量指标", "日常养护里程", "≥", 200, "公里", 5))
    return spec


def _goals(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_form_workbook(folder / name, [_spoiled(Path(name).stem + "局")])
            for name in names]


def _add_merge(ref: str):
    def edit(data: bytes) -> bytes:
        return re.sub(rb'<mergeCells count="(\d+)">',
                      lambda m: b'<mergeCells count="%d"><mergeCell ref="%s"/>'
                      % (int(m.group(1)) + 1, ref.encode()), data, count=1)
    return edit


def _add_hyperlink(ref: str):
    def edit(data: bytes) -> bytes:
        link = f'<hyperlinks><hyperlink ref="{ref}" location="\'项目1\'!A1"/></hyperlinks>'
        return data.replace(b"<pageMargins", link.encode() + b"<pageMargins", 1)
    return edit


def _validate(run_pbm, *args, cwd: Path):
    code, out, err = run_pbm("validate", *args, "--format", "json", cwd=cwd)
    assert "Traceback" not in out + err and "内部错误" not in out + err, err
    return code, json.loads(out), err


def _skipped(data) -> list[dict]:
    return [f for f in data["findings"] if f["code"] == "G-NOT-ANNOTATED"]


def _review(data) -> list:
    return [f for f in data["findings"] if f["code"] != "G-NOT-ANNOTATED"]


@pytest.mark.parametrize("ref", ["A1:A1048576", "J1:XFD1048576"])
def test_a_merge_over_a_whole_column_or_the_sheet_is_copied_at_no_cost(tmp_path, run_pbm, ref):
    # 139 s for A1:A1048576 and out of memory for J1:XFD1048576 when openpyxl made a cell of
    # each; now the merge is put back as a range and the copy takes what any copy takes
    [good, plain] = _goals(tmp_path / "goals", "a.xlsx", "b.xlsx")
    hostile = rewrite_members(plain, tmp_path / "goals" / "c.xlsx", SHEET, _add_merge(ref))
    plain.unlink()
    code, data, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out",
                                tmp_path / "out", cwd=tmp_path)
    assert code == 1, err
    assert not _skipped(data)
    copy = tmp_path / "out" / "annotated" / "c-审核意见.xlsx"
    assert copy.exists() and (tmp_path / "out" / "annotated" / "a-审核意见.xlsx").exists()
    with zipfile.ZipFile(copy) as archive:
        sheets = {name: archive.read(name) for name in archive.namelist()
                  if name.startswith("xl/worksheets/sheet")}
        comments = b"".join(archive.read(n) for n in archive.namelist() if "comments" in n)
    assert any(f'<mergeCell ref="{ref}"/>'.encode() in xml for xml in sheets.values())
    assert b'ref="E12"' in comments and b"G4" in comments
    # the review is the same with or without the copy
    _, without, _ = _validate(run_pbm, tmp_path / "goals", "--out", tmp_path / "out2", cwd=tmp_path)
    assert _review(data) == without["findings"]
    assert good.exists() and hostile.exists()


def test_a_hyperlink_over_the_sheet_gets_no_copy_and_a_finding_naming_it(tmp_path, run_pbm):
    # openpyxl gives every cell of a hyperlink's range its own link: 17 billion here
    [_, plain] = _goals(tmp_path / "goals", "a.xlsx", "b.xlsx")
    rewrite_members(plain, tmp_path / "goals" / "c.xlsx", SHEET, _add_hyperlink("A1:XFD1048576"))
    plain.unlink()
    code, data, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out",
                                tmp_path / "out", cwd=tmp_path)
    assert code == 1, err
    [skipped] = _skipped(data)
    assert skipped["file"].endswith("c.xlsx") and skipped["severity"] == "warning"
    assert skipped["sheet"] == "项目1" and skipped["cell"] == "A1:XFD1048576"
    assert "annotate_max_cells" in skipped["message"] and "A1:XFD1048576" in skipped["message"]
    copies = sorted(p.name for p in (tmp_path / "out" / "annotated").iterdir())
    assert copies == ["a-审核意见.xlsx"]
    assert str(tmp_path / "out" / "goals-2026.xlsx") in data["outputs"]


def test_a_workbook_over_the_cell_limit_gets_no_copy(tmp_path, run_pbm):
    (tmp_path / "pbm.toml").write_text("[limits]\nannotate_max_cells = 100\n", encoding="utf-8")
    _goals(tmp_path / "goals", "a.xlsx")
    code, data, err = _validate(run_pbm, tmp_path / "goals", "--annotate", cwd=tmp_path)
    assert code == 1, err
    [skipped] = _skipped(data)
    assert skipped["file"].endswith("a.xlsx") and skipped["sheet"]
    assert "annotate_max_cells = 100" in skipped["message"]
    assert not (tmp_path / "out" / "annotated").exists() or \
        not list((tmp_path / "out" / "annotated").iterdir())
    assert (tmp_path / "out" / "goals-2026.xlsx").exists()


HOSTILE = {
    # the reader (calamine) takes these; openpyxl, which makes the copy, does not
    "decimal comma": (SHEET, lambda d: re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?>)<v>\d+</v>',
                                              rb"\1<v>1,5</v>", d, count=1)),
    "style index 65535": (SHEET, lambda d: re.sub(rb'(<c r="E12") s="\d+"', rb'\1 s="65535"', d,
                                                  count=1)),
    "damaged content types": (r"\[Content_Types\]\.xml", lambda d: d[:len(d) // 2]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_workbook_openpyxl_cannot_read_is_a_finding_and_the_others_get_their_copies(
        tmp_path, run_pbm, case):
    member, edit = HOSTILE[case]
    paths = _goals(tmp_path / "goals", "a.xlsx", "b.xlsx", "c.xlsx")
    rewrite_members(paths[1], tmp_path / "b2.xlsx", member, edit)
    (tmp_path / "b2.xlsx").replace(paths[1])  # the middle file: copies come before and after it
    code, data, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out",
                                tmp_path / "out", cwd=tmp_path)
    _, without, _ = _validate(run_pbm, tmp_path / "goals", "--out", tmp_path / "out2", cwd=tmp_path)
    assert code == 1, err  # what the review says
    [skipped] = _skipped(data)
    assert skipped["file"].endswith("b.xlsx")
    assert _review(data) == without["findings"]
    copies = sorted(p.name for p in (tmp_path / "out" / "annotated").iterdir())
    assert copies == ["a-审核意见.xlsx", "c-审核意见.xlsx"]


# --------------------------------------------------------------------------- one output set

def _snapshot(out: Path) -> dict[str, bytes]:
    """The published outputs (what a staging folder holds is no output yet)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))
            if not p.relative_to(out).parts[0].startswith(".~pbm")}


def _first_run(tmp_path, run_pbm) -> dict[str, bytes]:
    _goals(tmp_path / "goals", "a.xlsx", "b.xlsx", "c.xlsx")
    code, _, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out", tmp_path / "out",
                             cwd=tmp_path)
    assert code == 1, err
    before = _snapshot(tmp_path / "out")
    assert sorted(before) == ["annotated/a-审核意见.xlsx", "annotated/b-审核意见.xlsx",
                              "annotated/c-审核意见.xlsx", "goals-2026.xlsx"]
    # the departments resubmit: the next run's outputs differ from these
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        write_form_workbook(tmp_path / "goals" / name, [_spoiled(Path(name).stem + "局（修改）")])
    return before


def test_a_failure_mid_run_leaves_the_previous_list_and_copies(tmp_path, run_pbm, monkeypatch):
    from pbm.errors import PbmError
    from pbm.goals import annotate

    before = _first_run(tmp_path, run_pbm)
    real, calls = annotate.annotate_workbook, []

    def failing(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:  # the disk fills up at the second copy
            raise PbmError("CLI-WRITE-FAILED", file=str(args[2]), reason="No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(annotate, "annotate_workbook", failing)
    code, data, _ = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out",
                              tmp_path / "out", cwd=tmp_path)
    assert code == 2 and data["findings"][0]["code"] == "CLI-WRITE-FAILED"
    assert _snapshot(tmp_path / "out") == before  # neither a new list nor one new copy
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".~pbm")]


_KILLED_AT_SECOND_COPY = """
import os, sys
from pbm.goals import annotate
real, calls = annotate.annotate_workbook, []
def killed(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os._exit(137)  # as kill -9: no cleanup runs
    return real(*args, **kwargs)
annotate.annotate_workbook = killed
from pbm.cli.app import main
sys.exit(main())
"""


def test_a_kill_mid_run_leaves_the_previous_set_and_the_next_run_clears_its_staging(
        tmp_path, run_pbm):
    before = _first_run(tmp_path, run_pbm)
    done = subprocess.run([sys.executable, "-c", _KILLED_AT_SECOND_COPY, "validate",
                           str(tmp_path / "goals"), "--annotate", "--out", str(tmp_path / "out"),
                           "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 137, done.stderr
    assert _snapshot(tmp_path / "out") == before
    assert [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".~pbm-validate-")]
    code, _, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out", tmp_path / "out",
                             cwd=tmp_path)
    assert code == 1, err
    after = _snapshot(tmp_path / "out")
    assert sorted(after) == sorted(before)
    assert all(after[name] != before[name] for name in before)  # every file of the new run
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".~pbm")]


def test_a_run_that_rebuilds_the_list_drops_the_copy_of_a_file_now_clean(tmp_path, run_pbm):
    _first_run(tmp_path, run_pbm)
    write_form_workbook(tmp_path / "goals" / "b.xlsx", [good_project()])  # b is fixed
    code, data, err = _validate(run_pbm, tmp_path / "goals", "--annotate", "--out",
                                tmp_path / "out", cwd=tmp_path)
    assert code == 1, err
    copies = sorted(p.name for p in (tmp_path / "out" / "annotated").iterdir())
    assert copies == ["a-审核意见.xlsx", "c-审核意见.xlsx"]
    assert len(data["outputs"]) == 3


def test_a_finding_under_a_merge_is_shown_on_its_top_left_cell(tmp_path):
    # the cells under a merge stay as the file has them; the comment goes where Excel shows it
    from pbm.findings import Finding
    from pbm.goals.annotate import annotate_workbook

    [source] = _goals(tmp_path / "goals", "a.xlsx")
    hostile = rewrite_members(source, tmp_path / "b.xlsx", SHEET, _add_merge("J1:XFD1048576"))
    findings = [Finding("G4", file="b.xlsx", sheet="项目1", cell="C3", value="**"),   # in B3:D3
                Finding("G4", file="b.xlsx", sheet="项目1", cell="K900", value="**"),  # in J1:XFD…
                Finding("G4", file="b.xlsx", sheet="项目1", cell="第 5 行", value="**")]  # no cell
    copy = annotate_workbook(hostile, findings, tmp_path / "out" / "b-审核意见.xlsx")
    with zipfile.ZipFile(copy) as archive:
        comments = b"".join(archive.read(n) for n in archive.namelist() if "comments" in n)
    assert sorted(re.findall(rb'<comment ref="(\w+)"', comments)) == [b"B3", b"J1"]


def test_checking_one_resubmitted_file_keeps_the_other_copies(workspace, run_pbm):
    # a 单独检查 run leaves goals-<year>.xlsx as it was, and the other departments' copies too
    _goals(workspace / "goals", "a.xlsx", "b.xlsx")
    code, _, err = _validate(run_pbm, "goals", "--annotate", cwd=workspace)
    assert code == 1, err
    before = _snapshot(workspace / "out")
    write_form_workbook(workspace / "goals" / "a.xlsx", [_spoiled("a局（修改）")])
    code, data, err = _validate(run_pbm, "goals/a.xlsx", "--annotate", cwd=workspace)
    assert code == 1, err
    after = _snapshot(workspace / "out")
    assert after["goals-2026.xlsx"] == before["goals-2026.xlsx"]
    assert after["annotated/b-审核意见.xlsx"] == before["annotated/b-审核意见.xlsx"]
    assert after["annotated/a-审核意见.xlsx"] != before["annotated/a-审核意见.xlsx"]
    assert "goals-2026-单独检查.xlsx" in after
    assert [Path(p).name for p in data["outputs"]] == ["goals-2026-单独检查.xlsx", "a-审核意见.xlsx"]
