"""Big sheets parsed in two halves on two threads give exactly what the whole-sheet read gives."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from pbm.errors import PbmError
from pbm.workbook import reader, source, split
from pbm.workbook.forms import GOAL_LIST_COLUMNS, list_rows
from pbm.workbook.reader import read_workbook
from pbm.workbook.source import open_workbook
from tests.builders import good_project, write_list_workbook

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_WORKBOOKS = sorted(SAMPLE.rglob("*.xlsx"))


@pytest.fixture
def cut_everything(monkeypatch):
    """Every sheet counts as big; returns the names of the sheets each read cut in halves."""
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    halves: list[set[str]] = []
    real = split._read_tails

    def spy(cuts, *args):
        halves.append(set(cuts))
        return real(cuts, *args)

    monkeypatch.setattr(split, "_read_tails", spy)
    return halves


def _whole(path: Path, monkeypatch, only=()):
    with monkeypatch.context() as m:
        m.setattr(source, "_read_halves", lambda *_: None)
        return open_workbook(path, only=only)


def _same(left, right) -> None:
    assert [s.name for s in left.sheets] == [s.name for s in right.sheets]
    for a, b in zip(left.sheets, right.sheets):
        assert a.visible == b.visible, a.name
        assert a.merged == b.merged, a.name
        assert a.formula_cells == b.formula_cells, a.name
        assert a.rows == b.rows, a.name


def _gap_workbook(path: Path) -> Path:
    """A list whose cut falls at a run of blank rows, after which the rows start in column C,
    reach one column further and hold dates; a formula without a cached value in each half;
    merged title; a hidden sheet and a small second sheet beside it."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("清单")
    sheet.merge_range(0, 0, 0, 5, "2026年项目绩效目标清单")
    sheet.write_row(1, 0, ["项目编码", "项目名称", "主管部门", "一级指标", "三级指标", "指标值"])
    for r in range(2, 40):
        sheet.write_row(r, 0, [f"P{r:04d}", f"项目{r}", "教育局", "产出指标", "完成数量", r * 3])
    sheet.write_formula(41, 5, "=F3*2", None, "")
    for r in range(60, 200):
        # The first row after the gap is long (inline text): the middle of the XML is in it.
        long = r == 60
        sheet.write_row(r, 2, ["教育局", "效益指标", "x" * 30000 if long else "受益人数", r,
                               "y" * 30000 if long else "说明"])
        sheet.write_datetime(r, 7, datetime.datetime(2026, 1 + r % 12, 1), date_format)
    sheet.write_formula(200, 6, "=SUM(F61:F200)", None, "")
    hidden = book.add_worksheet("旧版")
    hidden.write_row(0, 0, ["项目名称", "指标值"])
    hidden.hide()
    small = book.add_worksheet("说明")
    small.write(0, 0, "填报说明：金额单位为万元")
    book.close()
    return path


def test_a_cut_at_blank_rows_before_wider_rows_reads_as_the_whole(tmp_path, monkeypatch,
                                                                   cut_everything):
    path = _gap_workbook(tmp_path / "gap.xlsx")
    starts = []
    real = split._open_cut

    def record(archive, member, size, *share):
        cut = real(archive, member, size, *share)
        starts.append(cut.first[cut.at:cut.at + 20] if cut else None)
        return cut

    monkeypatch.setattr(split, "_open_cut", record)
    halves = open_workbook(path)
    whole = _whole(path, monkeypatch)
    assert cut_everything == [{"清单"}]
    assert starts[0].startswith(b'<row r="61"'), "the cut should fall at the blank rows"
    _same(halves, whole)
    rows = halves.sheets[0].rows
    assert rows[60][2] == "教育局" and rows[60][0] == ""
    assert rows[60][7] == datetime.date(2026, 1, 1)
    assert rows[45] == [""] * len(rows[0])
    assert halves.sheets[0].formula_cells == {(41, 5), (200, 6)}
    assert halves.sheets[0].merged == [((0, 0), (0, 5))]


def test_only_named_sheets_are_read_and_cut(tmp_path, monkeypatch, cut_everything):
    path = _gap_workbook(tmp_path / "gap.xlsx")
    halves = open_workbook(path, only=["说明"])
    assert [s.name for s in halves.sheets] == ["说明"]
    _same(halves, _whole(path, monkeypatch, only=["说明"]))
    assert cut_everything == [], "清单 was not asked for; 说明 has one row, nothing to cut"


