"""The value parser on the messy cells of real workbooks: operators, units, placeholders, tiers."""

from __future__ import annotations

import datetime
import tomllib
from decimal import Decimal

import pytest

from pbm.findings import Finding, catalogue, render_message
from pbm.resources import resource_dir
from pbm.values import (
    OPS,
    Note,
    ParsedValue,
    is_placeholder,
    normalise_text,
    parse_money,
    parse_value,
    qualitative_tier,
)


def codes(value: ParsedValue) -> list[str]:
    return [note.code for note in value.notes]


# --- operators ≥ -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["≥95%", "≧95%", ">=95%", "不低于95%", "不少于95%", "95%以上"])
def test_at_least_forms(raw):
    value = parse_value(raw, role="target")
    assert (value.kind, value.op, value.number, value.unit) == ("number", "≥", Decimal("95"), "%")
    assert value.op_implied is False
    assert codes(value) == []


# --- operators ≤ -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["≤90万元", "不超过90万元", "90万元以内"])
def test_at_most_forms_with_unit(raw):
    value = parse_value(raw)
    assert (value.kind, value.op, value.number, value.unit) == ("number", "≤", Decimal("90"), "万元")
    assert codes(value) == []


def test_at_most_without_unit():
    value = parse_value("<=90")
    assert (value.kind, value.op, value.number, value.unit) == ("number", "≤", Decimal("90"), None)
    assert codes(value) == []


# --- operator = and the implied operator ---------------------------------------------------


@pytest.mark.parametrize("raw", ["=100%", "═100%", "＝100%"])
def test_equal_forms(raw):
    value = parse_value(raw)
    assert (value.kind, value.op, value.number, value.unit) == ("number", "=", Decimal("100"), "%")
    assert value.op_implied is False
    assert codes(value) == []


def test_target_without_operator_is_at_least_with_info_note():
    value = parse_value("100%", role="target")
    assert (value.op, value.number, value.unit) == ("≥", Decimal("100"), "%")
    assert value.op_implied is True
    assert codes(value) == ["V-OP-IMPLIED"]
    assert value.notes[0].params["op"] == "≥"
    assert render_message("V-OP-IMPLIED", "zh", value.notes[0].params) == \
        "指标值“100%”未写计算符号，按“≥”处理（正向指标，越高越好）"
    assert catalogue()["V-OP-IMPLIED"]["severity"] == "info"


@pytest.mark.parametrize("raw", ["0", 0, "0起", 0.0])
def test_target_of_zero_without_operator_means_equal_zero(raw):
    # "≥ 0" would be met by anything: 安全事故 0 起 means none at all (the vendors' "= 0" rule).
    value = parse_value(raw, role="target", unit="起")
    assert (value.op, value.number, value.op_implied) == ("=", Decimal(0), True)
    assert codes(value) == ["V-OP-IMPLIED"]
    assert "按“=”处理（目标为 0，超过即未达成）" in \
        render_message("V-OP-IMPLIED", "zh", value.notes[0].params)
    assert parse_value("≥0", role="target").op == "≥"  # a written operator is kept


def test_actual_without_operator_has_no_operator():
    value = parse_value("100%", role="actual")
    assert (value.op, value.number, value.unit) == (None, Decimal("100"), "%")
    assert value.op_implied is False
    assert codes(value) == []


def test_numeric_target_cell_gets_implied_operator_too():
    value = parse_value(95, role="target", unit="%")
    assert (value.op, value.number, value.unit, value.op_implied) == ("≥", Decimal("95"), "%", True)
    assert codes(value) == ["V-OP-IMPLIED"]


