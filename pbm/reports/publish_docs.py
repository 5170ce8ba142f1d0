"""项目支出绩效自评公开表 (``pbm report publish``): the self-evaluation tables as published with
the 决算公开, from ``scores-<year>.xlsx``.

What is published is the unit's own 自评 (财预〔2020〕10号: the 自评 results are published
with the 决算), never pbm's recheck: the 得分 columns are the 自评得分, the 总分 the 自评总分.
Nothing of pbm's own goes out — no file, sheet or cell, no 复核 score, difference or finding —
and no personal data: the layout has no contact or phone rows, and a phone number, an ID
number, an e-mail address or a named contact written inside a free text (偏差原因, the goal
texts) is replaced by ``［已删除］``, each table saying how many were removed.  A value the
workbook does not hold stays blank (never 0, never —).

Written as one workbook (a 目录 sheet, then one sheet per project) and one Word document (one
table per project): a bureau uploads one file per format with its 决算公开, not one per
project, and the 目录 lets a reader find a project in a file of dozens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm.findings import Finding
from pbm.reports.context import DocumentSpec, Kind, ReportSettings, _columns, _get, rate_fraction
from pbm.reports.inputs import OutputWorkbook, number, subject_mark, text
from pbm.values import decimal_text
from pbm.workbook.department import DEPARTMENT, PROJECT_SUBJECT, shown_name
from pbm.workbook.outputs import SCORE_INDICATORS, SCORE_PROJECTS
from pbm.workbook.writer import build_xlsx, safe_filename

SELF_EVALUATION = "单位自评"
TITLE = "项目支出绩效自评公开表"
REDACTED = "［已删除］"
INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                    "偏差原因分析及改进措施"]
MONEY_HEADER = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]

# --------------------------------------------------------------------------- personal data

_CJK = "\u4e00-\u9fff·"
#: Each pattern keeps its label (group 1, may be empty) and drops what follows.
_PERSONAL = [
    # e-mail addresses
    re.compile(r"()[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    # 居民身份证号码: 17 digits and a check digit
    re.compile(r"()(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"),
    # mobile numbers, with or without +86 and separators (138-1234-5678, 138 1234 5678)
    re.compile(r"()(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"),
    # landlines with an area code: 0571-12345678, (0571)1234567, 010 12345678
    # (not inside a code: 2026-0101-12345678)
    re.compile(r"()(?<![\d-])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s])\d{7,8}(?:[-转]\d{1,6})?"
               r"(?![\d-])"),
    # a number after a phone label: 电话：5123456
    re.compile(r"((?:联系)?电话|手机|联系方式|Tel|TEL|tel)[:：\s]*\d[\d\s-]{5,}\d"),
    # a named person after a contact label: 联系人张三, 经办人：李四
    re.compile(rf"((?:联系人|负责人|经办人|填报人|填表人|审核人)[:：\s]*)[{_CJK}]{{2,4}}?"
               rf"(?=$|[^{_CJK}]|电话|手机|联系)"),
]


def redact(value: str) -> tuple[str, int]:
    """``value`` without personal data, and how many items were removed."""
    count = 0
    for pattern in _PERSONAL:
        def replace(match: re.Match) -> str:
            nonlocal count
            count += 1
            return match.group(1) + REDACTED

        value = pattern.sub(replace, value)
    return value, count


# --------------------------------------------------------------------------- the tables

@dataclass
class PublishedLine:
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None
    deviation: str


@dataclass
class PublishedProject:
    project: str
    department: str
    unit: str
    initial_budget: Decimal | None
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    execution_weight: Decimal | None
    execution_score: Decimal | None
    goal: str
    goal_actual: str
    total: Decimal | None
    lines: list[PublishedLine] = field(default_factory=list)
    redacted: int = 0
    whole_department: bool = False  # a 部门整体支出绩效自评表: published as that table

    @property
    def table_title(self) -> str:
        return "部门整体支出绩效自评表" if self.whole_department else "项目支出绩效自评表"

    @property
    def name_label(self) -> str:
        return "部门（单位）名称" if self.whole_department else "项目名称"

    @property
    def money_label(self) -> str:
        return "部门资金（万元）" if self.whole_department else "项目资金（万元）"

    @property
    def listed_name(self) -> str:
        """The name in the 目录: a department's table marked （部门整体）."""
        return shown_name(self.project, DEPARTMENT if self.whole_department else PROJECT_SUBJECT)

    @property
    def weight_total(self) -> Decimal | None:
        weights = [w for w in (self.execution_weight, *(line.weight for line in self.lines))
                   if w is not None]
        return sum(weights, Decimal(0)) if weights else None

    def to_dict(self) -> dict[str, Any]:
        def num(value: Decimal | None) -> str | None:
            return None if value is None else decimal_text(value)

        return {"project": self.project, "department": self.department, "unit": self.unit,
                "initial_budget": num(self.initial_budget), "budget": num(self.budget),
                "executed": num(self.executed), "execution_rate": num(self.rate),
                "execution_weight": num(self.execution_weight),
                "execution_score": num(self.execution_score), "goal": self.goal,
                "goal_actual": self.goal_actual, "total": num(self.total),
                "indicators": len(self.lines), "redacted": self.redacted,
                **({"subject": "department"} if self.whole_department else {})}


