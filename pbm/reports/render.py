"""Render documents: pre-flight checks, a sandboxed Jinja environment, docx/md/html output,
a 2-process pool for many letters, atomic publication, guarded as docxtpl's issues advise.

Safety: every template renders in ``ImmutableSandboxedEnvironment``, bounded in steps, time
and sizes (:mod:`pbm.reports.bounded`), with autoescape on for Word XML, so a department called ``A&B <局>`` or ``{{ ''.__class__ }}`` is
text, never markup or code; a TEMPLATE that reaches for ``__class__`` is refused before
rendering and, failing that, by the sandbox.  Control characters that XML forbids are removed
from submitted text so the .docx always opens.

Speed (loading a template costs more than filling it, as measured): the template's bytes are
loaded once per process, its Jinja source is compiled once per process (see
``_CompiledDocxTemplate``), letters go to two processes.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.reports.context import DocumentSpec, Kind

FORMATS = ("docx", "md", "html")
#: Files a format owns inside out/reports/<kind>/ (a re-run replaces exactly these; the
#: staging and publishing are pbm.workbook.writer's, as for every output set).
FORMAT_SUFFIXES = {"docx": (".docx",), "md": (".md", ".png"), "html": (".html",)}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
POOL_THRESHOLD = 12  # fewer documents than this render in-process (a pool costs ~0.3 s to start)


# --------------------------------------------------------------------------- templates

@dataclass(frozen=True)
class TemplateSource:
    path: Path
    fmt: str            # docx | md (html uses the md template)
    shipped: bool

    @property
    def name(self) -> str:
        return self.path.name


def shipped_template(kind: Kind, fmt: str) -> TemplateSource:
    from pbm.resources import resource_dir

    folder = resource_dir("templates")
    if fmt == "docx":
        return TemplateSource(folder / f"{kind.key}.docx", "docx", True)
    return TemplateSource(folder / f"{kind.key}.md.j2", "md", True)


def user_template(path: Path, fmt: str) -> TemplateSource:
    path = Path(path)
    if not path.is_file():
        raise PbmError("REPORT-TEMPLATE-UNREADABLE", file=str(path), template=path.name,
                       reason="文件不存在 / no such file")
    wants_docx = fmt == "docx"
    if wants_docx != (path.suffix.lower() == ".docx"):
        needed = ".docx" if wants_docx else "文本 (.md/.j2) / text"
        raise PbmError("CLI-USAGE", reason=(f"--template {path.name}: --format {fmt} 需要 {needed} "
                                            f"模板 / --format {fmt} needs a {needed} template"))
    return TemplateSource(path, "docx" if wants_docx else "md", False)


def sandbox(fmt: str):
    """The one Jinja environment pbm renders with: sandboxed, immutable, strict undefined,
    bounded in steps, time and sizes (:mod:`pbm.reports.bounded`); Word XML autoescaped,
    Markdown escaped by ``md_escape`` on every printed value."""
    from jinja2 import StrictUndefined

    from pbm.reports.bounded import BoundedSandbox

    if fmt == "docx":
        return BoundedSandbox(autoescape=True, undefined=StrictUndefined)
    return BoundedSandbox(autoescape=False, undefined=StrictUndefined,
                          finalize=md_escape, keep_trailing_newline=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#])")


def md_escape(value: Any) -> Any:
    """Submitted text printed into Markdown stays text: CommonMark backslash escapes for the
    characters that could start markup, line breaks folded so a table row stays one line."""
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return value
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def clean_context(value: Any) -> Any:
    """Remove characters XML 1.0 forbids (a pasted \\x0b would make Word refuse the file)."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {k: clean_context(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_context(v) for v in value]
    return value


# --------------------------------------------------------------------------- pre-flight

@dataclass
class TemplateText:
    """A template's Jinja source as rendering will see it, plus its paragraphs' visible text."""

    source: str
    paragraphs: list[list[str]]  # per paragraph, the text of each w:t in order
    document: Any = None         # the python-docx Document of a .docx template


