"""`make fuzz`: structured mutations of the sample workbooks, every command run on them
(not part of `make test` or CI).

    python benchmarks/fuzz.py [--seconds N] [--seed N]   # FUZZ_SECONDS (600), FUZZ_SEED (drawn)
    python benchmarks/fuzz.py --case SEED                # replay one case, keep its workspace

The seeds are the bundled workspace ``sample_data/2026-示例区`` (goal forms, one of them CSV,
Q3 monitoring submissions, self-evaluations, the roster) and the workbooks pbm itself writes
from it into ``out/`` (goals-, monitor-, sample-, scores-2026.xlsx and the 文号.csv register),
which ``sample`` and ``report`` read back.  The workspace is copied to a temporary folder once;
``sample_data/`` is never written.

Each case (its own seed: ``random.Random(seed)`` makes the same file again) copies that
workspace, replaces ONE file with a mutated copy — edits at the zip/XML level: cell and row
references out of the grid, shared-string indexes and counts that lie, merges overlapping,
inverted or covering the whole grid, junk numbers, dates, types and style indexes, hostile
texts, deleted or damaged parts, a truncated or corrupted zip; for CSV files line ends, quotes,
NUL and GBK bytes — and runs the command that reads that folder (validate goals/, monitor q3/,
score self-eval/, rectify replies/ --goals goals-resubmitted/), sometimes followed by the
commands that read the resulting out/ (sample, report), each as a real process, one at a time, with ``--format json`` where it has one.

A failure is: an exit status other than 0, 1, 2 (a negative one: killed by a signal, an abort);
``Traceback`` or pbm's ``internal error`` / ``内部错误`` line in its output; under
``--format json`` (or ``--json``) a stdout that is not exactly one JSON object; a run over
10 s (the process group is killed); a peak RSS over 1 GiB — the child runs under an address-
space limit of 1 GiB, so a runaway allocation ends in MemoryError or an abort rather than on
the machine —; a ``{{ 1111*1111 }}`` planted in a cell that comes out of ``report`` evaluated.
Each failing case is saved under ``benchmarks/fuzz-failures/<seed>/`` (git-ignored): the
mutated file, ``case.json`` (mutations, commands, exit status, time, memory, what failed) and
each command's stdout/stderr.  The summary gives the cases tried per command and the failures
per kind and per distinct cause.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "sample_data" / "2026-示例区"
FAILURES = HERE / "fuzz-failures"

TIMEOUT_S = 10.0
MEMORY_LIMIT = 1 << 30  # 1 GiB: address space of the child, and the peak RSS allowed
COMMANDS = ("validate", "monitor", "score", "sample", "report", "rectify")
INJECTION_MARK = "1234321"  # {{ 1111*1111 }} evaluated

# --- The values the mutations put in. -------------------------------------------------------

CELL_REFS = ["A0", "A-1", "XFE1", "XFD1048576", "A1048577", "AAAAAAAAAA1", "A2147483647",
             "A4294967297", "A99999999999999999999", "ZZZZ1", "", "1", "A", "a1", "A01", "A1",
             "B1", "$A$1", "A1:B2", "🙂1"]
ROW_REFS = ["0", "-1", "2147483647", "4294967296", "1048576", "1048577", "", "x", "1.5",
            "99999999999999999999", "1", "2"]
MERGE_REFS = ["A1:XFD1048576", "C5:A1", "B2:A1", "A1:A1", "A1:", ":", "A0:B0", "XFE1:XFF2",
              "A1:AAAAAAAAAA1", "A1:XFD1", "A1:A1048576", "A2147483647:B2147483647",
              "A1:B2 C3:D4", "A1:B-2", "1:2", "A:B", "B3:C4", "A2:H3", "A1:H40", "D1:D9999"]
DIMENSIONS = ["A1:XFD1048576", "A1", "Z9:A1", "A0:B0", "A1:XFE1", "A1:AAAAAAAAAA1", "", "junk",
              "A1:A2147483647"]
NUMBERS = ["1,5", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "", " ",
           "1.5.5", "0x1A", "1_000", "9" * 400, "-0", "1e308", "1.7976931348623157e308",
           "4.9e-324", "-1", "0", "2958466", "-693594", "1e16", "123456789012345678901234567890",
           "１", "1e", "e5", "+", ".", "12%", "１２３.５", "1e20", "1e-5", "1e-15"]
DATE_SERIALS = ["2958466", "2958465.9999999", "-1", "-700000", "60", "0", "1e10", "1e308",
                "nan", "0.5", "1e-10", "99999999", "-1e10", "2958465", "1"]
DATE_FORMATS = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]
HOSTILE_TEXTS = [
    "\x01\x07\x08\x1b[2J\x1b]0;title\x07", "行一\n行二\r\n行三\r", "\x00", "\x0b\x0c\x7f\x85",
    "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "=1+1",
    "{{ 7*7 }}", "{{ 1111*1111 }}", "{% for x in range(999999999) %}x{% endfor %}",
    "{{ ''.__class__.__mro__ }}", "{{", "{%", "{#", "}}", "${jndi:ldap://x/a}",
    "<script>alert(1)</script>", "</w:t></w:r><w:r><w:t>", "]]>", "&amp;lt;", "\\x00%s%n",
    "\u202etxt.exe", "\u200b\ufeff\u2028\u2029", "😀" * 10, "A" * 40_000, "长" * 200_000,
    "x" * 1_000_000, "   ", "", "NaN", "1e400", "-0", "１２３", "≥≥≥", "1,5", "None", "true",
    "../../etc/passwd", "CON", 'a/b\\c:*?"<>|', "[red]x[/]", "%(x)s", "\udcff",
]
CHAR_REFS = ["&#0;", "&#1;", "&#xD800;", "&#x110000;", "&#99999999999;", "&#x1B;", "&#;",
             "&bogus;", "&#65;"]

# --- Mutations of an .xlsx: functions (rng, parts) -> description, or None when they do not
# apply.  ``parts`` maps member name -> bytes, in the archive's order. ------------------------

SHEET = re.compile(r"xl/worksheets/sheet\d+\.xml")
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)


def _sheets(parts: dict[str, bytes]) -> list[str]:
    return [name for name in parts if SHEET.fullmatch(name)]


def _pick_sheet(rng: random.Random, parts: dict[str, bytes]) -> str | None:
    sheets = _sheets(parts)
    return rng.choice(sheets) if sheets else None


def _replace(data: bytes, match: re.Match, new: bytes, group: int = 0) -> bytes:
    return data[:match.start(group)] + new + data[match.end(group):]


def _pick(rng: random.Random, pattern: re.Pattern, data: bytes) -> re.Match | None:
    found = list(pattern.finditer(data))
    return rng.choice(found) if found else None


def _set_attr(tag: bytes, name: str, value: str | None) -> bytes:
    """``tag`` (an element's bytes) with attribute ``name`` set to ``value`` (None: removed)."""
    pattern = re.compile(rb"\s" + name.encode() + rb'="[^"]*"')
    tag = pattern.sub(b"", tag, count=1)
    if value is None:
        return tag
    head = re.match(rb"<[\w:]+", tag)
    return tag[:head.end()] + f' {name}="{escape(value, {chr(34): "&quot;"})}"'.encode() + \
        tag[head.end():]


def _xml_text(rng: random.Random, text: str) -> bytes:
    """``text`` for an XML text node: escaped, with its control characters raw (invalid XML),
    as character references, or as Excel's ``_x001B_`` escapes."""
    mode = rng.choice(("raw", "charref", "excel"))
    text = escape(text)
    if mode == "charref":
        text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"&#{ord(m.group())};", text)
    elif mode == "excel":
        text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.encode("utf-8", "surrogateescape")