@dataclass
class Publication:
    """What ``pbm report publish`` publishes and how it stands against the quota."""

    year: int
    projects: list[PublishedProject]
    eligible: int            # projects with a self-evaluation (项目得分 rows of 单位自评)
    unpublished: list[str]   # of those, the ones with nothing to publish
    quota: Decimal

    @property
    def published(self) -> int:
        return len(self.projects)

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.published) / self.eligible if self.eligible else None

    @property
    def met(self) -> bool:
        return self.share is not None and self.share >= self.quota

    @property
    def redacted(self) -> int:
        return sum(p.redacted for p in self.projects)

    def to_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "published": self.published,
                "share": None if self.share is None else float(round(self.share, 4)),
                "quota": float(self.quota), "met": self.met, "redacted": self.redacted,
                "unpublished": list(self.unpublished)}

    @property
    def share_text(self) -> str:
        return "—" if self.share is None else f"{decimal_text(self.share * 100)}%"

    @property
    def quota_text(self) -> str:
        return f"{decimal_text(self.quota * 100)}%"

    def line(self, lang: str = "zh") -> str:
        share, quota = self.share_text, self.quota_text
        if lang == "en":
            return (f"published {self.published} of {self.eligible} self-evaluated projects "
                    f"({share}; quota {quota}: {'met' if self.met else 'NOT met'}); "
                    f"{self.redacted} personal data item(s) removed")
        return (f"绩效自评公开：{self.published}/{self.eligible} 个项目（{share}，"
                f"公开比例目标 {quota}，{'已达到' if self.met else '未达到'}）；"
                f"已删除个人信息 {self.redacted} 处")


def _clean(value: Any, counter: list[int]) -> str:
    raw = "" if value is None else (text(value) if not isinstance(value, str) else value.strip())
    cleaned, count = redact(raw)
    counter[0] += count
    return cleaned


