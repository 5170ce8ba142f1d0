"""The monitoring and sampling documents written to their readers, on a real workspace run
end to end (pbm monitor → pbm sample → pbm report), read back from the .xlsx and .docx:

* one 执行率 per department and for the run — the same in the JSON, 汇总 and the 通报 and
  the department's 反馈书, its definition stated; a project without 执行数 shown as such;
* a department that sent nothing gets a 催报通知 (monitor-reminder), not a 反馈书;
* what is for the bureau (whom to call, how pbm lit a blank, which command to run) is in no
  department's letter; a letter with nothing to fix says so and sets no deadline;
* ranges and rules as a reader writes them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from test_report_render import body_lines

from pbm.findings import Finding, catalogue
from pbm.monitoring.execution import execution_rate_definition
from pbm.monitoring.letters import BUREAU_ONLY, letter_text
from tests.monitoring.monitor_builders import (
    build_workspace,
    goal_projects,
    monitoring,
    write_monitor_form,
    write_monitor_list,
    write_roster,
)

#: Whom the bureau calls to chase each department (roster 联系人): never in a department letter.
ROSTER = [("103", "交通运输局", "钱科长"), ("105", "民政局", "孙科长"), ("106", "文化和旅游局", "刘洋")]
#: Words that are the bureau's or pbm's, not a department's to read.
INTERNAL = ("催报", "请联系", "判定", "按 0", "按执行数 0", "未亮灯", "未合并", "重新运行", "pbm",
            "roster", "--", "收回资金的候选", "督促单位", *(contact for _, _, contact in ROSTER))
DEADLINE = "2026年4月4日"  # 2026-03-05 + rectification_days 30


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The workspace, run once for the module: monitor (JSON), sample, report (docx)."""
    from typer.testing import CliRunner

    from pbm.cli.app import app

    root = tmp_path_factory.mktemp("letters") / "ws"
    runner = CliRunner()

    def pbm(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout

    assert pbm("init", root, "--year", "2026", "--locality", "测试区")[0] == 0
    build_workspace(root)
    road, bridge, care = goal_projects()
    write_roster(root / "roster.xlsx", ROSTER)
    # 交通运输局: the road project green, the bridge without 执行数 (red, M-NO-EXECUTED)
    write_monitor_form(root / "q3" / "103-交通运输局-监控表.xlsx", [
        monitoring(road, executed=112.5),
        monitoring(bridge, executed=None, possibility="有可能", reason="工程款待结算",
                   measures="加快结算")])
    # 民政局: one green project, nothing to fix
    write_monitor_list(root / "q3" / "105-民政局-监控表.xlsx", [monitoring(care, executed=80)],
                       total_row=True)
    config = (root / "pbm.toml").read_text(encoding="utf-8")
    config = re.sub(r'(?m)^contact = ""', 'contact = "王芳"', config)
    config = re.sub(r'(?m)^phone = ""', 'phone = "0571-12345678"', config)
    config = config.replace("[report]", '[report]\ndate = "2026-03-05"', 1)
    (root / "pbm.toml").write_text(config, encoding="utf-8")

    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        code, out = pbm("monitor", "q3/", "--format", "json")
        assert code == 1  # M-NO-EXECUTED is an error
        monitor = json.loads(out)
        code, _ = pbm("sample", "--rate", "1", "--seed", "7", "--must", "金额>=100 且 灯色==红",
                      "--quiet")
        assert code == 0
        code, out = pbm("report", "monitor", "sample", "--format", "json")
        assert code == 0, out
        report = json.loads(out)
    finally:
        os.chdir(cwd)
    return {"root": root, "monitor": monitor, "report": report}


def documents(run, kind: str) -> dict[str, Path]:
    """department → the .docx written for ``kind`` (one per department)."""
    return {d["department"]: Path(d["path"]) for d in run["report"]["documents"]
            if d["kind"] == kind}


def overall(run, kind: str) -> list[str]:
    """The lines of the one document of an overall ``kind`` (通报, 通知)."""
    [path] = [Path(d["path"]) for d in run["report"]["documents"] if d["kind"] == kind]
    return body_lines(path)


def sheet_rows(path: Path, name: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def percent_of(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


# --------------------------------------------------------------------------- 执行率

def test_one_execution_rate_in_json_workbook_notice_and_letter(run):
    workbook = run["root"] / "out" / "monitor-2026-09.xlsx"
    summary = {r["主管部门"]: r for r in sheet_rows(workbook, "汇总")}
    json_rates = {d["name"]: d["execution_rate"] for d in run["monitor"]["departments"]}
    # 交通运输局: 112.50 of the road's 150.00; the bridge (150.00, no 执行数) in neither sum
    assert json_rates["交通运输局"] == summary["交通运输局"]["执行率"] == 0.75
    assert json_rates["民政局"] == summary["民政局"]["执行率"] == 0.8
    total = run["monitor"]["summary"]["execution_rate"]
    assert total == summary["合计"]["执行率"] == 0.77  # (112.5 + 80) / (150 + 100)

    notice = overall(run, "monitor-notice")
    rows = {line.split("|")[1]: line.split("|") for line in notice if line.count("|") == 9}
    assert rows["交通运输局"][6] == percent_of(json_rates["交通运输局"]) == "75.00%"
    assert rows["民政局"][6] == "80.00%"
    assert rows["文化和旅游局"][2:7] == ["未报送", "0", "—", "—", "—"]
    situation = next(line for line in notice if line.startswith("监控期末序时进度"))
    assert f"执行率{percent_of(total)}（1个项目未填报执行数，其预算150.00万元未计入执行率）" in situation
    # the definition, stated where the numbers are read
    assert f"执行率口径：{execution_rate_definition(9)}。" in notice
    about = {r["项目"]: r["内容"] for r in sheet_rows(workbook, "说明")}
    assert about["执行率口径"].startswith(execution_rate_definition(9))
    assert "未填报执行数的项目：交通运输局1个（预算150.00万元），未计入执行率，请相关部门补报。" in notice
    red = next(line for line in notice if line.startswith("1|交通运输局|危桥改造工程"))
    assert red.split("|")[3] == "未填报执行数"

    letter = body_lines(documents(run, "monitor-feedback")["交通运输局"])
    opening = next(line for line in letter if line.startswith("根据预算绩效运行监控工作安排"))
    assert ("预算300.00万元，已执行112.50万元，执行率75.00%（1个项目未填报执行数，其预算150.00万元"
            "未计入执行率）") in opening
    bridge = next(line for line in letter if "|危桥改造工程|" in line)
    assert bridge.split("|")[2:6] == ["150.00", "未填报执行数", "未填报执行数", "75.00%"]


# --------------------------------------------------------------------------- recipients

def test_a_department_that_sent_nothing_gets_a_reminder_and_no_feedback(run):
    feedback, reminders = documents(run, "monitor-feedback"), documents(run, "monitor-reminder")
    assert sorted(feedback) == ["交通运输局", "民政局"]
    assert sorted(reminders) == ["文化和旅游局"]
    reminder = body_lines(reminders["文化和旅游局"])
    assert reminder[2] == "关于报送2026年1—9月项目支出绩效监控表的通知"
    assert reminder[3] == "文化和旅游局："
    assert any(f"请于{DEADLINE}前报送" in line and "1—9月执行数" in line for line in reminder)
    assert "联系人：王芳　　联系电话：0571-12345678" in reminder  # the bureau's own contact
    # the notice names it among the missing; whom the bureau calls stays in the workbook
    notice = overall(run, "monitor-notice")
    missing = notice.index("四、未按时报送监控资料的部门")
    assert notice[missing + 1] == "文化和旅游局"
    assert notice[missing + 2] == f"我局已另行通知上述部门于{DEADLINE}前补报。"
    problems = sheet_rows(run["root"] / "out" / "monitor-2026-09.xlsx", "问题")
    chase = next(r for r in problems if r["代码"] == "M-MISSING-DEPT")
    assert chase["修改建议"] == "请联系 刘洋 催报"
    assert chase["反馈书问题说明"] is None and chase["反馈书整改建议"] is None


def test_no_department_letter_says_what_is_meant_for_the_bureau(run):
    letters = {**documents(run, "monitor-feedback"), **documents(run, "monitor-reminder")}
    assert len(letters) == 3
    for department, path in letters.items():
        text = "\n".join(body_lines(path))
        for phrase in INTERNAL:
            assert phrase not in text, (department, phrase)
    # the blank 执行数 is said as the department must act on it
    transport = body_lines(letters["交通运输局"])
    assert ("1|危桥改造工程|1-9月执行数未填写或无法识别，无法计算执行率|"
            "填写截至监控期末的累计执行数（万元），没有支出的填 0") in transport


def test_a_letter_with_nothing_to_fix_says_so_and_sets_no_deadline(run):
    clean = body_lines(documents(run, "monitor-feedback")["民政局"])
    text = "\n".join(clean)
    assert "未发现需要整改的问题。" in clean
    assert "你单位本期绩效运行监控未发现需要整改的问题，无需报送整改情况。" in clean
    assert DEADLINE not in text and "请于" not in text and "整改要求" not in text
    assert "逐项" not in text and not any(line.startswith("序号|项目|问题说明") for line in clean)
    # the letter with problems asks, by the deadline
    transport = body_lines(documents(run, "monitor-feedback")["交通运输局"])
    assert "三、整改要求" in transport
    assert f"请于{DEADLINE}前将整改措施和落实情况书面报送我局。" in transport
    assert "你单位报送的监控表存在以下1处问题：" in transport


# --------------------------------------------------------------------------- wording

LETTER_FREE = {"M-TEMPLATE-RETURNED-LEFT-OUT", "M-TEMPLATE-RETURNED-INCLUDED",
               "M-TEMPLATE-PLACEHOLDER-TARGET", "M-TEMPLATE-NONE-APPROVED"}  # pbm template's
#: Reader findings of a file that could not be read: its department is 未报送 (a reminder).
UNREADABLE = {"R-UNREADABLE", "R-NOT-FOUND", "R-EMPTY", "R-TOO-LARGE"}


def test_every_finding_a_letter_can_show_is_worded_for_the_department():
    entries = catalogue()
    codes = [code for code, entry in entries.items()
             if re.match(r"(M\d|M-|R-|V-)", code) and entry["severity"] != "info"
             and code not in LETTER_FREE | UNREADABLE]
    assert "M-NO-EXECUTED" in codes and "R-FORMULA-NO-VALUE" in codes
    for code in codes:
        names = set(re.findall(r"{(\w+)}", entries[code]["zh"] + entries[code].get("hint_zh", "")))
        letter = f"LETTER-{code}"
        if letter in entries:
            names |= set(re.findall(r"{(\w+)}", entries[letter]["zh"] +
                                    entries[letter].get("hint_zh", "")))
        finding = Finding(code, file="q3/x.xlsx", params={name: "X" for name in names})
        worded = letter_text(finding)
        if code in BUREAU_ONLY:
            assert worded is None, code
            continue
        assert worded is not None, code
        for phrase in INTERNAL:
            assert phrase not in "".join(worded), (code, phrase, worded)
    assert all(code.removeprefix("LETTER-") in entries for code in entries
               if code.startswith("LETTER-M") or code.startswith("LETTER-R"))


def test_ranges_and_rules_as_a_reader_writes_them(run):
    notice = "\n".join(overall(run, "sample-notice"))
    assert "必选规则：金额 100 万元及以上且亮红灯的项目；" in notice
    assert ">=" not in notice and "==" not in notice
    record = {r["项目"]: r["内容"] for r in sheet_rows(run["root"] / "out" / "sample-2026.xlsx", "说明")}
    assert record["必选规则"] == "金额>=100 且 灯色==红"  # the record keeps what reproduces the draw
    assert record["分层"] == "类别（A：500 万元及以上；B：100 万元（含）至 500 万元；C：100 万元以下）"
    about = {r["项目"]: r["内容"] for r in
             sheet_rows(run["root"] / "out" / "monitor-2026-09.xlsx", "说明")}
    assert about["执行灯规则"] == "比值法：执行率 ÷ 序时进度 × 100，低于 60 红灯，60（含）至 80 黄灯，80 及以上绿灯"
    assert not re.search(r"[\[(]\d[\d.]*, *\d[\d.]*[)\]]", notice + about["执行灯规则"])


def test_the_feedback_letters_problems_are_rows_of_the_rectification_ledger(run):
    rows = sheet_rows(run["root"] / "out" / "rectification.xlsx", "整改台账")
    monitor = [r for r in rows if r["来源环节"] == "运行监控"]
    assert monitor and all(r["问题编号"].startswith("MF-") for r in monitor)
    bridge = [r for r in monitor if r["问题代码"] == "M-NO-EXECUTED"]
    assert bridge and bridge[0]["主管部门"] == "交通运输局"
    assert bridge[0]["整改期限"] == "2026-04-04" and bridge[0]["文号"].startswith("财绩〔2026〕")
    assert bridge[0]["文件"] and bridge[0]["问题说明"] and bridge[0]["整改状态"] == "待整改"
    assert run["report"]["summary"]["rectification"].endswith("rectification.xlsx")
