"""Properties of the value parser: it never raises, never hides a failure, and
reads back what a well-formed cell says."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pbm.findings import catalogue
from pbm.values import (
    OPS,
    ParsedValue,
    is_placeholder,
    normalise_text,
    parse_money,
    parse_value,
    qualitative_tier,
)
from pbm.values.model import MAX_EXPONENT

KINDS = {"number", "qualitative", "date", "month", "text", "missing"}
ROLES = ("target", "actual", "number", "date", "text")
TIERS = {None, "达成", "部分达成", "未达成", "是", "否", "优", "良", "中", "差", "高", "低", "提升"}

# Text that looks like real cells: operators, digits, units, Chinese and filler characters,
# plus arbitrary Unicode.
CELL_ALPHABET = list("0123456789.,-+%=<>≥≤≧≦═＝～~ 　\n*Xx…/—一年月日底前以上下内万元亿人次个米"
                     "达成部分未是否优良中差高低有效提升不低于超过控制在请填写例：（）()①１２３．，")
cell_text = st.one_of(st.text(alphabet=CELL_ALPHABET, max_size=25), st.text(max_size=25))

FAST = settings(max_examples=200, deadline=None)


def check_well_formed(value: ParsedValue, raw: object) -> None:
    """What every result must satisfy, whatever the input."""
    assert isinstance(value, ParsedValue)
    assert value.raw is raw or value.raw == raw or (value.raw != value.raw)  # nan != nan
    assert value.kind in KINDS
    assert value.op in (None, *OPS)
    assert value.tier in TIERS
    assert isinstance(value.text, str)
    if value.kind == "number":
        assert isinstance(value.number, Decimal) and value.number.is_finite()
    else:
        assert value.number is None
    if value.kind == "date":
        assert isinstance(value.date, datetime.date) and value.month == value.date.month
    if value.kind == "month":
        assert value.month is not None and 1 <= value.month <= 12
    if value.kind == "qualitative":
        assert value.tier is not None
    if value.placeholder:
        assert value.kind == "missing"
    assert value.is_missing == (value.kind == "missing")
    known = catalogue()
    for note in value.notes:
        assert note.code in known
        # The safety net in parse_value marks internal errors; none may ever happen.
        assert "internal" not in note.params


@FAST
@given(raw=cell_text, role=st.sampled_from(ROLES),
       unit=st.sampled_from([None, "%", "万元", "元", "个", "(%)", "月"]),
       year=st.sampled_from([None, 2026]))
def test_parse_value_never_raises_on_text(raw, role, unit, year):
    check_well_formed(parse_value(raw, role=role, unit=unit, year=year), raw)


@FAST
@given(raw=cell_text, to_unit=st.sampled_from(["万元", "元", "亿元"]),
       header=st.sampled_from([None, "元", "万元", "%"]))
def test_parse_money_never_raises_on_text(raw, to_unit, header):
    value = parse_money(raw, to_unit=to_unit, header_unit=header)
    check_well_formed(value, raw)
    if value.kind == "number":
        assert value.unit == to_unit


@FAST
@given(raw=cell_text)
def test_text_helpers_never_raise(raw):
    text = normalise_text(raw)
    assert normalise_text(text) == text  # idempotent
    assert text == text.strip() and "  " not in text
    assert qualitative_tier(raw) in TIERS
    assert isinstance(is_placeholder(raw), bool)


@FAST
@given(raw=st.floats(allow_nan=True, allow_infinity=True), role=st.sampled_from(ROLES))
def test_floats(raw, role):
    value = parse_value(raw, role=role)
    check_well_formed(value, raw)
    # nan, inf and magnitudes no form holds (1e308, 5e-324: MAX_EXPONENT) are no number
    readable = math.isfinite(raw) and (raw == 0 or abs(Decimal(raw).adjusted()) <= MAX_EXPONENT)
    if not readable:
        assert value.kind == "text"
        assert [note.code for note in value.notes] == ["R-UNPARSEABLE"]
    elif role in ("target", "actual", "number"):
        assert value.kind == "number"
        # 15 significant digits, as Excel keeps them.
        assert abs(value.number - Decimal(raw)) <= abs(Decimal(raw)) * Decimal("1e-14")
    money = parse_money(raw)
    check_well_formed(money, raw)
    assert (money.kind == "number") == readable


@FAST
@given(raw=st.integers(min_value=-(10**30), max_value=10**30), role=st.sampled_from(ROLES))
def test_integers(raw, role):
    value = parse_value(raw, role=role)
    check_well_formed(value, raw)
    if role in ("target", "actual", "number") and abs(raw) < 10 ** (MAX_EXPONENT + 1):
        assert (value.kind, value.number, value.text) == ("number", Decimal(raw), str(raw))
        assert value.op_implied == (role == "target")
    elif role in ("target", "actual", "number"):  # 10^21 or more: no amount, count or rate
        assert value.number is None
        assert [note.code for note in value.notes] == ["R-UNPARSEABLE"]


@FAST
@given(raw=st.one_of(st.none(), st.booleans(), st.dates(), st.datetimes(),
                     st.decimals(allow_nan=True, allow_infinity=True)),
       role=st.sampled_from(ROLES))
def test_other_cell_types(raw, role):
    value = parse_value(raw, role=role)
    check_well_formed(value, raw)
    if raw is None:
        assert (value.kind, value.notes) == ("missing", ())
    elif isinstance(raw, datetime.date) and role != "number":
        expected = raw.date() if isinstance(raw, datetime.datetime) else raw
        assert (value.kind, value.date) == ("date", expected)
    check_well_formed(parse_money(raw), raw)


NUMBERS = st.one_of(
    st.integers(min_value=-10**9, max_value=10**12).map(Decimal),
    st.decimals(min_value=-10**6, max_value=10**9, places=2, allow_nan=False,
                allow_infinity=False),
)
UNITS = ["%", "万元", "元", "人次", "个", "米", "平方米", "天", "户", "项", "元/人·月"]


@FAST
@given(number=NUMBERS, op=st.sampled_from(OPS), unit=st.sampled_from(UNITS),
       space=st.sampled_from(["", " "]))
def test_operator_number_unit_round_trip(number, op, unit, space):
    written = format(number, "f")
    value = parse_value(f"{op}{space}{written}{space}{unit}", role="target")
    assert (value.kind, value.op, value.number, value.unit) == ("number", op, number, unit)
    assert value.op_implied is False
    assert value.notes == ()


@FAST
@given(number=NUMBERS)
def test_percent_round_trip_and_implied_operator(number):
    value = parse_value(f"≥{format(number, 'f')}%")
    assert (value.op, value.number, value.unit) == ("≥", number, "%")
    bare = parse_value(f"{format(number, 'f')}%", role="target")
    # No operator: ≥ (higher is better), but "= 0" for a target of 0 (≥ 0 says nothing).
    assert (bare.op, bare.op_implied, bare.number) == ("=" if number == 0 else "≥", True, number)
    actual = parse_value(f"{format(number, 'f')}%", role="actual")
    assert (actual.op, actual.number, actual.notes) == (None, number, ())


@FAST
@given(number=st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False,
                          allow_infinity=False))
def test_money_round_trip_with_thousands_separators(number):
    value = parse_money(f"{number:,.2f}元")
    assert value.number == number / 10000
    assert [note.code for note in value.notes] == ["V-MONEY-CONVERTED"]
    same = parse_money(f"{number:,.2f}", to_unit="元")
    assert (same.number, same.notes) == (number, ())
