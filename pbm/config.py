"""pbm.toml and rule presets, validated against schemas/config.schema.json.

Effective configuration = national-2020 preset ← the preset named in pbm.toml ← pbm.toml
← command-line options.  Every value remembers where it came from (``pbm config``).
"""

from __future__ import annotations

import codecs
import copy
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.resources import load_schema, resource_dir

CONFIG_NAME = "pbm.toml"
BASE_PRESET = "national-2020"


@dataclass
class Config:
    values: dict[str, Any]
    sources: dict[str, str]  # dotted key → "preset national-2020" / "pbm.toml:12" / "option"
    workspace: Path | None = None
    preset: str = BASE_PRESET
    files: list[Path] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # warnings on reading pbm.toml

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def section(self, name: str) -> dict[str, Any]:
        return copy.deepcopy(self.values.get(name, {}))

    def states(self, dotted: str) -> bool:
        """Whether ``dotted`` is set by the user (pbm.toml or an option), not by a preset."""
        return not self.sources.get(dotted, "").startswith("preset")

    @property
    def year(self) -> int:
        return int(self.get("workspace.year"))

    def out_dir(self, override: Path | None = None) -> Path:
        if override is not None:
            return override
        if self.workspace is not None:
            return self.workspace / "out"
        return Path.cwd() / "pbm-out"

    def flat(self) -> list[tuple[str, Any, str]]:
        rows: list[tuple[str, Any, str]] = []
        for key, value in _flatten(self.values):
            rows.append((key, value, self.sources.get(key, "")))
        return rows


def find_workspace(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding pbm.toml (like git)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_config(workspace: Path | None = None, *, search_from: Path | None = None,
                overrides: dict[str, Any] | None = None) -> Config:
    """Load the effective configuration.  ``workspace`` wins over searching upwards."""
    if workspace is not None:
        workspace = Path(workspace)
        if not (workspace / CONFIG_NAME).is_file():
            raise PbmError("CONFIG-NO-WORKSPACE", file=str(workspace))
    else:
        workspace = find_workspace(search_from)

    values, sources = {}, {}
    _merge(values, sources, _read_preset(BASE_PRESET), f"preset {BASE_PRESET}")
    files: list[Path] = []
    preset = BASE_PRESET
    notes: list[Finding] = []
    if workspace is not None:
        path = workspace / CONFIG_NAME
        user, lines, notes = read_config_file(path)
        preset = user.get("preset", BASE_PRESET)
        if preset != BASE_PRESET:
            _merge(values, sources, _read_preset(preset), f"preset {preset}")
        _merge(values, sources, {k: v for k, v in user.items() if k != "preset"},
               CONFIG_NAME, lines)
        files.append(path)
    if overrides:
        _merge(values, sources, _nest(overrides), "option")
    return Config(values=values, sources=sources, workspace=workspace, preset=preset, files=files,
                  notes=notes)


def read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, int], list[Finding]]:
    """Parse and validate one pbm.toml; errors name the line and the allowed values.
    The notes say when the file was saved in another encoding than UTF-8."""
    text, encoding = read_config_text(path)
    note = Finding("CONFIG-ENCODING", file=str(path), params={"encoding": encoding})
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: an integer of 4300+ digits
        match = re.search(r"line (\d+)", str(exc))
        raise PbmError("CONFIG-SYNTAX", file=str(path),
                       cell=f"line {match.group(1)}" if match else None, reason=str(exc)) from None
    except RecursionError:  # tomllib follows nested arrays and inline tables recursively
        line = _too_deep(text)
        starts = sorted((n, key) for key, n in key_lines(text).items() if n <= line)
        raise PbmError("CONFIG-TOO-DEEP", file=str(path), cell=f"line {line}",
                       key=starts[-1][1] if starts else "?") from None
    lines = key_lines(text)
    validate_config(data, path, lines)
    return data, lines, [note] if encoding else []


#: What no TOML text holds (C0 controls but tab and line ends, DEL): the file is binary.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_config_text(path: Path) -> tuple[str, str | None]:
    """The text of a pbm.toml, and the encoding it was saved in when that is not UTF-8:
    UTF-16 with its byte-order mark (Notepad's "Unicode") or GBK (Notepad's "ANSI" on
    Chinese Windows).  A UTF-8 byte-order mark is dropped silently; anything that is no text
    in these encodings is refused, at the line where it stops being text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PbmError("CONFIG-UNREADABLE", file=str(path), reason=exc.strerror or str(exc)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        data = data.removeprefix(codecs.BOM_UTF8)
        candidates = [("utf-8", None), ("gb18030", "GBK")]
    line = 1  # where the encoding that reads furthest stops
    for codec, encoding in candidates:
        try:
            text, whole = data.decode(codec), True
        except UnicodeDecodeError as exc:  # the text before the first byte that is none
            text, whole = data[:exc.start].decode(codec), False
        binary = _BINARY.search(text)
        line = max(line, text.count("\n", 0, binary.start() if binary else len(text)) + 1)
        if binary:
            break
        if whole:  # line ends as reading a text file gives them (\r\n, \r → \n)
            return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise PbmError("CONFIG-NOT-TEXT", file=str(path), cell=f"line {line}")


def _too_deep(text: str) -> int:
    """The first line by which ``text`` nests deeper than tomllib can follow: the fewest
    leading lines that still overflow the parser's recursion (found by halving)."""
    lines = text.splitlines(keepends=True)
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        try:
            tomllib.loads("".join(lines[:middle]))
        except RecursionError:
            high = middle
            continue
        except tomllib.TOMLDecodeError:
            pass
        low = middle + 1
    return high


