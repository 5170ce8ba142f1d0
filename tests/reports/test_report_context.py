"""What each document says, built from fixture output workbooks written with pbm's own writer
(the main sheets' headers from pbm.workbook.outputs), so these tests do not depend on the
commands; tests/workbook/test_outputs.py reads back what the commands write.

The workbook writers below are imported by the other test_report_* modules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pbm.errors import PbmError
from pbm.reports.context import (
    KINDS,
    ReportSettings,
    chinese_date,
    parse_date,
    rate_fraction,
    resolve_kinds,
)
from pbm.reports.documents import build_documents, context_keys
from pbm.reports.inputs import find_sources, read_output_workbook
from pbm.workbook.outputs import (
    GOAL_FINDINGS,
    GOAL_PROJECTS,
    MONITOR_PROJECTS,
    SCORE_PROJECTS,
    monitor_measure,
)
from pbm.workbook.writer import Sheet, write_xlsx

UNSAFE_DEPARTMENT = "A&B <局> {{ ''.__class__ }}"
SETTINGS = ReportSettings(issuer="测试区财政局", doc_prefix="测财绩", year=2026, locality="测试区",
                          contact="王芳", phone="0571-12345678", date=dt.date(2026, 3, 5),
                          application={"优": "建议：下年度预算优先保障",
                                       "良": "建议：下年度预算据实合理保障",
                                       "中": "建议：督促整改，下年度预算核减一定比例（参考 −10%）",
                                       "差": "建议：下年度预算核减（参考 −30%）或取消、暂停安排"})

GOAL_PROJECT_COLUMNS = GOAL_PROJECTS.headers()
FINDING_COLUMNS = GOAL_FINDINGS.headers()
OK = "符合要求"


def write_goals(path: Path, *, with_problems: bool = True) -> Path:
    """goals-2026.xlsx as `pbm validate` writes it (项目, 指标, 问题, 说明)."""
    projects = [
        ["goals/101-教育局.xlsx", "项目1", "2026101001", "义务教育学校营养改善计划", "教育局", "资助中心",
         "延续项目", 860.0, "不适用", "受益学生12000人", 7, 90, 0, 0, "优", "审核通过，可直接进入预算安排流程",
         OK, OK, OK, OK],
        ["goals/101-教育局.xlsx", "项目2", "2026101004", "智慧校园建设", "教育局", "装备中心", "新增项目",
         300.0, "", "建成智慧教室", 6, 90, 1, 0, "中", "请按审核意见修改完善后重新报送审核",
         OK, OK, OK, "需修改：未开展事前绩效评估"],
        ["goals/102-unsafe.xlsx", "项目1", "2026102001", "X&Y<项目>", UNSAFE_DEPARTMENT, "单位", "延续项目",
         45.5, "不适用", "目标", 5, 90, 0, 1, "良", "基本符合要求，经与部门协商修改后进入预算安排流程",
         "需修改：缺少计量单位", OK, OK, OK],
        ["goals/103-etc.xlsx", "项目1", "2026103001", "路径项目", "../../etc", "单位", "延续项目",
         10.0, "不适用", "目标", 2, 60, 5, 0, "差", "绩效目标不符合要求，退回调整，暂不进入预算安排流程",
         "需修改：指标数量不足", OK, "需修改：权重合计不符", OK],
    ]
    problems = [
        ["R-SHEET-SKIPPED", "提示", "goals/101-教育局.xlsx", "填报说明", "", "", "", "已跳过工作表", "", ""],
        ["G-PRIOR-ASSESSMENT", "错误", "goals/101-教育局.xlsx", "项目2", "C7", "智慧校园建设", "可行性",
         "新增项目 300 万元未开展事前绩效评估", "", "补充事前绩效评估报告"],
        ["G2", "警告", "goals/102-unsafe.xlsx", "项目1", "F12", "X&Y<项目>", "完整性",
         "定量指标缺少计量单位", "", "填写计量单位"],
        ["G9", "错误", "goals/103-etc.xlsx", "项目1", "", "路径项目", "完整性", "三级指标少于 3 个", "", "补充指标"],
    ]
    sheets = [Sheet("项目", GOAL_PROJECT_COLUMNS, projects)]
    if with_problems:
        sheets.append(Sheet("问题", FINDING_COLUMNS, problems))
    sheets.append(Sheet("说明", ["项目", "内容"], [["生成工具", "pbm"]]))
    return write_xlsx(path, sheets)


MONITOR_PROJECT_COLUMNS = MONITOR_PROJECTS.headers(month=9, measure=monitor_measure("ratio"))


def write_monitor(path: Path) -> Path:
    """monitor-2026-09.xlsx as `pbm monitor q3/` writes it (汇总, 项目, 问题, 说明)."""
    def project(code, dept, pcode, name, budget, executed, rate, light, possible, reason, file):
        return [code, dept, pcode, name, "单位", budget, "", budget, executed, budget, rate, 0.75,
                None, light, "绿", light, possible, reason, "加快进度" if reason else "", "", "", 0, 0,
                file, "项目1", 1]

    f101, f102 = "q3/101-教育局-1-9月.xlsx", "q3/102-卫健委-1-9月.xlsx"
    projects = [
        project("101", "教育局", "2026101001", "义务教育学校营养改善计划", 200.0, 186.5, 0.9325, "绿",
                "确定能", "", f101),
        project("101", "教育局", "2026101003", "乡村教师培训", 200.0, 60.0, 0.3, "红", "有可能",
                "招投标延迟，资金未拨付", f101),
        project("102", "卫生健康委员会", "2026102002", "妇幼健康服务", 100.0, 50.0, 0.5, "黄", "有可能",
                "下半年集中支付", f102),
    ]
    summary = [
        ["101", "教育局", "张丽", "已报送", f101, 2, 400.0, 246.5, 0.61625, 1, 0, 1, 0, 0, 1, ""],
        ["102", "卫生健康委员会", "李强", "已报送", f102, 1, 100.0, 50.0, 0.5, 0, 1, 0, 0, 0, 0, ""],
        ["106", "文化和旅游局", "刘洋", "未报送", "", 0, 0, 0, None, 0, 0, 0, 0, 0, 0, ""],
        ["", "合计", "", "已报送 2 个，未报送 1 个", "", 3, 500.0, 296.5, 0.593, 1, 1, 1, 0, 0, 1, ""],
    ]
    problems = [
        ["R-SHEET-SKIPPED", "提示", f101, "填报说明", "", "", "已跳过工作表", "", ""],
        ["M2", "警告", f101, "项目2", "H9", "乡村教师培训", "完成目标可能性为“有可能”，但偏差原因分析不充分", "",
         "补充偏差原因分析"],
        ["M-MISSING-DEPT", "错误", "", "", "", "", "文化和旅游局（106）未报送监控表", "", "请联系 刘洋 催报"],
    ]
    return write_xlsx(path, [
        Sheet("汇总", ["主管部门编码", "主管部门", "联系人", "报送状态", "采用文件", "项目数", "预算数(万元)",
                     "执行数(万元)", "执行率", "红灯", "黄灯", "绿灯", "未亮灯", "错误", "警告",
                     "重复报送未采用的文件"], summary),
        Sheet("项目", MONITOR_PROJECT_COLUMNS, projects),
        Sheet("问题", ["代码", "严重程度", "文件", "工作表", "单元格", "项目", "问题说明", "原值", "修改建议"],
              problems),
        Sheet("说明", ["项目", "内容"], [["监控期间", "2026年1-9月（文件夹名 q3）"],
                                      ["序时进度", "9/12 = 75.00%"]]),
    ])


def write_sample(path: Path) -> Path:
    """sample-2026.xlsx as `pbm sample` writes it (样本, 分层, 说明)."""
    header = ["序号", "项目编码", "项目名称", "主管部门", "金额（万元）", "分层", "抽中原因", "抽中依据"]
    rows = [[1, "2026101001", "义务教育学校营养改善计划", "教育局", 860.0, "A", "必选", "金额>=500"],
            [2, "2026102002", "妇幼健康服务", "卫生健康委员会", 100.0, "B", "分层随机", "B 层随机 1/20"]]
    notes = [["随机种子", "20261122"], ["抽样方法", "简单随机抽样（分层内不放回）"], ["抽样比例", "10%"],
             ["必选规则", "金额>=500"], ["总体数量", "39"], ["符合条件数量", "39"], ["实际样本量", "2"]]
    return write_xlsx(path, [Sheet("样本", header, rows),
                             Sheet("分层", ["分层", "总体数量"], [["A", 12], ["B", 20]]),
                             Sheet("说明", ["项目", "内容"], notes)])


SCORE_PROJECT_COLUMNS = SCORE_PROJECTS.headers()


def write_scores(path: Path, *, with_grade: bool = True) -> Path:
    """scores-2026.xlsx as `pbm score self-eval/` writes it."""
    f101 = "self-eval/101-教育局-自评表.xlsx"
    projects = [
        ["单位自评", f101, "项目1", "2026101001", "义务教育学校营养改善计划", "教育局", "资助中心", 200.0, 186.5,
         0.9325, 9.33, 9.33, 82.7, 92.03, 92.03, 0.0, "优", "优", "", 0, 0],
        ["单位自评", f101, "项目2", "2026101002", "中小学校舍维修改造", "教育局", "装备中心", 420.0, 403.2,
         0.96, 9.6, 9.6, 80.39, 96.1, 89.99, 6.11, "优", "良", "", 0, 2],
        ["单位自评", "self-eval/102-卫健委.xlsx", "自评汇总", "2026102002", "妇幼健康服务", "卫生健康委员会",
         "妇幼中心", 100.0, 50.0, 0.5, 5.0, 5.0, 55.0, 60.0, 60.0, 0.0, "中", "中", "", 0, 0],
        ["多方评价", "self-eval/第三方评价.xlsx", "财政-张敏", "", "义务教育学校营养改善计划", "教育局", "",
         None, None, None, None, None, None, None, 86.5, None, "", "良", "", 0, 0],
    ]
    if not with_grade:
        for row in projects:
            row[17] = ""
    indicators = [
        [f101, "项目2", "G13", "中小学校舍维修改造", "教育局", "产出指标", "数量指标", "维修校舍面积", "≥",
         "≥18000平方米", "16560平方米", 20.0, 19.5, 18.4, 1.1, "正向", 0.92, "否", ""],
        [f101, "项目2", "G14", "中小学校舍维修改造", "教育局", "产出指标", "质量指标", "任务完成率", "≥", "≥95%",
         "92%", 15.0, 15.0, 14.53, 0.47, "正向", 0.9684, "否", "未达标按比例计分"],
    ]
    recheck = [
        [f101, "项目2", "G13", "中小学校舍维修改造", "教育局", "维修校舍面积", 20.0, "≥18000平方米", "16560平方米",
         19.5, 18.4, 1.1, "正向", "无", "S-INFLATED", "警告", "“维修校舍面积”自评得分 19.50 高于复核得分 18.40",
         "请重新计分"],
    ]
    applications = [
        ["单位自评", "义务教育学校营养改善计划", "教育局", 92.03, "优", "建议：下年度预算优先保障", "0%", ""],
        ["单位自评", "中小学校舍维修改造", "教育局", 89.99, "良", "建议：下年度预算据实合理保障", "0%", ""],
    ]
    group_lines = [["义务教育学校营养改善计划", "决策", "项目立项", "立项依据充分性", 3.0, 2.5, "", "", 2.5, 2.5,
                    2.5]]
    return write_xlsx(path, [
        Sheet("项目得分", SCORE_PROJECT_COLUMNS, projects),
        Sheet("指标得分", ["文件", "工作表", "单元格", "项目名称", "主管部门", "一级指标", "二级指标", "三级指标",
                       "计算符号", "年度指标值", "实际完成值", "分值", "自评得分", "复核得分", "差异(自评−复核)",
                       "复核计分规则", "完成比例", "是否达标", "说明"], indicators),
        Sheet("复核差异", ["文件", "工作表", "单元格", "项目名称", "主管部门", "指标", "分值", "年度指标值",
                       "实际完成值", "自评得分", "复核得分", "差异(自评−复核)", "复核计分规则",
                       "能得出自评分的计分方法", "问题代码", "严重程度", "问题说明", "修改建议"], recheck),
        Sheet("结果应用建议", ["类型", "项目名称", "主管部门", "复核总分", "等级", "结果应用建议（建议）",
                         "参考预算调整比例（建议）", "说明"], applications),
        Sheet("评价指标得分", ["项目名称", "一级指标", "二级指标", "三级指标", "分值", "财政组平均分",
                         "主管部门组平均分", "项目单位组平均分", "第三方组平均分", "群众代表组平均分", "综合得分"],
              group_lines),
        Sheet("说明", ["项目", "内容"], [["生成工具", "pbm"]]),
    ])


def write_rectification(path: Path) -> Path:
    """A 整改台账 as pbm report and pbm rectify leave it: one problem closed, one overdue."""
    from pbm.rectify.ledger import KEYS, Ledger, write_ledger

    def row(**values: str) -> dict[str, str]:
        return {**dict.fromkeys(KEYS, ""), **values}

    ledger = Ledger(path, rows=[
        row(id="GR-0000000001", stage="目标审核", doc_number="测财绩〔2026〕1号",
            department="教育局", code="P2026002", name="智慧校园建设", problem="定量指标缺少计量单位",
            deadline="2026-04-04", status="已整改（已核实）", measures="已补充"),
        row(id="MF-0000000002", stage="运行监控", doc_number="测财绩〔2026〕2号",
            department="交通运输局", name="桥梁维修", problem="未填报执行数", deadline="2026-03-01",
            status="待整改")])
    return write_ledger(ledger)


def write_all(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    return {"goals": write_goals(out / "goals-2026.xlsx"),
            "monitor": write_monitor(out / "monitor-2026-09.xlsx"),
            "sample": write_sample(out / "sample-2026.xlsx"),
            "scores": write_scores(out / "scores-2026.xlsx"),
            "rectification": write_rectification(out / "rectification.xlsx")}


def _documents(kind: str, paths: dict[str, Path], settings: ReportSettings = SETTINGS):
    workbooks = {group: read_output_workbook(path) for group, path in paths.items()}
    return build_documents(KINDS[kind], workbooks, settings), workbooks


@pytest.fixture
def outputs(tmp_path) -> dict[str, Path]:
    return write_all(tmp_path / "out")


# --------------------------------------------------------------------------- settings

def test_dates_and_document_numbers_follow_the_configuration():
    assert parse_date("2026-03-05") == dt.date(2026, 3, 5)
    assert parse_date("2026年3月5日") == dt.date(2026, 3, 5)
    assert parse_date("2026/3/5") == dt.date(2026, 3, 5)
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"  # no leading zeros (GB/T 9704)
    # a province's 结果应用办法: rectification within 30 days (the [report] default)
    assert SETTINGS.deadline == dt.date(2026, 4, 4)
    assert SETTINGS.doc_number(3) == "测财绩〔2026〕3号"
    later = ReportSettings(doc_prefix="财绩", year=2026, number_start=41)
    assert later.doc_number(1) == "财绩〔2026〕41号"
    with pytest.raises(PbmError) as error:
        parse_date("三月五日")
    assert error.value.code == "REPORT-BAD-DATE"


def test_settings_come_from_pbm_toml(workspace):
    from pbm.config import load_config

    (workspace / "pbm.toml").write_text(
        '[workspace]\nyear = 2026\nlocality = "测试区"\n\n[report]\nissuer = "测试区财政局"\n'
        'doc_prefix = "测财"\nrectification_days = 15\ndate = "2026-06-01"\ncontact = "李四"\n',
        encoding="utf-8")
    settings = ReportSettings.from_config(load_config(workspace))
    assert (settings.issuer, settings.doc_prefix, settings.rectification_days) == ("测试区财政局", "测财", 15)
    assert settings.deadline == dt.date(2026, 6, 16)
    assert settings.locality == "测试区"
    assert settings.contact == "李四"
    assert settings.application["中"].startswith("建议：")


def test_kinds_resolve_by_key_title_or_source_group():
    assert [k.key for k in resolve_kinds(["monitor"])] == ["monitor-feedback", "monitor-reminder",
                                                          "monitor-notice"]
    assert [k.key for k in resolve_kinds(["绩效评价结果反馈书"])] == ["score-feedback"]
    assert [k.key for k in resolve_kinds(["score-notice", "goals"])] == ["goal-review", "score-notice"]
    assert len(resolve_kinds(None)) == 9
    assert [k.key for k in resolve_kinds(["整改"])] == ["rectify-notice"]
    with pytest.raises(PbmError) as error:
        resolve_kinds(["letters"])
    assert error.value.code == "REPORT-UNKNOWN-KIND"


def test_rates_are_read_as_fractions():
    assert rate_fraction(0.9325) == Decimal("0.9325")
    assert rate_fraction("93.25%") == Decimal("0.9325")
    assert rate_fraction(93.25) == Decimal("0.9325")  # a percentage number, not 93× the budget
    assert rate_fraction(None) is None


# --------------------------------------------------------------------------- reading

def test_tables_are_read_by_sheet_name_and_header_text(outputs):
    workbook = read_output_workbook(outputs["goals"])
    rows = workbook.rows(GOAL_PROJECTS.sheet)
    assert rows[0]["项目名称"] == "义务教育学校营养改善计划"
    assert rows[0]["资金总额(万元)"] == 860.0
    assert workbook.rows("不存在", required=False) == []
    # the declared header, exactly (the unit as written); a placeholder takes the period
    assert GOAL_PROJECTS.find(["资金总额（万元）"], "amount") is None
    assert MONITOR_PROJECTS.find(["1-9月执行数(万元)"], "executed") == "1-9月执行数(万元)"
    assert MONITOR_PROJECTS.find(["全年预计执行数(万元)"], "executed") is None


def test_sources_prefer_the_years_file_then_the_newest(tmp_path, outputs):
    out = outputs["goals"].parent
    write_goals(out / "goals-2025.xlsx")
    found = find_sources(out, 2026)
    assert found["goals"].name == "goals-2026.xlsx"
    assert found["monitor"].name == "monitor-2026-09.xlsx"
    explicit = find_sources(out, 2026, [out / "goals-2025.xlsx"])
    assert explicit["goals"].name == "goals-2025.xlsx"


# --------------------------------------------------------------------------- goal review

def test_goal_review_one_letter_per_department_with_projects_issues_and_actions(outputs):
    documents, _ = _documents("goal-review", {"goals": outputs["goals"]})
    assert [d.department for d in documents] == ["教育局", UNSAFE_DEPARTMENT, "../../etc"]
    education = documents[0].context
    assert education["doc_number"] == "测财绩〔2026〕1号"
    assert education["project_count"] == "2"
    assert education["amount_total"] == "1,160.00"
    assert education["grade_summary"] == "优 1 个，良 0 个，中 1 个，差 0 个"
    assert [p["name"] for p in education["projects"]] == ["义务教育学校营养改善计划", "智慧校园建设"]
    assert education["projects"][1]["grade"] == "中"
    # info lines (skipped instruction sheets) are not sent to the department
    assert [(i["dimension"], i["location"], i["message"]) for i in education["issues"]] == [
        ("可行性", "项目2 C7", "新增项目 300 万元未开展事前绩效评估")]
    assert education["dimensions"][3] == {"dimension": "可行性", "count": "1",
                                          "opinion": "智慧校园建设（未开展事前绩效评估）"}
    # 财预〔2015〕88号 第二十五条: 中 → revise and re-submit by the deadline
    assert education["actions"][1] == ("审核等级为“中”的项目：请按审核意见修改完善，于2026年4月4日前重新报送审核。"
                                       "涉及：智慧校园建设。")
    assert education["resubmit_needed"] == "是"
    poor = documents[2].context
    assert poor["actions"][0].startswith("审核等级为“差”的项目：绩效目标退回调整，暂不进入预算安排流程")


def test_goal_review_without_problem_sheet_says_none_and_warns(tmp_path):
    path = write_goals(tmp_path / "goals-2026.xlsx", with_problems=False)
    documents, workbooks = _documents("goal-review", {"goals": path})
    assert documents[0].context["issues"] == [{"index": "", "project": "无", "dimension": "",
                                               "severity": "", "location": "", "message": "",
                                               "hint": ""}]
    assert documents[0].context["issue_count"] == "0"
    codes = [(f.code, f.sheet) for f in workbooks["goals"].findings]
    assert ("REPORT-SHEET-MISSING", "问题") in codes


def test_every_context_provides_exactly_the_documented_keys(outputs):
    for kind in KINDS.values():
        documents, _ = _documents(kind.key, outputs)
        assert documents, kind.key
        for document in documents:
            assert set(document.context) == context_keys(kind), kind.key


# --------------------------------------------------------------------------- monitoring

def test_monitor_feedback_per_department_lights_problems_and_measures(outputs):
    documents, _ = _documents("monitor-feedback", {"monitor": outputs["monitor"]})
    # 文化和旅游局 sent nothing: a 催报通知 (monitor-reminder), not a 反馈书
    assert [d.department for d in documents] == ["教育局", "卫生健康委员会"]
    education = documents[0].context
    assert education["period"] == "2026年1—9月"
    assert education["time_progress"] == "75.00%"
    assert (education["red"], education["yellow"], education["green"]) == ("1", "0", "1")
    assert education["budget_total"] == "400.00"
    assert education["executed_total"] == "246.50"
    assert education["execution_rate"] == "61.63%"  # 246.5 / 400, ROUND_HALF_UP
    # red first: the projects that need action lead the table
    assert [(p["name"], p["light"], p["execution_rate"]) for p in education["projects"]] == [
        ("乡村教师培训", "红", "30.00%"), ("义务教育学校营养改善计划", "绿", "93.25%")]
    assert [p["message"] for p in education["problems"]] == ["完成目标可能性为“有可能”，但偏差原因分析不充分"]
    assert education["measures"][0].startswith("亮红灯的项目")


def test_monitor_notice_counts_lights_by_department_and_names_missing(outputs):
    documents, _ = _documents("monitor-notice", {"monitor": outputs["monitor"]})
    assert len(documents) == 1
    context = documents[0].context
    assert (context["red"], context["yellow"], context["green"]) == ("1", "1", "1")
    assert context["missing_departments"] == "文化和旅游局"
    assert [(d["department"], d["submission"], d["red"], d["yellow"], d["green"])
            for d in context["departments"]] == [("教育局", "已报送", "1", "0", "1"),
                                                 ("卫生健康委员会", "已报送", "0", "1", "0"),
                                                 ("文化和旅游局", "未报送", "0", "0", "0")]
    assert [r["name"] for r in context["red_projects"]] == ["乡村教师培训"]
    chart = documents[0].charts["lights_chart"]
    # every row of the table, so numbered bars (no CJK font) match the 序号 column
    assert chart.data == [("教育局", 1, 0, 1), ("卫生健康委员会", 0, 1, 0), ("文化和旅游局", 0, 0, 0)]


# --------------------------------------------------------------------------- sample

def test_sample_notice_lists_the_sample_and_materials(outputs):
    documents, _ = _documents("sample-notice", {"sample": outputs["sample"]})
    context = documents[0].context
    assert context["sample_size"] == "2"
    assert context["seed"] == "20261122"
    assert context["population"] == "39"
    assert context["amount_total"] == "960.00"
    assert [(p["code"], p["reason"]) for p in context["projects"]] == [("2026101001", "必选"),
                                                                      ("2026102002", "分层随机")]
    assert [d["department"] for d in context["departments"]] == ["教育局", "卫生健康委员会"]
    assert context["materials"][0] == "项目支出绩效自评表及自评报告"


# --------------------------------------------------------------------------- scores

def test_score_feedback_per_project_with_problems_deadline_and_suggestion(outputs):
    documents, _ = _documents("score-feedback", {"scores": outputs["scores"]})
    assert len(documents) == 4
    assert documents[3].stem == "教育局-义务教育学校营养改善计划-多方评价-绩效评价结果反馈书"
    renovation = documents[1].context
    assert (renovation["self_score"], renovation["total"], renovation["difference"]) == \
        ("96.10", "89.99", "6.11")
    assert renovation["grade"] == "良"
    assert renovation["evaluation_mode"] == "单位自评抽查复核"
    assert [p["message"] for p in renovation["problems"]] == [
        "“维修校舍面积”自评得分 19.50 高于复核得分 18.40"]
    assert renovation["application"] == "建议：下年度预算据实合理保障"
    assert renovation["deadline"] == "2026年4月4日"
    assert [i["level3"] for i in renovation["indicators"]] == ["维修校舍面积", "任务完成率"]
    assert renovation["indicators"][0]["deducted"] == "1.60"
    # the worked execution example: 186.5 / 200 = 93.25 %
    assert documents[0].context["execution_rate"] == "93.25%"
    # no suggestion row: the [score.application] text for the grade, still a suggestion
    assert documents[2].context["application"] == "建议：督促整改，下年度预算核减一定比例（参考 −10%）"


def test_score_grade_falls_back_to_the_national_bands(tmp_path):
    path = write_scores(tmp_path / "scores-2026.xlsx", with_grade=False)
    documents, _ = _documents("score-feedback", {"scores": path})
    # the grade edges: 92.03 → 优, 89.99 → 良, 60.00 → 中
    assert [d.context["grade"] for d in documents[:3]] == ["优", "良", "中"]


def test_score_notice_distribution_and_inflated_projects(outputs):
    documents, _ = _documents("score-notice", {"scores": outputs["scores"]})
    context = documents[0].context
    # 义务教育学校营养改善计划 has its self-evaluation (92.03 优) and a multi-group evaluation
    # (86.50 良): one project, counted once, with the evaluation's grade and score.
    assert context["project_count"] == "3"
    assert [(g["grade"], g["count"], g["share"]) for g in context["grades"]] == [
        ("优", "0", "0.00%"), ("良", "2", "66.67%"), ("中", "1", "33.33%"), ("差", "0", "0.00%")]
    assert context["average_score"] == "78.83"  # (86.50 + 89.99 + 60.00) / 3
    # the table keeps both rows of the twice-evaluated project, each with its 类型
    assert [(r["name"], r["evaluation_type"]) for r in context["projects"]][::3] == [
        ("义务教育学校营养改善计划", "单位自评"), ("义务教育学校营养改善计划", "多方评价")]
    assert [(r["name"], r["difference"]) for r in context["inflated"]] == [("中小学校舍维修改造", "6.11")]
    assert documents[0].charts["score_chart"].data == [
        ("义务教育学校营养改善计划", Decimal("92.03"), Decimal("92.03"), "单位自评"),
        ("中小学校舍维修改造", Decimal("96.1"), Decimal("89.99"), "单位自评"),
        ("妇幼健康服务", Decimal("60.0"), Decimal("60.0"), "单位自评"),
        ("义务教育学校营养改善计划", None, Decimal("86.5"), "多方评价")]  # one point, two bars


def test_evaluation_reports_for_sampled_projects_from_the_evaluation(outputs):
    documents, _ = _documents("evaluation-report", outputs)
    # sampled: 义务教育学校营养改善计划 (its multi-group evaluation wins) and 妇幼健康服务
    assert [(d.project, d.context["evaluation_type"]) for d in documents] == [
        ("义务教育学校营养改善计划", "多方评价"), ("妇幼健康服务", "单位自评")]
    first = documents[0].context
    assert first["total"] == "86.50" and first["grade"] == "良"
    assert first["indicators"][0]["level3"] == "立项依据充分性"
    assert first["indicators"][0]["deducted"] == "0.50"
    assert [s["heading"] for s in first["sections"]][:3] == [
        "一、基本情况", "二、绩效评价工作开展情况", "三、综合评价情况及评价结论"]
    without_sample, _ = _documents("evaluation-report", {"scores": outputs["scores"]})
    assert len(without_sample) == 3  # every scored project, one report each


def test_kinds_of_one_workbook_share_what_is_derived_from_it(tmp_path):
    """Feedback letters and the notice read the same scores workbook: what they derive is
    built once, so a missing sheet is said once, not once per kind."""
    from pbm.workbook.writer import Sheet, write_xlsx

    path = write_xlsx(tmp_path / "scores-2026.xlsx", [Sheet("说明", ["项目", "内容"], [["年度", 2026]])])
    workbooks = {"scores": read_output_workbook(path)}
    for kind in ("score-feedback", "score-notice", "score-feedback"):
        build_documents(KINDS[kind], workbooks, SETTINGS)
    missing = [f for f in workbooks["scores"].findings
               if (f.code, f.sheet) == ("REPORT-SHEET-MISSING", "项目得分")]
    assert len(missing) == 1


def test_an_ungraded_project_gets_no_grade_and_no_budget_suggestion(tmp_path):
    path = write_scores(tmp_path / "scores-2026.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["项目得分"]
    header = [c.value for c in sheet[1]]
    sheet.cell(4, header.index("复核总分") + 1).value = 10.0
    sheet.cell(4, header.index("复核等级") + 1).value = "未评定"  # as pbm score writes it
    book.save(path)
    documents, _ = _documents("score-feedback", {"scores": path})
    [ungraded] = [d.context for d in documents if d.context["project"] == "妇幼健康服务"]
    assert ungraded["grade"] == "未评定"
    assert "核减" not in ungraded["application"] and "暂不评定等级" in ungraded["application"]