# --- full width --------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number", "text"), [
    ("１２３．５", Decimal("123.5"), "123.5"),
    ("１，２３４", Decimal("1234"), "1,234"),
])
def test_full_width_digits(raw, number, text):
    value = parse_value(raw, role="actual")
    assert (value.kind, value.number, value.text) == ("number", number, text)
    assert normalise_text(raw) == text


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number", "unit"), [
    ("1,234.5", Decimal("1234.5"), None),
    ("3,309,840.00元", Decimal("3309840.00"), "元"),
    ("150万", Decimal("150"), "万"),
    ("1.2亿元", Decimal("1.2"), "亿元"),
])
def test_money_forms_as_plain_numbers(raw, number, unit):
    value = parse_value(raw, role="actual")
    assert (value.kind, value.number, value.unit) == ("number", number, unit)
    assert codes(value) == []


@pytest.mark.parametrize(("raw", "number", "converted_from"), [
    ("1,234.5", Decimal("1234.5"), None),
    (1234.5, Decimal("1234.5"), None),
    ("3,309,840.00元", Decimal("330.984"), "元"),
    ("150万", Decimal("150"), None),
    ("150万元", Decimal("150"), None),
    ("1.2亿元", Decimal("12000"), "亿元"),
])
def test_parse_money_converts_to_wan_yuan(raw, number, converted_from):
    value = parse_money(raw)
    assert (value.kind, value.number, value.unit) == ("number", number, "万元")
    if converted_from is None:
        assert codes(value) == []
    else:
        assert codes(value) == ["V-MONEY-CONVERTED"]
        assert value.notes[0].params["from_unit"] == converted_from
        assert value.notes[0].params["to_unit"] == "万元"


def test_parse_money_unit_from_header_when_the_cell_has_none():
    value = parse_money(1234.5, header_unit="(元)")
    assert (value.number, value.unit) == (Decimal("0.12345"), "万元")
    assert codes(value) == ["V-MONEY-CONVERTED"]
    assert value.notes[0].params["from_unit"] == "元"


def test_parse_money_cell_unit_wins_over_header():
    value = parse_money("150万元", header_unit="元")
    assert value.number == Decimal("150")
    assert codes(value) == []


def test_parse_money_to_yuan():
    value = parse_money("150万", to_unit="元")
    assert (value.number, value.unit) == (Decimal("1500000"), "元")
    assert value.notes[0].params == {"value": "150万", "from_unit": "万元", "to_unit": "元",
                                     "number": Decimal("1500000")}


@pytest.mark.parametrize(("raw", "number"), [
    ("1 200", Decimal("1200")),
    ("1 200.50", Decimal("1200.50")),
    ("1\u00a0200", Decimal("1200")),  # no-break space, as WPS exports it
    ("1\u202f200", Decimal("1200")),  # narrow no-break space
    ("3 309 840.00元", Decimal("330.984")),
])
def test_parse_money_digits_grouped_by_spaces_are_one_number(raw, number):
    # "1 200" was read as 1 万元 (its first group) without a word.
    assert parse_money(raw).number == number
    assert parse_value(raw, role="number").number == Decimal(number if "元" not in raw
                                                                else "3309840.00")


@pytest.mark.parametrize(("raw", "role", "number", "unit"), [
    ("1.2E+05", "target", "120000", None),  # a wide number as Excel shows it, saved to CSV
    ("≥1.5E+2", "target", "150", None),
    ("2E3人", "actual", "2000", "人"),
    ("3.5e-3", "number", "0.0035", None),
    ("１．２Ｅ＋０５", "number", "120000", None),  # full width, NFKC first
])
def test_scientific_notation_is_written_out_with_a_warning(raw, role, number, unit):
    parsed = parse_value(raw, role=role)
    assert parsed.number == Decimal(number)
    assert parsed.unit == unit
    assert parsed.text == normalise_text(raw)
    [note] = [n for n in parsed.notes if n.code == "V-SCIENTIFIC"]
    assert note.params["number"] == number


