"""Submitted text comes out of a document exactly as it was typed, Jinja-looking braces too:
docxtpl's ``{_{``/``}_}`` escapes are the template's business, never the data's."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from docx import Document
from test_report_context import SETTINGS, write_all
from test_report_render import body_lines

from pbm.reports import render
from pbm.reports.context import KINDS
from pbm.reports.report import render_reports

PROJECT = "{_{ 7*7 }_} {{ 7*7 }} {% if x %}{% endif %} {# 注 #} {_% p %_} }_} {_{"
DEPARTMENT = "教育{_{局}_}{{ 1 }}"
FINDING = "未开展{_%评估%_}{#，{{ 300 }} 万元"


def _with_braces(sources: dict[str, Path]) -> dict[str, Path]:
    """The fixture goals workbook with a department, a project and a finding renamed."""
    path = sources["goals"]
    workbook = openpyxl.load_workbook(path)
    replace = {"智慧校园建设": PROJECT, "教育局": DEPARTMENT,
               "新增项目 300 万元未开展事前绩效评估": FINDING}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in replace:
                    cell.value = replace[cell.value]
    workbook.save(path)
    return sources


def test_braces_in_names_and_findings_come_out_as_typed(tmp_path):
    sources = _with_braces(write_all(tmp_path / "out"))
    render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS)
    folder = tmp_path / "out" / "reports" / "goal-review"
    letters = [p for p in folder.iterdir() if p.suffix == ".docx" and p.name.startswith("教育")]
    assert len(letters) == 1
    lines = body_lines(letters[0])
    assert f"{DEPARTMENT}：" in lines
    assert any(line.startswith(f"2|{PROJECT}|2026101004|") for line in lines), lines
    assert any(f"|{PROJECT}|" in line and f"|{FINDING}|" in line for line in lines), lines


def test_a_templates_own_escapes_still_print_braces(tmp_path):
    sources = _with_braces(write_all(tmp_path / "out"))
    document = Document()
    document.add_paragraph("{_{ department }_} = {{ department }}；{_% if %_}")
    template = tmp_path / "escapes.docx"
    document.save(str(template))
    render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS,
                   template=template)
    folder = tmp_path / "out" / "reports" / "goal-review"
    letter = next(p for p in folder.iterdir() if p.name.startswith("教育"))
    assert body_lines(letter) == [f"{{{{ department }}}} = {DEPARTMENT}；{{% if %}}"]
    assert render.literal_tags("a {_{ b }_} {_% c %_}") == \
        "a {{ '{{' }} b {{ '}}' }} {{ '{%' }} c {{ '%}' }}"
