"""Indicator frameworks (财预〔2020〕10号 shape): presets, workbook rows, weight validation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pbm.errors import PbmError
from pbm.scoring.frameworks import (
    SCORING_SHEET_HEADER,
    available_frameworks,
    framework_from_rows,
    load_framework,
    validate_framework,
)
from pbm.scoring.rules import ScoreRules

RULES = ScoreRules()


def codes(findings):
    return sorted(f.code for f in findings)


def test_shipped_frameworks_are_listed():
    assert available_frameworks() == ["department", "four-dimension", "national"]


def test_national_framework():
    fw = load_framework("national")
    assert fw.level1_names() == ["决策", "过程", "产出", "效益"]
    assert {l1: fw.weight_of(l1) for l1 in fw.level1_names()} == \
        {"决策": D(20), "过程": D(20), "产出": D(30), "效益": D(30)}
    assert fw.level2_names("决策") == ["项目立项", "绩效目标", "资金投入"]
    assert fw.indicator_total == D(100)
    by_name = {item.level3: item for item in fw.indicators}
    assert "立项依据充分性" in by_name and "服务对象满意度" in by_name
    assert "实际到位资金" in by_name["资金到位率"].scoring_note
    assert all(item.scoring_note for item in fw.indicators)
    assert validate_framework(fw, RULES) == []


def test_four_dimension_framework_by_prefixed_name():
    fw = load_framework("framework-four-dimension")
    assert {l1: fw.weight_of(l1) for l1 in fw.level1_names()} == \
        {"资金管理": D(20), "项目管理": D(20), "产出效益": D(50), "满意度": D(10)}
    assert validate_framework(fw, RULES) == []


def test_unknown_name_and_paths_outside_presets():
    with pytest.raises(PbmError) as unknown:
        load_framework("provincial")
    assert unknown.value.code == "S-FRAMEWORK-UNKNOWN"
    assert "national" in unknown.value.message("en")
    with pytest.raises(PbmError) as missing:
        load_framework("../../etc/passwd")
    assert missing.value.code == "S-FRAMEWORK-INVALID"


def test_framework_file_with_wrong_weights(tmp_path):
    path = tmp_path / "我的 框架.toml"
    path.write_text("""
