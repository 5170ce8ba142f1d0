"""The 整改台账 ``pbm report`` writes: a row per problem a letter sent back, a stable id, a
deadline, and a re-run that keeps every row and every reply typed into it."""

from __future__ import annotations

from rectify_helpers import (
    DEADLINE,
    LETTER_DATE,
    education,
    fill,
    issue_letters,
    ledger_rows,
    write_goals,
)


def test_report_writes_a_row_per_problem_with_its_letter_and_deadline(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    rows = ledger_rows(workspace / "out" / "rectification.xlsx")
    assert sorted((r["主管部门"], r["问题代码"], r["单元格"]) for r in rows) == [
        ("卫健委", "G2", "F12"), ("教育局", "G2", "F12"), ("教育局", "G3", "E13")]
    for row in rows:
        assert row["问题编号"].startswith("GR-") and row["来源环节"] == "目标审核"
        assert row["文号"].startswith("财绩〔2026〕") and row["文书"].endswith("绩效目标审核意见书")
        assert row["发文日期"] == LETTER_DATE and row["整改期限"] == DEADLINE
        assert row["问题说明"] and row["整改要求"] and row["整改状态"] == "待整改"
        assert row["整改措施"] is None and row["工作表"] == "项目1"
    education_rows = [r for r in rows if r["主管部门"] == "教育局"]
    assert {r["项目编码"] for r in education_rows} == {"P2026002"}
    assert len({r["问题编号"] for r in rows}) == 3
    projects = ledger_rows(workspace / "out" / "rectification.xlsx", "整改项目")
    assert {(p["项目编码"], p["问题数"]) for p in projects} == {("P2026002", 2), ("P2026003", 1)}


def test_a_rerun_keeps_ids_rows_and_replies_and_adds_new_problems(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    path = workspace / "out" / "rectification.xlsx"
    first = {r["问题编号"]: r for r in ledger_rows(path)}
    typed = next(i for i, r in first.items() if r["主管部门"] == "卫健委")
    fill(path, {typed: ("已补充计量单位", "已完成", "修改后申报表")})
    # 教育局 fixes its G3 but now has a new problem elsewhere: the report runs again
    project = education(value=True)
    project.annual_goal = ""
    write_goals(workspace / "goals", {"101-教育局.xlsx": [project]})
    code, _, err = run_pbm("validate", "goals/", cwd=workspace)
    assert code == 1, err
    code, out, err = run_pbm("report", "goal-review", "--format", "md", "--date", "2026-03-20",
                             cwd=workspace)
    assert code == 0, out + err
    second = {r["问题编号"]: r for r in ledger_rows(path)}
    assert set(first) < set(second)  # no row lost (G3 no longer reported keeps its row)
    for ident, row in first.items():
        kept = second[ident]
        assert (kept["文号"], kept["发文日期"], kept["整改期限"]) == (
            row["文号"], row["发文日期"], row["整改期限"])
    assert second[typed]["整改措施"] == "已补充计量单位"
    assert second[typed]["佐证材料"] == "修改后申报表"
    new = [r for i, r in second.items() if i not in first]
    assert new and all(r["发文日期"] == "2026-03-20" and r["整改期限"] == "2026-04-19"
                       for r in new)
    g2 = next(r for r in second.values() if r["主管部门"] == "教育局" and r["问题代码"] == "G2")
    assert g2["问题编号"] in first and g2["最近列入文书日期"] == "2026-03-20"


def test_an_unreadable_ledger_stops_the_report_and_is_left_as_it_was(run_pbm, workspace):
    issue_letters(run_pbm, workspace)
    path = workspace / "out" / "rectification.xlsx"
    path.write_bytes(b"not a workbook")
    code, _, err = run_pbm("report", "goal-review", "--format", "md", cwd=workspace)
    assert code == 2 and "整改台账" in err
    assert path.read_bytes() == b"not a workbook"


def test_a_column_a_user_added_to_the_ledger_is_kept(run_pbm, workspace):
    import openpyxl

    issue_letters(run_pbm, workspace)
    path = workspace / "out" / "rectification.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "经办人")
    sheet.cell(2, column, "张三")
    book.save(path)
    code, out, err = run_pbm("report", "goal-review", "--format", "md", "--date", LETTER_DATE,
                             cwd=workspace)
    assert code == 0, out + err
    rows = ledger_rows(path)
    assert rows[0]["经办人"] == "张三" and len(rows) == 3
    code, _, err = run_pbm("rectify", "--goals", "goals/", "--today", "2026-03-10", cwd=workspace)
    assert code == 0, err
    assert ledger_rows(path)[0]["经办人"] == "张三"


def test_a_full_disk_while_writing_the_ledger_publishes_no_letter(run_pbm, workspace, monkeypatch):
    # the ledger is staged with the letters: both are moved in, or neither
    import errno
    import hashlib

    import pbm.workbook.writer as writer

    issue_letters(run_pbm, workspace)
    out = workspace / "out"

    def files() -> dict[str, str]:
        return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".pbm.lock"}

    before = files()
    assert "rectification.xlsx" in before

    def full_disk(path, sheets, *args, **kwargs):
        with writer.atomic_path(path):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "write_xlsx", full_disk)
    code, out_text, err = run_pbm("report", "goal-review", "--format", "md", "--date",
                                  "2026-12-01", cwd=workspace)
    assert code == 2 and "Traceback" not in out_text + err and "No space left" in err
    assert files() == before  # neither new letters nor a new ledger
    assert not [p for p in out.rglob("*") if p.name.startswith(".~pbm-")]
