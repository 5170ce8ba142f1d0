"""``pbm report``: from pbm's output workbooks to the documents a finance bureau sends.

Order of work, chosen so that a bad template or a crash never leaves a half set behind:
read the workbooks → build every context → check every template (nothing written yet) →
draw the charts → render each kind into a hidden staging folder → only when all kinds
rendered, move the files into ``out/reports/<kind>/`` and drop that format's stale files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm import __version__
from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.reports.context import (
    KINDS,
    DocumentSpec,
    Kind,
    ReportSettings,
    chinese_date,
    warnings_of,
)
from pbm.reports.documents import build_documents, context_keys
from pbm.reports.inputs import SOURCE_PATTERNS, OutputWorkbook, read_output_workbook
from pbm.reports.register import REGISTER_NAME, NumberRegister
from pbm.reports.render import (
    FORMAT_SUFFIXES,
    FORMATS,
    TemplateSource,
    job_for,
    preflight,
    render_docx_batch,
    render_text,
    shipped_template,
    user_template,
)
from pbm.workbook.writer import check_targets, discard, publish, staging_folder, unique_stems

SOURCE_COMMANDS = {"goals": "pbm validate goals/", "monitor": "pbm monitor q3/",
                   "sample": "pbm sample", "scores": "pbm score self-eval/",
                   "rectification": "pbm report goal-review（及 pbm rectify）"}


@dataclass
class RenderedDocument:
    kind: str
    title: str
    path: Path
    department: str | None = None
    project: str | None = None
    doc_number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "path": str(self.path),
                "department": self.department, "project": self.project,
                "doc_number": self.doc_number}


@dataclass
class ReportResult:
    fmt: str
    documents: list[RenderedDocument]
    findings: list[Finding]
    kinds: dict[str, int]                  # kind → documents written
    skipped: dict[str, str]                # kind → why not rendered
    sources: dict[str, str]                # source group → workbook read
    templates: dict[str, str]              # kind → template used
    out_dir: Path | None = None
    checked_only: bool = False
    started: dt.datetime = field(default_factory=dt.datetime.now)
    publication: Any = None  # pbm.reports.publish_docs.Publication, when publish was asked for
    ledger: Path | None = None  # the 整改台账 written, when letters asked for any

    def summary(self) -> dict[str, Any]:
        summary = {"documents": len(self.documents), "format": self.fmt,
                   "kinds": dict(self.kinds), "skipped": dict(self.skipped),
                   "warnings": sum(1 for f in self.findings if f.severity == "warning"),
                   "out": str(self.out_dir) if self.out_dir else None,
                   "checked_only": self.checked_only,
                   "rectification": str(self.ledger) if self.ledger else None}
        if self.publication is not None:
            summary["publish"] = self.publication.to_dict()
        return summary

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"command": "report", "pbm_version": __version__, "summary": self.summary(),
                "findings": [f.to_dict(lang) for f in self.findings],
                "documents": [d.to_dict() for d in self.documents],
                "sources": dict(self.sources), "templates": dict(self.templates)}


def render_reports(kinds: list[Kind], sources: dict[str, Path], reports_dir: Path,
                   settings: ReportSettings, *, fmt: str = "docx",
                   template: Path | None = None, explicit: bool = False,
                   processes: int = 2, check_only: bool = False, strict: bool = False,
                   progress: Callable[[str, int], Callable[[], None]] | None = None
                   ) -> ReportResult:
    """Render ``kinds`` from the ``sources`` workbooks into ``reports_dir/<kind>/``.

    ``explicit``: the user named the kinds, so a kind whose workbook is missing is an error
    (exit 2) instead of a skipped line.  ``progress(label, total)`` returns a tick callback.
    Every document's 文号 comes from the workspace's register (``out/history/文号.csv``,
    :mod:`pbm.reports.register`), written once the documents are published.  ``strict``:
    a workspace still on the sample issuer or without a contact is refused (exit 2).
    """
    if fmt not in FORMATS:
        raise PbmError("CLI-USAGE", reason=f"--format {fmt}: docx | md | html | json")
    if template is not None and len(kinds) != 1:
        raise PbmError("CLI-USAGE", reason=("--template 只能与一个文书类型同用，例如 "
                                            "pbm report score-feedback --template 我的模板.docx / "
                                            "--template needs exactly one KIND"))
    # the issuer and contact sign letters; the 公开表 names neither
    findings: list[Finding] = _issuer_findings(settings, strict) if any(
        k.templated for k in kinds) else []
    skipped: dict[str, str] = {}
    workbooks: dict[str, OutputWorkbook] = {}
    for group in sorted({k.source for k in kinds} | ({"sample"} if any(
            k.key == "evaluation-report" for k in kinds) else set())):
        path = sources.get(group)
        if path is None:
            continue
        workbooks[group] = read_output_workbook(path)

    # 1. contexts
    plan: list[tuple[Kind, list[DocumentSpec], TemplateSource]] = []
    for kind in kinds:
        if kind.source not in workbooks:
            if explicit:
                raise PbmError("REPORT-NO-SOURCE", kind=kind.key, title=kind.title,
                               pattern=SOURCE_PATTERNS[kind.source],
                               command=SOURCE_COMMANDS[kind.source])
            skipped[kind.key] = (f"缺少 {SOURCE_PATTERNS[kind.source]}"
                                 f"（先运行 {SOURCE_COMMANDS[kind.source]}）")
            findings.append(Finding("REPORT-KIND-SKIPPED", params={
                "kind": kind.key, "title": kind.title, "pattern": SOURCE_PATTERNS[kind.source],
                "command": SOURCE_COMMANDS[kind.source]}))
            continue
        documents = build_documents(kind, workbooks, settings)
        if not kind.templated:
            if template is not None:
                raise PbmError("CLI-USAGE", reason=(f"{kind.key}（{kind.title}）由 pbm 按公开表格式"
                                                    f"生成，不使用 --template / {kind.key} takes "
                                                    f"no --template"))
            source = None
        else:
            source = user_template(template, fmt) if template is not None else \
                shipped_template(kind, fmt)
        plan.append((kind, documents, source))
    for workbook in workbooks.values():
        findings.extend(warnings_of(workbook))
    stems = {kind.key: unique_stems([d.stem for d in documents]) for kind, documents, _ in plan}
    numbered = [(kind, document, stem) for kind, documents, _ in plan
                for document, stem in zip(documents, stems[kind.key]) if kind.numbered]
    for kind, documents, _ in plan:
        if not kind.numbered:
            for document in documents:
                document.context["doc_number"] = ""
    register = NumberRegister(reports_dir.parent / "history" / REGISTER_NAME)
    register.assign([document for _, document, _ in numbered], [stem for *_, stem in numbered],
                    settings.doc_prefix, settings.year, chinese_date(settings.date),
                    settings.number_start)

    publication = next((d.context["publication"] for k, documents, _ in plan
                        if k.key == "publish" for d in documents), None)
    if publication is not None:
        findings.extend(_quota_findings(publication, strict))

    # 2. pre-flight: every template checked before anything is written
    for kind, documents, source in plan:
        if source is None:
            continue
        provided = set(context_keys(kind))
        for document in documents:
            provided |= set(document.context)
        preflight(source, provided, [document.context for document in documents], findings)
    templates = {kind.key: str(source.path) if source is not None else "" for kind, _, source
                 in plan}
    if plan and not any(documents for _, documents, _ in plan):
        # Every kind had its workbook but none gave a document (a sheet missing, no rows):
        # the run cannot do its job — exit 2, and the previous set stays in place.
        raise _nothing_produced(plan, workbooks, findings)
    if check_only:
        return ReportResult(fmt, [], findings,
                            {k.key: len(d) * len(_files(k, fmt)[0]) for k, d, _ in plan},
                            skipped,
                            {g: str(p) for g, p in sources.items() if g in workbooks},
                            templates, None, True, publication=publication)
    if not plan:
        raise PbmError("REPORT-NOTHING", out=str(reports_dir.parent))
    # The 整改台账 is read before anything is written: one pbm cannot read stops the run.
    from pbm.rectify.ledger import LEDGER_NAME, STAGES, read_ledger

    ledger = read_ledger(reports_dir.parent / LEDGER_NAME) if any(
        kind.key in STAGES for kind, _, _ in plan) else None

    # 3. charts (overall documents only: one matplotlib import, a few figures)
    images = _draw_charts([d for _, documents, _ in plan for d in documents], fmt, findings)

    # 4. render into staging folders, 5. publish all at once
    reports_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Kind, Path, list[tuple[DocumentSpec, str]]]] = []
    ledger_written: list[Path] = []
    ledger_staging: Path | None = None
    try:
        for kind, documents, source in plan:
            staging = staging_folder(reports_dir, kind.key)
            staged.append((kind, staging, list(zip(documents, stems[kind.key]))))
            tick = progress(kind.title, len(documents)) if progress else None
            if source is None:  # the 公开表: xlsx and docx, whatever --format
                from pbm.reports.publish_docs import write_publication

                for document, stem in zip(documents, stems[kind.key]):
                    write_publication(staging, stem, document.context["publication"])
                    if tick:
                        tick()
            elif fmt == "docx":
                jobs = [job_for(d, images.get(id(d), {}), staging / f"{stem}.docx")
                        for d, stem in zip(documents, stems[kind.key])]
                render_docx_batch(source, jobs, processes=processes, progress=tick)
            else:
                for document, stem in zip(documents, stems[kind.key]):
                    _render_text_document(source, document, stem, staging, fmt,
                                          images.get(id(document), {}))
                    if tick:
                        tick()
        rendered: list[RenderedDocument] = []
        counts: dict[str, int] = {}
        # The 整改台账 is staged with the letters that send its problems back, and moved in
        # with them (a full disk while writing it leaves the letters unpublished too).
        if ledger is not None:
            ledger_staging = staging_folder(reports_dir.parent, "ledger")
            staged_ledger = _write_ledger(ledger, plan, settings, ledger_staging)
            if staged_ledger is not None:
                check_targets(ledger_staging, reports_dir.parent)
        for kind, staging, _ in staged:  # every target first: all kinds are published or none
            check_targets(staging, reports_dir / kind.key)
        for kind, staging, pairs in staged:
            files, owned = _files(kind, fmt)
            publish(staging, reports_dir / kind.key, owned)
            counts[kind.key] = len(files) * len(pairs)
            for document, stem in pairs:
                for suffix in files:
                    rendered.append(RenderedDocument(
                        kind.key, document.title, reports_dir / kind.key / f"{stem}{suffix}",
                        document.department, document.project,
                        document.context.get("doc_number") or None))  # None: no 文号
        register.save({index: document.path for index, document in
                       enumerate(d for d in rendered if KINDS[d.kind].numbered)})
        if ledger_staging is not None:
            ledger_written.extend(publish(ledger_staging, reports_dir.parent))
    finally:
        if ledger_staging is not None:
            discard(ledger_staging)
        for _, staging, _ in staged:
            if staging.exists():
                discard(staging)
    return ReportResult(fmt, rendered, findings, counts, skipped,
                        {g: str(p) for g, p in sources.items() if g in workbooks},
                        templates, reports_dir, publication=publication,
                        ledger=ledger_written[0] if ledger_written else None)


def _files(kind: Kind, fmt: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files each document of ``kind`` is written as under ``--format fmt``, and the
    suffixes its folder owns (a re-run removes those of them it did not write): the 公开表 is
    an .xlsx and a .docx whatever the format."""
    if not kind.templated:
        return (".xlsx", ".docx"), (".xlsx", ".docx")
    return FORMAT_SUFFIXES[fmt][:1], FORMAT_SUFFIXES[fmt]


