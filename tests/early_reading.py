"""Shared by the tests of early reading (score and validate on big list sheets)."""

from __future__ import annotations

from types import ModuleType

from pbm.workbook import reader, split

READ_DONE = "— read done —"


def record_early_work(monkeypatch, command: ModuleType, typing: str) -> list[str]:
    """Make every list sheet be read early, and record, in order, the name of each project
    ``command.<typing>`` is given and ``READ_DONE`` when ``command.read_workbook`` returns:
    projects before ``READ_DONE`` were worked on while the sheet was still being read."""
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(reader, "_EARLY_MIN_ROWS", 0)
    events: list[str] = []
    real_typing = getattr(command, typing)
    real_read = command.read_workbook

    def typed(record, *args, **kwargs):
        events.append(record.name)
        return real_typing(record, *args, **kwargs)

    def read(*args, **kwargs):
        workbook = real_read(*args, **kwargs)
        events.append(READ_DONE)
        return workbook

    monkeypatch.setattr(command, typing, typed)
    monkeypatch.setattr(command, "read_workbook", read)
    return events
