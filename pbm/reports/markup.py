"""Markdown → HTML for ``pbm report --format html``.

The Markdown comes from pbm's own .md.j2 templates, so only the subset they use is needed:
headings, paragraphs, pipe tables, lists, images on their own line, ``**bold**``, rules and
CommonMark backslash escapes (which is how submitted text was made inert, see
``render.md_escape``).  Every piece of text is HTML-escaped here; nothing from a workbook can
become a tag.  Charts are embedded as data: URIs so the page can be mailed as one file.
"""

from __future__ import annotations

import base64
import html
import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\((?:<([^>]*)>|([^)\s]*))\)$")
_ORDERED = re.compile(r"^\d+[.)]\s+")
# Supplementary private-use code points (plane 15) stand in for escaped characters while
# converting; any such character already in the text is dropped first.
_BASE = 0xF0000
_STAND_IN = re.compile("[\U000F0000-\U000FFFFD]")

STYLE = """
body { font-family: "FangSong", "仿宋", "仿宋_GB2312", "STFangsong", serif; font-size: 16px;
       line-height: 1.8; max-width: 960px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; text-align: center;
     font-size: 1.6em; font-weight: normal; }
h2, h3 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal;
         font-size: 1.15em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; font-size: 14px; }
th, td { border: 1px solid #888; padding: 4px 6px; vertical-align: top; }
th { background: #f2f2f2; font-family: "SimHei", "黑体", sans-serif; font-weight: normal; }
img { max-width: 100%; display: block; margin: 0.6em auto; }
"""


def _protect(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(1))
        return chr(_BASE + len(kept) - 1)

    return _ESCAPE.sub(keep, _STAND_IN.sub("", text)), kept


def _inline(text: str, kept: list[str]) -> str:
    out = html.escape(text, quote=True)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _STAND_IN.sub(lambda m: html.escape(kept[ord(m.group(0)) - _BASE], quote=True), out)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def markdown_to_html(markdown: str, title: str, images: dict[str, bytes] | None = None) -> str:
    """A complete HTML page for ``markdown`` (pbm's subset), charts inlined from ``images``."""
    images = images or {}
    protected, kept = _protect(markdown)
    lines = protected.splitlines()
    out: list[str] = []
    paragraph: list[str] = []
    index = 0

    def flush() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(p, kept) for p in paragraph) + "</p>")
            paragraph.clear()

    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            index += 1
            continue
        heading = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        if heading:
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2), kept)}</h{level}>")
            index += 1
            continue
        if stripped in ("---", "***"):
            flush()
            out.append("<hr>")
            index += 1
            continue
        image = _IMAGE.match(stripped)
        if image:
            flush()
            alt = image.group(1)
            src = image.group(2) if image.group(2) is not None else image.group(3)
            src = _STAND_IN.sub(lambda m: kept[ord(m.group(0)) - _BASE], src)
            data = images.get(src)
            url = ("data:image/png;base64," + base64.b64encode(data).decode("ascii")) if data \
                else html.escape(src, quote=True)
            out.append(f'<img src="{url}" alt="{_inline(alt, kept)}">')
            index += 1
            continue
        if stripped.startswith("|"):
            flush()
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                rows.append(lines[index])
                index += 1
            header = _cells(rows[0])
            body = rows[2:] if len(rows) > 1 and re.fullmatch(r"[\s|:\-]+", rows[1]) else rows[1:]
            table = ["<table>", "<thead><tr>" + "".join(f"<th>{_inline(c, kept)}</th>"
                                                          for c in header) + "</tr></thead>",
                     "<tbody>"]
            for row in body:
                table.append("<tr>" + "".join(f"<td>{_inline(c, kept)}</td>"
                                              for c in _cells(row)) + "</tr>")
            table.append("</tbody></table>")
            out.append("\n".join(table))
            continue
        if stripped.startswith(("- ", "* ")) or _ORDERED.match(stripped):
            flush()
            ordered = bool(_ORDERED.match(stripped))
            items = []
            while index < len(lines):
                item = lines[index].strip()
                if ordered and _ORDERED.match(item):
                    items.append(_ORDERED.sub("", item, count=1))
                elif not ordered and item.startswith(("- ", "* ")):
                    items.append(item[2:])
                else:
                    break
                index += 1
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(i, kept)}</li>" for i in items)
                       + f"</{tag}>")
            continue
        paragraph.append(stripped)
        index += 1
    flush()
    body = "\n".join(out)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")