def m_cell_ref(rng, parts):
    sheet = _pick_sheet(rng, parts)
    match = sheet and _pick(rng, re.compile(rb'<c\b[^>]*?\br="([^"]*)"'), parts[sheet])
    if not match:
        return None
    new = rng.choice(CELL_REFS)
    parts[sheet] = _replace(parts[sheet], match, new.encode(), 1)
    return f"{sheet}: cell {match.group(1).decode()} -> r={new!r}"


def m_row_ref(rng, parts):
    sheet = _pick_sheet(rng, parts)
    match = sheet and _pick(rng, re.compile(rb'<row\b[^>]*?\br="([^"]*)"'), parts[sheet])
    if not match:
        return None
    new = rng.choice(ROW_REFS)
    data = _replace(parts[sheet], match, new.encode(), 1)
    if rng.random() < 0.5:  # its cells too, as a writer that moved the row would
        old = match.group(1)
        data = re.sub(rb'(<c\b[^>]*?\br="[A-Z]+)' + re.escape(old) + rb'"',
                      lambda m: m.group(1) + new.encode() + b'"', data)
    parts[sheet] = data
    return f"{sheet}: row {match.group(1).decode()} -> r={new!r}"


def m_drop_refs(rng, parts):
    sheet = _pick_sheet(rng, parts)
    if not sheet:
        return None
    what = rng.choice(("c", "row", "both"))
    data = parts[sheet]
    if what in ("c", "both"):
        data = re.sub(rb'(<c\b[^>]*?)\sr="[^"]*"', rb"\1", data)
    if what in ("row", "both"):
        data = re.sub(rb'(<row\b[^>]*?)\sr="[^"]*"', rb"\1", data)
    parts[sheet] = data
    return f"{sheet}: r= removed from {what}"


def m_duplicate_ref(rng, parts):
    sheet = _pick_sheet(rng, parts)
    refs = list(re.finditer(rb'<c\b[^>]*?\br="([^"]*)"', parts[sheet])) if sheet else []
    if len(refs) < 2:
        return None
    first, second = sorted(rng.sample(refs, 2), key=lambda m: m.start())
    if rng.random() < 0.5:  # the later cell takes the earlier one's place, or the reverse
        parts[sheet] = _replace(parts[sheet], second, first.group(1), 1)
    else:
        parts[sheet] = _replace(parts[sheet], first, second.group(1), 1)
    return f"{sheet}: cells {first.group(1).decode()} and {second.group(1).decode()} share a ref"


def m_shuffle_rows(rng, parts):
    sheet = _pick_sheet(rng, parts)
    data = parts[sheet] if sheet else b""
    body = re.search(rb"(<sheetData>)(.*)(</sheetData>)", data, re.S)
    rows = re.findall(rb"<row\b.*?</row>|<row\b[^>]*/>", body.group(2), re.S) if body else []
    if len(rows) < 2:
        return None
    how = rng.choice(("reverse", "shuffle", "duplicate"))
    if how == "reverse":
        rows.reverse()
    elif how == "shuffle":
        rng.shuffle(rows)
    else:
        rows.insert(rng.randrange(len(rows)), rng.choice(rows))
    parts[sheet] = data[:body.start(2)] + b"".join(rows) + data[body.end(2):]
    return f"{sheet}: rows {how}d"


def _shared_count(parts) -> int:
    return parts.get("xl/sharedStrings.xml", b"").count(b"<si>")


def m_sst_index(rng, parts):
    sheet = _pick_sheet(rng, parts)
    pattern = re.compile(rb'<c\b[^>]*?\bt="s"[^>]*>\s*<v>([^<]*)</v>')
    match = sheet and _pick(rng, pattern, parts[sheet])
    if not match:
        return None
    n = _shared_count(parts)
    new = str(rng.choice([n, n + 1, n + 1000, 10 ** 6, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 64,
                          -1, "x", "", "1.5", " 3", "1e3"]))
    parts[sheet] = _replace(parts[sheet], match, new.encode(), 1)
    return f"{sheet}: shared-string index {match.group(1).decode()} -> {new!r} (table has {n})"