def _quota_findings(publication, strict: bool) -> list[Finding]:
    """The share published against [report] publish_quota: a warning below it (with
    ``strict`` an error, nothing written)."""
    if publication.met or publication.eligible == 0:
        return []
    params = {"published": publication.published, "eligible": publication.eligible,
              "share": publication.share_text, "quota": publication.quota_text,
              "missing": "、".join(publication.unpublished) or "—"}
    if strict:
        raise PbmError("REPORT-PUBLISH-QUOTA-STRICT", **params)
    return [Finding("REPORT-PUBLISH-QUOTA", params=params)]


def _write_ledger(ledger, plan, settings: ReportSettings, folder: Path) -> Path | None:
    """Add the problems the letters of this run sent for 限期整改 to the 整改台账
    (:mod:`pbm.rectify.ledger`); the ledger is written into ``folder`` when it has any row."""
    from pbm.rectify.ledger import STAGES, issued_items, write_ledger

    items = []
    for kind, documents, _ in plan:
        if kind.key in STAGES:
            items.extend(issued_items(kind.key, documents, settings.date, settings.deadline))
    ledger.add_issued(items)
    if not ledger.rows:
        return None
    return write_ledger(ledger, "pbm report", folder / ledger.path.name)


def _issuer_findings(settings: ReportSettings, strict: bool) -> list[Finding]:
    """One warning when the documents would go out under the sample issuer or without a
    contact or phone (``pbm init`` writes them empty); with ``strict`` an error instead."""
    missing_zh, missing_en = [], []
    issuer = settings.issuer.strip()
    if "示例" in issuer or issuer in ("", "财政局"):
        missing_zh.append(f"发文机关仍为“{issuer or '财政局'}”")
        missing_en.append(f"issuer is still \"{issuer or '财政局'}\"")
    if not settings.contact.strip():
        missing_zh.append("联系人未填写")
        missing_en.append("no contact")
    if not settings.phone.strip():
        missing_zh.append("联系电话未填写")
        missing_en.append("no phone")
    if not missing_zh:
        return []
    what, what_en = "、".join(missing_zh), ", ".join(missing_en)
    if strict:
        raise PbmError("REPORT-ISSUER-STRICT", what=what, what_en=what_en)
    return [Finding("REPORT-ISSUER-UNSET", params={
        "what": what, "what_en": what_en, "issuer": issuer or "财政局",
        "contact": settings.contact.strip() or "—"})]


