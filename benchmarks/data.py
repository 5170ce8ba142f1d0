"""Generate benchmark workbooks (fixed seed) — list layout as exported by budget systems."""

from __future__ import annotations

import random
from pathlib import Path

from pbm.workbook.forms import GOAL_LIST_COLUMNS, write_value

LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
          ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
DEPARTMENTS = ["教育局", "卫生健康委员会", "交通运输局", "农业农村局", "民政局", "文化和旅游局", "住房和城乡建设局",
               "生态环境局", "水利局", "应急管理局"]


def goal_list_workbook(path: Path, rows: int, seed: int = 7) -> Path:
    """``rows`` indicator rows, 7 per project, mixed value types as in real exports."""
    import xlsxwriter

    rng = random.Random(seed)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("绩效目标")
    sheet.write_row(0, 0, GOAL_LIST_COLUMNS)
    targets = [lambda: rng.randint(10, 5000), lambda: f"≥{rng.choice([85, 90, 95, 98])}%",
               lambda: "≤2026年12月", lambda: f"≤{rng.choice([0.5, 1.2, 3])}万元",
               lambda: rng.choice(["有效提升", "明显改善", "加强管理"]),
               lambda: "建立并有效运行", lambda: f"≥{rng.choice([85, 90])}%"]
    units = ["人", "%", "月", "万元", None, None, "%"]
    natures = ["≥", "≥", "≤", "≤", "定性", "定性", "≥"]
    weights = [20, 15, 10, 5, 20, 10, 10]
    r = 1
    project = 0
    while r <= rows:
        project += 1
        department = DEPARTMENTS[project % len(DEPARTMENTS)]
        amount = rng.choice([35, 80, 150, 260, 520, 1200])
        for k in range(7):
            if r > rows:
                break
            level1, level2 = LEVELS[k]
            values = [f"P{project:06d}", f"项目{project:06d}", department, f"{department}下属单位", "延续项目",
                      amount, amount, 0, "不适用", "完成年度任务", level1, level2, f"指标{k + 1}",
                      natures[k], targets[k](), units[k], weights[k], None]
            for col, value in enumerate(values):
                write_value(sheet, r, col, value)
            r += 1
    workbook.close()
    return path
