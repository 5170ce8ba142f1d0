"""`pbm report`: 200 department feedback letters (target ≤ 10 s), beside a plain
python-docx baseline that builds each letter object by object (table.add_row + cell.text)."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

DEPARTMENTS = 200
PROJECTS_PER_DEPARTMENT = 25  # as the measured baseline letter: ~25 red/yellow projects


def monitor_workbook(path: Path, departments: int = DEPARTMENTS,
                     per_department: int = PROJECTS_PER_DEPARTMENT) -> Path:
    """A merged monitoring workbook as `pbm monitor` writes it (汇总, 项目, 问题, 说明)."""
    from pbm.workbook.writer import Sheet, write_xlsx

    if path.exists():
        return path
    rng = random.Random(20261122)
    summary, projects, problems = [], [], []
    for d in range(departments):
        name = f"第{d + 1:03d}部门"
        file = f"q3/{d + 1:03d}-{name}.xlsx"
        summary.append([f"{d + 1:03d}", name, "已报送", file, per_department])
        for p in range(per_department):
            budget = Decimal(rng.randint(50, 2000))
            executed = (budget * Decimal(rng.randint(5, 100)) / 100).quantize(Decimal("0.01"))
            rate = executed / budget
            light = "红" if rate / Decimal("0.75") < Decimal("0.6") else \
                "黄" if rate / Decimal("0.75") < Decimal("0.8") else "绿"
            projects.append([name, f"P{d:03d}{p:03d}", f"{name}项目{p + 1}", budget, executed,
                             float(rate), 0.75, light, "确定能" if light == "绿" else "有可能",
                             "" if light == "绿" else "资金拨付滞后于计划", "" if light == "绿"
                             else "加快拨付", file])
            if light == "红":
                problems.append(["M2", "警告", file, "项目", "", f"{name}项目{p + 1}",
                                 "完成目标可能性为“有可能”，但偏差原因分析不充分", "", "补充偏差原因"])
    write_xlsx(path, [
        Sheet("汇总", ["主管部门编码", "主管部门", "报送状态", "采用文件", "项目数"], summary),
        Sheet("项目", ["主管部门", "项目编码", "项目名称", "预算数(万元)", "1-9月执行数(万元)", "执行率",
                     "序时进度", "灯色", "完成目标可能性", "偏差原因分析", "相关建议或举措", "来源文件"],
              projects),
        Sheet("问题", ["代码", "严重程度", "文件", "工作表", "单元格", "项目", "问题说明", "原值", "修改建议"],
              problems),
        Sheet("说明", ["项目", "内容"], [["监控期间", "2026年1-9月"]]),
    ])
    return path


def _baseline(workbook: Path, folder: Path) -> int:
    """What a script without pbm would do: pandas to read, python-docx to write each letter."""
    import pandas as pd
    from docx import Document

    frame = pd.read_excel(workbook, sheet_name="项目", engine="openpyxl")
    written = 0
    for department, rows in frame.groupby("主管部门", sort=False):
        document = Document()
        document.add_heading(f"{department}绩效监控情况反馈书", level=1)
        document.add_paragraph(f"{department}：你单位纳入监控项目{len(rows)}个。")
        table = document.add_table(rows=1, cols=6)
        for cell, title in zip(table.rows[0].cells, ["项目名称", "预算", "执行", "执行率", "灯色",
                                                      "偏差原因"]):
            cell.text = title
        for _, row in rows.iterrows():
            cells = table.add_row().cells
            cells[0].text = str(row["项目名称"])
            cells[1].text = f"{row['预算数(万元)']:.2f}"
            cells[2].text = f"{row['1-9月执行数(万元)']:.2f}"
            cells[3].text = f"{row['执行率'] * 100:.2f}%"
            cells[4].text = str(row["灯色"])
            cells[5].text = str(row["偏差原因分析"])
        document.save(folder / f"{department}.docx")
        written += 1
    return written


def bench(workdir: Path) -> list[dict]:
    from pbm.reports.context import KINDS, ReportSettings
    from pbm.reports.report import render_reports

    workbook = monitor_workbook(workdir / "monitor-2026-09.xlsx")
    settings = ReportSettings(issuer="示例区财政局", locality="示例区")
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = render_reports([KINDS["monitor-feedback"]], {"monitor": workbook},
                                Path(out) / "reports", settings, processes=2)
        pbm_s = time.perf_counter() - started
        assert result.kinds["monitor-feedback"] == DEPARTMENTS
        baseline_dir = Path(out) / "baseline"
        baseline_dir.mkdir()
        started = time.perf_counter()
        assert _baseline(workbook, baseline_dir) == DEPARTMENTS
        baseline_s = time.perf_counter() - started
        shutil.rmtree(baseline_dir, ignore_errors=True)
    return [{"step": "report: department feedback letters (docx)",
             "data": f"{DEPARTMENTS} letters × {PROJECTS_PER_DEPARTMENT} rows",
             "pbm_s": pbm_s, "baseline_s": baseline_s, "target_s": 10.0}]
