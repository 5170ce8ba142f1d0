"""The monitoring period (监控期间) and its time progress (序时进度): 1–7月 under 财预〔2019〕136号,
half-years or quarters in local practice (黄石 1–6月, 溧阳 after each quarter).

The period is a parameter because time progress — and so every light — depends on it:
``--period 2026-09`` / ``--period Q3``, else the submissions folder's name (``q3`` → month
9), else the month every submission states (``1-7月执行数``), else ``monitor.period_month`` of
pbm.toml.  Time progress = month / 12, kept exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pbm.errors import PbmError

_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                   "十": 10, "十一": 11, "十二": 12}
_QUARTER_END = {1: 3, 2: 6, 3: 9, 4: 12}

# "2026-09", "2026.9", "2026/09", "2026年9月", "202609"
_YEAR_MONTH = re.compile(r"^(\d{4})\s*(?:[-./年]\s*)?(\d{1,2})\s*月?(?:末|底)?$")
# "Q3", "q3", "2026Q3", "2026-Q3", "3季度", "三季度", "第三季度", "2026年第三季度"
_QUARTER = re.compile(r"^(?:(\d{4})\s*(?:年|[-_ .])?\s*)?(?:q([1-4])|第?([1-4一二三四])季度?|([1-4一二三四])季)$",
                      re.IGNORECASE)
# "9", "9月", "09", "1-9月", "1至9月", "M9"
_MONTH = re.compile(r"^(?:m)?(?:1\s*[-~至到—–]\s*)?(\d{1,2})\s*月?(?:份|末|底)?$", re.IGNORECASE)
_HALF = re.compile(r"^(?:(\d{4})\s*(?:年|[-_ .])?\s*)?(?:h1|上半年|半年|年中)$", re.IGNORECASE)
_YEAR_END = re.compile(r"^(?:(\d{4})\s*(?:年|[-_ .])?\s*)?(?:h2|q4|全年|年度|年末|年底)$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A monitoring period: data up to the end of ``month`` of ``year``."""

    year: int
    month: int
    source: str  # "--period", "folder name q3", "pbm.toml monitor.period_month"
    #: the month is pbm.toml's fallback / the year the preset's (no pbm.toml states one): the
    #: forms' own ``1-N月`` / ``( 2019年度)`` may replace them
    month_default: bool = False
    year_default: bool = False

    @property
    def time_progress(self) -> Decimal:
        """序时进度 = month / 12 as a Decimal, for display; the lights never divide by this
        rounded value (see :mod:`pbm.monitoring.lights`)."""
        return Decimal(self.month) / Decimal(12)

    @property
    def label(self) -> str:
        """File-name label: ``2026-09``."""
        return f"{self.year}-{self.month:02d}"

    @property
    def label_zh(self) -> str:
        return f"{self.year}年1-{self.month}月"

    def to_dict(self) -> dict:
        return {"year": self.year, "month": self.month, "label": self.label,
                "time_progress": float(round(self.time_progress, 4)), "source": self.source}


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CHINESE_DIGITS[text]


def parse_period(text: str, default_year: int) -> tuple[int, int] | None:
    """(year, month) for a period text or folder name, or None when it names no period."""
    compact = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if not compact:
        return None
    match = _YEAR_MONTH.match(compact)
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2))
    match = _QUARTER.match(compact)
    if match:
        quarter = _number(match.group(2) or match.group(3) or match.group(4))
        return int(match.group(1) or default_year), _QUARTER_END[quarter]
    match = _HALF.match(compact)
    if match:
        return int(match.group(1) or default_year), 6
    match = _YEAR_END.match(compact)
    if match:
        return int(match.group(1) or default_year), 12
    match = _MONTH.match(compact)
    if match and 1 <= int(match.group(1)) <= 12:
        return default_year, int(match.group(1))
    return None


def resolve_period(option: str | None, folder: Path | None, config_month: int,
                   year: int, year_stated: bool = True) -> Period:
    """The period from ``--period``, else the folder name (or a parent's), else pbm.toml.
    ``year_stated``: the year is a workspace's (pbm.toml), not the preset's default.

    A ``--period`` that names no period is a usage error (exit 2), never a silent guess.
    """
    if option is not None and str(option).strip():
        parsed = parse_period(option, year)
        if parsed is None:
            raise PbmError("M-BAD-PERIOD", value=str(option))
        return Period(parsed[0], parsed[1], "--period")
    if folder is not None:
        folder = Path(folder)
        for part in [folder.name, *(p.name for p in folder.resolve().parents)][:3]:
            parsed = parse_period(part, year)
            if parsed is not None:
                return Period(parsed[0], parsed[1], f"文件夹名 {part}",
                              year_default=not year_stated and _YEAR_IN.search(part) is None)
    month = int(config_month)
    if not 1 <= month <= 12:
        raise PbmError("M-BAD-PERIOD", value=str(config_month))
    return Period(year, month, "pbm.toml monitor.period_month", month_default=True,
                  year_default=not year_stated)


_YEAR_IN = re.compile(r"(?:19|20)\d\d")
