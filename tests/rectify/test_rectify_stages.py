"""回头看 of 运行监控 (MF-) and 绩效评价 (SF-) problems: ``pbm rectify --monitor`` re-runs the
resubmitted monitoring submissions through ``pbm monitor``'s library call, ``--self-eval`` the
resubmitted self-evaluations through ``pbm score``'s, and each problem is looked for at its
place by the same rule as goal problems — by cell, or by project and code when it has none.

Every workbook is written by pbm's own writers (monitoring forms and lists, self-evaluation
forms and lists); the ledger is the one ``pbm report`` writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from rectify_helpers import ledger_rows, reply_sheet

from pbm.monitoring.forms import MonitorIndicatorSpec
from pbm.scoring.forms import write_self_eval_workbook
from tests.builders import good_project, write_form_workbook
from tests.monitoring.monitor_builders import (
    GREEN_ACTUALS,
    ROSTER,
    goal_projects,
    monitoring,
    write_monitor_form,
    write_monitor_list,
    write_roster,
)
from tests.score_cmd.score_cmd_helpers import line, project, qual

LETTER_DATE = "2026-03-05"  # deadline 2026-04-04 (rectification_days 30)
CLOSED, OPEN, OVERDUE, MANUAL, REPLIED, PENDING = (
    "已整改（已核实）", "整改中", "逾期未整改", "需人工核实", "已回复待核实", "待整改")


def _rows(workspace: Path) -> dict[tuple[str, str, str], dict]:
    """(project, sheet, cell or code) → ledger row of the 整改台账."""
    return {(r["项目名称"], r["工作表"], r["单元格"] or r["问题代码"]): r
            for r in ledger_rows(workspace / "out" / "rectification.xlsx")}


def _json(run_pbm, workspace: Path, *args: str) -> tuple[int, dict]:
    code, out, err = run_pbm("rectify", *args, "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    return code, json.loads(out)


# --------------------------------------------------------------------------- monitoring

def _canteen():
    return good_project("社区老年食堂运营补贴", code="P2026102", department="民政局",
                        department_code="105", unit="养老服务中心", total=80, fiscal=80, other=0)


def _transport(*, executed=None, inserted: bool = False, bridge: bool = True) -> list:
    """交通运输局's form: the road project without 执行数 (M-NO-EXECUTED at F6) and one
    indicator without 完成值 (M-NO-ACTUAL at G11); the bridge 有可能 without a cause (M2)."""
    road, bridge_goal, _ = goal_projects()
    actuals = list(GREEN_ACTUALS)
    actuals[2] = None
    road_spec = monitoring(road, executed=executed, actuals=actuals)
    if inserted:  # a line added above the one still without 完成值: it moves a row down
        road_spec.indicators.insert(1, MonitorIndicatorSpec(
            "产出指标", "数量指标", "巡查次数", "≥", 12, "次", 9, None))
    specs = [road_spec]
    if bridge:
        specs.append(monitoring(bridge_goal, executed=30, possibility="有可能"))
    return specs


def _civil(*, canteen_fixed: bool = False) -> list:
    """民政局's list: both projects drift from their approved targets (M3 at a cell and M-DRIFT,
    a project-level finding without one) — one sheet, two projects."""
    _, _, care = goal_projects()
    care_spec = monitoring(care, executed=50)
    care_spec.indicators[0].target = "≥150"
    canteen = monitoring(_canteen(), executed=40)
    if not canteen_fixed:
        canteen.indicators[1].target = "≥50%"
    return [care_spec, canteen]


def _monitoring_workspace(run_pbm, workspace: Path) -> None:
    road, bridge, care = goal_projects()
    goals = workspace / "goals"
    write_form_workbook(goals / "103-交通运输局-目标.xlsx", [road, bridge])
    write_form_workbook(goals / "105-民政局-目标.xlsx", [care, _canteen()])
    write_roster(workspace / "roster.xlsx", ROSTER)
    q3 = workspace / "q3"
    write_monitor_form(q3 / "103-交通运输局-监控表.xlsx", _transport())
    write_monitor_list(q3 / "105-民政局-监控表.xlsx", _civil())
    assert run_pbm("validate", "goals/", "-q", cwd=workspace)[0] == 0
    assert run_pbm("monitor", "q3/", "-q", cwd=workspace)[0] == 1
    code, out, err = run_pbm("report", "monitor-feedback", "--format", "md", "--date",
                             LETTER_DATE, cwd=workspace)
    assert code == 0, out + err


def _resubmit_monitoring(workspace: Path) -> Path:
    """交通运输局 states its 执行数, adds a line above the one still without 完成值 and drops
    the bridge project; 民政局 corrects the canteen's target, not the care project's."""
    folder = workspace / "q3-重报"
    folder.mkdir()
    write_monitor_form(folder / "103-交通运输局-监控表.xlsx",
                       _transport(executed=112.5, inserted=True, bridge=False))
    write_monitor_list(folder / "105-民政局-监控表.xlsx", _civil(canteen_fixed=True))
    return folder


def test_monitoring_resubmissions_are_checked_at_each_problems_place(run_pbm, workspace):
    _monitoring_workspace(run_pbm, workspace)
    before = _rows(workspace)
    assert set(before) == {
        ("乡村道路养护项目", "项目1", "F6"), ("乡村道路养护项目", "项目1", "G11"),
        ("危桥改造工程", "项目2", "B17"), ("养老服务补贴", "绩效监控", "Q3"),
        ("养老服务补贴", "绩效监控", "M-DRIFT"), ("社区老年食堂运营补贴", "绩效监控", "Q10"),
        ("社区老年食堂运营补贴", "绩效监控", "M-DRIFT")}
    assert all(r["问题编号"].startswith("MF-") for r in before.values())
    _resubmit_monitoring(workspace)
    code, data = _json(run_pbm, workspace, "--monitor", "q3-重报/", "--today", "2026-03-30")
    assert code == 0
    rows = _rows(workspace)

    def status(*place):
        return rows[place]["整改状态"], rows[place]["核实情况"]

    assert status("乡村道路养护项目", "项目1", "F6") == (
        CLOSED, "复核重报文件，原位置（103-交通运输局-监控表.xlsx 项目1 F6）问题已消除")
    moved = status("乡村道路养护项目", "项目1", "G11")
    assert moved[0] == MANUAL and "G12" in moved[1] and "行列移动" in moved[1]
    assert status("危桥改造工程", "项目2", "B17") == (
        MANUAL, "重报文件中已没有工作表“项目2”，无法在原位置核实")
    # the care project still drifts: at its cell and as a project; the canteen's drift is gone
    # although the same code stays in the sheet for the other project
    assert status("养老服务补贴", "绩效监控", "Q3")[0] == OPEN
    assert status("养老服务补贴", "绩效监控", "M-DRIFT") == (
        OPEN, "复核重报文件，问题仍存在（105-民政局-监控表.xlsx 绩效监控 养老服务补贴）")
    assert status("社区老年食堂运营补贴", "绩效监控", "Q10")[0] == CLOSED
    assert status("社区老年食堂运营补贴", "绩效监控", "M-DRIFT") == (
        CLOSED, "复核重报文件，原位置（105-民政局-监控表.xlsx 绩效监控 社区老年食堂运营补贴）问题已消除")
    assert {r["核实日期"] for r in rows.values()} == {"2026-03-30"}
    assert data["summary"]["resubmitted"] == {"运行监控": 2}
    import jsonschema

    from pbm.resources import load_schema

    jsonschema.validate(data, load_schema("findings"))
    assert data["summary"]["closed"] == 3 and data["summary"]["manual"] == 2
    assert sorted(f["code"] for f in data["findings"]) == ["RECT-MANUAL", "RECT-MANUAL"]

    # past the deadline, what is still there is overdue (exit 1); closed stays closed
    code, data = _json(run_pbm, workspace, "--monitor", "q3-重报/", "--today", "2026-04-10")
    assert code == 1
    rows = _rows(workspace)
    assert rows[("养老服务补贴", "绩效监控", "M-DRIFT")]["整改状态"] == OVERDUE
    assert rows[("社区老年食堂运营补贴", "绩效监控", "M-DRIFT")]["整改状态"] == CLOSED
    assert {f["code"] for f in data["findings"]} == {"RECT-OVERDUE", "RECT-MANUAL"}


def test_a_drift_is_never_verified_without_the_approved_goals(run_pbm, workspace):
    _monitoring_workspace(run_pbm, workspace)
    _resubmit_monitoring(workspace)
    # the workspace loses its approved goals: M3 and M-DRIFT cannot be judged
    aside = workspace.parent / "aside"
    aside.mkdir()
    shutil.move(workspace / "goals", aside / "goals")
    shutil.move(workspace / "out" / "goals-2026.xlsx", aside / "goals-2026.xlsx")
    _, data = _json(run_pbm, workspace, "--monitor", "q3-重报/", "--today", "2026-03-30")
    rows = _rows(workspace)
    for place in (("社区老年食堂运营补贴", "绩效监控", "Q10"),
                  ("社区老年食堂运营补贴", "绩效监控", "M-DRIFT"),
                  ("养老服务补贴", "绩效监控", "M-DRIFT")):
        assert rows[place]["整改状态"] == PENDING
        assert rows[place]["核实情况"].startswith("未核实：工作区没有批复目标")
        assert not rows[place]["核实日期"]
    # what does not depend on the goals is still checked
    assert rows[("乡村道路养护项目", "项目1", "F6")]["整改状态"] == CLOSED
    assert data["summary"]["closed"] == 1
    # with the goals back, the same resubmission closes them
    shutil.move(aside / "goals", workspace / "goals")
    shutil.move(aside / "goals-2026.xlsx", workspace / "out" / "goals-2026.xlsx")
    _json(run_pbm, workspace, "--monitor", "q3-重报/", "--today", "2026-03-31")
    rows = _rows(workspace)
    assert rows[("社区老年食堂运营补贴", "绩效监控", "M-DRIFT")]["整改状态"] == CLOSED
    assert rows[("养老服务补贴", "绩效监控", "M-DRIFT")]["整改状态"] == OPEN


# --------------------------------------------------------------------------- self-evaluations

def _satisfaction():
    return line("满意度", "≥90%", "95%", 20, 20, level1="满意度指标", level2="服务对象满意度指标")


def _training(fixed: bool = False):
    """S-FULL-DESPITE-SHORTFALL at G13 (fixed or not) and G14 (kept)."""
    return project("教师培训", [line("培训人次", "≥100", 80, 20, 16 if fixed else 20, unit="人次"),
                               line("课程数", "≥10", 6, 20, 20, unit="门"),
                               qual("教学质量", "达成", 30, 27), _satisfaction()], code="P1")


def _equipment(inserted: bool = False):
    """S-FULL-DESPITE-SHORTFALL at G13; a line added above it moves it to G14."""
    lines = [line("设备数", "≥50", 30, 40, 40, unit="台"), qual("使用效果", "达成", 30, 27),
             _satisfaction()]
    if inserted:
        lines.insert(0, line("维护次数", "≥4", 4, 10, 10, unit="次"))
        lines[1].weight = 30
    return project("校园设备更新", lines, code="P3")


def _after_school():
    return project("课后服务", [line("覆盖学校", "≥20", 15, 40, 40, unit="所"),
                               qual("家长认可", "达成", 30, 28), _satisfaction()], code="P2")


def _health(fixed: bool = False) -> list:
    """One list sheet, two projects whose weights add up to 90 (S-WEIGHT-TOTAL, a finding of the
    whole project, without a cell); the first one's weights are completed when fixed."""
    def spec(name, code, weight):
        return project(name, [line("服务人数", "≥1000", 1200, 40, 40, unit="人"),
                              qual("服务质量", "达成", weight, weight * 9 // 10), _satisfaction()],
                       code=code, department="卫健委", unit="卫生院")
    return [spec("公共卫生服务", "H1", 30 if fixed else 20), spec("妇幼保健", "H2", 20)]


def _write_self_evals(folder: Path, *, fixed: bool = False) -> None:
    folder.mkdir(exist_ok=True)
    education = [_training(fixed), _equipment(inserted=fixed)] + ([] if fixed else
                                                                  [_after_school()])
    write_self_eval_workbook(folder / "101-教育局-自评表.xlsx", education, layout="form")
    write_self_eval_workbook(folder / "102-卫健委-自评汇总.xlsx", _health(fixed), layout="list",
                             title="2026年度项目支出绩效自评汇总表")


def _scored_workspace(run_pbm, workspace: Path) -> None:
    _write_self_evals(workspace / "self-eval")
    assert run_pbm("score", "self-eval/", "-q", cwd=workspace)[0] == 1
    code, out, err = run_pbm("report", "score-feedback", "--format", "md", "--date",
                             LETTER_DATE, cwd=workspace)
    assert code == 0, out + err


def test_self_evaluation_resubmissions_are_checked_at_each_problems_place(run_pbm, workspace):
    _scored_workspace(run_pbm, workspace)
    before = _rows(workspace)
    assert {place for place in before if place[0] != "课后服务"} == {
        ("教师培训", "项目1", "G13"), ("教师培训", "项目1", "G14"), ("校园设备更新", "项目2", "G13"),
        ("公共卫生服务", "自评汇总", "S-WEIGHT-TOTAL"), ("公共卫生服务", "自评汇总", "S-UNGRADED"),
        ("妇幼保健", "自评汇总", "S-WEIGHT-TOTAL"), ("妇幼保健", "自评汇总", "S-UNGRADED")}
    assert ("课后服务", "项目3", "G13") in before
    assert all(r["问题编号"].startswith("SF-") for r in before.values())
    # a person checked the removed project by hand: their verdict stands
    path = workspace / "out" / "rectification.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("项目名称")].value == "课后服务":
            row[header.index("整改状态")].value = "已整改（人工核实）"
    book.save(path)
    _write_self_evals(workspace / "self-eval-重报", fixed=True)
    code, data = _json(run_pbm, workspace, "--self-eval", "self-eval-重报/", "--today",
                       "2026-03-30")
    assert code == 0
    rows = _rows(workspace)
    assert rows[("课后服务", "项目3", "G13")]["整改状态"] == "已整改（人工核实）"
    assert rows[("教师培训", "项目1", "G13")]["整改状态"] == CLOSED
    assert rows[("教师培训", "项目1", "G14")]["整改状态"] == OPEN
    moved = rows[("校园设备更新", "项目2", "G13")]
    assert moved["整改状态"] == MANUAL and "G14" in moved["核实情况"]
    # project-level findings of one list sheet: by project and code
    assert rows[("公共卫生服务", "自评汇总", "S-WEIGHT-TOTAL")]["整改状态"] == CLOSED
    assert rows[("公共卫生服务", "自评汇总", "S-UNGRADED")]["整改状态"] == CLOSED
    assert rows[("妇幼保健", "自评汇总", "S-WEIGHT-TOTAL")]["整改状态"] == OPEN
    assert rows[("妇幼保健", "自评汇总", "S-UNGRADED")]["核实情况"] == \
        "复核重报文件，问题仍存在（102-卫健委-自评汇总.xlsx 自评汇总 妇幼保健）"
    assert data["summary"]["resubmitted"] == {"绩效评价": 2}
    assert data["summary"]["closed"] == 4 and data["summary"]["manual"] == 1


def test_a_project_removed_from_a_list_sheet_is_for_a_person_to_check(run_pbm, workspace):
    _scored_workspace(run_pbm, workspace)
    folder = workspace / "self-eval-重报"
    folder.mkdir()
    write_self_eval_workbook(folder / "102-卫健委-自评汇总.xlsx", _health(fixed=True)[:1],
                             layout="list", title="2026年度项目支出绩效自评汇总表")
    _json(run_pbm, workspace, "--self-eval", str(folder), "--today", "2026-03-30")
    rows = _rows(workspace)
    assert rows[("妇幼保健", "自评汇总", "S-WEIGHT-TOTAL")]["整改状态"] == MANUAL
    assert rows[("妇幼保健", "自评汇总", "S-WEIGHT-TOTAL")]["核实情况"] == \
        "工作表“自评汇总”中已没有项目“妇幼保健”，无法在原位置核实"
    assert rows[("公共卫生服务", "自评汇总", "S-WEIGHT-TOTAL")]["整改状态"] == CLOSED
    # 教育局's file was not resubmitted: its problems keep their status
    assert rows[("教师培训", "项目1", "G13")]["整改状态"] == PENDING


def test_an_unreadable_resubmission_is_never_verified(run_pbm, workspace):
    _scored_workspace(run_pbm, workspace)
    folder = workspace / "self-eval-重报"
    folder.mkdir()
    (folder / "102-卫健委-自评汇总.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    write_self_eval_workbook(folder / "101-教育局-自评表.xlsx", [_after_school()], layout="form")
    _json(run_pbm, workspace, "--self-eval", str(folder), "--today", "2026-03-30")
    rows = _rows(workspace)
    for name in ("公共卫生服务", "妇幼保健"):
        row = rows[(name, "自评汇总", "S-WEIGHT-TOTAL")]
        assert row["整改状态"] == MANUAL and row["核实情况"].startswith("重报文件无法读取：")
    # 教育局 sent its after-school project alone: now on 项目1, so 项目1's problems of the
    # training project have lost their project and 项目3's its sheet
    assert rows[("教师培训", "项目1", "G13")]["核实情况"] == \
        "工作表“项目1”中已没有项目“教师培训”，无法在原位置核实"
    assert rows[("课后服务", "项目3", "G13")]["核实情况"] == \
        "重报文件中已没有工作表“项目3”，无法在原位置核实"


# --------------------------------------------------------------------------- replies

def _own_reply_sheet(path: Path, rows: list[tuple]) -> Path:
    """A department's own sheet: a title row, 佐证材料 first, 问题编号 second, no 完成情况."""
    return reply_sheet(path, ["佐证材料", "问题编号", "整改措施"], rows, "民政局监控问题整改情况")


def test_replies_to_monitoring_and_evaluation_problems_lose_nothing(run_pbm, workspace):
    _monitoring_workspace(run_pbm, workspace)
    # score-feedback letters on top of the monitoring ones: one ledger, both stages
    _write_self_evals(workspace / "self-eval")
    assert run_pbm("score", "self-eval/", "-q", cwd=workspace)[0] == 1
    assert run_pbm("report", "score-feedback", "--format", "md", "--date", LETTER_DATE,
                   cwd=workspace)[0] == 0
    ids = {place: row["问题编号"] for place, row in _rows(workspace).items()}
    canteen = ids[("社区老年食堂运营补贴", "绩效监控", "M-DRIFT")]
    care = ids[("养老服务补贴", "绩效监控", "M-DRIFT")]
    training = ids[("教师培训", "项目1", "G13")]
    replies = workspace / "replies"
    replies.mkdir()
    # reordered (care before canteen), incomplete (no 完成情况, a blank 佐证材料), an id never
    # issued and a score problem answered in the monitoring reply
    _own_reply_sheet(replies / "民政局.xlsx", [
        ("批复文件", care, "按批复目标更正"), ("", "MF-0000000000", "已安排专人"),
        ("更正后的监控表", canteen, "指标值改为批复值"), ("", training, "重新评分")])
    code, data = _json(run_pbm, workspace, "replies/", "--today", "2026-03-20")
    assert code == 0
    unknown = [f for f in data["findings"] if f["code"] == "RECT-UNKNOWN-ID"]
    assert [(f["file"], f["sheet"], f["value"]) for f in unknown] == [
        ("民政局.xlsx", "整改回复", "MF-0000000000")]
    assert "第 4 行" in unknown[0]["message"]
    rows = {row["问题编号"]: row for row in ledger_rows(workspace / "out" / "rectification.xlsx")}
    assert (rows[care]["整改措施"], rows[care]["佐证材料"], rows[care]["完成情况"]) == (
        "按批复目标更正", "批复文件", None)
    assert (rows[canteen]["整改措施"], rows[canteen]["佐证材料"]) == ("指标值改为批复值",
                                                                 "更正后的监控表")
    assert rows[training]["整改措施"] == "重新评分" and rows[training]["佐证材料"] is None
    assert {rows[i]["整改状态"] for i in (care, canteen, training)} == {REPLIED}
    assert rows[care]["回复来源"] == "民政局.xlsx / 整改回复 第3行"
    log = ledger_rows(workspace / "out" / "rectification.xlsx", "回复记录")
    assert [(r["问题编号"], r["整改措施"]) for r in log] == [
        (care, "按批复目标更正"), ("MF-0000000000", "已安排专人"),
        (canteen, "指标值改为批复值"), (training, "重新评分")]

    # then the resubmissions: the replies stay, the statuses follow what pbm saw; the
    # self-evaluation whose file is not resubmitted stays 已回复待核实
    _resubmit_monitoring(workspace)
    _json(run_pbm, workspace, "replies/", "--monitor", "q3-重报/", "--today", "2026-03-30")
    rows = {row["问题编号"]: row for row in ledger_rows(workspace / "out" / "rectification.xlsx")}
    assert rows[canteen]["整改状态"] == CLOSED and rows[care]["整改状态"] == OPEN
    assert rows[training]["整改状态"] == REPLIED
    assert rows[care]["整改措施"] == "按批复目标更正" and rows[canteen]["佐证材料"] == "更正后的监控表"
    assert len(ledger_rows(workspace / "out" / "rectification.xlsx", "回复记录")) == 4


def test_a_form_without_project_name_gets_its_problems_and_its_fix_verified(run_pbm, workspace):
    """The letter names such a project （未填项目名称） and still lists its problems (found by
    file and sheet in 问题清单); the 整改台账 keeps the name as the form writes it (none), so the
    re-check finds the project again and closes what was fixed."""
    def unnamed(fixed: bool):
        return project("", [line("培训人次", "≥100", 80, 20, 16 if fixed else 20, unit="人次"),
                            line("课程数", "≥10", 12, 20, 20, unit="门"),
                            qual("教学质量", "达成", 30, 27), _satisfaction()], code="P9")

    for folder, fixed in (("self-eval", False), ("self-eval-重报", True)):
        (workspace / folder).mkdir(exist_ok=True)
        write_self_eval_workbook(workspace / folder / "101-教育局-自评表.xlsx", [unnamed(fixed)],
                                 layout="form")
    run_pbm("score", "self-eval/", "-q", cwd=workspace)
    code, out, err = run_pbm("report", "score-feedback", "--format", "md", "--date",
                             LETTER_DATE, cwd=workspace)
    assert code == 0, out + err
    [letter] = (workspace / "out" / "reports" / "score-feedback").glob("*.md")
    text = letter.read_text(encoding="utf-8")
    assert "（未填项目名称）" in text and "培训人次" in text and "未发现需要整改的问题" not in text
    code, _ = _json(run_pbm, workspace, "--self-eval", "self-eval-重报/", "--today",
                    "2026-03-30")
    assert _rows(workspace)[(None, "项目1", "G13")]["整改状态"] == CLOSED