@pytest.mark.parametrize("path", SAMPLE_WORKBOOKS, ids=lambda p: p.name)
def test_sample_workbooks_read_the_same_in_halves(path, monkeypatch, cut_everything):
    """Forms with merged cells and title rows, list exports, hidden sheets, 合计 rows."""
    halves = open_workbook(path)
    whole = _whole(path, monkeypatch)
    assert cut_everything, "no sheet of the workbook was cut"
    _same(halves, whole)


def test_projects_and_findings_are_the_same_when_read_in_halves(tmp_path, monkeypatch,
                                                                cut_everything):
    path = SAMPLE / "2026-示例区" / "goals" / "101-教育局-2026年项目绩效目标.xlsx"
    halves = read_workbook(path)
    with monkeypatch.context() as m:
        m.setattr(source, "_read_halves", lambda *_: None)
        whole = read_workbook(path)
    assert cut_everything
    assert [p.name for p in halves.projects] == [p.name for p in whole.projects]
    assert [[r.values for r in p.indicators] for p in halves.projects] == \
        [[r.values for r in p.indicators] for p in whole.projects]
    assert [f.to_dict() for f in halves.all_findings] == [f.to_dict() for f in whole.all_findings]


def test_a_half_calamine_refuses_falls_back_to_the_whole_read(tmp_path, monkeypatch,
                                                               cut_everything):
    path = _gap_workbook(tmp_path / "gap.xlsx")

    def refuse(*_):
        raise ValueError("calamine: invalid xml")

    monkeypatch.setattr(split, "_read_tails", refuse)
    assert source._read_halves(path, "gap.xlsx", ()) is None
    _same(open_workbook(path), _whole(path, monkeypatch))


def test_a_damaged_big_sheet_is_still_reported_as_unreadable(tmp_path, cut_everything):
    path = _gap_workbook(tmp_path / "gap.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</c>", b"", 5)  # cells never closed
            out.writestr(info, data)
    with pytest.raises(PbmError) as caught:
        open_workbook(damaged)
    assert caught.value.code == "R-UNREADABLE"
    assert cut_everything == [{"清单"}], "the halves were tried first"


def test_rows_numbered_only_by_their_order_are_not_cut(tmp_path, monkeypatch, cut_everything):
    path = _gap_workbook(tmp_path / "gap.xlsx")
    unnumbered = tmp_path / "unnumbered.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(unnumbered, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<row r="\d+"', b"<row", data)
            out.writestr(info, data)
    assert source._read_halves(unnumbered, "unnumbered.xlsx", ()) is None
    assert cut_everything == []


@pytest.mark.parametrize("xml", [
    b'<worksheet><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    b'<x:row r="2"><x:c r="A2"><x:v>2</x:v></x:c></x:row></x:sheetData></worksheet>',
    b"<worksheet><sheetData/></worksheet>",
    b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>',
], ids=["namespace-prefix", "no-rows", "one-row"])
def test_sheets_without_a_safe_cut_are_left_whole(tmp_path, xml):
    archive_path = tmp_path / "a.zip"
    with zipfile.ZipFile(archive_path, "w") as out:
        out.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(archive_path) as archive:
        assert split._open_cut(archive, "xl/worksheets/sheet1.xml", len(xml) * 2) is None


def test_join_rows_pads_columns_and_gap_rows():
    head = [["编码", "名称"], ["P1", "甲"]]
    tail = [["乙", 3.0, "注"]]
    rows = split.join_rows(head, (4, 1), tail)
    assert rows == [["编码", "名称", "", ""], ["P1", "甲", "", ""], ["", "", "", ""],
                    ["", "", "", ""], ["", "乙", 3.0, "注"]]
    assert split.join_rows([["a"]], None, []) == [["a"]]
    with pytest.raises(ValueError):
        split.join_rows([["a"], ["b"], ["c"]], (1, 0), [["d"]])


# --------------------------------------------------------------------------- early reading

@pytest.fixture
def read_early(monkeypatch):
    """Every list sheet is cut and read from its first half while the rest is parsed."""
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(reader, "_EARLY_MIN_ROWS", 0)


