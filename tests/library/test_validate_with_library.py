"""``pbm validate`` with last year's library and the core library: 目标设定偏低 at the right
cell with both years' values, G-NOT-CORE with the nearest core names, and the rates."""

from __future__ import annotations

import json

import pytest

from pbm.reports.context import KINDS, ReportSettings
from pbm.reports.documents import build_documents
from pbm.reports.inputs import read_output_workbook
from tests.library.library_builders import make_workspaces, write_core_library


@pytest.fixture
def years(tmp_path, run_pbm):
    return make_workspaces(tmp_path, run_pbm)


def _validate(run_pbm, ws26, *extra):
    code, out, err = run_pbm("--workspace", ws26, "validate", ws26 / "goals", *extra,
                             "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


def _findings(data, code):
    return {f["cell"]: f for f in data["findings"] if f["code"] == code}


def test_target_below_last_year_actual_and_target(years, run_pbm):
    ws25, ws26 = years
    data = _validate(run_pbm, ws26, "--history", ws25 / "out")
    low = _findings(data, "G-TARGET-LOW")
    assert set(low) == {"E12", "E13"}  # 日常养护里程 260, 优良路率 80%
    road = low["E12"]
    assert road["severity"] == "warning" and road["file"].endswith("交通.xlsx")
    assert road["project"] == "乡村道路养护项目"
    message = road["message"]
    assert message.startswith("指标值 260（E12）低于上年（2025年）实际完成值 270（scores-2025.xlsx · ")
    assert "、指标值 266（goals-2025.xlsx · " in message and message.endswith("项目1 / C12）")
    # last year's actual at its own cell (实际完成值 in column N), not at the 自评得分 cell (Q)
    assert "交通自评.xlsx / 自评汇总 / N2）、" in message
    assert "实际完成值 88%" in low["E13"]["message"] and "指标值 85%" in low["E13"]["message"]
    loose = _findings(data, "G-TARGET-LOOSE")
    assert set(loose) == {"E15"}
    assert "0.6万元" in loose["E15"]["message"] and "指标值 0.56万元" in loose["E15"]["message"]
    assert not _findings(data, "G-NOT-CORE")  # no core library given
    # 教育局's project is new this year: nothing to compare
    assert all(f["project"] != "教师培训项目" for f in data["findings"]
               if f["code"].startswith("G-TARGET"))


def test_without_history_nothing_is_compared(years, run_pbm):
    _, ws26 = years
    data = _validate(run_pbm, ws26)
    assert not _findings(data, "G-TARGET-LOW")
    total = data["summary"]["indicator_rates"][-1]
    assert total["scope"] == "合计" and total["quantified_rate"] == 0.8
    assert total["core_project_rate"] is None  # no core library, no earlier years


def test_history_from_pbm_toml(years, run_pbm):
    _, ws26 = years
    with (ws26 / "pbm.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[indicators]\nhistory = ["../2025-测试区/out"]\n')
    data = _validate(run_pbm, ws26)
    assert set(_findings(data, "G-TARGET-LOW")) == {"E12", "E13"}


def test_not_in_core_library_with_nearest_names_and_rates(years, run_pbm):
    ws25, ws26 = years
    core = write_core_library(ws26 / "核心指标库.xlsx")
    data = _validate(run_pbm, ws26, "--history", ws25 / "out", "--core", core)
    infos = [f for f in data["findings"] if f["code"] == "G-NOT-CORE"]
    named = {f["value"]: f for f in infos}
    assert set(named) == {"养护任务完成时间", "每公里养护成本", "群众出行条件", "培训人次", "培训合格率",
                          "教师教学能力", "参训学员满意度"}
    assert all(f["severity"] == "info" for f in infos)
    satisfaction = named["参训学员满意度"]
    assert satisfaction["cell"] == "C15"
    assert "名称相近的核心指标：沿线群众满意度" in satisfaction["message"]
    rates = {r["scope"]: r for r in data["summary"]["indicator_rates"]}
    assert rates["交通运输局"]["quantified_rate"] == pytest.approx(5 / 6, abs=1e-6)
    assert (rates["教育局"]["quantified"], rates["教育局"]["indicators"]) == (3, 4)
    assert rates["教育局"]["core_project_rate"] == 0
    total = rates["合计"]
    assert (total["quantified_rate"], total["core_project_rate"], total["core_budget_rate"]) == \
        (0.8, 0.5, 0.75)
    about = read_output_workbook(ws26 / "out" / "goals-2026.xlsx").sheets["说明"].rows
    about = {r["项目"]: r["内容"] for r in about}
    assert about["指标量化率"] == "80.00%（8/10）"
    assert about["核心指标覆盖率"] == "项目 50.00%（1/2），资金 75.00%"
    assert about["指标量化率 · 教育局"] == "75.00%（3/4）"
    assert about["上年指标库"] == "2025 年"
    # the goal-review letter of each department carries its rates, read back from 说明
    workbook = read_output_workbook(ws26 / "out" / "goals-2026.xlsx")
    letters = {doc.department: doc.context for doc in build_documents(
        KINDS["goal-review"], {"goals": workbook}, ReportSettings(year=2026))}
    assert letters["教育局"]["quantified_rate"] == "75.00%（3/4）"
    assert letters["教育局"]["core_coverage"] == about["核心指标覆盖率 · 教育局"]


def test_terminal_shows_the_finding_and_the_rates(years, run_pbm):
    ws25, ws26 = years
    core = write_core_library(ws26 / "核心指标库.xlsx")
    code, out, err = run_pbm("--workspace", ws26, "validate", ws26 / "goals", "--history",
                             ws25 / "out", "--core", core)
    assert code in (0, 1), err
    assert "[G-TARGET-LOW] 指标值 260（E12）低于上年（2025年）" in out
    assert "合计：指标量化率 80.00%（8/10），核心指标覆盖率 项目 50.00%（1/2）、资金 75.00%" in out
    assert "教育局：指标量化率 75.00%（3/4）" in out


def test_a_missing_history_folder_is_a_clear_error(years, run_pbm, tmp_path):
    _, ws26 = years
    code, _, err = run_pbm("--workspace", ws26, "validate", ws26 / "goals", "--history",
                           tmp_path / "nowhere")
    assert code == 2 and "找不到往年输出文件夹" in err


def test_goal_review_letter_context_has_the_department_rates(years, run_pbm):
    from pbm.reports.context import KINDS, ReportSettings
    from pbm.reports.goal_docs import build_goal_review
    from pbm.reports.inputs import read_output_workbook as read

    ws25, ws26 = years
    core = write_core_library(ws26 / "核心指标库.xlsx")
    _validate(run_pbm, ws26, "--history", ws25 / "out", "--core", core)
    book = read(ws26 / "out" / "goals-2026.xlsx")
    documents = build_goal_review(book, KINDS["goal-review"], ReportSettings())
    context = {d.department: d.context for d in documents}
    assert context["教育局"]["quantified_rate"] == "75.00%（3/4）"
    assert context["教育局"]["core_coverage"] == "项目 0.00%（0/1），资金 0.00%"
    assert context["交通运输局"]["core_coverage"] == "项目 100.00%（1/1），资金 100.00%"
