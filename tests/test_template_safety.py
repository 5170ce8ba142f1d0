"""``pbm template`` is safe to hand to a finance bureau (issue #16): it never replaces an
existing file without ``--force``, its default output is a folder no review reads, and
``template monitor`` carries only the goals the review let through (优/良) — returned ones
are left out and said so, or written visibly marked with ``--include-returned`` — and never
writes a template placeholder (``≥**人``) as the 年度指标值.

Every test runs the real commands on a workspace made by ``pbm init``, with goal workbooks
written by pbm's own form writer and reviewed by ``pbm validate``."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pbm.monitoring.template import RETURNED_MARK
from pbm.workbook.forms import IndicatorSpec
from pbm.workbook.read import read_workbook
from tests.builders import good_project, write_form_workbook
from tests.monitoring.monitor_builders import monitoring, write_monitor_form, write_roster
from tests.score_cmd.score_cmd_helpers import line, project, write

MONITOR_NAME = "{code}-{department}-2026年1-9月绩效监控表.xlsx"
ROAD_FILE = MONITOR_NAME.format(code="103", department="交通运输局")
CIVIL_FILE = MONITOR_NAME.format(code="105", department="民政局")
EMERGENCY_FILE = MONITOR_NAME.format(code="111", department="应急管理局")


def _road():
    return good_project(department_code="103")


def _bridge():
    return good_project("危桥改造工程", code="P2026002", department_code="103", total=150,
                        fiscal=150, other=0)


def _relief():
    return good_project("城乡低保资金", code="P2026100", department="民政局",
                        department_code="105", unit="社会救助中心")


def _elderly():
    """Sent back (中): the 数量指标 still holds the template's ``≥**人`` (G4)."""
    spec = good_project("养老服务补贴", code="P2026101", department="民政局",
                        department_code="105", unit="养老服务中心", total=100, fiscal=100, other=0)
    spec.indicators[0] = IndicatorSpec("产出指标", "数量指标", "享受补贴老人人数", "≥", "≥**人",
                                       "人", 20)
    return spec


def _drill():
    """Returned (差): four targets left as placeholders, more errors than a 中 allows."""
    spec = good_project("应急演练", code="P2026201", department="应急管理局",
                        department_code="111", unit="应急管理服务中心")
    for index in range(4):
        spec.indicators[index].target = "XX"
    return spec


GRADES = {"乡村道路养护项目": "优", "危桥改造工程": "优", "城乡低保资金": "优",
          "养老服务补贴": "中", "应急演练": "差"}
APPROVED = {"乡村道路养护项目", "危桥改造工程", "城乡低保资金"}
RETURNED = {"养老服务补贴", "应急演练"}


def _write_goals(folder: Path) -> None:
    write_form_workbook(folder / "103-交通运输局-2026年项目绩效目标.xlsx", [_road(), _bridge()])
    write_form_workbook(folder / "105-民政局-2026年项目绩效目标.xlsx", [_relief(), _elderly()])
    write_form_workbook(folder / "111-应急管理局-2026年项目绩效目标.xlsx", [_drill()])


@pytest.fixture
def ws(workspace, run_pbm):
    """A workspace whose goals were reviewed: three approved projects, one sent back (中),
    one returned (差); ``out/goals-2026.xlsx`` holds the grades, roster.xlsx the codes."""
    _write_goals(workspace / "goals")
    write_roster(workspace / "roster.xlsx", [("103", "交通运输局", "王明"), ("105", "民政局", "陈静"),
                                             ("111", "应急管理局", "孙涛")])
    code, out, err = run_pbm("validate", "goals/", "--format", "json", cwd=workspace)
    assert code == 1, err  # the returned goals have errors
    assert {p["name"]: p["grade"] for p in json.loads(out)["projects"]} == GRADES
    assert (workspace / "out" / "goals-2026.xlsx").is_file()
    return workspace


def _projects_in(folder: Path) -> dict[str, set[str]]:
    """{file name: project names} of the monitoring workbooks in ``folder``, as read back."""
    return {path.name: {p.name for p in read_workbook(path).projects}
            for path in sorted(folder.iterdir())}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- no silent overwrite

def _filled_goal_form(path: Path) -> Path:
    return write_form_workbook(path, [_road()])