def m_sst_counts(rng, parts):
    data = parts.get("xl/sharedStrings.xml")
    head = data and re.search(rb"<sst\b[^>]*>", data)
    if not head:
        return None
    changes = []
    tag = head.group()
    for name in ("count", "uniqueCount"):
        if rng.random() < 0.7:
            value = rng.choice(["0", "-1", "1", "999999999999", "2147483647", "4294967296",
                                "x", "", None, str(_shared_count(parts) + 1)])
            tag = _set_attr(tag, name, value)
            changes.append(f"{name}={value!r}")
    parts["xl/sharedStrings.xml"] = _replace(data, head, tag)
    return "sharedStrings: " + (", ".join(changes) or "unchanged")


def m_sst_drop(rng, parts):
    data = parts.get("xl/sharedStrings.xml")
    items = list(re.finditer(rb"<si>.*?</si>", data or b"", re.S))
    if not items:
        return None
    keep = rng.randrange(len(items))
    cut = items[keep].end() if keep else items[0].start()
    parts["xl/sharedStrings.xml"] = data[:cut] + data[items[-1].end():]
    return f"sharedStrings: only the first {keep} of {len(items)} strings kept (counts unchanged)"


def m_merge(rng, parts):
    sheet = _pick_sheet(rng, parts)
    if not sheet:
        return None
    refs = [rng.choice(MERGE_REFS) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        refs += refs  # the same merge twice
    count = rng.choice([str(len(refs)), "0", "999999999", "-1"])
    block = (f'<mergeCells count="{count}">'
             + "".join(f'<mergeCell ref="{ref}"/>' for ref in refs) + "</mergeCells>").encode()
    data = re.sub(rb"<mergeCells\b.*?</mergeCells>", b"", parts[sheet], flags=re.S)
    if b"</sheetData>" not in data:
        return None
    parts[sheet] = data.replace(b"</sheetData>", b"</sheetData>" + block, 1)
    return f"{sheet}: merges {refs} count={count}"


def m_dimension(rng, parts):
    sheet = _pick_sheet(rng, parts)
    match = sheet and re.search(rb'<dimension ref="([^"]*)"', parts[sheet])
    if not match:
        return None
    new = rng.choice(DIMENSIONS)
    parts[sheet] = _replace(parts[sheet], match, new.encode(), 1)
    return f"{sheet}: dimension -> {new!r}"


def _numeric_cells(data: bytes) -> list[re.Match]:
    return [m for m in re.finditer(rb'<c\b([^>]*)>\s*<v>([^<]*)</v>\s*</c>', data)
            if b' t="' not in m.group(1) or b't="n"' in m.group(1)]


def m_number(rng, parts):
    sheet = _pick_sheet(rng, parts)
    cells = _numeric_cells(parts[sheet]) if sheet else []
    if not cells:
        return None
    match = rng.choice(cells)
    new = rng.choice(NUMBERS)
    parts[sheet] = _replace(parts[sheet], match, escape(new).encode(), 2)
    return f"{sheet}: number {match.group(2).decode()} -> {new[:40]!r}"


def _add_xf(parts, num_fmt: int) -> int | None:
    """Index of a new cell format with number format ``num_fmt`` in styles.xml."""
    styles = parts.get("xl/styles.xml")
    match = styles and re.search(rb"(<cellXfs\b[^>]*>)(.*?)(</cellXfs>)", styles, re.S)
    if not match:
        return None
    index = len(re.findall(rb"<xf\b", match.group(2)))
    xf = f'<xf numFmtId="{num_fmt}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
    head = _set_attr(match.group(1), "count", str(index + 1))
    parts["xl/styles.xml"] = (styles[:match.start()] + head + match.group(2) + xf.encode()
                              + match.group(3) + styles[match.end():])
    return index


def m_date(rng, parts):
    sheet = _pick_sheet(rng, parts)
    cells = _numeric_cells(parts[sheet]) if sheet else []
    if rng.random() < 0.25:
        workbook = parts.get("xl/workbook.xml", b"")
        if b"<workbookPr" in workbook:
            parts["xl/workbook.xml"] = workbook.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
        else:
            parts["xl/workbook.xml"] = re.sub(rb"(<workbook\b[^>]*>)", rb'\1<workbookPr date1904="1"/>',
                                              workbook, count=1)
        said = "date1904; "
    else:
        said = ""
    if not cells:
        return said or None
    fmt = rng.choice(DATE_FORMATS)
    xf = _add_xf(parts, fmt)
    if xf is None:
        return said or None
    done = []
    data = parts[sheet]
    for match in sorted(rng.sample(cells, min(len(cells), rng.randint(1, 3))),
                        key=lambda m: m.start(), reverse=True):
        value = rng.choice(DATE_SERIALS)
        attrs = _set_attr(b"<c" + match.group(1), "s", str(xf))
        data = data[:match.start()] + attrs + f"><v>{value}</v></c>".encode() + data[match.end():]
        done.append(value)
    parts[sheet] = data
    return f"{said}{sheet}: date format {fmt} on serials {done}"


TYPES = [("b", ["2", "x", "", "-1"]), ("e", ["#DIV/0!", "#N/A", "garbage", ""]),
         ("d", ["junk", "2026-13-45", "", "99999-01-01", "2026-02-30T25:61:00", "-0001-01-01",
                "2026-01-01T00:00:00+99:00", "1e400"]),
         ("inlineStr", [None]), ("str", ["text", ""]), ("s", ["x", "-5"]), ("n", ["abc", ""]),
         ("zz", ["1"]), ("", ["1"])]


def m_type(rng, parts):
    sheet = _pick_sheet(rng, parts)
    match = sheet and _pick(rng, CELL, parts[sheet])
    if not match:
        return None
    kind, values = rng.choice(TYPES)
    value = rng.choice(values)
    head = re.match(rb"<c\b[^>]*?(?=/?>)", match.group()).group()
    head = _set_attr(head, "t", kind)
    if value is None:  # inlineStr without <is>: its old <v>, or nothing
        old = re.search(rb"<v>[^<]*</v>", match.group())
        cell = head + b">" + (old.group() if old and rng.random() < 0.5 else b"") + b"</c>"
    else:
        cell = head + f"><v>{escape(value)}</v></c>".encode()
    parts[sheet] = _replace(parts[sheet], match, cell)
    return f"{sheet}: cell type t={kind!r} value {value!r}"


def m_style(rng, parts):
    sheet = _pick_sheet(rng, parts)
    match = sheet and _pick(rng, re.compile(rb"<c\b[^>]*?(?=/?>)"), parts[sheet])
    if not match:
        return None
    styles = parts.get("xl/styles.xml", b"")
    xfs = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S)
    n = len(re.findall(rb"<xf\b", xfs.group(1))) if xfs else 0
    new = str(rng.choice([65535, 65536, -1, 999999999, "x", 4294967296, n, n + 1, ""]))
    parts[sheet] = _replace(parts[sheet], match, _set_attr(match.group(), "s", new))
    return f"{sheet}: style index s={new!r} ({n} formats)"