@pytest.mark.parametrize(("raw", "number", "codes"), [
    ("3.31E+06元", "331", {"V-MONEY-CONVERTED", "V-SCIENTIFIC"}),
    ("1.5E+02", "150", {"V-SCIENTIFIC"}),
])
def test_parse_money_writes_out_scientific_notation(raw, number, codes):
    parsed = parse_money(raw, to_unit="万元")
    assert parsed.number == Decimal(number)
    assert set(parsed.note_codes) == codes


@pytest.mark.parametrize("raw", ["1e999", "1E+25"])
def test_scientific_numbers_no_cell_could_mean_are_unparseable(raw):
    assert parse_value(raw, role="target").number is None
    assert parse_money(raw).number is None


@pytest.mark.parametrize("raw", ["PM2.5e3", "G1E5线", "Yes", "None", "3E"])
def test_an_e_that_is_no_exponent_is_left_alone(raw):
    assert "V-SCIENTIFIC" not in parse_value(raw, role="target").note_codes


@pytest.mark.parametrize("raw", ["(5)", "（5）", "(5)万元", "（50,000）元", "( 5 )"])
def test_parse_money_accountants_parentheses_are_negative(raw):
    value = parse_money(raw)
    assert value.number == Decimal("-5")
    assert codes(value)[-1] == "V-NEGATIVE"
    assert value.text == raw.replace("（", "(").replace("）", ")")  # shown as written


@pytest.mark.parametrize("raw", ["-5万元", -5, "-50000元"])
def test_parse_money_negative_is_returned_with_warning(raw):
    value = parse_money(raw)
    assert value.number == Decimal("-5")
    assert codes(value)[-1] == "V-NEGATIVE"
    assert catalogue()["V-NEGATIVE"]["severity"] == "warning"


@pytest.mark.parametrize("raw", ["95%", "12人", "无", "达成", True])
def test_parse_money_rejects_non_amounts(raw):
    value = parse_money(raw)
    assert value.kind == "text"
    assert codes(value) == ["R-UNPARSEABLE"]
    assert value.number is None


def test_parse_money_placeholder_and_blank():
    assert parse_money("**").placeholder is True
    assert parse_money("**").is_missing
    assert parse_money(None).is_missing and codes(parse_money(None)) == []
    assert parse_money("  ").is_missing


def test_parse_money_rejects_a_non_money_target_unit():
    with pytest.raises(ValueError):
        parse_money("100", to_unit="人")


def test_money_in_a_column_with_another_money_unit_is_converted():
    value = parse_value("900000元", role="actual", unit="万元")
    assert (value.number, value.unit) == (Decimal("90"), "万元")
    assert codes(value) == ["V-MONEY-CONVERTED"]


# --- percent -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "unit", "number"), [
    ("100.00%", None, Decimal("100.00")),
    ("100 %", None, Decimal("100")),
    ("100百分比", None, Decimal("100")),
    ("100％", None, Decimal("100")),
    (100, "%", Decimal("100")),
    ("100", "%", Decimal("100")),
    ("100", "(%)", Decimal("100")),
    (100, "百分比", Decimal("100")),
])
def test_percent_forms(raw, unit, number):
    value = parse_value(raw, role="actual", unit=unit)
    assert (value.kind, value.number, value.unit) == ("number", number, "%")
    assert value.number == Decimal("100")


def test_fraction_is_not_rescaled_to_percent():
    value = parse_value(0.95, role="actual", unit="%")
    assert (value.number, value.unit) == (Decimal("0.95"), "%")


# --- qualitative -------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "tier"), [
    ("达成", "达成"), ("部分达成", "部分达成"), ("未达成", "未达成"),
    ("是", "是"), ("否", "否"),
    ("优", "优"), ("良", "良"), ("中", "中"), ("差", "差"),
    ("高", "高"), ("低", "低"),
    ("有效提升", "提升"),
])
@pytest.mark.parametrize("role", ["target", "actual"])
def test_qualitative_values(raw, tier, role):
    value = parse_value(raw, role=role)
    assert (value.kind, value.tier, value.op, value.number) == ("qualitative", tier, None, None)
    assert codes(value) == []