name = "custom"
[[level1]]
name = "决策"
weight = 30
[[level1.level2]]
name = "项目立项"
weight = 10
[[level1.level2.level3]]
name = "立项依据充分性"
weight = 6
[[level1.level2.level3]]
name = "立项程序规范性"
weight = 3
[[level1]]
name = "过程"
weight = 20
[[level1.level2]]
name = "资金管理"
[[level1.level2.level3]]
name = "资金到位率"
weight = 20
[[level1]]
name = "产出"
weight = 50
[[level1.level2]]
name = "产出数量"
[[level1.level2.level3]]
name = "实际完成率"
weight = 50
""", encoding="utf-8")
    fw = load_framework(path)
    findings = validate_framework(fw, RULES)
    weight_findings = {f.params["scope"]: (f.params["actual"], f.params["expected"])
                       for f in findings if f.code == "S-WEIGHT-TOTAL"}
    # 6 + 3 ≠ 10 at 决策/项目立项; 决策 uses the declared 10 ≠ 30; Σ 三级 = 79 ≠ 100
    assert weight_findings == {"决策/项目立项": ("9", "10"), "决策": ("10", "30"),
                               "custom": ("79", "100")}
    benefit = [f for f in findings if f.code == "S-OUTPUT-BENEFIT-WEIGHT"]
    assert len(benefit) == 1 and benefit[0].severity == "error"
    assert benefit[0].params == {"levels": "产出", "actual": "50", "minimum": "60"}
    assert all(f.file == str(path) for f in findings)


def test_broken_framework_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[level1]]\nname = \"决策\"\n[[level1.level2]]\nname = \"立项\"\n"
                    "[[level1.level2.level3]]\nname = \"依据\"\nweight = \"很多\"\n",
                    encoding="utf-8")
    with pytest.raises(PbmError) as caught:
        load_framework(path)
    assert caught.value.code == "S-FRAMEWORK-INVALID"
    (tmp_path / "syntax.toml").write_text("[[level1]\n", encoding="utf-8")
    with pytest.raises(PbmError):
        load_framework(tmp_path / "syntax.toml")


ROWS = [
    {"一级指标": "决策（20分）", "二级指标": "项目立项", "三级指标": "立项依据充分性", "分值": 10,
     "评分要点": "依据充分得满分"},
    {"一级指标": None, "二级指标": None, "三级指标": "立项程序规范性", "分值": "10分"},
    {"一级指标": "过程", "二级指标": "资金管理", "三级指标": None, "分值": 20},
    {"一级指标": None, "二级指标": None, "三级指标": "资金到位率", "分值": 20},
    {"一级指标": "产出效益", "二级指标": "产出", "三级指标": "实际完成率", "分值": 50},
    {"一级指标": "满意度", "二级指标": "服务对象满意度", "三级指标": "满意度", "分值": 10},
    {"一级指标": "合计", "二级指标": None, "三级指标": None, "分值": 100},
    {"一级指标": None, "二级指标": None, "三级指标": None, "分值": None},
]


def test_department_framework_carries_what_goal_review_takes_of_it(tmp_path):
    # The department preset's [accepted] frame and coverage are read with the framework (goal
    # review takes its categories from the same load as `pbm score --framework department`);
    # a copy that writes them wrongly is refused as any broken framework file is.
    fw = load_framework("department")
    assert fw.coverage == ("履职效能", "社会效应", "服务对象满意度")
    assert fw.accepted["投入"] == ("预算编制", "目标设定", "预算配置")
    assert fw.level1_names()[0] == "运行成本"
    body = ("[[level1]]\nname = \"履职效能\"\n[[level1.level2]]\nname = \"重点工作\"\n"
            "[[level1.level2.level3]]\nname = \"完成率\"\nweight = 100\n")
    for extra in ('coverage = "履职效能"\n', '[accepted]\n"投入" = "预算编制"\n'):
        path = tmp_path / "copy.toml"
        path.write_text(extra + body if extra.startswith("coverage") else body + extra,
                        encoding="utf-8")
        with pytest.raises(PbmError) as caught:
            load_framework(path)
        assert caught.value.code == "S-FRAMEWORK-INVALID"


def test_framework_from_workbook_rows_fills_merged_cells():
    fw = framework_from_rows(ROWS, name="评分表")
    assert [(i.level1, i.level2, i.level3, i.weight) for i in fw.indicators] == [
        ("决策", "项目立项", "立项依据充分性", D(10)),
        ("决策", "项目立项", "立项程序规范性", D(10)),
        ("过程", "资金管理", "资金到位率", D(20)),
        ("产出效益", "产出", "实际完成率", D(50)),
        ("满意度", "服务对象满意度", "满意度", D(10)),
    ]
    assert fw.level1_weights == {"决策": D(20)}
    assert fw.level2_weights == {("过程", "资金管理"): D(20)}
    assert fw.indicators[0].scoring_note == "依据充分得满分"
    assert validate_framework(fw, RULES) == []


def test_framework_rows_reject_a_line_without_weight():
    with pytest.raises(PbmError) as caught:
        framework_from_rows([{"一级指标": "决策", "二级指标": "立项", "三级指标": "依据"}])
    assert caught.value.code == "S-FRAMEWORK-INVALID"
    with pytest.raises(PbmError):
        framework_from_rows([{"一级指标": "决策", "三级指标": "依据", "分值": "XX"}])


def test_scoring_sheet_rows(tmp_path):
    import openpyxl

    from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook

    fw = load_framework("national")
    path = write_evaluation_workbook(tmp_path / "评分表.xlsx", fw, [EvaluationSheetSpec()])
    rows = list(openpyxl.load_workbook(path)["评分表"].iter_rows(min_row=5, values_only=True))
    assert list(rows[0]) == SCORING_SHEET_HEADER
    assert rows[len(fw.indicators) + 1][0] == "合计"  # one row per indicator, then the total
    assert list(rows[1][:4]) == ["决策", "项目立项", "立项依据充分性", 3]
    assert list(rows[1][5:]) == [None, None]
