"""Rendering: every generated .docx is opened with python-docx and its content asserted;
sandbox and autoescape, template pre-flight, charts with and without a CJK font,
atomic re-runs, Markdown/HTML, the 2-process pool."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_report_context import SETTINGS, UNSAFE_DEPARTMENT, write_all

from pbm.errors import PbmError
from pbm.reports import charts, render
from pbm.reports.context import KINDS
from pbm.reports.report import render_reports
from pbm.workbook.writer import output_lock


def body_lines(path: Path) -> list[str]:
    """Paragraph texts and table rows (cells joined by |) in document order."""
    document = Document(str(path))
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                lines.append("|".join("".join(t.text or "" for t in cell.iter(qn("w:t")))
                                      for cell in row.iter(qn("w:tc"))))
    return lines


def image_parts(path: Path) -> list[bytes]:
    document = Document(str(path))
    return [part.blob for part in document.part.package.parts
            if part.content_type.startswith("image/")]


@pytest.fixture
def sources(tmp_path) -> dict[str, Path]:
    return write_all(tmp_path / "out")


def run(sources, tmp_path, kinds, **options):
    return render_reports([KINDS[k] for k in kinds], sources, tmp_path / "out" / "reports",
                          SETTINGS, **options)


# --------------------------------------------------------------------------- content

def test_goal_review_letters_carry_names_numbers_and_one_row_per_project(sources, tmp_path):
    result = run(sources, tmp_path, ["goal-review"])
    folder = tmp_path / "out" / "reports" / "goal-review"
    assert sorted(p.name for p in folder.iterdir()) == sorted([
        "教育局-绩效目标审核意见书.docx", "____etc-绩效目标审核意见书.docx",
        "A&B _局_ {{ ''.__class__ }}-绩效目标审核意见书.docx"])
    lines = body_lines(folder / "教育局-绩效目标审核意见书.docx")
    assert lines[:4] == ["测试区财政局", "测财绩〔2026〕1号", "关于2026年度项目支出绩效目标审核意见的函", "教育局："]
    assert "序号|项目名称|项目编码|资金（万元）|审核等级|错误|警告|审核意见" in lines
    assert "1|义务教育学校营养改善计划|2026101001|860.00|优|0|0|审核通过，可直接进入预算安排流程" in lines
    assert "2|智慧校园建设|2026101004|300.00|中|1|0|请按审核意见修改完善后重新报送审核" in lines
    assert "1|智慧校园建设|可行性|错误|项目2 C7|新增项目 300 万元未开展事前绩效评估|补充事前绩效评估报告" in lines
    assert "请于2026年4月4日前将修改后的绩效目标报送我局。审核等级为“中”“差”的项目未按期修改完善的，不得进入预算安排流程。" in lines
    assert lines[-3:] == ["", "测试区财政局", "2026年3月5日"]
    assert "联系人：王芳　　联系电话：0571-12345678" in lines
    assert not any("{{" in line or "{%" in line for line in lines)
    assert [d.doc_number for d in result.documents] == ["测财绩〔2026〕1号", "测财绩〔2026〕2号",
                                                        "测财绩〔2026〕3号"]


def test_submitted_text_stays_text_and_the_docx_stays_valid(sources, tmp_path):
    """& < and {{ ''.__class__ }} in a department or project name are harmless."""
    run(sources, tmp_path, ["goal-review"])
    path = (tmp_path / "out" / "reports" / "goal-review"
            / "A&B _局_ {{ ''.__class__ }}-绩效目标审核意见书.docx")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "A&amp;B &lt;局&gt;" in xml  # escaped in the XML …
    lines = body_lines(path)            # … and read back as the text that was submitted
    assert f"{UNSAFE_DEPARTMENT}：" in lines
    assert "1|X&Y<项目>|2026102001|45.50|良|0|1|基本符合要求，经与部门协商修改后进入预算安排流程" in lines
    assert "../../etc：" in body_lines(path.parent / "____etc-绩效目标审核意见书.docx")
    # the file name cannot leave its folder
    assert all(p.parent == path.parent for p in path.parent.iterdir())


def test_monitor_documents_tables_and_lights_chart(sources, tmp_path):
    run(sources, tmp_path, ["monitor-feedback", "monitor-notice"])
    reports = tmp_path / "out" / "reports"
    letter = body_lines(reports / "monitor-feedback" / "教育局-绩效监控情况反馈书.docx")
    assert "1|乡村教师培训|200.00|60.00|30.00%|75.00%|红|招投标延迟，资金未拨付" in letter
    assert "2|义务教育学校营养改善计划|200.00|186.50|93.25%|75.00%|绿|—" in letter
    assert any(line.startswith("亮红灯的项目：请逐项分析偏差原因") for line in letter)
    notice_path = reports / "monitor-notice" / "监控情况通报.docx"
    notice = body_lines(notice_path)
    assert "1|教育局|已报送|2|400.00|246.50|61.63%|1|0|1" in notice
    assert "3|文化和旅游局|未报送|0|—|—|—|0|0|0" in notice
    assert "文化和旅游局" in notice[notice.index("四、未按时报送监控资料的部门") + 1]
    assert "图1　各部门项目红黄绿灯情况" in notice
    images = image_parts(notice_path)
    assert len(images) == 1 and images[0].startswith(b"\x89PNG")


def test_score_documents_feedback_notice_with_two_charts_and_report(sources, tmp_path):
    run(sources, tmp_path, ["score-feedback", "score-notice", "evaluation-report"])
    reports = tmp_path / "out" / "reports"
    feedback = body_lines(reports / "score-feedback" / "教育局-中小学校舍维修改造-绩效评价结果反馈书.docx")
    assert "自评得分|96.10" in feedback and "复核得分|89.99" in feedback and "评价等级|良" in feedback
    assert "1|“维修校舍面积”自评得分 19.50 高于复核得分 18.40|请重新计分" in feedback
    assert ("请针对上述问题认真整改，自收到本反馈意见之日起30日内（2026年4月4日前）将整改措施书面报送我局。"
            in feedback)
    assert "建议：下年度预算据实合理保障。以上为结果应用建议，最终以预算批复为准。" in feedback
    notice_path = reports / "score-notice" / "评价结果通报.docx"
    notice = body_lines(notice_path)
    assert "良|2|66.67%" in notice  # 3 projects: the twice-evaluated one counts once
    assert "1|教育局|中小学校舍维修改造|96.10|89.99|6.11" in notice
    assert len(image_parts(notice_path)) == 2  # grade distribution + self vs recheck
    report = body_lines(reports / "evaluation-report" / "卫生健康委员会-妇幼健康服务-绩效评价报告.docx")
    assert report[0] == "妇幼健康服务绩效评价报告"
    assert "经评价，“妇幼健康服务”综合得分60.00分，评价等级为“中”。" in report
    assert "八、附件" in report


def test_sample_notice_table(sources, tmp_path):
    run(sources, tmp_path, ["sample-notice"])
    lines = body_lines(tmp_path / "out" / "reports" / "sample-notice" / "抽评名单通知.docx")
    assert "1|2026101001|义务教育学校营养改善计划|教育局|860.00|必选" in lines
    assert "2|卫生健康委员会|1|100.00|妇幼健康服务" in lines
    assert "项目支出绩效自评表及自评报告" in lines


# --------------------------------------------------------------------------- templates

def _template(tmp_path: Path, *paragraphs: list[str]) -> Path:
    """A .docx whose paragraphs hold the given runs (a list of run texts per paragraph)."""
    document = Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text in runs:
            paragraph.add_run(text)
    path = tmp_path / "my-template.docx"
    document.save(str(path))
    return path


def _nothing_written(tmp_path: Path) -> bool:
    reports = tmp_path / "out" / "reports"
    return not reports.exists() or not any(p.is_file() for p in reports.rglob("*"))


def test_a_template_asking_for_dunder_attributes_is_refused(sources, tmp_path):
    template = _template(tmp_path, ["{{ ''.__class__.__mro__ }}"])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-UNSAFE"
    assert error.value.params["template"] == "my-template.docx"
    assert "__class__" in error.value.params["names"]
    assert _nothing_written(tmp_path)
    # and the sandbox itself refuses, should a template get past the check
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        render.sandbox("docx").from_string("{{ ''.__class__.__mro__ }}").render()


def test_missing_placeholders_are_listed_with_the_template_name(sources, tmp_path):
    template = _template(tmp_path, ["{{ department }} {{ budget_cut }} {{ mayor }}"])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-MISSING-VARS"
    assert error.value.params["names"] == "budget_cut, mayor"
    assert "my-template.docx" in error.value.message("zh")
    assert _nothing_written(tmp_path)


def test_tags_split_across_runs_stop_the_run(sources, tmp_path):
    template = _template(tmp_path, ["致", "{{ depart", "ment }}", "："])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-SPLIT-TAG"
    assert "{{ department }}" in error.value.params["tags"]
    assert _nothing_written(tmp_path)


def test_syntax_errors_name_the_paragraph(sources, tmp_path):
    template = _template(tmp_path, ["标题"], ["{% for p in projects %}{{ p.name }}"])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-SYNTAX"
    assert error.value.params["template"] == "my-template.docx"
    assert _nothing_written(tmp_path)


def test_an_unknown_filter_names_the_template_and_the_paragraph(sources, tmp_path):
    template = _template(tmp_path, ["标题"], ["致{{ department|nosuchfilter }}："])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-UNKNOWN-FILTER"
    assert error.value.params["names"] == "|nosuchfilter"
    assert "第 2 段" in error.value.params["where"] and "nosuchfilter" in error.value.params["where"]
    assert "upper" in error.value.params["available"]
    message = error.value.message("zh")
    assert "my-template.docx" in message and "Traceback" not in message
    assert _nothing_written(tmp_path)


def test_an_unknown_field_of_a_loop_item_lists_the_fields_at_that_level(sources, tmp_path):
    template = _template(tmp_path, ["{{ department }}"], ["{% for p in projects %}{{ p.nmae }}"],
                         ["{% endfor %}"])
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-MISSING-VARS"
    assert error.value.params["names"].startswith("p.nmae（第 2 段")
    available = error.value.params["available"].split(", ")
    assert "p.name" in available and "p.code" in available and "p.grade" in available
    assert _nothing_written(tmp_path)
    # the same with an item of an item is fine when the field exists
    template = _template(tmp_path, ["{% for p in projects %}{{ p.name }}{{ p['code'] }}{% endfor %}"])
    run(sources, tmp_path, ["goal-review"], template=template)


def test_an_undefined_field_met_while_rendering_is_said_plainly():
    from jinja2.exceptions import UndefinedError

    template = render.TemplateSource(Path("my-template.docx"), "docx", False)
    error = render._render_error(UndefinedError("'dict object' has no attribute 'mesage'"), template)
    assert error.code == "REPORT-TEMPLATE-UNDEFINED"
    message = error.message("zh")
    assert "mesage" in message and "my-template.docx" in message
    assert not message.rstrip().endswith("：")


@pytest.mark.parametrize("content", [b"not a docx", b"PK\x03\x04 truncated", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_a_template_that_is_not_a_word_document_says_so(sources, tmp_path, content):
    template = tmp_path / "my-template.docx"
    template.write_bytes(content)
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"], template=template)
    assert error.value.code == "REPORT-TEMPLATE-UNREADABLE"
    reason = error.value.params["reason"]
    assert "Word" in reason and "PackageNotFoundError" not in reason and "Package not found" not in reason
    assert _nothing_written(tmp_path)


def test_a_workbook_without_the_sheet_a_kind_needs_produces_nothing_and_keeps_the_last_set(
        sources, tmp_path):
    import openpyxl

    run(sources, tmp_path, ["score-feedback"])
    folder = tmp_path / "out" / "reports" / "score-feedback"
    before = sorted(p.name for p in folder.iterdir())
    assert before
    broken = tmp_path / "scores-broken.xlsx"
    workbook = openpyxl.load_workbook(sources["scores"])
    del workbook["项目得分"]
    workbook.save(broken)
    with pytest.raises(PbmError) as error:
        run(dict(sources, scores=broken), tmp_path, ["score-feedback"])
    assert error.value.code == "REPORT-NO-DOCUMENTS"
    assert error.value.file == "scores-broken.xlsx"
    assert "项目得分" in error.value.params["reason"]
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing deleted, nothing added
    with pytest.raises(PbmError):  # --check says so too
        run(dict(sources, scores=broken), tmp_path, ["score-feedback"], check_only=True)


def test_a_users_own_template_renders(sources, tmp_path):
    template = _template(tmp_path, ["{{ department }}：共{{ project_count }}个项目，{{ grade_summary }}"])
    run(sources, tmp_path, ["goal-review"], template=template)
    lines = body_lines(tmp_path / "out" / "reports" / "goal-review" / "教育局-绩效目标审核意见书.docx")
    assert lines == ["教育局：共2个项目，优 1 个，良 0 个，中 1 个，差 0 个"]


def test_every_shipped_template_passes_its_own_checks():
    from pbm.reports.documents import context_keys

    for kind in (k for k in KINDS.values() if k.templated):  # publish has no template
        for fmt in ("docx", "md"):
            used = render.preflight(render.shipped_template(kind, fmt), context_keys(kind))
            assert used <= context_keys(kind)


# --------------------------------------------------------------------------- re-runs

def test_a_second_run_replaces_the_first_set(sources, tmp_path):
    folder = tmp_path / "out" / "reports" / "goal-review"
    run(sources, tmp_path, ["goal-review"])
    (folder / "已撤销部门-绩效目标审核意见书.docx").write_bytes(b"stale")
    (folder / "备注.txt").write_text("a user's own note", encoding="utf-8")
    run(sources, tmp_path, ["goal-review"], fmt="md")
    killed = tmp_path / "out" / "reports" / ".~pbm-goal-review-killed"  # a run that was killed
    killed.mkdir()
    (killed / "半份.docx").write_bytes(b"partial")
    with output_lock(tmp_path / "out"):  # as `pbm report` runs: the lock clears what was left
        run(sources, tmp_path, ["goal-review"])
    names = sorted(p.name for p in folder.iterdir())
    assert "已撤销部门-绩效目标审核意见书.docx" not in names  # stale docx from an earlier run
    assert "备注.txt" in names                               # not a file pbm owns
    assert "教育局-绩效目标审核意见书.md" in names           # the md set is another format's
    assert sum(n.endswith(".docx") for n in names) == 3
    leftovers = [p for p in (tmp_path / "out" / "reports").iterdir() if p.name.startswith(".~pbm")]
    assert leftovers == []


def test_a_failed_render_leaves_the_previous_set(sources, tmp_path, monkeypatch):
    run(sources, tmp_path, ["goal-review"])
    before = sorted(p.name for p in (tmp_path / "out" / "reports" / "goal-review").iterdir())

    def broken(job):
        raise OSError("disk full")

    monkeypatch.setattr(render, "_render_docx_job", broken)
    with pytest.raises(PbmError) as error:
        run(sources, tmp_path, ["goal-review"])
    assert error.value.code == "REPORT-RENDER-FAILED"
    after = sorted(p.name for p in (tmp_path / "out" / "reports" / "goal-review").iterdir())
    assert after == before
    assert not [p for p in (tmp_path / "out" / "reports").iterdir() if p.name.startswith(".~pbm")]


def test_many_letters_render_in_a_two_process_pool(sources, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "POOL_THRESHOLD", 2)
    result = run(sources, tmp_path, ["monitor-feedback"], processes=2)
    assert result.kinds == {"monitor-feedback": 2}  # 文化和旅游局 gets a 催报通知 instead
    lines = body_lines(tmp_path / "out" / "reports" / "monitor-feedback" / "卫生健康委员会-绩效监控情况反馈书.docx")
    assert "1|妇幼健康服务|100.00|50.00|50.00%|75.00%|黄|下半年集中支付" in lines


# --------------------------------------------------------------------------- md / html

def test_markdown_and_html_say_the_same_and_escape_submitted_text(sources, tmp_path):
    run(sources, tmp_path, ["goal-review", "monitor-notice"], fmt="md")
    reports = tmp_path / "out" / "reports"
    markdown = (reports / "goal-review" / "A&B _局_ {{ ''.__class__ }}-绩效目标审核意见书.md"
                ).read_text(encoding="utf-8")
    assert "A\\&B \\<局\\> {{ ''.\\_\\_class\\_\\_ }}：" in markdown
    assert "| 1 | X\\&Y\\<项目\\> | 2026102001 | 45.50 | 良 | 0 | 1 |" in markdown
    assert (reports / "monitor-notice" / "监控情况通报-lights.png").read_bytes().startswith(b"\x89PNG")
    assert "](<监控情况通报-lights.png>)" in (reports / "monitor-notice" / "监控情况通报.md").read_text(
        encoding="utf-8")

    run(sources, tmp_path, ["goal-review", "monitor-notice"], fmt="html")
    page = (reports / "goal-review" / "A&B _局_ {{ ''.__class__ }}-绩效目标审核意见书.html"
            ).read_text(encoding="utf-8")
    assert "<p>A&amp;B &lt;局&gt; {{ &#x27;&#x27;.__class__ }}：</p>" in page
    assert "<td>X&amp;Y&lt;项目&gt;</td>" in page
    assert "<script" not in page
    notice = (reports / "monitor-notice" / "监控情况通报.html").read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in notice
    assert "<td>文化和旅游局</td><td>未报送</td>" in notice


def test_markdown_to_html_subset():
    from pbm.reports.markup import markdown_to_html

    page = markdown_to_html("# 标题\n\n正文 **重点** a\\|b\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 | x\\|y |\n\n"
                            "- 第一\n- 第二\n", "t")
    assert "<h1>标题</h1>" in page
    assert "<p>正文 <strong>重点</strong> a|b</p>" in page
    assert "<tr><td>1</td><td>x|y</td></tr>" in page
    assert "<ul><li>第一</li><li>第二</li></ul>" in page


# --------------------------------------------------------------------------- fonts

def test_charts_use_a_cjk_font_when_the_machine_has_one(monkeypatch):
    from matplotlib import font_manager

    monkeypatch.delenv("PBM_CJK_FONT", raising=False)
    installed = [p for p in font_manager.findSystemFonts() if charts._CJK_FILE.search(p)]
    known = {f.name for f in font_manager.fontManager.ttflist} & set(charts.CJK_FAMILIES)
    charts.cjk_font.cache_clear()
    try:
        font = charts.cjk_font()
        assert (font is not None) == bool(installed or known)
        if known:
            assert font in charts.CJK_FAMILIES
        # a font installed after matplotlib built its font cache is still found, by file name
        monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
        charts.cjk_font.cache_clear()
        assert (charts.cjk_font() is not None) == bool(installed)
    finally:
        charts.cjk_font.cache_clear()


def test_without_a_cjk_font_charts_still_render_and_pbm_warns_once(sources, tmp_path, monkeypatch):
    monkeypatch.setenv("PBM_CJK_FONT", "none")
    charts.cjk_font.cache_clear()
    try:
        result = run(sources, tmp_path, ["monitor-notice", "score-notice"])
    finally:
        charts.cjk_font.cache_clear()
    assert [f.code for f in result.findings].count("REPORT-NO-CJK-FONT") == 1
    notice = tmp_path / "out" / "reports" / "score-notice" / "评价结果通报.docx"
    images = image_parts(notice)
    assert len(images) == 2 and all(i.startswith(b"\x89PNG") for i in images)


def test_without_matplotlib_documents_render_without_charts(sources, tmp_path, monkeypatch):
    def unavailable(request):
        raise charts.ChartsUnavailable("no matplotlib")

    monkeypatch.setattr(charts, "draw", unavailable)
    result = run(sources, tmp_path, ["monitor-notice"])
    assert [f.code for f in result.findings] == ["REPORT-NO-CHARTS"]
    path = tmp_path / "out" / "reports" / "monitor-notice" / "监控情况通报.docx"
    assert image_parts(path) == []
    assert "图1　各部门项目红黄绿灯情况" not in body_lines(path)  # no caption without its chart


def test_shipped_templates_set_chinese_fonts_in_their_styles_and_are_slim():
    folder = render.shipped_template(KINDS["goal-review"], "docx").path.parent
    for kind in (k for k, v in KINDS.items() if v.templated):
        path = folder / f"{kind}.docx"
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            styles = archive.read("word/styles.xml").decode("utf-8")
        assert path.stat().st_size < 20_000, kind
        assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
        assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles
        document = Document(str(path))
        assert document.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)


def test_build_script_reproduces_the_shipped_templates():
    import importlib.util

    folder = render.shipped_template(KINDS["goal-review"], "docx").path.parent
    spec = importlib.util.spec_from_file_location("build_templates", folder / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SPECS["evaluation-report"]["blocks"] = module._report_blocks()
    for kind in ("goal-review", "evaluation-report"):
        built = module.build_docx(kind, module.SPECS[kind])
        assert built == (folder / f"{kind}.docx").read_bytes(), kind
        assert module.build_markdown(module.SPECS[kind]) == \
            (folder / f"{kind}.md.j2").read_text(encoding="utf-8")
    assert zipfile.ZipFile(io.BytesIO(built)).testzip() is None


def test_the_same_inputs_give_byte_identical_documents(sources, tmp_path):
    run(sources, tmp_path, ["goal-review", "score-notice"])
    folder = tmp_path / "out" / "reports"
    first = {p.name: p.read_bytes() for p in folder.rglob("*.docx")}
    run(sources, tmp_path, ["goal-review", "score-notice"])
    second = {p.name: p.read_bytes() for p in folder.rglob("*.docx")}
    assert first == second and len(first) == 4


@pytest.mark.parametrize("font", ["auto", "none"])
def test_every_chart_kind_draws(font, monkeypatch):
    from decimal import Decimal

    from pbm.reports.context import ChartRequest

    if font == "none":
        monkeypatch.setenv("PBM_CJK_FONT", "none")
    else:
        monkeypatch.delenv("PBM_CJK_FONT", raising=False)
    charts.cjk_font.cache_clear()
    try:
        many = [(f"项目{i}", Decimal(90 + i % 7), Decimal(88 + i % 5)) for i in range(30)]
        requests = [ChartRequest("lights", "灯", [("教育局", 1, 2, 3), ("民政局", 0, 0, 0)]),
                    ChartRequest("grades", "等级", [("优", 3), ("良", 1), ("中", 0), ("差", 1)]),
                    ChartRequest("self_vs_recheck", "对比", many),           # scatter above 25
                    ChartRequest("self_vs_recheck", "对比", many[:3] + [("评价", None, Decimal(80))])]
        for request in requests:
            image = charts.draw(request)
            assert image.png.startswith(b"\x89PNG") and image.width_mm == charts.WIDTH_MM
    finally:
        charts.cjk_font.cache_clear()
