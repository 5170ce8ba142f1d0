"""Every kind of document rendered from the bundled sample workspace, read back from the .docx
files as a bureau would send them: one 文号 each, the issuer and the contact on every one,
nothing meant for the bureau in a department's letter, figures kept with their captions, and
the 执行率 of the notice the workbook's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "2026-示例区"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: What pbm says to the reviewer, never to a department or a unit.
INTERNAL = ["催报", "请联系", "按 0 分计入", "人工评分", "pbm", "复核总分只是下限", "判定",
            "PBM_", "容差"]
LETTERS = ("goal-review", "monitor-feedback", "monitor-reminder", "score-feedback")


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    from typer.testing import CliRunner

    from pbm.cli.app import app

    workspace = tmp_path_factory.mktemp("sample") / "2026-示例区"
    shutil.copytree(SAMPLE, workspace, ignore=shutil.ignore_patterns("out"))
    runner = CliRunner()
    import os

    here = Path.cwd()
    os.chdir(workspace)
    try:
        for args in (["validate", "goals/"], ["monitor", "q3/"],
                     ["sample", "--rate", "0.2", "--seed", "20261122", "--quiet"],
                     ["score", "self-eval/"], ["report", "--format", "docx", "--date",
                                               "2026-12-01"]):
            result = runner.invoke(app, args, catch_exceptions=False)
            assert result.exit_code in (0, 1), (args, result.output)
    finally:
        os.chdir(here)
    files = sorted((workspace / "out" / "reports").rglob("*.docx"))
    return workspace, {path: Document(str(path)) for path in files}


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_every_kind_is_there_and_every_document_has_its_own_number(documents):
    _, docs = documents
    kinds = {path.parent.name for path in docs}
    assert kinds == {"goal-review", "monitor-feedback", "monitor-reminder", "monitor-notice",
                     "sample-notice", "score-feedback", "score-notice", "evaluation-report"}
    numbers = {}
    for path, document in docs.items():
        found = set(re.findall(r"财绩〔2026〕\d+号", _text(document)))
        if path.parent.name == "evaluation-report":  # a report, not a 发文: no number used up
            assert found == set(), path.name
            continue
        assert len(found) == 1, (path.name, found)
        numbers[path] = found.pop()
    assert len(set(numbers.values())) == len(numbers)  # no 文号 twice


def test_issuer_and_contact_are_on_every_document(documents):
    _, docs = documents
    for path, document in docs.items():
        text = _text(document)
        assert "示例区财政局" in text, path.name
        if path.parent.name != "evaluation-report":  # a report, not a letter: no contact line
            assert "王敏" in text and "0000-1234567" in text, path.name


def test_no_letter_to_a_department_says_what_is_meant_for_the_bureau(documents):
    _, docs = documents
    for path, document in docs.items():
        if path.parent.name in LETTERS:
            text = _text(document)
            said = [phrase for phrase in INTERNAL if phrase in text]
            assert said == [], (path.name, said)


def test_figures_keep_with_their_captions(documents):
    _, docs = documents
    figures = 0
    for path, document in docs.items():
        paragraphs = document.paragraphs
        for index, paragraph in enumerate(paragraphs):
            if not paragraph._p.findall(f".//{W}drawing"):
                continue
            figures += 1
            caption = paragraphs[index + 1]
            assert caption.text.startswith("图"), (path.name, caption.text)
            keep = paragraph.paragraph_format.keep_with_next
            if keep is None and paragraph.style is not None:
                keep = paragraph.style.paragraph_format.keep_with_next
            assert keep, (path.name, caption.text)
    assert figures >= 3  # lights, grades, self vs recheck


def test_the_notice_states_the_workbooks_execution_rate(documents):
    workspace, docs = documents
    book = openpyxl.load_workbook(workspace / "out" / "monitor-2026-09.xlsx", read_only=True)
    rows = list(book["汇总"].iter_rows(values_only=True))
    header, total = rows[0], next(r for r in rows if r[1] == "合计")
    rate = total[header.index("执行率")]
    [notice] = [d for p, d in docs.items() if p.parent.name == "monitor-notice"]
    text = _text(notice)
    assert f"执行率{rate * 100:.2f}%" in text
    assert "执行率口径" in text