def m_text(rng, parts):
    text = rng.choice(HOSTILE_TEXTS)
    if rng.random() < 0.2:
        text = rng.choice(CHAR_REFS)
        body = text.encode()
    else:
        body = _xml_text(rng, text)
    sst = parts.get("xl/sharedStrings.xml")
    items = list(re.finditer(rb"<t(?:\s[^>]*)?>([^<]*)</t>", sst)) if sst else []
    if items and rng.random() < 0.5:
        match = rng.choice(items)
        parts["xl/sharedStrings.xml"] = _replace(sst, match, body, 1)
        return f"sharedStrings: {match.group(1).decode()[:20]!r} -> {text[:40]!r} (len {len(text)})"
    sheet = _pick_sheet(rng, parts)
    match = sheet and _pick(rng, CELL, parts[sheet])
    if not match:
        return None
    head = re.match(rb"<c\b[^>]*?(?=/?>)", match.group()).group()
    cell = _set_attr(head, "t", "inlineStr") + b"><is><t>" + body + b"</t></is></c>"
    parts[sheet] = _replace(parts[sheet], match, cell)
    return f"{sheet}: inline text {text[:40]!r} (len {len(text)})"


DELETABLE = ["xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels",
             "[Content_Types].xml", "xl/theme/theme1.xml", "docProps/app.xml", "_rels/.rels",
             "xl/workbook.xml", "SHEET"]


def m_delete_part(rng, parts):
    name = rng.choice(DELETABLE)
    if name == "SHEET":
        name = _pick_sheet(rng, parts)
    if name not in parts:
        return None
    del parts[name]
    return f"part {name} deleted"


def m_damage_part(rng, parts):
    candidates = [n for n in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                              "xl/sharedStrings.xml", "xl/styles.xml") if n in parts]
    candidates += _sheets(parts)
    name = rng.choice(candidates)
    data = parts[name]
    how = rng.choice(("truncated", "empty", "not xml", "utf-16", "garbage bytes", "bom+gbk decl",
                      "unclosed"))
    if how == "truncated":
        data = data[:rng.randrange(max(len(data), 1))]
    elif how == "empty":
        data = b""
    elif how == "not xml":
        data = b"this is not xml"
    elif how == "utf-16":
        data = data.decode("utf-8", "replace").replace('encoding="UTF-8"', 'encoding="UTF-16"') \
            .encode("utf-16")
    elif how == "garbage bytes":
        at = rng.randrange(max(len(data), 1))
        data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))) + data[at:]
    elif how == "bom+gbk decl":
        data = b"\xef\xbb\xbf" + data.replace(b'encoding="UTF-8"', b'encoding="GBK"')
    else:
        data = re.sub(rb"</\w+>\s*$", b"", data)
    parts[name] = data
    return f"part {name} {how}"


def m_workbook(rng, parts):
    data = parts.get("xl/workbook.xml")
    sheets = list(re.finditer(rb"<sheet\b[^>]*/>", data or b""))
    if not sheets:
        return None
    match = rng.choice(sheets)
    tag = match.group()
    how = rng.choice(("name", "state", "rid", "sheetId", "duplicate", "definedName"))
    if how == "name":
        value = rng.choice(["", "汇总", "x" * 300, "a/b", "..", "\x1b[2J", "[red]x[/]",
                            re.search(rb'name="([^"]*)"', sheets[0].group()).group(1).decode()])
        tag = _set_attr(tag, "name", value)
        said = f"sheet name {value[:40]!r}"
    elif how == "state":
        value = rng.choice(["hidden", "veryHidden", "junk", ""])
        tag = _set_attr(tag, "state", value)
        said = f"sheet state {value!r}"
    elif how == "rid":
        value = rng.choice(["rId999", "", "rId1"])
        tag = _set_attr(tag, "r:id", value)
        said = f"sheet r:id {value!r}"
    elif how == "sheetId":
        value = rng.choice(["0", "-1", "4294967296", "x"])
        tag = _set_attr(tag, "sheetId", value)
        said = f"sheetId {value!r}"
    elif how == "duplicate":
        tag = tag + tag
        said = "a sheet listed twice"
    else:
        names = (b'<definedNames><definedName name="_xlnm.Print_Area" localSheetId="99">'
                 b"'no such'!$A$1:$XFD$1048576</definedName><definedName name=\"x\">"
                 b"#REF!</definedName></definedNames>")
        parts["xl/workbook.xml"] = data.replace(b"</sheets>", b"</sheets>" + names, 1)
        return "junk defined names"
    parts["xl/workbook.xml"] = _replace(data, match, tag)
    return said


