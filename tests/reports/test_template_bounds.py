"""A user's template cannot loop or allocate without end: the sandbox counts steps and time,
refuses oversized strings, lists, numbers and documents, and has no ``lipsum``; the run stops
with REPORT-TEMPLATE-LIMIT naming the template, exit 2, no traceback, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from docx import Document
from test_report_context import SETTINGS, write_all
from test_report_render import body_lines

from pbm.errors import PbmError
from pbm.reports import bounded, render
from pbm.reports.bounded import RenderLimitError
from pbm.reports.context import KINDS
from pbm.reports.report import render_reports

NESTED = "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"
HUGE = "{{ 'x'*3000000000 }}"
LIPSUM = "{{ lipsum(100000) }}"


def _docx_template(path: Path, text: str) -> Path:
    document = Document()
    document.add_paragraph("{{ department }}：")
    document.add_paragraph(text)
    document.save(str(path))
    return path


def _no_documents(folder: Path) -> bool:
    """Nothing but the run's lock file (kept by design) and no staging folder left."""
    return not folder.exists() or all(p.name == ".pbm.lock" for p in folder.rglob("*"))


@pytest.mark.parametrize("text, expected", [(NESTED, "10000000"), (HUGE, "3000000000"),
                                            (LIPSUM, "lipsum")])
def test_a_runaway_docx_template_stops_with_its_name(workspace, run_pbm, tmp_path, text, expected):
    write_all(workspace / "out")
    template = _docx_template(tmp_path / "失控模板.docx", text)
    started = time.monotonic()
    code, out, err = run_pbm("report", "goal-review", "--template", template, cwd=workspace)
    assert code == 2, out
    assert "失控模板.docx" in err and expected in err
    assert "Traceback" not in err + out and "内部错误" not in err + out
    assert _no_documents(workspace / "out" / "reports")
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("text", [NESTED, HUGE, LIPSUM])
def test_a_runaway_markdown_template_stops_too(workspace, run_pbm, tmp_path, text):
    write_all(workspace / "out")
    template = tmp_path / "失控模板.md"
    template.write_text("# {{ department }}\n\n" + text + "\n", encoding="utf-8")
    for fmt in ("md", "html"):
        code, out, err = run_pbm("report", "goal-review", "--template", template, "--format", fmt,
                                 cwd=workspace)
        assert code == 2, out
        assert "失控模板.md" in err and "Traceback" not in err + out
        assert _no_documents(workspace / "out" / "reports")


def test_the_limit_stops_letters_rendered_in_the_pool(tmp_path, monkeypatch):
    """The error crosses the process boundary as itself, still naming the template."""
    monkeypatch.setattr(render, "POOL_THRESHOLD", 2)
    sources = write_all(tmp_path / "out")
    template = _docx_template(tmp_path / "池模板.docx", HUGE)
    with pytest.raises(PbmError) as caught:
        render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS,
                       template=template, processes=2)
    assert caught.value.code == "REPORT-TEMPLATE-LIMIT"
    assert caught.value.params["template"] == "池模板.docx"
    assert "3000000000" in caught.value.message("en")
    assert _no_documents(tmp_path / "out" / "reports")


def test_time_and_output_bounds(tmp_path, monkeypatch):
    sources = write_all(tmp_path / "out")
    template = _docx_template(tmp_path / "慢模板.docx",
                              "{% for i in range(5000) %}{{ department }}{% endfor %}")
    monkeypatch.setattr(bounded, "MAX_SECONDS", 0.0)
    with pytest.raises(PbmError) as caught:
        render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS,
                       template=template, processes=1)
    assert caught.value.code == "REPORT-TEMPLATE-LIMIT" and "seconds" in caught.value.message("en")
    monkeypatch.setattr(bounded, "MAX_SECONDS", 120.0)
    monkeypatch.setattr(bounded, "MAX_OUTPUT", 20_000)
    with pytest.raises(PbmError) as caught:
        render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS,
                       template=template, processes=1)
    assert caught.value.code == "REPORT-TEMPLATE-LIMIT" and "20000" in caught.value.message("en")
    assert _no_documents(tmp_path / "out" / "reports")


@pytest.mark.parametrize("source", [
    "{{ 3000000000 * 'x' }}", "{{ [0] * 3000000000 }}", "{{ 2 ** 100000 }}",
    "{{ 'x'|center(3000000000) }}", "{{ 'x'.ljust(3000000000) }}", "{{ 'x'.zfill(3000000000) }}",
    "{{ '{:>3000000000}'.format(1) }}", "{{ '{:{}}'.format(1, 3000000000) }}",
    "{{ '%3000000000d' % 1 }}", "{{ '%*d' % (3000000000, 1) }}", "{{ '%3000000000d'|format(1) }}",
    "{{ range(99999)|join('x' * 9999999) }}", "{{ ('x' * 9999999)|replace('', 'yy') }}",
    "{{ ('x' * 9999999)|indent(100) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
])
def test_the_sandbox_refuses_before_allocating(source, monkeypatch):
    monkeypatch.setattr(bounded, "MAX_STEPS", 200_000)  # the same stop, sooner
    for fmt in ("docx", "md"):
        with pytest.raises(RenderLimitError):
            render.sandbox(fmt).from_string(source).render()


def test_endless_recursion_is_the_same_stop(tmp_path):
    sources = write_all(tmp_path / "out")
    for text in ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
                 "{% for i in range(9) recursive %}{{ loop(range(9)) }}{% endfor %}"):
        template = _docx_template(tmp_path / "递归模板.docx", text)
        with pytest.raises(PbmError) as caught:
            render_reports([KINDS["goal-review"]], sources, tmp_path / "out" / "reports", SETTINGS,
                           template=template, processes=1)
        assert caught.value.code == "REPORT-TEMPLATE-LIMIT"
        assert "递归模板.docx" in caught.value.message("zh")
    assert _no_documents(tmp_path / "out" / "reports")


def test_lipsum_is_gone_and_ordinary_templates_are_unchanged():
    env = render.sandbox("md")
    assert "lipsum" not in env.globals
    text = env.from_string(
        "{{ 'a' * 3 }} {{ '%5.2f'|format(3.14159) }} {{ '{:,.2f}'.format(123456789) }} "
        "{% for x in [1, 2, 3] %}{{ loop.index }}/{{ loop.length }}{% if loop.last %}.{% endif %}"
        "{% endfor %} {{ [1, 2]|join(',') }} {{ 'x' ~ 'y' }} {{ 2 ** 10 }} {{ '%s万元' % '5' }}"
        "{% for k, v in {'a': 1}.items() %}{{ k }}{{ v }}{% endfor %}").render()
    assert text == "aaa  3.14 123,456,789.00 1/32/33/3. 1,2 xy 1024 5万元a1"


def test_shipped_templates_stay_within_the_bounds(tmp_path):
    sources = write_all(tmp_path / "out")
    render_reports(list(KINDS.values()), sources, tmp_path / "out" / "reports", SETTINGS)
    lines = body_lines(tmp_path / "out" / "reports" / "goal-review" / "教育局-绩效目标审核意见书.docx")
    assert lines[0] == "测试区财政局"
