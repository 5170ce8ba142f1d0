"""Pagination of the Word documents (issue #16): a figure keeps with its caption, a table with
the paragraph introducing it, 发文机关署名 with 成文日期 and with the last lines of the text;
one w:ind per paragraph; ``pbm report --check`` warns of a user template that would part them.

The documents are the real output of ``pbm report`` on a workspace made by ``pbm init`` with
pbm's output workbooks written by tests/reports/test_report_context.py.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from test_report_context import write_all
from typer.testing import CliRunner

from pbm.cli.app import app
from pbm.reports import render
from pbm.reports.context import KINDS
from pbm.reports.documents import context_keys

DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def _pbm(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, getattr(result, "stderr", "")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace with every output workbook, and ``pbm report`` run on it once."""
    root = tmp_path_factory.mktemp("pagination")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        code, _, err = _pbm("init", root / "ws", "--year", "2026", "--locality", "测试区")
        assert code == 0, err
        write_all(root / "ws" / "out")
        patch.chdir(root / "ws")
        code, out, err = _pbm("report", "--format", "json", "--date", "2026-03-05")
        assert code == 0, err
    assert json.loads(out)["summary"]["kinds"]["score-notice"] == 1
    return root / "ws"


@pytest.fixture(scope="module")
def documents(workspace) -> dict[str, Path]:
    paths = sorted((workspace / "out" / "reports").rglob("*.docx"))
    found = {f"{p.parent.name}/{p.name}": p for p in paths}
    assert {"monitor-notice/监控情况通报.docx", "score-notice/评价结果通报.docx",
            "goal-review/教育局-绩效目标审核意见书.docx"} <= set(found) and len(found) > 12
    return found


def body(path: Path) -> list:
    """Body paragraphs (python-docx Paragraph) and tables (the CT_Tbl element), in order."""
    document = Document(str(path))
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(Paragraph(child, document._body))
        elif child.tag == qn("w:tbl"):
            blocks.append(child)
    return blocks


def keeps(paragraph: Paragraph, setting: str = "keep_with_next") -> bool:
    """The setting as Word applies it: the paragraph's own, else up its style chain."""
    value = getattr(paragraph.paragraph_format, setting)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, setting)
        style = style.base_style
    return bool(value)


def is_figure(block) -> bool:
    return isinstance(block, Paragraph) and bool(block._p.xpath(".//w:drawing"))


# --------------------------------------------------------------------------- rendered documents

def test_every_figure_keeps_with_the_caption_below_it(documents):
    figures = Counter()
    for name, path in documents.items():
        blocks = body(path)
        for index, block in enumerate(blocks):
            if not is_figure(block):
                continue
            figures[name] += 1
            caption = blocks[index + 1]
            assert isinstance(caption, Paragraph) and caption.text.startswith("图"), name
            assert caption.style.name == "Caption", name  # Word's built-in caption (题注)
            assert keeps(block), f"{name}: the figure does not keep with “{caption.text}”"
    assert figures == {"monitor-notice/监控情况通报.docx": 1, "score-notice/评价结果通报.docx": 2,
                       "rectify-notice/整改情况通报.docx": 1}


def test_the_signature_keeps_with_the_date_and_the_text_above_it(documents):
    signed = 0
    for name, path in documents.items():
        if name.startswith("evaluation-report/"):
            continue  # a report, not a letter: no 发文机关署名
        paragraphs = [b for b in body(path) if isinstance(b, Paragraph)]
        *_, last_text, contact, blank, signature, date = paragraphs
        assert (blank.text, signature.text) == ("", "测试区财政局") and DATE.match(date.text), name
        assert contact.text.startswith("联系人："), name
        assert (signature.style.name, date.style.name) == ("署名", "成文日期"), name
        # the text's last lines, the contact line, the blank line, 署名 and 成文日期 form one
        # chain: a page break cannot fall between any two of them
        for paragraph in (last_text, contact, blank, signature):
            assert keeps(paragraph), f"{name}: “{paragraph.text[:20]}” does not keep with the next"
        assert keeps(signature, "keep_together") and keeps(date, "keep_together"), name
        assert not keeps(date), name  # nothing after the date to keep with
        signed += 1
    assert signed == sum(not n.startswith("evaluation-report/") for n in documents) > 10


def test_every_table_keeps_with_the_paragraph_introducing_it(documents):
    tables = 0
    for name, path in documents.items():
        blocks = body(path)
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                continue
            before = blocks[index - 1]
            assert isinstance(before, Paragraph), name
            assert keeps(before), f"{name}: “{before.text[:20]}” is not kept with its table"
            tables += 1
    assert tables > 30