def validate_config(data: dict[str, Any], path: Path, lines: dict[str, int]) -> None:
    from jsonschema import Draft202012Validator

    # What the schema cannot check, or not safely (its messages recurse into a value): no
    # value nested deeper than any setting is, no nan, inf or integer beyond 64 bits (0xfff…).
    for key, node, depth in _nodes(data):
        if depth > _MAX_DEPTH:
            raise PbmError("CONFIG-TOO-DEEP", file=str(path), cell=_line_of(lines, key), key=key)
        usable = (math.isfinite(node) if isinstance(node, float)
                  else -2**63 <= node < 2**63 if isinstance(node, int) else True)
        if not usable:
            value = repr(node) if isinstance(node, float) else "≥ 2^63" if node > 0 else "< -2^63"
            raise PbmError("CONFIG-NOT-FINITE", file=str(path), cell=_line_of(lines, key),
                           key=key, value=value)
    validator = Draft202012Validator(load_schema("config"))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if not errors:
        return
    error = errors[0]
    dotted = ".".join(str(p) for p in error.path if not isinstance(p, int))
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        key = ".".join(filter(None, [dotted, extra[0] if extra else ""]))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        raise PbmError("CONFIG-UNKNOWN-KEY", file=str(path), cell=_line_of(lines, key),
                       key=key, allowed=allowed)
    allowed = ""
    if "enum" in error.schema:
        allowed = ", ".join(str(v) for v in error.schema["enum"])
    raise PbmError("CONFIG-BAD-VALUE", file=str(path), cell=_line_of(lines, dotted), key=dotted,
                   value=repr(error.instance), reason=error.message,
                   allowed=allowed or _describe(error.schema))


#: How deep pbm.toml may nest tables and arrays; the deepest setting is 4 levels down
#: (``score.qualitative_tiers."达成"[0]``).
_MAX_DEPTH = 32


def _nodes(data: dict[str, Any]):
    """Every value in ``data``, in the file's order, with its dotted key (an array's for its
    items) and its depth; iterative, so a hostile depth is measured, not recursed into."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        key, node, depth = stack.pop()
        yield key, node, depth
        if isinstance(node, dict):
            stack.extend((f"{key}.{name}" if key else name, value, depth + 1)
                         for name, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((key, value, depth + 1) for value in reversed(node))


def _describe(schema: dict[str, Any]) -> str:
    parts = []
    if "type" in schema:
        parts.append(str(schema["type"]))
    for word, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")):
        if word in schema:
            parts.append(f"{sign} {schema[word]}")
    return " ".join(parts)


def _line_of(lines: dict[str, int], dotted: str) -> str | None:
    probe = dotted
    while probe:
        if probe in lines:
            return f"line {lines[probe]}"
        probe = probe.rpartition(".")[0]
    return None


_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-"]+)*)\s*=')


def key_lines(text: str) -> dict[str, int]:
    """Map dotted keys (and table names) of a TOML text to their 1-based line numbers."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TABLE.match(line)
        if match:
            table = match.group(1).replace('"', "").replace(" ", "")
            lines.setdefault(table, number)
            continue
        match = _KEY.match(line)
        if match:
            key = match.group(1).replace('"', "").replace(" ", "")
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


def _read_preset(name: str) -> dict[str, Any]:
    path = resource_dir("presets") / f"{name}.toml"
    if not path.is_file():
        raise PbmError("CONFIG-UNKNOWN-PRESET", preset=name)
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _merge(target: dict, sources: dict, layer: dict, label: str,
           lines: dict[str, int] | None = None, prefix: str = "") -> None:
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], sources, value, label, lines, dotted + ".")
            continue
        target[key] = copy.deepcopy(value)
        for sub, _ in _flatten({key: value}, prefix):
            where = label
            if lines is not None and sub in lines:
                where = f"{label}:{lines[sub]}"
            sources[sub] = where


def _flatten(node: dict, prefix: str = ""):
    for key, value in node.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _flatten(value, dotted + ".")
        else:
            yield dotted, value


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for dotted, value in flat.items():
        if value is None:
            continue
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested
