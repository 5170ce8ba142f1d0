"""Two years' workspaces made by running the real commands (pbm init, validate, score) on
generated goal and self-evaluation workbooks — the outputs ``pbm indicators`` is built from."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from pbm.workbook.forms import IndicatorSpec
from tests.builders import good_project, write_form_workbook
from tests.score_cmd.score_cmd_helpers import line, project


def farm_project(year: int):
    """农业农村局's project: 日常养护里程 too (a second department using it: 通用)."""
    return good_project("农田水利养护项目", code="P2025009", department="农业农村局",
                        unit="县水利站")


def school_project():
    """教育局's project of 2026: no indicator of the core library; 3 of 4 quantified."""
    return good_project(
        "教师培训项目", code="P2026100", department="教育局", unit="教师发展中心", total=50,
        fiscal=50, other=0, annual_goal="培训教师500人次，合格率95%以上",
        indicators=[
            IndicatorSpec("产出指标", "数量指标", "培训人次", "≥", 500, "人次", 30),
            IndicatorSpec("产出指标", "质量指标", "培训合格率", "≥", "95%", "%", 20),
            IndicatorSpec("效益指标", "社会效益指标", "教师教学能力", "定性", "有效提升", None, 20),
            IndicatorSpec("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", "90%", "%",
                          20)])


def road_project_2026():
    """交通运输局's project of 2026: 日常养护里程 written with a full-width space and a target
    of 260 (2025: target 266, actual 270); 优良路率 80% (2025: 85%); 每公里养护成本 ≤0.6万元
    (2025: ≤0.56万元 — a looser cap)."""
    spec = good_project()
    spec.indicators = list(spec.indicators)
    spec.indicators[0] = IndicatorSpec("产出指标", "数量指标", "日常养护\u3000里程", "≥", 260, "公里", 20)
    spec.indicators[1] = IndicatorSpec("产出指标", "质量指标", "优良路率", "≥", "80%", "%", 20)
    spec.indicators[3] = IndicatorSpec("产出指标", "成本指标", "每公里养护成本", "≤", "0.6万元",
                                       "万元", 10)
    return spec


def write_core_library(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("核心指标")
    sheet.write_row(0, 0, ["某区财政局核心绩效指标库（2026年版）"])
    sheet.write_row(1, 0, ["一级指标", "二级指标", "指标名称", "指标解释/定义", "计算方法", "数据来源",
                           "取值依据", "建议指标值"])
    sheet.write_row(2, 0, ["产出指标", "数量指标", "日常养护里程", "年度内完成日常养护的农村公路里程",
                           "累计养护里程", "公路养护台账", "上年完成数", "≥上年完成数"])
    sheet.write_row(3, 0, ["产出指标", "质量指标", "优良路率", "优良等级路面占比",
                           "优良里程/总里程×100%", "路况检测报告", "省定标准", "≥85%"])
    sheet.write_row(4, 0, ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "受益群众满意程度",
                           "满意人数/调查人数", "问卷调查", "历史水平", "≥90%"])
    sheet.write_row(5, 0, ["效益指标", "社会效益指标", "群众就医便利度", "", "", "", "", ""])
    workbook.close()
    return path


def make_workspaces(tmp_path: Path, run_pbm) -> tuple[Path, Path]:
    """(the 2025 workspace, the 2026 workspace), validated and (2025) scored."""
    from pbm.scoring.forms import write_self_eval_workbook

    ws25, ws26 = tmp_path / "2025-测试区", tmp_path / "2026-测试区"
    for folder, year in ((ws25, 2025), (ws26, 2026)):
        code, _, err = run_pbm("init", folder, "--year", str(year), "--locality", "测试区")
        assert code == 0, err
    write_form_workbook(ws25 / "goals" / "交通.xlsx", [good_project()])
    write_form_workbook(ws25 / "goals" / "农业.xlsx", [farm_project(2025)])
    write_self_eval_workbook(ws25 / "self-eval" / "交通自评.xlsx", [project(
        "乡村道路养护项目", [line("日常养护里程", "≥266", 270, 60, unit="公里"),
                     line("优良路率", "≥85%", "88%", 30, level2="质量指标", unit="%")],
        code="P2026001", department="交通运输局", budget=150, executed=150)], layout="list")
    code, _, err = run_pbm("--workspace", ws25, "validate", ws25 / "goals", "-q")
    assert code in (0, 1), err
    code, _, err = run_pbm("--workspace", ws25, "score", ws25 / "self-eval", "-q")
    assert code in (0, 1), err
    write_form_workbook(ws26 / "goals" / "交通.xlsx", [road_project_2026()])
    write_form_workbook(ws26 / "goals" / "教育.xlsx", [school_project()])
    return ws25, ws26
