"""The shared xlsx writer: what one Excel cell cannot hold."""

from __future__ import annotations

import openpyxl
import pytest

from pbm.workbook.writer import EXCEL_TEXT_LIMIT, Sheet, write_xlsx


@pytest.mark.parametrize("engine", ["xlsxwriter", "auto"])  # auto: the Rust writer when installed
def test_text_longer_than_a_cell_is_cut_and_says_so(tmp_path, engine):
    # A 偏差原因 pasted from a report: 40,000 characters.  The Rust writer refused the whole
    # workbook ("String exceeds Excel's limit"), XlsxWriter cut it without a word.
    reason = "受项目招投标程序影响，资金尚未拨付。" * 2200
    assert len(reason) > EXCEL_TEXT_LIMIT
    sheet = Sheet("项目", ["项目名称", "偏差原因"], [["道路养护", reason], ["桥梁检测", "按期"]])
    path = write_xlsx(tmp_path / "out.xlsx", [sheet], engine=engine)
    rows = list(openpyxl.load_workbook(path)["项目"].iter_rows(min_row=2, values_only=True))
    cut = rows[0][1]
    assert len(cut) == EXCEL_TEXT_LIMIT
    assert cut.startswith(reason[:1000]) and "已截断" in cut[-40:]
    assert rows[1] == ("桥梁检测", "按期")


@pytest.mark.parametrize("engine", ["xlsxwriter", "auto"])  # auto: the Rust writer when installed
def test_dates_stay_dates_and_show_as_dates_on_coloured_rows(tmp_path, engine):
    # A 填报日期 carried into an output: the Rust writer wrote "2026-09-30" as text, and
    # XlsxWriter showed 46295 on a coloured (red/yellow) row, whose fill replaced the date format.
    import datetime as dt

    sheet = Sheet("项目", ["项目名称", "填报日期", "导入时间"],
                  [["道路养护", dt.date(2026, 9, 30), dt.datetime(2026, 10, 8, 9, 30)],
                   ["桥梁检测", dt.datetime(2026, 9, 28), None]],
                  row_fills=["red", None])
    path = write_xlsx(tmp_path / "out.xlsx", [sheet], engine=engine)
    ws = openpyxl.load_workbook(path)["项目"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["道路养护", dt.datetime(2026, 9, 30), dt.datetime(2026, 10, 8, 9, 30)],
        ["桥梁检测", dt.datetime(2026, 9, 28), None]]
    assert ws["B2"].number_format == ws["B3"].number_format == "yyyy-mm-dd"
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["A2"].fill.fgColor.rgb.endswith("FFC7CE")  # the red row keeps its colour


@pytest.mark.parametrize("engine", ["xlsxwriter", "auto"])  # auto: the Rust writer when installed
def test_values_of_every_kind_keep_their_value(tmp_path, engine):
    # A 得分 column where one line's Decimal('10') sits beside another's int 10 (equal keys when
    # each distinct value is converted once), 是/否 columns, blanks as "" and None, a date
    # column beside numbers only, a column of numbers that needs no conversion at all, and
    # columns where a value that needs converting equals one met before it (0 then False,
    # 5 then Decimal('5'): one key in a set of the column's values).
    import datetime as dt
    from decimal import Decimal

    sheet = Sheet("指标", ["得分", "达成", "说明", "日期", "分值", "次数", "权重"], [
        [10, True, "", dt.date(2026, 6, 30), 15.0, 0, 5],
        [Decimal("10"), False, "按期完成", None, 5, False, Decimal("5")],
        [Decimal("9.5"), None, "=1+1", dt.date(2026, 12, 31), None, 0, 5],
        [Decimal("10.00"), True, "按期完成", None, 10.5, 1, Decimal("5.0")]])
    path = write_xlsx(tmp_path / "out.xlsx", [sheet], engine=engine)
    ws = openpyxl.load_workbook(path)["指标"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [10, "是", None, dt.datetime(2026, 6, 30), 15, 0, 5],
        [10, "否", "按期完成", None, 5, "否", 5],
        [9.5, None, "=1+1", dt.datetime(2026, 12, 31), None, 0, 5],
        [10, "是", "按期完成", None, 10.5, 1, 5]]
    assert ws["C4"].data_type == "s"  # text, never a formula
    assert ws["D2"].number_format == "yyyy-mm-dd"