def template_text(template: TemplateSource) -> TemplateText:
    if template.fmt != "docx":
        try:
            return TemplateText(template.path.read_text(encoding="utf-8-sig"), [])
        except (OSError, UnicodeDecodeError) as exc:
            raise PbmError("REPORT-TEMPLATE-UNREADABLE", file=str(template.path),
                           template=template.name, reason=str(exc)) from None
    try:
        from docx.opc.oxml import parse_xml
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(template.path))
        document = tpl.get_docx()
        parts = [document._element.body]
        for rel in document.part.rels.values():
            if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and rel.target_part.blob:
                parts.append(parse_xml(rel.target_part.blob))
    except Exception as exc:  # not a zip, not a Word document, damaged XML …
        raise PbmError("REPORT-TEMPLATE-UNREADABLE", file=str(template.path),
                       template=template.name, reason=_not_a_docx(template.path, exc)) from None
    source = "".join(tpl.patch_xml(tpl.xml_to_string(part)) for part in parts)
    # As docxtpl does before compiling: one line per paragraph, so a line number is a paragraph.
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = []
    for part in parts:
        for paragraph in part.iter(f"{w}p"):
            paragraphs.append([t.text or "" for t in paragraph.iter(f"{w}t")])
    return TemplateText(source, paragraphs, document)


def _not_a_docx(path: Path, exc: Exception) -> str:
    """Why a .docx template cannot be opened, in words a Word user understands."""
    import zipfile

    try:
        with Path(path).open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return f"无法打开文件 / cannot open the file ({error.strerror or error})"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("这不是 .docx 格式的 Word 文档（是旧版 .doc 或加密的文件），请在 Word 中“另存为”.docx"
                " / not a .docx Word document (an old .doc or an encrypted file): save it as .docx in Word")
    if not zipfile.is_zipfile(path):
        return ("这不是 Word 文档（.docx）：文件内容不是 Word 格式，可能是改了扩展名的其他文件或已损坏"
                " / not a Word document (.docx): the file is something else renamed, or damaged")
    return ("这不是有效的 Word 文档（.docx）：压缩包中缺少 Word 文档的内容，可能是其他 Office 文件改了扩展名"
            f" / not a valid Word document (.docx): the package holds no Word document ({type(exc).__name__})")


def split_tags(paragraphs: list[list[str]]) -> list[str]:
    """Tags whose characters Word spread over several runs, or over several paragraphs.

    docxtpl's regex repair (patch_xml) covers the common cases but is fragile (its issues 81, 204),
    so pbm asks for the tag to be retyped instead of guessing.
    """
    problems = []
    for number, pieces in enumerate(paragraphs, start=1):
        visible = "".join(pieces)
        bounds, offset = [], 0
        for piece in pieces:
            bounds.append((offset, offset + len(piece)))
            offset += len(piece)
        for match in _TAG.finditer(visible):
            start, end = match.start(), match.end() - 1
            runs = [i for i, (low, high) in enumerate(bounds) if low <= end and high > start
                    and high > low]
            if len(runs) > 1:
                problems.append(f"第 {number} 段 {match.group(0)}（{len(runs)} 段文本 / runs）")
        rest = _TAG.sub("", visible)
        for opener in ("{{", "{%", "{#"):
            if opener in rest:
                snippet = rest[rest.index(opener):][:30]
                problems.append(f"第 {number} 段 “{snippet}” 未在本段闭合 / not closed in its paragraph")
    return problems


