"""What a checking command (validate, monitor, score) hands to the command line: the files it
read, every finding in report order, a summary, and its own lists — one shape, which the
terminal, the JSON on stdout and the workbooks render.

The JSON is ``{"command", "pbm_version", "summary", "findings", …the command's lists,
"files"}``; the summary keys each command promises are a contract for scripts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pbm import __version__
from pbm.findings import Finding, count_by_severity


@dataclass
class RunResult:
    """``files`` are what was read (anything with ``file``, ``sha256`` and ``error``)."""

    command: ClassVar[str] = ""

    files: list[Any]
    findings: list[Finding]  # every finding, file-level and project-level, in report order
    started: dt.datetime = field(default_factory=dt.datetime.now, kw_only=True)

    @property
    def unreadable(self) -> list[Any]:
        return [f for f in self.files if f.error is not None]

    def counts(self) -> dict[str, int]:
        """Findings per severity (error, warning, info)."""
        return count_by_severity(self.findings)

    def summary(self) -> dict[str, Any]:
        counts = self.counts()
        return {"files": len(self.files), "files_unreadable": len(self.unreadable),
                "errors": counts["error"], "warnings": counts["warning"],
                "infos": counts["info"]}

    def lists(self, lang: str) -> dict[str, Any]:
        """The command's own lists in its JSON (projects, departments, …)."""
        return {}

    def file_dict(self, read: Any) -> dict[str, Any]:
        return {"file": read.file, "sha256": read.sha256, "readable": read.error is None}

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"command": self.command, "pbm_version": __version__, "summary": self.summary(),
                "findings": [f.to_dict(lang) for f in self.findings], **self.lists(lang),
                "files": [self.file_dict(read) for read in self.files]}