def build_publication(workbook: OutputWorkbook, kind: Kind, settings: ReportSettings
                      ) -> list[DocumentSpec]:
    """One document: every self-evaluated project's 公开表 (in 项目得分 order)."""
    projects = workbook.table(SCORE_PROJECTS.sheet)
    pcol = _columns(workbook, projects, SCORE_PROJECTS, "type", "file", "code", "name",
                    "department", "unit", "budget", "executed", "rate", "claimed_execution",
                    "claimed", "initial_budget", "goal", "goal_actual")
    indicators = workbook.table(SCORE_INDICATORS.sheet, required=False)
    icol = _columns(workbook, indicators, SCORE_INDICATORS, "file", "code", "name", "level1",
                    "level2", "level3", "target", "actual", "weight", "claimed", "deviation")
    by_project: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for line in (indicators.rows if indicators else []):
        ident = (text(_get(line, icol["file"])), text(_get(line, icol["code"])),
                 text(_get(line, icol["name"])))
        by_project.setdefault(ident, []).append(line)

    published: list[PublishedProject] = []
    eligible, unpublished = 0, []
    for row in (projects.rows if projects else []):
        if (text(_get(row, pcol["type"])) or SELF_EVALUATION) != SELF_EVALUATION:
            continue  # a multi-group evaluation or pbm's own summary is no unit's 自评
        eligible += 1
        counter = [0]
        name = _clean(_get(row, pcol["name"]), counter)
        ident = (text(_get(row, pcol["file"])), text(_get(row, pcol["code"])),
                 text(_get(row, pcol["name"])))
        lines = [PublishedLine(
            level1=_clean(_get(line, icol["level1"]), counter),
            level2=_clean(_get(line, icol["level2"]), counter),
            level3=_clean(_get(line, icol["level3"]), counter),
            target=_clean(_get(line, icol["target"]), counter),
            actual=_clean(_get(line, icol["actual"]), counter),
            weight=number(_get(line, icol["weight"])),
            score=number(_get(line, icol["claimed"])),
            deviation=_clean(_get(line, icol["deviation"]), counter))
            for line in by_project.get(ident, [])]
        total = number(_get(row, pcol["claimed"]))
        if total is None and not lines:
            unpublished.append(name or "（未填项目名称）")
            continue
        budget = number(_get(row, pcol["budget"]))
        executed = number(_get(row, pcol["executed"]))
        rate = rate_fraction(_get(row, pcol["rate"]))
        if rate is None and budget and executed is not None:
            rate = executed / budget
        published.append(PublishedProject(
            project=name, department=_clean(_get(row, pcol["department"]), counter),
            unit=_clean(_get(row, pcol["unit"]), counter),
            initial_budget=number(_get(row, pcol["initial_budget"])), budget=budget,
            executed=executed, rate=rate, execution_weight=settings.execution_weight,
            execution_score=number(_get(row, pcol["claimed_execution"])),
            goal=_clean(_get(row, pcol["goal"]), counter),
            goal_actual=_clean(_get(row, pcol["goal_actual"]), counter),
            total=total, lines=lines, whole_department=bool(subject_mark(row))))
        published[-1].redacted = counter[0]
    publication = Publication(settings.year, published, eligible, unpublished,
                              settings.publish_quota)
    for name in unpublished:
        workbook.findings.append(Finding("REPORT-PUBLISH-EMPTY", file=workbook.path.name,
                                         params={"project": name}))
    context = {"kind_title": kind.title, "year": str(settings.year), "doc_number": "",
               "publication": publication}
    stem = f"{TITLE}-{settings.year}"
    return [DocumentSpec(kind.key, stem, f"{settings.year}年度{TITLE}", context)]


# --------------------------------------------------------------------------- writing

def _money_text(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value, thousands=True)


def _score_text(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value)


def _rate_text(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value * 100) + "%"


def redaction_note(count: int) -> str:
    return (f"注：为保护个人信息，本表已删除 {count} 处联系人、电话号码、身份证号码或电子邮箱"
            f"（以“{REDACTED}”标示）。")


SOURCE_NOTE = "注：得分为项目单位自评得分；空白表示自评表未填写。"


def sheet_names(projects: list[PublishedProject]) -> list[str]:
    """Unique Excel sheet names (≤ 31 characters, none of []:*?/\\): 序号 and 项目名称."""
    names = []
    for index, project in enumerate(projects, start=1):
        base = re.sub(r"[\[\]:*?/\\'：]", "", project.project) or "项目"
        names.append(f"{index:02d} {base}"[:31].rstrip())
    return names