def unsafe_names(ast) -> list[str]:
    """Attribute look-ups a document template never needs: private/dunder names, |attr."""
    from jinja2 import nodes

    found = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            found.append(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
            found.append(node.arg.value)
        elif isinstance(node, nodes.Filter) and node.name in ("attr",):
            found.append("|attr")
    return sorted(set(found))


def unknown_filters(ast, env) -> list[tuple[str, int]]:
    """Filters and tests (``|nosuchfilter``, ``is nosuchtest``) the environment does not have."""
    from jinja2 import nodes

    found = []
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            prefix = "|" if isinstance(node, nodes.Filter) else "is "
            found.append((prefix + node.name, node.lineno))
    return found


def unknown_fields(ast, contexts: Iterable[dict[str, Any]]) -> list[tuple[str, int, list[str]]]:
    """``q.mesage`` where every value ``q`` takes in the data is a dict without that key.

    Follows ``{% for q in problems %}`` through the documents' own data, so the check knows what
    a loop variable holds; a name set or passed inside the template, ``loop``, filters and calls
    are not followed (render time still catches those).  Returns (placeholder, line, the keys
    available at that level) per unknown field, in template order.
    """
    from collections.abc import Mapping

    from jinja2 import nodes

    contexts = [c for c in contexts if isinstance(c, Mapping)]
    if not contexts:
        return []
    loop_targets = {id(name) for loop in ast.find_all(nodes.For)
                    for name in loop.target.find_all(nodes.Name)} | \
        {id(loop.target) for loop in ast.find_all(nodes.For)}
    assigned = {n.name for n in ast.find_all(nodes.Name)
                if n.ctx in ("store", "param") and id(n) not in loop_targets}

    def key_of(node) -> str | None:
        if isinstance(node, nodes.Getattr):
            return node.attr
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            return node.arg.value
        return None

    def text_of(node) -> str:
        if isinstance(node, nodes.Name):
            return node.name
        key = key_of(node)
        return f"{text_of(node.node)}.{key}" if key is not None else "…"

    def values(node, scope) -> list | None:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in assigned:
                return None
            found = [c[node.name] for c in contexts if node.name in c]
            return found or None
        key = key_of(node)
        if key is None:
            return None
        base = values(node.node, scope)
        if not base or not all(isinstance(v, Mapping) for v in base):
            return None
        found = [v[key] for v in base if key in v]
        return found or None

    problems: list[tuple[str, int, list[str]]] = []

    def visit(node, scope) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            inner = dict(scope)
            lists = values(node.iter, scope)
            items = None
            if lists and all(isinstance(v, (list, tuple)) for v in lists):
                items = [item for v in lists for item in v] or None
            for name in node.target.find_all(nodes.Name):
                inner[name.name] = None
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = items
            inner["loop"] = None
            for child in node.body:
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            for child in node.else_:
                visit(child, scope)
            return
        key = key_of(node)
        if key is not None:
            base = values(node.node, scope)
            if base and all(isinstance(v, Mapping) for v in base) \
                    and not any(key in v for v in base) and not hasattr(dict, key):
                keys = sorted({str(k) for v in base for k in v})
                problems.append((text_of(node), node.lineno, keys))
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(ast, {})
    return problems


def preflight(template: TemplateSource, provided: Iterable[str],
              contexts: Iterable[dict[str, Any]] = (),
              findings: list[Finding] | None = None) -> set[str]:
    """Check one template before anything is rendered; raise PbmError naming the template.

    Order: unreadable → split tags → Jinja syntax → unsafe attributes → unknown filters →
    placeholders the data does not provide → fields the data's items do not have (with
    ``contexts``, the documents' data).  Returns the variables the template uses.  With
    ``findings``, a .docx template that passed also has its pagination checked
    (:func:`keep_together_findings`); those warnings are appended, nothing is raised.
    """
    from jinja2 import TemplateSyntaxError, meta

    text = template_text(template)
    if template.fmt == "docx":
        split = split_tags(text.paragraphs)
        if split:
            raise PbmError("REPORT-TEMPLATE-SPLIT-TAG", file=str(template.path),
                           template=template.name, tags="；".join(split[:5]))
    env = sandbox(template.fmt)
    try:
        ast = env.parse(text.source)
    except TemplateSyntaxError as exc:
        where = _visible_line(text.source, exc.lineno) if template.fmt == "docx" else \
            f"第 {exc.lineno} 行"
        raise PbmError("REPORT-TEMPLATE-SYNTAX", file=str(template.path), template=template.name,
                       reason=exc.message or str(exc), where=where) from None
    unsafe = unsafe_names(ast)
    if unsafe:
        raise PbmError("REPORT-TEMPLATE-UNSAFE", file=str(template.path), template=template.name,
                       names=", ".join(unsafe))

    def locate(lineno: int | None) -> str:
        return _visible_line(text.source, lineno) if template.fmt == "docx" else \
            f"第 {lineno} 行 / line {lineno}"

    filters = unknown_filters(ast, env)
    if filters:
        lineno = filters[0][1]
        raise PbmError("REPORT-TEMPLATE-UNKNOWN-FILTER", file=str(template.path),
                       template=template.name, names=", ".join(dict.fromkeys(n for n, _ in filters)),
                       where=locate(lineno),
                       available=", ".join(sorted(f for f in env.filters
                                                  if f != "attr" and not f.startswith("_"))))
    try:
        env.compile(text.source)  # what parsing alone lets through (TemplateAssertionError)
        used = meta.find_undeclared_variables(ast)
    except TemplateSyntaxError as exc:
        raise PbmError("REPORT-TEMPLATE-SYNTAX", file=str(template.path), template=template.name,
                       reason=exc.message or str(exc), where=locate(exc.lineno)) from None
    missing = sorted(used - set(provided) - set(env.globals))
    if missing:
        raise PbmError("REPORT-TEMPLATE-MISSING-VARS", file=str(template.path),
                       template=template.name, names=", ".join(missing),
                       available=", ".join(sorted(provided)))
    fields = unknown_fields(ast, contexts)
    if fields:
        placeholder, lineno, keys = fields[0]
        base = placeholder.rsplit(".", 1)[0]
        others = list(dict.fromkeys(p for p, _, _ in fields[1:]))
        names = f"{placeholder}（{locate(lineno)}）" + (f"，{', '.join(others)}" if others else "")
        raise PbmError("REPORT-TEMPLATE-MISSING-VARS", file=str(template.path),
                       template=template.name, names=names,
                       available=", ".join(f"{base}.{key}" for key in keys))
    if findings is not None and template.fmt == "docx":
        findings.extend(keep_together_findings(template, text.document))
    return used


# --------------------------------------------------------------------------- pagination

#: Paragraph styles (by name, as Word shows them) and texts that mark what must not be parted
#: from its neighbour by a page break: 图题/表题 and 成文日期 (the signature is the text above it).
_CAPTION_STYLE = re.compile(r"caption|题注|图题|表题|图名|表名", re.IGNORECASE)
_CAPTION_TEXT = re.compile(r"^\s*[图表]\s*[0-9０-９一二三四五六七八九十]+")
_DATE_STYLE = re.compile(r"成文日期|发文日期", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^\s*(\{\{\s*date\s*\}\}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
_LONE_TAG = re.compile(r"^\s*\{\{\s*[A-Za-z_]\w*\s*\}\}\s*$")
_CONTROL_LINE = re.compile(r"^\s*\{%[pr]\s.*%\}\s*$", re.DOTALL)  # a line docxtpl removes


@dataclass
class _Block:
    """A body element of a .docx template as pagination sees it."""

    number: int | None      # 第 N 段, counted as the split-tag check counts (table cells too)
    paragraph: Any = None   # python-docx Paragraph; None for a table
    text: str = ""

    @property
    def style(self) -> str:
        return self.paragraph.style.name if self.paragraph is not None else ""

    @property
    def is_table(self) -> bool:
        return self.paragraph is None

    @property
    def is_figure(self) -> bool:
        if self.paragraph is None:
            return False
        element = self.paragraph._p
        return bool(element.xpath(".//w:drawing | .//w:pict")) or bool(_LONE_TAG.match(self.text))

    @property
    def is_caption(self) -> bool:
        if self.paragraph is None or not self.text.strip():
            return False
        return bool(_CAPTION_STYLE.search(self.style)) or bool(_CAPTION_TEXT.match(self.text))


def _body_blocks(document) -> list[_Block]:
    """Body paragraphs and tables in order, without the ``{%p …%}`` lines rendering removes."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    body = document.element.body
    numbers = {p: n for n, p in enumerate(body.iter(qn("w:p")), start=1)}
    blocks = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document._body)
            if not _CONTROL_LINE.match(paragraph.text):
                blocks.append(_Block(numbers[child], paragraph, paragraph.text))
        elif child.tag == qn("w:tbl"):
            blocks.append(_Block(None))
    return blocks


def keeps_with_next(paragraph) -> bool:
    """与下段同页 as Word applies it: the paragraph's own setting, else its style's, else the
    style it is based on, and so on."""
    own = paragraph.paragraph_format.keep_with_next
    if own is not None:
        return own
    style = paragraph.style
    while style is not None:
        setting = style.paragraph_format.keep_with_next
        if setting is not None:
            return setting
        style = style.base_style
    return False


def keep_together_findings(template: TemplateSource, document=None) -> list[Finding]:
    """REPORT-TEMPLATE-KEEP warnings for a .docx template whose pagination can part

    * a figure from its caption: the first of the two (the figure when the caption is below
      it, the caption when it is above) must keep with the next paragraph;
    * a table from the caption above it (表题);
    * 发文机关署名 from 成文日期 (GB/T 9704-2012 7.3.5): every paragraph from the signature
      down to the date must keep with the next.

    A figure is a paragraph holding a picture or only a placeholder (``{{ score_chart }}``); a
    caption is a paragraph in a caption style (caption/题注/图题/表题) or starting 图1/表1; the
    date is a paragraph holding only ``{{ date }}`` or a date, or in the 成文日期 style.
    """
    if document is None:
        from docx import Document

        document = Document(str(template.path))
    blocks = _body_blocks(document)
    findings: list[Finding] = []

    def flag(block: _Block, what: tuple[str, str]) -> None:
        findings.append(Finding("REPORT-TEMPLATE-KEEP", file=str(template.path), params={
            "template": template.name, "paragraph": block.number, "style": block.style,
            "text": _excerpt(block.text) or "（空段）", "what_zh": what[0], "what_en": what[1]}))

    for index, block in enumerate(blocks):
        if not block.is_caption:
            continue
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        before = blocks[index - 1] if index else None
        if after is not None and (after.is_figure or after.is_table):
            first, what = block, ("题注与其下的图表", "the caption and the figure or table below it")
        elif before is not None and before.is_figure:
            first, what = before, ("图与其下的题注", "the figure and the caption below it")
        else:
            continue
        if not keeps_with_next(first.paragraph):
            flag(first, what)
    for index, block in enumerate(blocks):
        if not _is_date(block):
            continue
        # from the signature (the first paragraph with text above) down to the date
        chain: list[_Block] = []
        for earlier in reversed(blocks[:index]):
            if earlier.is_table:
                break
            chain.insert(0, earlier)
            if earlier.text.strip():
                break
        if not chain or not chain[0].text.strip():
            continue
        loose = [b for b in chain if not keeps_with_next(b.paragraph)]
        if loose:
            flag(loose[0], ("发文机关署名与成文日期", "the signature and the date"))
    return findings


def _is_date(block: _Block) -> bool:
    """成文日期: a paragraph holding only {{ date }} or a date, or any text in a date style."""
    if block.is_table or not block.text.strip():
        return False
    return bool(_DATE_TEXT.match(block.text) or _DATE_STYLE.search(block.style))


def _excerpt(text: str, limit: int = 24) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _visible_line(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    visible = re.sub(r"<[^>]+>", "", line).strip()
    return f"第 {max(lineno - 1, 1)} 段 “{visible[:60]}”"


# --------------------------------------------------------------------------- docx rendering

_WORKER: dict[str, Any] = {}


_LISTING_CHARS = ("\t", "\a", "\n", "\f")


def _compiled_template_class():
    from docxtpl import DocxTemplate

    class _CompiledDocxTemplate(DocxTemplate):
        """docxtpl with its per-letter fixed costs paid once per process (most of the cost): the
        template XML is patched and compiled once, document properties without a tag are not
        recompiled, and the Listing pass runs only when a value carries a tab or line break."""

        _patched: ClassVar[dict[str, str]] = {}
        _compiled: ClassVar[dict[str, Any]] = {}

        def patch_xml(self, src_xml):
            patched = self._patched.get(src_xml)
            if patched is None:
                patched = self._patched[src_xml] = super().patch_xml(src_xml)
            return patched

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            self.current_rendering_part = part
            compiled = self._compiled.get(src_xml)
            if compiled is None:
                compiled = self._compiled[src_xml] = jinja_env.from_string(literal_tags(src_xml))
            dst_xml = compiled.render(context)
            dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
            if any(char in dst_xml for char in _LISTING_CHARS):
                dst_xml = self.resolve_listing(dst_xml)  # a line break typed in a cell → <w:br/>
            return dst_xml

        def render_properties(self, context, jinja_env=None):
            properties = self.docx.core_properties
            for name in ("author", "comments", "identifier", "language", "subject", "title"):
                initial = getattr(properties, name) or ""
                if "{" not in initial:
                    continue  # nothing to fill: skip compiling a template per letter
                compiled = self._compiled.get(initial)
                if compiled is None:
                    compiled = self._compiled[initial] = jinja_env.from_string(initial)
                setattr(properties, name, compiled.render(context))

    return _CompiledDocxTemplate


_ESCAPED_TAG = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_LITERAL_TAG = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}


def literal_tags(source: str) -> str:
    """docxtpl's escapes in a template (``{_{ x }_}`` prints ``{{ x }}``) made Jinja literals.

    docxtpl replaces ``{_{`` by ``{{`` in the *rendered* XML, which rewrote submitted text as
    well: a project called ``{_{ 7*7 }_}`` came out as ``{{ 7*7 }}``.  Turned into literals
    before compiling, the escapes print as they should and the data is never touched.
    """
    return _ESCAPED_TAG.sub(lambda match: _LITERAL_TAG[match.group(0)], source)


def _worker_init(template_path: str, parent: int | None = None) -> None:
    """Per process: read the template once, build the sandbox once; end with the parent."""
    if parent is not None:
        from pbm.perf import end_with_parent

        end_with_parent(parent)
    _WORKER.clear()
    _WORKER["path"] = template_path
    _WORKER["bytes"] = Path(template_path).read_bytes()
    _WORKER["env"] = sandbox("docx")
    _WORKER["class"] = _compiled_template_class()


def _render_docx_job(job: tuple[dict[str, Any], dict[str, tuple[bytes, int]], str]) -> str:
    """Render one document into ``target`` (a file in the staging folder)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    context, images, target = job
    tpl = _WORKER["class"](io.BytesIO(_WORKER["bytes"]))
    _WORKER["env"].start_render()  # each document has the whole budget of steps and time
    context = dict(context)
    for key, (png, width_mm) in images.items():
        context[key] = InlineImage(tpl, io.BytesIO(png), width=Mm(width_mm))
    tpl.render(context, _WORKER["env"], autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    Path(target).write_bytes(fixed_zip_times(buffer.getvalue()))
    return target


def fixed_zip_times(package: bytes) -> bytes:
    """The same package with every zip entry dated 1980-01-01, so a re-run with the same
    inputs and date gives byte-identical documents; python-docx stamps the clock."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _pool_context():
    """fork where it is safe: POSIX, no polars imported (forking after polars can deadlock: a
    pool hung when measured) and no other thread alive (a lock held by another thread stays
    held in the child).  Otherwise forkserver with the renderer preloaded, or spawn where
    neither exists (Windows)."""
    import multiprocessing

    from pbm.perf import fork_context

    forked = fork_context()
    if forked is not None:
        return forked
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pbm.reports.render", "docxtpl"])
        return context
    return multiprocessing.get_context("spawn")


def render_docx_batch(template: TemplateSource, jobs: list[tuple[dict, dict, str]],
                      processes: int = 2, progress: Callable[[], None] | None = None) -> None:
    """Render ``jobs`` (context, images, target) with one template; a pool when worth it."""
    if not jobs:
        return
    if processes <= 1 or len(jobs) < POOL_THRESHOLD:
        _worker_init(str(template.path))
        for job in jobs:
            _render_one_safely(job, template)
            if progress:
                progress()
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=processes, mp_context=_pool_context(),
                             initializer=_worker_init,
                             initargs=(str(template.path), os.getpid())) as pool:
        chunk = max(1, len(jobs) // (processes * 8))
        try:
            for _ in pool.map(_render_docx_job, jobs, chunksize=chunk):
                if progress:
                    progress()
        except Exception as exc:
            raise _render_error(exc, template) from None


def _render_one_safely(job, template: TemplateSource) -> None:
    try:
        _render_docx_job(job)
    except Exception as exc:
        raise _render_error(exc, template) from None


def _render_error(exc: Exception, template: TemplateSource) -> PbmError:
    from jinja2.exceptions import SecurityError, UndefinedError

    from pbm.reports.bounded import RenderLimitError

    if isinstance(exc, PbmError):
        return exc
    if isinstance(exc, RenderLimitError):
        return PbmError("REPORT-TEMPLATE-LIMIT", file=str(template.path), template=template.name,
                        limit=exc.zh, limit_en=exc.en)
    if isinstance(exc, (MemoryError, RecursionError)):
        return PbmError("REPORT-TEMPLATE-LIMIT", file=str(template.path), template=template.name,
                        limit="内存不足" if isinstance(exc, MemoryError) else "递归过深",
                        limit_en="out of memory" if isinstance(exc, MemoryError)
                        else "recursion too deep")
    if isinstance(exc, SecurityError):
        return PbmError("REPORT-TEMPLATE-UNSAFE", file=str(template.path), template=template.name,
                        names=str(exc))
    if isinstance(exc, UndefinedError):
        message = str(exc)
        attribute = re.search(r"has no attribute '([^']*)'", message)
        name = re.search(r"'([^']*)' is undefined", message)
        what = (f"字段“{attribute.group(1)}” / field '{attribute.group(1)}'" if attribute else
                f"“{name.group(1)}” / '{name.group(1)}'" if name else message)
        return PbmError("REPORT-TEMPLATE-UNDEFINED", file=str(template.path),
                        template=template.name, names=what)
    return PbmError("REPORT-RENDER-FAILED", file=str(template.path), template=template.name,
                    reason=f"{type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- md / html

def render_text(template: TemplateSource, context: dict[str, Any]) -> str:
    """A Markdown document from the kind's .md.j2 template (sandboxed, values escaped)."""
    try:
        compiled = _text_template(str(template.path), template.path.stat().st_mtime_ns)
        compiled.environment.start_render()
        return compiled.render(context)
    except Exception as exc:
        raise _render_error(exc, template) from None


@functools.lru_cache(maxsize=16)
def _text_template(path: str, mtime_ns: int):
    """Read and compile a .md.j2 template once per run, not once per letter."""
    return sandbox("md").from_string(Path(path).read_text(encoding="utf-8-sig"))


def job_for(spec: DocumentSpec, images: dict[str, tuple[bytes, int]], target: Path
            ) -> tuple[dict[str, Any], dict[str, tuple[bytes, int]], str]:
    context = clean_context(spec.context)
    for key in spec.charts:
        if key not in images:
            context[key] = ""  # no chart drawn: the paragraph stays empty
    return context, images, str(target)