def test_no_paragraph_or_style_has_two_ind_or_other_repeated_settings(documents):
    for name, path in documents.items():
        with zipfile.ZipFile(path) as archive:
            for part in ("word/document.xml", "word/styles.xml"):
                xml = archive.read(part).decode("utf-8")
                for properties in re.findall(r"<w:pPr>(.*?)</w:pPr>", xml, flags=re.DOTALL):
                    tags = Counter(re.findall(r"<(w:\w+)[ />]", _top_level(properties)))
                    repeated = {tag: n for tag, n in tags.items() if n > 1}
                    assert not repeated, f"{name} {part}: {repeated} in <w:pPr>{properties}"
    signature = Document(str(documents["goal-review/教育局-绩效目标审核意见书.docx"])).styles["署名"]
    indent = signature.element.pPr.findall(qn("w:ind"))
    assert len(indent) == 1 and indent[0].get(qn("w:right")) == "1134"
    assert indent[0].get(qn("w:firstLine")) == "0"  # not the body's 2-character first line


def _top_level(xml: str) -> str:
    """The pPr's own children: drop the nested rPr (its own settings)."""
    return re.sub(r"<w:rPr>.*?</w:rPr>", "", xml, flags=re.DOTALL)


# --------------------------------------------------------------------------- the template check

def _user_template(path: Path, *, keep: bool) -> Path:
    """A score-notice template a user made in Word: caption above the chart in Word's Caption
    style, a 落款 style for the signature, both keeping with the next paragraph or not."""
    document = Document()
    document.add_paragraph("{{ issuer }}关于评价结果的通报")
    document.add_paragraph("共{{ project_count }}个项目。")
    caption = document.add_paragraph("图1　评价等级分布", style="Caption")
    document.add_paragraph("{{ grade_chart }}")
    signature_style = document.styles.add_style("落款", 1)
    signature_style.base_style = document.styles["Normal"]
    document.add_paragraph("{{ issuer }}", style=signature_style)
    document.add_paragraph("{{ date }}")
    caption.style.paragraph_format.keep_with_next = keep
    signature_style.paragraph_format.keep_with_next = keep
    document.save(str(path))
    return path


def test_shipped_templates_pass_the_pagination_check():
    for kind in (k for k in KINDS.values() if k.templated):  # publish is written by pbm itself
        template = render.shipped_template(kind, "docx")
        assert render.keep_together_findings(template) == [], kind.key
        found: list = []
        render.preflight(template, context_keys(kind), findings=found)
        assert found == [], kind.key


def test_the_check_names_the_caption_and_signature_styles_that_do_not_keep(tmp_path):
    kind = KINDS["score-notice"]
    loose = render.user_template(_user_template(tmp_path / "通报.docx", keep=False), "docx")
    found: list = []
    render.preflight(loose, context_keys(kind), findings=found)
    assert [(f.code, f.severity, f.file) for f in found] == \
        [("REPORT-TEMPLATE-KEEP", "warning", str(tmp_path / "通报.docx"))] * 2
    assert [(f.params["paragraph"], f.params["style"], f.params["text"]) for f in found] == [
        (3, "Caption", "图1　评价等级分布"), (5, "落款", "{{ issuer }}")]
    assert "“与下段同页”" in found[0].message() and "“Caption”" in found[0].hint()
    assert "does not keep with the next" in found[1].message("en")

    kept = render.user_template(_user_template(tmp_path / "改好的通报.docx", keep=True), "docx")
    found = []
    render.preflight(kept, context_keys(kind), findings=found)
    assert found == []


def test_the_check_asks_the_figure_to_keep_with_a_caption_below_it(tmp_path):
    document = Document()
    figure = document.add_paragraph("{{ score_chart }}")
    document.add_paragraph("图2　自评得分与复核得分对比", style="Caption")
    document.save(str(tmp_path / "a.docx"))
    template = render.user_template(tmp_path / "a.docx", "docx")
    assert [(f.params["paragraph"], f.params["style"]) for f in
            render.keep_together_findings(template)] == [(1, "Normal")]
    figure.paragraph_format.keep_with_next = True  # set on the paragraph alone: enough
    document.save(str(tmp_path / "a.docx"))
    assert render.keep_together_findings(template) == []


def test_report_check_warns_of_a_user_template_that_parts_caption_and_figure(workspace, tmp_path):
    template = _user_template(tmp_path / "我的通报.docx", keep=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workspace)
        code, out, err = _pbm("report", "score-notice", "--check", "--template", template,
                              "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["checked_only"] is True
    keep = [f for f in data["findings"] if f["code"] == "REPORT-TEMPLATE-KEEP"]
    assert [(f["file"], f["severity"]) for f in keep] == [(str(template), "warning")] * 2
