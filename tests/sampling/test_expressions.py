"""The `--must` rule language: parsing, matching, errors, and no eval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbm.errors import PbmError
from pbm.sampling.expressions import Rule, compile_rule

ROW = {
    "项目编码": "2025-001",
    "项目名称": "城区学校校舍改造",
    "主管部门": "教育局",
    "金额": Decimal("620.50"),
    "灯色": "红",
    "等级": "良",
    "自评得分": "96",
    "执行率": "1,200.5",
    "非税收入": 5,
    "金额(万元)": "500万元",
    "备注": None,
}


@pytest.mark.parametrize("text, expected", [
    ("金额>=500", True),
    ("金额>=620.5", True),
    ("金额>620.5", False),
    ("金额 < 1,000", True),
    ("金额<=620.50", True),
    ("金额 == 620.5", True),          # numbers compare as numbers: 620.50 == 620.5
    ("金额 ≥ 6,205,000元", True),      # a money unit in the rule converts to 万元
    ("金额>=0.07亿元", False),
    ("灯色==红", True),
    ("灯色 = 红", True),
    ("灯色!=红", False),
    ("灯色<>黄", True),
    ('主管部门=="教育局"', True),
    ("主管部门==“教育局”", True),
    ("主管部门 in (教育局, 卫健委)", True),
    ("主管部门 IN (卫健委,交通局)", False),
    ("主管部门 not in (卫健委)", True),
    ("项目名称 包含 改造", True),
    ("项目名称不包含改造", False),
    ("项目名称 contains 学校", True),
    ("自评得分>=95", True),           # text cells holding numbers compare as numbers
    ("执行率 > 1200", True),          # "1,200.5"
    ("金额（万元）>=500", True),       # full-width brackets: the same column as 金额(万元)
    ("非税收入 > 3", True),            # 非 starting a column name is not "not"
    ("非 灯色==红", False),
    ("not 灯色==红", False),
    ("!(灯色==红)", False),
    ("非(灯色==黄)", True),
    ("金额>=500 and 灯色==红", True),
    ("金额>=500 且 灯色==黄", False),
    ("金额<500 or 灯色==红", True),
    ("金额<500或灯色==黄", False),
    ("金额<500 || 等级==良", True),
    ("金额<500 并且 等级==良", False),
    # and binds tighter than or
    ("灯色==黄 and 金额>=500 or 等级==良", True),
    ("灯色==黄 and (金额>=500 or 等级==良)", False),
    ("(金额 >= 500 or 灯色 == 黄) and not 主管部门 == 卫健委", True),
    ("备注 == 无", False),             # a missing value equals nothing …
    ("备注 != 无", True),              # … and differs from everything
    ("备注 >= 0", False),              # and never passes an ordering test
    ("ＡＢＣ==1 or 灯色＝＝红", True),  # NFKC: full-width operators are the ASCII ones
])
def test_rules_match_rows(text, expected):
    row = dict(ROW, ABC="2")
    assert compile_rule(text).matches(row) is expected


def test_columns_are_collected_and_trimmed():
    rule = compile_rule(" ( 金额 >= 500 且 灯色 == 红 ) 或 主管部门 in (教育局) ")
    assert isinstance(rule, Rule)
    assert rule.columns == {"金额", "灯色", "主管部门"}
    assert rule.text == "( 金额 >= 500 且 灯色 == 红 ) 或 主管部门 in (教育局)"


def test_quoted_values_stay_text_and_may_hold_operators():
    rule = compile_rule('备注 == "a==b (c)"')
    assert rule.matches({"备注": "a==b (c)"})
    assert not rule.matches({"备注": "a==b"})
    assert compile_rule('项目编码 == "001"').matches({"项目编码": "001"})
    assert not compile_rule('项目编码 == "001"').matches({"项目编码": "1"})
    assert compile_rule("项目编码 == 001").matches({"项目编码": "1"})  # bare: numbers


@pytest.mark.parametrize("text", [
    "", "   ", "金额>=", ">=500", "金额>=abc", "金额>=1e3", "(金额>5", "金额>5)", "灯色", "灯色 and 金额>5",
    "灯色 in 红", "灯色 in (红, 黄", '"金额>5', "金额>=5 灯色==红", "灯色==(红)", "灯色==红 and",
    "not", "金额>5 or or 灯色==红", "(" * 100 + "a==1" + ")" * 100, "x" * 3000,
])
def test_bad_rules_raise_sample_bad_rule_with_a_reason(text):
    with pytest.raises(PbmError) as caught:
        compile_rule(text)
    error = caught.value
    assert error.code == "SAMPLE-BAD-RULE"
    assert error.params["reason"] and error.params["reason_en"]
    assert error.message("zh").startswith("必选规则")
    assert "{" not in error.message("en")


def test_bind_maps_columns_and_names_the_unknown_one():
    rule = compile_rule("金额（万元）>=500 and 灯色==红").bind(["项目编码", "金额(万元)", "灯色"])
    assert rule.matches({"金额(万元)": "600", "灯色": "红"})
    with pytest.raises(PbmError) as caught:
        compile_rule("等级==优").bind(["项目编码", "项目名称", "主管部门", "金额"])
    error = caught.value
    assert error.code == "SAMPLE-UNKNOWN-COLUMN"
    assert error.params["column"] == "等级"
    assert error.params["available"] == "项目编码、项目名称、主管部门、金额"


def test_no_python_is_evaluated():
    rule = compile_rule("__import__('os').system('echo hi') == 1")
    assert rule.columns == {"__import__('os').system('echo hi')"}
    assert not rule.matches(ROW)


_PIECES = st.sampled_from([
    "金额", "灯色", "非", "not", "and", "or", "且", "或", "in", "包含", "不包含", "(", ")", ",", " ",
    "==", "=", "!=", ">=", "<=", ">", "<", "≥", '"', "'", "“", "”", "红", "500", "1,200.5", "万元", "-",
    "1e9999", "NaN", "Infinity", "\t", "\n", "、", "（", "）",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=25).map("".join)))
def test_compile_rule_raises_only_pbm_errors(text):
    try:
        rule = compile_rule(text)
    except PbmError as error:
        assert error.code == "SAMPLE-BAD-RULE"
        return
    # a rule that compiles matches any row without raising
    for row in (ROW, {}, {column: None for column in rule.columns},
                {column: "NaN" for column in rule.columns}, {column: float("nan") for column in rule.columns}):
        assert rule.matches(row) in (True, False)