def _many_projects(count: int = 40) -> list:
    return [good_project(f"乡村道路养护项目{k:02d}", code=f"P2026{k:03d}") for k in range(count)]


def _read_both(path: Path, monkeypatch):
    """The read with early work (which records each project handed out and returns its
    number of lines), and the ordinary read."""
    handed: list = []

    def work(record):
        handed.append(record)
        return len(record.indicators)

    early = read_workbook(path, early=work)
    with monkeypatch.context() as m:
        m.setattr(source, "_read_halves", lambda *_: None)
        whole = read_workbook(path)
    return handed, early, whole


def _same_read(left, right) -> None:
    assert [p.name for p in left.projects] == [p.name for p in right.projects]
    assert [[(r.row, r.values) for r in p.indicators] for p in left.projects] == \
        [[(r.row, r.values) for r in p.indicators] for p in right.projects]
    assert [{k: (c.value, c.a1) for k, c in p.fields.items()} for p in left.projects] == \
        [{k: (c.value, c.a1) for k, c in p.fields.items()} for p in right.projects]
    assert [[(a.row, a.kind, a.project) for a in s.rows] for s in left.sheets] == \
        [[(a.row, a.kind, a.project) for a in s.rows] for s in right.sheets]
    assert [f.to_dict() for f in left.all_findings] == [f.to_dict() for f in right.all_findings]


def test_projects_of_the_first_half_are_handed_out_early_and_kept(tmp_path, monkeypatch,
                                                                  read_early):
    path = write_list_workbook(tmp_path / "清单.xlsx", _many_projects(), total_row=True)
    handed, early, whole = _read_both(path, monkeypatch)
    assert 5 <= len(handed) < 40
    final = {id(p) for p in early.projects}
    assert all(id(p) in final for p in handed), "the early records are the read's own"
    assert early.sheets[0].reopened == set()
    assert [early.early_result(p) for p in handed] == [6] * len(handed)
    assert early.early_result(early.projects[-1]) is None, "not complete in the first part"
    _same_read(early, whole)


def test_a_project_whose_rows_come_back_after_the_cut_is_reopened(tmp_path, monkeypatch,
                                                                  read_early):
    projects = _many_projects()
    again = list_rows(projects[1])[:2]  # two more lines of 项目01 below everyone else's
    path = write_list_workbook(tmp_path / "清单.xlsx", projects, extra_rows=again)
    handed, early, whole = _read_both(path, monkeypatch)
    [first] = [p for p in handed if p.name == "乡村道路养护项目01"]
    assert id(first) in early.sheets[0].reopened
    assert len(first.indicators) == 8
    assert len(early.sheets[0].reopened) == 1
    assert early.early_result(first) is None, "made of its first 6 lines: stale"
    assert early.early_result(handed[0]) == 6
    _same_read(early, whole)


