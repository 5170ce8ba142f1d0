"""pbm's own output workbooks, written by the real commands on the demo workspace and read back
by the real readers of the next stages (report, monitor's approved goals, sample's
population): the sheets and headers are those declared in pbm.workbook.outputs, the values
survive the round trip, a column renamed in the declarations is renamed for writer and reader
alike, and a pbm output that lacks a declared column is said so, naming file, sheet and column.
"""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pbm.cli.app import app
from pbm.errors import PbmError
from pbm.monitoring.goals import load_approved_goals
from pbm.reports.context import KINDS, ReportSettings, warnings_of
from pbm.reports.documents import build_documents
from pbm.reports.inputs import read_output_workbook
from pbm.sampling.population import load_population, sampled_codes
from pbm.workbook import outputs
from pbm.workbook.outputs import (
    ABOUT,
    ABOUT_TOOL,
    GOAL_PROJECTS,
    GOALS,
    MONITOR,
    MONITOR_PROJECTS,
    SAMPLE,
    SCORES,
    output_book,
    read_output,
)
from pbm.workbook.writer import Sheet, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = ROOT / "sample_data" / "2026-示例区"
SETTINGS = ReportSettings(year=2026)


def _pbm(cwd: Path, *args: str) -> tuple[int, str, str]:
    """The real command, in ``cwd``; (exit code, stdout, stderr)."""
    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def _run_all(root: Path) -> dict[str, dict]:
    """validate → monitor (reads the goal list) → score → sample (from the monitor output) in a
    copy of the demo workspace; the JSON each printed, by command."""
    ws = root / "ws"
    shutil.copytree(WORKSPACE, ws, ignore=shutil.ignore_patterns("out"))
    results = {}
    for name, args in (("validate", ["validate", "goals/"]), ("monitor", ["monitor", "q3/"]),
                       ("score", ["score", "self-eval/"]),
                       ("sample", ["sample", "--rate", "0.2", "--seed", "20261122"])):
        code, out, _ = _pbm(ws, *args, "--format", "json")
        assert code in (0, 1), out
        results[name] = json.loads(out)
    return results


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    results = _run_all(root)
    out = root / "ws" / "out"
    return results, {"goals": out / "goals-2026.xlsx", "monitor": out / "monitor-2026-09.xlsx",
                     "scores": out / "scores-2026.xlsx", "sample": out / "sample-2026.xlsx"}


def _without_column(source: Path, target: Path, sheet: str, header: str) -> Path:
    """A copy of a pbm output with one column of one sheet left out (as an older pbm or a
    hand edit would leave it)."""
    read = read_output(source)
    sheets = []
    for table in read.sheets.values():
        headers = [h for h in table.headers if not (table.sheet == sheet and h == header)]
        sheets.append(Sheet(table.sheet, headers, [[row.get(h) for h in headers]
                                                   for row in table.rows]))
    return write_xlsx(target, sheets)


# --------------------------------------------------------------------------- written as declared

def test_each_output_is_known_by_its_sheets_and_its_about_sheet(run, tmp_path):
    _, paths = run
    assert {group: output_book(path) for group, path in paths.items()} == {
        "goals": GOALS, "monitor": MONITOR, "scores": SCORES, "sample": SAMPLE}
    assert read_output(paths["goals"], only=(ABOUT.sheet,)).tool.startswith("pbm ")
    # a user's workbook, and one shaped like a goal list that pbm did not write
    assert output_book(WORKSPACE / "roster.xlsx") is None
    lookalike = write_xlsx(tmp_path / "goals-2026.xlsx", [
        Sheet(GOALS.sheets[0].sheet, ["项目名称"], [["甲"]]), Sheet(GOALS.sheets[1].sheet, ["x"], []),
        Sheet(GOALS.sheets[2].sheet, ["x"], []), Sheet(ABOUT.sheet, ABOUT.headers(),
                                                       [[ABOUT_TOOL, "WPS 表格"]])])
    assert output_book(lookalike) is None


