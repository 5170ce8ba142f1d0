"""``pbm indicators``: the library built from two years' workspaces made by the real commands."""

from __future__ import annotations

import json

import pytest

from pbm.library.names import normalise_name
from pbm.reports.inputs import read_output_workbook
from tests.library.library_builders import make_workspaces, write_core_library


@pytest.fixture
def years(tmp_path, run_pbm):
    ws25, ws26 = make_workspaces(tmp_path, run_pbm)
    code, _, err = run_pbm("--workspace", ws26, "validate", ws26 / "goals", "-q")
    assert code in (0, 1), err
    return ws25, ws26


def _library(run_pbm, ws26, *extra):
    code, out, err = run_pbm("--workspace", ws26, "indicators", "--from", ws26.parent /
                             "2025-测试区" / "out", *extra, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_names_normalised_width_spaces_punctuation_kept_suffix():
    assert normalise_name("日常养护\u3000里程") == "日常养护里程"
    assert normalise_name("（优良 路率）") == "优良路率"
    assert normalise_name("優良路率") == "优良路率"
    assert normalise_name("培训人数") != normalise_name("培训人")


def test_library_rows_common_and_department(years, run_pbm):
    _, ws26 = years
    data = _library(run_pbm, ws26)
    by_name = {row["key"]: row for row in data["indicators"]}
    road = by_name["日常养护里程"]
    assert road["common"] and road["departments"] == ["交通运输局", "农业农村局"]
    assert road["projects"] == ["P2025009", "P2026001"]
    assert road["years"] == [2025, 2026]
    assert (road["unit"], road["direction"], road["level1"], road["level2"]) == \
        ("公里", "≥", "产出指标", "数量指标")
    assert by_name["每公里养护成本"]["direction"] == "≤"
    assert by_name["群众出行条件"]["direction"] == "定性"
    training = by_name["培训人次"]
    assert not training["common"] and training["departments"] == ["教育局"]
    assert data["summary"]["years"] == [2025, 2026]
    assert data["summary"]["common"] == 6 and data["summary"]["department"] == 4
    written = {p.rsplit("/", 1)[-1] for p in data["outputs"]}
    assert written == {"indicators-2026.xlsx"}


def test_history_per_year_target_and_actual(years, run_pbm):
    _, ws26 = years
    _library(run_pbm, ws26)
    book = read_output_workbook(ws26 / "out" / "indicators-2026.xlsx")
    assert set(book.sheets) == {"指标库", "历年", "覆盖率", "说明"}
    rows = [r for r in book.sheets["历年"].rows
            if r["规范化名称"] == "日常养护里程" and r["项目编码"] == "P2026001"]
    assert [(int(r["年度"]), r["指标值"], r["实际完成值"]) for r in rows] == \
        [(2025, "266", "270"), (2026, "260", "")]
    source = rows[0]["指标值来源"]
    assert source.startswith("goals-2025.xlsx · ") and source.endswith("交通.xlsx / 项目1 / C12")
    assert rows[0]["实际完成值来源"].startswith("scores-2025.xlsx · ")
    assert rows[1]["三级指标"] == "日常养护 里程"  # as written (NFKC), matched by its key


def test_common_threshold_from_option(years, run_pbm):
    _, ws26 = years
    data = _library(run_pbm, ws26, "--common-min", "3")
    assert data["summary"]["common"] == 0


def test_core_library_is_the_reference_and_rates_exact(years, run_pbm):
    _, ws26 = years
    core = write_core_library(ws26 / "核心指标库.xlsx")
    data = _library(run_pbm, ws26, "--core", core)
    by_name = {row["key"]: row for row in data["indicators"]}
    assert by_name["日常养护里程"]["core"] and not by_name["培训人次"]["core"]
    assert by_name["群众就医便利度"]["core"] and by_name["群众就医便利度"]["uses"] == 0
    rates = {r["scope"]: r for r in data["summary"]["rates"]}
    assert rates["交通运输局"]["quantified"] == 5 and rates["交通运输局"]["indicators"] == 6
    assert rates["教育局"]["quantified_rate"] == 0.75
    total = rates["合计"]
    assert (total["projects"], total["indicators"], total["quantified"]) == (2, 10, 8)
    assert total["quantified_rate"] == 0.8
    assert total["core_projects"] == 1 and total["core_project_rate"] == 0.5
    assert (total["budget"], total["core_budget"], total["core_budget_rate"]) == (200, 150, 0.75)
    book = read_output_workbook(ws26 / "out" / "indicators-2026.xlsx")
    library = {r["规范化名称"]: r for r in book.sheets["指标库"].rows}
    assert library["优良路率"]["计算方法"] == "优良里程/总里程×100%"
    assert library["优良路率"]["核心指标"] == "是"
    coverage = [r for r in book.sheets["覆盖率"].rows if r["年度"] == 2026]
    assert [r["主管部门"] for r in coverage] == ["交通运输局", "教育局", "合计"]
    assert coverage[-1]["核心指标覆盖率(资金)"] == 0.75


def test_core_library_from_pbm_toml(years, run_pbm):
    _, ws26 = years
    write_core_library(ws26 / "核心指标库.xlsx")
    with (ws26 / "pbm.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[indicators]\ncore_library = "核心指标库.xlsx"\n'
                     'history = ["../2025-测试区/out"]\n')
    code, out, err = run_pbm("--workspace", ws26, "indicators", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["core"] == 4 and data["summary"]["years"] == [2025, 2026]


def test_parquet_beside_and_terminal(years, run_pbm):
    pytest.importorskip("pyarrow")
    _, ws26 = years
    code, out, err = run_pbm("--workspace", ws26, "indicators", "--parquet")
    assert code == 0, err
    assert "已写出" in out and "合计" in out
    names = {p.name for p in (ws26 / "out").iterdir()}
    assert {"indicators-2026-指标库.parquet", "indicators-2026-历年.parquet",
            "indicators-2026-覆盖率.parquet"} <= names


def test_no_outputs_and_bad_core_are_clear_errors(tmp_path, run_pbm):
    code, _, _ = run_pbm("init", tmp_path / "ws", "--year", "2026")
    assert code == 0
    code, _, err = run_pbm("--workspace", tmp_path / "ws", "indicators")
    assert code == 2 and "没有找到可建立指标库的 pbm 输出" in err
    code, _, err = run_pbm("--workspace", tmp_path / "ws", "indicators", "--from",
                           tmp_path / "nowhere")
    assert code == 2 and "找不到往年输出文件夹" in err