@pytest.mark.parametrize(("text", "tier"), [
    ("达成", "达成"), ("已达成", "达成"), ("完成", "达成"), ("已完成", "达成"),
    ("全部完成", "达成"), ("达到", "达成"),
    ("部分达成", "部分达成"), ("基本达成", "部分达成"), ("部分完成", "部分达成"),
    ("基本完成", "部分达成"),
    ("未达成", "未达成"), ("未完成", "未达成"), ("未达到", "未达成"),
    ("是", "是"), ("否", "否"),
    ("优", "优"), ("良", "良"), ("中", "中"), ("差", "差"), ("高", "高"), ("低", "低"),
    ("有效提升", "提升"), ("明显改善", "提升"), ("逐步提高", "提升"), ("显著提高", "提升"),
    ("服务质量有效提升。", "提升"),
    ("加强管理", None), ("", None), ("项目", None),
])
def test_qualitative_tier(text, tier):
    assert qualitative_tier(text) == tier


def test_excel_booleans_are_yes_no():
    assert (parse_value(True).kind, parse_value(True).tier) == ("qualitative", "是")
    assert (parse_value(False, role="actual").tier) == "否"


def test_empty_words_are_text_for_the_g13_rule():
    value = parse_value("加强管理", role="target")
    assert (value.kind, value.tier, value.number) == ("text", None, None)
    assert codes(value) == []


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "role", "year", "kind", "date", "month"), [
    (46295, "date", None, "date", datetime.date(2026, 9, 30), 9),
    (46295.75, "date", None, "date", datetime.date(2026, 9, 30), 9),
    ("46295", "date", None, "date", datetime.date(2026, 9, 30), 9),
    ("2026年9月30日", "target", None, "date", datetime.date(2026, 9, 30), 9),
    ("2026-09-30", "target", None, "date", datetime.date(2026, 9, 30), 9),
    ("2026.09", "target", None, "month", datetime.date(2026, 9, 30), 9),
    ("9月底", "target", None, "month", None, 9),
    ("9月底", "target", 2026, "month", datetime.date(2026, 9, 30), 9),
    ("11月底完成", "actual", None, "month", None, 11),
    ("11月底完成", "date", 2026, "month", datetime.date(2026, 11, 30), 11),
    (datetime.datetime(2026, 9, 30, 0, 0), "target", None, "date", datetime.date(2026, 9, 30), 9),
    (datetime.datetime(2026, 9, 30, 15, 30), "actual", None, "date",
     datetime.date(2026, 9, 30), 9),
    (datetime.date(2026, 9, 30), "date", None, "date", datetime.date(2026, 9, 30), 9),
    (datetime.date(2026, 9, 30), "text", None, "date", datetime.date(2026, 9, 30), 9),
])
def test_dates_and_months(raw, role, year, kind, date, month):
    value = parse_value(raw, role=role, year=year)
    assert (value.kind, value.date, value.month) == (kind, date, month)
    assert codes(value) == []


def test_excel_serial_is_a_number_outside_date_columns():
    value = parse_value(46295, role="actual")
    assert (value.kind, value.number) == ("number", Decimal("46295"))


def test_year_dot_month_is_a_number_in_a_number_column():
    value = parse_value("2026.09", role="number")
    assert (value.kind, value.number) == ("number", Decimal("2026.09"))


def test_deadline_words_give_the_operator():
    value = parse_value("2026年9月30日前")
    assert (value.kind, value.op, value.date) == ("date", "≤", datetime.date(2026, 9, 30))


@pytest.mark.parametrize("raw", ["2026-02-30", "2026年", "全年"])
def test_unreadable_dates_are_noted(raw):
    value = parse_value(raw, role="date")
    assert value.kind == "text"
    assert codes(value) == ["R-UNPARSEABLE"]


# --- placeholders ------------------------------------------------------------------------