def m_rels(rng, parts):
    data = parts.get("xl/_rels/workbook.xml.rels")
    match = data and _pick(rng, re.compile(rb'Target="([^"]*)"'), data)
    if not match:
        return None
    new = rng.choice(["/xl/worksheets/sheet999.xml", "../../../../etc/passwd", "http://example.com/x",
                      "", "worksheets/sheet1.xml", "/xl/workbook.xml", "xl\\worksheets\\sheet1.xml"])
    parts["xl/_rels/workbook.xml.rels"] = _replace(data, match, new.encode(), 1)
    return f"target {match.group(1).decode()} -> {new!r}"


def m_entities(rng, parts):
    name = rng.choice(["xl/sharedStrings.xml", _pick_sheet(rng, parts), "xl/workbook.xml"])
    data = parts.get(name or "")
    if not data:
        return None
    if rng.random() < 0.5:
        entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(8))
        use, said = "&i;", "billion laughs"
    else:
        entities, use, said = '<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;", "external entity"
    root = re.search(rb"<(sst|worksheet|workbook)\b", data)
    if not root:
        return None
    doctype = f"<!DOCTYPE {root.group(1).decode()} [{entities}]>".encode()
    data = data[:root.start()] + doctype + data[root.start():]
    data = re.sub(rb"(<t(?:\s[^>]*)?>)", lambda m: m.group(1) + use.encode(), data, count=1) \
        if b"<t" in data else data
    parts[name] = data
    return f"{name}: {said}"


def m_cols(rng, parts):
    sheet = _pick_sheet(rng, parts)
    if not sheet:
        return None
    low, high = rng.choice([(0, 16385), (5, 1), (1, 2147483647), (-1, 3), (1, 16384)])
    cols = f'<cols><col min="{low}" max="{high}" width="{rng.choice(["-1", "1e400", "9"])}"/></cols>'
    data = re.sub(rb"<cols>.*?</cols>", b"", parts[sheet], flags=re.S)
    parts[sheet] = data.replace(b"<sheetData", cols.encode() + b"<sheetData", 1)
    return f"{sheet}: cols min={low} max={high}"


XLSX_MUTATIONS = {
    "cell-ref": (m_cell_ref, 3), "row-ref": (m_row_ref, 3), "drop-refs": (m_drop_refs, 1),
    "duplicate-ref": (m_duplicate_ref, 1), "shuffle-rows": (m_shuffle_rows, 1),
    "sst-index": (m_sst_index, 2), "sst-counts": (m_sst_counts, 2), "sst-drop": (m_sst_drop, 1),
    "merge": (m_merge, 3), "dimension": (m_dimension, 1), "number": (m_number, 4),
    "date": (m_date, 3), "type": (m_type, 3), "style": (m_style, 2), "text": (m_text, 4),
    "delete-part": (m_delete_part, 2), "damage-part": (m_damage_part, 2),
    "workbook": (m_workbook, 2), "rels": (m_rels, 1), "entities": (m_entities, 1),
    "cols": (m_cols, 1),
}


# --- The archive itself, after the parts are written back. ---------------------------------

def z_truncate(rng, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data))
    return data[:at], f"zip truncated at {at} of {len(data)} bytes"


def z_flip(rng, data: bytes) -> tuple[bytes, str]:
    data = bytearray(data)
    spots = [rng.randrange(len(data)) for _ in range(rng.randint(1, 8))]
    for at in spots:
        data[at] ^= 1 << rng.randrange(8)
    return bytes(data), f"zip bits flipped at {sorted(spots)}"


def z_size_lie(rng, data: bytes) -> tuple[bytes, str]:
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not entries:
        return data, "zip: no central directory"
    at = rng.choice(entries)
    value = rng.choice([0, 1, 100, 0xFFFFFFFF, 0x7FFFFFFF])
    field_at = at + rng.choice([20, 24])  # compressed or uncompressed size
    data = data[:field_at] + value.to_bytes(4, "little") + data[field_at + 4:]
    return data, f"zip central directory entry at {at}: size field -> {value}"


def z_duplicate(rng, data: bytes) -> tuple[bytes, str]:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer) as source:
        names = source.namelist()
    name = rng.choice(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr(name, b"<duplicate/>")
    return buffer.getvalue(), f"zip: a second member {name}"


ZIP_MUTATIONS = {"truncate": (z_truncate, 2), "flip": (z_flip, 2), "size-lie": (z_size_lie, 1),
                 "duplicate-member": (z_duplicate, 1)}


# --- CSV: text-level edits of the decoded rows, then byte-level ones. -----------------------

def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding), encoding
    return data.decode("latin-1"), "latin-1"


