"""整改抽查复核: ``pbm sample --from out/rectification.xlsx`` draws from the ledger's 整改项目
sheet — one row per project with its problems counted, so a rule can force the projects with
something overdue or to be checked by hand into the sample."""

from __future__ import annotations

import json

from rectify_helpers import education, health, issue_letters, write_goals


def test_the_ledger_is_a_population_of_projects(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    write_goals(workspace / "resubmitted", {"102-卫健委.xlsx": [health(fixed=True)]},
                sheet_names={"102-卫健委.xlsx": ["设备购置"]})  # → 需人工核实
    code, _, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-10",
                           cwd=workspace)
    assert code == 0, err
    code, out, err = run_pbm("sample", "--from", "out/rectification.xlsx", "--rate", "0.01",
                             "--seed", "5", "--must", "需人工核实>0", "--format", "json",
                             cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["population"] == 2  # two projects, three problems
    assert data["summary"]["duplicates"] == 0
    drawn = {row["code"]: row for row in data["sample"]}
    assert "P2026003" in drawn and drawn["P2026003"]["department"] == "卫健委"
    assert drawn["P2026003"]["reason"] == "必选"
    # a record of its own: the year's 抽评 record and its rotation are not this draw
    assert data["output"].endswith("sample-2026-整改复核.xlsx")
    assert not (workspace / "out" / "sample-2026.xlsx").exists()
    assert (workspace / "out" / "history" / "sample-2026-整改复核.xlsx").exists()


def _rectified(run_pbm, workspace) -> None:
    """Letters out, 教育局's form resubmitted with one of its two problems fixed, checked."""
    issue_letters(run_pbm, workspace)
    write_goals(workspace / "resubmitted", {"101-教育局.xlsx": [education(unit=True)]})
    code, _, err = run_pbm("rectify", "--goals", "resubmitted/", "--today", "2026-03-10",
                           cwd=workspace)
    assert code == 0, err


def test_the_rectify_notice_counts_per_department_as_of_its_date(run_pbm, workspace):
    _rectified(run_pbm, workspace)
    code, out, err = run_pbm("report", "rectify-notice", "--format", "md", "--date",
                             "2026-04-20", cwd=workspace)
    assert code == 0, out + err
    [notice] = (workspace / "out" / "reports" / "rectify-notice").glob("*.md")
    text = notice.read_text(encoding="utf-8")
    assert "共下发问题3个" in text and "经复核已整改1个（整改率33.33%）" in text
    assert "逾期未整改2个" in text  # G3 still there and 卫健委's G2 unanswered, past 4月4日
    assert "| 教育局 | 2 | 0 | 1 | 1 | 1 | 0 | 50.00% |" in text
    assert "2026年4月4日" in text and "财绩〔2026〕" in text
    code, out, err = run_pbm("report", "整改", "--format", "md", "--date", "2026-03-20",
                             cwd=workspace)
    assert code == 0, out + err
    assert "没有逾期未整改的问题" in next(
        (workspace / "out" / "reports" / "rectify-notice").glob("*.md")).read_text("utf-8")


def test_the_rectify_notice_has_its_chart_per_department(run_pbm, workspace):
    """The 整改情况通报 shows per department what is closed, open and overdue as a chart
    (图1) beside its table, drawn from the same counts."""
    import datetime as dt

    from docx import Document

    from pbm.reports.context import KINDS, ReportSettings
    from pbm.reports.inputs import read_output_workbook
    from pbm.reports.rectify_docs import build_rectify_notice

    _rectified(run_pbm, workspace)
    code, out, err = run_pbm("report", "rectify-notice", "--format", "docx", "--date",
                             "2026-04-20", cwd=workspace)
    assert code == 0, out + err
    [notice] = (workspace / "out" / "reports" / "rectify-notice").glob("*.docx")
    images = [part.blob for part in Document(str(notice)).part.package.parts
              if part.content_type.startswith("image/")]
    assert len(images) == 1 and images[0].startswith(b"\x89PNG")
    workbook = read_output_workbook(workspace / "out" / "rectification.xlsx")
    settings = ReportSettings(date=dt.date(2026, 4, 20))
    [spec] = build_rectify_notice(workbook, KINDS["rectify-notice"], settings)
    request = spec.charts["rectify_chart"]
    assert request.kind == "rectification"
    # (department, closed, open within the deadline, overdue), in the table's order
    assert dict((row[0], row[1:]) for row in request.data)["教育局"] == (1, 0, 1)
    assert sum(sum(row[1:]) for row in request.data) == 3
