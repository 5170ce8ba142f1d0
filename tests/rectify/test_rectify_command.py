"""``pbm rectify``: replies matched by id whatever their order or completeness, nothing in
them lost, and the resubmitted goal workbooks re-checked by pbm itself."""

from __future__ import annotations

import json

from rectify_helpers import (
    education,
    fill,
    health,
    issue_letters,
    ledger_rows,
    reply_sheet,
    set_cells,
    write_goals,
)

from pbm.workbook.forms import IndicatorSpec


def _ids(workspace) -> dict[tuple[str, str], str]:
    return {(r["主管部门"], r["问题代码"]): r["问题编号"]
            for r in ledger_rows(workspace / "out" / "rectification.xlsx")}


def _reply_sheet(path, rows, title: bool = True, sheet: str = "整改回复"):
    """A department's own reply sheet: a title row, its columns in another order."""
    return reply_sheet(path, ["完成情况", "问题编号", "整改措施"], rows,
                       "卫健委整改情况回复" if title else None, sheet)


def _status(workspace) -> dict[str, dict]:
    return {r["问题编号"]: r for r in ledger_rows(workspace / "out" / "rectification.xlsx")}


def test_replies_reordered_incomplete_unknown_and_conflicting(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    ids = _ids(workspace)
    g2, g3, health_g2 = ids[("教育局", "G2")], ids[("教育局", "G3")], ids[("卫健委", "G2")]
    replies = workspace / "replies"
    replies.mkdir()
    # 教育局 returns the whole ledger, one problem answered, the other only in part
    fill(workspace / "out" / "rectification.xlsx",
         {g2: ("补填计量单位", "已完成", "修改后的申报表"), g3: ("改为数值", None, None)},
         replies / "教育局-整改回复.xlsx")
    # 卫健委 its own sheet: a title, columns reordered, a number pbm never issued
    _reply_sheet(replies / "卫健委.xlsx", [("正在整改", "GR-NOTISSUED1", "已安排"),
                                          ("已完成", health_g2, "补充单位“台”")])
    code, out, err = run_pbm("rectify", "replies/", "--today", "2026-03-20", "--format", "json",
                             cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert data["command"] == "rectify"
    import jsonschema

    from pbm.resources import load_schema

    jsonschema.validate(data, load_schema("findings"))
    unknown = [f for f in data["findings"] if f["code"] == "RECT-UNKNOWN-ID"]
    assert [(f["file"], f["sheet"], f["value"]) for f in unknown] == [
        ("卫健委.xlsx", "整改回复", "GR-NOTISSUED1")]
    assert "第 3 行" in unknown[0]["message"]
    rows = _status(workspace)
    assert rows[g2]["整改措施"] == "补填计量单位" and rows[g2]["佐证材料"] == "修改后的申报表"
    assert rows[g3]["整改措施"] == "改为数值" and rows[g3]["完成情况"] is None
    assert rows[health_g2]["整改措施"] == "补充单位“台”" and rows[health_g2]["完成情况"] == "已完成"
    assert {rows[i]["整改状态"] for i in (g2, g3, health_g2)} == {"已回复待核实"}
    log = ledger_rows(workspace / "out" / "rectification.xlsx", "回复记录")
    assert {r["问题编号"] for r in log} == {g2, g3, health_g2, "GR-NOTISSUED1"}
    assert next(r for r in log if r["问题编号"] == "GR-NOTISSUED1")["整改措施"] == "已安排"
    by_department = {d["department"]: d for d in data["departments"]}
    assert by_department["教育局"]["replied"] == 2 and by_department["卫健委"]["issued"] == 1

    # the same replies again: nothing changes, nothing logged twice; a second, different
    # reply for g2 is kept and flagged, the adopted one stays
    _reply_sheet(replies / "教育局-补充.xlsx", [("已完成", g2, "另一种说法")], title=False)
    code, out, err = run_pbm("rectify", "replies/", "--today", "2026-03-21", "--format", "json",
                             cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    conflict = [f for f in data["findings"] if f["code"] == "RECT-REPLY-CONFLICT"]
    assert len(conflict) == 1 and conflict[0]["file"] == "教育局-补充.xlsx"
    assert _status(workspace)[g2]["整改措施"] == "补填计量单位"
    log = ledger_rows(workspace / "out" / "rectification.xlsx", "回复记录")
    assert len(log) == 5
    assert [r["处理结果"] for r in log if r["整改措施"] == "另一种说法"] == [
        "与已采用的回复不一致，未采用（请人工确认）"]


def test_the_resubmission_is_checked_at_each_problems_place(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    ids = _ids(workspace)
    g2, g3, health_g2 = ids[("教育局", "G2")], ids[("教育局", "G3")], ids[("卫健委", "G2")]
    # 教育局 fixes G2 (F12) and leaves G3 (E13); 卫健委 adds an indicator above its faulty one,
    # so the same G2 now stands a row lower: its place moved
    moved = health()
    moved.indicators.insert(0, IndicatorSpec("产出指标", "数量指标", "培训人次", "≥", 50, "人次", 0))
    moved.indicators[1].weight = 20
    resubmitted = workspace / "resubmitted"
    write_goals(resubmitted, {"101-教育局.xlsx": [education(unit=True)],
                              "102-卫健委.xlsx": [moved]})
    code, out, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-30",
                             "--format", "json", cwd=workspace)
    assert code == 0, err
    rows = _status(workspace)
    assert rows[g2]["整改状态"] == "已整改（已核实）" and "F12" in rows[g2]["核实情况"]
    assert rows[g3]["整改状态"] == "整改中" and "E13" in rows[g3]["核实情况"]
    assert rows[health_g2]["整改状态"] == "需人工核实" and "F13" in rows[health_g2]["核实情况"]
    assert rows[g2]["核实日期"] == "2026-03-30"
    data = json.loads(out)
    assert data["summary"]["closed"] == 1 and data["summary"]["manual"] == 1
    assert [f["code"] for f in data["findings"]] == ["RECT-MANUAL"]

    # past the deadline the problem still there is 逾期未整改, an error (exit 1); the one
    # verified closed stays closed, also when its file is not sent again
    write_goals(workspace / "again", {"101-教育局.xlsx": [education(unit=True)]})
    code, out, err = run_pbm("rectify", "--goals", "again/", "--today", "2026-04-10",
                             cwd=workspace)
    assert code == 1
    assert "逾期未整改" in out and "RECT-OVERDUE" not in out
    rows = _status(workspace)
    assert rows[g3]["整改状态"] == "逾期未整改" and rows[g2]["整改状态"] == "已整改（已核实）"
    assert rows[health_g2]["整改状态"] == "需人工核实"
    assert "已过整改期限 2026-04-04" in err
    leftovers = [p.name for p in (workspace / "out").iterdir() if p.name.startswith(".~pbm-")]
    assert leftovers == []


def test_a_sheet_renamed_in_the_resubmission_is_for_a_person_to_check(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    health_g2 = _ids(workspace)[("卫健委", "G2")]
    write_goals(workspace / "resubmitted", {"102-卫健委.xlsx": [health(fixed=True)]},
                sheet_names={"102-卫健委.xlsx": ["设备购置"]})
    code, _, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-30",
                           cwd=workspace)
    assert code == 0, err
    row = _status(workspace)[health_g2]
    assert row["整改状态"] == "需人工核实" and "项目1" in row["核实情况"]


def test_unanswered_problems_past_their_deadline_are_overdue(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    replies = workspace / "replies"
    replies.mkdir()
    health_g2 = _ids(workspace)[("卫健委", "G2")]
    _reply_sheet(replies / "卫健委.xlsx", [("已完成", health_g2, "补充单位")])
    code, out, _ = run_pbm("rectify", "replies/", "--today", "2026-05-01", "--format", "json",
                           cwd=workspace)
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["overdue"] == 2 and data["summary"]["replied"] == 1
    assert {f["code"] for f in data["findings"]} == {"RECT-OVERDUE"}
    assert _status(workspace)[health_g2]["整改状态"] == "已回复待核实"


def test_bad_input_exits_2(run_pbm, workspace):
    code, _, err = run_pbm("rectify", "--goals", "goals/", cwd=workspace)
    assert code == 2 and "pbm report" in err  # no ledger yet
    issue_letters(run_pbm, workspace)
    assert run_pbm("rectify", cwd=workspace)[0] == 2
    assert run_pbm("rectify", "nowhere/", cwd=workspace)[0] == 2
    assert run_pbm("rectify", "--goals", "goals/", "--today", "明天", cwd=workspace)[0] == 2
    (workspace / "replies").mkdir()
    (workspace / "replies" / "说明.xlsx").write_bytes(b"not a workbook")
    code, out, _ = run_pbm("rectify", "replies/", "--today", "2026-03-10", "--format", "json",
                           cwd=workspace)
    assert code == 1  # an unreadable reply is an error finding; the ledger is still updated
    assert json.loads(out)["findings"][0]["file"] == "说明.xlsx"


def test_a_status_a_person_typed_is_kept_and_counts(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    path = workspace / "out" / "rectification.xlsx"
    health_g2 = _ids(workspace)[("卫健委", "G2")]
    set_cells(path, health_g2, {"整改状态": "已整改（人工核实）"})
    code, out, err = run_pbm("rectify", "--goals", "goals/", "--today", "2026-05-01",
                             "--format", "json", cwd=workspace)
    assert code == 1, err  # 教育局's two problems are still in goals/, past the deadline
    data = json.loads(out)
    by_department = {d["department"]: d for d in data["departments"]}
    assert by_department["卫健委"]["closed"] == 1 and by_department["卫健委"]["open"] == 0
    assert by_department["教育局"]["overdue"] == 2
    assert _status(workspace)[health_g2]["整改状态"] == "已整改（人工核实）"


def test_two_files_of_one_name_are_never_verified_by_name_alone(run_pbm, workspace):
    # goals/101/目标.xlsx and goals/102/目标.xlsx: the ledger names both 目标.xlsx
    write_goals(workspace / "goals" / "101", {"目标.xlsx": [education()]})
    write_goals(workspace / "goals" / "102", {"目标.xlsx": [health()]})
    assert run_pbm("validate", "goals/", "-q", cwd=workspace)[0] == 1
    code, out, err = run_pbm("report", "goal-review", "--format", "md", "--date", "2026-03-05",
                             cwd=workspace)
    assert code == 0, out + err
    write_goals(workspace / "resubmitted", {"目标.xlsx": [health(fixed=True)]})
    code, _, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-30",
                           cwd=workspace)
    assert code == 0, err
    rows = ledger_rows(workspace / "out" / "rectification.xlsx")
    assert len(rows) == 3
    for row in rows:
        assert row["整改状态"] == "需人工核实"
        assert row["核实情况"] == ("台账中有多个名为“目标.xlsx”的文件（101/目标.xlsx、102/目标.xlsx），"
                                "无法确定重报的是哪一个")


def test_a_code_pbm_does_not_have_is_never_verified(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    path = workspace / "out" / "rectification.xlsx"
    g2 = _ids(workspace)[("教育局", "G2")]
    set_cells(path, g2, {"问题代码": "G2、G3"})  # two codes in one cell
    write_goals(workspace / "resubmitted", {"101-教育局.xlsx": [education(unit=True, value=True)]})
    code, _, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-30",
                           cwd=workspace)
    assert code == 0, err
    rows = _status(workspace)
    assert rows[g2]["整改状态"] == "待整改"
    assert rows[g2]["核实情况"] == "未核实：问题代码“G2、G3”不是 pbm 的一个问题代码，无法在重报文件中查找"
    g3 = _ids(workspace)[("教育局", "G3")]
    assert rows[g3]["整改状态"] == "已整改（已核实）"


def test_no_ledger_yet_is_said_with_the_file(run_pbm, workspace):
    (workspace / "replies").mkdir()
    code, out, err = run_pbm("rectify", "replies/", cwd=workspace)
    assert code == 2
    assert "rectification.xlsx: 没有整改台账：请先运行 pbm report" in err + out
    assert "{" not in err + out


def test_period_without_resubmitted_monitoring_tables_is_a_usage_error(run_pbm, workspace):
    (workspace / "replies").mkdir()
    code, out, err = run_pbm("rectify", "replies/", "--period", "2026-09", cwd=workspace)
    assert code == 2 and "--monitor" in err + out
    assert not (workspace / "out" / "rectification.xlsx").exists()
