"""``pbm validate --annotate`` on hostile workbooks, made from a normal goal workbook by rewriting
its XML: bounded whatever the file holds (a merge over the whole sheet costs nothing; what
openpyxl would expand past [limits] annotate_max_cells, or cannot read, gets no copy and a
G-NOT-ANNOTATED warning naming file, sheet and range)."""

from __future__ import annotations

import json
import re
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
