"""The two-year demo: sample_data/2025-示例区 gives the history the 2026 goal review compares
with (G-TARGET-LOW exactly at generate_2025.PLANTED), and the committed replies/ and
goals-resubmitted/ of sample_data/2026-示例区 give the planted 整改状态 (generate_rectify.PLANTED)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
sys.path.insert(0, str(SAMPLE))

import generate_2025  # noqa: E402
import generate_rectify  # noqa: E402

from pbm.rectify.ledger import CLOSED, MANUAL, OPEN, OVERDUE, PENDING, REPLIED, read_ledger  # noqa: E402

#: Where each planted case of generate_2025.PLANTED fires in the 2026 goal workbooks:
#: (department, project, 三级指标) → (sheet, cell of the 2026 指标值).
TARGET_LOW_AT = {
    ("交通运输局", "农村公路日常养护", "日常养护里程"): ("项目1", "E12"),
    ("教育局", "义务教育学校营养改善计划", "受益学生人数"): ("项目1", "E12"),
    ("水利局", "农村饮水安全巩固提升", "受益人口"): ("项目2", "E12"),
    ("人力资源和社会保障局", "就业创业补贴", "服务对象满意度"): ("项目1", "E18"),
}


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    try:
        return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    finally:
        book.close()


def _reply_rows(path: Path) -> list[tuple]:
    """(问题编号, 整改措施, 完成情况, 佐证材料) of each row of a reply, in its order."""
    rows = [row for rows in _cells(path).values() for row in rows]
    start = next(i for i, row in enumerate(rows) if "问题编号" in row)
    header = rows[start]
    columns = [header.index(name) for name in ("问题编号", "整改措施", "完成情况", "佐证材料")]
    return [tuple(row[c] for c in columns) for row in rows[start + 1:] if any(row)]


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()
            and "out" not in p.relative_to(folder).parts}


def _pbm(cwd: Path, *args: str) -> tuple[int, str]:
    from pbm.cli.app import app

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    """Both workspaces copied (without out/), 2025 validated and scored."""
    root = tmp_path_factory.mktemp("years")
    for name in ("2025-示例区", "2026-示例区"):
        shutil.copytree(SAMPLE / name, root / name, ignore=shutil.ignore_patterns("out"))
    last = root / "2025-示例区"
    assert _pbm(last, "validate", "goals/", "-q")[0] == 0
    assert _pbm(last, "score", "self-eval/", "-q")[0] == 0
    assert {p.name for p in (last / "out").iterdir()} >= {"goals-2025.xlsx", "scores-2025.xlsx"}
    return root


@pytest.fixture(scope="module")
def review(years):
    code, out = _pbm(years / "2026-示例区", "validate", "goals/", "--history",
                     "../2025-示例区/out", "--format", "json")
    assert code == 1  # the 2026 goals have errors on purpose
    return json.loads(out)


@pytest.fixture(scope="module")
def cycle(years, review):
    """The demo's rectification steps: letters, 回头看 before and after the deadline."""
    ws = years / "2026-示例区"
    assert _pbm(ws, "report", "goal-review", "--date", generate_rectify.LETTER_DATE, "-q")[0] == 0
    before = _pbm(ws, "rectify", "replies/", "--goals", "goals-resubmitted/", "--today",
                  generate_rectify.BEFORE_DEADLINE, "--format", "json")
    ledger_before = read_ledger(ws / "out" / "rectification.xlsx")
    after = _pbm(ws, "rectify", "--goals", "goals-resubmitted/", "--today",
                 generate_rectify.AFTER_DEADLINE, "--format", "json")
    return {"before": (before[0], json.loads(before[1])), "after": (after[0], json.loads(after[1])),
            "ledger_before": ledger_before, "ws": ws}


# --------------------------------------------------------------------------- generators

def test_2025_generator_is_deterministic_and_matches_the_committed_workspace(tmp_path):
    first = generate_2025.main(tmp_path / "a")
    second = generate_2025.main(tmp_path / "b")
    files = _files(first)
    assert set(files) == set(_files(second)) == set(_files(generate_2025.WORKSPACE))
    assert len([f for f in files if f.startswith("goals/")]) == 5
    for name, path in files.items():
        assert path.read_bytes() == (second / name).read_bytes(), name
        if name.endswith(".xlsx"):
            assert _cells(path) == _cells(generate_2025.WORKSPACE / name), name


def _project_codes(goal_list: Path) -> dict[str, str]:
    """项目编码 → 项目名称 of a goal list pbm wrote (sheet 项目)."""
    book = openpyxl.load_workbook(goal_list, read_only=True)
    try:
        rows = list(book["项目"].iter_rows(values_only=True))
    finally:
        book.close()
    code, name = rows[0].index("项目编码"), rows[0].index("项目名称")
    return {row[code]: row[name] for row in rows[1:] if row[code]}


def test_2025_keeps_the_2026_project_codes_and_has_projects_that_ended(years, review):
    codes_2025 = _project_codes(years / "2025-示例区" / "out" / "goals-2025.xlsx")
    codes_2026 = _project_codes(years / "2026-示例区" / "out" / "goals-2026.xlsx")
    shared = set(codes_2025) & set(codes_2026)
    assert len(shared) >= 10
    assert all(codes_2025[code] == codes_2026[code] for code in shared)
    ended = {codes_2025[code] for code in set(codes_2025) - set(codes_2026)}
    assert ended == {entry[0] for entry in generate_2025.ENDED.values()}


def test_committed_replies_and_resubmissions_are_what_the_generator_makes(tmp_path):
    ledger = generate_rectify.issued_ledger()
    generate_rectify.write_replies(ledger, tmp_path / "replies")
    generate_rectify.write_resubmissions(tmp_path / "goals-resubmitted")
    generate_rectify.write_resubmissions(tmp_path / "again")
    for folder, read in (("replies", _reply_rows), ("goals-resubmitted", _cells)):
        made = _files(tmp_path / folder)
        assert set(made) == set(_files(generate_rectify.WORKSPACE / folder))
        for name, path in made.items():
            # the 问题编号 of the committed replies are those a fresh ledger issues (a change
            # of the letters' wording alone does not matter; regenerate: make sample-data)
            assert read(path) == read(generate_rectify.WORKSPACE / folder / name), name
    for name, path in _files(tmp_path / "goals-resubmitted").items():
        assert path.read_bytes() == (tmp_path / "again" / name).read_bytes()


# --------------------------------------------------------------------------- history

def test_validate_with_2025_history_reports_target_low_exactly_at_the_planted_cells(review):
    assert set(TARGET_LOW_AT) == set(generate_2025.PLANTED)
    departments = {Path(p["file"]).name: p["department"] for p in review["projects"]}
    found = {}
    for finding in review["findings"]:
        if finding["code"] in ("G-TARGET-LOW", "G-TARGET-LOOSE"):
            key = (departments[Path(finding["file"]).name], finding["project"])
            assert key not in found, key
            found[key] = (finding["code"], finding["sheet"], finding["cell"], finding["message"])
    expected = {(dep, project): ("G-TARGET-LOW", *at)
                for (dep, project, _), at in TARGET_LOW_AT.items()}
    assert {key: value[:3] for key, value in found.items()} == expected
    # each names last year's value it is below
    assert "12680" in found[("教育局", "义务教育学校营养改善计划")][3]
    assert "12500" in found[("教育局", "义务教育学校营养改善计划")][3]
    assert "270" in found[("交通运输局", "农村公路日常养护")][3]
    assert "53000" in found[("水利局", "农村饮水安全巩固提升")][3]
    assert "96" in found[("人力资源和社会保障局", "就业创业补贴")][3]
    for department, project, _ in generate_2025.CONTROLS:
        assert (department, project) not in found


def test_without_history_nothing_is_compared(years):
    code, out = _pbm(years / "2026-示例区", "validate", "goals/", "--format", "json",
                     "--out", str(years / "no-history"))
    assert code == 1
    assert not [f for f in json.loads(out)["findings"] if f["code"].startswith("G-TARGET")]


# --------------------------------------------------------------------------- rectification

def _statuses(data) -> dict[tuple[str, str, str, str], str]:
    return {(p["department"], p["project"], p["cell"], p["code"]): p["status"]
            for p in data["problems"]}


PLANTED_BEFORE = {
    ("民政局", "养老服务补贴", "E12", "G4"): CLOSED,
    ("民政局", "困境儿童保障", "E13", "G4"): CLOSED,
    ("住房和城乡建设局", "公共租赁住房运营", "E16", "G13"): CLOSED,
    ("住房和城乡建设局", "建筑施工安全监管", "B8", "G12"): OPEN,
    ("文化和旅游局", "公共文化服务体系建设", "F12", "G2"): MANUAL,
    ("文化和旅游局", "文物保护修缮", "F12", "G2"): CLOSED,
    ("农业农村局", "高标准农田建设", "C12", "G11"): REPLIED,
}


def test_rectify_before_the_deadline_gives_the_planted_statuses(cycle):
    code, data = cycle["before"]
    assert code == 0  # nothing overdue yet
    statuses = _statuses(data)
    assert len(statuses) == data["summary"]["issued"] > len(PLANTED_BEFORE)
    for place, status in statuses.items():
        assert status == PLANTED_BEFORE.get(place, PENDING), place
    manual = [f for f in data["findings"] if f["code"] == "RECT-MANUAL"]
    assert [(f["sheet"], f["cell"]) for f in manual] == [("项目1", "F12")]
    assert "F13" in manual[0]["message"]  # the line moved one row down


def test_an_id_pbm_never_issued_is_a_warning_and_its_reply_is_kept(cycle):
    _, data = cycle["before"]
    unknown = [f for f in data["findings"] if f["code"] == "RECT-UNKNOWN-ID"]
    assert len(unknown) == 1
    assert Path(unknown[0]["file"]).name == "104-农业农村局-整改情况回复.xlsx"
    assert generate_rectify.UNKNOWN_ID in unknown[0]["message"]
    ledger = cycle["ledger_before"]
    assert generate_rectify.UNKNOWN_ID not in ledger.by_id()
    assert generate_rectify.UNKNOWN_ID in {row["id"] for row in ledger.replies}


def test_replies_are_matched_by_id_and_an_incomplete_one_is_kept_as_it_is(cycle):
    rows = cycle["ledger_before"].rows
    by_place = {(r["department"], r["name"], r["cell"], r["finding"]): r for r in rows}
    replied = {place for place, r in by_place.items() if r["measures"]}
    assert replied == set(PLANTED_BEFORE)
    for place in replied:
        row = by_place[place]
        # the 文化和旅游局 rows came reversed under a title row: each reply is its own project's
        assert row["measures"].startswith(f"{row['name']}："), place
    incomplete = by_place[("住房和城乡建设局", "建筑施工安全监管", "B8", "G12")]
    assert incomplete["measures"] and not incomplete["done"] and not incomplete["evidence"]
    assert by_place[("民政局", "养老服务补贴", "E12", "G4")]["done"]


def test_rectify_after_the_deadline_makes_what_is_still_open_overdue(cycle):
    code, data = cycle["after"]
    assert code == 1
    before = _statuses(cycle["before"][1])
    after = _statuses(data)
    assert set(after) == set(before)
    for place, status in before.items():
        expected = OVERDUE if status in (OPEN, PENDING) else status
        assert after[place] == expected, place
    overdue = [f for f in data["findings"] if f["code"] == "RECT-OVERDUE"]
    assert len(overdue) == data["summary"]["overdue"] == sum(
        s == OVERDUE for s in after.values()) > 1


def test_the_demo_follow_up_commands_run_on_the_ledger(cycle):
    ws = cycle["ws"]
    code, _ = _pbm(ws, "sample", "--from", "out/rectification.xlsx", "--rate", "0.2", "--must",
                   "逾期未整改>0", "--seed", "20260420", "--format", "json")
    assert code == 0
    sample = openpyxl.load_workbook(ws / "out" / "sample-2026-整改复核.xlsx")
    assert sample.sheetnames
    code, _ = _pbm(ws, "report", "rectify-notice", "--date", generate_rectify.AFTER_DEADLINE, "-q")
    assert code == 0
    assert list((ws / "out" / "reports").rglob("*整改*.docx"))
