"""Departments: the roster (roster.xlsx: 主管部门编码, 主管部门, 联系人), which department a
submission comes from, and which of two submissions of one department is kept (the newer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbm.monitoring.goals import key
from pbm.workbook.fields import match_label


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    contact: str = ""


@dataclass
class Roster:
    departments: list[Department]
    source: str | None = None
    sha256: str | None = None
    _by_code: dict[str, Department] = field(default_factory=dict, repr=False)
    _by_name: dict[str, Department] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Longest name first, so 教育局 never wins over 市教育局 in a file name.
        self._names_longest_first = sorted(
            ((key(d.name), d) for d in self.departments if d.name), key=lambda kd: -len(kd[1].name))
        for department in self.departments:
            if department.code:
                self._by_code.setdefault(key(department.code), department)
            self._by_name.setdefault(key(department.name), department)

    def __bool__(self) -> bool:
        return bool(self.departments)

    def find(self, name: str, code: str = "") -> Department | None:
        """A roster department by name, else by code (a code copied from another form is a
        commoner slip than a wrong department name)."""
        if name and key(name) in self._by_name:
            return self._by_name[key(name)]
        if code and key(code) in self._by_code:
            return self._by_code[key(code)]
        return None

    def in_file_name(self, stem: str) -> Department | None:
        """The department a file name names (``101-教育局-监控表``), longest name first."""
        text = key(stem)
        for name, department in self._names_longest_first:
            if name in text:
                return department
        return None


def load_roster(path: Path | None, limits) -> Roster:
    """Read roster.xlsx (any sheet whose header names 主管部门 and/or 主管部门编码)."""
    from pbm.workbook.source import open_workbook

    if path is None or not Path(path).is_file():
        return Roster([])
    raw = open_workbook(Path(path), limits, str(path))
    departments: list[Department] = []
    for sheet in raw.sheets:
        columns: dict[str, int] = {}
        header_row = None
        for r, row in enumerate(sheet.rows[:15]):
            found = {}
            for c, value in enumerate(row):
                if not isinstance(value, str):
                    continue
                match = match_label(value)
                if match and match[1] in ("department", "department_code"):
                    found.setdefault(match[1], c)
                elif key(value) in ("联系人", "contact"):
                    found.setdefault("contact", c)
            if "department" in found:
                columns, header_row = found, r
                break
        if header_row is None:
            continue
        for row in sheet.rows[header_row + 1:]:
            name = _roster_cell(row, columns, "department")
            if name:
                departments.append(Department(_roster_cell(row, columns, "department_code"), name,
                                              _roster_cell(row, columns, "contact")))
    return Roster(departments, str(path), raw.sha256)


def _roster_cell(row: list[Any], columns: dict[str, int], name: str) -> str:
    c = columns.get(name)
    if c is None or c >= len(row) or row[c] is None:
        return ""
    value = row[c]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 101.0 → "101"
    return str(value).strip()


def stated_date(texts: list[str]) -> dt.date | None:
    """The newest date stated in the file's 填报日期/版本 cells, if any."""
    from pbm.values import parse_value

    dates = []
    for text in texts:
        parsed = parse_value(text, role="date")
        if parsed.date is not None:
            dates.append(parsed.date)
    return max(dates) if dates else None


def newer_submission(candidates: list) -> tuple[object, str, str]:
    """The submission to keep among several of one department, and why (zh, en).

    The date stated in the files (填报日期/版本) decides when every file states one and they
    differ; otherwise the file modification time, then the file name (a stable tie-break).
    """
    stated = [c.stated_date for c in candidates]
    if all(d is not None for d in stated) and len(set(stated)) > 1:
        newest = max(stated)
        pool = [c for c in candidates if c.stated_date == newest]
        if len(pool) == 1:
            return pool[0], f"填报日期 {newest.isoformat()} 较新", f"stated date {newest.isoformat()} is newer"
        candidates = pool
    chosen = max(candidates, key=lambda c: (c.mtime, c.file))
    stamp = dt.datetime.fromtimestamp(chosen.mtime).strftime("%Y-%m-%d %H:%M")
    return chosen, f"文件修改时间 {stamp} 较新", f"file modified {stamp} is newer"