def _filled_self_evaluation(path: Path) -> Path:
    written = write(path.parent, "filled", [project("教师培训", [line("培训人数", 100, 96, 90, 88)],
                                                     execution_score=10, total=98)], "form")
    written.rename(path)
    return path


KINDS = {  # template kind → (its -o file name, the extra arguments, a filled workbook there)
    "goal": ("目标申报表.xlsx", (), _filled_goal_form),
    "self-eval": ("自评表.xlsx", (), _filled_self_evaluation),
    "evaluation": ("评分表.xlsx", ("--framework", "national"), _filled_goal_form),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_existing_file_is_refused_without_force_and_replaced_with_it(kind, workspace,
                                                                        run_pbm):
    name, extra, fill = KINDS[kind]
    (workspace / "下发").mkdir()
    target = fill(workspace / "下发" / name)
    before = target.read_bytes()
    code, out, err = run_pbm("template", kind, "-o", f"下发/{name}", *extra, cwd=workspace)
    assert code == 2, out + err
    assert f"下发/{name}" in err and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == before  # byte for byte
    assert [p.name for p in (workspace / "下发").iterdir()] == [name]  # no temporary file left
    code, _, err = run_pbm("--lang", "en", "template", kind, "-o", f"下发/{name}", *extra,
                           cwd=workspace)
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_bytes() == before

    code, _, err = run_pbm("template", kind, "-o", f"下发/{name}", *extra, "--force",
                           cwd=workspace)
    assert code == 0, err
    assert target.read_bytes() != before
    assert [p.name for p in (workspace / "下发").iterdir()] == [name]
    # What is there now is the blank template: nothing of the filled form is left.
    read = read_workbook(target)
    assert read.projects and not any(p.name for p in read.projects)


def test_a_folder_named_by_o_is_never_replaced(workspace, run_pbm):
    write_form_workbook(workspace / "goals" / "103-交通运输局.xlsx", [_road()])
    before = _snapshot(workspace / "goals")
    for force in ((), ("--force",)):
        code, _, err = run_pbm("template", "goal", "-o", "goals", *force, cwd=workspace)
        assert code == 2 and "goals" in err and "文件夹" in err, err
        assert _snapshot(workspace / "goals") == before


def test_monitor_templates_refuse_when_a_department_file_exists(ws, run_pbm):
    """A department's filled monitoring workbook saved under the template's name stays as it
    is, and none of the other departments' templates is written either."""
    blank = ws / "q3" / "blank"
    blank.mkdir()
    filled = write_monitor_form(blank / CIVIL_FILE, [monitoring(_relief(), executed=80)])
    before = filled.read_bytes()
    code, out, err = run_pbm("template", "monitor", "-o", "q3/blank/", cwd=ws)
    assert code == 2, out + err
    assert f"q3/blank/{CIVIL_FILE}" in err and "--force" in err
    assert _snapshot(blank) == {CIVIL_FILE: before}

    code, _, err = run_pbm("template", "monitor", "-o", "q3/blank/", "--force", cwd=ws)
    assert code == 0, err
    assert sorted(p.name for p in blank.iterdir()) == sorted([ROAD_FILE, CIVIL_FILE])
    [relief] = read_workbook(blank / CIVIL_FILE).projects
    assert relief.fields["executed"].value is None  # the blank template replaced the filled one


# --------------------------------------------------------------------------- default output

def test_blank_goal_form_defaults_to_templates_not_to_the_reviewed_folder(workspace, run_pbm,
                                                                         tmp_path):
    # Run from inside goals/ — where a file would land if the default were the current folder.
    code, _, err = run_pbm("template", "goal", cwd=workspace / "goals")
    assert code == 0, err
    assert (workspace / "templates" / "绩效目标申报表.xlsx").is_file()
    assert list((workspace / "goals").iterdir()) == []
    # A department's filled form in goals/ is then the only thing reviewed.
    write_form_workbook(workspace / "goals" / "103-交通运输局.xlsx", [_road()])
    code, out, err = run_pbm("validate", "goals/", "--format", "json", cwd=workspace)
    assert code == 0, err
    data = json.loads(out)
    assert [p["name"] for p in data["projects"]] == ["乡村道路养护项目"]
    assert data["summary"]["grades"]["差"] == 0
    # Outside any workspace the default is the current folder.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, _, err = run_pbm("template", "goal", cwd=elsewhere)
    assert code == 0, err
    assert [p.name for p in elsewhere.iterdir()] == ["绩效目标申报表.xlsx"]


def test_every_template_kind_defaults_to_the_templates_folder(ws, run_pbm):
    for args in (("goal",), ("self-eval",), ("evaluation",), ("monitor",)):
        code, _, err = run_pbm("template", *args, cwd=ws / "self-eval")
        assert code == 0, (args, err)
    templates = ws / "templates"
    assert sorted(p.name for p in templates.iterdir()) == \
        ["monitor-blank", "绩效目标申报表.xlsx", "绩效评价评分表.xlsx", "项目支出绩效自评表.xlsx"]
    assert sorted(p.name for p in (templates / "monitor-blank").iterdir()) == \
        sorted([ROAD_FILE, CIVIL_FILE])
    assert list((ws / "self-eval").iterdir()) == []


# --------------------------------------------------------------------------- approved goals only

@pytest.mark.parametrize("goals", ["out/goals-2026.xlsx", "goals/"])
def test_monitor_templates_carry_only_approved_goals(goals, ws, run_pbm):
    """From the review's goal list, or from the goal workbooks (reviewed with the same
    rules): the 中 and 差 projects are left out, and the summary says which and why."""
    code, out, err = run_pbm("template", "monitor", "--goals", goals, "-o", "q3/blank/",
                             cwd=ws)
    assert code == 0, out + err
    assert _projects_in(ws / "q3" / "blank") == {
        ROAD_FILE: {"乡村道路养护项目", "危桥改造工程"}, CIVIL_FILE: {"城乡低保资金"}}
    [left_out] = [line for line in err.splitlines() if "M-TEMPLATE-RETURNED-LEFT-OUT" in line]
    assert "2 个项目" in left_out and "养老服务补贴（中）" in left_out and "应急演练（差）" in left_out
    assert "--include-returned" in left_out
    assert "3 个项目" in err  # the summary counts what was written
    assert RETURNED_MARK not in err


def test_blank_goal_form_saved_in_goals_is_not_carried(ws, run_pbm):
    """The issue's own case: the blank form saved in goals/ is reviewed as 差, and its empty
    project does not become a monitoring template."""
    code, _, err = run_pbm("template", "goal", "-o", "goals/目标申报表.xlsx", cwd=ws)
    assert code == 0, err
    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/",
                           cwd=ws)
    assert code == 0, err
    assert _projects_in(ws / "q3" / "blank") == {
        ROAD_FILE: {"乡村道路养护项目", "危桥改造工程"}, CIVIL_FILE: {"城乡低保资金"}}
    assert "3 个项目的绩效目标未通过审核" in err


