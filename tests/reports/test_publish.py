"""`pbm report publish`: the 项目支出绩效自评公开表 from the scores workbook the real `pbm score`
wrote — every project with its own numbers, no internal columns, no personal data, blanks
kept blank, the share published against [report] publish_quota."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "score_cmd"))
from score_cmd_helpers import line, project

from pbm.reports.publish_docs import REDACTED, redact
from pbm.scoring.forms import write_self_eval_workbook

PUBLISH = Path("out") / "reports" / "publish"
XLSX = "项目支出绩效自评公开表-2026.xlsx"
DOCX = "项目支出绩效自评公开表-2026.docx"
PHONE = "13812345678"
INTERNAL = ("复核", "差异", "文件", "单元格", "问题", "计分规则", "pbm")
CONTACT_FIELDS = {"联系人", "联系电话", "项目负责人", "电话", "填报人"}


def _projects():
    training = project("教师培训项目", [
        line("培训人次", "≥1000人次", "1050人次", 20, 20),
        line("满意度", "≥90%", "95%", 20, 18, level1="效益指标", level2="满意度指标"),
    ], budget=200, executed=190, execution_score=9.5, total=47.5, unit="教师发展中心")
    training.initial_budget = 180
    training.goal_expected = "完成教师培训1000人次"
    training.goal_actual = "完成培训1050人次（咨询电话0571-87654321）"
    training.indicators[1].deviation = f"个别学员未参训，联系人张三，电话{PHONE}，邮箱zs@example.com"
    repair = project("校舍维修项目", [line("维修校舍", "=2处", "2处", 30)], budget=100,
                     executed=60, department="住建局", unit="某小学")
    repair.initial_budget = None  # 年初预算数 left blank: the 公开表 keeps it blank
    repair.goal_expected = "维修校舍2处"  # no 实际完成情况: blank
    return [training, repair]


def _scored(workspace: Path, run_pbm, specs=None) -> None:
    folder = workspace / "自评表"
    folder.mkdir()
    write_self_eval_workbook(folder / "自评.xlsx", specs or _projects(), layout="form")
    code, _, err = run_pbm("score", folder, "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    assert (workspace / "out" / "scores-2026.xlsx").is_file()


def _cells(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def _row(rows: list[tuple], first: str) -> tuple:
    return next(r for r in rows if r[0] == first or (len(r) > 1 and r[1] == first))


def test_publish_xlsx_and_docx(workspace, run_pbm):
    _scored(workspace, run_pbm)
    code, out, err = run_pbm("report", "publish", "--format", "json", cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    import jsonschema

    from pbm.resources import load_schema

    jsonschema.validate(data, load_schema("findings"))
    assert data["summary"]["kinds"] == {"publish": 2}
    assert data["summary"]["publish"] == {"eligible": 2, "published": 2, "share": 1.0,
                                          "quota": 1.0, "met": True, "redacted": 4,
                                          "unpublished": []}
    assert {Path(d["path"]).name for d in data["documents"]} == {XLSX, DOCX}
    assert all(d["doc_number"] is None for d in data["documents"])  # no 文号

    book = openpyxl.load_workbook(workspace / PUBLISH / XLSX)
    assert book.sheetnames == ["目录", "01 教师培训项目", "02 校舍维修项目"]
    toc = _cells(book["目录"])
    assert (1, "教育局", "教师发展中心", "教师培训项目", 47.5, "01 教师培训项目") in toc
    assert (2, "住建局", "某小学", "校舍维修项目", None, "02 校舍维修项目") in toc

    training = _cells(book["01 教师培训项目"])
    assert _row(training, "项目名称")[1] == "教师培训项目"
    assert _row(training, "主管部门")[:6] == ("主管部门", "教育局", None, None, "实施单位",
                                          "教师发展中心")
    assert _row(training, "年度资金总额")[2:] == (180, 200, 190, 10, 0.95, 9.5)
    goal = training[training.index(_row(training, "年度总体目标")) + 1]
    assert goal[1] == "完成教师培训1000人次"
    assert goal[5] == f"完成培训1050人次（咨询电话{REDACTED}）"
    header = _row(training, "一级指标")
    assert list(header) == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                            "分值", "得分", "偏差原因分析及改进措施"]
    lines = {r[2]: r for r in training if r[2] in ("培训人次", "满意度")}
    assert lines["培训人次"][3:7] == ("≥1000人次", "1050人次", 20, 20)
    assert lines["满意度"][6] == 18  # the unit's own 得分, not pbm's recheck
    deviation = lines["满意度"][7]
    assert PHONE not in deviation and "张三" not in deviation and "zs@example.com" not in deviation
    assert deviation.startswith("个别学员未参训") and deviation.count(REDACTED) == 3
    assert _row(training, "总分")[5:7] == (50, 47.5)
    assert any(r[0] and "已删除 4 处" in r[0] for r in training)

    repair = _cells(book["02 校舍维修项目"])
    assert _row(repair, "年度资金总额")[2:] == (None, 100, 60, 10, 0.6, None)  # blank, not 0
    assert _row(repair, "总分")[6] is None
    assert repair[repair.index(_row(repair, "年度总体目标")) + 1][5] is None
    assert not any(r[0] and "已删除" in str(r[0]) for r in repair)

    values = [str(v) for sheet in book for r in _cells(sheet) for v in r if v]
    everything = " ".join(values)
    for word in INTERNAL:
        assert word not in everything, word
    assert PHONE not in everything and not CONTACT_FIELDS & set(values)

    document = Document(str(workspace / PUBLISH / DOCX))
    assert len(document.tables) == 2
    texts = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert texts[0][1] == "教师培训项目"
    assert texts[3][2:] == ["180.00", "200.00", "190.00", "10.00", "95.00%", "9.50"]
    assert texts[-1][5:7] == ["50.00", "47.50"]
    repair_rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert repair_rows[3][2] == "" and repair_rows[3][7] == ""  # blank stays blank
    body = "\n".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert PHONE not in body and "张三" not in body
    assert "已删除 4 处" in body and "87654321" not in body
    assert texts[5][5] == f"完成培训1050人次（咨询电话{REDACTED}）"
    for word in INTERNAL:
        assert word not in body, word
    assert not CONTACT_FIELDS & {c.text for t in document.tables for r in t.rows for c in r.cells}


def _drop_lines(workspace: Path, name: str) -> None:
    """A project in 项目得分 with no 自评总分 and, once its lines are gone, nothing to publish."""
    path = workspace / "out" / "scores-2026.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["指标得分"]
    column = [c.value for c in sheet[1]].index("项目名称") + 1
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, column).value == name:
            sheet.delete_rows(row)
    book.save(path)


def test_quota_in_terminal_and_below_quota(workspace, run_pbm):
    _scored(workspace, run_pbm)
    _drop_lines(workspace, "校舍维修项目")
    code, out, err = run_pbm("report", "publish", cwd=workspace)
    assert code == 0, err
    assert "1/2 个项目" in out and "未达到" in out
    assert "校舍维修项目" in err  # why it is not published, and the quota warning
    code, out, err = run_pbm("report", "publish", "--format", "json", cwd=workspace)
    summary = json.loads(out)["summary"]["publish"]
    assert summary["eligible"] == 2 and summary["published"] == 1 and summary["met"] is False
    assert summary["unpublished"] == ["校舍维修项目"]
    assert {f["code"] for f in json.loads(out)["findings"]} >= {"REPORT-PUBLISH-QUOTA",
                                                                "REPORT-PUBLISH-EMPTY"}
    code, out, err = run_pbm("report", "publish", "--strict", cwd=workspace)
    assert code == 2 and "publish_quota" in err

    toml = workspace / "pbm.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("publish_quota = 1.0",
                                                             "publish_quota = 0.5"),
                    encoding="utf-8")
    code, out, err = run_pbm("report", "publish", "--strict", cwd=workspace)
    assert code == 0, err
    assert "已达到" in out and "50.00%" in out


def test_publish_is_made_only_when_asked(workspace, run_pbm):
    _scored(workspace, run_pbm)
    code, out, err = run_pbm("report", "publish", "--check", "--format", "json", cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["checked_only"] is True and data["summary"]["kinds"] == {"publish": 2}
    assert data["summary"]["publish"]["published"] == 2
    assert not (workspace / PUBLISH).exists()
    code, out, err = run_pbm("report", "score", "--format", "json", cwd=workspace)
    assert code == 0, err
    assert "publish" not in json.loads(out)["summary"]["kinds"]
    assert not (workspace / PUBLISH).exists()
    code, _, err = run_pbm("report", "publish", "--template", workspace / "x.docx",
                           cwd=workspace)
    assert code == 2 and "--template" in err


def test_publish_without_scores_is_exit_2(workspace, run_pbm):
    code, out, err = run_pbm("report", "publish", cwd=workspace)
    assert code == 2
    assert "scores-*.xlsx" in err and "Traceback" not in out + err


def test_redact_free_text():
    cases = {
        "联系人：李四，手机 138-1234-5678": 2,
        "咨询电话 0571-87654321": 1,
        "身份证号 110101199003071234 已核对": 1,
        "经办人王五电话5123456": 2,
        "完成率95%，资金200万元，2026年12月31日前完工": 0,
        "项目编码 2026-0101-12345678 已入库": 0,
    }
    for text, count in cases.items():
        cleaned, found = redact(text)
        assert found == count, (text, cleaned)
        for secret in ("李四", "138-1234-5678", "87654321", "110101199003071234", "王五",
                       "5123456"):
            assert secret not in cleaned
    assert redact("完成率95%，资金200万元，2026年12月31日前完工")[0] == \
        "完成率95%，资金200万元，2026年12月31日前完工"
