"""The demo workspace's self-eval/ folder: both layouts, every planted recheck finding, and the
evaluation workbook scored by three evaluator groups (sample_data/generate_selfeval.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.score_cmd.score_cmd_helpers import score_json

ROOT = Path(__file__).resolve().parents[2]
PLANTED_CODES = {"S-INFLATED", "S-FULL-DESPITE-SHORTFALL", "S-DEDUCTED-WHEN-MET",
                 "S-TOTAL-MISMATCH", "S-WEIGHT-TOTAL", "S-EXEC-OVER-100", "S-MISSING-SCORE",
                 "S-ACTUAL-REPEATS-TARGET", "S-QUAL-OUT-OF-TIER", "S-UNDERSTATED",
                 "S-OVER-ACHIEVED", "S-ACTUAL-AS-FRACTION", "S-TOTAL-INFLATED",
                 "S-GROUP-OUTLIER", "S-GROUP-ABSENT"}


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location(
        "generate_selfeval", ROOT / "sample_data" / "generate_selfeval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_demo_self_eval_folder_shows_every_planted_finding(workspace, run_pbm, generator):
    folder = generator.main(workspace)
    assert sorted(p.name for p in folder.iterdir()) == [
        "101-教育局-2026年项目支出绩效自评表.xlsx", "102-卫生健康委员会-2026年项目支出绩效自评汇总.xlsx",
        "103-交通运输局-2026年项目支出绩效自评表.xlsx", "104-农业农村局-2026年项目支出绩效自评汇总.xlsx",
        "第三方评价-农村公路日常养护.xlsx"]
    code, data, err = score_json(run_pbm, "self-eval/", cwd=workspace)
    assert code == 1, err  # S-TOTAL-MISMATCH, S-WEIGHT-TOTAL and S-QUAL-OUT-OF-TIER are errors
    codes = {f["code"] for f in data["findings"]}
    assert codes >= PLANTED_CODES, PLANTED_CODES - codes
    assert not [f for f in data["findings"] if f["code"].startswith("R-")
                and f["severity"] != "info"]
    layouts = {p["layout"] for p in data["projects"] if p["kind"] == "self-eval"}
    assert layouts == {"form", "list"}
    assert data["summary"]["self_evaluations"] == 16 and data["summary"]["evaluations"] == 1
    [evaluation] = data["evaluations"]
    assert set(evaluation["group_means"]) == {"财政", "第三方", "群众代表"}
    assert [o["evaluator"] for o in evaluation["outliers"]] == ["赵六"]
    # the untouched projects reproduce exactly
    clean = [p for p in data["projects"] if p["name"] == "义务教育学校营养改善计划"]
    assert clean[0]["difference"] == 0.0


def test_generator_is_repeatable(tmp_path, generator):
    first = generator.main(tmp_path / "a")
    second = generator.main(tmp_path / "b")
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