def mutate_csv(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    text, encoding = _decode(data)
    lines = text.splitlines()
    said = []
    for _ in range(rng.randint(1, 3)):
        how = rng.choice(("field", "field", "quote", "columns", "delimiter", "long", "blank",
                          "header-only", "empty", "line-ends", "duplicate-header"))
        if not lines and how not in ("empty",):
            continue
        row = rng.randrange(len(lines)) if lines else 0
        if how == "field":
            fields = lines[row].split(",")
            at = rng.randrange(len(fields))
            value = rng.choice(NUMBERS + HOSTILE_TEXTS[:-3])
            if "," in value or '"' in value or "\n" in value:
                value = '"' + value.replace('"', '""') + '"'
            fields[at] = value
            lines[row] = ",".join(fields)
            said.append(f"line {row + 1} field {at + 1} -> {value[:40]!r}")
        elif how == "quote":
            fields = lines[row].split(",")
            at = rng.randrange(len(fields))
            fields[at] = '"' + fields[at]
            lines[row] = ",".join(fields)
            said.append(f"line {row + 1}: unbalanced quote")
        elif how == "columns":
            fields = lines[row].split(",")
            fields = fields[:rng.randrange(len(fields))] if rng.random() < 0.5 else \
                fields + ["extra"] * rng.randint(1, 50)
            lines[row] = ",".join(fields)
            said.append(f"line {row + 1}: {len(fields)} fields")
        elif how == "delimiter":
            lines[row] = lines[row].replace(",", rng.choice(["\t", ";", "|", "，"]))
            said.append(f"line {row + 1}: another delimiter")
        elif how == "long":
            lines[row] += "," + '"' + "长" * rng.choice([131_073, 1_000_000]) + '"'
            said.append(f"line {row + 1}: a very long field")
        elif how == "blank":
            lines[row:row] = ["", ",,,,,,,", "   "]
            said.append(f"blank lines before line {row + 1}")
        elif how == "header-only":
            lines = lines[:1]
            said.append("header only")
        elif how == "empty":
            lines = []
            said.append("no lines")
        elif how == "duplicate-header":
            lines.insert(row, lines[0])
            said.append(f"header again at line {row + 1}")
        else:
            said.append("line ends changed")
    end = rng.choice(["\n", "\r\n", "\r", "\r\r\n", "\n\r"])
    text = end.join(lines) + (end if rng.random() < 0.7 else "")
    encoding = rng.choice([encoding, encoding, "utf-8", "gb18030", "utf-16"]) \
        if encoding != "latin-1" else encoding
    out = text.encode(encoding, "surrogateescape" if encoding == "utf-8" else "replace")
    said.append(f"written as {encoding}, lines end {end!r}")
    for _ in range(rng.choice([0, 0, 1, 2])):
        how = rng.choice(("nul", "gbk-in-utf8", "invalid", "bom", "truncate"))
        at = rng.randrange(len(out) + 1)
        if how == "nul":
            at = rng.choice([at, min(len(out), 4096 + rng.randrange(100))])
            out = out[:at] + b"\x00" * rng.randint(1, 3) + out[at:]
        elif how == "gbk-in-utf8":
            out = out[:at] + "应急管理局".encode(rng.choice(["gbk", "utf-8"])) + out[at:]
        elif how == "invalid":
            out = out[:at] + bytes(rng.choice([b"\xff\xfe", b"\x80", b"\xc3", b"\xed\xa0\x80"])) + out[at:]
        elif how == "bom":
            out = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf\xef\xbb\xbf"]) + out
        else:
            out = out[:at]
        said.append(f"bytes: {how} at {at}")
    return out, said


# --- One case. -------------------------------------------------------------------------------

def mutate_xlsx(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    names = list(XLSX_MUTATIONS)
    weights = [XLSX_MUTATIONS[n][1] for n in names]
    said = []
    for _ in range(1 + min(3, int(rng.expovariate(1.0)))):
        name = rng.choices(names, weights)[0]
        done = XLSX_MUTATIONS[name][0](rng, parts)
        if done:
            said.append(f"{name}: {done}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    out = buffer.getvalue()
    if rng.random() < 0.12:
        names = list(ZIP_MUTATIONS)
        name = rng.choices(names, [ZIP_MUTATIONS[n][1] for n in names])[0]
        out, done = ZIP_MUTATIONS[name][0](rng, out)
        said.append(f"zip {name}: {done}")
    return out, said


def _report(rng: random.Random, *kinds: str) -> list[str]:
    fmt = rng.choices([["--format", "json"], ["--format", "md", "--json"],
                       ["--format", "html", "--json"]], [3, 1, 1])[0]
    extra = ["--processes", "1"] if rng.random() < 0.5 else []
    return ["report", *kinds, *fmt, *extra]


def _fmt(rng: random.Random) -> list[str]:
    return ["--format", "json"] if rng.random() < 0.85 else []


#: What a case can mutate: (name, files of the prepared workspace, weight).
TARGETS = [("goals", "goals/*", 25), ("q3", "q3/*.xlsx", 20), ("self-eval", "self-eval/*.xlsx", 20),
           ("roster", "roster.xlsx", 5), ("out-goals", "out/goals-2026.xlsx", 8),
           ("out-monitor", "out/monitor-2026-09.xlsx", 8), ("out-sample", "out/sample-2026.xlsx", 4),
           ("out-scores", "out/scores-2026.xlsx", 7), ("register", "out/history/文号.csv", 3),
           ("replies", "replies/*.xlsx", 6), ("resubmitted", "goals-resubmitted/*.xlsx", 5),
           ("out-rectify", "out/rectification.xlsx", 5)]
#: 回头看 on the sample's replies and resubmitted forms (the letters' deadline is 2026-04-15).
RECTIFY = ["rectify", "replies/", "--goals", "goals-resubmitted/", "--today", "2026-04-20",
           "--format", "json"]


def plan_commands(rng: random.Random, target: str) -> list[list[str]]:
    """The commands of a case, in order: the one reading the mutated file first, then,
    sometimes, the ones reading what it wrote to out/."""
    def maybe(p: float, command: list[str]) -> list[list[str]]:
        return [command] if rng.random() < p else []

    if target == "goals":
        first = ["validate", "goals/", *_fmt(rng)] + (["--annotate"] if rng.random() < 0.3 else [])
        return [first, *maybe(0.2, ["monitor", "q3/", "--format", "json"]),
                *maybe(0.15, ["monitor", "q3/", "--goals", "goals/", "--format", "json"]),
                *maybe(0.2, ["sample", "--from", "out/goals-2026.xlsx", "--seed", "7", "--format",
                             "json"]),
                *maybe(0.2, _report(rng, "goal-review"))]
    if target in ("q3", "roster"):
        first = ["monitor", "q3/", *_fmt(rng)] + (["--jobs", "1"] if rng.random() < 0.2 else [])
        return [first, *maybe(0.25, ["sample", "--seed", "7", "--format", "json"]),
                *maybe(0.25, _report(rng, "monitor-feedback", "monitor-notice", "monitor-reminder"))]
    if target == "self-eval":
        return [["score", "self-eval/", *_fmt(rng)],
                *maybe(0.25, _report(rng, "score-feedback", "score-notice", "evaluation-report"))]
    if target == "out-goals":
        commands = [["sample", "--from", "out/goals-2026.xlsx", "--seed", "7", "--format", "json"],
                    _report(rng, "goal-review"),
                    ["monitor", "q3/", "--goals", "out/goals-2026.xlsx", "--format", "json"]]
        return rng.sample(commands, rng.randint(1, 2))
    if target == "out-monitor":
        commands = [["sample", "--seed", "7", "--format", "json"],
                    _report(rng, "monitor-feedback", "monitor-notice", "monitor-reminder")]
        return rng.sample(commands, rng.randint(1, 2))
    if target in ("replies", "resubmitted"):
        return [RECTIFY, *maybe(0.25, ["sample", "--from", "out/rectification.xlsx", "--seed",
                                        "7", "--format", "json"]),
                *maybe(0.25, _report(rng, "rectify-notice"))]
    if target == "out-rectify":
        commands = [RECTIFY, ["sample", "--from", "out/rectification.xlsx", "--seed", "7",
                              "--format", "json"], _report(rng, "rectify-notice"),
                    _report(rng, "goal-review")]
        return rng.sample(commands, rng.randint(1, 2))
    if target == "out-sample":
        return [_report(rng, "sample-notice")]
    if target == "out-scores":
        return [_report(rng, "score-feedback", "score-notice", "evaluation-report")]
    return [_report(rng, "sample-notice")]  # the register


@dataclass
class Run:
    args: list[str]
    code: int | None = None
    seconds: float = 0.0
    rss_mib: float = 0.0
    stdout: str = ""
    stderr: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        return self.args[0]


@dataclass
class Case:
    seed: int
    target: str = ""
    file: str = ""
    mutations: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    injection: bool = False

    @property
    def failures(self) -> list[str]:
        return [kind for run in self.runs for kind in run.failures]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MEMORY_LIMIT, MEMORY_LIMIT))


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PBM_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PBM_LANG", "zh")
    env["COLUMNS"] = "120"
    return env


def run_pbm(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """``pbm args`` in ``cwd`` as a process of its own (group), under the memory limit; killed
    with its group after TIMEOUT_S.  Peak RSS from wait4 (the process and the workers it
    waited for)."""
    run = Run(args)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "pbm.cli.app", *args], cwd=cwd, env=env,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 start_new_session=True, preexec_fn=_limits)
        deadline = started + TIMEOUT_S
        pause = 0.002
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                run.failures.append("timeout")
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        run.seconds = time.perf_counter() - started
        with contextlib.suppress(ProcessLookupError):  # workers left behind
            os.killpg(child.pid, signal.SIGKILL)
        child.returncode = run.code = os.waitstatus_to_exitcode(status)
        run.rss_mib = usage.ru_maxrss / 1024
        out.seek(0)
        err.seek(0)
        run.stdout = out.read().decode("utf-8", "replace")
        run.stderr = err.read().decode("utf-8", "replace")
    _judge(run)
    return run


