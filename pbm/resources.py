"""Where pbm's data files live (schemas, templates, presets, message catalogues).

schemas/ and templates/ sit at the top of the repository and are installed as the
packages ``pbm.schemas`` and ``pbm.templates``; both cases resolve here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """Folder of a data package: ``schemas``, ``templates``, ``presets`` or ``messages``."""
    local = Path(__file__).resolve().parent / name
    if local.is_dir():
        return local
    repo = _REPO_ROOT / name
    if repo.is_dir():
        return repo
    return Path(str(resources.files(f"pbm.{name}")))


@cache
def load_schema(name: str) -> dict:
    """A JSON Schema from schemas/, e.g. ``load_schema("config")``."""
    path = resource_dir("schemas") / f"{name}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))