PLACEHOLDERS = ["**", "XX", "xx", "……", "…", "/", "—", "-", "－", "一", "≥**人", "**元/人·月",
                "≥XX%", "请填写…", "请填写项目实施内容", "（填写说明：按实际填写）", "例：≥95%",
                "是/否", "达成/部分达成/未达成"]


@pytest.mark.parametrize("raw", PLACEHOLDERS)
@pytest.mark.parametrize("role", ["target", "actual", "number"])
def test_placeholders_are_missing(raw, role):
    value = parse_value(raw, role=role)
    assert (value.kind, value.placeholder, value.is_missing) == ("missing", True, True)
    assert (value.number, value.op, value.tier) == (None, None, None)
    assert codes(value) == ["R-PLACEHOLDER"]
    assert value.notes[0].params == {"value": normalise_text(raw)}
    assert is_placeholder(raw) is True


@pytest.mark.parametrize("raw", ["95%", "达成", "X光机正常运行", "7*24小时", "XL", "加强管理",
                                 None, 95, "", "=100%"])
def test_not_placeholders(raw):
    assert is_placeholder(raw) is False
    assert parse_value(raw).placeholder is False


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_blank_is_missing_without_notes(raw):
    value = parse_value(raw)
    assert (value.kind, value.is_missing, value.placeholder) == ("missing", True, False)
    assert value.text == ""
    assert codes(value) == []


# --- actual with an operator ---------------------------------------------------------------


def test_actual_with_operator_keeps_number_and_warns():
    value = parse_value("≥266米", role="actual")
    assert (value.kind, value.number, value.unit, value.op) == ("number", Decimal("266"), "米", "≥")
    assert codes(value) == ["V-ACTUAL-HAS-OP"]
    assert value.notes[0].params == {"value": "≥266米", "op": "≥", "number": Decimal("266")}
    assert catalogue()["V-ACTUAL-HAS-OP"]["severity"] == "warning"


# --- formulas ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["=SUM(A1:A3)", "=A1*2", "=IF(A1>0,1,0)", "=sum(b2:b9)/2",
                                 "=$C$4", "=汇总!B3", "=1+2"])
def test_formula_without_cached_value_is_missing(raw):
    value = parse_value(raw, role="actual")
    assert (value.kind, value.is_missing, value.placeholder) == ("missing", True, False)
    assert codes(value) == ["R-FORMULA-NO-VALUE"]


@pytest.mark.parametrize("raw", ["=100%", "=0", "= 95 %", "=500m2"])
def test_equals_sign_before_a_number_is_an_operator(raw):
    value = parse_value(raw)
    assert (value.kind, value.op) == ("number", "=")
    assert codes(value) == []


# --- operator words and units ----------------------------------------------------------------


@pytest.mark.parametrize(("raw", "op", "number", "unit"), [
    ("大于90", ">", Decimal("90"), None),
    ("高于90%", ">", Decimal("90"), "%"),
    ("低于5%", "<", Decimal("5"), "%"),
    ("少于3次", "<", Decimal("3"), "次"),
    ("小于1天", "<", Decimal("1"), "天"),
    ("不高于10%", "≤", Decimal("10"), "%"),
    ("不大于10", "≤", Decimal("10"), None),
    ("最多5个", "≤", Decimal("5"), "个"),
    ("至少3所", "≥", Decimal("3"), "所"),
    ("不小于3", "≥", Decimal("3"), None),
    ("控制在90万元以内", "≤", Decimal("90"), "万元"),
    ("控制在5%以下", "≤", Decimal("5"), "%"),
    ("500户以上", "≥", Decimal("500"), "户"),
    ("30天内", "≤", Decimal("30"), "天"),
    ("<5", "<", Decimal("5"), None),
    (">0", ">", Decimal("0"), None),
    ("≥-5%", "≥", Decimal("-5"), "%"),
    ("验收合格率≥95%", "≥", Decimal("95"), "%"),
    ("PM2.5浓度≤35微克/立方米", "≤", Decimal("35"), "微克/立方米"),
])
def test_operator_words(raw, op, number, unit):
    value = parse_value(raw)
    assert (value.kind, value.op, value.number, value.unit) == ("number", op, number, unit)
    assert value.op_implied is False