def test_every_declared_column_is_written(run):
    _, paths = run
    for group, book in (("goals", GOALS), ("monitor", MONITOR), ("scores", SCORES),
                        ("sample", SAMPLE)):
        read = read_output(paths[group])
        for schema in book.sheets:
            table = read.sheets[schema.sheet]
            missing = [key for key in schema.columns if key != "extra"
                       and table.header(schema, key) is None]
            assert not missing, (group, schema.sheet, missing)
            for row in table.rows:
                assert set(row) <= set(table.headers)
    monitor = read_output(paths["monitor"]).sheets[MONITOR_PROJECTS.sheet]
    assert monitor.header(MONITOR_PROJECTS, "executed") == "1-9月执行数(万元)"


# --------------------------------------------------------------------------- values survive

def test_the_goal_list_read_back_as_approved_goals(run):
    results, paths = run
    from pbm.config import load_config

    approved = load_approved_goals(paths["goals"], load_config(paths["goals"].parents[1]))
    written = results["validate"]["projects"]
    unique = list({(p["code"], p["name"], p["department"]): p for p in reversed(written)}.values())
    assert len(approved.projects) == len(unique)
    by_key = {(p.code, p.name, p.department): p for p in approved.projects}
    for project in written:
        back = by_key[(project["code"] or "", project["name"], project["department"] or "")]
        assert back.amount == (Decimal(repr(project["amount"])) if project["amount"] is not None
                               else None)
    assert sum(len(p.indicators) for p in approved.projects) == \
        sum(p["indicators"] for p in unique)
    assert all(i.name and i.level1 for p in approved.projects for i in p.indicators)
    # monitor found the goal list and compared against it
    assert results["monitor"]["summary"]["drifted_projects"] > 0


def test_the_monitor_output_read_back_as_a_population(run):
    results, paths = run
    population = load_population(paths["monitor"])
    assert population.sheet == MONITOR_PROJECTS.sheet and population.findings == []
    written = {p["code"]: p for p in results["monitor"]["projects"]}
    assert [row["项目编码"] for row in population.rows] == list(written)
    for row in population.rows:
        project = written[row["项目编码"]]
        assert (row["项目名称"], row["主管部门"]) == (project["name"], project["department"])
        assert row["金额"] == Decimal(repr(project["budget"]))
        assert row["灯色"] == {"red": "红", "yellow": "黄", "green": "绿"}[project["light"]]
    origin = population.origin(population.rows[0])
    assert origin.amount_cell == f"H{origin.row}"  # 预算数(万元), the 8th column


def test_the_scores_and_sample_outputs_read_back_by_the_documents(run):
    results, paths = run
    workbooks = {group: read_output_workbook(path) for group, path in paths.items()}
    letters = build_documents(KINDS["score-feedback"], workbooks, SETTINGS)
    self_evaluations = results["score"]["projects"]
    assert [(d.project, d.context["total"]) for d in letters[:len(self_evaluations)]] == [
        (p["name"], f"{Decimal(repr(p['recomputed_total'])):.2f}") for p in self_evaluations]
    notice = build_documents(KINDS["sample-notice"], workbooks, SETTINGS)[0].context
    sampled = results["sample"]["sample"]
    assert [(r["code"], r["name"], r["department"]) for r in notice["projects"]] == [
        (p["code"], p["name"], p["department"]) for p in sampled]
    assert notice["seed"] == "20261122"
    assert sampled_codes([paths["sample"]]) == {p["code"] for p in sampled}
    for group in workbooks:
        assert warnings_of(workbooks[group]) == [], group


# --------------------------------------------------------------------------- one declaration

def test_a_column_renamed_in_the_declarations_is_renamed_for_writer_and_readers(
        tmp_path, monkeypatch):
    monkeypatch.setitem(GOAL_PROJECTS.columns, "amount", "批复资金(万元)")
    monkeypatch.setitem(MONITOR_PROJECTS.columns, "budget", "本年预算(万元)")
    results = _run_all(tmp_path)
    out = tmp_path / "ws" / "out"
    goals = read_output(out / "goals-2026.xlsx").sheets[GOAL_PROJECTS.sheet]
    assert "批复资金(万元)" in goals.headers and "资金总额(万元)" not in goals.headers
    # the monitor read its approved goals (amounts included) and the sample its population
    assert results["monitor"]["summary"]["drifted_projects"] > 0
    assert [p["amount"] for p in results["sample"]["sample"]][:2] == [1280.0, 1500.0]
    workbook = read_output_workbook(out / "goals-2026.xlsx")
    review = build_documents(KINDS["goal-review"], {"goals": workbook}, SETTINGS)
    assert review[0].context["amount_total"] not in ("—", "0.00")
    assert warnings_of(workbook) == []
    population = load_population(out / "goals-2026.xlsx")
    assert all(row["金额"] is not None for row in population.rows[:5])


def test_an_output_written_before_a_rename_is_said_to_lack_the_column(run, monkeypatch):
    _, paths = run
    monkeypatch.setitem(MONITOR_PROJECTS.columns, "budget", "本年预算(万元)")
    with pytest.raises(PbmError) as raised:
        load_population(paths["monitor"])
    assert raised.value.code == "OUTPUT-COLUMN-MISSING"
    assert "本年预算(万元)" in raised.value.message()


# --------------------------------------------------------------------------- a column missing

def test_a_goal_list_without_a_declared_column_stops_monitor_and_sample(run, tmp_path):
    _, paths = run
    broken = _without_column(paths["goals"], tmp_path / "goals-2026.xlsx", GOAL_PROJECTS.sheet,
                             GOAL_PROJECTS["amount"])
    ws = paths["goals"].parents[1]
    code, _, err = _pbm(ws, "monitor", "q3/", "--goals", broken, "--out", tmp_path / "m")
    assert code == 2
    assert "goals-2026.xlsx / 项目" in err and "资金总额(万元)" in err, err
    with pytest.raises(PbmError) as raised:
        load_population(broken, display="goals-2026.xlsx")
    error = raised.value
    assert (error.code, error.file, error.sheet) == ("OUTPUT-COLUMN-MISSING", "goals-2026.xlsx",
                                                     GOAL_PROJECTS.sheet)
    assert error.params["column"] == "资金总额(万元)"
    assert error.params["written_by"].startswith("pbm ")


def test_a_report_source_without_a_declared_column_warns_naming_it(run, tmp_path):
    _, paths = run
    broken = _without_column(paths["goals"], tmp_path / "goals-2026.xlsx", GOAL_PROJECTS.sheet,
                             GOAL_PROJECTS["grade"])
    workbook = read_output_workbook(broken)
    documents = build_documents(KINDS["goal-review"], {"goals": workbook}, SETTINGS)
    assert documents and documents[0].context["projects"][0]["grade"] == "—"
    assert [(f.code, f.file, f.sheet, f.params["column"]) for f in warnings_of(workbook)] == [
        ("REPORT-COLUMN-MISSING", "goals-2026.xlsx", "项目", "审核等级")]


def test_a_users_list_shaped_like_an_output_is_read_as_a_users_list(tmp_path):
    """No pbm 说明: the reader of input workbooks, which knows the headers people write."""
    path = write_xlsx(tmp_path / "项目清单.xlsx", [
        Sheet("项目", ["项目编码", "项目名称", "主管部门", "项目金额（元）"],
              [["P1", "道路养护", "交通运输局", 1_500_000], ["P2", "校舍维修", "教育局", 800_000]]),
        Sheet("指标", ["说明"], []), Sheet("问题", ["说明"], []),
        Sheet(ABOUT.sheet, ABOUT.headers(), [["填表人", "张三"]])])
    assert output_book(path) is None
    population = load_population(path)
    assert [row["金额"] for row in population.rows] == [Decimal("150"), Decimal("80")]


def test_placeholders_expand_and_match():
    assert outputs.SCORE_GRADES.headers(band=["优", "良"])[2:4] == ["优", "良"]
    assert MONITOR_PROJECTS.headers(month=6, measure="执行比值")[8] == "1-6月执行数(万元)"
    assert MONITOR_PROJECTS.find(["1-12月执行数(万元)"], "executed") == "1-12月执行数(万元)"
    assert MONITOR_PROJECTS.find(["全年预计执行数(万元)"], "executed") is None


def test_a_row_of_blanks_in_an_edited_output_is_no_row(tmp_path):
    # A person typed a space into an empty row of the ledger: that row holds nothing.
    import xlsxwriter

    path = tmp_path / "rectification.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("整改台账")
    for r, row in enumerate([["问题编号", "整改措施"], ["GF-001", "已补充"], [" ", "  "],
                             ["GF-002", "已修改"]]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    workbook.close()
    table = read_output(path).sheets["整改台账"]
    assert [row["问题编号"] for row in table.rows] == ["GF-001", "GF-002"]
    assert table.row_numbers == [2, 4]