def _judge(run: Run) -> None:
    text = run.stdout + run.stderr
    if "timeout" in run.failures:
        return
    if run.code < 0:
        run.failures.append(f"signal {signal.Signals(-run.code).name}")
    elif run.code not in (0, 1, 2):
        run.failures.append(f"exit {run.code}")
    if "Traceback (most recent call last)" in text:
        run.failures.append("traceback")
    if "internal error" in text or "内部错误" in text:
        run.failures.append("internal error")
    if run.rss_mib * (1 << 20) > MEMORY_LIMIT or "MemoryError" in text \
            or "memory allocation of" in text:
        run.failures.append("memory")
    if "--json" in run.args or "json" in run.args:
        try:
            data = json.loads(run.stdout)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            run.failures.append("json")


def _evaluated_injection(workspace: Path) -> bool:
    """A planted ``{{ 1111*1111 }}`` came out of report evaluated."""
    for path in (workspace / "out" / "reports").rglob("*"):
        if path.suffix in (".md", ".html"):
            if INJECTION_MARK in path.read_text("utf-8", "replace"):
                return True
        elif path.suffix == ".docx":
            with contextlib.suppress(zipfile.BadZipFile, KeyError), zipfile.ZipFile(path) as doc:
                if INJECTION_MARK.encode() in doc.read("word/document.xml"):
                    return True
    return False


def prepare(base: Path) -> Path:
    """The seed workspace with the out/ pbm writes from it."""
    workspace = base / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("out"))
    env = _environment()
    for args in (["validate", "goals/"], ["monitor", "q3/"], ["sample", "--seed", "20261122"],
                 ["score", "self-eval/"], ["report", "sample-notice", "--processes", "1"],
                 ["report", "goal-review", "--date", "2026-03-16", "--processes", "1"]):
        run = run_pbm([*args, "--quiet"], workspace, env)
        if run.code not in (0, 1) or run.failures:
            raise SystemExit(f"fuzz: preparing the seed workspace, pbm {' '.join(args)} exited "
                             f"{run.code}: {run.stderr[-2000:]}")
    shutil.rmtree(workspace / "out" / "reports")
    return workspace


def seed_files(workspace: Path) -> dict[str, list[Path]]:
    files = {name: sorted(p for p in workspace.glob(pattern) if p.is_file())
             for name, pattern, _ in TARGETS}
    missing = [name for name, paths in files.items() if not paths]
    if missing:
        raise SystemExit(f"fuzz: no seed files for {missing}")
    return files


def run_case(seed: int, seeds: Path, files: dict[str, list[Path]], where: Path,
             env: dict[str, str]) -> tuple[Case, Path, bytes]:
    rng = random.Random(seed)
    case = Case(seed)
    names = [name for name, _, _ in TARGETS]
    case.target = rng.choices(names, [w for _, _, w in TARGETS])[0]
    source = rng.choice(files[case.target])
    relative = source.relative_to(seeds)
    case.file = str(relative)
    data = source.read_bytes()
    if source.suffix == ".csv":
        mutated, case.mutations = mutate_csv(rng, data)
    else:
        mutated, case.mutations = mutate_xlsx(rng, data)
    case.injection = "1111*1111" in " ".join(case.mutations)
    commands = plan_commands(rng, case.target)
    workspace = where / f"case-{seed}"
    shutil.copytree(seeds, workspace)
    (workspace / relative).write_bytes(mutated)
    for args in commands:
        case.runs.append(run_pbm(args, workspace, env))
    if case.injection and _evaluated_injection(workspace):
        case.runs[-1].failures.append("template injection")
    return case, workspace, mutated