@pytest.mark.parametrize("unit", ["人次", "个", "万元", "元", "%", "天", "月", "年", "次", "公里",
                                  "米", "平方米", "亩", "户", "人", "件", "台", "套", "所", "家",
                                  "场", "期", "项", "份", "元/人·月", "辆次"])
def test_units_after_the_number(unit):
    value = parse_value(f"≥12{unit}")
    assert (value.op, value.number, value.unit) == ("≥", Decimal("12"), unit)


@pytest.mark.parametrize(("written", "unit"), [("％", "%"), ("百分比", "%"), ("㎡", "平方米"),
                                               ("m²", "平方米"), ("km", "公里")])
def test_units_are_normalised(written, unit):
    assert parse_value(f"≥12{written}").unit == unit


def test_number_inside_text():
    value = parse_value("完成95%的任务量", role="actual")
    assert (value.kind, value.number, value.unit) == ("number", Decimal("95"), "%")
    assert codes(value) == []


def test_leading_year_is_not_the_number():
    value = parse_value("2026年完成10个", role="actual")
    assert (value.number, value.unit) == (Decimal("10"), "个")


# --- ranges and precision ----------------------------------------------------------------


@pytest.mark.parametrize(("raw", "unit"), [("90%-95%", "%"), ("90~95", None), ("90至95%", "%"),
                                           ("95-90", None)])
def test_range_gives_lower_bound(raw, unit):
    value = parse_value(raw, role="target")
    assert (value.kind, value.op, value.number, value.unit) == ("number", "≥", Decimal("90"), unit)
    assert codes(value) == ["V-RANGE"]
    assert value.notes[0].params["high"] == Decimal("95")
    assert catalogue()["V-RANGE"]["severity"] == "info"


def test_precision_is_kept_as_written():
    value = parse_value("123.50", role="actual")
    assert str(value.number) == "123.50"
    assert value.number == Decimal("123.5")


@pytest.mark.parametrize(("raw", "text", "number"), [
    (95.0, "95", Decimal("95")),
    (0.95, "0.95", Decimal("0.95")),
    (0.1 + 0.2, "0.3", Decimal("0.3")),
    (1234567.891, "1234567.891", Decimal("1234567.891")),
    (1e20, "100000000000000000000", Decimal("1e20")),
    (-0.0, "0", Decimal("0")),
    (7, "7", Decimal("7")),
])
def test_float_cells_without_noise(raw, text, number):
    value = parse_value(raw, role="number")
    assert (value.text, value.number, value.op, value.notes) == (text, number, None, ())
    assert normalise_text(raw) == text


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf"), Decimal("NaN")])
def test_nan_and_infinity_are_unparseable(raw):
    value = parse_value(raw)
    assert value.kind == "text"
    assert codes(value) == ["R-UNPARSEABLE"]


def test_number_role_rejects_text():
    value = parse_value("加强管理", role="number")
    assert value.kind == "text"
    assert codes(value) == ["R-UNPARSEABLE"]
    assert value.notes[0].params["value"] == "加强管理"


# --- normalise_text ----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "text"), [
    (None, ""),
    ("  ≥ 95 %\n", "≥ 95 %"),
    ("达成\u200b", "达成"),
    ("项目\u3000名称", "项目 名称"),
    (True, "TRUE"),
    (datetime.datetime(2026, 9, 30), "2026-09-30"),
    (Decimal("12.50"), "12.50"),
])
def test_normalise_text(raw, text):
    assert normalise_text(raw) == text


# --- results as data and the message catalogue -----------------------------------------------


