"""A bureau's own 核心指标库: one sheet, a header row with 指标名称 (and 指标解释/定义, 计算方法,
数据来源, 取值依据, 建议指标值 where the bureau keeps them; 一级指标/二级指标 if given).  It is the
reference: an indicator of a goal table named as one of its 指标名称 is a core indicator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pbm.errors import PbmError
from pbm.library.names import normalise_name
from pbm.values import normalise_text
from pbm.workbook.source import Limits, open_workbook

#: key → the headers a core library may give the column (the first is how pbm writes it).
CORE_COLUMNS = {
    "name": ("指标名称", "三级指标", "指标"),
    "definition": ("指标解释/定义", "指标解释", "指标定义", "指标说明"),
    "method": ("计算方法", "计算公式"),
    "source": ("数据来源",),
    "basis": ("取值依据", "指标值确定依据"),
    "suggested": ("建议指标值", "参考指标值", "指标值"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
}
_HEADER_ROWS = 15


@dataclass
class CoreIndicator:
    name: str  # as the library writes it
    key: str  # normalised
    row: int  # 1-based row of its sheet
    texts: dict[str, str] = field(default_factory=dict)  # the other columns, by key


@dataclass
class CoreLibrary:
    path: Path
    sheet: str
    indicators: dict[str, CoreIndicator]  # normalised name → the first row naming it

    def __contains__(self, key: str) -> bool:
        return key in self.indicators

    def __len__(self) -> int:
        return len(self.indicators)


def _compact(value: object) -> str:
    return "".join(normalise_text(value).split())


def load_core_library(path: Path, limits: Limits = Limits()) -> CoreLibrary:
    """The core library's first sheet: its header row found among the first rows by 指标名称;
    a workbook without one is a clear error (exit 2)."""
    path = Path(path)
    raw = open_workbook(path, limits, path.name)
    sheet = raw.sheets[0]
    header = None
    for index, row in enumerate(sheet.rows[:_HEADER_ROWS]):
        headers = [_compact(v) for v in row]
        columns = {key: next((i for i, h in enumerate(headers) if h in names), None)
                   for key, names in CORE_COLUMNS.items()}
        if columns["name"] is not None:
            header = index
            break
    if header is None:
        raise PbmError("LIBRARY-CORE-NO-HEADER", file=path.name, sheet=sheet.name)
    found: dict[str, CoreIndicator] = {}
    for number, row in enumerate(sheet.rows[header + 1:], start=header + 2):
        texts = {key: normalise_text(row[column]) if column is not None and column < len(row)
                 else "" for key, column in columns.items()}
        key = normalise_name(texts["name"])
        if not key or key in found:
            continue
        name = texts.pop("name")
        found[key] = CoreIndicator(name, key, number, texts)
    return CoreLibrary(path, sheet.name, found)