def save_failure(case: Case, mutated: bytes) -> Path:
    folder = FAILURES / str(case.seed)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / Path(case.file).name).write_bytes(mutated)
    runs = []
    for index, run in enumerate(case.runs, 1):
        stem = f"{index}-{run.command}"
        (folder / f"{stem}.stdout").write_text(run.stdout, encoding="utf-8")
        (folder / f"{stem}.stderr").write_text(run.stderr, encoding="utf-8")
        runs.append({"command": "pbm " + " ".join(run.args), "exit": run.code,
                     "seconds": round(run.seconds, 2), "peak_rss_mib": round(run.rss_mib, 1),
                     "failures": run.failures, "output": stem})
    info = {"seed": case.seed, "target": case.target, "file": case.file,
            "mutations": case.mutations, "runs": runs,
            "replay": f"python benchmarks/fuzz.py --case {case.seed}"}
    (folder / "case.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return folder


def cause(run: Run, kind: str) -> str:
    """A failure's cause, for grouping: its kind and the last line pbm printed, numbers out
    (for a missing JSON object alone: how the JSON was asked for and what came instead)."""
    if kind == "json":
        asked = "--json" if "--json" in run.args else "--format json"
        got = "nothing" if not run.stdout.strip() else "not one JSON object"
        return f"{run.command} {asked}: json: exit {run.code}, {got} on stdout"
    lines = [line for line in (run.stderr or run.stdout).splitlines() if line.strip()]
    last = next((line for line in reversed(lines) if "rror" in line or "错误" in line),
                lines[-1] if lines else "")
    last = re.sub(r"\d+", "N", last)[:160]
    return f"{run.command}: {kind}: {last}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS") or 600))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED") or
                                                         random.SystemRandom().randrange(10 ** 6)))
    parser.add_argument("--case", type=int, help="replay the case of this seed and keep its workspace")
    options = parser.parse_args()
    env = _environment()
    base = Path(tempfile.mkdtemp(prefix="pbm-fuzz-"))
    try:
        seeds = prepare(base)
        files = seed_files(seeds)
        if options.case is not None:
            kept = Path(tempfile.mkdtemp(prefix=f"pbm-fuzz-case-{options.case}-"))
            case, workspace, _ = run_case(options.case, seeds, files, kept, env)
            print(json.dumps({"seed": case.seed, "target": case.target, "file": case.file,
                              "mutations": case.mutations}, ensure_ascii=False, indent=2))
            for run in case.runs:
                print(f"\n$ pbm {' '.join(run.args)}    # exit {run.code}, {run.seconds:.2f} s, "
                      f"{run.rss_mib:.0f} MiB, failures: {run.failures or 'none'}")
                print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
            print(f"\nworkspace kept: {workspace}")
            return 1 if case.failures else 0
        return fuzz(options.seed, options.seconds, seeds, files, base, env)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def fuzz(seed: int, seconds: float, seeds: Path, files: dict[str, list[Path]], base: Path,
         env: dict[str, str]) -> int:
    print(f"fuzz: seed {seed}, {seconds:.0f} s; failing cases go to {FAILURES}", flush=True)
    master = random.Random(seed)
    tried: Counter[str] = Counter()
    failed_runs: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    causes: dict[str, list[int]] = defaultdict(list)
    targets: Counter[str] = Counter()
    slowest: dict[str, tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    biggest: dict[str, tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    cases = failing = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        case_seed = master.randrange(2 ** 32)
        case, workspace, mutated = run_case(case_seed, seeds, files, base, env)
        shutil.rmtree(workspace, ignore_errors=True)
        cases += 1
        targets[case.target] += 1
        for run in case.runs:
            tried[run.command] += 1
            slowest[run.command] = max(slowest[run.command], (run.seconds, case.seed))
            biggest[run.command] = max(biggest[run.command], (run.rss_mib, case.seed))
            if run.failures:
                failed_runs[run.command] += 1
            for kind in run.failures:
                kinds[kind] += 1
                if kind != "json" or run.failures == ["json"]:  # no JSON after a crash: its sequel
                    causes[cause(run, kind)].append(case.seed)
        if case.failures:
            failing += 1
            folder = save_failure(case, mutated)
            print(f"  FAIL seed {case.seed}: {', '.join(sorted(set(case.failures)))} "
                  f"({case.file}; {'; '.join(m[:80] for m in case.mutations)}) -> {folder}",
                  flush=True)
        if cases % 100 == 0:
            print(f"  … {cases} cases, {failing} failing, {time.monotonic() - started:.0f} s",
                  flush=True)
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {cases} cases in {elapsed:.0f} s (seed {seed}), {failing} failing")
    print("  cases by mutated file: " + ", ".join(f"{t} {n}" for t, n in targets.most_common()))
    print(f"  {'command':<10} {'runs':>6} {'failed':>7} {'slowest (seed)':>22} "
          f"{'peak RSS (seed)':>24}")
    for command in COMMANDS:
        (seconds, slow_seed), (mib, big_seed) = slowest[command], biggest[command]
        print(f"  {command:<10} {tried[command]:>6} {failed_runs[command]:>7} "
              f"{seconds:>7.2f} s ({slow_seed:>10}) {mib:>6.0f} MiB ({big_seed:>10})")
    print("  failures by kind: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common())
                                    or "none"))
    if causes:
        print("  distinct causes (count, first seeds):")
        for text, seeds_of in sorted(causes.items(), key=lambda item: -len(item[1])):
            print(f"    {len(seeds_of):>4}  {text}  [{', '.join(map(str, seeds_of[:3]))}]")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
