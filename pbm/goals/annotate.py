"""Annotated copies (``pbm validate --annotate``): the workbook a reviewer sends back (退回调整),
with every cell that has a finding filled and commented, plus a 问题清单 sheet.  The input file
is never touched: openpyxl loads it, and the copy is written to the output folder atomically."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pbm.findings import SEVERITY_ZH, Finding
from pbm.workbook.writer import atomic_path

FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RANK = {"error": 0, "warning": 1, "info": 2}


def annotate_workbook(source: Path, findings: list[Finding], target: Path, lang: str = "zh") -> Path:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    keep_vba = source.suffix.lower() == ".xlsm"
    workbook = load_workbook(source, keep_vba=keep_vba, rich_text=False)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet_name, address), items in by_cell.items():
        sheet = workbook[sheet_name]
        cell = sheet[address]
        if type(cell).__name__ == "MergedCell":
            for merged in sheet.merged_cells.ranges:
                if address in merged:
                    cell = sheet.cell(merged.min_row, merged.min_col)
                    break
        worst = min(items, key=lambda f: RANK[f.severity]).severity
        cell.fill = PatternFill("solid", fgColor=FILL[worst])
        text = "\n".join(f"[{f.code}] {f.message(lang)}" + (f"\n→ {f.hint(lang)}" if f.hint(lang) else "")
                         for f in items)
        comment = Comment(text[:30000], "pbm")
        comment.width, comment.height = 360, min(600, 60 + 40 * len(items))
        cell.comment = comment
    title = "问题清单"
    while title in workbook.sheetnames:
        title += "_"
    sheet = workbook.create_sheet(title, 0)
    header = ["序号", "严重程度", "代码", "工作表", "单元格", "项目", "问题说明", "修改建议"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, finding in enumerate(sorted(findings, key=lambda f: (RANK[f.severity],
                                                                    f.sheet or "", f.cell or "")), 1):
        sheet.append([index, SEVERITY_ZH[finding.severity], finding.code, finding.sheet or "",
                      finding.cell or "", finding.project or "", finding.message(lang),
                      finding.hint(lang)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # submitted text stays text, never a formula
        sheet.cell(sheet.max_row, 2).fill = PatternFill("solid", fgColor=FILL[finding.severity])
    for column, width in zip("ABCDEFGH", (6, 9, 20, 14, 9, 24, 70, 50)):
        sheet.column_dimensions[column].width = width
    workbook.active = 0
    with atomic_path(target) as temp:
        workbook.save(temp)
    return target