def test_results_are_frozen_dataclasses_with_to_dict():
    value = parse_value("≥266米", role="actual")
    with pytest.raises(AttributeError):
        value.number = Decimal(1)  # type: ignore[misc]
    assert value == ParsedValue("≥266米", "≥266米", "number", op="≥", number=Decimal("266"),
                                unit="米", notes=(Note("V-ACTUAL-HAS-OP", {
                                    "value": "≥266米", "op": "≥", "number": Decimal("266")}),))
    assert value.to_dict()["number"] == "266"
    assert value.to_dict()["notes"][0] == {"code": "V-ACTUAL-HAS-OP", "params": {
        "value": "≥266米", "op": "≥", "number": "266"}}
    assert OPS == ("≥", "≤", "=", ">", "<")


VALUE_CODES = {"V-OP-IMPLIED": "info", "V-ACTUAL-HAS-OP": "warning", "V-MONEY-CONVERTED": "info",
               "V-NEGATIVE": "warning", "V-RANGE": "info", "V-SCIENTIFIC": "warning"}


def test_values_catalogue_defines_exactly_its_codes():
    with (resource_dir("messages") / "values.toml").open("rb") as handle:
        entries = tomllib.load(handle)
    assert {code: entry["severity"] for code, entry in entries.items()} == VALUE_CODES
    for entry in entries.values():
        assert all(entry[key].strip() for key in ("zh", "en", "hint_zh", "hint_en"))
    assert set(VALUE_CODES) <= set(catalogue())


@pytest.mark.parametrize(("raw", "kwargs", "money"), [
    ("100%", {"role": "target"}, False),
    ("≥266米", {"role": "actual"}, False),
    ("90%-95%", {"role": "target"}, False),
    ("**", {}, False),
    ("=SUM(A1:A3)", {}, False),
    ("abc", {"role": "number"}, False),
    ("3,309,840.00元", {}, True),
    ("-5万元", {}, True),
])
def test_every_note_renders_without_unfilled_placeholders(raw, kwargs, money):
    value = parse_money(raw, **kwargs) if money else parse_value(raw, **kwargs)
    assert value.notes
    for note in value.notes:
        assert note.code in catalogue()
        finding = Finding(note.code, params=note.params)
        for lang in ("zh", "en"):
            text = finding.message(lang)
            assert text != note.code
            assert "{" not in text and "}" not in text


def test_numpy_scalars_from_dataframe_readers():
    import numpy
    value = parse_value(numpy.int64(5), role="actual")
    assert (value.kind, value.number, value.raw) == ("number", Decimal("5"), numpy.int64(5))
    assert parse_value(numpy.float64(0.95), role="actual").number == Decimal("0.95")
    assert parse_money(numpy.int64(50000), header_unit="元").number == Decimal("5")


def test_decimal_text_rounds_half_up_everywhere_pbm_shows_a_number():
    """Terminal, workbooks and letters show the same digits: 8.125 is 8.13, never 8.12."""
    from pbm.values import decimal_text

    assert decimal_text(Decimal("8.125")) == "8.13"
    assert decimal_text(Decimal("-0.005"), sign=True) == "-0.01"
    assert decimal_text(Decimal("1.005"), sign=True) == "+1.01"
    assert decimal_text(Decimal("1234567.125"), thousands=True) == "1,234,567.13"
    assert decimal_text(0.125) == "0.13"  # a float is taken as written, not as its binary
    assert decimal_text(None) == "—" and decimal_text(None, dash="") == ""


def test_a_total_agrees_with_its_parts_to_half_a_hundredth():
    from decimal import Decimal as D

    from pbm.values import sums_differ

    assert not sums_differ(D("1000"), D("600") + D("400.005"))  # rounding of two decimals
    assert sums_differ(D("1000"), D("600") + D("400.006"))
    assert sums_differ(D("1000"), D("600") + D("300"))