def _merged_export(path: Path, *, merged_header: bool = False) -> Path:
    """A list as budget systems export it: each project's code, name, department and amounts
    merged down over its rows, 一级指标 merged over its run of lines, a group row merged
    above the header; optionally the last header label merged across two columns."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("清单")
    last = len(GOAL_LIST_COLUMNS) - 1
    sheet.merge_range(0, 0, 0, 9, "项目信息")
    sheet.merge_range(0, 10, 0, last, "绩效指标")
    sheet.write_row(1, 0, GOAL_LIST_COLUMNS)
    if merged_header:
        sheet.merge_range(1, last, 1, last + 1, GOAL_LIST_COLUMNS[last])
    r = 2
    for project in _many_projects():
        rows = list_rows(project)
        for values in rows:
            sheet.write_row(r, 0, [v if v is not None else "" for v in values])
            r += 1
        first = r - len(rows)
        for col in (0, 1, 2, 5, 6, 7):
            sheet.merge_range(first, col, r - 1, col, rows[0][col])
        sheet.merge_range(first, 10, first + 3, 10, rows[0][10])  # 产出指标 over 4 lines
    book.close()
    return path


def test_merged_project_cells_below_the_header_read_as_the_whole(tmp_path, monkeypatch,
                                                                read_early):
    path = _merged_export(tmp_path / "合并.xlsx")
    handed, early, whole = _read_both(path, monkeypatch)
    assert handed
    final = {id(p) for p in early.projects}
    assert all(id(p) in final for p in handed), "the early records are the read's own"
    _same_read(early, whole)
    assert early.projects[0].fields["total_funds"].value == 150


def test_a_merged_header_cell_makes_the_sheet_read_again(tmp_path, monkeypatch, read_early):
    path = _merged_export(tmp_path / "表头.xlsx", merged_header=True)
    handed, early, whole = _read_both(path, monkeypatch)
    assert handed, "the first half was handed out before the merges were known"
    final = {id(p) for p in early.projects}
    assert not any(id(p) in final for p in handed), "…and the sheet was read again whole"
    assert all(early.early_result(p) is None for p in early.projects)
    _same_read(early, whole)


def test_a_formula_without_value_after_the_cut_makes_the_sheet_read_again(tmp_path,
                                                                          monkeypatch,
                                                                          read_early):
    projects = _many_projects()
    path = tmp_path / "公式.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("清单")
    sheet.write_row(0, 0, GOAL_LIST_COLUMNS)
    r = 1
    for project in projects:
        for values in list_rows(project):
            sheet.write_row(r, 0, [v if v is not None else "" for v in values])
            r += 1
    sheet.write_formula(r - 1, 16, "=Q2*2", None, "")  # 权重 of the last line
    book.close()
    handed, early, whole = _read_both(path, monkeypatch)
    assert handed
    assert not any(id(p) in {id(q) for q in early.projects} for p in handed)
    assert all(early.early_result(p) is None for p in early.projects)
    assert any(f.code == "R-FORMULA-NO-VALUE" for f in early.all_findings)
    _same_read(early, whole)


def test_a_first_part_ending_inside_a_row_tag_is_cut_at_the_row_before(tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (k, k, k) for k in range(1, 6))
    xml = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    archive_path = tmp_path / "a.zip"
    with zipfile.ZipFile(archive_path, "w") as out:
        out.writestr("s.xml", xml)
    second_row = xml.index(b'<row r="2"')
    with zipfile.ZipFile(archive_path) as archive:
        for end in range(xml.index(b'<row r="3"') + 1, len(xml)):
            cut = split._open_cut(archive, "s.xml", len(xml), end / len(xml))
            assert cut is not None, end
            assert cut.at >= second_row and split._ROW_NUMBER.match(cut.first, cut.at), end
            cut.stream.close()


@pytest.mark.parametrize("path", SAMPLE_WORKBOOKS, ids=lambda p: p.name)
def test_sample_workbooks_read_the_same_when_read_early(path, monkeypatch, read_early):
    # Most of these small sheets in the first part, so that projects are handed out early.
    monkeypatch.setattr(split, "EARLY_HEAD_SHARE", 0.9)
    _, early, whole = _read_both(path, monkeypatch)
    _same_read(early, whole)


def test_the_sample_lists_are_handed_out_early(monkeypatch, read_early):
    """The comparison above goes through the early path on the list workbooks."""
    monkeypatch.setattr(split, "EARLY_HEAD_SHARE", 0.9)
    lists = [path for path in SAMPLE_WORKBOOKS if "汇总" in path.name]
    assert lists
    for path in lists:
        handed, early, _ = _read_both(path, monkeypatch)
        assert handed, path.name
        assert {id(p) for p in handed} <= {id(p) for p in early.projects}, path.name


def test_merged_cells_in_a_list_without_indicators_make_the_sheet_read_again(
        tmp_path, monkeypatch, read_early):
    """A project list (no indicator columns): a merged 主管部门 repeats down over its
    projects, which the first half was read without."""
    path = tmp_path / "项目.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("项目清单")
    sheet.write_row(0, 0, ["项目编码", "项目名称", "主管部门", "资金总额(万元)"])
    for k in range(200):
        sheet.write_row(k + 1, 0, [f"P{k:04d}", f"项目{k:04d}", "", 50 + k])
    for start in range(1, 201, 20):
        sheet.merge_range(start, 2, start + 19, 2, f"部门{start // 20}")
    book.close()
    handed, early, whole = _read_both(path, monkeypatch)
    assert handed
    assert not any(id(p) in {id(q) for q in early.projects} for p in handed)
    assert all(early.early_result(p) is None for p in early.projects)
    _same_read(early, whole)
    assert early.projects[5].fields["department"].value == "部门0"