def _nothing_produced(plan, workbooks: dict[str, OutputWorkbook],
                      findings: list[Finding]) -> PbmError:
    files = [workbooks[group].path.name for group in sorted({k.source for k, _, _ in plan})
             if group in workbooks]
    reasons = []
    for finding in findings:
        if finding.code == "REPORT-SHEET-MISSING":
            reasons.append(f"{finding.file} 缺少工作表“{finding.sheet}” / "
                           f"{finding.file} has no sheet \"{finding.sheet}\"")
        elif finding.code == "REPORT-COLUMN-MISSING":
            reasons.append(f"{finding.file} / {finding.sheet}: {finding.message()}")
    return PbmError("REPORT-NO-DOCUMENTS", file="、".join(files) or None,
                    kinds="、".join(kind.key for kind, _, _ in plan),
                    reason="；".join(dict.fromkeys(reasons)) or
                    "工作簿中没有可写入文书的部门或项目 / the workbook holds no department or project")


def _render_text_document(source: TemplateSource, document: DocumentSpec, stem: str,
                          staging: Path, fmt: str, images: dict[str, tuple[bytes, int]]) -> None:
    from pbm.reports.markup import markdown_to_html
    from pbm.reports.render import clean_context

    context = clean_context(document.context)
    files: dict[str, bytes] = {}
    for key in document.charts:
        if key in images:
            name = f"{stem}-{key.removesuffix('_chart')}.png"
            files[name] = images[key][0]
            context[key] = name
        else:
            context[key] = ""
    markdown = render_text(source, context)
    if fmt == "md":
        (staging / f"{stem}.md").write_text(markdown, encoding="utf-8")
        for name, png in files.items():
            (staging / name).write_bytes(png)
    else:
        (staging / f"{stem}.html").write_text(markdown_to_html(markdown, document.title, files),
                                              encoding="utf-8")


def _draw_charts(documents: list[DocumentSpec], fmt: str, findings: list[Finding]
                 ) -> dict[int, dict[str, tuple[bytes, int]]]:
    """PNG bytes per document (keyed by id) and chart key; warns once without a CJK font."""
    wanted = [d for d in documents if d.charts]
    if not wanted:
        return {}
    from pbm.reports import charts

    images: dict[int, dict[str, tuple[bytes, int]]] = {}
    try:
        for document in wanted:
            for key, request in document.charts.items():
                if not request.data:
                    continue
                image = charts.draw(request)
                images.setdefault(id(document), {})[key] = (image.png, image.width_mm)
    except charts.ChartsUnavailable:
        findings.append(Finding("REPORT-NO-CHARTS"))
        return {}
    if charts.cjk_font() is None:
        findings.append(Finding("REPORT-NO-CJK-FONT"))
    return images
