"""Errors that stop a command with a clear one-line cause (exit 2), never a traceback."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1  # the check found errors (or warnings with --strict)
    BAD_INPUT = 2  # bad usage or unreadable input


class PbmError(Exception):
    """A user-facing failure: ``code`` is a catalogue code, ``params`` fill its text."""

    def __init__(self, code: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, **params):
        self.code = code
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.params = params
        super().__init__(code)

    def message(self, lang: str = "zh") -> str:
        from pbm.findings import render_message

        where = " / ".join(p for p in (self.file, self.sheet, self.cell) if p)
        text = render_message(self.code, lang, self.params)
        return f"{where}: {text}" if where else text
