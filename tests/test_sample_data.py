"""The demo workspace shows every planted mistake (sample_data/generate.py PLANTED)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = ROOT / "sample_data" / "2026-示例区"


def test_demo_goals_show_every_planted_mistake(tmp_path, run_pbm):
    copy = tmp_path / "ws"
    shutil.copytree(WORKSPACE, copy, ignore=shutil.ignore_patterns("out"))
    code, out, err = run_pbm("validate", "goals/", "--format", "json", cwd=copy)
    assert code == 1, err
    data = json.loads(out)
    summary = data["summary"]
    assert summary["files"] == 12 and summary["projects"] >= 40
    departments = {p["department"] for p in data["projects"]}
    assert len(departments) >= 10
    by_code = {}
    for finding in data["findings"]:
        by_code.setdefault(finding["code"], set()).add(Path(finding["file"]).name.split("-")[1])
    expected = {
        "G4": "民政局", "G2": "文化和旅游局", "G6": "卫生健康委员会", "G13": "住房和城乡建设局",
        "G12": "住房和城乡建设局", "G11": "农业农村局", "R-UNIT-CONVERTED": "交通运输局",
        "G-PRIOR-ASSESSMENT": "教育局", "G-MONEY-IN-YUAN": "生态环境局", "G-LOCAL-CATEGORY": "水利局",
        "G-DUPLICATE": "水利局", "R-SHEET-SKIPPED": "教育局",
    }
    for code, department in expected.items():
        assert department in by_code.get(code, set()), f"{code} not found for {department}"
    layouts = {p["layout"] for p in data["projects"]}
    assert layouts == {"form", "list"}
    assert (copy / "out" / "goals-2026.xlsx").exists()