def write_publication_xlsx(path: Path, publication: Publication) -> Path:
    """The workbook: 目录, then one sheet per project in the 自评表's own layout."""
    names = sheet_names(publication.projects)

    def build(workbook) -> None:
        title = workbook.add_format({"bold": True, "font_size": 16, "align": "center",
                                     "valign": "vcenter"})
        label = workbook.add_format({"bold": True, "border": 1, "align": "center",
                                     "valign": "vcenter", "text_wrap": True, "bg_color": "#F2F2F2"})
        cell = workbook.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        money = workbook.add_format({"border": 1, "valign": "vcenter", "num_format": "#,##0.00"})
        points = workbook.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00"})
        rate = workbook.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00%"})
        link = workbook.add_format({"border": 1, "font_color": "blue", "underline": 1})
        note = workbook.add_format({"italic": True, "text_wrap": True, "valign": "top"})

        def put(sheet, row, col, value, fmt, last_col=None):
            if last_col is not None and last_col > col:
                sheet.merge_range(row, col, row, last_col, None, fmt)
            if value is None or value == "":
                sheet.write_blank(row, col, None, fmt)
            elif isinstance(value, Decimal):
                sheet.write_number(row, col, float(value), fmt)
            else:
                sheet.write_string(row, col, str(value), fmt)

        toc = workbook.add_worksheet("目录")
        toc.merge_range(0, 0, 0, 5, f"{publication.year}年度{TITLE}目录", title)
        toc.set_row(0, 30)
        for col, (header, width) in enumerate((("序号", 6), ("主管部门", 22), ("实施单位", 24),
                                               ("项目名称", 36), ("自评总分", 10),
                                               ("链接", 30))):
            toc.write_string(1, col, header, label)
            toc.set_column(col, col, width)
        for index, (project, name) in enumerate(zip(publication.projects, names), start=1):
            row = index + 1
            toc.write_number(row, 0, index, cell)
            put(toc, row, 1, project.department, cell)
            put(toc, row, 2, project.unit, cell)
            put(toc, row, 3, project.listed_name, cell)
            put(toc, row, 4, project.total, points)
            toc.write_url(row, 5, f"internal:'{name}'!A1", link, string=name)
        row = len(publication.projects) + 3
        toc.merge_range(row, 0, row, 5, SOURCE_NOTE, note)
        if publication.redacted:
            toc.merge_range(row + 1, 0, row + 1, 5, redaction_note(publication.redacted), note)

        for project, name in zip(publication.projects, names):
            sheet = workbook.add_worksheet(name)
            sheet.set_column(0, 1, 14)
            sheet.set_column(2, 2, 26)
            sheet.set_column(3, 6, 13)
            sheet.set_column(7, 7, 34)
            sheet.merge_range(0, 0, 0, 7, f"{publication.year}年度{project.table_title}", title)
            sheet.set_row(0, 30)
            sheet.write_string(1, 6, "金额单位：万元")
            put(sheet, 2, 0, project.name_label, label)
            put(sheet, 2, 1, project.project, cell, 7)
            put(sheet, 3, 0, "主管部门", label)
            put(sheet, 3, 1, project.department, cell, 3)
            put(sheet, 3, 4, "实施单位", label)
            put(sheet, 3, 5, project.unit, cell, 7)
            sheet.merge_range(4, 0, 5, 0, project.money_label, label)
            put(sheet, 4, 1, "", label)
            for offset, header in enumerate(MONEY_HEADER):
                put(sheet, 4, 2 + offset, header, label)
            put(sheet, 5, 1, "年度资金总额", label)
            for col, (value, fmt) in enumerate(
                    ((project.initial_budget, money), (project.budget, money),
                     (project.executed, money), (project.execution_weight, points),
                     (project.rate, rate), (project.execution_score, points)), start=2):
                put(sheet, 5, col, value, fmt)
            sheet.merge_range(6, 0, 7, 0, "年度总体目标", label)
            put(sheet, 6, 1, "预期目标", label, 4)
            put(sheet, 6, 5, "实际完成情况", label, 7)
            put(sheet, 7, 1, project.goal, cell, 4)
            put(sheet, 7, 5, project.goal_actual, cell, 7)
            sheet.set_row(7, 48)
            for col, header in enumerate(INDICATOR_HEADER):
                put(sheet, 8, col, header, label)
            row = 9
            for line in project.lines:
                for col, (value, fmt) in enumerate(
                        ((line.level1, cell), (line.level2, cell), (line.level3, cell),
                         (line.target, cell), (line.actual, cell), (line.weight, points),
                         (line.score, points), (line.deviation, cell))):
                    put(sheet, row, col, value, fmt)
                row += 1
            put(sheet, row, 0, "总分", label, 4)
            put(sheet, row, 5, project.weight_total, points)
            put(sheet, row, 6, project.total, points)
            put(sheet, row, 7, "", cell)
            sheet.merge_range(row + 2, 0, row + 2, 7, SOURCE_NOTE, note)
            if project.redacted:
                sheet.merge_range(row + 3, 0, row + 3, 7, redaction_note(project.redacted), note)
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)

    return build_xlsx(path, build)


def write_publication_docx(path: Path, publication: Publication) -> Path:
    """The Word document: a title, then one table per project (one project a page)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from pbm.workbook.writer import atomic_path

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{publication.year}年度{TITLE}")
    run.bold, run.font.size = True, Pt(16)
    document.add_paragraph(SOURCE_NOTE)
    if publication.redacted:
        document.add_paragraph(redaction_note(publication.redacted))

    for index, project in enumerate(publication.projects, start=1):
        if index > 1:
            document.add_page_break()
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.add_run(f"{publication.year}年度{project.table_title}（{index}）").bold = True
        document.add_paragraph("金额单位：万元").alignment = WD_ALIGN_PARAGRAPH.RIGHT
        rows = 7 + len(project.lines)
        table = document.add_table(rows=rows, cols=8)
        table.style = "Table Grid"

        def put(row: int, col: int, value: str, last: int | None = None, bold=False,
                table=table) -> None:
            target = table.cell(row, col)
            if last is not None and last > col:
                target = target.merge(table.cell(row, last))
            target.text = value
            if bold:
                for paragraph in target.paragraphs:
                    for r in paragraph.runs:
                        r.bold = True

        put(0, 0, project.name_label, bold=True)
        put(0, 1, project.project, 7)
        put(1, 0, "主管部门", bold=True)
        put(1, 1, project.department, 3)
        put(1, 4, "实施单位", bold=True)
        put(1, 5, project.unit, 7)
        table.cell(2, 0).merge(table.cell(3, 0)).text = project.money_label
        for offset, header in enumerate(MONEY_HEADER):
            put(2, 2 + offset, header, bold=True)
        put(3, 1, "年度资金总额", bold=True)
        for col, value in enumerate((_money_text(project.initial_budget),
                                     _money_text(project.budget), _money_text(project.executed),
                                     _score_text(project.execution_weight),
                                     _rate_text(project.rate),
                                     _score_text(project.execution_score)), start=2):
            put(3, col, value)
        table.cell(4, 0).merge(table.cell(5, 0)).text = "年度总体目标"
        put(4, 1, "预期目标", 4, bold=True)
        put(4, 5, "实际完成情况", 7, bold=True)
        put(5, 1, project.goal, 4)
        put(5, 5, project.goal_actual, 7)
        for col, header in enumerate(INDICATOR_HEADER):
            put(6, col, header, bold=True)
        for offset, line in enumerate(project.lines):
            for col, value in enumerate((line.level1, line.level2, line.level3, line.target,
                                         line.actual, _score_text(line.weight),
                                         _score_text(line.score), line.deviation)):
                put(7 + offset, col, value)
        total = table.add_row()
        total.cells[0].merge(total.cells[4]).text = "总分"
        total.cells[5].text = _score_text(project.weight_total)
        total.cells[6].text = _score_text(project.total)
        if project.redacted:
            document.add_paragraph(redaction_note(project.redacted))

    with atomic_path(path) as temp:
        document.core_properties.author = "pbm"
        document.save(str(temp))
    return Path(path)


def write_publication(staging: Path, stem: str, publication: Publication) -> list[Path]:
    stem = safe_filename(stem)
    return [write_publication_xlsx(staging / f"{stem}.xlsx", publication),
            write_publication_docx(staging / f"{stem}.docx", publication)]
