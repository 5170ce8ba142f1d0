"""pbm.toml and rule presets, validated against schemas/config.schema.json.

Effective configuration = national-2020 preset ← the preset named in pbm.toml ← pbm.toml
← command-line options.  Every value remembers where it came from (``pbm config``).
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm.errors import PbmError
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
    if workspace is not None:
        path = workspace / CONFIG_NAME
        user, lines = read_config_file(path)
        preset = user.get("preset", BASE_PRESET)
        if preset != BASE_PRESET:
            _merge(values, sources, _read_preset(preset), f"preset {preset}")
        _merge(values, sources, {k: v for k, v in user.items() if k != "preset"},
               CONFIG_NAME, lines)
        files.append(path)
    if overrides:
        _merge(values, sources, _nest(overrides), "option")
    return Config(values=values, sources=sources, workspace=workspace, preset=preset, files=files)


def read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse and validate one pbm.toml; errors name the line and the allowed values."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PbmError("CONFIG-SYNTAX", file=str(path),
                       cell=f"line {match.group(1)}" if match else None, reason=str(exc)) from None
    lines = key_lines(text)
    validate_config(data, path, lines)
    return data, lines


def validate_config(data: dict[str, Any], path: Path, lines: dict[str, int]) -> None:
    from jsonschema import Draft202012Validator

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