def test_include_returned_writes_them_visibly_marked(ws, run_pbm):
    code, _, err = run_pbm("template", "monitor", "-o", "q3/blank/", "--include-returned",
                           cwd=ws)
    assert code == 0, err
    blank = ws / "q3" / "blank"
    assert _projects_in(blank) == {
        ROAD_FILE: {"乡村道路养护项目", "危桥改造工程"}, CIVIL_FILE: {"城乡低保资金", "养老服务补贴"},
        EMERGENCY_FILE: {"应急演练"}}
    [included] = [line for line in err.splitlines() if "M-TEMPLATE-RETURNED-INCLUDED" in line]
    assert "2 个" in included and RETURNED_MARK in included and "应急演练（差）" in included
    assert "M-TEMPLATE-RETURNED-LEFT-OUT" not in err

    book = openpyxl.load_workbook(blank / CIVIL_FILE)
    approved, returned = book["P2026100"], book["P2026101"]
    assert approved["A1"].value == "2026年项目支出绩效运行监控表（1-9月）"
    assert returned["A1"].value == approved["A1"].value + RETURNED_MARK
    assert returned.sheet_properties.tabColor.rgb == "FFC00000"
    assert approved.sheet_properties.tabColor is None
    assert returned.protection.sheet is True  # still the locked template
    instructions = [c.value for c in book["填报说明"]["B"] if c.value]
    assert any(RETURNED_MARK in text for text in instructions)
    # A workbook of approved projects only carries no mark at all.
    road = openpyxl.load_workbook(blank / ROAD_FILE)
    assert not any(RETURNED_MARK in str(cell.value) for sheet in road.worksheets
                   for row in sheet.iter_rows() for cell in row if cell.value)
    emergency = openpyxl.load_workbook(blank / EMERGENCY_FILE)
    assert emergency["P2026201"]["A1"].value.endswith(RETURNED_MARK)


def test_no_approved_goal_is_an_error_and_writes_nothing(workspace, run_pbm):
    write_form_workbook(workspace / "goals" / "105-民政局.xlsx", [_elderly()])
    write_form_workbook(workspace / "goals" / "111-应急管理局.xlsx", [_drill()])
    code, out, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/",
                             cwd=workspace)
    assert code == 2, out + err
    assert "没有审核通过" in err and "--include-returned" in err and "Traceback" not in err
    assert not (workspace / "q3" / "blank").exists()
    code, _, err = run_pbm("--lang", "en", "template", "monitor", "--goals", "goals/", "-o",
                           "q3/blank/", cwd=workspace)
    assert code == 2 and "no project of the approved goals passed the review" in err


# --------------------------------------------------------------------------- placeholder targets

def test_placeholder_target_is_never_prefilled(ws, run_pbm):
    code, _, err = run_pbm("template", "monitor", "-o", "q3/blank/", "--include-returned",
                           cwd=ws)
    assert code == 0, err
    path = ws / "q3" / "blank" / CIVIL_FILE
    projects = {p.name: p for p in read_workbook(path).projects}
    elderly = [(i.text("name"), i.value("target")) for i in projects["养老服务补贴"].indicator_lines()]
    relief = [(i.text("name"), i.value("target")) for i in projects["城乡低保资金"].indicator_lines()]
    assert elderly[0] == ("享受补贴老人人数", None)
    assert elderly[1:] == relief[1:]  # the other approved targets are written as before
    assert relief[0] == ("日常养护里程", 266)
    sheet = openpyxl.load_workbook(path)["P2026101"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any("**" in str(cell.value) for cell in cells if cell.value is not None)
    [flagged] = [cell for cell in cells if cell.comment is not None]
    assert flagged.column_letter == "E" and flagged.value is None
    assert sheet.cell(flagged.row, 3).value == "享受补贴老人人数"
    assert "≥**人" in flagged.comment.text
    placeholders = [line for line in err.splitlines() if "M-TEMPLATE-PLACEHOLDER-TARGET" in line]
    assert len(placeholders) == 5  # ≥**人 of 养老服务补贴, four XX of 应急演练
    assert any("享受补贴老人人数" in line and "≥**人" in line and "P2026101" in line
               for line in placeholders)
    drill = read_workbook(ws / "q3" / "blank" / EMERGENCY_FILE).projects[0]
    assert [i.value("target") for i in drill.indicator_lines()][:4] == [None] * 4


@pytest.mark.parametrize("first, revised", [("1-第一版", "2-修改版"), ("2-第一版", "1-修改版")])
def test_a_project_declared_twice_is_taken_at_its_worse_grade(first, revised, workspace,
                                                              run_pbm):
    """The returned first version left in goals/ beside a revised one that passed, read in
    either order: pbm cannot tell which one was approved, so the project stays out (and is
    named) until the old file is removed."""
    fixed = _elderly()
    fixed.indicators[0] = IndicatorSpec("产出指标", "数量指标", "享受补贴老人人数", "≥", 1200, "人", 20)
    old = write_form_workbook(workspace / "goals" / f"105-民政局-{first}.xlsx",
                              [_relief(), _elderly()])
    write_form_workbook(workspace / "goals" / f"105-民政局-{revised}.xlsx", [fixed])
    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/",
                           cwd=workspace)
    assert code == 0, err
    assert _projects_in(workspace / "q3" / "blank") == {CIVIL_FILE: {"城乡低保资金"}}
    assert "1 个项目" in err and "养老服务补贴（中）" in err
    old.unlink()
    write_form_workbook(old, [_relief()])
    code, _, err = run_pbm("template", "monitor", "--goals", "goals/", "-o", "q3/blank/",
                           "--force", cwd=workspace)
    assert code == 0, err
    assert _projects_in(workspace / "q3" / "blank") == {CIVIL_FILE: {"城乡低保资金", "养老服务补贴"}}
    assert "M-TEMPLATE-RETURNED-LEFT-OUT" not in err
